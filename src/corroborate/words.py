"""Word sets: the small vocabularies the stages write as one space-separated string."""

from __future__ import annotations

__all__ = ["word_set"]


def word_set(words: str) -> frozenset[str]:
    """The whitespace-separated words of ``words`` as a set ("a an the" -> {"a", "an", "the"})."""
    return frozenset(words.split())
