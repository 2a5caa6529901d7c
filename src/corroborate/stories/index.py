"""Stories: group articles into stories incrementally, as a stream (details: ``docs/stories.md``).

Features are in :mod:`corroborate.stories.features`, the comparison in :mod:`corroborate.stories.vectors`.

**Assignment** (:class:`StoryIndex`): a copy joins its original's story whatever the dates. Otherwise
the candidates come from an inverted index over each story's :data:`INDEX_TERMS` heaviest keys,
queried with the article's :data:`QUERY_TERMS` heaviest (postings longer than :data:`POSTING_CAP`
are skipped while shorter ones find something); the :data:`MAX_CANDIDATES` stories sharing the most
query weight are scored exactly. The article joins the best story whose score reaches
``threshold(gap) = join_threshold + day_slope * max(0, gap - grace_days)`` (``gap``: days between the
article and the story's date range; 0 when either is undated), else it founds a story with id
``"s-" + sha1(key)[:10]``. Stories whose last date is so far behind the newest article that the bar
exceeds 1 move to an archive tier that only undated or late-arriving articles search, so a long
stream stays fast. Callers add articles in published order, then ingest order; :func:`group` sorts
undated articles last.

**Memory and state**: keys are interned to ints (the channel in the low 2 bits); a story holds its
:data:`CENTROID_TERMS` heaviest keys and weights as numpy arrays and its embedding sum as int8
direction plus a norm (:class:`corroborate.stories.state.StoryState`), never per-article vectors.
Copies are looked for among the last :data:`COPY_WINDOW` articles. :meth:`StoryIndex.states` gives the
stories changed since the last call, so a caller can save them per article, and
:meth:`StoryIndex.from_states` rebuilds the index from them without reading any article.
"""

from __future__ import annotations

import hashlib
import heapq
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from corroborate.stories.copies import CopyIndex, CopyMatch
from corroborate.stories.features import FEATURES_VERSION, StoryFeatures, story_features
from corroborate.stories.state import NO_IDS, StoryState
from corroborate.stories.vectors import (
    DEFAULT_PARAMS,
    StoryParams,
    channel,
    day_gap,
    term_vector,
    threshold,
)
from corroborate.types import Article

__all__ = ["FEATURES_VERSION", "Assignment", "StoryFeatures", "StoryIndex", "StoryParams", "group"]
__all__ += ["story_features", "story_id_for", "term_vector", "threshold", "day_gap", "DEFAULT_PARAMS"]

CENTROID_TERMS = 120
INDEX_TERMS = 24
QUERY_TERMS = 30
MAX_CANDIDATES = 10
POSTING_CAP = 2000
COPY_WINDOW = 50_000  # copies are looked for among this many latest articles
COMPACT_MIN = 1_000  # the active tier is rebuilt once this many stories (or a quarter) were archived


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where an article went. ``score``: Jaccard to the original for a copy, the score against the
    story joined, or for a new story the best score against a story near enough in time to have been
    joined (0.0 when none was a candidate)."""

    story_id: str
    copy_of: str | None
    score: float
    new_story: bool


def story_id_for(key: str) -> str:
    """The id of a story founded by the article ``key``."""
    return "s-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


class _Restore:
    """``StoryIndex.restore(rows, params=DEFAULT_PARAMS)`` builds an index from stored rows;
    ``index.restore(rows)`` loads them into an existing (normally empty) index. Both return the index.

    ``rows`` are ``(key, story_id, features)`` in the order they were added (a replay: every row is
    decided again; :meth:`StoryIndex.from_states` is the fast way). The stored story ids are kept, so
    later :meth:`add` calls answer as one long run would. ``disagreements`` counts rows whose stored
    story differs from what :meth:`add` would have said (0 when the rows came from an index with the
    same parameters).
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
        self._window: OrderedDict[str, Assignment] = OrderedDict()  # the latest COPY_WINDOW articles
        self._stories: list[StoryState] = []  # by seq
        self._by_id: dict[str, int] = {}
        self._vocab: dict[str, int] = {}
        self._terms: list[str] = []
        # Inverted index (key id -> story seqs, append-only; stale entries are skipped) in two tiers:
        # stories still open to articles of the newest date, and archived ones.
        self._postings: dict[int, array] = {}
        self._archive: dict[int, array] = {}
        self._by_last: list[tuple[date, int]] = []  # heap of (last date, seq), lazily updated
        self._newest: date | None = None
        self._dirty: set[int] = set()
        self._new_terms = 0  # terms not yet handed out by states()
        self._archived_since = 0  # stories archived since the active tier was last rebuilt
        self._archived = bytearray()  # by seq: 1 when the story is in the archive tier
        self.added = 0  #: articles added (restored ones included)
        self.disagreements = 0  #: restored rows whose stored story differs from what add would say
        if params.day_slope > 0:
            self._max_gap: float | None = params.grace_days + (1.0 - params.join_threshold) / params.day_slope
        else:
            self._max_gap = None

    def __len__(self) -> int:
        return self.added

    @property
    def story_count(self) -> int:
        return len(self._stories)

    def assignment(self, key: str) -> Assignment | None:
        """The assignment of ``key`` while it is among the latest :data:`COPY_WINDOW` articles."""
        return self._window.get(key)

    # ---------------------------------------------------------------- vectors

    def _ids(self, vec: dict[str, float], grow: bool) -> tuple[np.ndarray, np.ndarray]:
        """The article's vector as sorted key ids and float32 weights (unknown keys dropped unless
        ``grow``)."""
        ids, ws = [], []
        for t, w in vec.items():
            i = self._vocab.get(t)
            if i is None:
                if not grow:
                    continue
                i = self._vocab[t] = (len(self._terms) << 2) | channel(t)
                self._terms.append(t)
            ids.append(i)
            ws.append(w)
        a = np.array(ids, dtype=np.int32)
        order = np.argsort(a)
        return a[order], np.array(ws, dtype=np.float32)[order]

    def _embedding(self, f: StoryFeatures) -> np.ndarray | None:
        if not self.params.w_embed or not f.embedding:
            return None
        e = f.embedding_vector().astype(np.float32)
        n = float(np.linalg.norm(e))
        return e / n if n else None

    # ---------------------------------------------------------------- scoring

    def _candidates(self, ids: np.ndarray, ws: np.ndarray, published: date | None) -> list[int]:
        """The stories most likely to match: the most query weight shared over the article's heaviest keys."""
        if not len(ids):
            return []
        top = np.argsort(-ws, kind="stable")[:QUERY_TERMS]
        tiers = [self._postings]
        if self._archive and (published is None or self._newest is None or published < self._newest):
            tiers.append(self._archive)  # only an undated or late-arriving article can reach them
        seqs, weights, in_archive, skipped = [], [], [], []
        for j in top:
            t, w = int(ids[j]), float(ws[j])
            for tier in tiers:
                posting = tier.get(t)
                if not posting:
                    continue
                if len(posting) > POSTING_CAP:
                    skipped.append((posting, w, tier is self._archive))
                    continue
                seqs.append(posting)
                weights.append(w)
                in_archive.append(tier is self._archive)
        if not seqs:
            for posting, w, archived in skipped:
                seqs.append(posting)
                weights.append(w)
                in_archive.append(archived)
        if not seqs:
            return []
        every = np.frombuffer(b"".join(seqs), dtype=np.int32)
        lengths = [len(x) for x in seqs]
        entry_weights = np.repeat(weights, lengths)
        # an entry left in the tier its story moved out of is stale: skip it
        live = np.frombuffer(self._archived, dtype=np.uint8)[every] == np.repeat(in_archive, lengths)
        if not live.all():
            every, entry_weights = every[live], entry_weights[live]
            if not len(every):
                return []
        found, inverse = np.unique(every, return_inverse=True)
        shared = np.bincount(inverse, weights=entry_weights)
        order = np.lexsort((found, -shared))  # most shared first, then the oldest story
        out: list[int] = []
        for k in order:
            story = self._stories[int(found[k])]
            if threshold(day_gap(published, story.first, story.last), self.params) > 1.0:
                continue  # too far apart in time for any similarity to join
            out.append(story.seq)
            if len(out) == MAX_CANDIDATES:
                break
        return out

    def _scores(
        self, ids: np.ndarray, ws: np.ndarray, emb: np.ndarray | None, stories: Sequence[StoryState]
    ) -> list[float]:
        """The weighted mean of the channel cosines and the embedding cosine (see StoryParams) of the
        article against each story, computed together."""
        p = self.params
        if not stories:
            return []
        every = np.concatenate([s.ids for s in stories])
        owner = np.repeat(np.arange(len(stories)), [len(s.ids) for s in stories])
        dots = np.zeros(3 * len(stories))
        if len(ids) and len(every):
            pos = np.minimum(np.searchsorted(ids, every), len(ids) - 1)
            hit = ids[pos] == every
            weights = np.concatenate([s.weights for s in stories])[hit] * ws[pos[hit]]
            dots = np.bincount(owner[hit] * 3 + (every[hit] & 3), weights=weights, minlength=3 * len(stories))
        out = []
        for k, story in enumerate(stories):
            cos = [
                float(d) / n if n else 0.0 for d, n in zip(dots[3 * k : 3 * k + 3], story.norms, strict=True)
            ]
            score = p.w_words * cos[0] + p.w_entity * cos[1] + p.w_figure * cos[2]
            total = p.w_words + p.w_entity + p.w_figure
            if p.w_embed and emb is not None and story.emb is not None:
                score += p.w_embed * story.embedding_cosine(emb)
                total += p.w_embed
            out.append(score / total if total else 0.0)
        return out

    def _decide(
        self, key: str, f: StoryFeatures, ids: np.ndarray, ws: np.ndarray, emb: np.ndarray | None
    ) -> tuple[Assignment, CopyMatch | None]:
        """The assignment of a new article (and its copy match), without changing the index."""
        match = self._copies.match(f.fingerprint)
        if match is not None:
            sid = self._window[match.original].story_id
            return Assignment(sid, match.original, round(match.jaccard, 4), False), match
        best, best_score, best_any = None, -1.0, 0.0
        candidates = [self._stories[seq] for seq in self._candidates(ids, ws, f.published)]
        for story, score in zip(candidates, self._scores(ids, ws, emb, candidates), strict=True):
            best_any = max(best_any, score)
            bar = threshold(day_gap(f.published, story.first, story.last), self.params)
            if score >= bar and score > best_score:
                best, best_score = story, score
        if best is None:
            return Assignment(self._new_id(key), None, round(best_any, 4), True), None
        return Assignment(best.id, None, round(best_score, 4), False), None

    def _new_id(self, key: str) -> str:
        sid = story_id_for(key)
        if sid in self._by_id:  # a 40-bit collision: fall back to the whole digest
            sid = "s-" + hashlib.sha1(key.encode("utf-8")).hexdigest()
        return sid

    # ---------------------------------------------------------------- updating

    def _record(
        self,
        key: str,
        f: StoryFeatures,
        vec: tuple[np.ndarray, np.ndarray],
        a: Assignment,
        match: CopyMatch | None,
        emb: np.ndarray | None,
    ) -> None:
        seq = self._by_id.get(a.story_id)
        if seq is None:
            seq = self._by_id[a.story_id] = len(self._stories)
            self._stories.append(StoryState.empty(a.story_id, seq))
            self._archived.append(0)
        story = self._stories[seq]
        self._remember(key, f, a, match)
        self.added += 1
        story.size += 1
        if f.published is not None:
            story.first = f.published if story.first is None else min(story.first, f.published)
            story.last = f.published if story.last is None else max(story.last, f.published)
        if story.archived and f.published is not None:
            self._set_archived(story, False)
        if match is None:  # a copy adds no new evidence of what the story is about
            story.merge(vec[0], vec[1], CENTROID_TERMS)
            if emb is not None:
                story.add_embedding(emb)
            self._post(story)
        if f.published is not None and (self._newest is None or f.published > self._newest):
            self._newest = f.published
        if story.last is not None and not story.archived:
            heapq.heappush(self._by_last, (story.last, story.seq))
        self._dirty.add(seq)
        self._archive_old()

    def _remember(self, key: str, f: StoryFeatures, a: Assignment, match: CopyMatch | None) -> None:
        """Keep ``key`` among the latest articles for copy detection, forgetting the oldest."""
        self._copies.record(key, f.fingerprint, match)
        self._window[key] = a
        while len(self._window) > COPY_WINDOW:
            old, _ = self._window.popitem(last=False)
            self._copies.forget(old)

    def _post(self, story: StoryState) -> None:
        """Add the story to the postings of its heaviest keys that it is not posted under yet."""
        tier = self._archive if story.archived else self._postings
        for t in story.new_index_terms(INDEX_TERMS):
            posting = tier.get(t)
            if posting is None:
                posting = tier[t] = array("i")
            posting.append(story.seq)

    def _set_archived(self, story: StoryState, archived: bool) -> None:
        story.archived = archived
        self._archived[story.seq] = int(archived)
        story.posted = NO_IDS  # posted afresh in the other tier
        self._post(story)

    def _archive_old(self) -> None:
        """Archive the stories too far behind the newest date for a newer article to join them."""
        if self._max_gap is None or self._newest is None:
            return
        while self._by_last and (self._newest - self._by_last[0][0]).days > self._max_gap:
            last, seq = heapq.heappop(self._by_last)
            story = self._stories[seq]
            if story.archived or story.last != last:
                continue  # a stale heap entry: the story has a later date (and a later entry)
            self._set_archived(story, True)
            self._dirty.add(seq)
            self._archived_since += 1
        if self._archived_since > max(COMPACT_MIN, len(self._stories) // 4):
            self._postings = {}  # drop the entries of stories archived since: the active tier stays small
            self._post_all(archive=False)
            self._archived_since = 0

    def add(self, key: str, features: StoryFeatures) -> Assignment:
        """Assign the article ``key``; a key among the latest articles keeps its assignment."""
        known = self._window.get(key)
        if known is not None:
            return known
        ids, ws = self._ids(term_vector(features, self.params), grow=True)
        emb = self._embedding(features)
        a, match = self._decide(key, features, ids, ws, emb)
        self._record(key, features, (ids, ws), a, match, emb)
        return a

    def _replay(self, rows: Iterable[tuple[str, str, StoryFeatures]]) -> StoryIndex:
        for key, story_id, features in rows:
            if key in self._window:
                continue
            ids, ws = self._ids(term_vector(features, self.params), grow=True)
            emb = self._embedding(features)
            a, match = self._decide(key, features, ids, ws, emb)
            if a.story_id != story_id:
                self.disagreements += 1
                seq = self._by_id.get(story_id)
                if seq is not None and match is None:
                    score = self._scores(ids, ws, emb, [self._stories[seq]])[0]
                else:
                    score = a.score
                a = replace(a, story_id=story_id, score=round(score, 4), new_story=seq is None)
            self._record(key, features, (ids, ws), a, match, emb)
        return self

    restore = _Restore()

    # ---------------------------------------------------------------- saved state

    def states(self) -> tuple[list[StoryState], list[tuple[int, str]]]:
        """The stories changed since the last call and the keys interned since then (``(id, key)``):
        what a caller saves after each article so that :meth:`from_states` can rebuild the index."""
        changed = [self._stories[s] for s in sorted(self._dirty)]
        self._dirty.clear()
        start, self._new_terms = self._new_terms, len(self._terms)
        return changed, [(self._vocab[t], t) for t in self._terms[start:]]

    def _post_all(self, archive: bool = True) -> None:
        """Build the tiers of the inverted index (the active one; with ``archive`` the archive too)
        from every story's ``posted`` keys at once."""
        tiers = ((False, self._postings), (True, self._archive)) if archive else ((False, self._postings),)
        for archived, tier in tiers:
            chosen = [s for s in self._stories if s.archived == archived and len(s.posted)]
            if not chosen:
                continue
            terms = np.concatenate([s.posted for s in chosen])
            seqs = np.repeat(
                np.array([s.seq for s in chosen], dtype=np.int32), [len(s.posted) for s in chosen]
            )
            order = np.argsort(terms, kind="stable")
            terms, seqs = terms[order], seqs[order]
            cuts = np.flatnonzero(np.diff(terms)) + 1
            for t, part in zip(terms[np.r_[0, cuts]].tolist(), np.split(seqs, cuts), strict=True):
                posting = array("i")
                posting.frombytes(part.astype(np.int32).tobytes())
                tier[t] = posting

    @classmethod
    def from_states(
        cls,
        states: Iterable[StoryState],
        terms: Iterable[tuple[int, str]],
        recent: Iterable[tuple[str, str, StoryFeatures, str | None]] = (),
        *,
        added: int = 0,
        params: StoryParams = DEFAULT_PARAMS,
    ) -> StoryIndex:
        """An index rebuilt from saved stories and keys (:meth:`states`), without replaying articles.

        ``recent``: ``(key, story_id, features, copy_of)`` of the latest articles in the order they
        were added (at most :data:`COPY_WINDOW` are kept), for copy detection; ``added``: how many
        articles the index had taken."""
        index = cls(params)
        for i, t in sorted(terms):
            if (i >> 2) != len(index._terms):
                raise ValueError(f"story index keys are not contiguous at id {i}")
            index._vocab[t] = i
            index._terms.append(t)
        index._new_terms = len(index._terms)
        for story in sorted(states, key=lambda s: s.seq):
            if story.seq != len(index._stories):
                raise ValueError(f"story index states are not contiguous at seq {story.seq}")
            index._stories.append(story)
            index._by_id[story.id] = story.seq
            index._archived.append(int(story.archived))
            if story.last is not None:
                if index._newest is None or story.last > index._newest:
                    index._newest = story.last
                if not story.archived:
                    index._by_last.append((story.last, story.seq))
        index._post_all()
        heapq.heapify(index._by_last)
        recent = list(recent)[-COPY_WINDOW:]
        index._copies.record_many([(key, f.fingerprint, copy_of) for key, _, f, copy_of in recent])
        for key, story_id, _, copy_of in recent:
            index._window[key] = Assignment(story_id, copy_of, 0.0, False)
        index.added = added
        return index


def _order_key(item: tuple[int, Article]) -> tuple[bool, date, int]:
    i, article = item
    return (article.published is None, article.published or date.min, i)


def group(items: Sequence[tuple[str, Article]], params: StoryParams = DEFAULT_PARAMS) -> list[Assignment]:
    """Assign every ``(key, article)``: sorted by published date (undated last), then the given
    order. The result is aligned with ``items``. Keys must be distinct. Features are computed as
    ingest computes them (:func:`corroborate.stories.features.features_for`)."""
    from corroborate.stories.features import features_for

    keys = [k for k, _ in items]
    if len(set(keys)) != len(keys):
        raise ValueError("group: keys must be distinct")
    index = StoryIndex(params)
    feats = features_for([a for _, a in items])
    out: list[Assignment | None] = [None] * len(items)
    for i, _ in sorted(enumerate(a for _, a in items), key=_order_key):
        out[i] = index.add(keys[i], feats[i])
    return [a for a in out if a is not None]
