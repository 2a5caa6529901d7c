"""Turn a sweep's lps.npz back into per-run dev log-probs the CPU decoder reads.

    python scripts/gpu/lps_to_pickles.py OUTDIR/lps.npz PREFIX [BASE]   # -> PREFIX<run>.lp.pkl

BASE: the transformer folder whose tokenizer the runs used (default: the packaged MiniLM).

Each pickle maps a dev document to (wordpiece character offsets, log-probabilities n x 3 x 3 float32),
what :func:`corroborate.attribution.learned.encoder.predict_char_tags` returns, so the decoding of ``make eval``
(:func:`corroborate.attribution.learned.encoder.spans_for_doc`'s CRF combination and constrained Viterbi) can score them.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str]) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import numpy as np
    from transformers import AutoTokenizer

    from corroborate.attribution.learned.encoder import base_model_dir, wordpieces

    tok = AutoTokenizer.from_pretrained(str(argv[2] if len(argv) > 2 else base_model_dir()))
    lps = np.load(argv[0])
    runs: dict[str, dict] = {}
    for key in lps.files:
        run, doc = key.split("|")
        runs.setdefault(run, {})[doc] = lps[key].astype(np.float32)
    texts = ROOT.parent / "shared" / "data" / "polnear" / "dev" / "text"
    for run, docs in runs.items():
        out = {}
        for doc, lp in docs.items():
            text = (texts / f"{doc}.txt").read_text(encoding="utf-8")
            _, offsets = wordpieces(tok, text)
            if len(offsets) != len(lp):
                raise ValueError(f"{argv[0]}: {run}/{doc} has {len(lp)} wordpieces, the text {len(offsets)}")
            out[doc] = (offsets, lp)
        Path(f"{argv[1]}{run}.lp.pkl").write_bytes(pickle.dumps(out))
        print(run, len(out), "documents")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
