"""Inter-annotator agreement on PolNeAR: articles with two annotation files, one scored against the other.

    python scripts/eval_agreement.py --data ../shared/data/polnear/train

Exact-match F1 per label with the protocol of ../shared/README.md (discontinuous spans from first start to
last end, whitespace trimmed, a span counted once per document): the ceiling a model can expect to reach.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

from corroborate.eval.attributions import load_gold

LABELS = ("source", "cue", "content")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path)
    args = ap.parse_args(argv)
    by_article = defaultdict(list)
    for name, gold in load_gold(args.data):
        by_article[name].append(gold)
    counts: Counter = Counter()
    pairs = [docs[:2] for docs in by_article.values() if len(docs) >= 2]
    for a, b in pairs:
        for label in LABELS:
            sa = {(s, e) for lab, s, e in a.spans if lab == label}
            sb = {(s, e) for lab, s, e in b.spans if lab == label}
            counts[label, "both"] += len(sa & sb)
            counts[label, "a"] += len(sa)
            counts[label, "b"] += len(sb)
    print(f"{args.data}: {len(pairs)} articles with two annotators")
    for label in LABELS:
        both, na, nb = counts[label, "both"], counts[label, "a"], counts[label, "b"]
        f1 = 200 * both / (na + nb) if na + nb else 0.0
        print(f"{label:8s} first {na:5d}  second {nb:5d}  same {both:5d}  exact F1 {f1:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
