"""Precision and source kinds on real news beyond PolNeAR (hand-labelled FNC-1 bodies; see
``corroborate.eval.real_news``). The body texts come from ``--data`` (FNC-1; never copied into the repo).

    python scripts/eval_real_news.py --data ../shared/data/fnc1 [--mode MODE] [--show]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

from corroborate.analysis.modes import DEFAULT_MODE, MODES
from corroborate.analysis.pipeline import analyze_articles
from corroborate.eval.real_news import Emitted, RealNewsScore, format_score, read_labels, score_body
from corroborate.types import Article

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "data" / "fnc1_heldout_attributions.tsv"
BODIES = ROOT / "tests" / "data" / "fnc1_heldout_bodies.txt"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "fnc1")
    ap.add_argument("--mode", default=DEFAULT_MODE, choices=tuple(MODES))
    ap.add_argument(
        "--show", action="store_true", help="print each emitted source that is not an attribution"
    )
    args = ap.parse_args(argv)
    bodies_csv = args.data / "train_bodies.csv"
    if not bodies_csv.exists():
        print(f"{bodies_csv} is absent; is ../shared present?", file=sys.stderr)
        return 2
    wanted = [int(line) for line in BODIES.read_text().split()]
    with bodies_csv.open(encoding="utf-8", newline="") as fh:
        texts = {
            int(r["Body ID"]): r["articleBody"] for r in csv.DictReader(fh) if int(r["Body ID"]) in wanted
        }
    labels = defaultdict(list)
    for label in read_labels(LABELS):
        labels[label.body_id].append(label)
    score = RealNewsScore()
    analyses = analyze_articles((Article(text=texts[b]) for b in wanted), mode=args.mode)
    for body_id, analysis in zip(wanted, analyses, strict=True):
        emitted = [
            Emitted(
                (a.source.start, a.source.end), a.source_kind, (a.cue.start, a.cue.end) if a.cue else None
            )
            for a in analysis.attributions
            if a.source is not None
        ]
        before = score.not_attributions
        score_body(labels[body_id], emitted, score)
        if args.show and score.not_attributions > before:
            for em in emitted:
                print(f"  body {body_id}: {texts[body_id][em.source[0] : em.source[1]]!r} ({em.kind})")
    print(format_score(score, f"real news (FNC-1 held-out bodies) mode={args.mode}: {len(wanted)} bodies"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
