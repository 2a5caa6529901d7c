"""Corroboration: for every claim of a story, who says so, how independently, and who contradicts it.

``build_story(story_id, members)`` takes the analysed articles of one story and returns a
:class:`StoryReport`: the claims (see :mod:`corroborate.corroboration.claims`), each with its sources, the stance of
every article and a status; the relay graph (:mod:`corroborate.corroboration.relay`); facts and their conflicts;
predictions (:mod:`corroborate.corroboration.predictions`) and a timeline. Pure over frozen dataclasses.

**Stance of an article toward a claim** (attribution rules first):

* ``supports``: the article states the claim in its own voice (a factual sentence, or a headline with no
  headline attribution) without a hedge.
* ``refutes``: the article states the opposite in its own voice, or its only takes on the claim are
  denials (an attribution whose cue is a denial, "X denied that ...", or whose content negates it) and it
  carries nobody asserting it. An article that reports both the claim and a denial *discusses* it; the
  denial is recorded on the claim (a source with role ``denies``) and shapes its status.
* ``discusses``: the article carries the claim only on others' authority (attribution contents, headlines
  such as "..., Trump tells cabinet") or hedged in its own voice ("Musk may be inching toward the exit").
* otherwise the ``stance`` callable (the FNC-1 model) judges the article when given, else ``unrelated``.
  Model stances have no evidence span; they are shown but never change a status.

Sources, independence, status and sourcing: :mod:`corroborate.corroboration.sources`.
The story members, claims and claim sources are defined in :mod:`corroborate.corroboration.model`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from corroborate.corroboration import claims as claims_mod
from corroborate.corroboration.claims import ClaimGroup, Mention
from corroborate.corroboration.entities import entity_keys
from corroborate.corroboration.model import Claim, ClaimSource, StoryMember
from corroborate.corroboration.predictions import find_predictions
from corroborate.corroboration.relay import RelayEdge, RelayLink, aggregate, outlet_key, relay_edges
from corroborate.corroboration.sources import (
    SourceContext,
    claim_sources,
    claim_sourcing,
    claim_status,
    claim_summary,
    contrary_mentions,
)
from corroborate.facts.figures import find_conflicts
from corroborate.types import Fact, as_keyed, omit

__all__ = [
    "StoryArticle",
    "StoryReport",
    "TimelineEntry",
    "build_story",
]


StanceFn = Callable[[Sequence[tuple[str, str]]], list[str]]
_MODEL_LABELS = {"agree": "supports", "disagree": "refutes", "discuss": "discusses"}


@dataclass(frozen=True, slots=True)
class StoryArticle:
    id: int
    url: str | None
    outlet: str | None
    title: str | None
    published: date | None
    copy_of: int | None


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    date: date
    end: date | None
    kind: str  # "article" | "prediction"
    article_id: int
    label: str
    claim_id: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class StoryReport:
    id: str
    title: str | None
    first_published: date | None
    last_published: date | None
    today: date | None = field(metadata=omit)
    articles: tuple[StoryArticle, ...]
    claims: tuple[Claim, ...]
    relays: tuple[RelayLink, ...]
    facts: tuple[tuple[int, Fact], ...] = field(metadata=as_keyed("article_id"))
    conflicts: tuple[Any, ...]  # facts.Conflict
    predictions: tuple[Any, ...]  # predictions.Prediction
    timeline: tuple[TimelineEntry, ...]

    def claim(self, claim_id: str) -> Claim | None:
        return next((c for c in self.claims if c.id == claim_id), None)


# --------------------------------------------------------------------------- the story


def _root(article_id: int, members: dict[int, StoryMember]) -> int:
    seen = set()
    while members[article_id].copy_of in members and article_id not in seen:
        seen.add(article_id)
        article_id = members[article_id].copy_of  # type: ignore[assignment]
    return article_id


def _rule_stance(mentions: Sequence[tuple[Mention, bool]], sources: Sequence[ClaimSource]) -> tuple[str, str]:
    """An article's stance from its mentions ((mention, contrary) pairs) and sources; see the module."""
    own = [contrary for m, contrary in mentions if m.own_voice and not m.hedged]
    if own and not any(own):
        return "supports", "own_voice"
    if own and all(own):
        return "refutes", "own_voice"
    if any(s.role == "denies" for s in sources) and not any(s.backs for s in sources if not s.own_voice):
        return "refutes", "denial"
    return "discusses", "attribution"


def _claim(group: ClaimGroup, ctx: SourceContext, order: Sequence[int]) -> tuple[Claim, list[int]]:
    sources = claim_sources(group, ctx)
    stances: dict[int, tuple[str, str]] = {}
    by_article: dict[int, list[tuple[Mention, bool]]] = {}
    for m, contrary in zip(group.mentions, contrary_mentions(group, ctx.vocabulary), strict=True):
        by_article.setdefault(m.article_id, []).append((m, contrary))
    for article_id, mentions in by_article.items():
        article_sources = [s for s in sources if s.article_id == article_id]
        stances[article_id] = _rule_stance(mentions, article_sources)
    missing = [a for a in order if a not in stances]
    backing = [s for s in sources if s.backs]
    outlets = len({ctx.root_outlet[a] for a in by_article})
    independent = len({s.independent_key for s in backing})
    status, sourcing = claim_status(sources), claim_sourcing(sources)
    final = {a: stances.get(a, ("unrelated", "none")) for a in order}
    values = [v for v, _ in final.values()]
    counts = (
        ("mentions", len(group.mentions)),
        ("articles", len(by_article)),
        ("outlets", outlets),
        ("sources", len(sources)),
        ("independent_sources", independent),
        ("named", len({s.independent_key for s in backing if s.named and not s.own_voice})),
        ("anonymous", len({s.independent_key for s in backing if not s.named})),
        ("relayed", len({s.via for s in backing if s.via})),
        ("denials", sum(1 for s in sources if s.role == "denies")),
        ("supporting", values.count("supports")),
        ("refuting", values.count("refutes")),
        ("discussing", values.count("discusses")),
    )
    claim = Claim(
        id=group.id,
        text=group.text,
        kind=group.kind,
        mentions=group.mentions,
        sources=tuple(sources),
        stances=tuple((a, v) for a, (v, _) in final.items()),
        stance_basis=tuple((a, b) for a, (_, b) in final.items()),
        status=status,
        sourcing=sourcing,
        outlets=outlets,
        counts=counts,
        summary=claim_summary(status, sourcing, outlets, sources),
    )
    return claim, missing


def _with_model(
    claims: list[Claim], missing: list[list[int]], members: dict[int, StoryMember], stance: StanceFn
) -> list[Claim]:
    """Ask the stance model about the articles that carry no mention of a claim."""
    pairs, where = [], []
    for ci, article_ids in enumerate(missing):
        for article_id in article_ids:
            pairs.append((claims[ci].text, members[article_id].analysis.article.text))
            where.append((ci, article_id))
    if not pairs:
        return claims
    labels = list(stance(pairs))
    updated: dict[int, dict[int, str]] = {}
    for (ci, article_id), label in zip(where, labels, strict=True):
        label = _MODEL_LABELS.get(label, label)
        if label in ("supports", "refutes", "discusses", "unrelated"):
            updated.setdefault(ci, {})[article_id] = label
    out = []
    for ci, claim in enumerate(claims):
        if ci not in updated:
            out.append(claim)
            continue
        new = updated[ci]
        stances = tuple((a, new.get(a, s)) for a, s in claim.stances)
        basis = tuple((a, "model" if a in new else b) for a, b in claim.stance_basis)
        values = [s for _, s in stances]
        counts = tuple(
            (k, values.count({"supporting": "supports", "refuting": "refutes", "discussing": "discusses"}[k]))
            if k in ("supporting", "refuting", "discussing")
            else (k, v)
            for k, v in claim.counts
        )
        out.append(replace(claim, stances=stances, stance_basis=basis, counts=counts))
    return out


def _order_key(member: StoryMember) -> tuple:
    published = member.analysis.article.published
    return (published or date.max, member.article_id)


def build_story(
    story_id: str,
    members: Sequence[StoryMember],
    *,
    stance: StanceFn | None = None,
    today: date | None = None,
) -> StoryReport:
    """The :class:`StoryReport` of one story. ``stance`` judges articles that carry no mention of a claim
    (a callable like ``stance.predict_stances``; None: rules only). ``today`` decides which predictions
    are overdue; by default the story's last published date (a historical corpus is judged as of then).
    """
    ordered = sorted(members, key=_order_key)
    by_id = {m.article_id: m for m in ordered}
    order = [m.article_id for m in ordered]
    rank = {a: i for i, a in enumerate(order)}
    texts = [m.analysis.article.text for m in ordered] + [m.analysis.article.title or "" for m in ordered]
    vocabulary = claims_mod.story_vocabulary(texts)
    root_outlet = {}
    for m in ordered:
        root = by_id[_root(m.article_id, by_id)]
        root_outlet[m.article_id] = outlet_key(root.analysis.article.outlet) or f"article-{root.article_id}"
    edges: list[RelayEdge] = relay_edges(ordered)
    via = {(e.article_id, e.span.start, e.span.end): e.to_outlet for e in edges}
    names = (a.source_entity.name for m in ordered for a in m.analysis.attributions if a.source_entity)
    ctx = SourceContext(by_id, root_outlet, via, vocabulary, entity_keys(names))

    facts = {m.article_id: claims_mod.facts_of(m.analysis) for m in ordered}
    mentions = [
        mention
        for m in ordered
        for mention in claims_mod.article_mentions(m.article_id, m.analysis, vocabulary, facts[m.article_id])
    ]
    groups = claims_mod.group_claims(mentions, vocabulary, rank)
    built = [_claim(g, ctx, order) for g in groups]
    claims = [c for c, _ in built]
    if stance is not None:
        claims = _with_model(claims, [miss for _, miss in built], by_id, stance)
    claims.sort(key=lambda c: (-dict(c.counts)["articles"], -len(c.mentions), _first(c, rank)))

    dates = [m.analysis.article.published for m in ordered if m.analysis.article.published]
    first, last = (min(dates), max(dates)) if dates else (None, None)
    when = today or last
    predictions = find_predictions(claims, by_id, facts, vocabulary, when)
    fact_items = tuple((m.article_id, f) for m in ordered for f in facts[m.article_id])
    founding = next((m for m in ordered if m.analysis.article.title), ordered[0] if ordered else None)
    return StoryReport(
        id=story_id,
        title=founding.analysis.article.title if founding else None,
        first_published=first,
        last_published=last,
        today=when,
        articles=tuple(
            StoryArticle(
                m.article_id,
                m.analysis.article.url,
                m.analysis.article.outlet,
                m.analysis.article.title,
                m.analysis.article.published,
                m.copy_of,
            )
            for m in ordered
        ),
        claims=tuple(claims),
        relays=tuple(aggregate(e for e in edges if by_id[e.article_id].copy_of is None)),
        facts=fact_items,
        conflicts=_conflicts([(a, f) for a, f in fact_items if by_id[a].copy_of is None]),
        predictions=tuple(predictions),
        timeline=_timeline(ordered, predictions),
    )


def _first(claim: Claim, rank: dict[int, int]) -> tuple:
    m = claim.mentions[0]
    return (rank.get(m.article_id, 0), m.field != "title", m.start)


def _conflicts(items: Sequence[tuple[int, Fact]]) -> tuple:
    return tuple(find_conflicts(items))


def _timeline(ordered: Sequence[StoryMember], predictions: Sequence) -> tuple[TimelineEntry, ...]:
    entries = []
    for m in ordered:
        article = m.analysis.article
        if article.published:
            label = f"{article.outlet or 'unknown outlet'}: {article.title or '(untitled)'}"
            entries.append(TimelineEntry(article.published, None, "article", m.article_id, label))
    for p in predictions:
        if p.window_start:
            entries.append(
                TimelineEntry(
                    p.window_start, p.window_end, "prediction", p.article_id, p.text, p.claim_id, p.status
                )
            )
    return tuple(sorted(entries, key=lambda e: (e.date, e.kind != "article", e.article_id)))
