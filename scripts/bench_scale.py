"""Throughput at scale: the same articles through ``corroborate ingest`` (one process, and
``--workers 2`` when the CLI has it) into SQLite and into PostgreSQL, and through ``corroborate batch``
on Spark ``local[2]`` (Parquet), then loading that Parquet into SQLite and PostgreSQL
(``batch.load_batch`` + ``Store.save``, the second step of ``stories --from-batch``).

    python scripts/bench_scale.py --data ../shared/data/polnear/train [--articles 1000] [--mode fast]
        [--scale 100,1000,5000] [--ways single-sqlite,...] [--work build/bench-scale] [--json out.json]

The corpus is the split's ``text/*.txt`` repeated under new URLs (``https://bench.example/COPY/NAME``,
one ``NAME.meta.json`` sidecar each) up to the article count. Every way runs as a fresh subprocess,
timed by wall clock from start to exit (interpreter, model and JVM start-up included). Memory:
``peak RSS, tree`` is the peak of the summed RSS of the way's process tree, sampled every 0.2 s
(pages shared between forked workers count once per process); ``largest process`` is the largest
single process seen in those samples; ``ru_maxrss`` is ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` of a
wrapper that waits for the way: it sees only processes that their parents wait for, so not Spark's
JVM and Python workers. The
PostgreSQL ways use a throwaway server started with initdb/pg_ctl from /usr/lib/postgresql/*/bin
(as an unprivileged user when run as root) and deleted at the end. After the comparison, the
fastest way is run again at every ``--scale`` size (the comparison's own run is reused for its size);
with ``--budget-min``, a size whose projected time (at the rate measured so far) would overrun the
budget is cut down to what fits, and the table says so.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CORROBORATE = str(BIN / "corroborate")
WAYS = (
    "single-sqlite",
    "single-postgresql",
    "workers2-sqlite",
    "workers2-postgresql",
    "spark-local2",
    "parquet-to-sqlite",
    "parquet-to-postgresql",
)
SAMPLE_S = 0.2
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Run:
    way: str
    articles: int
    mode: str
    elapsed_s: float = 0.0
    per_s: float = 0.0
    stored: int | None = None
    peak_tree_mib: float = 0.0
    peak_process_mib: float = 0.0
    rusage_maxrss_mib: float = 0.0
    exit: int = 0
    note: str = ""
    command: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- corpus


def make_corpus(texts: list[Path], n: int, where: Path) -> Path:
    """``n`` articles under ``where``: the texts in order, repeated under new URLs."""
    if where.exists() and len(list(where.glob("*.txt"))) == n:
        return where
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    for i in range(n):
        src = texts[i % len(texts)]
        copy = i // len(texts)
        name = f"{i:05d}"
        shutil.copyfile(src, where / f"{name}.txt")
        outlet, day = (src.stem.split("_") + ["", ""])[:2]
        meta = {"url": f"https://bench.example/{copy}/{src.stem}", "outlet": outlet}
        if re.fullmatch(r"\d{4}-\d\d-\d\d", day):
            meta["published"] = day
        (where / f"{name}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return where


# --------------------------------------------------------------------------- memory of a process tree


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        pid = int(stat.split("/")[2])
        ppid = int(data[data.rfind(b")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(pid)
    return kids


def tree_rss(root: int) -> tuple[int, int]:
    """(summed, largest single) resident set size in bytes of ``root`` and all its descendants."""
    kids = _children_map()
    total, largest, todo = 0, 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(kids.get(pid, ()))
        try:
            with open(f"/proc/{pid}/statm") as handle:
                rss = int(handle.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
        total += rss
        largest = max(largest, rss)
    return total, largest


def timed(command: list[str], env: dict[str, str], log: Path) -> tuple[float, int, float, float, float]:
    """Run ``command``; (wall seconds, exit code, peak tree RSS MiB, largest process RSS MiB (sampled),
    ru_maxrss MiB of RUSAGE_CHILDREN in a wrapper that waits for the command)."""
    wrapper = [
        sys.executable,
        "-c",
        "import resource, subprocess, sys\n"
        "code = subprocess.call(sys.argv[1:])\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(code)",
        *command,
    ]
    peak = largest = 0
    with open(log, "w") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(wrapper, env=env, stdout=out, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        stderr_lines: list[str] = []
        reader = threading.Thread(target=lambda: stderr_lines.extend(proc.stderr), daemon=True)
        reader.start()
        while proc.poll() is None:
            tree, single = tree_rss(proc.pid)
            peak, largest = max(peak, tree), max(largest, single)
            time.sleep(SAMPLE_S)
        elapsed = time.perf_counter() - started
        reader.join()
        out.write("".join(stderr_lines))
    max_rss_kib = int(stderr_lines[-1]) if stderr_lines and stderr_lines[-1].strip().isdigit() else 0
    return elapsed, proc.returncode, peak / 2**20, largest / 2**20, max_rss_kib / 1024


# --------------------------------------------------------------------------- throwaway PostgreSQL


@contextmanager
def postgres() -> Iterator[str | None]:
    """Yields an admin URL of a fresh server, or None (with a message) when it cannot start."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        print(
            "PostgreSQL binaries not found (apt-get install postgresql); skipping its ways", file=sys.stderr
        )
        yield None
        return
    bindir = Path(found[-1]).parent
    user = None
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres").pw_name
        except KeyError:
            print("no `postgres` user to run the server as; skipping its ways", file=sys.stderr)
            yield None
            return
    root = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    if user:
        shutil.chown(root, user=user)
    prefix = ["runuser", "-u", user, "--"] if user else []
    data = root / "data"
    init = [*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
    done = subprocess.run([*init, "--locale=C", "--no-sync"], capture_output=True, text=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Durable settings (fsync on) so that the numbers are what a real server would give.
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root}"
    start = [*prefix, str(bindir / "pg_ctl"), "start", "-D", str(data), "-l", str(root / "log"), "-w"]
    if done.returncode == 0:
        done = subprocess.run([*start, "-o", options], capture_output=True, text=True)
    if done.returncode != 0:
        print(f"PostgreSQL did not start ({done.stderr.strip()}); skipping its ways", file=sys.stderr)
        shutil.rmtree(root, ignore_errors=True)
        yield None
        return
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "stop", "-D", str(data), "-m", "fast", "-w"],
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def new_database(admin: str, name: str) -> str:
    import psycopg

    with psycopg.connect(f"{admin}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{admin}/{name}"


def stored_count(db: str) -> int | None:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(db)
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM articles")).scalar_one())
    except Exception as exc:  # report, never fake
        print(f"cannot count articles in {db}: {exc}", file=sys.stderr)
        return None


# --------------------------------------------------------------------------- the ways


def has_workers_option() -> bool:
    shown = subprocess.run([CORROBORATE, "ingest", "--help"], capture_output=True, text=True).stdout
    return "--workers" in shown


# What `corroborate stories --from-batch DIR --db DB` does before it renders the stories:
# save every article with its analysis, then group the new articles into stories (as `ingest` does).
LOAD_SCRIPT = (
    "import sys\n"
    "from corroborate.batch.job import load_batch\n"
    "from corroborate.store.stories import group_pending as group_stories, save_story_features\n"
    "from corroborate.store.articles import open_store\n"
    "with open_store(sys.argv[2]) as store:\n"
    "    for article, analysis, features in load_batch(sys.argv[1], story_features=True):\n"
    "        article_id, created = store.save(article, analysis)\n"
    "        if created and features:\n"
    "            save_story_features(store, article_id, features)\n"
    "    group_stories(store)\n"
)


def run_way(way: str, corpus: Path, n: int, mode: str, work: Path, pg: str | None, env: dict) -> Run:
    run = Run(way=way, articles=n, mode=mode)
    tag = f"{way}-{n}"
    parquet = work / f"parquet-{n}"
    if way.endswith("postgresql") and pg is None:
        run.note = "skipped: no PostgreSQL server"
        return run
    if way.startswith("workers2") and not has_workers_option():
        run.note = "skipped: `corroborate ingest` has no --workers option in this checkout"
        return run
    db = None
    if way.endswith("sqlite"):
        path = work / f"{tag}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        db = f"sqlite:///{path}"
    elif way.endswith("postgresql"):
        db = new_database(pg, tag.replace("-", "_"))
    if way.startswith(("single", "workers2")):
        run.command = [CORROBORATE, "ingest", str(corpus), "--db", db, "--mode", mode]
        if way.startswith("workers2"):
            run.command += ["--workers", "2"]
    elif way == "spark-local2":
        run.command = [CORROBORATE, "batch", "--input", f"{corpus}/*.txt", "--output", str(parquet)]
        run.command += ["--master", "local[2]", "--mode", mode, "--overwrite"]
    else:  # parquet-to-*: the second step, from the spark-local2 output of the same size
        if not (parquet / "articles").is_dir():
            run.note = "skipped: no spark-local2 output of this size"
            return run
        run.command = [sys.executable, "-c", LOAD_SCRIPT, str(parquet), db]
    shown = " ".join("LOAD_SCRIPT" if part == LOAD_SCRIPT else part for part in run.command)
    print(f"[bench-scale] {tag}: {shown}", file=sys.stderr, flush=True)
    run.elapsed_s, run.exit, run.peak_tree_mib, run.peak_process_mib, run.rusage_maxrss_mib = timed(
        run.command, env, work / f"{tag}.log"
    )
    run.per_s = n / run.elapsed_s if run.elapsed_s else 0.0
    if db is not None:
        run.stored = stored_count(db)
    elif (parquet / "articles").is_dir():
        import pyarrow.parquet as pq

        run.stored = sum(
            pq.read_metadata(f).num_rows for f in sorted((parquet / "articles").glob("*.parquet"))
        )
    if run.exit not in (0, 3) or run.stored != n:
        run.note = f"exit {run.exit}, {run.stored} articles stored; see {work / (tag + '.log')}"
    print(
        f"[bench-scale] {tag}: {run.elapsed_s:.1f} s, {run.per_s:.2f} articles/s", file=sys.stderr, flush=True
    )
    return run


# --------------------------------------------------------------------------- report


def table(runs: list[Run], base: Run | None) -> str:
    lines = [
        "| way | articles | mode | elapsed s | articles/s | vs single-sqlite | peak RSS MiB, tree | largest process | ru_maxrss | note |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in runs:
        ratio = f"{r.per_s / base.per_s:.2f}x" if base and base.per_s and r.per_s else ""
        if r.elapsed_s == 0:
            lines.append(f"| {r.way} | {r.articles} | {r.mode} | | | | | | | {r.note} |")
            continue
        lines.append(
            f"| {r.way} | {r.articles} | {r.mode} | {r.elapsed_s:.1f} | {r.per_s:.2f} | {ratio} | "
            f"{r.peak_tree_mib:.0f} | {r.peak_process_mib:.0f} | {r.rusage_maxrss_mib:.0f} | {r.note} |"
        )
    return "\n".join(lines)


def end_to_end(runs: list[Run]) -> list[Run]:
    """Spark then loading its Parquet into a database: the two measured steps added up."""
    spark = next((r for r in runs if r.way == "spark-local2" and r.per_s and not r.note), None)
    added = []
    for load in runs:
        if spark is None or not load.way.startswith("parquet-to-") or not load.per_s or load.note:
            continue
        total = spark.elapsed_s + load.elapsed_s
        added.append(
            Run(
                way=f"spark-local2 + {load.way.removeprefix('parquet-to-')}",
                articles=spark.articles,
                mode=spark.mode,
                elapsed_s=total,
                per_s=spark.articles / total,
                stored=load.stored,
                peak_tree_mib=max(spark.peak_tree_mib, load.peak_tree_mib),
                peak_process_mib=max(spark.peak_process_mib, load.peak_process_mib),
                rusage_maxrss_mib=max(spark.rusage_maxrss_mib, load.rusage_maxrss_mib),
                note="sum of the two rows above (run one after the other)",
            )
        )
    return added


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path, help="split folder holding text/*.txt")
    ap.add_argument("--articles", type=int, default=1000, help="articles in the comparison")
    ap.add_argument("--mode", default="fast", choices=("accurate", "fast"))
    ap.add_argument("--scale", default="100,1000,5000", help="sizes for the fastest way ('' for none)")
    ap.add_argument("--ways", default=",".join(WAYS))
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "bench-scale")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--budget-min", type=float, default=None, help="cut scale sizes that would overrun this")
    args = ap.parse_args(argv)
    texts = sorted((args.data / "text").glob("*.txt"))
    if not texts:
        print(f"no texts under {args.data}/text; is ../shared present?", file=sys.stderr)
        return 2
    ways = [w for w in args.ways.split(",") if w]
    unknown = set(ways) - set(WAYS)
    if unknown:
        print(f"unknown ways: {', '.join(sorted(unknown))}; choose from {', '.join(WAYS)}", file=sys.stderr)
        return 2
    sizes = [int(s) for s in args.scale.split(",") if s]
    args.work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    env.pop("CORROBORATE_DB", None)
    started = time.perf_counter()
    load = os.getloadavg()[0]
    print(f"[bench-scale] load average at start: {load:.2f} on {os.cpu_count()} cores", file=sys.stderr)

    runs: list[Run] = []
    scale_runs: list[Run] = []
    with postgres() as pg:
        corpus = make_corpus(texts, args.articles, args.work / f"corpus-{args.articles}")
        for way in ways:
            runs.append(run_way(way, corpus, args.articles, args.mode, args.work, pg, env))
        analysing = [r for r in runs if r.per_s and not r.note and not r.way.startswith("parquet")]
        fastest = max(analysing, key=lambda r: r.per_s, default=None)
        if fastest is not None:
            for n in sizes:
                if n == args.articles:
                    scale_runs.append(fastest)
                    continue
                asked, note = n, ""
                if args.budget_min is not None:
                    left = 60 * args.budget_min - (time.perf_counter() - started)
                    rate = min(r.per_s for r in [fastest, *scale_runs] if r.per_s)
                    fits = int(0.9 * left * rate) // 100 * 100
                    if fits < n:
                        n, note = fits, f"cut from {asked} to stay within --budget-min {args.budget_min:g}"
                        print(f"[bench-scale] {note}", file=sys.stderr, flush=True)
                if n < 100:
                    scale_runs.append(
                        Run(way=fastest.way, articles=asked, mode=args.mode, note="not run: " + note)
                    )
                    continue
                corpus_n = make_corpus(texts, n, args.work / f"corpus-{n}")
                run = run_way(fastest.way, corpus_n, n, args.mode, args.work, pg, env)
                run.note = "; ".join(x for x in (run.note, note) if x)
                scale_runs.append(run)
    total = time.perf_counter() - started

    runs += end_to_end(runs)
    base = next((r for r in runs if r.way == "single-sqlite" and r.per_s), None)
    print(f"## Ways, {args.articles} articles, --mode {args.mode}\n")
    print(table(runs, base))
    if scale_runs:
        print(f"\n## Cost growth, {scale_runs[0].way}, --mode {args.mode}\n")
        print("| articles | elapsed s | articles/s | s per 1,000 articles | peak tree RSS MiB | note |")
        print("|---:|---:|---:|---:|---:|---|")
        for r in scale_runs:
            if not r.elapsed_s:
                print(f"| {r.articles} | | | | | {r.note} |")
                continue
            per_k = 1000 * r.elapsed_s / r.articles
            print(
                f"| {r.articles} | {r.elapsed_s:.1f} | {r.per_s:.2f} | {per_k:.0f} | {r.peak_tree_mib:.0f} | {r.note} |"
            )
    print(
        f"\nTotal bench time {total / 60:.1f} min; load average at start {load:.2f}, at end {os.getloadavg()[0]:.2f}."
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "runs": [asdict(r) for r in runs],
            "scale": [asdict(r) for r in scale_runs],
            "total_s": total,
        }
        args.json.write_text(json.dumps(payload, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
