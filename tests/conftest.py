"""Shared fixtures: a hand-built analysis (no spaCy needed), a clean database environment, and
``db_url``: a fresh database per test on SQLite and on a real, throwaway PostgreSQL server.

The PostgreSQL server is started once per test session from Debian's ``postgresql`` package
(``/usr/lib/postgresql/*/bin``): a new data directory under the system temp dir, listening on
127.0.0.1 on a free port with trust authentication and ``fsync=off``, owned and run by an
unprivileged user when the tests run as root. It is stopped and deleted at the end of the session.
When the binaries are missing they are installed with apt-get (as root); otherwise the PostgreSQL
tests are skipped, except under ``CI``, where they fail.
"""

from __future__ import annotations

import glob
import multiprocessing
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from corroborate.types import Analysis, Article, Attribution, Boilerplate, DamageFlag, Span

SAMPLE_TEXT = (
    "Mayor Ana Ruiz said the bridge will reopen in May.\n"
    "READ MORE: Ten bridges to see\n"
    "Officials, who asked not to be named, told the Gazette the date may slip.\n"
    "The repairs reportedly cost $4 million.\n"
)


def _span(text: str, needle: str) -> Span:
    start = text.index(needle)
    return Span.of(text, start, start + len(needle))


def offset_checked(extract):
    """A runner for extraction tests: parse a text with the product's spaCy pipeline, run ``extract`` on
    the doc, and check that every source, cue and content span's text is the text at its offsets."""
    from corroborate.text.nlp import load_nlp

    nlp = load_nlp()

    def run(text: str):
        doc = nlp(text)
        atts = extract(doc)
        for a in atts:
            for span in (a.source, a.cue, a.content):
                if span is not None:
                    assert doc.text[span.start : span.end] == span.text
        return atts

    return run


def build_analysis(
    text: str = SAMPLE_TEXT,
    *,
    title: str | None = "Bridge to reopen",
    outlet: str | None = "The Gazette",
    url: str | None = None,
    published: date | None = date(2025, 4, 10),
    extractor: str = "rules@1",
) -> Analysis:
    """Two named and two anonymous attributions, one boilerplate range, one damage flag."""
    article = Article(text=text, title=title, outlet=outlet, url=url, published=published)
    attributions: list[Attribution] = []
    furniture: list[Boilerplate] = []
    damage: list[DamageFlag] = []
    if "Mayor Ana Ruiz" in text:
        attributions.append(
            Attribution(
                source=_span(text, "Mayor Ana Ruiz"),
                cue=_span(text, "said"),
                content=_span(text, "the bridge will reopen in May"),
                source_kind="person",
                extractor=extractor,
            )
        )
    if "Officials, who" in text:
        attributions.append(
            Attribution(
                source=_span(text, "Officials, who asked not to be named"),
                cue=_span(text, "told"),
                content=_span(text, "the date may slip"),
                source_kind="anonymous_group",
                certainty="hedged",
                channel=_span(text, "the Gazette"),
                extractor=extractor,
            )
        )
    if "reportedly" in text:
        attributions.append(
            Attribution(
                source=None,
                cue=_span(text, "reportedly"),
                content=_span(text, "The repairs reportedly cost $4 million"),
                source_kind="unattributed",
                extractor=extractor,
            )
        )
    if "READ MORE" in text:
        bp = _span(text, "READ MORE: Ten bridges to see")
        furniture.append(Boilerplate("read_more", bp.start, bp.end, bp.text))
    if "$4 million" in text:
        dm = _span(text, "$4 million")
        damage.append(DamageFlag("dropped_slot", dm.start, dm.end, dm.text))
    return Analysis(
        article=article,
        boilerplate=tuple(furniture),
        damage=tuple(damage),
        attributions=tuple(attributions),
        extractor=extractor,
    )


@pytest.fixture
def sample_analysis() -> Analysis:
    return build_analysis()


@pytest.fixture
def analysis_factory():
    """``analysis_factory(text=..., outlet=..., url=..., extractor=...)`` builds an Analysis by hand."""
    return build_analysis


@pytest.fixture(autouse=True)
def _no_ambient_db(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never pick up a developer's $CORROBORATE_DB."""
    monkeypatch.delenv("CORROBORATE_DB", raising=False)


# --------------------------------------------------------------------------- processes at once

_start_barrier = None


def _hold_at_start(barrier) -> None:
    global _start_barrier
    _start_barrier = barrier


def _released(fn, args: tuple):
    _start_barrier.wait(120)
    return fn(*args)


def run_at_once(fn, calls: list[tuple]) -> list:
    """``fn(*args)`` for each ``args`` of ``calls``, each in a spawned process of its own, all
    released at the same moment (once every process has imported everything). ``fn`` must be a
    module-level function of a test module."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(calls))
    with ProcessPoolExecutor(
        len(calls), mp_context=context, initializer=_hold_at_start, initargs=(barrier,)
    ) as pool:
        return list(pool.map(_released, [fn] * len(calls), calls))


# --------------------------------------------------------------------------- databases

PG_MISSING = "PostgreSQL not installed (apt-get install postgresql)"
_PG_USER_FALLBACK = "corroborate-pg"


@dataclass(frozen=True)
class PgServer:
    """A running throwaway PostgreSQL server; ``url(db)`` is a URL as a user would type it."""

    host: str
    port: int
    user: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    def admin(self):
        import psycopg

        return psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname="postgres", autocommit=True
        )


def _pg_bindir() -> Path | None:
    found = sorted(
        (Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")),
        key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0,
    )
    found = [d for d in found if (d / "pg_ctl").exists() and (d / "postgres").exists()]
    return found[-1] if found else None


def _apt_install_postgresql() -> str:
    """Install Debian's postgresql package; returns "" or the reason it failed."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "--no-install-recommends", "postgresql"]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, capture_output=True, text=True)
        result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    return "" if result.returncode == 0 else (result.stderr or result.stdout).strip()[-2000:]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the PostgreSQL tests may not be skipped)", pytrace=False)
    pytest.skip(reason)


def _run_as(user: str | None, cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    if user is not None:
        cmd = ["runuser", "-u", user, "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, **kwargs)


def _server_user() -> str | None:
    """The unprivileged user that owns and runs the server when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", _PG_USER_FALLBACK):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", _PG_USER_FALLBACK],
        check=True,
        capture_output=True,
    )
    return _PG_USER_FALLBACK


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A throwaway PostgreSQL server for the whole session (see the module docstring)."""
    bindir = _pg_bindir()
    if bindir is None:
        apt_usable = os.geteuid() == 0 and shutil.which("apt-get") is not None
        if not apt_usable:
            _unavailable(PG_MISSING)
        failure = _apt_install_postgresql()
        bindir = _pg_bindir()
        if bindir is None:
            _unavailable(f"{PG_MISSING}: apt-get install failed: {failure}")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed (pip install 'corroborate[pg]')")

    user = _server_user()
    # Under /tmp when another user runs the server: it must reach the directory (and a unix
    # socket path must stay short), which $TMPDIR or pytest's 0700 tmp dirs do not guarantee.
    root = Path(tempfile.mkdtemp(prefix="corroborate-pg-", dir="/tmp" if user is not None else None))
    if user is not None:
        shutil.chown(root, user=user)
    data, log = root / "data", root / "server.log"
    superuser = "postgres"
    init = _run_as(
        user,
        [str(bindir / "initdb"), "-D", str(data), "-U", superuser, "--auth=trust", "-E", "UTF8",
         "--locale=C", "--no-sync"],
    )  # fmt: skip
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"initdb failed: {init.stderr or init.stdout}", pytrace=False)
    started, port = None, 0
    for _ in range(3):  # the free port can be taken between choosing it and the server binding it
        port = _free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        started = _run_as(
            user,
            [
                str(bindir / "pg_ctl"),
                "start",
                "-D",
                str(data),
                "-l",
                str(log),
                "-w",
                "-t",
                "60",
                "-o",
                options,
            ],
        )
        if started.returncode == 0:
            break
    if started is None or started.returncode != 0:
        server_log = log.read_text(errors="replace") if log.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start: {started and started.stderr}\n{server_log}", pytrace=False)
    try:
        yield PgServer(host="127.0.0.1", port=port, user=superuser)
    finally:
        _run_as(user, [str(bindir / "pg_ctl"), "stop", "-D", str(data), "-m", "immediate", "-w"])
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A new, empty database in the session's PostgreSQL server, dropped after the test."""
    name = "t_" + uuid.uuid4().hex[:16]
    with pg_server.admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield pg_server.url(name)
    finally:
        with pg_server.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL per test: ``sqlite:///<tmp>/test.db`` or ``postgresql://...``.

    Nothing is created on SQLite (the store creates the file); on PostgreSQL the database exists
    and is empty. Select one backend with ``-k sqlite`` or ``-k postgresql``.
    """
    if request.param == "sqlite":
        return "sqlite:///" + str(tmp_path / "test.db")
    return request.getfixturevalue("pg_url")
