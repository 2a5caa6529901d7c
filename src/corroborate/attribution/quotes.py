"""Quotations found on the text itself, and document helpers shared by the attribution modules.

``quote_spans`` finds quotations in the raw text, so that direct speech, multi-sentence quotes and
quotations that run on into the next paragraph are recognised whatever the parser made of them;
:class:`Quotations` answers neighbourhood look-ups ("the quotation ending just before this cue");
``continuations`` finds quotation paragraphs that carry on a directly quoted statement.

The document helpers (``doc_text``, ``doc_tokens``, ``span_root``) cache per-document data in
``doc.user_data`` as plain values, so that documents stay serialisable.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from corroborate.text.tokens import Squeezed, hostile_chunks
from corroborate.types import Span

# --------------------------------------------------------------------------- document helpers


def doc_text(doc) -> str:
    """``doc.text``, built once per document (spaCy rebuilds it from the tokens on every access)."""
    text = doc.user_data.get("corroborate_text")
    if text is None:
        text = doc.text
        doc.user_data["corroborate_text"] = text
    return text


def doc_tokens(doc, span: Span | None):
    """The tokens a character span touches (expanded to token boundaries), or None."""
    if span is None:
        return None
    start, end = max(0, span.start), min(len(doc_text(doc)), span.end)
    if end <= start:
        return None
    toks = doc.char_span(start, end, alignment_mode="expand")
    if toks is None or len(toks) == 0:
        return None
    return toks


def span_root(toks):
    """The head of a token span: the first token whose syntactic head lies outside the span."""
    lo, hi = toks.start, toks.end
    for t in toks:
        if not (lo <= t.head.i < hi) or t.head.i == t.i:
            if t.is_punct and len(toks) > 1:
                continue
            return t
    return toks[0]


# --------------------------------------------------------------------------- quotations

_DOUBLE_OPEN = '\u201c"\u00ab'
_DOUBLE_CLOSE = '\u201d"\u00bb'
_SINGLE_OPEN = "\u2018'"
_SINGLE_CLOSE = "\u2019'"
_MARK_OR_NEWLINE = re.compile(
    "[\n" + re.escape(_DOUBLE_OPEN + _DOUBLE_CLOSE + _SINGLE_OPEN + _SINGLE_CLOSE) + "]"
)
_BOUNDARY_BEFORE = ' \t([{\u2014\u2013-/:;,\u201c"'


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start + 1 and text[end - 1] in " \t\r":
        end -= 1
    return end


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Quotations in ``text`` as sorted ``(start, end)`` character ranges, quote marks included.

    Double quotes (curly, straight, or two apostrophes as some archives write them) and single quotes
    (curly or straight, the British style) are recognised; a curly opening mark may be closed by a
    straight one and vice versa. While a quotation is open only a closing mark of its own family counts,
    so quotes nested in quotes stay inside. A single quote must open at a word start and close at a word
    end (so apostrophes are not quotes); an unclosed double quote runs to the end of its paragraph (the
    newswire convention for quotations that go on in the next paragraph); an unclosed single quote is
    dropped.
    """
    if hostile_chunks(text):  # a 5 MB run of quote marks holds no quotation: search around it
        squeezed = Squeezed(text)
        at = squeezed.original
        return [(at(s), at(e)) for s, e in quote_spans(squeezed.text)]
    spans: list[tuple[int, int]] = []
    n = len(text)
    open_at = -1
    double = False
    i = 0
    while i < n:
        found = _MARK_OR_NEWLINE.search(text, i)  # every other character changes nothing below
        if found is None:
            break
        i = found.start()
        ch = text[i]
        if ch == "\n":
            if open_at >= 0 and double:
                spans.append((open_at, _trim_end(text, open_at, i)))
            open_at = -1
            i += 1
            continue
        pair = ch == "'" and i + 1 < n and text[i + 1] == "'"
        prev = text[i - 1] if i > 0 else " "
        if open_at >= 0:
            if double and (ch in _DOUBLE_CLOSE or pair):
                spans.append((open_at, i + (2 if pair else 1)))
                open_at = -1
                i += 2 if pair else 1
                continue
            if not double and ch in _SINGLE_CLOSE:
                nxt = text[i + 1] if i + 1 < n else " "
                if not (nxt.isalnum() or prev.isspace()):  # else an apostrophe: "don't", "Tesla's"
                    spans.append((open_at, i + 1))
                    open_at = -1
            i += 1
            continue
        at_boundary = i == 0 or prev.isspace() or prev in _BOUNDARY_BEFORE
        if pair:
            nxt = text[i + 2] if i + 2 < n else " "
            if at_boundary and not nxt.isspace():
                open_at, double = i, True
            i += 2
            continue
        nxt = text[i + 1] if i + 1 < n else " "
        if ch in _DOUBLE_OPEN:
            if not (ch == '"' and nxt.isspace() and not at_boundary):  # else a stray closing mark
                open_at, double = i, True
        elif ch in _SINGLE_OPEN and at_boundary and (nxt.isalnum() or nxt in ".\u2026"):
            open_at, double = i, False
        i += 1
    if open_at >= 0 and double:
        spans.append((open_at, _trim_end(text, open_at, n)))
    return spans


OPEN_QUOTES = "“‘\"'«"
CLOSE_QUOTES = "”’\"'»"
_GAP_BEFORE = re.compile(r"[\s,;:\-–—]*")
_GAP_AFTER = re.compile(r"[\s,;:\-–—]*")
_GAP_CONTINUE = re.compile(r"[ \t]*[.!?]?[ \t]*|[ \t.!?]*(?:\r?\n[ \t]*){1,3}")


class Quotations:
    """Quotations of one document, with neighbourhood look-ups by character offset."""

    def __init__(self, text: str, spans: list[tuple[int, int]] | None = None) -> None:
        self.text = text
        self.spans = quote_spans(text) if spans is None else spans
        self.starts = [s for s, _ in self.spans]
        self.ends = sorted((e, s) for s, e in self.spans)

    def inside(self, pos: int) -> tuple[int, int] | None:
        """The quotation that strictly contains character ``pos`` (not its quote marks), if any."""
        i = bisect_left(self.spans, (pos + 1, -1)) - 1
        if i >= 0 and self.spans[i][0] < pos < self.spans[i][1] - 1:
            return self.spans[i]
        return None

    def ending_before(self, pos: int) -> tuple[int, int] | None:
        """The quotation that ends just before ``pos`` with only punctuation/space between."""
        i = bisect_left(self.ends, (pos + 1, -1)) - 1
        if i < 0:
            return None
        end, start = self.ends[i]
        gap = self.text[end:pos]
        return (start, end) if "\n" not in gap and _GAP_BEFORE.fullmatch(gap) else None

    def starting_after(self, pos: int, pattern: re.Pattern = _GAP_AFTER) -> tuple[int, int] | None:
        i = bisect_left(self.starts, pos)
        if i >= len(self.spans):
            return None
        start, end = self.spans[i]
        gap = self.text[pos:start]
        return (start, end) if "\n" not in gap and pattern.fullmatch(gap) else None

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """Grow ``[start, end)`` to cover every quotation it overlaps."""
        i = max(0, bisect_left(self.starts, start) - 1)
        while i < len(self.spans) and self.spans[i][0] < end:
            qs, qe = self.spans[i]
            if qe > start:
                start, end = min(start, qs), max(end, qe)
            i += 1
        return start, end


def quotations(doc) -> Quotations:
    """The quotations of ``doc``, found once per document (cached as plain data in ``doc.user_data`` so
    that the document stays serialisable)."""
    text = doc_text(doc)
    spans = doc.user_data.get("corroborate_quotes")
    if spans is None:
        spans = quote_spans(text)
        doc.user_data["corroborate_quotes"] = spans
    return Quotations(text, spans)


def is_quotation(text: str, content: tuple[int, int]) -> bool:
    return text[content[0]] in OPEN_QUOTES and text[content[1] - 1] in CLOSE_QUOTES


def is_direct(content: Span | None) -> bool:
    """A direct quote: the content starts and ends with a quote mark."""
    if content is None:
        return False
    text = content.text.strip()
    return len(text) >= 2 and text[0] in OPEN_QUOTES and text[-1] in CLOSE_QUOTES


def in_paragraph(text: str, pos: int, rng: tuple[int, int]) -> tuple[int, int] | None:
    """Clip a content range to the paragraph holding character ``pos`` (the cue)."""
    start, end = rng
    para_start = text.rfind("\n", 0, pos) + 1
    para_end = text.find("\n", pos)
    if para_end < 0:
        para_end = len(text)
    start, end = max(start, para_start), min(end, para_end)
    while start < end and (text[start].isspace() or text[start] in ",;:-–—"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:-–—."):
        end -= 1
    return (start, end) if end > start else None


def continuations(
    text: str, quotes: Quotations, covered: list[tuple[int, int]], directs: list[tuple[int, int]]
) -> list[tuple[int, tuple[int, int]]]:
    """Quotations that carry on a directly quoted statement: the next sentence of its paragraph, or a
    following paragraph made only of a quotation, with no reporting clause of their own.

    ``covered`` are the contents already attributed; ``directs`` are ``(end, index)`` pairs, where the
    index-th statement is a direct quote whose reporting clause ends at ``end``. Returns
    ``(index, quotation)`` pairs: the quotation goes on what the index-th statement's source said.
    """
    covered = sorted(covered)
    cov_starts = [c[0] for c in covered]
    directs = sorted(directs)
    extra: list[tuple[int, tuple[int, int]]] = []
    k = 0
    current = -1
    current_end = -1
    for q in quotes.spans:
        while k < len(directs) and directs[k][0] <= q[0]:
            current_end, current = directs[k]
            k += 1
        if current < 0:
            continue
        i = bisect_left(cov_starts, q[1]) - 1
        if i >= 0 and covered[i][1] > q[0]:
            continue  # already the content of some statement
        gap = text[current_end : q[0]]
        if not _GAP_CONTINUE.fullmatch(gap):
            continue
        if "\n" in gap:  # a new paragraph must be one quotation
            line_end = text.find("\n", q[1])
            if text[q[1] : len(text) if line_end < 0 else line_end].strip(" \t\r.!?"):
                continue
        extra.append((current, q))
        current_end = q[1]
    return extra
