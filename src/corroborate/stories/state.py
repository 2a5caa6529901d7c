"""One story's state in the index (:class:`StoryState`): what is kept per story, never per article.

* ``ids``/``weights``: the story's heaviest keys (interned ids, the channel in the low 2 bits, sorted)
  and the sums of its members' weights for them (float32), pruned to a fixed number of keys.
* ``emb``/``emb_norm``: the sum of the members' unit embeddings as an int8 direction (x127) and the
  sum's length, so a story costs 384 bytes of embedding whatever its size.
* ``posted``: the keys it is listed under in the inverted index (its heaviest keys, as they were).
* dates, size, archive tier.

:meth:`StoryState.to_row` / :meth:`StoryState.from_row` are the stored form (``story_index`` table,
migration 0004): the arrays as little-endian bytes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from corroborate.stories.features import EMBED_SCALE

NO_IDS = np.zeros(0, dtype=np.int32)


def _norms(ids: np.ndarray, weights: np.ndarray) -> tuple[float, float, float]:
    sq = np.bincount(ids & 3, weights=weights.astype(np.float64) ** 2, minlength=3)
    return (float(np.sqrt(sq[0])), float(np.sqrt(sq[1])), float(np.sqrt(sq[2])))


@dataclass(slots=True, eq=False)
class StoryState:
    id: str
    seq: int
    first: date | None = None
    last: date | None = None
    size: int = 0
    archived: bool = False
    ids: np.ndarray = field(default_factory=lambda: NO_IDS)
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    norms: tuple[float, float, float] = (0.0, 0.0, 0.0)
    emb: np.ndarray | None = None  # int8 direction of the embedding sum
    emb_norm: float = 0.0
    posted: np.ndarray = field(default_factory=lambda: NO_IDS)  # key ids it is posted under

    @classmethod
    def empty(cls, story_id: str, seq: int) -> StoryState:
        return cls(story_id, seq)

    def merge(self, ids: np.ndarray, weights: np.ndarray, keep: int) -> None:
        """Add an article's vector to the sums, keeping the ``keep`` heaviest keys (ties: lower id)."""
        if not len(ids):
            return
        every = np.concatenate([self.ids, ids])
        found, inverse = np.unique(every, return_inverse=True)
        sums = np.bincount(inverse, weights=np.concatenate([self.weights, weights])).astype(np.float32)
        if len(found) > keep:
            chosen = np.sort(np.lexsort((found, -sums))[:keep])
            found, sums = found[chosen], sums[chosen]
        self.ids, self.weights = found, sums
        self.norms = _norms(found, sums)

    def new_index_terms(self, n: int) -> list[int]:
        """The story's ``n`` heaviest keys that it is not posted under yet (they are then posted)."""
        if not len(self.ids):
            return []
        top = self.ids[np.lexsort((self.ids, -self.weights))[:n]]
        fresh = np.setdiff1d(top, self.posted, assume_unique=True)
        if len(fresh):
            self.posted = np.union1d(self.posted, fresh)
        return [int(t) for t in fresh]

    def add_embedding(self, e: np.ndarray) -> None:
        total = e if self.emb is None else self.emb.astype(np.float32) * (self.emb_norm / EMBED_SCALE) + e
        n = float(np.linalg.norm(total))
        if n:
            self.emb = np.clip(np.rint(total / n * EMBED_SCALE), -127, 127).astype(np.int8)
            self.emb_norm = n

    def embedding_cosine(self, e: np.ndarray) -> float:
        d = self.emb.astype(np.float32)
        n = math.sqrt(float(d @ d))
        return float(e @ d) / n if n else 0.0

    def to_row(self) -> dict:
        return {
            "story_id": self.id,
            "seq": self.seq,
            "first_published": self.first,
            "last_published": self.last,
            "size": self.size,
            "archived": self.archived,
            "terms": self.ids.astype("<i4").tobytes(),
            "posted": self.posted.astype("<i4").tobytes(),
            "weights": self.weights.astype("<f4").tobytes(),
            "embedding": None if self.emb is None else self.emb.tobytes(),
            "embedding_norm": self.emb_norm,
        }

    @classmethod
    def from_row(cls, row) -> StoryState:
        ids = np.frombuffer(row.terms, dtype="<i4").astype(np.int32)
        weights = np.frombuffer(row.weights, dtype="<f4").astype(np.float32)
        emb = None if row.embedding is None else np.frombuffer(row.embedding, dtype=np.int8).copy()
        return cls(
            id=row.story_id,
            seq=int(row.seq),
            first=row.first_published,
            last=row.last_published,
            size=int(row.size),
            archived=bool(row.archived),
            ids=ids,
            weights=weights,
            norms=_norms(ids, weights),
            emb=emb,
            emb_norm=float(row.embedding_norm or 0.0),
            posted=np.frombuffer(row.posted, dtype="<i4").astype(np.int32),
        )
