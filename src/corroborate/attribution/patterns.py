"""Span helpers of the rule-based extractor, and its patterns that do not hang on a reporting verb.

Token-range helpers (noun phrases without their clauses, contents trimmed of "that" and punctuation)
are shared with :mod:`corroborate.attribution.rules`. The patterns here are "according to X", hearsay
adverbs ("the singer is reportedly planning …") and the re-reading of verbless sentences whose
reporting verb the parser took for a noun ("Sources close to the prince claim he has …").
"""

from __future__ import annotations

from corroborate.attribution.quotes import CLOSE_QUOTES, OPEN_QUOTES, Quotations, doc_text, in_paragraph
from corroborate.words import word_set

_NP_EXCLUDE = frozenset({"relcl", "acl", "advcl"})
_LEAD_STRIP = frozenset({",", ";", ":", "-", "–", "—", "and", "but", "so"})


# --------------------------------------------------------------------------- helpers


def char_range(doc, first: int, last: int) -> tuple[int, int]:
    """Character range of tokens ``first..last`` inclusive."""
    return doc[first].idx, doc[last].idx + len(doc[last].text)


def _np_right(tok) -> int:
    right = tok.i
    for c in tok.rights:
        if c.dep_ in _NP_EXCLUDE:
            break  # what follows a relative/participial clause is not part of the name
        right = max(right, _np_right(c))
    return right


def noun_phrase(doc, tok) -> tuple[int, int]:
    """Token range (inclusive) of the noun phrase headed by ``tok``, trimmed of clauses and punctuation."""
    first, last = tok.left_edge.i, _np_right(tok)
    while first < last and (doc[first].is_punct or doc[first].dep_ in ("cc", "preconj")):
        first += 1
    while last > first and doc[last].is_punct:
        last -= 1
    return first, last


def trim_content(doc, first: int, last: int) -> tuple[int, int] | None:
    """Drop "that", leading conjunctions/punctuation and trailing punctuation other than quote marks."""
    while first <= last and (
        doc[first].is_space
        or (doc[first].lower_ in ("that", "whether", "if") and doc[first].dep_ == "mark")
        or (doc[first].is_punct and doc[first].text not in OPEN_QUOTES)
        or (doc[first].lower_ in _LEAD_STRIP and doc[first].dep_ in ("cc", "punct"))
    ):
        first += 1
    while last >= first and (
        doc[last].is_space
        or doc[last].is_punct
        and doc[last].text not in CLOSE_QUOTES
        and doc[last].text != "…"
    ):
        last -= 1
    if last < first:
        return None
    return first, last


class Found:
    __slots__ = ("source", "cue", "content", "tail")

    def __init__(self, source, cue, content, tail: int | None = None) -> None:
        self.source: tuple[int, int] | None = source  # char ranges
        self.cue: tuple[int, int] = cue
        self.content: tuple[int, int] = content
        # where the reporting clause ends (after its source and any "told the Post")
        self.tail: int = max(cue[1], source[1] if source else 0) if tail is None else tail


# --------------------------------------------------------------------------- patterns without a verb


def according_rule(doc, tok, quotes: Quotations) -> Found | None:
    to = next((c for c in tok.children if c.lower_ == "to"), None)
    if to is None:
        return None
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    s_first, s_last = noun_phrase(doc, pobj)
    phrase_first, phrase_last = tok.i, max(s_last, tok.right_edge.i)
    head = tok.head if tok.head.i != tok.i else None
    if head is None:
        return None
    c_first, c_last = head.left_edge.i, head.right_edge.i
    sent = tok.sent
    c_first, c_last = max(c_first, sent.start), min(c_last, sent.end - 1)
    text = doc_text(doc)
    para_start = text.rfind("\n", 0, tok.idx) + 1
    para_end = text.find("\n", tok.idx)
    para_end = len(text) if para_end < 0 else para_end
    while c_first < tok.i and doc[c_first].idx < para_start:
        c_first += 1
    while c_last > phrase_last and doc[c_last].idx >= para_end:
        c_last -= 1
    if phrase_first <= c_first:
        rng = trim_content(doc, phrase_last + 1, c_last)
    elif phrase_last >= c_last - 1:
        rng = trim_content(doc, c_first, phrase_first - 1)
    else:
        rng = trim_content(doc, c_first, c_last)
    if rng is None:
        return None
    content = in_paragraph(doc_text(doc), tok.idx, quotes.snap(*char_range(doc, *rng)))
    if content is None:
        return None
    return Found(char_range(doc, s_first, s_last), char_range(doc, tok.i, to.i), content)


def adverb_rule(doc, tok, quotes: Quotations) -> Found | None:
    verb = tok.head
    if verb.i == tok.i or verb.pos_ not in ("VERB", "AUX", "ADJ"):
        return None
    first = verb.i
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass", "expl", "aux", "auxpass", "neg", "advmod") and c.i < verb.i:
            first = min(first, c.left_edge.i)
    last = verb.i
    for c in verb.rights:
        if c.dep_ == "conj" and any(g.dep_.startswith("nsubj") for g in c.children):
            break
        if c.dep_ in ("cc",) and any(
            s.dep_ == "conj" and any(g.dep_.startswith("nsubj") for g in s.children) for s in verb.rights
        ):
            break
        last = max(last, c.right_edge.i)
    rng = trim_content(doc, first, last)
    if rng is None:
        return None
    content = in_paragraph(doc_text(doc), tok.idx, quotes.snap(*char_range(doc, *rng)))
    return None if content is None else Found(None, char_range(doc, tok.i, tok.i), content)


_RESCUE_WORDS = word_set(
    "claim claims say says warn warns insist insists argue argues believe believes suggest "
    "suggests fear fears report reports"
)
_CLAUSE_OPENERS = word_set("he she they it we i that the a an this these those there")


def verbless_rule(doc, sent, quotes: Quotations) -> Found | None:
    """The small model sometimes tags a reporting verb as a noun and leaves a sentence without a verb
    ("Sources close to the prince claim he has ..."): the noun-rooted sentence is re-read as
    ``SOURCE cue CONTENT`` around the first reporting word followed by the start of a clause."""
    for tok in sent:
        if tok.i == sent.start or tok.lower_ not in _RESCUE_WORDS or tok.pos_ == "VERB":
            continue
        nxt = doc[tok.i + 1] if tok.i + 1 < sent.end else None
        if nxt is None or nxt.lower_ not in _CLAUSE_OPENERS or quotes.inside(tok.idx) is not None:
            continue
        src = trim_content(doc, sent.start, tok.i - 1)
        body = trim_content(doc, tok.i + 1, sent.end - 1)
        if src is None or body is None or doc[src[0]].pos_ not in ("NOUN", "PROPN", "DET", "NUM", "ADJ"):
            return None
        content = in_paragraph(doc_text(doc), tok.idx, quotes.snap(*char_range(doc, *body)))
        if content is None:
            return None
        return Found(char_range(doc, *src), char_range(doc, tok.i, tok.i), content)
    return None
