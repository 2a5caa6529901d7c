"""Stories: group articles into stories incrementally, as a stream (details: ``docs/stories.md``).

**Features** (:func:`story_features`; regexes only, no spaCy; the text side is in
:mod:`corroborate.stories.text`): title terms; lead terms (first 3 sentences); entities, i.e. capitalised
phrases with counts (callers may pass their own entity mentions instead); the :data:`BODY_TERMS`
heaviest content words of the text; the copy fingerprint of :mod:`corroborate.stories.copies`; the published
date. Page furniture (:func:`corroborate.text.clean.find_boilerplate`) is left out.

**Similarity**: an article is the unit vector ``idf(t) * (w_title*[title] + w_lead*[lead] +
w_entity*(1+ln n_entity) + w_body*(1+ln n_body))`` with a static idf from wordfreq,
``clip(7 - zipf, 0.5, 6)``, so scores never depend on what else is indexed. A story keeps the sum of its
members' vectors (copies excluded), pruned to :data:`CENTROID_TERMS` terms; the score is the cosine.

**Assignment** (:class:`StoryIndex`): a copy joins its original's story whatever the dates. Otherwise
the candidates come from an inverted index over each story's :data:`INDEX_TERMS` heaviest terms,
queried with the article's :data:`QUERY_TERMS` heaviest; the :data:`MAX_CANDIDATES` best by partial
dot product are scored exactly. The article joins the best story whose cosine reaches
``threshold(gap) = join_threshold + day_slope * max(0, gap - grace_days)`` (``gap``: days between the
article and the story's date range; 0 when either is undated), else it founds a story with id
``"s-" + sha1(key)[:10]``. Stories whose last date is so far behind the newest article that the bar
exceeds 1 move to an archive tier that only undated or late-arriving articles search, so a long
stream stays fast. Callers add articles in published order, then ingest order; :func:`group` sorts
undated articles last. Thresholds: tuned on FNC-1 fold 0, reported on fold 1; time parameters are a
judgement (FNC-1 has no dates).
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from corroborate.stories.copies import CopyIndex, CopyMatch
from corroborate.stories.features import FEATURES_VERSION, StoryFeatures, story_features
from corroborate.stories.text import idf
from corroborate.types import Article

__all__ = ["FEATURES_VERSION", "Assignment", "StoryFeatures", "StoryIndex", "StoryParams", "group"]
__all__ += ["story_features", "story_id_for", "term_vector", "threshold", "day_gap"]

CENTROID_TERMS = 250
INDEX_TERMS = 50
QUERY_TERMS = 30
MAX_CANDIDATES = 10
POSTING_CAP = 1000


@dataclass(frozen=True, slots=True)
class StoryParams:
    """Weights and thresholds of the index (features do not depend on them)."""

    join_threshold: float = 0.33  # tuned on FNC-1 fold 0
    grace_days: float = 3.0  # judgement: FNC-1 has no dates
    day_slope: float = 0.02  # judgement: 13 days -> 0.53, 23 days -> 0.73, 37+ days -> never
    w_title: float = 2.0  # judgement: FNC-1 bodies have no titles
    w_lead: float = 2.0  # tuned on FNC-1 fold 0
    w_entity: float = 0.5  # tuned on FNC-1 fold 0
    w_body: float = 1.0  # the reference weight
    w_place: float = 0.0
    w_figure: float = 0.0
    w_date: float = 0.0
    w_embed: float = 0.0  # score = (1 - w_embed) * term cosine + w_embed * embedding cosine


DEFAULT_PARAMS = StoryParams()


def term_vector(f: StoryFeatures, params: StoryParams = DEFAULT_PARAMS) -> dict[str, float]:
    """The unit term vector of an article (see the module docstring)."""
    raw: dict[str, float] = {}
    for t in f.title_terms:
        raw[t] = raw.get(t, 0.0) + params.w_title
    for t in f.lead_terms:
        raw[t] = raw.get(t, 0.0) + params.w_lead
    for t, n in f.entities:
        raw[t] = raw.get(t, 0.0) + params.w_entity * (1.0 + math.log(n))
    for t, n in f.body_terms:
        raw[t] = raw.get(t, 0.0) + params.w_body * (1.0 + math.log(n))
    for group, weight in ((f.places, params.w_place), (f.figures, params.w_figure), (f.dates, params.w_date)):
        if weight:
            for t, n in group:
                raw[t] = raw.get(t, 0.0) + weight * (1.0 + math.log(n))
    vec = {t: w * idf(t) for t, w in raw.items() if w > 0}
    norm = math.sqrt(sum(w * w for w in vec.values()))
    return {t: w / norm for t, w in sorted(vec.items())} if norm else {}


# --------------------------------------------------------------------------- index


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where an article went. ``score``: Jaccard to the original for a copy, cosine to the story
    joined, or for a new story the best cosine to a story near enough in time to have been joined
    (0.0 when none was a candidate)."""

    story_id: str
    copy_of: str | None
    score: float
    new_story: bool


@dataclass(slots=True)
class _Story:
    id: str
    founder: str
    seq: int
    centroid: dict[str, float] = field(default_factory=dict)
    norm: float = 0.0
    first: date | None = None
    last: date | None = None
    size: int = 0
    indexed: set[str] = field(default_factory=set)  # the centroid terms in the inverted index
    archived: bool = False
    emb: object = None  # numpy float32: the sum of the members' unit embeddings (copies excluded)


def _unpost(tier: dict[str, dict[str, None]], term: str, story_id: str) -> None:
    posting = tier[term]
    del posting[story_id]
    if not posting:
        del tier[term]


def story_id_for(key: str) -> str:
    """The id of a story founded by the article ``key``."""
    return "s-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def day_gap(published: date | None, first: date | None, last: date | None) -> int:
    """Days between ``published`` and the range ``first..last`` (0 inside it or when undated)."""
    if published is None or first is None or last is None:
        return 0
    if published < first:
        return (first - published).days
    if published > last:
        return (published - last).days
    return 0


def threshold(gap: float, params: StoryParams = DEFAULT_PARAMS) -> float:
    """The cosine an article needs to join a story ``gap`` days away."""
    return params.join_threshold + params.day_slope * max(0.0, gap - params.grace_days)


class _Restore:
    """``StoryIndex.restore(rows, params=DEFAULT_PARAMS)`` builds an index from stored rows;
    ``index.restore(rows)`` loads them into an existing (normally empty) index. Both return the index.

    ``rows`` are ``(key, story_id, features)`` in the order they were added. The stored story ids are
    kept; copies are found again (they depend only on fingerprints and order), so later :meth:`add`
    calls answer as one long run would. ``disagreements`` counts rows whose stored story differs from
    what :meth:`add` would have said (0 when the rows came from an index with the same parameters).
    """

    def __get__(self, index: StoryIndex | None, owner: type[StoryIndex]):
        def restore(
            rows: Iterable[tuple[str, str, StoryFeatures]], params: StoryParams | None = None
        ) -> StoryIndex:
            if index is not None:
                if params is not None and params != index.params:
                    raise ValueError("restore: this index was built with other parameters")
                return index._replay(rows)
            return owner(params or DEFAULT_PARAMS)._replay(rows)

        restore.__doc__ = _Restore.__doc__
        return restore


class StoryIndex:
    """Incremental story grouping. :meth:`add` articles in published order, then ingest order."""

    def __init__(self, params: StoryParams = DEFAULT_PARAMS) -> None:
        self.params = params
        self._copies = CopyIndex()
        self._stories: dict[str, _Story] = {}
        # Inverted index (term -> story ids, insertion-ordered) in two tiers: stories still open to
        # articles of the newest date, and archived ones (last date more than max_gap days back).
        self._postings: dict[str, dict[str, None]] = {}
        self._archive: dict[str, dict[str, None]] = {}
        self._by_last: list[tuple[date, int, str]] = []  # heap of (last date, seq, id), lazily updated
        self._newest: date | None = None
        self._assigned: dict[str, Assignment] = {}
        self.disagreements = 0  #: restored rows whose stored story differs from what add would say
        if params.day_slope > 0:
            self._max_gap: float | None = params.grace_days + (1.0 - params.join_threshold) / params.day_slope
        else:
            self._max_gap = None

    def __len__(self) -> int:
        return len(self._assigned)

    @property
    def story_count(self) -> int:
        return len(self._stories)

    def assignment(self, key: str) -> Assignment | None:
        return self._assigned.get(key)

    # ---------------------------------------------------------------- scoring

    def _candidates(self, vec: dict[str, float], published: date | None) -> list[str]:
        """The stories most likely to match: partial dot products over the article's heaviest terms."""
        query = heapq.nsmallest(QUERY_TERMS, vec.items(), key=lambda kv: (-kv[1], kv[0]))
        tiers = [self._postings]
        if self._archive and (published is None or self._newest is None or published < self._newest):
            tiers.append(self._archive)  # only an undated or late-arriving article can reach them
        acc: dict[str, float] = {}
        skipped = []
        for t, w in query:
            for tier in tiers:
                posting = tier.get(t)
                if not posting:
                    continue
                if len(posting) > POSTING_CAP:
                    skipped.append((t, w, posting))
                    continue
                for sid in posting:
                    acc[sid] = acc.get(sid, 0.0) + w * self._stories[sid].centroid[t]
        if not acc:
            for t, w, posting in skipped:
                for sid in posting:
                    acc[sid] = acc.get(sid, 0.0) + w * self._stories[sid].centroid[t]
        ranked = []
        for sid, dot in acc.items():
            story = self._stories[sid]
            if threshold(day_gap(published, story.first, story.last), self.params) > 1.0:
                continue  # too far apart in time for any similarity to join
            ranked.append((dot / story.norm, -story.seq, sid))
        return [sid for _, _, sid in heapq.nlargest(MAX_CANDIDATES, ranked)]

    def _cosine(self, vec: dict[str, float], story: _Story) -> float:
        c = story.centroid
        return sum(w * c.get(t, 0.0) for t, w in vec.items()) / story.norm if story.norm else 0.0

    def _score(self, vec: dict[str, float], emb, story: _Story) -> float:
        """The term cosine, mixed with the embedding cosine when both sides have an embedding."""
        score = self._cosine(vec, story)
        w = self.params.w_embed
        if w and emb is not None and story.emb is not None:
            import numpy as np

            n = float(np.linalg.norm(story.emb))
            if n:
                score = (1.0 - w) * score + w * float(emb @ story.emb) / n
        return score

    def _decide(
        self, key: str, f: StoryFeatures, vec: dict[str, float], emb=None
    ) -> tuple[Assignment, CopyMatch | None]:
        """The assignment of a new article (and its copy match), without changing the index."""
        match = self._copies.match(f.fingerprint)
        if match is not None:
            sid = self._assigned[match.original].story_id
            return Assignment(sid, match.original, round(match.jaccard, 4), False), match
        best_sid, best_score, best_any = None, -1.0, 0.0
        for sid in self._candidates(vec, f.published):
            story = self._stories[sid]
            score = self._score(vec, emb, story)
            best_any = max(best_any, score)
            bar = threshold(day_gap(f.published, story.first, story.last), self.params)
            if score >= bar and score > best_score:
                best_sid, best_score = sid, score
        if best_sid is None:
            return Assignment(self._new_id(key), None, round(best_any, 4), True), None
        return Assignment(best_sid, None, round(best_score, 4), False), None

    def _new_id(self, key: str) -> str:
        sid = story_id_for(key)
        if sid in self._stories:  # a 40-bit collision: fall back to the whole digest
            sid = "s-" + hashlib.sha1(key.encode("utf-8")).hexdigest()
        return sid

    # ---------------------------------------------------------------- updating

    def _record(
        self,
        key: str,
        f: StoryFeatures,
        vec: dict[str, float],
        a: Assignment,
        match: CopyMatch | None,
        emb=None,
    ) -> None:
        story = self._stories.get(a.story_id)
        if story is None:
            story = self._stories[a.story_id] = _Story(a.story_id, key, len(self._stories))
        self._copies.record(key, f.fingerprint, match)
        self._assigned[key] = a
        story.size += 1
        if f.published is not None:
            story.first = f.published if story.first is None else min(story.first, f.published)
            story.last = f.published if story.last is None else max(story.last, f.published)
        if story.archived and f.published is not None:
            self._set_archived(story, False)
        if match is None and vec:  # a copy adds no new evidence of what the story is about
            self._update_centroid(story, vec)
        if match is None and emb is not None:
            story.emb = emb.copy() if story.emb is None else story.emb + emb
        if f.published is not None and (self._newest is None or f.published > self._newest):
            self._newest = f.published
        if story.last is not None and not story.archived:
            heapq.heappush(self._by_last, (story.last, story.seq, story.id))
        self._archive_old()

    def _update_centroid(self, story: _Story, vec: dict[str, float]) -> None:
        merged = dict(story.centroid)
        for t, w in vec.items():
            merged[t] = merged.get(t, 0.0) + w
        ranked = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))
        story.centroid = dict(sorted(ranked[:CENTROID_TERMS]))
        story.norm = math.sqrt(sum(w * w for w in story.centroid.values()))
        indexed = {t for t, _ in ranked[:INDEX_TERMS]}
        tier = self._archive if story.archived else self._postings
        for t in sorted(story.indexed - indexed):
            _unpost(tier, t, story.id)
        for t in sorted(indexed - story.indexed):
            tier.setdefault(t, {})[story.id] = None
        story.indexed = indexed

    def _set_archived(self, story: _Story, archived: bool) -> None:
        source, target = (self._postings, self._archive) if archived else (self._archive, self._postings)
        for t in sorted(story.indexed):
            _unpost(source, t, story.id)
            target.setdefault(t, {})[story.id] = None
        story.archived = archived

    def _archive_old(self) -> None:
        """Archive the stories too far behind the newest date for a newer article to join them."""
        if self._max_gap is None or self._newest is None:
            return
        while self._by_last and (self._newest - self._by_last[0][0]).days > self._max_gap:
            last, _, sid = heapq.heappop(self._by_last)
            story = self._stories[sid]
            if story.archived or story.last != last:
                continue  # a stale heap entry: the story has a later date (and a later entry)
            self._set_archived(story, True)

    def add(self, key: str, features: StoryFeatures) -> Assignment:
        """Assign the article ``key``; a key already in the index keeps its assignment."""
        known = self._assigned.get(key)
        if known is not None:
            return known
        vec = term_vector(features, self.params)
        emb = self._embedding(features)
        a, match = self._decide(key, features, vec, emb)
        self._record(key, features, vec, a, match, emb)
        return a

    def _embedding(self, f: StoryFeatures):
        """The article's unit embedding (float32), or None when unused or absent."""
        if not self.params.w_embed or not f.embedding:
            return None
        import numpy as np

        e = f.embedding_vector().astype(np.float32)
        n = float(np.linalg.norm(e))
        return e / n if n else None

    def _replay(self, rows: Iterable[tuple[str, str, StoryFeatures]]) -> StoryIndex:
        for key, story_id, features in rows:
            if key in self._assigned:
                continue
            vec = term_vector(features, self.params)
            emb = self._embedding(features)
            a, match = self._decide(key, features, vec, emb)
            if a.story_id != story_id:
                self.disagreements += 1
                story = self._stories.get(story_id)
                score = self._score(vec, emb, story) if story is not None and match is None else a.score
                a = replace(a, story_id=story_id, score=round(score, 4), new_story=story is None)
            self._record(key, features, vec, a, match, emb)
        return self

    restore = _Restore()


def _order_key(item: tuple[int, Article]) -> tuple[bool, date, int]:
    i, article = item
    return (article.published is None, article.published or date.min, i)


def group(items: Sequence[tuple[str, Article]], params: StoryParams = DEFAULT_PARAMS) -> list[Assignment]:
    """Assign every ``(key, article)``: sorted by published date (undated last), then the given
    order. The result is aligned with ``items``. Keys must be distinct."""
    keys = [k for k, _ in items]
    if len(set(keys)) != len(keys):
        raise ValueError("group: keys must be distinct")
    index = StoryIndex(params)
    out: list[Assignment | None] = [None] * len(items)
    for i, article in sorted(enumerate(a for _, a in items), key=_order_key):
        out[i] = index.add(keys[i], story_features(article))
    return [a for a in out if a is not None]
