"""Score encoder log-probabilities computed elsewhere (a GPU sweep) with the encoder mode's decoding.

    python scripts/gpu/score_lps.py RUN.lp.pkl [...] [--crf-weight 0.25] [--data ../shared/data/polnear/dev]

Each pickle (from ``lps_to_pickles.py``) maps a dev document to its wordpieces' offsets and
log-probabilities. They go through :func:`corroborate.attribution.learned.encoder.spans_for_doc` (CRF marginals added, the
constrained Viterbi, grouping) on the spaCy parses of the raw dev texts (cached under ``--parse-cache``),
and are scored as ``make eval`` scores. ``make eval`` itself parses the cleaned text through the pipeline;
on the committed model the two agree within 0.1 point (docs/benchmarks.md, M4 against M6).
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pickles", nargs="+", type=Path)
    ap.add_argument("--crf-weight", type=float, default=0.25)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "polnear" / "dev")
    ap.add_argument("--parse-cache", type=Path, default=ROOT / "build")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT / "scripts"))
    from train_attributions import parsed_docs

    from corroborate.attribution.learned.crf import attributions_from_spans, load_models
    from corroborate.attribution.learned.crf_features import doc_info
    from corroborate.attribution.learned.encoder import MODEL_VERSION, Encoder, spans_for_doc
    from corroborate.eval.attributions import format_table, load_gold, score_all, triples_of

    gold = load_gold(args.data)
    names = list(dict.fromkeys(name for name, _ in gold))
    docs = parsed_docs(args.data, args.parse_cache, names)
    centroids = load_models().centroids
    infos = {n: doc_info(docs[n], centroids) for n in names}
    enc = Encoder(model=None, tokenizer=None, meta={"crf_weight": args.crf_weight})
    for path in args.pickles:
        tags = pickle.loads(path.read_bytes())
        predicted = {
            n: triples_of(
                attributions_from_spans(
                    docs[n], infos[n], spans_for_doc(docs[n], enc, infos[n], tags=tags[n]), MODEL_VERSION
                )
            )
            for n in names
        }
        scores = score_all((g, predicted[name]) for name, g in gold)
        print(
            format_table(scores, f"{path} (crf weight {args.crf_weight}): {len(names)} articles"), flush=True
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
