"""Diagnose span errors of the attribution extractor (content first; source and cue briefly) under the
two scoring protocols of ../shared/README.md: whole-article character spans (PolNeAR dev .ann) and CofeNet's
sentence-level token protocol (valid.txt).

    python scripts/diagnose_content.py --mode encoder --polnear ../shared/data/polnear/dev \\
        --cofenet ../shared/data/cofenet-polnear/valid.txt [--cache /tmp/diag] [--out /tmp/diag/table.md]

Predicts once per mode (``analyze_articles`` over the dev texts) and caches the predicted triples as a pickle
under ``--cache`` (keyed by mode and a hash of the texts), so a rerun only re-scores.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corroborate.analysis.modes import DEFAULT_MODE, MODES
from corroborate.eval.attributions import LABELS, Range, Triple, load_gold, trim, triples_of
from corroborate.eval.cofenet import (
    BRAT_LABELS,
    T_LINE,
    Instance,
    labelled,
    load_instances,
    project,
    tag_spans,
)


def predict_cached(names: list[str], texts: list[str], mode: str, cache: Path) -> dict[str, list[Triple]]:
    """Predicted triples per article name; read from / written to ``cache/pred_MODE_HASH.pkl``."""
    digest = hashlib.sha1("\0".join(texts).encode("utf-8")).hexdigest()[:12]
    path = Path(cache) / f"pred_{mode}_{digest}.pkl"
    if path.is_file():
        with path.open("rb") as fh:
            blob = pickle.load(fh)
        print(f"[cache] {path} ({blob['seconds']:.1f}s when predicted)", file=sys.stderr)
        return blob["predicted"]
    from corroborate.analysis.pipeline import analyze_articles
    from corroborate.types import Article

    t0 = time.perf_counter()
    out = [triples_of(a.attributions) for a in analyze_articles((Article(text=t) for t in texts), mode=mode)]
    seconds = time.perf_counter() - t0
    predicted = dict(zip(names, out, strict=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump({"mode": mode, "seconds": seconds, "predicted": predicted}, fh)
    tmp.replace(path)
    print(f"[predict] mode={mode}: {len(texts)} articles in {seconds:.1f}s -> {path}", file=sys.stderr)
    return predicted


# ---------------------------------------------------------------------------------------------------------
# Classification of gold and predicted spans (generic over units: characters or tokens)

CLASSES = ("exact", "start_off", "end_off", "both_off", "merged", "split", "missed", "spurious")
CLASS_TITLES = {
    "exact": "exact match",
    "start_off": "start off only (same end)",
    "end_off": "end off only (same start)",
    "both_off": "both ends off, overlapping",
    "merged": "merged (1 pred covers >=2 gold)",
    "split": "split (>=2 preds inside 1 gold)",
    "missed": "missed (no overlapping pred)",
    "spurious": "spurious (no overlapping gold)",
}
BOUNDARY = ("start_off", "end_off", "both_off")
REASONS = ("punct_cs", "punct", "cue_source", "nested_cs", "paragraph", "sentence", "other")
REASON_TITLES = {
    "punct_cs": "only punctuation / quotes, next to a predicted cue/source",
    "punct": "only punctuation / quotes / whitespace, elsewhere",
    "cue_source": "pred takes in a cue/speech word or source",
    "nested_cs": "gold runs on over a cue/speech word or source (pred stops there)",
    "paragraph": "a paragraph boundary crossed",
    "sentence": "a sentence boundary crossed",
    "other": "other",
}


def _ov(a: Range, b: Range) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _jac(a: Range, b: Range) -> float:
    inter = _ov(a, b)
    return inter / (max(a[1], b[1]) - min(a[0], b[0])) if inter else 0.0


@dataclass
class Classified:
    """One document's (or instance's) classification of one label's gold and predicted spans."""

    gold: set[Range]
    pred: set[Range]
    gold_cls: dict[Range, str] = field(default_factory=dict)
    pred_cls: dict[Range, str] = field(default_factory=dict)
    best: dict[Range, Range] = field(default_factory=dict)  # boundary-class gold -> its best pred
    merged: dict[Range, list[Range]] = field(default_factory=dict)  # merging pred -> the golds it covers
    split: dict[Range, list[Range]] = field(default_factory=dict)  # split gold -> the preds inside it


def classify(gold: Iterable[Range], pred: Iterable[Range]) -> Classified:
    """Exact matches first; the rest is compared among the unmatched spans only (so a gold span nested in an
    exactly predicted one, with nothing else over it, is missed; a pred nested in a matched gold is spurious).

    merged: a pred covering more than half of each of >=2 unmatched gold spans; split: >=2 preds each lying
    more than half inside one unmatched gold span; otherwise the best (Jaccard) overlapping counterpart
    decides start off (same end) / end off (same start) / both off."""
    c = Classified(set(gold), set(pred))
    exact = c.gold & c.pred
    for r in exact:
        c.gold_cls[r] = c.pred_cls[r] = "exact"
    gs, ps = sorted(c.gold - exact), sorted(c.pred - exact)
    ov_p = {g: [p for p in ps if _ov(g, p)] for g in gs}
    ov_g = {p: [g for g in gs if _ov(g, p)] for p in ps}
    for p in ps:
        covered = [g for g in ov_g[p] if 2 * _ov(g, p) > g[1] - g[0]]
        if len(covered) >= 2:
            c.merged[p] = covered
    for g in gs:
        inside = [p for p in ov_p[g] if 2 * _ov(g, p) > p[1] - p[0] and p not in c.merged]
        if len(inside) >= 2:
            c.split[g] = inside
    merged_golds = {g for cov in c.merged.values() for g in cov}
    split_preds = {p for ins in c.split.values() for p in ins}

    def shape(g: Range, p: Range) -> str:
        if g[1] == p[1]:
            return "start_off"
        if g[0] == p[0]:
            return "end_off"
        return "both_off"

    for g in gs:
        if not ov_p[g]:
            c.gold_cls[g] = "missed"
        elif g in merged_golds:
            c.gold_cls[g] = "merged"
        elif g in c.split:
            c.gold_cls[g] = "split"
        else:
            p = max(ov_p[g], key=lambda p: (_jac(g, p), -p[0]))
            c.gold_cls[g] = shape(g, p)
            c.best[g] = p
    for p in ps:
        if not ov_g[p]:
            c.pred_cls[p] = "spurious"
        elif p in c.merged:
            c.pred_cls[p] = "merged"
        elif p in split_preds:
            c.pred_cls[p] = "split"
        else:
            g = max(ov_g[p], key=lambda g: (_jac(g, p), -g[0]))
            c.pred_cls[p] = shape(g, p)
    return c


def fixed_preds(c: Classified, fix: Callable[[str, Range], bool]) -> set[Range]:
    """The predictions after fixing the errors that ``fix(class, gold or pred span)`` selects, perfectly:
    a boundary error's best pred becomes the gold span; a merging pred becomes the gold spans it covers; the
    pieces of a split gold become the gold span; a missed gold is added; a spurious pred removed."""
    out = set(c.pred)
    for g, cls in c.gold_cls.items():
        if cls in BOUNDARY and fix(cls, g):
            out.discard(c.best[g])
            out.add(g)
        elif cls == "split" and fix(cls, g):
            out -= set(c.split[g])
            out.add(g)
        elif cls == "missed" and fix(cls, g):
            out.add(g)
    for p, cls in c.pred_cls.items():
        if cls == "merged" and fix(cls, p):
            out.discard(p)
            out |= set(c.merged[p])
        elif cls == "spurious" and fix(cls, p):
            out.discard(p)
    return out


def f1(tp: int, n_gold: int, n_pred: int) -> float:
    return 2 * tp / (n_gold + n_pred) if n_gold + n_pred else 0.0


# ---------------------------------------------------------------------------------------------------------
# What a boundary difference or a gap consists of (in article characters)

_SPEECH = re.compile(
    r"\b(said|says|say|saying|told|tells|tell|telling|according|added|adds|asked|asks|wrote|writes|write|"
    r"stated|states|claimed|claims|argued|argues|noted|notes|explained|explains|reported|reports|announced|"
    r"announces|insisted|insists|suggested|suggests|believes|believed|thinks|thought|warned|warns|"
    r"acknowledged|admitted|denied|recalled|continued|declared|responded|replied|tweeted|posted)\b",
    re.IGNORECASE,
)
_ABBREV = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "sen",
        "rep",
        "gov",
        "gen",
        "lt",
        "col",
        "sgt",
        "prof",
        "jr",
        "sr",
        "st",
        "inc",
        "corp",
        "co",
        "no",
        "vs",
        "ave",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.n",
        "d.c",
        "u.k",
        "p.m",
        "a.m",
    ]
)
_SENT = re.compile(r"[.?!\u2026][\"'\u201d\u2019)\]]*(\s+)(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")


def _is_punct(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch)[0] in "PS"


def punct_only(text: str) -> bool:
    return all(_is_punct(ch) for ch in text)


def sentence_gaps(text: str) -> list[Range]:
    """Whitespace gaps ``[a, b)`` between sentences (a = after the final punctuation and closing quotes,
    b = the next sentence's first character), common abbreviations and initials left out; paragraph
    breaks included."""
    out = []
    for m in _SENT.finditer(text):
        j = m.start()
        w = re.search(r"([\w.]+)$", text[max(0, j - 12) : j])
        word = (w.group(1) if w else "").lower().rstrip(".")
        if text[j] == "." and (word in _ABBREV or (len(word) == 1 and word.isalpha())):
            continue
        out.append((m.start(1), m.end(1)))
    for m in re.finditer(r"\s*\n\s*", text):
        out.append((m.start(), m.end()))
    return sorted(set(out))


@dataclass
class Context:
    """One gold document's text and the spans that explain differences."""

    text: str
    cue_source: list[Range]  # gold and predicted cue/source spans (characters)
    para_breaks: list[int]  # positions of newlines
    sent_gaps: list[Range]
    pred_cs: list[Range] = field(default_factory=list)  # predicted cue/source spans only
    pred_cues: list[Range] = field(default_factory=list)  # predicted cue spans only


def make_context(
    text: str, cue_source: Iterable[Range], pred_cs: Sequence[Range] = (), pred_cues: Sequence[Range] = ()
) -> Context:
    paras = [m.start() for m in re.finditer("\n", text)]
    return Context(
        text,
        sorted(set(cue_source)),
        paras,
        sentence_gaps(text),
        sorted(set(pred_cs)),
        sorted(set(pred_cues)),
    )


def _edge_regions(g: Range, p: Range) -> list[tuple[str, Range, bool]]:
    """The differing edge regions: (side, characters, pred_longer_there)."""
    out = []
    if g[0] != p[0]:
        out.append(("start", (min(g[0], p[0]), max(g[0], p[0])), p[0] < g[0]))
    if g[1] != p[1]:
        out.append(("end", (min(g[1], p[1]), max(g[1], p[1])), p[1] > g[1]))
    return out


def _crosses(ctx: Context, side: str, region: Range, kind: str) -> bool:
    x, y = region
    if kind == "paragraph":
        return any(x <= q < y for q in ctx.para_breaks)
    for a, b in ctx.sent_gaps:
        if side == "end" and x <= a and y > b:
            return True
        if side == "start" and x < a and y >= b:
            return True
    return False


def _has_cue_source(ctx: Context, region: Range) -> bool:
    return any(_ov(region, r) for r in ctx.cue_source) or bool(
        _SPEECH.search(ctx.text[region[0] : region[1]])
    )


def _touches(ctx: Context, region: Range, spans: Sequence[Range]) -> bool:
    """Is ``region`` next to one of ``spans``, with at most a few punctuation or space characters between?"""
    x, y = region
    for a, b in spans:
        if b <= x and x - b <= 3 and punct_only(ctx.text[b:x]):
            return True
        if a >= y and a - y <= 3 and punct_only(ctx.text[y:a]):
            return True
    return False


def diff_reason(ctx: Context, g: Range, p: Range, own: Sequence[Range] = ()) -> tuple[str, bool, bool]:
    """Why a boundary differs, in the order of :data:`REASONS`; whether the prediction is the longer one (at
    every differing edge); whether the difference overlaps the gold attribution's own cue/source ``own``."""
    regions = _edge_regions(g, p)
    longer = all(lg for _, _, lg in regions)
    own_hit = any(_ov(r, o) for _, r, _ in regions for o in own)
    if all(punct_only(ctx.text[r[0] : r[1]]) for _, r, _ in regions):
        if any(_touches(ctx, r, ctx.pred_cs) for _, r, _ in regions):
            return "punct_cs", longer, own_hit
        return "punct", longer, own_hit
    if any(lg and _has_cue_source(ctx, r) for _, r, lg in regions):
        return "cue_source", longer, own_hit
    if any(not lg and _has_cue_source(ctx, r) for _, r, lg in regions):
        return "nested_cs", longer, own_hit
    if any(_crosses(ctx, side, r, "paragraph") for side, r, _ in regions):
        return "paragraph", longer, own_hit
    if any(_crosses(ctx, side, r, "sentence") for side, r, _ in regions):
        return "sentence", longer, own_hit
    return "other", longer, own_hit


GAP_KINDS = (
    "own_cue_source",
    "own_cue_source_plus",
    "same_span_other",
    "same_span_punct",
    "piece_cue_source",
    "other_cue_source",
    "pred_cue_source",
    "punct",
    "paragraph",
    "sentence",
    "other",
)
GAP_TITLES = {
    "own_cue_source": "one attribution: its own cue/source (and punctuation) only",
    "own_cue_source_plus": "one attribution: its own cue/source plus other words",
    "same_span_other": "one attribution: something else (not its cue/source)",
    "same_span_punct": "one attribution: punctuation / nothing",
    "piece_cue_source": "two attributions: the cue/source of one of them (nested or chained)",
    "other_cue_source": "a third attribution's gold cue/source",
    "pred_cue_source": "a predicted cue/source (no gold one)",
    "punct": "punctuation / nothing",
    "paragraph": "a paragraph break",
    "sentence": "a sentence break",
    "other": "other words",
}


def gap_kind(
    ctx: Context,
    gap: Range,
    own: Sequence[Range] | None,
    gold_cs: Sequence[Range],
    pred_cs: Sequence[Range],
    related: Sequence[Range] = (),
    one_attribution: bool = False,
) -> str:
    """What separates two pieces (the characters of ``gap``). ``own``: cue/source of the one gold attribution
    both pieces belong to; ``one_attribution``: they surely do (pieces of one discontinuous gold content);
    ``related``: cue/source of the gold attributions of either piece when they are two."""
    x, y = gap
    words = [i for i in range(x, y) if not _is_punct(ctx.text[i])]

    def covered(ranges: Sequence[Range]) -> set[int]:
        return {i for i in words if any(a <= i < b for a, b in ranges)}

    if not words:
        return "same_span_punct" if one_attribution else "punct"
    c_own = covered(own or ())
    if c_own:
        return "own_cue_source" if len(c_own) == len(words) else "own_cue_source_plus"
    if one_attribution:
        return "same_span_other"
    if covered(related):
        return "piece_cue_source"
    if covered(gold_cs):
        return "other_cue_source"
    if covered(pred_cs):
        return "pred_cue_source"
    if "\n" in ctx.text[x:y]:
        return "paragraph"
    if any(x <= a and b <= y for a, b in ctx.sent_gaps):
        return "sentence"
    return "other"


# ---------------------------------------------------------------------------------------------------------
# Gold structure: which cue/source belongs to which content (brat E lines), pieces kept


@dataclass
class AnnStructure:
    pieces: dict[str, list[Range]]  # label -> every trimmed piece of every gold span
    content_owners: list[
        tuple[list[Range], list[Range]]
    ]  # (content pieces, cue/source pieces of its E lines)
    content_cues: list[tuple[list[Range], list[Range]]] = field(default_factory=list)  # (content, cue pieces)

    def cue_of(self, r: Range) -> list[Range]:
        """Cue pieces of the gold attributions whose content (hull or one piece) is ``r`` (Jaccard >= 0.9)."""
        out: list[Range] = []
        for content, cues in self.content_cues:
            hull = (content[0][0], content[-1][1]) if content else None
            if hull and (_jac(hull, r) >= 0.9 or any(_jac(c, r) >= 0.9 for c in content)):
                out.extend(cues)
        return out

    def owner_of(self, r: Range) -> list[Range]:
        """Cue/source pieces of the gold attributions whose content (its hull or one piece) is ``r``
        (Jaccard >= 0.9)."""
        out: list[Range] = []
        for content, cs in self.content_owners:
            hull = (content[0][0], content[-1][1]) if content else None
            if hull and (_jac(hull, r) >= 0.9 or any(_jac(c, r) >= 0.9 for c in content)):
                out.extend(cs)
        return out

    def shared_owner(self, a: Range, b: Range) -> list[Range] | None:
        """Cue/source pieces of a gold attribution whose content has one piece over ``a`` and another over
        ``b`` (None if there is none)."""
        found = None
        for content, cs in self.content_owners:
            ia = {i for i, c in enumerate(content) if _ov(c, a)}
            ib = {i for i, c in enumerate(content) if _ov(c, b)}
            if ia and ib and ia != ib:
                found = (found or []) + cs
        return found


def parse_structure(ann: str, text: str) -> AnnStructure:
    tspans: dict[str, tuple[str, list[Range]]] = {}
    pieces: dict[str, list[Range]] = defaultdict(list)
    rels: list[str] = []
    for line in ann.splitlines():
        m = T_LINE.match(line)
        if m:
            tid, lab, offs = m.groups()
            parts = [trim(text, *map(int, p.split())) for p in offs.split(";")]
            parts = [p for p in parts if p[1] > p[0]]
            tspans[tid] = (lab, parts)
            if lab in BRAT_LABELS:
                pieces[BRAT_LABELS[lab]].extend(parts)
            continue
        if line.startswith("E"):
            rels.append(line.split("\t", 1)[1] if "\t" in line else "")
    by_content: dict[str, list[Range]] = defaultdict(list)
    cues_of: dict[str, list[Range]] = defaultdict(list)
    for rel in rels:
        args = [a.partition(":") for a in rel.split()]
        contents = [
            t for role, _, t in args if role.rstrip("0123456789").lower() == "content" and t in tspans
        ]
        cs = [
            p
            for role, _, t in args
            if role.rstrip("0123456789").lower() in ("cue", "source") and t in tspans
            for p in tspans[t][1]
        ]
        cues = [
            p
            for role, _, t in args
            if role.rstrip("0123456789").lower() == "cue" and t in tspans
            for p in tspans[t][1]
        ]
        for t in contents:
            by_content[t].extend(cs)
            cues_of[t].extend(cues)
    owners = [(tspans[t][1], cs) for t, cs in by_content.items()]
    return AnnStructure(dict(pieces), owners, [(tspans[t][1], c) for t, c in cues_of.items()])


# ---------------------------------------------------------------------------------------------------------
# Accumulation over documents / instances


@dataclass
class Tally:
    unit: str  # "chars" or "tokens"
    n_gold: Counter = field(default_factory=Counter)  # label -> gold spans
    n_pred: Counter = field(default_factory=Counter)
    gold_cls: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # label -> class -> n
    pred_cls: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    tp: Counter = field(default_factory=Counter)  # label -> exact
    fix_tp: dict[str, Counter] = field(
        default_factory=lambda: defaultdict(Counter)
    )  # fix name -> label -> tp
    fix_pred: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    # content boundary errors: (class, reason) -> gold count; (reason) -> pred-longer count; length diffs
    reasons: Counter = field(default_factory=Counter)
    reasons_longer: Counter = field(default_factory=Counter)
    reasons_own: Counter = field(default_factory=Counter)  # reason -> difference over the own cue/source
    diffs: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))  # reason -> |len diff|
    merged_kind: Counter = field(default_factory=Counter)  # gap kind -> merging preds
    merged_gold: Counter = field(default_factory=Counter)  # gap kind -> gold covered
    merged_same_span: int = 0  # merging preds over pieces of one discontinuous gold span
    split_kind: Counter = field(default_factory=Counter)  # gap kind -> split golds
    split_preds: Counter = field(default_factory=Counter)
    missed_kind: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add_fix(self, name: str, label: str, c: Classified, fix: Callable[[str, Range], bool]) -> None:
        new = fixed_preds(c, fix)
        self.fix_tp[name][label] += len(c.gold & new)
        self.fix_pred[name][label] += len(new)

    def base_f1(self, label: str) -> float:
        return f1(self.tp[label], self.n_gold[label], self.n_pred[label])

    def gain(self, name: str, label: str = "content") -> float:
        return f1(self.fix_tp[name][label], self.n_gold[label], self.fix_pred[name][label]) - self.base_f1(
            label
        )


def _dominant(kinds: Iterable[str]) -> str:
    ks = set(kinds)
    return next((k for k in GAP_KINDS if k in ks), "other")


def tally_one(
    t: Tally,
    label: str,
    gold: set[Range],
    pred: set[Range],
    ctx: Context,
    struct: AnnStructure,
    pred_cs: list[Range],
    to_chars: Callable[[Range], Range | None],
    where: str,
) -> None:
    """Classify one document's / instance's spans of ``label``; content also gets the breakdowns."""
    c = classify(gold, pred)
    t.n_gold[label] += len(c.gold)
    t.n_pred[label] += len(c.pred)
    t.tp[label] += len(c.gold & c.pred)
    for cls in c.gold_cls.values():
        t.gold_cls[label][cls] += 1
    for cls in c.pred_cls.values():
        t.pred_cls[label][cls] += 1
    for cls in CLASSES[1:]:
        t.add_fix(cls, label, c, lambda k, _r, cls=cls: k == cls)
    t.add_fix("all", label, c, lambda k, _r: True)
    if label != "content":
        return
    gold_cs = struct.pieces.get("cue", []) + struct.pieces.get("source", [])
    pred_cues = ctx.pred_cues
    for g, cls in c.gold_cls.items():
        if cls != "missed":
            continue
        gc = to_chars(g)
        cues = struct.cue_of(gc) if gc else []
        if not cues:
            t.missed_kind["no gold cue"] += 1
        elif any(_ov(q, pc) for q in cues for pc in pred_cues):
            t.missed_kind["its cue found (overlapping pred cue)"] += 1
        else:
            t.missed_kind["its cue missed too"] += 1
    reason_of: dict[Range, str] = {}
    for g, cls in c.gold_cls.items():
        if cls not in BOUNDARY:
            continue
        p = c.best[g]
        gc, pc = to_chars(g), to_chars(p)
        if gc is None or pc is None:
            reason, longer, own_hit = "other", False, False
        else:
            reason, longer, own_hit = diff_reason(ctx, gc, pc, struct.owner_of(gc))
            t.reasons_own[reason] += own_hit
        reason_of[g] = reason
        t.reasons[(cls, reason)] += 1
        t.reasons_longer[reason] += longer
        t.diffs[reason].append(abs((g[1] - g[0]) - (p[1] - p[0])))
        if len(t.examples[f"{cls}:{reason}"]) < 4 and gc and pc:
            t.examples[f"{cls}:{reason}"].append(
                f"{where}\n    gold: {ctx.text[gc[0] : gc[1]]!r}\n    pred: {ctx.text[pc[0] : pc[1]]!r}"
            )
    for reason in REASONS:
        t.add_fix(
            f"reason:{reason}",
            label,
            c,
            lambda k, r, reason=reason: k in BOUNDARY and reason_of.get(r) == reason,
        )
    merged_kind_of: dict[Range, str] = {}
    for p, golds in c.merged.items():
        golds = sorted(golds)
        kinds = []
        for a, b in zip(golds, golds[1:], strict=False):
            ac, bc = to_chars(a), to_chars(b)
            if ac is None or bc is None or bc[0] <= ac[1]:
                kinds.append("punct" if ac and bc else "other")
                continue
            shared = struct.shared_owner(ac, bc)
            if shared is not None:
                t.merged_same_span += 1
                kinds.append(gap_kind(ctx, (ac[1], bc[0]), shared, gold_cs, pred_cs, one_attribution=True))
            else:
                related = struct.owner_of(ac) + struct.owner_of(bc)
                kinds.append(gap_kind(ctx, (ac[1], bc[0]), None, gold_cs, pred_cs, related))
        kind = _dominant(kinds)
        merged_kind_of[p] = kind
        t.merged_kind[kind] += 1
        t.merged_gold[kind] += len(golds)
        if len(t.examples[f"merged:{kind}"]) < 4:
            pc = to_chars(p)
            if pc:
                t.examples[f"merged:{kind}"].append(
                    f"{where}\n    pred: {ctx.text[pc[0] : pc[1]]!r}\n    gold: "
                    + " | ".join(repr(ctx.text[x[0] : x[1]]) for x in map(to_chars, golds) if x)
                )
    split_kind_of: dict[Range, str] = {}
    for g, preds in c.split.items():
        preds = sorted(preds)
        gc = to_chars(g)
        own = struct.owner_of(gc) if gc else []
        kinds = []
        for a, b in zip(preds, preds[1:], strict=False):
            ac, bc = to_chars(a), to_chars(b)
            if ac is None or bc is None or bc[0] <= ac[1]:
                kinds.append("punct" if ac and bc else "other")
                continue
            kinds.append(gap_kind(ctx, (ac[1], bc[0]), own, gold_cs, pred_cs))
        kind = _dominant(kinds)
        split_kind_of[g] = kind
        t.split_kind[kind] += 1
        t.split_preds[kind] += len(preds)
        if len(t.examples[f"split:{kind}"]) < 4 and gc:
            t.examples[f"split:{kind}"].append(
                f"{where}\n    gold: {ctx.text[gc[0] : gc[1]]!r}\n    pred: "
                + " | ".join(repr(ctx.text[x[0] : x[1]]) for x in map(to_chars, preds) if x)
            )
    own = ("own_cue_source", "own_cue_source_plus")
    t.add_fix("merged:own", label, c, lambda k, r: k == "merged" and merged_kind_of.get(r) in own)
    t.add_fix("split:own", label, c, lambda k, r: k == "split" and split_kind_of.get(r) in own)
    t.add_fix("merged:other", label, c, lambda k, r: k == "merged" and merged_kind_of.get(r) not in own)
    t.add_fix("split:other", label, c, lambda k, r: k == "split" and split_kind_of.get(r) not in own)


def _trimmed_preds(text: str, triples: Sequence) -> dict[str, set[Range]]:
    out: dict[str, set[Range]] = {lab: set() for lab in LABELS}
    for triple in triples:
        for lab, r in zip(LABELS, triple, strict=True):
            if r is not None:
                s, e = trim(text, *r)
                if e > s:
                    out[lab].add((s, e))
    return out


# ---------------------------------------------------------------------------------------------------------
# Post-processing simulated on the predictions and rescored with the official scorers (no retraining)

_EDGE_PUNCT = frozenset(",.;:-\u2013\u2014")  # never quote marks or brackets


def _strip_edges(
    text: str, r: Range, lead: bool = True, tail: bool = True, tail_period: bool = True
) -> Range:
    s, e = trim(text, *r)
    while lead and s < e and (text[s] in _EDGE_PUNCT or text[s].isspace()):
        s += 1
    tail_set = _EDGE_PUNCT if tail_period else _EDGE_PUNCT - {"."}
    while tail and e > s and (text[e - 1] in tail_set or text[e - 1].isspace()):
        e -= 1
    return s, e


def content_pieces(text: str, content: Range, inner: Sequence[Range]) -> list[Range]:
    """``content`` less the predicted cue/source spans inside it; each cut edge loses the whitespace and
    the non-quote punctuation (``,.;:`` and dashes) that touch the removed span."""
    cuts = sorted(r for r in inner if content[0] <= r[0] and r[1] <= content[1] and r != content)
    pieces: list[Range] = []
    pos, cut_before = content[0], False
    for a, b in cuts:
        if a > pos:
            pieces.append(_strip_edges(text, (pos, a), lead=cut_before, tail=True))
        pos, cut_before = max(pos, b), True
    if pos < content[1]:
        pieces.append(_strip_edges(text, (pos, content[1]), lead=cut_before, tail=False))
    return [r for r in pieces if r[1] > r[0]] or [content]


_QUOTE_OPENING = re.compile(r"[.?!](\s+)(?=[\"\u201c\u2018'])")


def cut_before_quotes(text: str, r: Range, any_sentence: bool = False) -> list[Range]:
    """``r`` cut where a sentence ends (``.`` ``?`` ``!``) and the next one opens with a quote mark (or, with
    ``any_sentence``, at every sentence end): the first piece loses a final period, the next starts at the
    quote."""
    s, e = r
    pieces: list[Range] = []
    if any_sentence:
        gaps = [(a, b) for a, b in sentence_gaps(text[s:e])]
    else:
        gaps = [(m.start(1), m.end(1)) for m in _QUOTE_OPENING.finditer(text[s:e])]
    pos = s
    for a, b in gaps:
        end = s + a
        if text[end - 1] == ".":
            end -= 1
        if end > pos:
            pieces.append((pos, end))
        pos = s + b
    pieces.append((pos, e))
    return [q for q in pieces if q[1] > q[0]]


def simulations(polnear: Path, cofenet: Path, predicted: dict[str, list]) -> list[tuple[str, float, float]]:
    """(name, article content exact F1, CofeNet content exact F1) for the predictions as they are and after
    each post-processing step. A step maps an article's triples to (source, cue, content pieces): the article
    protocol scores the pieces' hull (first start to last end), CofeNet's projects each piece on its own."""
    from corroborate.eval.attributions import score_all
    from corroborate.eval.cofenet import score_projection

    gold = load_gold(polnear)
    instances = load_instances(cofenet, polnear / "text")
    texts = {n: g.text for n, g in gold}
    Step = Callable[[str, list], list]

    def rescore(name: str, step: Step) -> tuple[str, float, float]:
        done = {n: step(texts[n], list(tr)) for n, tr in predicted.items()}
        hulls = {
            n: [(src, cue, (ps[0][0], ps[-1][1]) if ps else None) for src, cue, ps in items]
            for n, items in done.items()
        }
        labelled_spans = {
            n: [(src, cue, None) for src, cue, _ in items] + [("content", *r) for *_, ps in items for r in ps]
            for n, items in done.items()
        }
        art = score_all((g, hulls[n]) for n, g in gold)
        cof = score_projection(instances, labelled_spans)
        return name, art.counts["content"].prf()[2], cof.counts["content"].prf()[2]

    def whole(text: str, triples: list) -> list:
        return [(t[0], t[1], [] if t[2] is None else [t[2]]) for t in triples]

    def pieces(then: Step) -> Step:
        def f(text: str, triples: list) -> list:
            cs = [r for t in triples for r in t[:2] if r is not None]
            return [
                (src, cue, [q for r in ps for q in content_pieces(text, trim(text, *r), cs)])
                for src, cue, ps in then(text, triples)
            ]

        return f

    def sentences(any_sentence: bool, then: Step) -> Step:
        def f(text: str, triples: list) -> list:
            return [
                (src, cue, [q for r in ps for q in cut_before_quotes(text, r, any_sentence)])
                for src, cue, ps in then(text, triples)
            ]

        return f

    def join_touching(text: str, triples: list) -> list:
        """Predicted contents that touch (only punctuation or spaces between, at most 3 characters, no line
        break; neither nested in another content) become one."""
        spans = sorted({trim(text, *t[2]) for t in triples if t[2] is not None})
        top = [r for r in spans if not any(o != r and o[0] <= r[0] and r[1] <= o[1] for o in spans)]
        hull: dict[Range, Range] = {}
        chain: list[Range] = []
        for r in [*top, None]:
            if (
                r is not None
                and chain
                and 0 <= r[0] - chain[-1][1] <= 3
                and punct_only(text[chain[-1][1] : r[0]])
                and "\n" not in text[chain[-1][1] : r[0]]
            ):
                chain.append(r)
                continue
            for q in chain:
                hull[q] = (chain[0][0], chain[-1][1])
            chain = [r] if r is not None else []
        return [(t[0], t[1], [] if t[2] is None else [hull.get(trim(text, *t[2]), t[2])]) for t in triples]

    def strip(tail_period: bool) -> Step:
        def f(text: str, triples: list) -> list:
            return [
                (src, cue, [_strip_edges(text, r, True, True, tail_period) for r in ps])
                for src, cue, ps in whole(text, triples)
            ]

        return f

    return [
        rescore("as predicted", whole),
        rescore(
            "content cut at the predicted cues/sources inside it; cut edges lose , . ; : and dashes",
            pieces(whole),
        ),
        rescore(
            "content outer edges lose , . ; : and dashes (a final period kept; quotes always kept)",
            strip(False),
        ),
        rescore("content outer edges lose , . ; : and dashes (a final period too)", strip(True)),
        rescore("cut at cues/sources + outer-edge strip (final period kept)", pieces(strip(False))),
        rescore(
            "cut at cues/sources + outer-edge strip + cut where a sentence ends before an opening quote "
            "(that period dropped)",
            sentences(False, pieces(strip(False))),
        ),
        rescore(
            "cut at cues/sources + outer-edge strip + cut at every sentence end (period dropped)",
            sentences(True, pieces(strip(False))),
        ),
        rescore(
            "predicted contents that touch within a paragraph (punctuation only between) joined into one",
            join_touching,
        ),
    ]


def doc_context(text: str, struct: AnnStructure, preds: dict[str, set[Range]]) -> Context:
    pred_cs = sorted(preds["cue"] | preds["source"])
    gold_cs = struct.pieces.get("cue", []) + struct.pieces.get("source", [])
    return make_context(text, gold_cs + pred_cs, pred_cs, sorted(preds["cue"]))


def article_protocol(polnear: Path, predicted: dict[str, list]) -> Tally:
    t = Tally("chars")
    for name, gdoc in load_gold(polnear):
        text = gdoc.text
        struct = parse_structure(
            (polnear / "attributions" / f"{gdoc.name}.ann").read_text(encoding="utf-8"), text
        )
        preds = _trimmed_preds(text, predicted[name])
        pred_cs = sorted(preds["cue"] | preds["source"])
        ctx = doc_context(text, struct, preds)
        for lab in LABELS:
            gold = {(s, e) for (lb, s, e) in gdoc.spans if lb == lab}
            tally_one(t, lab, gold, preds[lab], ctx, struct, pred_cs, lambda r: r, gdoc.name)
    return t


def cofenet_protocol(polnear: Path, cofenet: Path, predicted: dict[str, list]) -> Tally:
    t = Tally("tokens")
    instances: list[Instance] = load_instances(cofenet, polnear / "text")
    texts: dict[str, str] = {}
    structs: dict[str, AnnStructure] = {}
    ctxs: dict[str, Context] = {}
    for inst in instances:
        if inst.id not in structs:
            text = texts.setdefault(
                inst.article, (polnear / "text" / f"{inst.article}.txt").read_text(encoding="utf-8")
            )
            structs[inst.id] = parse_structure(
                (polnear / "attributions" / f"{inst.id}.ann").read_text(encoding="utf-8"), text
            )
            ctxs[inst.id] = doc_context(text, structs[inst.id], _trimmed_preds(text, predicted[inst.article]))
        ctx, struct = ctxs[inst.id], structs[inst.id]
        offsets = inst.offsets

        def to_chars(r: Range, offsets=offsets) -> Range | None:
            placed = [o for o in offsets[r[0] : r[1]] if o is not None]
            return (placed[0][0], placed[-1][1]) if placed else None

        gold_tags = tag_spans(inst.labels)
        pred_tags = tag_spans(project(offsets, labelled(predicted[inst.article])))
        for lab in LABELS:
            gold = {(s, e) for (lb, s, e) in gold_tags if lb == lab}
            pred = {(s, e) for (lb, s, e) in pred_tags if lb == lab}
            tally_one(t, lab, gold, pred, ctx, struct, ctx.pred_cs, to_chars, inst.id)
    return t


# ---------------------------------------------------------------------------------------------------------
# Rendering


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f}%" if d else "-"


def _pts(x: float) -> str:
    return f"{100 * x:+.1f}"


def render(t: Tally, title: str) -> tuple[str, list[tuple[float, str]]]:
    """Markdown for one protocol and its candidate findings (F1 gain, line)."""
    G = t.n_gold
    lines = [f"### {title}", ""]
    base = "; ".join(
        f"{lab} gold {G[lab]} pred {t.n_pred[lab]} exact F1 {100 * t.base_f1(lab):.1f}" for lab in LABELS
    )
    lines += [f"Exact-match baseline: {base}.", ""]
    lines.append(
        "| class | content gold | % of gold content | content pred | content F1 gain if fixed | source gold | % | cue gold | % |"
    )
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for cls in CLASSES:
        gc = {lab: t.gold_cls[lab][cls] for lab in LABELS}
        gain = "" if cls == "exact" else _pts(t.gain(cls))
        gcell = "" if cls == "spurious" else f"{gc['content']} | {_pct(gc['content'], G['content'])}"
        if cls == "spurious":
            gcell = "- | -"
        lines.append(
            f"| {CLASS_TITLES[cls]} | {gcell} | {t.pred_cls['content'][cls]} | {gain} | "
            + " | ".join(
                ("-" if cls == "spurious" else f"{gc[lab]}")
                + " | "
                + ("-" if cls == "spurious" else _pct(gc[lab], G[lab]))
                for lab in ("source", "cue")
            )
            + " |"
        )
    lines.append(
        f"| **total** | {G['content']} | 100% | {t.n_pred['content']} | {_pts(t.gain('all'))} (all) | "
        f"{G['source']} | 100% | {G['cue']} | 100% |"
    )
    lines.append("")
    lines.append(
        f"(Source/cue pred spans: spurious {t.pred_cls['source']['spurious']} / {t.pred_cls['cue']['spurious']}; "
        f"F1 gain if fixed, source: "
        + ", ".join(f"{c} {_pts(t.gain(c, 'source'))}" for c in CLASSES[1:])
        + "; cue: "
        + ", ".join(f"{c} {_pts(t.gain(c, 'cue'))}" for c in CLASSES[1:])
        + ".)"
    )
    lines.append("")
    # boundary reasons
    unit = "chars" if t.unit == "chars" else "tokens"
    lines.append(
        "Content boundary errors (start/end/both off, counted on gold spans) by what the difference consists of:"
    )
    lines.append("")
    lines.append(
        f"| difference | start off | end off | both off | total | % of gold content | pred longer | over own gold cue/source | median len diff ({unit}) | F1 gain if fixed |"
    )
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in REASONS:
        row = [t.reasons[(cls, r)] for cls in BOUNDARY]
        tot = sum(row)
        med = statistics.median(t.diffs[r]) if t.diffs[r] else 0
        lines.append(
            f"| {REASON_TITLES[r]} | {row[0]} | {row[1]} | {row[2]} | {tot} | {_pct(tot, G['content'])} | "
            f"{t.reasons_longer[r]} | {t.reasons_own[r]} | {med:g} | {_pts(t.gain(f'reason:{r}'))} |"
        )
    lines.append("")
    lines.append(
        "Content merged / split errors by what separates the pieces (merged: consecutive gold pieces under one pred; split: consecutive preds inside one gold):"
    )
    lines.append("")
    lines.append("| separated by | merging preds | gold covered | split gold | preds inside |")
    lines.append("|---|---:|---:|---:|---:|")
    for k in GAP_KINDS:
        if t.merged_kind[k] or t.split_kind[k]:
            lines.append(
                f"| {GAP_TITLES[k]} | {t.merged_kind[k]} | {t.merged_gold[k]} | {t.split_kind[k]} | {t.split_preds[k]} |"
            )
    lines.append("")
    lines.append(
        f"Gaps under a merging pred between pieces of one gold attribution's content: {t.merged_same_span}. "
        f"F1 gain if fixed: "
        f"merged at own cue/source {_pts(t.gain('merged:own'))}, other merged {_pts(t.gain('merged:other'))}; "
        f"split at own cue/source {_pts(t.gain('split:own'))}, other split {_pts(t.gain('split:other'))}."
    )
    lines.append("")
    miss = t.missed_kind
    lines.append(
        "Missed gold content spans: "
        + ", ".join(f"{k} {v}" for k, v in sorted(miss.items(), key=lambda kv: -kv[1]))
        + f" (of {t.gold_cls['content']['missed']})."
    )
    lines.append("")
    cands: list[tuple[float, str]] = []
    for cls in ("merged", "split", "missed", "spurious"):  # boundary classes: by reason below
        n = t.gold_cls["content"][cls] if cls != "spurious" else t.pred_cls["content"][cls]
        what = "gold" if cls != "spurious" else "pred"
        cands.append(
            (
                t.gain(cls),
                f"{CLASS_TITLES[cls]}: {n} {what} content spans; perfect fix {_pts(t.gain(cls))} F1",
            )
        )
    for r in REASONS:
        n = sum(t.reasons[(cls, r)] for cls in BOUNDARY)
        cands.append(
            (
                t.gain(f"reason:{r}"),
                f"boundary off by {REASON_TITLES[r]}: {n} gold content spans "
                f"({t.reasons_longer[r]} with the pred longer); perfect fix {_pts(t.gain(f'reason:{r}'))} F1",
            )
        )
    for k, nm in (
        ("merged:own", "merged across the attribution's own cue/source"),
        ("split:own", "split at the attribution's own cue/source"),
    ):
        if t.gain(k) > 0:
            cands.append((t.gain(k), f"{nm}: perfect fix {_pts(t.gain(k))} F1"))
    return "\n".join(lines), cands


def section(
    mode: str,
    seconds_note: str,
    tables: list[tuple[str, Tally]],
    sims: Sequence[tuple[str, float, float]] = (),
) -> str:
    out = [f"## mode={mode}{seconds_note}", ""]
    findings: list[tuple[float, str, str]] = []
    for name, t in tables:
        md, cands = render(t, name)
        out.append(md)
        findings += [(g, name, line) for g, line in cands]
    if sims:
        out.append(
            "Post-processing simulated on these predictions, rescored with the official scorers (content exact F1):"
        )
        out.append("")
        out.append("| step | article F1 | change | CofeNet F1 | change |")
        out.append("|---|---:|---:|---:|---:|")
        a0, c0 = sims[0][1], sims[0][2]
        for name, a, c in sims:
            out.append(f"| {name} | {100 * a:.1f} | {_pts(a - a0)} | {100 * c:.1f} | {_pts(c - c0)} |")
        out.append("")
        for step, a, c in sims[1:]:
            for (name, _), gain in zip(tables, (a - a0, c - c0), strict=True):
                findings.append((gain, name, f"measured: {step}: {_pts(gain)} F1"))
    out.append(
        "Top findings per protocol (content exact F1: gains measured by a simulated post-processing step, or "
        "the most a perfect fix of one error class could give):"
    )
    out.append("")
    for name, _ in tables:
        best = sorted((f for f in findings if f[1] == name), key=lambda f: -f[0])[:5]
        for _gain, _, line in best:
            out.append(f"- [{name.split(' ')[0]}] {line}")
    out.append("")
    return "\n".join(out)


def write_section(path: Path, mode: str, body: str) -> None:
    """Replace (or append) this mode's section of ``path``, leaving other modes' sections."""
    begin, end = f"<!-- diagnose mode={mode} -->", f"<!-- /diagnose mode={mode} -->"
    old = path.read_text(encoding="utf-8") if path.is_file() else "# Content-span error diagnosis\n"
    block = f"{begin}\n{body}\n{end}\n"
    if begin in old and end in old:
        head, rest = old.split(begin, 1)
        new = head + block + rest.split(end, 1)[1].lstrip("\n")
    else:
        new = old.rstrip("\n") + "\n\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", default=DEFAULT_MODE, choices=tuple(MODES))
    ap.add_argument(
        "--polnear", required=True, type=Path, help="PolNeAR split folder: text/ and attributions/"
    )
    ap.add_argument("--cofenet", required=True, type=Path, help="CofeNet's valid.txt (JSON lines)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/diag"), help="where predictions are pickled")
    ap.add_argument(
        "--out", type=Path, default=Path("/tmp/diag/table.md"), help="markdown file (one section per mode)"
    )
    ap.add_argument("--examples", type=int, default=0, help="also print up to N examples per error kind")
    args = ap.parse_args(argv)
    if not (args.polnear / "attributions").is_dir() or not args.cofenet.is_file():
        print(
            f"{args.polnear}/attributions or {args.cofenet} missing; is ../shared present?", file=sys.stderr
        )
        return 2
    gold = load_gold(args.polnear)
    names = list(dict.fromkeys(n for n, _ in gold))
    texts = [(args.polnear / "text" / f"{n}.txt").read_text(encoding="utf-8") for n in names]
    try:
        predicted = predict_cached(names, texts, args.mode, args.cache)
    except Exception as exc:  # e.g. the large extra or its weights missing
        msg = f"mode={args.mode}: prediction failed: {type(exc).__name__}: {exc}"
        print(msg, file=sys.stderr)
        write_section(args.out, args.mode, f"## mode={args.mode}\n\n{msg}\n")
        return 1
    art = article_protocol(args.polnear, predicted)
    cof = cofenet_protocol(args.polnear, args.cofenet, predicted)
    tables = [
        ("article protocol (whole-article character spans, PolNeAR dev .ann)", art),
        ("CofeNet protocol (sentence-level token ranges, valid.txt)", cof),
    ]
    sims = simulations(args.polnear, args.cofenet, predicted)
    body = section(args.mode, "", tables, sims)
    print(body)
    if args.examples:
        for name, t in tables:
            print(f"\n#### examples: {name}")
            for key in sorted(t.examples):
                for ex in t.examples[key][: args.examples]:
                    print(f"[{key}] {ex}")
    write_section(args.out, args.mode, body)
    print(f"(written to {args.out})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
