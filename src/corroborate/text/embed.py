"""Sentence embeddings on ONNX Runtime: all-MiniLM-L6-v2 without torch.

``models/minilm_onnx/`` holds the packaged MiniLM sentence encoder exported whole by
``scripts/export_minilm_onnx.py`` (``make export-minilm``): mean pooling and L2 normalisation are inside the
graph, so :func:`embed` returns unit vectors and a dot product is a cosine. Texts longer than
``max_tokens`` word pieces (256) are truncated, as the model was trained.

Entry points: :func:`embed`, :func:`load_embedder`, :func:`embed_version`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from corroborate.errors import ModelUnavailable
from corroborate.text.threads import usable_cores

BATCH = 32  # texts per session run; sorted by length first, so padding stays small
_NEEDS = "sentence embeddings need onnxruntime, tokenizers and numpy"


@dataclass(frozen=True)
class Embedder:
    session: object  # onnxruntime.InferenceSession
    tokenizer: object  # tokenizers.Tokenizer
    meta: dict  # version, dim, max_tokens

    @property
    def dim(self) -> int:
        return int(self.meta["dim"])


def model_dir() -> Path:
    return Path(str(resources.files("corroborate") / "models" / "minilm_onnx"))


def open_embedder(folder: Path, threads: int = 0) -> Embedder:
    """The session and tokenizer in ``folder``; ``threads`` intra-op threads (0: the encoder's default)."""
    try:
        import onnxruntime as ort
        from tokenizers import Tokenizer
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelUnavailable(_NEEDS) from exc
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = threads or usable_cores()
    opts.inter_op_num_threads = 1
    session = ort.InferenceSession(str(folder / meta["model"]), opts, providers=["CPUExecutionProvider"])
    tok = Tokenizer.from_file(str(folder / meta["tokenizer"]))
    tok.enable_truncation(int(meta["max_tokens"]))
    tok.no_padding()
    return Embedder(session=session, tokenizer=tok, meta=meta)


@lru_cache(maxsize=1)
def load_embedder() -> Embedder:
    """The packaged embedder, loaded once per process."""
    folder = model_dir()
    if not (folder / "meta.json").exists():
        raise ModelUnavailable(f"no sentence-embedding model in {folder}; run `make export-minilm`")
    return open_embedder(folder)


def embed_version() -> str:
    """The packaged model's version, e.g. ``minilm@1``: record it with anything computed from embeddings."""
    return str(json.loads((model_dir() / "meta.json").read_text(encoding="utf-8"))["version"])


def embed(texts: Sequence[str], embedder: Embedder | None = None, batch: int = BATCH):
    """Unit-length float32 embeddings, one row per text (``len(texts)`` x 384, a numpy array)."""
    import numpy as np

    emb = embedder or load_embedder()
    out = np.zeros((len(texts), emb.dim), dtype=np.float32)
    if not texts:
        return out
    encodings = emb.tokenizer.encode_batch([t or " " for t in texts])
    order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
    for lo in range(0, len(order), batch):
        rows = order[lo : lo + batch]
        width = max(len(encodings[i].ids) for i in rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for r, i in enumerate(rows):
            n = len(encodings[i].ids)
            ids[r, :n] = encodings[i].ids
            mask[r, :n] = 1
        (vectors,) = emb.session.run(["embedding"], {"input_ids": ids, "attention_mask": mask})
        out[rows] = vectors
    return out
