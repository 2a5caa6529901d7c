"""The types the corroboration modules share: a story's member articles, a claim's sources, a claim.

:mod:`corroborate.corroboration.relay`, :mod:`~corroborate.corroboration.sources` and
:mod:`~corroborate.corroboration.predictions` read them; :mod:`~corroborate.corroboration.build`
makes them into a :class:`~corroborate.corroboration.build.StoryReport`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from corroborate.corroboration.claims import Mention
from corroborate.types import Analysis, Entity, as_mapping

__all__ = ["Claim", "ClaimSource", "StoryMember"]


@dataclass(frozen=True, slots=True)
class StoryMember:
    """One article of a story: its store id, analysis and the id of the article it copies, if any."""

    article_id: int
    analysis: Analysis
    copy_of: int | None = None


@dataclass(frozen=True, slots=True)
class ClaimSource:
    """One source of a claim in one article. ``own_voice``: the article's outlet states it itself
    (``text`` is then the outlet name). ``independent_key`` identifies independent sources."""

    article_id: int
    text: str
    kind: str
    named: bool
    via: str | None
    certainty: str
    role: str  # "asserts" | "hedges" | "denies" | "withholds"
    own_voice: bool
    field: str  # "title" | "text": ``start``/``end`` index it
    start: int
    end: int
    independent_key: str = ""
    source_entity: Entity | None = None  # the named person or body the source is (attribution.speakers)

    @property
    def backs(self) -> bool:
        """Puts its weight behind the claim (an outlet hedging in its own voice does not)."""
        return self.role == "asserts" or (self.role == "hedges" and not self.own_voice)

    @property
    def on_record(self) -> bool:
        """A named person, organisation or identified document (outlets relay; they are not on record)."""
        return self.named and not self.own_voice and self.kind in ("person", "organization", "document")


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    text: str
    kind: str
    status: str
    sourcing: str
    outlets: int
    summary: str
    counts: tuple[tuple[str, int], ...] = field(metadata=as_mapping)
    mentions: tuple[Mention, ...]
    sources: tuple[ClaimSource, ...]
    stances: tuple[tuple[int, str], ...] = field(metadata=as_mapping)  # (article id, stance), every member
    stance_basis: tuple[tuple[int, str], ...] = field(
        metadata=as_mapping
    )  # (article id, "own_voice"|"attribution"|"denial"|"model"|"none")

    def stance_of(self, article_id: int) -> str:
        return dict(self.stances).get(article_id, "unrelated")
