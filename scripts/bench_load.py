"""Issue 20's benchmarks: the story page of a 1,000-claim story, a loopback load run, re-ingest vs ingest.

    python scripts/bench_load.py [--claims 1000] [--requests 40] [--seconds 20] [--readers 8]
        [--writers 2] [--posts 500] [--data ../shared/data/polnear/dev] [--mode fast] [--json out.json]

1. **Story page.** A synthetic story (14 articles of attributed statements, as many as it takes for
   ``--claims`` claims) in a fresh SQLite store. In one process (FastAPI's TestClient): the first request,
   which builds the story, then ``--requests`` requests each of ``GET /api/v1/stories/{id}`` and
   ``GET /stories/{id}`` (their default pages of claims): p50, p95, bytes.
2. **Load.** A real ``corroborate serve`` process on 127.0.0.1 over that store. For ``--seconds``,
   ``--readers`` threads GET the story listing, the story (API and page), the articles listing and an
   article, while ``--writers`` threads POST new articles (fast mode; at most ``--posts`` each), each
   one POSTed a second time after the next. Request counts, p50 and p95 for reads and writes, 5xx count; afterwards the
   store must hold each posted article exactly once, and every second POST must have answered 200 with
   the first one's id.
3. **Re-ingest.** ``corroborate ingest`` of the same folder (``--data``'s ``text/*.txt``, or synthetic
   articles when it is absent) twice into one new store, each a fresh process timed by wall clock:
   the second run finds everything stored; the ratio is second / first, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
from sqlalchemy import func, insert, select

from corroborate.store.articles import open_store
from corroborate.store.schema import articles, stories, story_articles
from corroborate.types import Analysis, Article, Attribution, Span

STORY = "bench-story"
PLACES = [
    "bridge",
    "council",
    "budget",
    "harbour",
    "tunnel",
    "clinic",
    "railway",
    "airport",
    "museum",
    "depot",
]
VERBS = [
    "reopened",
    "closed",
    "grew",
    "shrank",
    "moved",
    "merged",
    "split",
    "doubled",
    "halved",
    "stalled",
    "sold",
]
ARTICLES = 14


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


SYLLABLES = ["ka", "lo", "mi", "ren", "tos", "va", "dun", "pel", "sar", "quin", "bo", "zet"]


def _name(g: int) -> str:
    """A made-up place name, different for every ``g`` below 12**4."""
    parts = [SYLLABLES[(g // 12**k) % 12] for k in range(4)]
    return "".join(parts).capitalize()


def _analysis(n: int, statements: int) -> Analysis:
    text, atts = "", []
    for j in range(statements):
        start = len(text) + len("Officials said that ")
        g = n * statements + j  # one claim per statement: each names its own place
        place, verb = PLACES[g % len(PLACES)], VERBS[(g // len(PLACES)) % len(VERBS)]
        content = f"the {place} at {_name(g)} {verb} last year at a cost of {j + 2} million"
        text += f"Officials said that {content}. "
        atts.append(
            Attribution(
                source=Span(start - 20, start - 11, "Officials"),
                cue=Span(start - 10, start - 1, "said that"),
                content=Span(start, start + len(content), content),
                source_kind="anonymous_group",
                certainty="asserted",
            )
        )
    article = Article(
        text=text, title=f"Plans {n}", outlet=f"Outlet {n % 7}", url=f"https://bench.example/{n}",
        published=date(2026, 11, n),
    )  # fmt: skip
    return Analysis(article=article, attributions=tuple(atts))


def make_story_store(url: str, statements: int) -> None:
    with open_store(url) as store:
        ids = []
        for n in range(1, ARTICLES + 1):
            a = _analysis(n, statements)
            ids.append(store.save(a.article, a)[0])
        with store.write() as conn:
            conn.execute(insert(stories).values(id=STORY, title="Plans 1", created_at=datetime.now(UTC)))
            for seq, article_id in enumerate(ids, start=1):
                conn.execute(
                    insert(story_articles).values(article_id=article_id, story_id=STORY, score=1.0, seq=seq)
                )


# --------------------------------------------------------------------------- 1. the story page


def bench_story_page(url: str, requests: int) -> dict:
    from fastapi.testclient import TestClient

    from corroborate.web import create_app

    with TestClient(create_app(url, token=None)) as web:
        t0 = time.perf_counter()
        first = web.get(f"/api/v1/stories/{STORY}")
        cold = time.perf_counter() - t0
        assert first.status_code == 200, first.text
        claims = first.json()["claims_page"]["total"]
        out = {"claims": claims, "articles": ARTICLES, "first_request_s": round(cold, 3)}
        for name, path in (("api", f"/api/v1/stories/{STORY}"), ("html", f"/stories/{STORY}")):
            times, size = [], 0
            for _ in range(requests):
                t0 = time.perf_counter()
                response = web.get(path)
                times.append(time.perf_counter() - t0)
                assert response.status_code == 200
                size = len(response.content)
            out[name] = {
                "requests": requests,
                "p50_s": round(pct(times, 0.5), 4),
                "p95_s": round(pct(times, 0.95), 4),
                "bytes": size,
            }
        out["builds"] = web.app.state.ctx.stories.builds
    return out


# --------------------------------------------------------------------------- 2. load over loopback


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_load(url: str, seconds: float, readers: int, writers: int, posts: int) -> dict:
    port, token = _free_port(), secrets.token_urlsafe(24)
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "CORROBORATE_TOKEN": token}
    server = subprocess.Popen(
        [sys.executable, "-m", "corroborate", "serve", "--db", url, "--port", str(port), "--mode", "fast"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        for _ in range(240):
            try:
                if httpx.get(f"{base}/api/v1/stories", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            raise SystemExit(
                f"corroborate serve did not start: {server.stderr.read() if server.stderr else ''}"
            )
        with httpx.Client(base_url=base) as warm:  # the first POST loads the pipeline: not part of the run
            warm.post("/api/v1/articles", json={"text": "Warm-up. The mayor said the bridge would reopen."},
                      headers={"Authorization": f"Bearer {token}"}, timeout=300)  # fmt: skip
            warm.get(f"/api/v1/stories/{STORY}", timeout=300)
        lock = threading.Lock()
        reads: list[float] = []
        writes: list[float] = []
        statuses: dict[int, int] = {}
        first_ids: dict[str, int] = {}
        second_ok: list[bool] = []
        sent: list[str] = []
        stop = time.monotonic() + seconds
        paths = ["/api/v1/stories", f"/api/v1/stories/{STORY}", f"/stories/{STORY}", "/api/v1/articles",
                 "/api/v1/articles/1", "/stories", f"/api/v1/stories/{STORY}?offset=50&limit=50"]  # fmt: skip

        def record(kind: list[float], took: float, status: int) -> None:
            with lock:
                kind.append(took)
                statuses[status] = statuses.get(status, 0) + 1

        def reader(k: int) -> None:
            with httpx.Client(base_url=base, timeout=120) as c:
                i = k
                while time.monotonic() < stop:
                    t0 = time.perf_counter()
                    r = c.get(paths[i % len(paths)])
                    record(reads, time.perf_counter() - t0, r.status_code)
                    i += 1

        def writer(k: int) -> None:
            """New articles until time is up (at most ``posts``), each posted again after the next one."""
            auth = {"Authorization": f"Bearer {token}"}

            def post(c: httpx.Client, text: str, again: bool) -> None:
                t0 = time.perf_counter()
                r = c.post("/api/v1/articles", json={"text": text, "outlet": "Load Gazette"})
                record(writes, time.perf_counter() - t0, r.status_code)
                if r.status_code in (200, 201):
                    with lock:
                        if again:
                            second_ok.append(r.status_code == 200 and r.json()["id"] == first_ids.get(text))
                        else:
                            first_ids[text] = r.json()["id"]
                            sent.append(text)

            with httpx.Client(base_url=base, timeout=300, headers=auth) as c:
                previous = None
                for j in range(posts):
                    if time.monotonic() >= stop:
                        break
                    text = (
                        f"Load test article {k}-{j}. Mayor Ana Ruiz said on Monday that depot {k}-{j} would "
                        f"reopen in May. Two officials, who asked not to be named, told the Gazette that it "
                        f"would cost {j} million."
                    )
                    post(c, text, again=False)
                    if previous is not None:
                        post(c, previous, again=True)
                    previous = text
                if previous is not None:
                    post(c, previous, again=True)

        threads = [threading.Thread(target=reader, args=(k,)) for k in range(readers)]
        threads += [threading.Thread(target=writer, args=(k,)) for k in range(writers)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    with open_store(url) as store, store.read() as conn:
        stored = conn.execute(
            select(articles.c.text, func.count()).where(articles.c.text.like("Load test article %"))
            .group_by(articles.c.text)
        ).all()  # fmt: skip
    posted = len(sent)
    return {
        "wall_s": round(wall, 1),
        "readers": readers,
        "writers": writers,
        "reads": {
            "requests": len(reads),
            "p50_s": round(pct(reads, 0.5), 4),
            "p95_s": round(pct(reads, 0.95), 4),
        },
        "writes": {
            "requests": len(writes),
            "p50_s": round(pct(writes, 0.5), 4),
            "p95_s": round(pct(writes, 0.95), 4),
        },  # fmt: skip
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "5xx": sum(v for k, v in statuses.items() if k >= 500),
        "articles_posted": posted,
        "articles_stored": len(stored),
        "stored_more_than_once": sum(1 for _, n in stored if n > 1),
        "second_posts_answered_200_same_id": f"{sum(second_ok)}/{posted}",
        "exactly_once": len(stored) == posted and all(n == 1 for _, n in stored) and sum(second_ok) == posted,
    }


# --------------------------------------------------------------------------- 3. re-ingest


def bench_reingest(folder: Path, work: Path, mode: str) -> dict:
    db = work / "reingest.db"
    command = [
        sys.executable,
        "-m",
        "corroborate",
        "ingest",
        str(folder),
        "--db",
        str(db),
        "--mode",
        mode,
        "--quiet",
    ]
    runs = []
    for _ in range(2):
        t0 = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        runs.append((time.perf_counter() - t0, done.stderr.strip().splitlines()[-1]))
        assert done.returncode == 0, done.stderr
    (first, first_line), (second, second_line) = runs
    return {
        "articles": len(list(folder.glob("*.txt"))),
        "mode": mode,
        "first_s": round(first, 2),
        "first": first_line,
        "rerun_s": round(second, 2),
        "rerun": second_line,
        "ratio": round(second / first, 3),
    }


def _synthetic_folder(folder: Path, n: int = 120) -> None:
    folder.mkdir(parents=True)
    for i in range(n):
        text = (
            f"Mayor Ana Ruiz said on Monday that bridge {i} would reopen in May. Two officials, who asked "
            f"not to be named, told the Gazette that budget {i} would be cut by {i % 17 + 2} percent.\n"
        )
        (folder / f"a{i:03d}.txt").write_text(text * 4, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--data", type=Path, default=None, help="a PolNeAR split (its text/*.txt)")
    parser.add_argument("--mode", default="fast", help="the re-ingest runs' mode")
    parser.add_argument("--parts", default="story,load,reingest")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    results: dict = {"date": date.today().isoformat(), "command": " ".join(sys.argv)}
    try:
        url = "sqlite:///" + str(work / "story.db")
        if parts & {"story", "load"}:
            make_story_store(url, -(-args.claims // ARTICLES))
        if "story" in parts:
            results["story_page"] = bench_story_page(url, args.requests)
            print(json.dumps({"story_page": results["story_page"]}), flush=True)
        if "load" in parts:
            results["load"] = bench_load(url, args.seconds, args.readers, args.writers, args.posts)
            print(json.dumps({"load": results["load"]}), flush=True)
        if "reingest" in parts:
            if args.data and (args.data / "text").is_dir():
                folder = args.data / "text"
            else:
                print(f"no {args.data}/text: re-ingest runs on synthetic articles", file=sys.stderr)
                folder = work / "synthetic"
                _synthetic_folder(folder)
            results["reingest"] = bench_reingest(folder, work, args.mode)
            print(json.dumps({"reingest": results["reingest"]}), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
