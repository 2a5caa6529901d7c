"""Learned attribution extractor: three linear-chain CRFs over spaCy features, trained on PolNeAR.

Stage 1 tags cues (B/I/O over the whole article). Stage 2 tags sources and contents with features
relative to the predicted cues (dependency branch from the cue, distance, direction, quote state). Spans
are then grouped into (source, cue, content) triples: each cue takes its best source and content (same
sentence first, syntactically attached first, then nearest); spans no cue chose are attached to their
nearest cue, so every predicted span is reported. ``attribution.finish`` fills kind/certainty/channel.

Entry point: :func:`extract_attributions_model` (offsets are ``doc`` character offsets).
"""

from __future__ import annotations

import json
import logging
from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from corroborate.attribution.learned.crf_features import (
    DocInfo,
    base_features,
    bio_spans,
    cue_features,
    doc_info,
    stage2_features,
)
from corroborate.attribution.plausible import not_attribution
from corroborate.attribution.rules import finish
from corroborate.types import Attribution, Span

log = logging.getLogger(__name__)

MODEL_VERSION = "crf@2"
LABELS = ("cue", "source", "content")
GROUP_WINDOW = 200  # tokens around a cue searched for its source and content
TokRange = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Models:
    cue: object  # pycrfsuite.Tagger
    source: object
    content: object
    centroids: tuple = ()  # numpy arrays: tok2vec centroid tables for the cluster features
    cue_extra: bool = False  # the cue model uses cue_extra_features


def open_models(folder: Path) -> Models:
    """Open ``cue/source/content.crfsuite`` (and ``clusters.npz`` when present) from ``folder``."""
    import pycrfsuite

    taggers = {}
    for lab in LABELS:
        tagger = pycrfsuite.Tagger()
        tagger.open(str(Path(folder) / f"{lab}.crfsuite"))
        taggers[lab] = tagger
    centroids: tuple = ()
    npz = Path(folder) / "clusters.npz"
    if npz.exists():
        import numpy as np

        with np.load(npz) as data:
            centroids = tuple(data[k].astype(np.float32) for k in sorted(data.files))
    meta_path = Path(folder) / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    return Models(**taggers, centroids=centroids, cue_extra=bool(meta.get("cue_extra", False)))


@lru_cache(maxsize=1)
def load_models() -> Models:
    """The committed model, read from the installed package (no network)."""
    root = resources.files("corroborate") / "models" / "attributions"
    with resources.as_file(root) as folder:
        return open_models(Path(folder))


def _tag(tagger, feats) -> list[str]:
    """``feats``: a list of per-token feature lists or a prepared ``pycrfsuite.ItemSequence``."""
    if not len(feats):
        return []
    return list(tagger.tag(feats))


def split_at_paragraphs(info: DocInfo, spans: list[TokRange]) -> list[TokRange]:
    """Cut each span before every token (other than its first) that opens a paragraph; whitespace tokens
    and a final period before the cut are dropped. PolNeAR contents almost never cross a paragraph break
    (125 of 22,422 train gold contents) and almost never end with a period (113), but the content CRF
    sometimes runs on from a sentence into the next paragraph's quotation."""
    out: list[TokRange] = []
    for s, e in spans:
        start = s
        for i in range(s + 1, e):
            if not info.para_start[i] or not info.lower[i].strip():
                continue
            end = i
            while end > start and not info.lower[end - 1].strip():
                end -= 1
            if end - start > 1 and info.lower[end - 1] == ".":
                end -= 1
            if end > start:
                out.append((start, end))
            start = i
        out.append((start, e))
    return out


def log_marginals(tagger, feats, n: int):
    """Per-token log-marginals (n x 3, columns O, B, I) of a CRF over prepared ``feats``."""
    import numpy as np

    out = np.full((n, 3), 1e-6)
    if not n:
        return np.log(out)
    tagger.set(feats)
    labels = set(tagger.labels())
    for j, tag in enumerate(("O", "B", "I")):
        if tag in labels:
            for t in range(n):
                out[t, j] = max(tagger.marginal(tag, t), 1e-6)
    return np.log(out)


def predict_token_spans(info: DocInfo, models: Models) -> dict[str, list[TokRange]]:
    """Token ranges per label for one document (or one sentence-sized slice of it)."""
    base = base_features(info)
    cues = bio_spans(_tag(models.cue, cue_features(info, base, models.cue_extra)))
    import pycrfsuite

    feats = pycrfsuite.ItemSequence(stage2_features(info, base, cues)) if info.n else []
    return {
        "cue": cues,
        "source": bio_spans(_tag(models.source, feats)),
        "content": split_at_paragraphs(info, bio_spans(_tag(models.content, feats))),
    }


def _root(info: DocInfo, rng: TokRange) -> int:
    s, e = rng
    for i in range(s, e):
        if not s <= info.head[i] < e or info.head[i] == i:
            return i
    return s


def _attached(info: DocInfo, tok: int, target: int, limit: int = 8) -> bool:
    """Whether ``target`` is among the first ``limit`` ancestors of ``tok``."""
    for _ in range(limit):
        if tok == target:
            return True
        nxt = info.head[tok]
        if nxt == tok:
            return False
        tok = nxt
    return tok == target


def _cost(info: DocInfo, cue: TokRange, cue_head: int, span: TokRange, label: str) -> float:
    s, e = span
    cs, ce = cue
    # 0 for a content running around its cue ("..." X said. "...")
    dist = 0 if s <= cs and ce <= e else (s - ce if s >= ce else cs - e + 1)
    same = info.sent_start[min(s, info.n - 1)] == info.sent_start[cs] or (s <= cs < e)
    cost = float(dist)
    if not same:
        cost += 1000.0
    root = _root(info, span)
    if _attached(info, root, cue_head) or _attached(info, cue_head, root):
        cost -= 50.0
    if label == "source" and s >= ce and not same:
        cost += 500.0
    return cost


def _near(ranges: list[TokRange], starts: list[int], lo: int, hi: int) -> list[TokRange]:
    """Ranges (sorted by start) starting in ``[lo, hi)``: keeps grouping linear on long articles."""
    return ranges[bisect_left(starts, lo) : bisect_left(starts, hi)]


def _best(ranges: list[TokRange], cost, limit: float) -> TokRange | None:
    """The cheapest range whose cost is below ``limit`` (first wins ties)."""
    best, best_cost = None, limit
    for r in ranges:
        c = cost(r)
        if c < best_cost:
            best, best_cost = r, c
    return best


def group(
    info: DocInfo, spans: dict[str, list[TokRange]]
) -> list[tuple[TokRange | None, TokRange | None, TokRange | None]]:
    """Triples of token ranges (source, cue, content); every predicted span appears at least once.

    Candidates are looked up within ``GROUP_WINDOW`` tokens of the cue, so the work stays linear."""
    cues = sorted(spans["cue"])
    sources, contents = sorted(spans["source"]), sorted(spans["content"])
    if not cues:
        return [(s, None, None) for s in sources] + [(None, None, c) for c in contents]
    heads = [_root(info, c) for c in cues]
    cue_starts = [c[0] for c in cues]
    src_starts, con_starts = [r[0] for r in sources], [r[0] for r in contents]
    triples: list[tuple[TokRange | None, TokRange | None, TokRange | None]] = []
    used_s: set[TokRange] = set()
    used_c: set[TokRange] = set()
    w = GROUP_WINDOW
    for cue, head in zip(cues, heads, strict=True):
        near_s = _near(sources, src_starts, cue[0] - w, cue[1] + w)
        near_c = _near(contents, con_starts, cue[0] - w, cue[1] + w)
        best_s = _best(near_s, lambda r: _cost(info, cue, head, r, "source"), 1000.0)  # noqa: B023
        best_c = _best(near_c, lambda r: _cost(info, cue, head, r, "content"), 2000.0)  # noqa: B023
        triples.append((best_s, cue, best_c))
        used_s.add(best_s)  # type: ignore[arg-type]
        used_c.add(best_c)  # type: ignore[arg-type]

    def nearest(r: TokRange, label: str) -> TokRange | None:
        k0 = bisect_left(cue_starts, r[0] - w)
        k1 = bisect_left(cue_starts, r[1] + w)
        if k0 >= k1:
            return None
        k = min(range(k0, k1), key=lambda k: _cost(info, cues[k], heads[k], r, label))
        return cues[k]

    for r in sources:
        if r not in used_s:
            triples.append((r, nearest(r, "source"), None))
    for r in contents:
        if r not in used_c:
            triples.append((None, nearest(r, "content"), r))
    return triples


def _char_span(text: str, info: DocInfo, rng: TokRange | None) -> Span | None:
    if rng is None:
        return None
    s, e = rng
    if not 0 <= s < e <= info.n:
        return None
    return Span.of(text, info.idx[s], info.end[e - 1])


def attributions_from_spans(
    doc, info: DocInfo, spans: dict[str, list[TokRange]], extractor: str = MODEL_VERSION
) -> tuple[Attribution, ...]:
    """Group token ranges into triples and finish each; ``extractor`` is recorded on every one."""
    out: list[Attribution] = []
    text = doc.text
    for src, cue, content in group(info, spans):
        try:
            spans3 = (_char_span(text, info, r) for r in (src, cue, content))
            att = finish(doc, *spans3, extractor=extractor)
            if not_attribution(doc, att) is None:
                out.append(att)
        except Exception:
            log.exception("could not finish an attribution (cue tokens %r); skipped", cue)
    return tuple(out)


def _shifted(att: Attribution, text: str, offset: int) -> Attribution:
    def move(span: Span | None) -> Span | None:
        return None if span is None else Span.of(text, span.start + offset, span.end + offset)

    return replace(
        att, source=move(att.source), cue=move(att.cue), content=move(att.content), channel=move(att.channel)
    )


def _by_sentence(doc, models: Models) -> tuple[Attribution, ...]:
    """Fallback when the whole document fails: sentence by sentence, skipping (and logging) bad ones."""
    out: list[Attribution] = []
    text = doc.text
    try:
        sents = list(doc.sents)
    except Exception:
        sents = [doc[:]]
    for sent in sents:
        try:
            sdoc = sent.as_doc()
            info = doc_info(sdoc, models.centroids)
            found = attributions_from_spans(sdoc, info, predict_token_spans(info, models))
            out.extend(_shifted(a, text, sent.start_char) for a in found)
        except Exception:
            log.exception("attribution model failed on the sentence at char %d; skipped", sent.start_char)
    return tuple(out)


def extract_attributions_model(doc, models: Models | None = None) -> tuple[Attribution, ...]:
    """Attributions found by the CRF model in a parsed spaCy ``doc`` (doc character offsets).

    A failure on the whole document falls back to sentence-by-sentence; a failing sentence or attribution
    is logged and skipped, never raised."""
    if len(doc) == 0:
        return ()
    models = models or load_models()
    try:
        info = doc_info(doc, models.centroids)
        spans = predict_token_spans(info, models)
    except Exception:
        log.exception("attribution model failed on the whole document; retrying sentence by sentence")
        return _by_sentence(doc, models)
    return attributions_from_spans(doc, info, spans)
