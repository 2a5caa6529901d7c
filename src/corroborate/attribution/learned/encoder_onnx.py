"""The encoder tagger on ONNX Runtime: the ``encoder`` model without torch or transformers.

``models/encoder_onnx/`` holds the committed encoder exported whole by ``scripts/export_encoder_onnx.py``
(``model.onnx``: embeddings, parse-feature tables, transformer and head, giving log-probabilities), the
MiniLM's ``tokenizer.json`` (read with the ``tokenizers`` package) and a ``meta.json``. Windows, parse
features, the CRF combination, the Viterbi and the grouping are those of :mod:`.encoder` (which imports
torch only when its own model runs), so the spans differ from the torch model's only by the numerics of
the exported weights.

Entry points: :func:`extract_attributions_onnx`, :func:`load_onnx_encoder`, :func:`predict_char_tags`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from corroborate.attribution.learned.encoder import (
    LABELS,
    TAGS,
    WINDOW,
    attributions_or_crf,
    char_tags,
    place_windows,
    window_arrays,
    windows,
)
from corroborate.errors import ModelUnavailable
from corroborate.text.threads import THREADS_ENV, usable_cores

__all__ = ["THREADS_ENV"]  # workers set it; kept here for them

_NEEDS = "the ONNX encoder needs onnxruntime, tokenizers and numpy"


@dataclass(frozen=True)
class OnnxEncoder:
    session: object  # onnxruntime.InferenceSession
    tokenizer: object  # tokenizers.Tokenizer
    meta: dict  # window, crf_weight, features, version (read by encoder.spans_for_doc too)


def open_onnx_encoder(folder: Path, threads: int = 0) -> OnnxEncoder:
    """The session and tokenizer in ``folder``; ``threads`` intra-op threads (0: ``$CORROBORATE_THREADS``,
    else the usable cores)."""
    try:
        import onnxruntime as ort
        from tokenizers import Tokenizer
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelUnavailable(_NEEDS) from exc
    folder = Path(folder)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = threads or usable_cores()
    opts.inter_op_num_threads = 1
    model = str(folder / meta.get("model", "model.onnx"))
    session = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])
    tok = Tokenizer.from_file(str(folder / meta.get("tokenizer", "tokenizer.json")))
    tok.no_truncation()
    tok.no_padding()
    return OnnxEncoder(session=session, tokenizer=tok, meta=meta)


@lru_cache(maxsize=1)
def load_onnx_encoder() -> OnnxEncoder:
    """The committed ONNX encoder, from the installed package."""
    root = resources.files("corroborate") / "models" / "encoder_onnx"
    with resources.as_file(root) as folder:
        return open_onnx_encoder(Path(folder))


def wordpieces(tok, text: str) -> tuple[list[int], list[tuple[int, int]]]:
    """The wordpiece ids of ``text`` (no [CLS]/[SEP]) and their character offsets."""
    out = tok.encode(text, add_special_tokens=False)
    return out.ids, [tuple(o) for o in out.offsets]


def piece_tags(enc: OnnxEncoder, ids: Sequence[int], batch: int = 16, feats=None):
    """:func:`.encoder.piece_tags` on ONNX Runtime: log-probabilities (n x labels x tags, float32); each
    wordpiece scored in the window where it sits farthest from an edge."""
    import numpy as np

    n = len(ids)
    n_feats = len(enc.meta.get("features") or {})
    wins = windows(n, int(enc.meta.get("window", WINDOW)) - 2)
    best = np.full(n, -1, dtype=np.int64)
    tags = np.zeros((n, len(LABELS), len(TAGS)), dtype=np.float32)
    tok = enc.tokenizer
    special = (tok.token_to_id("[PAD]"), tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]"))
    for b in range(0, len(wins), batch):
        chunk = wins[b : b + batch]
        rows = [(ids[s:e], None if feats is None else feats[s:e]) for s, e in chunk]
        input_ids, mask, feat_t = window_arrays(rows, *special, n_feats)
        pred = enc.session.run(["logp"], {"input_ids": input_ids, "attention_mask": mask, "feats": feat_t})[0]
        place_windows(tags, best, pred, chunk)
    return tags


def predict_char_tags(enc: OnnxEncoder, text: str, doc=None):
    """Wordpiece character offsets and their log-probabilities, as :func:`.encoder.predict_char_tags`."""
    return char_tags(enc, text, doc, wordpieces, piece_tags)


def extract_attributions_onnx(doc, enc: OnnxEncoder | None = None, version: str | None = None) -> tuple:
    """:func:`.encoder.extract_attributions_encoder` with the encoder's scores from ONNX Runtime: the same
    CRF combination, decoding, grouping and CRF fallback."""
    if len(doc) == 0:
        return ()
    enc = enc or load_onnx_encoder()
    return attributions_or_crf(doc, enc, version or enc.meta["version"], predict_char_tags)
