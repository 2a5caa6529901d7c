"""Benchmark the story index alone (``make bench-stories``): no parsing, no database writes timed.

Synthetic articles drawn from real distributions: the words, capitalised-phrase entities and
numbers of FNC-1 bodies (counted with the regex side of ``corroborate.stories.text``, not spaCy) give
the vocabulary and its document frequencies. Events draw their keys from those distributions (a
Zipf-like popularity decides how many articles an event gets), a date in one year and a random
embedding; each article takes most of its event's keys, some background keys, a date a few days
after the event, its event's embedding plus noise, and a random MinHash signature (1 in 50 a copy
of an earlier article of the event). Articles are added in date order.

Reports adds/s over each stretch up to every checkpoint (default 10k, 100k, 1M), the p95 and max
time of one add (wall clock, and CPU time of the thread, which a busy machine disturbs less), the peak resident memory, the number of stories, then saves every story's state
to a SQLite file (as the store does per article) and times :meth:`StoryIndex.from_states` from it
(reading the rows included), with the copy window's features.

    python scripts/bench_stories.py --data ../shared/data/fnc1 [--articles 1000000] [--json out.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import sqlite3
import sys
import tempfile
import time
from collections import Counter, deque
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from corroborate.stories import index as story_index  # noqa: E402
from corroborate.stories.features import StoryFeatures  # noqa: E402
from corroborate.stories.index import StoryIndex  # noqa: E402
from corroborate.stories.state import StoryState  # noqa: E402
from corroborate.stories.text import content_terms, entities  # noqa: E402

NUMBER = __import__("re").compile(r"\b\d+(?:\.\d+)?\b")


def distributions(data: Path) -> dict[str, tuple[list[str], np.ndarray]]:
    """Document frequencies of words, entities and numbers over FNC-1 bodies (regexes only)."""
    words: Counter[str] = Counter()
    ents: Counter[str] = Counter()
    nums: Counter[str] = Counter()
    with (data / "train_bodies.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            text = row["articleBody"]
            words.update(set(content_terms(text)))
            ents.update(set(entities(text)))
            nums.update({"#" + n for n in NUMBER.findall(text)})
    out = {}
    for name, counts in (("words", words), ("entities", ents), ("figures", nums)):
        keys = sorted(counts)
        p = np.array([counts[k] for k in keys], dtype=np.float64)
        out[name] = (keys, np.cumsum(p / p.sum()))
    return out


class Synthetic:
    """Articles of synthetic events, as StoryFeatures, in date order."""

    def __init__(self, dist: dict, n: int, seed: int = 0, days: int = 365) -> None:
        self.dist, self.n, self.days = dist, n, days
        self.rng = np.random.default_rng(seed)
        self.random = random.Random(seed)
        # events: Zipf-like sizes with mean about 4 articles
        sizes = np.minimum(self.rng.zipf(1.8, size=n), 400)
        cum = np.cumsum(sizes)
        self.events = int(np.searchsorted(cum, n)) + 1
        self.sizes = sizes[: self.events]
        self.sizes[-1] -= int(cum[self.events - 1] - n)

    def _draw(self, name: str, k: int) -> list[str]:
        keys, cum = self.dist[name]
        return [keys[i] for i in np.minimum(np.searchsorted(cum, self.rng.random(k)), len(keys) - 1)]

    def articles(self):
        """Yields ``(key, features)`` day by day: each event's articles fall within 3 days of its date."""
        start = date(2025, 1, 1)
        per_day: dict[int, list[int]] = {}
        for e in range(self.events):
            per_day.setdefault(self.random.randrange(self.days), []).append(e)
        pending: dict[int, list] = {}
        k = 0
        for day in range(self.days + 4):
            for e in per_day.get(day, ()):
                event = self._event()
                for _ in range(int(self.sizes[e])):
                    pending.setdefault(day + self.random.randrange(4), []).append((e, event))
            todays = pending.pop(day, [])
            for _, event in todays:
                yield f"a{k}", self._article(event, start + timedelta(days=day))
                k += 1

    def _event(self) -> dict:
        emb = self.rng.standard_normal(384).astype(np.float32)
        return {
            "words": self._draw("words", 40),
            "entities": self._draw("entities", 10),
            "figures": self._draw("figures", 4),
            "emb": emb / np.linalg.norm(emb),
            "signature": None,
        }

    def _article(self, event: dict, day: date) -> StoryFeatures:
        r = self.random
        if event["signature"] is not None and r.random() < 0.02:
            sig, shingles = event["signature"]
        else:
            sig = tuple(self.rng.integers(0, 2**32 - 1, size=128, dtype=np.uint64).tolist())
            shingles = 300
            event["signature"] = (sig, shingles)
        words = [w for w in event["words"] if r.random() < 0.7] + self._draw("words", 12)
        ents = [w for w in event["entities"] if r.random() < 0.7] + self._draw("entities", 3)
        figs = [w for w in event["figures"] if r.random() < 0.5]
        emb = event["emb"] + 0.6 * self.rng.standard_normal(384).astype(np.float32) / np.sqrt(384)
        emb = np.clip(np.rint(emb / np.linalg.norm(emb) * 127), -127, 127).astype(np.int8)
        return StoryFeatures(
            signature=sig,
            shingles=shingles,
            credit=None,
            title_terms=(),
            lead_terms=tuple(sorted(set(words[:10]))),
            entities=tuple(sorted(Counter(ents).items())),
            body_terms=tuple(sorted(Counter(words).items())),
            published=day,
            places=(),
            figures=tuple(sorted(Counter(figs).items())),
            dates=((f"@{day.year}-{day.month:02d}", 1),),
            embedding=emb.tobytes(),
            lead_entities=tuple(sorted(set(ents[:3]))),
        )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def save_states(index: StoryIndex, path: Path) -> tuple[int, float]:
    """Every story's state and every key into SQLite (the store's story_index layout)."""
    states, terms = index.states()
    start = time.perf_counter()
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE story_index (story_id TEXT PRIMARY KEY, seq INTEGER, first_published TEXT, "
        "last_published TEXT, size INTEGER, archived INTEGER, terms BLOB, posted BLOB, weights BLOB, "
        "embedding BLOB, embedding_norm REAL)"
    )
    con.execute("CREATE TABLE story_index_terms (id INTEGER PRIMARY KEY, term TEXT)")
    rows = []
    for s in states:
        d = s.to_row()
        d["first_published"] = d["first_published"].isoformat() if d["first_published"] else None
        d["last_published"] = d["last_published"].isoformat() if d["last_published"] else None
        rows.append(d)
    con.executemany(
        "INSERT INTO story_index VALUES (:story_id, :seq, :first_published, :last_published, :size, "
        ":archived, :terms, :posted, :weights, :embedding, :embedding_norm)",
        rows,
    )
    con.executemany("INSERT INTO story_index_terms VALUES (?, ?)", terms)
    con.commit()
    con.close()
    return len(states), time.perf_counter() - start


class _Row:
    __slots__ = ("story_id", "seq", "first_published", "last_published", "size", "archived", "terms",
                 "posted", "weights", "embedding", "embedding_norm")  # fmt: skip

    def __init__(self, values: tuple) -> None:
        for name, v in zip(self.__slots__, values, strict=True):
            setattr(self, name, v)
        self.first_published = date.fromisoformat(self.first_published) if self.first_published else None
        self.last_published = date.fromisoformat(self.last_published) if self.last_published else None


def restore(path: Path, recent: list, added: int) -> tuple[StoryIndex, float]:
    start = time.perf_counter()
    con = sqlite3.connect(path)
    states = [StoryState.from_row(_Row(r)) for r in con.execute("SELECT * FROM story_index")]
    terms = list(con.execute("SELECT id, term FROM story_index_terms"))
    con.close()
    index = StoryIndex.from_states(states, terms, recent, added=added)
    return index, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "fnc1")
    ap.add_argument("--articles", type=int, default=1_000_000)
    ap.add_argument("--checkpoints", default="10000,100000,1000000")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    if not (args.data / "train_bodies.csv").exists():
        print(f"no FNC-1 data under {args.data}", file=sys.stderr)
        return 2
    checkpoints = sorted(
        {int(c) for c in args.checkpoints.split(",") if int(c) <= args.articles} | {args.articles}
    )
    dist = distributions(args.data)
    synth = Synthetic(dist, args.articles, args.seed)
    index = StoryIndex()
    times = np.zeros(args.articles, dtype=np.float64)
    cpu = np.zeros(args.articles, dtype=np.float64)  # CPU time of each add: less sensitive to a busy machine
    recent: deque = deque(maxlen=story_index.COPY_WINDOW)
    report: dict = {"articles": args.articles, "events": synth.events, "checkpoints": []}
    print(f"baseline peak RSS {peak_mb():.0f} MB; {synth.events} synthetic events", flush=True)
    last_n, last_t, index_s = 0, 0.0, 0.0
    n = 0
    for key, f in synth.articles():
        t0, c0 = time.perf_counter(), time.thread_time()
        a = index.add(key, f)
        dt = time.perf_counter() - t0
        cpu[n] = time.thread_time() - c0
        times[n] = dt
        index_s += dt
        recent.append((key, a.story_id, f, a.copy_of))
        n += 1
        if n in checkpoints:
            seg = times[last_n:n]
            row = {
                "articles": n,
                "stories": index.story_count,
                "adds_per_s": round((n - last_n) / (index_s - last_t), 1),
                "p95_ms": round(float(np.percentile(seg, 95)) * 1000, 3),
                "cpu_adds_per_s": round((n - last_n) / float(cpu[last_n:n].sum()), 1),
                "p95_cpu_ms": round(float(np.percentile(cpu[last_n:n], 95)) * 1000, 3),
                "max_ms": round(float(seg.max()) * 1000, 1),
                "peak_rss_mb": round(peak_mb()),
            }
            report["checkpoints"].append(row)
            print(json.dumps(row), flush=True)
            last_n, last_t = n, index_s
    report["p95_ms_all"] = round(float(np.percentile(times[:n], 95)) * 1000, 3)
    report["p95_cpu_ms_all"] = round(float(np.percentile(cpu[:n], 95)) * 1000, 3)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "story_index.db"
        stories, save_s = save_states(index, path)
        report["save_s"] = round(save_s, 1)
        report["state_mb"] = round(path.stat().st_size / 2**20)
        rows = list(recent)
        del index
        restored, restore_s = restore(path, rows, n)
    report["restore_s"] = round(restore_s, 2)
    report["restored_stories"] = restored.story_count
    report["peak_rss_mb"] = round(peak_mb())
    print(json.dumps(report), flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
