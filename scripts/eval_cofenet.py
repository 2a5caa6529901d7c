"""Score the attribution extractor under CofeNet's sentence-level PolNeAR protocol (../shared/README.md).

    python scripts/eval_cofenet.py --data ../shared/data/cofenet-polnear/valid.txt \\
        --polnear ../shared/data/polnear/dev [--mode accurate|fast|...] [--ceiling-only] [--json out.json]

Runs ``corroborate.analysis.pipeline.analyze_articles`` in the given mode on the articles of ``--polnear``/text
that the instances come from, projects the predicted spans onto CofeNet's tokens and scores them against
CofeNet's labels, next to the ceiling (the gold ``.ann`` spans projected the same way).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from corroborate.analysis.modes import DEFAULT_MODE, MODES
from corroborate.eval.attributions import Triple, triples_of
from corroborate.eval.cofenet import CofenetScores, ceiling, format_table, load_instances, score_projection


def predict(texts: list[str], mode: str) -> Iterator[list[Triple]]:
    """Predicted triples per text, in input order (as scripts/eval_attributions.py)."""
    from corroborate.analysis.pipeline import analyze_articles
    from corroborate.types import Article

    for analysis in analyze_articles((Article(text=t) for t in texts), mode=mode):
        yield triples_of(analysis.attributions)


def _numbers(scores: CofenetScores) -> dict:
    out: dict = {"instances": scores.instances, "tokens": scores.tokens, "unaligned": scores.unaligned}
    for lab, c in scores.counts.items():
        p, r, f = c.prf("exact")
        out[lab] = {"gold": c.gold, "pred": c.pred, "tp": c.exact, "p": p, "r": r, "f1": f}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path, help="CofeNet's valid.txt (JSON lines)")
    ap.add_argument(
        "--polnear", required=True, type=Path, help="PolNeAR split folder: text/ and attributions/"
    )
    ap.add_argument("--mode", default=DEFAULT_MODE, choices=tuple(MODES))
    ap.add_argument("--ceiling-only", action="store_true", help="skip the model; score the gold projection")
    ap.add_argument("--json", type=Path, default=None, help="also write the numbers to this JSON file")
    args = ap.parse_args(argv)
    if not args.data.is_file() or not (args.polnear / "attributions").is_dir():
        print(f"{args.data} or {args.polnear}/attributions missing; is ../shared present?", file=sys.stderr)
        return 2
    instances = load_instances(args.data, args.polnear / "text")
    columns = {"ceiling (gold .ann)": ceiling(instances, args.polnear / "attributions")}
    names = list(dict.fromkeys(inst.article for inst in instances))
    title = f"{args.data}: {len(instances)} instances, {len(names)} articles"
    if not args.ceiling_only:
        texts = [(args.polnear / "text" / f"{n}.txt").read_text(encoding="utf-8") for n in names]
        t0 = time.perf_counter()
        predicted = dict(zip(names, predict(texts, args.mode), strict=True))
        elapsed = time.perf_counter() - t0
        columns = {f"mode={args.mode}": score_projection(instances, predicted)} | columns
        title += f", mode={args.mode} {elapsed:.1f}s"
    print(format_table(columns, title))
    if args.json:
        out = {name: _numbers(s) for name, s in columns.items()}
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
