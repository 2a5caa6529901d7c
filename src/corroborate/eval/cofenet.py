"""Scoring whole-article attribution spans under CofeNet's sentence-level PolNeAR protocol.

Protocol (``../shared/README.md``, CofeNet's ``exe/eval``):

- the data is CofeNet's release of PolNeAR (``valid.txt``): one JSON instance a line, PTB tokens with BIO
  labels over source, cue and content, ``id`` = the PolNeAR annotation file (``NAME_XXXX``);
- the tokens are aligned to the article text ``NAME.txt`` (character ranges), through PTB escapes and quote
  or dash conversions, continuing across the instances of one ``id`` in text order; tokens not found are
  left unaligned (and counted);
- character spans are projected onto the tokens: a token takes the innermost (shortest) span covering more
  than half of its characters (an unaligned token, the span of its aligned neighbours when both have the
  same); the first token of a span within an instance is tagged ``B-``, its others ``I-``;
- per instance a span starts at each ``B-`` tag and runs over the ``I-`` tags of its type that follow;
  predicted and gold (CofeNet's labels) spans match on identical token ranges; P/R/F1 are micro-averaged
  over all instances, separately for source, cue and content;
- the ceiling projects the gold ``.ann`` spans (each piece of a discontinuous span on its own) the same way.
  On dev: F1 100.0 / 100.0 / 99.7 with 22 of 84,693 tokens unaligned; what is left is where CofeNet's labels
  and the ``.ann`` differ (a span ending inside a word, a quote mark in or out).

Pure functions; the only I/O helpers are :func:`load_instances` and :func:`ceiling`.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corroborate.eval.attributions import BRAT_LABELS, LABELS, T_LINE, Counts, Range, Triple

Labelled = tuple[str, int, int]  # (label, start, end) in article characters
_PTB = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}
_QUOTES = frozenset(
    "\"'`\u00b4\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033\u00ab\u00bb\u2039\u203a"
)
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212")
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_WINDOW = 40  # how far (normalised characters) a token may sit past the previous one within an instance
_LOOKAHEAD = 2  # following tokens that must match too when a token is found a little further on
_RESYNC = 3  # following tokens that must match too when a token is searched for anywhere


@dataclass(frozen=True, slots=True)
class Instance:
    id: str  # the annotation file, NAME_XXXX
    article: str  # NAME
    tokens: tuple[str, ...]
    labels: tuple[str, ...]
    offsets: tuple[Range | None, ...]  # each token's characters in the article; None = not aligned


@dataclass(slots=True)
class CofenetScores:
    counts: dict[str, Counts] = field(default_factory=lambda: {lab: Counts() for lab in LABELS})
    instances: int = 0
    tokens: int = 0
    unaligned: int = 0


def _norm(s: str) -> str:
    """Comparable form: NFKC, lower case, no whitespace, every quote ``'``, every dash ``-``."""
    out = []
    for ch in unicodedata.normalize("NFKC", s):
        if ch in _QUOTES:
            out.append("'")
        elif ch in _DASHES:
            out.append("-")
        elif not ch.isspace() and ch not in _INVISIBLE:
            out.append(ch.lower())
    return "".join(out)


def normalize_text(text: str) -> tuple[str, list[int]]:
    """The text's comparable form and, for each of its characters, the index of the source character."""
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        n = _norm(ch)
        chars.append(n)
        index.extend([i] * len(n))
    return "".join(chars), index


def token_forms(token: str) -> tuple[str, ...]:
    """The comparable strings a PTB token may stand for, longest first: a run of quotes or dashes may be
    shorter in the text (```` `` ```` may be ``"``, ``--`` may be an em dash)."""
    n = _norm(_PTB.get(token, token).replace("\\/", "/").replace("\\*", "*"))
    if n and n[0] in "'-" and n == n[0] * len(n):
        return tuple(n[0] * k for k in range(len(n), 0, -1))
    return (n,) if n else ()


def _match(
    norm: str, index: Sequence[int], pos: int, forms: tuple[str, ...], nxt: tuple[str, ...] = ()
) -> int:
    """Length of the form found at ``pos`` (0 if none): the longest, unless only a shorter one lets the next
    token (``nxt``) follow. A run of quotes or dashes matches only where those characters touch in the text
    (so ``''`` does not take a closing and the next opening quote)."""
    fits = [
        len(f)
        for f in forms
        if norm.startswith(f, pos) and (f[0] not in "'-" or index[pos + len(f) - 1] - index[pos] < len(f))
    ]
    if len(fits) > 1 and nxt:
        return next((k for k in fits if _match(norm, index, pos + k, nxt)), fits[0])
    return fits[0] if fits else 0


def _run_matches(norm: str, index: Sequence[int], pos: int, forms: Sequence[tuple[str, ...]]) -> bool:
    for j, f in enumerate(forms):
        k = _match(norm, index, pos, f, forms[j + 1] if j + 1 < len(forms) else ())
        if not k:
            return False
        pos += k
    return True


def _find(
    norm: str,
    index: Sequence[int],
    start: int,
    end: int,
    forms: Sequence[tuple[str, ...]],
    i: int,
    ahead: int,
) -> Range | None:
    """First ``(position, length)`` of token ``i`` in ``norm[start:end]`` with the next ``ahead`` tokens
    matching right after it."""
    if not forms[i]:
        return None
    nxt = [f for f in forms[i + 1 : i + 1 + ahead] if f]
    q = norm.find(forms[i][-1], start, end)
    while q >= 0:
        k = _match(norm, index, q, forms[i], nxt[0] if nxt else ())
        if k and _run_matches(norm, index, q + k, nxt):
            return q, k
        q = norm.find(forms[i][-1], q + 1, end)
    return None


def align_tokens(text: str, instances: Sequence[Sequence[str]]) -> list[list[Range | None]]:
    """Character ranges of the tokens of consecutive instances of one article (None = not found).

    After an aligned token, a token is taken in place (right after it), or else a little further on
    (``_WINDOW``) if the next ``_LOOKAHEAD`` tokens confirm it. At an instance's start or after a miss, it is
    searched for anywhere ahead, then anywhere before, confirmed by the next ``_RESYNC`` tokens, and failing
    that taken in place unconfirmed. The misses just before a find are then matched backwards from it."""
    norm, index = normalize_text(text)
    pos = 0
    out: list[list[Range | None]] = []
    for tokens in instances:
        forms = [token_forms(t) for t in tokens]
        found: list[Range | None] = [None] * len(tokens)  # (position, length) in ``norm``
        floor = 0  # end of the instance's last aligned token
        for i in range(len(tokens)):
            k = _match(norm, index, pos, forms[i], forms[i + 1] if i + 1 < len(forms) else ())
            in_place = (pos, k) if k else None
            if i and found[i - 1] is not None:
                hit = in_place
                if hit is None and i + 1 < len(tokens):
                    hit = _find(norm, index, pos, pos + _WINDOW, forms, i, _LOOKAHEAD)
            else:
                hit = (
                    _find(norm, index, pos, len(norm), forms, i, _RESYNC)
                    or _find(norm, index, 0, pos, forms, i, _RESYNC)
                    or in_place
                )
            j, q = i - 1, hit[0] if hit else 0
            while hit and j >= 0 and found[j] is None:
                k = next((len(f) for f in forms[j] if q - len(f) >= floor and norm.endswith(f, 0, q)), 0)
                if not k:
                    break
                q -= k
                found[j] = (q, k)
                j -= 1
            if hit is not None:
                found[i] = hit
                pos = floor = hit[0] + hit[1]
        out.append([None if f is None else (index[f[0]], index[f[0] + f[1] - 1] + 1) for f in found])
    return out


def load_instances(path: Path, text_dir: Path) -> list[Instance]:
    """CofeNet's JSON lines at ``path``, aligned to the articles in ``text_dir``; file order kept."""
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    by_id: dict[str, list[dict]] = {}
    for row in rows:
        by_id.setdefault(row["id"], []).append(row)
    aligned: dict[str, Iterator[list[Range | None]]] = {}
    for ann_id, group in by_id.items():
        text = (Path(text_dir) / f"{_article(ann_id)}.txt").read_text(encoding="utf-8")
        aligned[ann_id] = iter(align_tokens(text, [r["tokens"] for r in group]))
    return [
        Instance(
            r["id"], _article(r["id"]), tuple(r["tokens"]), tuple(r["labels"]), tuple(next(aligned[r["id"]]))
        )
        for r in rows
    ]


def _article(ann_id: str) -> str:
    """``NAME_XXXX`` -> ``NAME``."""
    return ann_id.rsplit("_", 1)[0]


def project(offsets: Sequence[Range | None], spans: Iterable[Labelled]) -> list[str]:
    """BIO tags for tokens at ``offsets``: each takes the innermost span covering more than half of it; a
    span opens with ``B-`` at the first token of each run of tokens it covers."""
    placed = [r for r in offsets if r is not None]
    if not placed:
        return ["O"] * len(offsets)
    lo, hi = placed[0][0], placed[-1][1]
    near = sorted(
        {sp for sp in spans if sp[1] < hi and sp[2] > lo and sp[0] in LABELS},
        key=lambda sp: (sp[2] - sp[1], LABELS.index(sp[0]), sp[1]),
    )
    best: list[Labelled | None] = [None] * len(offsets)
    for t, rng in enumerate(offsets):
        if rng is not None:
            a, b = rng
            best[t] = next((sp for sp in near if 2 * (min(b, sp[2]) - max(a, sp[1])) > b - a), None)
    aligned = [t for t, rng in enumerate(offsets) if rng is not None]
    for left, right in zip(aligned, aligned[1:], strict=False):  # a missing token inside a span takes it
        if right > left + 1 and best[left] == best[right]:
            best[left + 1 : right] = [best[left]] * (right - left - 1)
    # B- opens each run of tokens that take the same span: a content span that the attribution's own cue
    # and source interrupt ("X," she said, "Y") reads as two pieces, as CofeNet labels it.
    return [
        "O" if sp is None else ("I-" if t and best[t - 1] == sp else "B-") + sp[0]
        for t, sp in enumerate(best)
    ]


def tag_spans(labels: Sequence[str]) -> set[tuple[str, int, int]]:
    """``(type, first, end)`` token ranges: a span starts at each ``B-`` tag and runs over the ``I-`` tags
    of its type that follow (CofeNet's ``get_element``); a stray ``I-`` starts nothing."""
    out: set[tuple[str, int, int]] = set()
    cur: tuple[str, int] | None = None
    for i, tag in enumerate([*labels, "O"]):
        if cur is not None and tag == f"I-{cur[0]}":
            continue
        if cur is not None:
            out.add((cur[0], cur[1], i))
            cur = None
        if tag.startswith("B-"):
            cur = (tag[2:], i)
    return out


def score_tags(
    pairs: Iterable[tuple[Sequence[str], Sequence[str]]], into: CofenetScores | None = None
) -> CofenetScores:
    """Add ``(gold tags, predicted tags)`` instances to ``into`` (a fresh :class:`CofenetScores` if None)."""
    scores = into if into is not None else CofenetScores()
    for gold, pred in pairs:
        g, p = tag_spans(gold), tag_spans(pred)
        scores.instances += 1
        for lab in LABELS:
            gl = {s for s in g if s[0] == lab}
            pl = {s for s in p if s[0] == lab}
            c = scores.counts[lab]
            c.gold += len(gl)
            c.pred += len(pl)
            c.exact += len(gl & pl)
    return scores


def labelled(spans: Iterable[Triple | Labelled]) -> list[Labelled]:
    """``(label, start, end)`` spans from a mix of those and ``(source, cue, content)`` triples."""
    out: list[Labelled] = []
    for item in spans:
        if isinstance(item[0], str):
            out.append(item)  # type: ignore[arg-type]
        else:
            out.extend((lab, r[0], r[1]) for lab, r in zip(LABELS, item, strict=True) if r is not None)
    return out


def score_projection(
    instances: Sequence[Instance], spans_by_article: Mapping[str, Iterable[Triple | Labelled]]
) -> CofenetScores:
    """Project each article's spans (keyed by article name, or by annotation id, which wins) onto its
    instances and score them against CofeNet's labels."""
    spans = {k: labelled(v) for k, v in spans_by_article.items()}
    scores = CofenetScores()
    for inst in instances:
        found = spans.get(inst.id, spans.get(inst.article, []))
        score_tags([(inst.labels, project(inst.offsets, found))], scores)
        scores.tokens += len(inst.tokens)
        scores.unaligned += sum(o is None for o in inst.offsets)
    return scores


def ann_pieces(ann: str) -> list[Labelled]:
    """Source/Cue/Content spans of a brat file, each piece of a discontinuous span on its own."""
    out: list[Labelled] = []
    for line in ann.splitlines():
        m = T_LINE.match(line)
        if m and m.group(2) in BRAT_LABELS:
            for part in m.group(3).split(";"):
                start, end = part.split()
                out.append((BRAT_LABELS[m.group(2)], int(start), int(end)))
    return out


def ceiling(instances: Sequence[Instance], ann_dir: Path) -> CofenetScores:
    """The gold ``ann_dir/ID.ann`` spans projected and scored against CofeNet's labels."""
    ids = dict.fromkeys(inst.id for inst in instances)
    gold = {i: ann_pieces((Path(ann_dir) / f"{i}.ann").read_text(encoding="utf-8")) for i in ids}
    return score_projection(instances, gold)


def format_table(columns: Mapping[str, CofenetScores], title: str = "") -> str:
    """Exact-match P/R/F1 per label, one block of columns per named score set, side by side."""
    lines = [title] if title else []
    names = list(columns)
    lines.append(f"{'':<8} " + " | ".join(f"{n[:29]:^29}" for n in names))
    lines.append(
        f"{'label':<8} " + " | ".join(f"{'gold':>5} {'pred':>5} {'P':>5} {'R':>5} {'F1':>5}" for _ in names)
    )
    for lab in LABELS:
        cells = []
        for n in names:
            c = columns[n].counts[lab]
            p, r, f = (100 * x for x in c.prf("exact"))
            cells.append(f"{c.gold:>5} {c.pred:>5} {p:>5.1f} {r:>5.1f} {f:>5.1f}")
        lines.append(f"{lab:<8} " + " | ".join(cells))
    any_scores = next(iter(columns.values()), None)
    if any_scores is not None:
        s = any_scores
        lines.append(
            f"instances={s.instances} tokens={s.tokens} unaligned tokens={s.unaligned} "
            f"({100 * s.unaligned / s.tokens if s.tokens else 0.0:.2f}%)"
        )
    return "\n".join(lines)
