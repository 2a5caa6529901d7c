"""Story membership and story features in the store (tables of migration 0002), and the reads over them.

Grouping is incremental and crash-safe: an article is grouped in its own transaction, right
after it is saved; articles that were saved but not grouped (a crash between the two) are simply
grouped by the next run, because :meth:`StoryGrouper.assign` takes every article without a story.
Articles are grouped in published order (undated ones last), then ingest order (id).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection, func, insert, literal_column, select, text, update

from corroborate.errors import CorroborateError, NotFound
from corroborate.store.database import Database
from corroborate.store.rows import article_from_row, chunks
from corroborate.store.schema import (
    articles,
    attributions,
    boilerplate,
    damage,
    facts,
    stories,
    story_articles,
    story_features_table,
    story_index,
    story_index_meta,
    story_index_terms,
)

log = logging.getLogger(__name__)

FEATURE_BATCH = 64  # articles whose story features are computed together (spaCy and the embedder batch)
MAX_SEARCH_WORDS = 16  # a search uses its first 16 words, so a pasted paragraph cannot make a huge query


@dataclass(frozen=True, slots=True)
class Membership:
    """Where one article sits: its story and, for a copy, the article it copies."""

    article_id: int
    story_id: str
    copy_of: int | None
    score: float
    new_story: bool


# --------------------------------------------------------------------------- grouping


class StoryGrouper:
    """Assigns stored articles to stories with :class:`corroborate.stories.index.StoryIndex`.

    The index state is saved per story with each grouped article (``story_index``, migration 0004),
    so a run restores it from one row per story plus the latest articles' fingerprints (for copies),
    never from every article. A store without that state (grouped before 0004, or with other index
    parameters) is replayed from the stored features once, and the state saved.
    """

    def __init__(self, store: Database) -> None:
        # Imported here, not at the top: the index pulls in numpy, datasketch and wordfreq, which
        # readers of the store (the web pages, `corroborate report`) never need.
        from corroborate.stories.index import StoryIndex

        self.store = store
        self._key_to_id: dict[str, int] = {}
        with store.read() as conn:
            meta = dict(conn.execute(select(story_index_meta.c.name, story_index_meta.c.value)).all())
            grouped = conn.scalar(select(func.count()).select_from(story_articles)) or 0
        if meta.get("version") == _state_version() and int(meta.get("added", -1)) == grouped:
            self.index = self._load(grouped)
        else:
            self.index = StoryIndex()
            self._replay()

    def _load(self, grouped: int):
        from corroborate.stories.index import COPY_WINDOW, StoryIndex
        from corroborate.stories.state import StoryState

        with self.store.read() as conn:
            states = [StoryState.from_row(r) for r in conn.execute(select(story_index))]
            terms = [
                (r.id, r.term) for r in conn.execute(select(story_index_terms.c.id, story_index_terms.c.term))
            ]
            recent = list(
                conn.execute(_member_query().order_by(story_articles.c.seq.desc()).limit(COPY_WINDOW))
            )
        recent.reverse()
        return StoryIndex.from_states(states, terms, self._recent_rows(recent), added=grouped)

    def _recent_rows(self, rows: list) -> list:
        from corroborate.stories.index import StoryFeatures

        keys = {r.id: r.identity_key for r in rows}
        missing = sorted({r.copy_of for r in rows if r.copy_of is not None and r.copy_of not in keys})
        if missing:
            with self.store.read() as conn:
                query = select(articles.c.id, articles.c.identity_key).where(articles.c.id.in_(missing))
                keys.update({r.id: r.identity_key for r in conn.execute(query)})
        out = []
        for r in rows:
            self._key_to_id[r.identity_key] = r.id
            copy_of = keys.get(r.copy_of) if r.copy_of is not None else None
            out.append((r.identity_key, r.story_id, StoryFeatures.from_json(r.features), copy_of))
        return out

    def _replay(self) -> None:
        from corroborate.stories.index import StoryFeatures

        rows = []
        with self.store.read() as conn:
            for row in conn.execute(_member_query().order_by(story_articles.c.seq)):
                self._key_to_id[row.identity_key] = row.id
                rows.append((row.identity_key, row.story_id, StoryFeatures.from_json(row.features)))
        self.index.restore(rows)
        if rows:
            log.info("story index rebuilt from %d stored articles", len(rows))
        with self.store.write() as conn:
            conn.execute(story_index_terms.delete())
            conn.execute(story_index.delete())
            self._save_state(conn)

    def _save_state(self, conn: Connection) -> None:
        """Write the stories changed since the last save, the new keys and the article count."""
        changed, terms = self.index.states()
        if terms:
            conn.execute(insert(story_index_terms), [{"id": i, "term": t} for i, t in terms])
        for state in changed:
            row = state.to_row()
            done = conn.execute(update(story_index).where(story_index.c.story_id == state.id).values(**row))
            if not done.rowcount:
                conn.execute(insert(story_index).values(**row))
        for name, value in (("version", _state_version()), ("added", str(len(self.index)))):
            done = conn.execute(
                update(story_index_meta).where(story_index_meta.c.name == name).values(value=value)
            )
            if not done.rowcount:
                conn.execute(insert(story_index_meta).values(name=name, value=value))

    def assign(self, ids: Sequence[int] | None = None) -> list[Membership]:
        """Group the articles ``ids`` (default: every article without a story), in grouping order."""
        from corroborate.stories.features import features_for
        from corroborate.stories.index import StoryFeatures

        wanted = pending_ids(self.store) if ids is None else _grouping_order(self.store, ids)
        done: list[Membership] = []
        for chunk in chunks(wanted, FEATURE_BATCH):
            found = list(_articles(self.store, chunk))
            with (
                self.store.read() as conn
            ):  # features computed elsewhere (a Spark batch) are used as they are
                query = select(story_features_table).where(story_features_table.c.article_id.in_(list(chunk)))
                known = {r.article_id: StoryFeatures.from_json(r.features) for r in conn.execute(query)}
            missing = [article for article_id, _, article in found if article_id not in known]
            computed = iter(features_for(missing))
            feats = [known[i] if i in known else next(computed) for i, _, _ in found]
            done.extend(self._assign(found, feats))
        return done

    def _assign(self, found: list, feats: list) -> Iterable[Membership]:
        for (article_id, article_key, article), features in zip(found, feats, strict=True):
            try:
                assignment = self.index.add(article_key, features)
                copy_of = self._key_to_id.get(assignment.copy_of) if assignment.copy_of else None
                membership = Membership(
                    article_id, assignment.story_id, copy_of, float(assignment.score), assignment.new_story
                )
                self._save(membership, article.title, article.published, features.to_json())
            except CorroborateError as exc:
                log.warning("article %d was not grouped: %s", article_id, exc)
                continue
            self._key_to_id[article_key] = article_id
            yield membership

    def _save(self, m: Membership, title: str | None, published: date | None, features: str) -> None:
        with self.store.write() as conn:
            if conn.scalar(
                select(story_articles.c.article_id).where(story_articles.c.article_id == m.article_id)
            ):
                return  # grouped by an earlier (interrupted) run: nothing to do
            story = conn.execute(select(stories).where(stories.c.id == m.story_id)).first()
            if story is None:
                conn.execute(
                    insert(stories).values(
                        id=m.story_id,
                        title=title,
                        first_published=published,
                        last_published=published,
                        created_at=datetime.now(UTC),
                    )
                )
            elif published is not None:
                first = min(d for d in (story.first_published, published) if d is not None)
                last = max(d for d in (story.last_published, published) if d is not None)
                conn.execute(
                    update(stories)
                    .where(stories.c.id == m.story_id)
                    .values(first_published=first, last_published=last)
                )
            seq = (conn.scalar(select(func.max(story_articles.c.seq))) or 0) + 1
            conn.execute(
                insert(story_articles).values(
                    article_id=m.article_id, story_id=m.story_id, copy_of=m.copy_of, score=m.score, seq=seq
                )
            )
            _keep_features(conn, m.article_id, features)
            self._save_state(conn)


def save_story_features(store: Database, article_id: int, features: str) -> None:
    """Keep an article's story features (JSON) computed elsewhere, for grouping to use as they are."""
    with store.write() as conn:
        _keep_features(conn, article_id, features)


def _keep_features(conn: Connection, article_id: int, features: str) -> None:
    """Store an article's story features unless it has some already (inside the caller's transaction)."""
    existing = select(story_features_table.c.article_id).where(
        story_features_table.c.article_id == article_id
    )
    if conn.scalar(existing) is None:
        conn.execute(insert(story_features_table).values(article_id=article_id, features=features))


@functools.cache
def _state_version() -> str:
    """The saved index state is used only by an index of the same format and parameters."""
    from corroborate.stories import index
    from corroborate.stories.index import DEFAULT_PARAMS, FEATURES_VERSION

    shape = (
        index.CENTROID_TERMS,
        index.INDEX_TERMS,
        index.QUERY_TERMS,
        index.MAX_CANDIDATES,
        index.POSTING_CAP,
    )
    params = hashlib.sha1(repr((DEFAULT_PARAMS, shape)).encode("utf-8")).hexdigest()[:12]
    return f"state1-features{FEATURES_VERSION}-{params}"


def _member_query():
    return (
        select(
            articles.c.id,
            articles.c.identity_key,
            story_articles.c.story_id,
            story_articles.c.copy_of,
            story_features_table.c.features,
        )
        .join(story_articles, story_articles.c.article_id == articles.c.id)
        .join(story_features_table, story_features_table.c.article_id == articles.c.id)
    )


def _grouping_order(store: Database, ids: Sequence[int]) -> list[int]:
    query = (
        select(articles.c.id)
        .where(articles.c.id.in_(list(ids)))
        .order_by(articles.c.published.is_(None), articles.c.published, articles.c.id)
    )
    with store.read() as conn:
        return list(conn.scalars(query))


def _articles(store: Database, ids: Sequence[int]) -> Iterable[tuple[int, str, object]]:
    for chunk in chunks(ids):
        with store.read() as conn:
            rows = {r.id: r for r in conn.execute(select(articles).where(articles.c.id.in_(list(chunk))))}
        for article_id in chunk:
            row = rows.get(article_id)
            if row is not None:
                yield article_id, row.identity_key, article_from_row(row)


def pending_ids(store: Database) -> list[int]:
    """Ids of stored articles with no story yet, in grouping order."""
    grouped = select(story_articles.c.article_id)
    query = (
        select(articles.c.id)
        .where(articles.c.id.not_in(grouped))
        .order_by(articles.c.published.is_(None), articles.c.published, articles.c.id)
    )
    with store.read() as conn:
        return list(conn.scalars(query))


def group_pending(store: Database) -> list[Membership]:
    """Group every stored article that has no story yet.

    The story index is restored from the store only when there is something to group, so readers
    that call this to be sure (``stories``, the web API) pay one query when all is grouped.
    """
    pending = pending_ids(store)
    if not pending:
        return []
    log.info("grouping %d articles into stories", len(pending))
    return StoryGrouper(store).assign(pending)


# --------------------------------------------------------------------------- reading


def story_row(conn: Connection, story_id: str):
    row = conn.execute(select(stories).where(stories.c.id == story_id)).first()
    if row is None:
        raise NotFound(f"no story with id {story_id!r}", input_name=story_id)
    return row


def story_members(store: Database, story_id: str) -> list[tuple[int, int | None]]:
    """``(article_id, copy_of)`` of a story's articles, in published order then ingest order."""
    query = (
        select(story_articles.c.article_id, story_articles.c.copy_of)
        .join(articles, articles.c.id == story_articles.c.article_id)
        .where(story_articles.c.story_id == story_id)
        .order_by(articles.c.published.is_(None), articles.c.published, articles.c.id)
    )
    with store.read() as conn:
        story_row(conn, story_id)
        return [(r.article_id, r.copy_of) for r in conn.execute(query)]


def story_version(store: Database, story_id: str) -> tuple:
    """What a story's build depends on, read in one transaction: its members (count, largest id, copies)
    and the largest row id of each analysis table among them. Any change that can alter the story's
    report (an article joining, a copy found, an analysis replaced by ``reprocess``, whose rows are
    written anew) changes it. NotFound if there is no such story."""
    member_ids = select(story_articles.c.article_id).where(story_articles.c.story_id == story_id)
    members = select(
        func.count(),
        func.max(story_articles.c.article_id),
        func.sum(func.coalesce(story_articles.c.copy_of, 0)),
    ).where(story_articles.c.story_id == story_id)
    with store.read() as conn:
        story_row(conn, story_id)
        version = tuple(conn.execute(members).one())
        for table in (attributions, facts, boilerplate, damage):
            version += (conn.scalar(select(func.max(table.c.id)).where(table.c.article_id.in_(member_ids))),)
    return version


def story_of(store: Database, article_id: int) -> str | None:
    with store.read() as conn:
        return conn.scalar(select(story_articles.c.story_id).where(story_articles.c.article_id == article_id))


def matching_article_ids(conn: Connection, q: str) -> object:
    """A select of article ids whose title or text matches the words of ``q`` (full-text search)."""
    words = [w for w in _words(q)]
    if not words:
        return select(articles.c.id).where(text("1 = 0"))
    if conn.dialect.name == "sqlite":
        match = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
        return (
            select(literal_column("rowid").label("id"))
            .select_from(text("articles_fts"))
            .where(text("articles_fts MATCH :match").bindparams(match=match))
        )
    if conn.dialect.name == "postgresql":
        return select(articles.c.id).where(
            text(
                # the expression of index ix_articles_fts (migration 0002), so that the index applies
                "to_tsvector('english', left(coalesce(articles.title, '') || ' ' || articles.text, 200000)) "
                "@@ plainto_tsquery('english', :q)"
            ).bindparams(q=" ".join(words))
        )
    pattern = "%" + " ".join(words) + "%"
    return select(articles.c.id).where(articles.c.text.like(pattern) | articles.c.title.like(pattern))


def _words(q: str) -> list[str]:
    return re.findall(r"\w+", q)[:MAX_SEARCH_WORDS]


def story_list_query(
    conn: Connection,
    *,
    q: str | None = None,
    outlet: str | None = None,
    since: date | None = None,
    until: date | None = None,
):
    """A select of story ids matching the filters (newest first is applied by the caller)."""
    member = select(story_articles.c.story_id).join(articles, articles.c.id == story_articles.c.article_id)
    query = select(stories.c.id)
    if q:
        query = query.where(stories.c.id.in_(member.where(articles.c.id.in_(matching_article_ids(conn, q)))))
    if outlet:
        query = query.where(stories.c.id.in_(member.where(articles.c.outlet == outlet)))
    if since is not None:
        query = query.where(stories.c.last_published >= since)
    if until is not None:
        query = query.where(stories.c.first_published <= until)
    return query


def list_story_rows(
    store: Database,
    *,
    q: str | None = None,
    outlet: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[dict], int]:
    """Stories (newest first) with their article count and outlets, and the total matching."""
    with store.read() as conn:
        ids = story_list_query(conn, q=q, outlet=outlet, since=since, until=until).subquery()
        total = conn.scalar(select(func.count()).select_from(ids)) or 0
        query = (
            select(stories)
            .where(stories.c.id.in_(select(ids.c.id)))
            .order_by(stories.c.last_published.is_(None), stories.c.last_published.desc(), stories.c.id)
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        rows = list(conn.execute(query))
        found = [r.id for r in rows]
        members: dict[str, list] = {}
        if found:
            member_query = (
                select(story_articles.c.story_id, articles.c.outlet)
                .join(articles, articles.c.id == story_articles.c.article_id)
                .where(story_articles.c.story_id.in_(found))
            )
            for m in conn.execute(member_query):
                members.setdefault(m.story_id, []).append(m.outlet)
    out = []
    for r in rows:
        outlets = members.get(r.id, [])
        out.append(
            {
                "id": r.id,
                "title": r.title,
                "first_published": r.first_published,
                "last_published": r.last_published,
                "articles": len(outlets),
                "outlets": tuple(sorted({o for o in outlets if o})),
            }
        )
    return out, total


def outlet_names(store: Database) -> list[str]:
    with store.read() as conn:
        query = select(articles.c.outlet).where(articles.c.outlet.is_not(None)).distinct()
        return sorted(conn.scalars(query))


def attribution_counts(store: Database) -> dict[str | None, dict[tuple[str, bool], int]]:
    """Per outlet, the number of attributions by (source kind, whether a named entity was resolved for the
    source): "he" resolved to a named person is on record, whatever kind the pronoun took."""
    named = attributions.c.source_entity.is_not(None)
    query = (
        select(articles.c.outlet, attributions.c.source_kind, named, func.count())
        .join(attributions, attributions.c.article_id == articles.c.id)
        .group_by(articles.c.outlet, attributions.c.source_kind, named)
    )
    counts: dict[str | None, dict[tuple[str, bool], int]] = {}
    with store.read() as conn:
        for outlet, kind, has_entity, n in conn.execute(query):
            counts.setdefault(outlet, {})[(kind, bool(has_entity))] = n
    return counts


def outlet_entities(store: Database) -> dict[str, set[str]]:
    """Per outlet, the names of the entities its attributions resolve to (reads only the attributions that
    have one, not the analyses)."""
    query = (
        select(articles.c.outlet, attributions.c.source_entity)
        .join(attributions, attributions.c.article_id == articles.c.id)
        .where(
            attributions.c.source_entity.is_not(None), articles.c.outlet.is_not(None), articles.c.outlet != ""
        )
    )
    found: dict[str, set[str]] = {}
    with store.read() as conn:
        for outlet, entity in conn.execute(query):
            name = entity.get("name") if isinstance(entity, dict) else None
            if name:
                found.setdefault(outlet, set()).add(name)
    return found


def outlet_article_counts(store: Database) -> dict[str, int]:
    """Per outlet, its number of stored articles (one aggregate query)."""
    query = (
        select(articles.c.outlet, func.count())
        .where(articles.c.outlet.is_not(None), articles.c.outlet != "")
        .group_by(articles.c.outlet)
    )
    with store.read() as conn:
        return {outlet: n for outlet, n in conn.execute(query)}


def relaying_article_ids(store: Database) -> list[int]:
    """Ids of the articles that can relay another outlet: an attribution whose source is an outlet
    or that names a channel ("told the Post"). Only these need their analysis read for relays."""
    query = (
        select(attributions.c.article_id)
        .where((attributions.c.source_kind == "outlet") | attributions.c.channel_start.is_not(None))
        .distinct()
        .order_by(attributions.c.article_id)
    )
    with store.read() as conn:
        return list(conn.scalars(query))
