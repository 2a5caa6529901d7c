"""Claims of a story: what its articles say, found in three places and merged across paraphrases.

A *mention* is one place where an article carries a claim:

* ``headline``: the article's title. A headline attribution ("..., Trump tells cabinet",
  "Officials say ...") is split off: the rest is the claim and the headline counts as reported speech.
* ``attributed``: the content span of an attribution (someone else's words, on their authority).
* ``factual``: a key factual sentence in the article's own voice: a sentence that states a figure or
  a date (a :class:`~corroborate.types.Fact` lies in it) and that holds no attribution.

Paraphrases merge into one claim by average-linkage clustering over a weighted bag of normalised
terms (cosine similarity). Terms are light stems; a small table of common news predicates maps
synonyms to one *event concept* ("step down", "resign", "exit", "departure" -> ``leave``), weighted
highest because the predicate is the core of a proposition; names and numbers come next. Story-level
IDF is deliberately not used: within one story the words of its central claim are the commonest, and
IDF would down-weight exactly them. Two clusters never merge when both name people or things and share
none of them ("Musk will step down" vs "Rubio will step down").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from corroborate.corroboration.claim_text import (
    CLAIM_EVENTS,
    EMPTY,
    OPPOSITE_CONCEPTS,
    Token,
    Vocabulary,
    claim_core,
    cosine,
    hedged,
    names_of,
    negated,
    sentences,
    split_headline,
    stem,
    story_vocabulary,
    term_vector,
    tokens,
)
from corroborate.facts.figures import extract_facts
from corroborate.types import Analysis, Fact, omit

__all__ = [
    "CLAIM_EVENTS",
    "EMPTY",
    "FACTUAL_THRESHOLD",
    "MERGE_THRESHOLD",
    "OPPOSITE_CONCEPTS",
    "ClaimGroup",
    "Mention",
    "Token",
    "Vocabulary",
    "article_mentions",
    "claim_core",
    "claim_id",
    "cluster",
    "cosine",
    "facts_of",
    "figure_spans",
    "group_claims",
    "hedged",
    "names_of",
    "negated",
    "sentences",
    "split_headline",
    "stem",
    "story_vocabulary",
    "term_vector",
    "tokens",
]

#: Average cosine similarity at which two groups of mentions are one claim. With concept weight 3 a
#: bare event ("a departure could come at any moment") reaches about .6 against a paraphrase that
#: adds a handful of other words; a long sentence that only shares a name and the event stays near .4.
MERGE_THRESHOLD = 0.5
#: A key factual sentence is a whole sentence, often with several propositions; it is the same claim as
#: another mention only as a close paraphrase, and a wrong merge would make its article *support* a claim
#: it merely presupposes ("Musk's withdrawal comes on the heels of a costly defeat ..."). Its similarities
#: are scaled so that it merges at this cosine instead.
FACTUAL_THRESHOLD = 0.7
MIN_CONTENT_WEIGHT = 2.0  # "his comments", "that": fragments, not claims ("to resign" is one)
SHOWABLE_WEIGHT = 4.0  # a mention with less term weight ("to resign") is too bare to show its claim

MentionKind = str  # "headline" | "attributed" | "factual"
# --------------------------------------------------------------------------- mentions


@dataclass(frozen=True, slots=True)
class Mention:
    """One place an article carries a claim. ``field`` is ``"title"`` or ``"text"``: offsets index it."""

    article_id: int
    field: str
    start: int
    end: int
    text: str
    kind: MentionKind
    hedged: bool = False
    negated: bool = False
    attributions: tuple[int, ...] = field(
        default=(), metadata=omit
    )  # indexes into the article's attributions
    # a headline's own attribution ("Trump" in "..., Trump tells cabinet")
    headline_source: str | None = field(default=None, metadata=omit)
    core: str = field(default="", metadata=omit)  # the text compared with other mentions

    @property
    def own_voice(self) -> bool:
        """The article says it itself (no attribution, no headline attribution)."""
        return self.kind == "factual" or (self.kind == "headline" and self.headline_source is None)


def facts_of(analysis: Analysis) -> tuple[Fact, ...]:
    """The analysis's facts; for an analysis made before facts were extracted, they are extracted now."""
    if analysis.facts:
        return analysis.facts
    skip = [(b.start, b.end) for b in analysis.boilerplate]
    try:
        return tuple(extract_facts(analysis.article.text, analysis.article.published, skip))
    except Exception:  # facts are an extra; a failure must not lose the story
        return ()


_FIGURE = re.compile(
    r"[$\u00a3\u20ac]\s?\d|\b\d[\d,.]*\s?(?:%|percent|per cent|million|billion)|\b(?:19|20)\d\d\b|"
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d"
)


def figure_spans(text: str) -> list[tuple[int, int]]:
    """Figures and dates found by a plain pattern: the fallback when no facts were extracted."""
    return [(m.start(), m.end()) for m in _FIGURE.finditer(text)]


def _content_weight(text: str, vocabulary: Vocabulary) -> float:
    return sum(term_vector(text, vocabulary).values())


def article_mentions(
    article_id: int, analysis: Analysis, vocabulary: Vocabulary, facts: Sequence[Fact] | None = None
) -> list[Mention]:
    """Every mention of any claim in one article: headline, attribution contents, factual sentences."""
    article = analysis.article
    text = article.text
    out: list[Mention] = []
    if article.title and article.title.strip():
        start, end, source = split_headline(article.title)
        claim = article.title[start:end].strip(" ,:-\u2013\u2014")
        start = article.title.index(claim, start) if claim else start
        out.append(
            Mention(
                article_id,
                "title",
                start,
                start + len(claim),
                claim,
                "headline",
                hedged=hedged(claim),
                negated=negated(claim),
                headline_source=source,
                core=claim,
            )
        )
    by_span: dict[tuple[int, int], list[int]] = {}
    for index, att in enumerate(analysis.attributions):
        content = att.content
        if content is None or content.end <= content.start:
            continue
        if _content_weight(content.text, vocabulary) < MIN_CONTENT_WEIGHT:
            continue
        by_span.setdefault((content.start, content.end), []).append(index)
    for (start, end), indexes in sorted(by_span.items()):
        body = text[start:end]
        core_start, core_end = claim_core(body)
        core = body[core_start:core_end]
        out.append(
            Mention(
                article_id,
                "text",
                start,
                end,
                body,
                "attributed",
                hedged=any(analysis.attributions[i].certainty == "hedged" for i in indexes),
                negated=negated(core),
                attributions=tuple(indexes),
                core=core,
            )
        )
    covered = [
        (span.start, span.end)
        for att in analysis.attributions
        for span in (att.source, att.cue, att.content, att.channel)
        if span is not None
    ]
    facts = facts_of(analysis) if facts is None else facts
    fact_spans = [(f.span.start, f.span.end) for f in facts] or figure_spans(text)
    for start, end in sentences(text, [(b.start, b.end) for b in analysis.boilerplate]):
        sentence = text[start:end]
        if not re.search(r"[.!]['\"\u201d\u2019)]*$", sentence):  # headings, questions, fragments
            continue
        if any(a < end and start < b for a, b in covered):
            continue
        if not any(start <= a and b <= end for a, b in fact_spans):
            continue
        if _content_weight(sentence, vocabulary) < MIN_CONTENT_WEIGHT:
            continue
        out.append(
            Mention(
                article_id,
                "text",
                start,
                end,
                sentence,
                "factual",
                hedged=hedged(sentence),
                negated=negated(sentence),
                core=sentence,
            )
        )
    return out


# --------------------------------------------------------------------------- clustering


@dataclass(frozen=True, slots=True)
class ClaimGroup:
    """Mentions merged into one claim. ``text`` is a representative mention's claim text."""

    id: str
    text: str
    kind: MentionKind
    mentions: tuple[Mention, ...]
    representative: int  # index into mentions


def _compatible(a: frozenset[str], b: frozenset[str]) -> bool:
    return not a or not b or bool(a & b)


def cluster(
    vectors: Sequence[dict[str, float]],
    threshold: float = MERGE_THRESHOLD,
    strictness: Sequence[float] | None = None,
) -> list[list[int]]:
    """Average-linkage clusters (lists of indexes, each sorted) of term vectors: groups merge while their
    average pairwise cosine is at least ``threshold`` and their names are compatible. ``strictness``
    (per vector, default 1) scales a vector's similarities down: the pair's smaller factor applies."""
    n = len(vectors)
    if n == 0:
        return []
    index: dict[str, int] = {}
    for vec in vectors:
        for term in vec:
            index.setdefault(term, len(index))
    matrix = np.zeros((n, max(1, len(index))), dtype=np.float64)
    for i, vec in enumerate(vectors):
        for term, weight in vec.items():
            matrix[i, index[term]] = weight
    norms = np.linalg.norm(matrix, axis=1)
    norms[norms == 0] = 1.0
    unit = matrix / norms[:, None]
    # a claim is about what happens, not only about who is involved: groups that share nothing but
    # names (or months) are never similar
    predicate = np.array([not t.startswith(("e:", "t:")) for t in index], dtype=np.float64)
    if predicate.size < matrix.shape[1]:
        predicate = np.ones(matrix.shape[1])
    shared = ((matrix > 0) * predicate) @ (matrix > 0).T > 0
    raw = (unit @ unit.T) * shared
    if strictness is not None:
        factor = np.asarray(strictness, dtype=np.float64)
        raw = raw * np.minimum.outer(factor, factor)
    names = [names_of(v) for v in vectors]
    sizes = [1] * n
    members = [[i] for i in range(n)]
    active = np.ones(n, dtype=bool)

    def effective_row(i: int) -> np.ndarray:
        row = raw[i].copy()
        row[~active] = -np.inf
        row[i] = -np.inf
        for k in np.nonzero(row >= threshold)[0]:
            if not _compatible(names[i], names[k]):
                row[k] = -np.inf
        return row

    rows = np.vstack([effective_row(i) for i in range(n)])
    best = rows.argmax(axis=1)
    value = rows[np.arange(n), best]
    while True:
        value_masked = np.where(active, value, -np.inf)
        i = int(value_masked.argmax())
        if value_masked[i] < threshold:
            break
        j = int(best[i])
        i, j = min(i, j), max(i, j)
        merged = (sizes[i] * raw[i] + sizes[j] * raw[j]) / (sizes[i] + sizes[j])
        raw[i, :] = merged
        raw[:, i] = merged
        sizes[i] += sizes[j]
        members[i] += members[j]
        names[i] = names[i] | names[j]
        active[j] = False
        value[j] = -np.inf
        rows[i] = effective_row(i)
        rows[:, j] = -np.inf
        rows[:, i] = rows[i]
        others = np.nonzero(active)[0]
        others = others[others != i]
        stale = (best[others] == i) | (best[others] == j)
        better = others[~stale & (rows[others, i] > value[others])]
        best[better] = i
        value[better] = rows[better, i]
        stale = others[stale]
        if stale.size:
            best[stale] = rows[stale].argmax(axis=1)
            value[stale] = rows[stale, best[stale]]
        best[i] = int(rows[i].argmax())
        value[i] = rows[i, best[i]]
    return [sorted(members[i]) for i in range(n) if active[i]]


def _representative(
    members: Sequence[int], vectors: Sequence[dict[str, float]], chosen: Sequence[Mention]
) -> int:
    """Position (in ``members``) of the mention that shows the claim best: among the informative ones
    (term weight at least 4: "to resign" is too bare to show), an unhedged headline if there is one,
    else the one closest to the group's centroid (ties: the first)."""
    if len(members) == 1:
        return 0
    weight = [sum(vectors[i].values()) for i in members]
    pool = [p for p in range(len(members)) if weight[p] >= SHOWABLE_WEIGHT] or list(range(len(members)))
    headlines = [p for p in pool if chosen[p].kind == "headline" and not chosen[p].hedged]
    pool = headlines or pool

    centroid: dict[str, float] = {}
    for i in members:
        for term, w in vectors[i].items():
            centroid[term] = centroid.get(term, 0.0) + w

    def centrality(pos: int) -> tuple:
        return (round(cosine(vectors[members[pos]], centroid), 9), -pos)

    return max(pool, key=centrality)


def claim_id(mention: Mention) -> str:
    """Stable id of a claim, from its first mention: the article, the place and the normalised text."""
    norm = " ".join(re.findall(r"\w+", mention.core.lower()))
    key = f"{mention.article_id}:{mention.field}:{mention.start}:{norm}"
    return "c" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def group_claims(
    mentions: Sequence[Mention],
    vocabulary: Vocabulary,
    order: dict[int, int] | None = None,
    threshold: float = MERGE_THRESHOLD,
) -> list[ClaimGroup]:
    """Merge ``mentions`` into claims. ``order`` ranks articles (published order); the first mention is
    the earliest article's first (title before text)."""
    rank = order or {}
    vectors = [term_vector(m.core or m.text, vocabulary) for m in mentions]
    groups: list[ClaimGroup] = []
    strict = [MERGE_THRESHOLD / FACTUAL_THRESHOLD if m.kind == "factual" else 1.0 for m in mentions]
    for members in cluster(vectors, threshold, strict):

        def first_key(i: int) -> tuple:
            m = mentions[i]
            return (rank.get(m.article_id, m.article_id), m.article_id, m.field != "title", m.start)

        members = sorted(members, key=first_key)
        chosen = [mentions[i] for i in members]
        rep = _representative(members, vectors, chosen)
        kinds = {m.kind for m in chosen}
        kind = next(k for k in ("headline", "attributed", "factual") if k in kinds)
        text = " ".join((chosen[rep].core or chosen[rep].text).split())
        groups.append(ClaimGroup(claim_id(chosen[0]), text, kind, tuple(chosen), rep))
    return groups
