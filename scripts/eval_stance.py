"""Score the stance model on the held-out part of FNC-1 (bodies never used in training).

    python scripts/eval_stance.py --data ../shared/data/fnc1 [--model DIR] [--split bodies|claims] [--json]

Prints the FNC-1 score and relative score, accuracy, macro-F1 over the four stances, per-class F1 and the
confusion matrix. ``--model`` defaults to the committed model (``corroborate/models/stance``); the split
defaults to the one the model was trained for (its ``meta.json``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from corroborate.corroboration.stance import load_model, open_model, predict_stances
from corroborate.eval.stance import SCHEMES, format_table, load_fnc, scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, required=True, help="FNC-1 folder (train_bodies.csv, train_stances.csv)"
    )
    parser.add_argument(
        "--model", type=Path, default=None, help="model folder (default: the committed model)"
    )
    parser.add_argument("--split", choices=SCHEMES, default=None, help="split scheme (default: the model's)")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)

    model = open_model(args.model) if args.model else load_model()
    trained_for = model.meta.get("trained_on", {}).get("split", "bodies")
    scheme = args.split or trained_for
    if scheme != trained_for:
        print(f"warning: the model was trained on the {trained_for} split, not {scheme}", file=sys.stderr)
    data = load_fnc(args.data)
    held_out = data.split("held_out", scheme)
    if not held_out:
        print("error: no held-out pairs", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    predicted = predict_stances([(p.claim, data.bodies[p.body_id]) for p in held_out], model)
    seconds = time.perf_counter() - t0
    result = scores([p.stance for p in held_out], predicted)
    result.update(model=model.meta["version"], split=scheme, seconds=round(seconds, 1))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(format_table(result, f"{model.meta['version']}, held-out ({scheme} split)"))
        print(f"predicted in {seconds:.1f}s ({len(held_out) / seconds:.0f} pairs/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
