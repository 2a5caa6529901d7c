"""The types the corroboration modules share: a story's member articles, a claim's sources, a claim.

:mod:`corroborate.corroboration.relay`, :mod:`~corroborate.corroboration.sources` and
:mod:`~corroborate.corroboration.predictions` read them; :mod:`~corroborate.corroboration.build`
makes them into a :class:`~corroborate.corroboration.build.StoryReport`.
"""

from __future__ import annotations

from dataclasses import dataclass

from corroborate.corroboration.claims import Mention
from corroborate.types import Analysis

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
    (``text`` is then the outlet name). ``key`` identifies independent sources."""

    article_id: int
    text: str
    kind: str
    named: bool
    via: str | None
    certainty: str
    role: str  # "asserts" | "hedges" | "denies" | "withholds"
    start: int
    end: int
    field: str = "text"
    own_voice: bool = False
    key: str = ""

    @property
    def backs(self) -> bool:
        """Puts its weight behind the claim (an outlet hedging in its own voice does not)."""
        return self.role == "asserts" or (self.role == "hedges" and not self.own_voice)

    @property
    def on_record(self) -> bool:
        """A named person, organisation or identified document (outlets relay; they are not on record)."""
        return self.named and not self.own_voice and self.kind in ("person", "organization", "document")

    def to_dict(self) -> dict:
        return {
            "article_id": self.article_id,
            "text": self.text,
            "kind": self.kind,
            "named": self.named,
            "via": self.via,
            "certainty": self.certainty,
            "role": self.role,
            "own_voice": self.own_voice,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "independent_key": self.key,
        }


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    text: str
    kind: str
    mentions: tuple[Mention, ...]
    sources: tuple[ClaimSource, ...]
    stances: tuple[tuple[int, str], ...]  # (article id, stance), every member
    stance_basis: tuple[
        tuple[int, str], ...
    ]  # (article id, "own_voice"|"attribution"|"denial"|"model"|"none")
    status: str
    sourcing: str
    outlets: int
    counts: tuple[tuple[str, int], ...]
    summary: str

    def stance_of(self, article_id: int) -> str:
        return dict(self.stances).get(article_id, "unrelated")

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "text": self.text,
            "kind": self.kind,
            "status": self.status,
            "sourcing": self.sourcing,
            "outlets": self.outlets,
            "summary": self.summary,
            "counts": dict(self.counts),
            "mentions": [m.to_dict() for m in self.mentions],
            "sources": [s.to_dict() for s in self.sources],
            "stances": {str(a): s for a, s in self.stances},
            "stance_basis": {str(a): b for a, b in self.stance_basis},
        }
