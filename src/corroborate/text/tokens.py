"""spaCy's tokenizer with a bound on hostile input: time linear in the text, offsets exact.

spaCy splits a text at whitespace, then strips prefixes and suffixes off each whitespace-free chunk one
at a time, searching and copying the rest of the chunk each time: a chunk of ``n`` quote marks, brackets
or ``'s`` costs ``O(n^2)`` (16,000 ``"`` took 27 s, 50,000 took 248 s). No language has such chunks,
so :class:`BoundedTokenizer` keeps each *hostile* chunk whole, as one token:

* a whitespace-free chunk longer than :data:`MAX_CHUNK_CHARS` characters, or
* one holding a run of :data:`MAX_SYMBOL_RUN` or more symbols (neither letters, digits nor whitespace),
* or :data:`MAX_SYMBOL_RUN` or more chunks of symbols only, spaced out on one line (``" " " "``: one
  token each to spaCy, as slow to parse as words), together.

The rest of the text is tokenized exactly as before, token attributes included: the hostile chunks are
swapped for a short placeholder that spaCy keeps as one token, and the doc is rebuilt with
the original text, so every character offset is the text's own. A text without hostile chunks (any
ordinary article) goes to spaCy's tokenizer untouched. A lone surrogate, which spaCy cannot hash, is
read as U+FFFD (the doc's text then differs from the text there, at the same offsets).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Any

MAX_CHUNK_CHARS = 256  # longer than any word or URL in the news we read (the longest seen: 220)
MAX_SYMBOL_RUN = 32  # ruled lines ("-----") are one token either way; quote runs stop costing n^2

_SYMBOL = r"(?:[^\w\s]|_)"  # neither a letter, a digit nor whitespace
_SYMBOL_RUN = re.compile(rf"{_SYMBOL}{{{MAX_SYMBOL_RUN},}}")
# Chunks of symbols only, spaced out on one line ('" " " "': one token each to spaCy, as costly to parse
# as words); whole chunks, so that the words around them keep their tokens.
_SPACED_SYMBOLS = re.compile(rf"(?<!\S){_SYMBOL}++(?:[ \t\xa0]++{_SYMBOL}++){{{MAX_SYMBOL_RUN - 1},}}(?!\S)")
_LONG_CHUNK = re.compile(rf"(?<!\S)\S{{{MAX_CHUNK_CHARS + 1},}}")  # tried at chunk starts only
_CHUNK_TAIL = re.compile(rf"\S{{0,{MAX_CHUNK_CHARS + 1}}}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_PLACEHOLDER = "xxxxxxxx"  # one token to spaCy (no prefix, suffix, infix or special case); a chunk of its own


def scrub_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (``"\\ud800"`` from JSON) as U+FFFD: spaCy hashes every token as
    UTF-8, which has no surrogates. One character for one, so offsets stay the same."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def blank_hostile(text: str, keep: int = 1) -> str:
    """``text`` with each hostile stretch (:func:`hostile_chunks`) blanked after its first ``keep``
    characters. ``keep=1``: what a wordpiece tokenizer should read, so that a run of ``n`` symbols costs
    one wordpiece, not ``n``, while the token spaCy made of it still has one; ``keep=0``: what pattern
    searches should read. Same length, offsets unchanged."""
    chunks = hostile_chunks(text)
    if not chunks:
        return text
    parts, last = [], 0
    for start, end in chunks:
        parts += [text[last : start + keep], " " * (end - start - keep)]
        last = end
    parts.append(text[last:])
    return "".join(parts)


class Squeezed:
    """``text`` with each hostile stretch replaced by a paragraph break, for pattern searches that would
    otherwise scan megabytes of nothing (``.text``), and the offset maps between the two."""

    PLACE = "\n\n"

    def __init__(self, text: str) -> None:
        parts: list[str] = []
        self._squeezed: list[int] = []  # where each kept segment starts in .text
        self._original: list[int] = []  # ... and in the original text
        self._length: list[int] = []
        last = at = 0
        for start, end in (*hostile_chunks(text), (len(text), len(text))):
            parts.append(text[last:start])
            self._squeezed.append(at)
            self._original.append(last)
            self._length.append(start - last)
            at += start - last
            if end > start:
                parts.append(self.PLACE)
                at += len(self.PLACE)
            last = end
        self.text = "".join(parts)

    def original(self, pos: int) -> int:
        """An offset in ``.text`` as an offset in the original text (a placeholder maps to its start)."""
        i = bisect_right(self._squeezed, pos) - 1
        return self._original[i] + min(pos - self._squeezed[i], self._length[i])

    def squeezed(self, pos: int) -> int:
        """An offset in the original text as one in ``.text`` (inside a stretch: its placeholder)."""
        i = bisect_right(self._original, pos) - 1
        return self._squeezed[i] + min(pos - self._original[i], self._length[i])


def hostile_chunks(text: str) -> tuple[tuple[int, int], ...]:
    """``(start, end)`` of each stretch of ``text`` kept as one token: whole whitespace-free chunks, or
    runs of whole symbol-only chunks. Sorted, disjoint; linear time (and computed once per text: the
    tokenizer, the encoder and the pattern searches all ask)."""
    if len(text) < MAX_SYMBOL_RUN:
        return ()
    return _hostile_chunks(text)


@lru_cache(maxsize=4)
def _hostile_chunks(text: str) -> tuple[tuple[int, int], ...]:
    found = [m.span() for m in _LONG_CHUNK.finditer(text)]
    found += [m.span() for m in _SPACED_SYMBOLS.finditer(text)]
    for match in _SYMBOL_RUN.finditer(text):
        start, end = match.span()
        # Widen to whole chunks; a walk longer than MAX_CHUNK_CHARS is inside a long chunk found above.
        floor = max(0, start - MAX_CHUNK_CHARS - 1)
        while start > floor and not text[start - 1].isspace():
            start -= 1
        end = _CHUNK_TAIL.match(text, end).end()
        found.append((start, end))
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


class BoundedTokenizer:
    """Wraps a spaCy ``Tokenizer``; called with a text, returns its ``Doc`` (see the module doc).

    Everything else (``explain``, ``vocab``, serialisation...) is the wrapped tokenizer's."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __call__(self, text: str):  # -> spacy.tokens.Doc
        text = scrub_surrogates(text)
        chunks = hostile_chunks(text)
        if not chunks:
            return self.inner(text)
        from spacy.attrs import NORM
        from spacy.tokens import Doc

        parts, originals, last, at = [], {}, 0, 0
        for start, end in chunks:
            parts.append(text[last:start])
            at += start - last
            originals[at] = text[start:end]  # where its placeholder starts in the masked text
            parts.append(_PLACEHOLDER)
            at += len(_PLACEHOLDER)
            last = end
        parts.append(text[last:])
        masked = self.inner("".join(parts))
        norms = masked.to_array([NORM])  # special cases' norms ("n't": "not"); 0 where none was set
        words = []
        for i, token in enumerate(masked):
            original = originals.get(token.idx)
            if original is None:
                words.append(token.text)
            else:
                words.append(original)
                norms[i] = 0  # the chunk's own lexeme norm, not the placeholder's
        doc = Doc(masked.vocab, words=words, spaces=[bool(token.whitespace_) for token in masked])
        doc.from_array([NORM], norms)
        if len(doc.text) != len(text):  # a placeholder was split after all: never expected
            raise ValueError("BoundedTokenizer: the rebuilt doc does not match the text")
        return doc

    def __getattr__(self, name: str) -> Any:
        if name == "inner":  # not set yet (unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.inner, name)
