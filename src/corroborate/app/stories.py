"""Stories as the user sees them: the store's membership plus the pure story stages.

This is the layer the CLI, the web pages and the JSON API share: list and load stories,
and per-outlet sourcing statistics.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from corroborate.corroboration.build import build_story
from corroborate.corroboration.entities import entity_keys
from corroborate.corroboration.model import StoryMember
from corroborate.corroboration.relay import relay_edges
from corroborate.store import stories as store_stories
from corroborate.store.articles import Store
from corroborate.store.rows import chunks
from corroborate.types import ANONYMOUS_KINDS, Article, as_objects, to_json

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StorySummary:
    id: str
    title: str | None
    first_published: date | None
    last_published: date | None
    articles: int
    outlets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OutletStats:
    """One outlet's sourcing; ``anonymous_share`` (of its attributions) is computed, not passed."""

    outlet: str
    articles: int
    attributions: int
    anonymous: int
    anonymous_share: float | None = field(init=False, repr=False, compare=False)
    # outlets this one relays, and outlets relaying this one, with counts
    relays: tuple[tuple[str, int], ...] = field(metadata=as_objects("outlet", "count"))
    relayed_by: tuple[tuple[str, int], ...] = field(metadata=as_objects("outlet", "count"))
    named_sources: int = 0  # distinct named people and bodies (source_entity) across its articles

    def __post_init__(self) -> None:
        share = self.anonymous / self.attributions if self.attributions else None
        object.__setattr__(self, "anonymous_share", share)


# --------------------------------------------------------------------------- stories


def list_stories(
    store: Store,
    *,
    q: str | None = None,
    outlet: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = 50,
    offset: int = 0,
) -> tuple[list[StorySummary], int]:
    """One page of stories, newest first (by last published date, then id), and the total."""
    rows, total = store_stories.list_story_rows(
        store, q=q, outlet=outlet, since=since, until=until, limit=limit, offset=offset
    )
    return [StorySummary(**row) for row in rows], total


def stance_function() -> Callable[[Sequence[tuple[str, str]]], list[str]] | None:
    """The trained stance model's ``predict_stances``, or None when it cannot be loaded."""
    return _stance_function()


@lru_cache(maxsize=1)
def _stance_function():
    try:
        from corroborate.corroboration.stance import predict_stances

        predict_stances([("a claim", "a text")])
    except Exception as exc:  # the story still builds from the attribution rules alone
        log.warning("stance model unavailable, using attribution rules only: %s", exc)
        return None
    return predict_stances


def members(store: Store, story_id: str) -> list:
    """The story's :class:`corroborate.corroboration.build.StoryMember`s, in published order."""
    rows = store_stories.story_members(store, story_id)
    loaded = dict(store.load_many([article_id for article_id, _ in rows])) if rows else {}
    return [
        StoryMember(article_id=article_id, analysis=loaded[article_id], copy_of=copy_of)
        for article_id, copy_of in rows
        if article_id in loaded
    ]


def load_story(store: Store, story_id: str, *, today: date | None = None, stance: bool = True):
    """The full :class:`corroborate.corroboration.build.StoryReport` of one story (NotFound if none)."""
    return build_story(
        story_id, members(store, story_id), stance=stance_function() if stance else None, today=today
    )


@dataclass(frozen=True)
class StoryBuild:
    """One story built once: the report, its JSON (never changed in place by readers) and the member
    articles (for excerpts), as of ``version`` (``store.stories.story_version``)."""

    version: tuple
    report: object  # corroboration.build.StoryReport
    json: dict
    texts: dict[int, Article]


class StoryCache:
    """Story builds kept between requests: each is computed once per change of its story, not once per
    request. A request checks the story's version (one small read) and builds only when it moved; two
    requests for the same story while it builds wait for that one build. Holds at most ``size`` stories,
    least recently used out first. Safe to share between threads."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self.builds = 0  # how many builds were computed (for tests and benchmarks)
        self._entries: OrderedDict[str, StoryBuild] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[str, threading.Lock] = {}

    def get(self, store: Store, story_id: str) -> StoryBuild:
        """The build of ``story_id`` as the store has it now (NotFound if there is no such story)."""
        version = store_stories.story_version(store, story_id)
        with self._lock:
            entry = self._fresh(story_id, version)
            if entry is not None:
                return entry
            building = self._building.setdefault(story_id, threading.Lock())
        with building:
            with self._lock:
                entry = self._fresh(story_id, version)
            if entry is not None:
                return entry
            found = members(store, story_id)
            report = build_story(story_id, found, stance=stance_function())
            entry = StoryBuild(
                version, report, to_json(report), {m.article_id: m.analysis.article for m in found}
            )
            with self._lock:
                self.builds += 1
                self._entries[story_id] = entry
                self._entries.move_to_end(story_id)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
                self._building.pop(story_id, None)
            return entry

    def _fresh(self, story_id: str, version: tuple) -> StoryBuild | None:
        entry = self._entries.get(story_id)
        if entry is None or entry.version != version:
            return None
        self._entries.move_to_end(story_id)
        return entry


def load_stories(store: Store, **filters) -> list:
    """Every story's report (newest first), for ``corroborate stories``."""
    summaries, _ = list_stories(store, limit=None, **filters)
    return [load_story(store, s.id) for s in summaries]


def story_of(store: Store, article_id: int) -> str | None:
    return store_stories.story_of(store, article_id)


def group_pending(store: Store) -> list[store_stories.Membership]:
    """Put every stored article that has no story yet into one (published order, then ingest order)."""
    return store_stories.group_pending(store)


# --------------------------------------------------------------------------- outlets


def outlets(store: Store) -> list[OutletStats]:
    """Per outlet: articles, attributions, anonymous ones, the named people and bodies it quotes (each once,
    across its articles), whom it relays and who relays it. Counts come from aggregate queries; only the
    articles that can relay another outlet have their analysis read."""
    kinds = store_stories.attribution_counts(store)
    article_counts = store_stories.outlet_article_counts(store)
    entities = store_stories.outlet_entities(store)
    relays: dict[str, dict[str, int]] = {}
    relayed_by: dict[str, dict[str, int]] = {}
    for chunk in chunks(store_stories.relaying_article_ids(store)):
        for article_id, analysis in store.load_many(chunk):
            for edge in relay_edges([StoryMember(article_id, analysis, None)]):
                relays.setdefault(edge.from_outlet, {}).setdefault(edge.to_outlet, 0)
                relays[edge.from_outlet][edge.to_outlet] += 1
                relayed_by.setdefault(edge.to_outlet, {}).setdefault(edge.from_outlet, 0)
                relayed_by[edge.to_outlet][edge.from_outlet] += 1
    names = sorted(set(article_counts) | set(relayed_by))
    keys = entity_keys(n for found in entities.values() for n in found)
    stats = []
    for name in names:
        by_kind = kinds.get(name, {})
        stats.append(
            OutletStats(
                outlet=name,
                articles=article_counts.get(name, 0),
                attributions=sum(by_kind.values()),
                anonymous=sum(
                    n for (kind, named), n in by_kind.items() if kind in ANONYMOUS_KINDS and not named
                ),
                named_sources=len({keys[n] for n in entities.get(name, ())}),
                relays=_ranked(relays.get(name, {})),
                relayed_by=_ranked(relayed_by.get(name, {})),
            )
        )
    return stats


def _ranked(counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
