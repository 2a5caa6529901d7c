"""Killing an ingest (issue 20, item 6): SIGKILL or SIGTERM of ``corroborate ingest``, in one process and
with ``--workers 2``, mid-run. No process the run started may outlive it (the workers and the
multiprocessing resource tracker included), and running the same ingest again must leave the store
exactly as one clean run does: the same rows, ids included, and nothing twice.

The runs are the real command line in fast mode on 64 short articles. Four runs of one store
are killed in turn (kill -9 and SIGTERM, in one process and with two workers), each once it has stored
something, so each one leaves the store written in part; the fifth run finishes the work.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="walks /proc for child processes"
)

ARTICLES = 64
RUN_TIMEOUT_S = 120
GONE_WITHIN_S = 10.0
VOLATILE = {"ingested_at", "created_at"}  # wall-clock columns: differ between any two runs


def _write_inputs(folder: Path) -> None:
    folder.mkdir()
    for i in range(ARTICLES):
        text = (
            f"Mayor Ana Ruiz said on Monday that bridge {i} would reopen in May. "
            f'"We are on schedule with bridge {i}," she said. Two officials, who asked not to be named, '
            f"told the Gazette that budget line {i} would be cut by {i % 17 + 2} percent. "
            f"The river rose {i % 5 + 1} metres overnight, the agency reported.\n"
        )
        (folder / f"a{i:03d}.txt").write_text(text, encoding="utf-8")


def _command(folder: Path, db: Path, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "corroborate", "ingest", str(folder), "--db", str(db),
        "--mode", "fast", "--quiet", "--workers", str(workers),
    ]  # fmt: skip


def _run(folder: Path, db: Path, workers: int) -> str:
    done = subprocess.run(
        _command(folder, db, workers), capture_output=True, text=True, timeout=RUN_TIMEOUT_S
    )
    assert done.returncode == 0, done.stderr
    return done.stderr.strip().splitlines()[-1]


def _dump(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, ordered, without the wall-clock columns."""
    with sqlite3.connect(db) as conn:
        tables = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        ]
        out = {}
        for table in tables:
            if table.startswith("sqlite_") or table == "alembic_version":
                continue
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")') if r[1] not in VOLATILE]
            listed = ", ".join(f'"{c}"' for c in columns)
            out[table] = conn.execute(f'SELECT {listed} FROM "{table}" ORDER BY {listed}').fetchall()
    return out


def _stored(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=0.2) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.Error:  # not created yet, or busy
        return 0


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a live process; None once it is gone or a zombie."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    state, ppid = text.rsplit(")", 1)[1].split()[:2]
    return None if state in ("Z", "X") else (state, int(ppid))


def _descendants(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            parents[int(entry.name)] = stat[1]
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _kill_mid_run(folder: Path, db: Path, workers: int, sig: signal.Signals) -> None:
    """Start an ingest, send ``sig`` once it has stored something more, then check that the run is gone,
    killed mid-run, and that every process it started is gone too. (Its stderr goes to a file: a pipe
    would keep the test waiting for any process that outlives it.)"""
    before = _stored(db)
    log = db.with_suffix(f".{sig.name}.{workers}.log")
    children: set[int] = set()
    with log.open("w") as stderr:
        parent = subprocess.Popen(_command(folder, db, workers), stderr=stderr)
    try:
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while _stored(db) == before and parent.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        children = _descendants(parent.pid)
        assert parent.poll() is None, f"the run ended before it could be killed: {log.read_text()}"
        assert len(children) >= (3 if workers > 1 else 0), children  # the workers and the resource tracker
        parent.send_signal(sig)
        parent.wait(timeout=30)
        assert parent.returncode in (-sig, 128 + sig), log.read_text()
        assert before < _stored(db) < ARTICLES, log.read_text()  # killed mid-run, part of the work saved

        deadline = time.monotonic() + GONE_WITHIN_S
        while (left := {pid for pid in children if _stat(pid) is not None}) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not left, (
            f"{sig.name} with {workers} worker(s): still running after {GONE_WITHIN_S:.0f} s: {left}"
        )
    finally:  # a failed check leaves nothing behind
        for pid in [parent.pid, *children]:
            if _stat(pid) is not None:
                os.kill(pid, signal.SIGKILL)
        parent.wait()


def test_killed_ingests_leave_no_process_and_a_rerun_equals_a_clean_run(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _write_inputs(folder)
    assert _run(folder, tmp_path / "clean.db", 1) == f"ingested {ARTICLES}, already stored 0, skipped 0"
    expected = _dump(tmp_path / "clean.db")

    db = tmp_path / "killed.db"
    # Four runs of one store, each killed mid-run: kill -9 and SIGTERM, in one process and with two workers.
    for sig, workers in [
        (signal.SIGKILL, 1),
        (signal.SIGTERM, 2),
        (signal.SIGKILL, 2),
        (signal.SIGTERM, 1),
    ]:
        _kill_mid_run(folder, db, workers, sig)
    saved = _stored(db)
    assert _run(folder, db, 1) == f"ingested {ARTICLES - saved}, already stored {saved}, skipped 0"
    assert _dump(db) == expected
