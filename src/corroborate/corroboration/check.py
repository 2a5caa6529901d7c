"""Check a claim against stored articles: each article's stance and evidence, independent sources, a verdict.

:func:`check_claim` is a pure function over the candidate articles a retrieval step found (their
analyses, the article each copies, and a retrieval score) and the stance model's probabilities for each
(claim, article text) pair. It returns a frozen :class:`CheckResult`; ``docs/check.md`` describes the
fields, the verdict and how it relates to the story claims' statuses.

* **Addresses the claim**: the model's most probable class is not ``unrelated``, the article's full-text
  rank is at least :data:`MIN_RANK` of the best match's, and it holds at least :data:`MIN_COVERAGE` of the
  claim's content words (compared by their first five letters); the others are left out.
* **Stance**: the most probable of the model's other three classes.
* **Relevance** (``score``, 0 to 1): the mean of the model's probability that the article is related, the
  share of the claim's content words found in it, and its full-text rank.
* **Evidence**: up to :data:`MAX_EVIDENCE` sentences that repeat the claim's words (offsets into the stored
  text), each with the attribution whose content or cue overlaps it most: its source span, kind and
  certainty. A sentence no attribution covers is the outlet's own voice: ``source`` null, kind ``outlet``.
* **Independent sources** (articles whose stance is at least :data:`FIRM` probable and is supports or
  refutes): a copy counts as its original; an article's outlet is ``outlet_key(outlet)``, or the article
  itself when the outlet is unknown; a named person, organisation or document is one source wherever it
  speaks (a pronoun source adds none); an outlet relayed ("Reuters reported") is that outlet, the same source as the outlet's own voice;
  an anonymous source is one per outlet and description. An article whose evidence names no source is its
  outlet's own voice, unless every such passage hedges: an outlet hedging in its own voice vouches for nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from corroborate.corroboration.build import StoryArticle
from corroborate.corroboration.relay import display_name, outlet_key
from corroborate.corroboration.stance import STANCES
from corroborate.corroboration.stance_features import PREFIX, STOP_WORDS, tokenize
from corroborate.types import ANONYMOUS_KINDS, Analysis, Attribution, Span
from corroborate.words import word_set

__all__ = [
    "FIRM",
    "LISTED_STANCES",
    "MAX_EVIDENCE",
    "VERDICTS",
    "CheckCandidate",
    "CheckResult",
    "CheckedArticle",
    "Evidence",
    "check_claim",
    "claim_terms",
    "coverage",
    "verdict_of",
]

VERDICTS: tuple[str, ...] = ("refuted", "contested", "corroborated", "unverified")
LISTED_STANCES: tuple[str, ...] = ("supports", "refutes", "discusses")
FIRM = 0.5  # an article weighs in the verdict when its stance is at least this probable
MAX_EVIDENCE = 2  # evidence sentences per article
# An article addresses the claim when its full-text rank is at least MIN_RANK of the best match's and it
# holds MIN_COVERAGE of the claim's content words (chosen by retrieval F1 in folds by claim: docs/check.md).
MIN_RANK = 0.6
MIN_COVERAGE = 0.5
MIN_SENTENCE_SHARE = 0.25  # a sentence is evidence when it repeats this share of the claim's content words
_SENTENCE_END = re.compile(r"([.!?][\"'\u201d\u2019)]*)\s+|\n+")
_DENIAL = re.compile(
    r"\b(?:den(?:y|ies|ied|ying|ial)|reject\w*|dismiss\w*|refut\w*|debunk\w*|false|untrue|hoax\w*|fake)\b",
    re.I,
)
_HEDGE = re.compile(  # "may" in lower case only: "May" is also the month
    r"\b(?:(?i:reportedly|allegedly|purportedly|supposedly|apparently|rumou?r\w*|unconfirmed|unverified|"
    r"might|could|claim(?:s|ed)?|possibly|perhaps)|may)\b"
)
_ON_RECORD_KINDS = frozenset({"person", "organization", "document"})
# A pronoun source ("they said") points back to a source the article named before: it adds no source.
_PRONOUNS = word_set("he she they it we i you him her them his its their this that who")


@dataclass(frozen=True, slots=True)
class CheckCandidate:
    """A stored article the retrieval step found: its id, analysis, the article it copies, and its full-text
    rank as a share of the best match's (1: the best match), and the share of the claim's words its title and
    text hold (:func:`coverage`), when the caller has measured it already."""

    article_id: int
    analysis: Analysis
    copy_of: int | None = None
    retrieval: float = 1.0
    coverage: float | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """A passage of the stored text (``start``/``end`` index it) and who says it."""

    start: int
    end: int
    text: str
    source: Span | None  # the attribution's source span; None: the outlet's own voice, or nobody named
    source_kind: str
    certainty: str


@dataclass(frozen=True, slots=True)
class CheckedArticle(StoryArticle):
    """A story article's identity (id, url, outlet, title, published, copy_of) with its stance toward the
    checked claim."""

    stance: str
    score: float
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class CheckResult:
    claim: str
    verdict: str
    summary: str
    independent_sources: int
    named_sources: int
    anonymous_sources: int
    articles: tuple[CheckedArticle, ...]


# --------------------------------------------------------------------------- words and passages


def _stem(token: str) -> str:
    return token[:PREFIX]


def claim_terms(claim: str) -> frozenset[str]:
    """The claim's content words, by their first five letters (the stance features' cheap stemmer)."""
    return frozenset(_stem(t) for t in tokenize(claim) if t not in STOP_WORDS and len(t) > 1)


def coverage(terms: frozenset[str], text: str) -> float:
    """The share of ``terms`` (from :func:`claim_terms`) found in ``text``."""
    if not terms:
        return 0.0
    found = {_stem(t) for t in tokenize(text)}
    return len(terms & found) / len(terms)


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end(1) if match.group(1) else match.start()
        if text[start:end].strip():
            spans.append((start, end))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def _overlap(a: tuple[int, int], b: Span | None) -> int:
    if b is None:
        return 0
    return max(0, min(a[1], b.end) - max(a[0], b.start))


def _attribution_of(span: tuple[int, int], attributions: Sequence[Attribution]) -> Attribution | None:
    best, best_overlap = None, 0
    for att in attributions:
        covered = _overlap(span, att.content) + _overlap(span, att.cue)
        if covered > best_overlap:
            best, best_overlap = att, covered
    return best


def _evidence(analysis: Analysis, terms: frozenset[str], stance: str) -> tuple[Evidence, ...]:
    text = analysis.article.text
    scored = []
    for start, end in _sentence_spans(text):
        sentence = text[start:end]
        share = coverage(terms, sentence)
        if stance == "refutes" and _DENIAL.search(sentence):
            share += 0.25  # a refuting article's evidence is where it denies, when that repeats the claim
        if share >= MIN_SENTENCE_SHARE:
            scored.append((-share, start, end))
    out = []
    for _, start, end in sorted(scored)[:MAX_EVIDENCE]:
        att = _attribution_of((start, end), analysis.attributions)
        if att is None:
            certainty = "hedged" if _HEDGE.search(text[start:end]) else "asserted"
            out.append(Evidence(start, end, text[start:end], None, "outlet", certainty))
        else:
            out.append(Evidence(start, end, text[start:end], att.source, att.source_kind, att.certainty))
    return tuple(sorted(out, key=lambda e: e.start))


# --------------------------------------------------------------------------- sources and verdict


@dataclass(frozen=True, slots=True)
class _Source:
    key: str
    label: str
    named: bool
    on_record: bool
    side: str  # "supports" | "refutes"
    outlet: str  # the outlet (or article) that carries it


def _root(article_id: int, copies: dict[int, int | None]) -> int:
    seen = {article_id}
    while (parent := copies.get(article_id)) is not None and parent not in seen:
        seen.add(parent)
        article_id = parent
    return article_id


def _outlet_of(article: CheckedArticle | None, article_id: int) -> str:
    key = outlet_key(article.outlet) if article is not None else ""
    return f"outlet:{key}" if key else f"article:{article_id}"


def _sources(articles: Sequence[CheckedArticle], firm: dict[int, bool]) -> list[_Source]:
    by_id = {a.id: a for a in articles}
    copies = {a.id: a.copy_of for a in articles}
    out: list[_Source] = []
    for art in articles:
        if art.stance not in ("supports", "refutes") or not firm.get(art.id):
            continue
        root = _root(art.id, copies)
        outlet = _outlet_of(by_id.get(root, art), root)
        outlet_label = display_name(art.outlet) if art.outlet else f"article {root}"
        found = False
        for ev in art.evidence:
            if ev.source is None:
                continue
            desc = " ".join(ev.source.text.split())
            if desc.lower() in _PRONOUNS:
                continue
            found = True
            if ev.source_kind in ANONYMOUS_KINDS:
                out.append(_Source(f"anon:{outlet}:{desc.lower()}", desc, False, False, art.stance, outlet))
            elif ev.source_kind == "outlet":
                key = outlet_key(desc)
                out.append(_Source(f"outlet:{key}", display_name(desc), True, False, art.stance, outlet))
            else:
                on_record = ev.source_kind in _ON_RECORD_KINDS
                out.append(_Source(f"name:{outlet_key(desc)}", desc, True, on_record, art.stance, outlet))
        own = [ev for ev in art.evidence if ev.source is None]
        # The outlet in its own voice; hedging in its own voice ("reportedly") it vouches for nothing, as
        # a story claim's outlet that hedges does not back it (ClaimSource.backs).
        if not found and (not own or any(ev.certainty == "asserted" for ev in own)):
            out.append(_Source(outlet, outlet_label, True, False, art.stance, outlet))
    return out


def verdict_of(sources: Sequence[_Source]) -> str:
    """The verdict by the issue's precedence (see ``docs/check.md``)."""
    support = {s.key for s in sources if s.side == "supports"}
    refute = {s.key for s in sources if s.side == "refutes"}
    on_record_support = any(s.on_record for s in sources if s.side == "supports")
    on_record_denial = any(s.on_record for s in sources if s.side == "refutes")
    if len(refute) > len(support) or (on_record_denial and not on_record_support):
        return "refuted"
    if support and refute:
        return "contested"
    if len(support) >= 2:
        return "corroborated"
    return "unverified"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _side_phrase(sources: Sequence[_Source]) -> str:
    keys = {s.key: s for s in sources}
    n, outlets = len(keys), len({s.outlet for s in sources})
    named = [s for s in keys.values() if s.named]
    if not named:
        how = "all anonymous" if n > 1 else "anonymous"
    elif len(named) == n:
        how = "named" if n == 1 else "all named"
    else:
        how = f"{len(named)} named, {n - len(named)} anonymous"
    return f"{_plural(n, 'independent source')} ({how}) in {_plural(outlets, 'outlet')}"


def _summary(verdict: str, sources: Sequence[_Source], articles: Sequence[CheckedArticle]) -> str:
    if not articles:
        return "Unverified: no stored article addresses this claim."
    support = [s for s in sources if s.side == "supports"]
    refute = [s for s in sources if s.side == "refutes"]
    parts = []
    if support:
        on_record = sorted({s.label for s in support if s.on_record})
        named = f", on record: {', '.join(on_record[:3])}" if on_record else ""
        parts.append("supported by " + _side_phrase(support) + named)
    denial = next((s for s in refute if s.on_record), None)
    if denial is not None:
        parts.append(f"denied on record by {denial.label}")
    elif refute:
        parts.append("refuted by " + _side_phrase(refute))
    discussing = sum(1 for a in articles if a.stance == "discusses")
    if discussing:
        parts.append(f"discussed without taking a side by {_plural(discussing, 'article')}")
    if not support and not refute:
        parts.append("no article firmly supports or refutes it")
    text = "; ".join(parts)
    return f"{verdict.capitalize()}: {text}."


def check_claim(
    claim: str,
    candidates: Sequence[CheckCandidate],
    probabilities: Sequence[Sequence[float]],
    *,
    limit: int | None = None,
    min_rank: float = MIN_RANK,
    min_coverage: float = MIN_COVERAGE,
) -> CheckResult:
    """The check of ``claim`` over ``candidates``; ``probabilities[i]`` are the stance model's probabilities
    (in :data:`~corroborate.corroboration.stance.STANCES` order) for ``candidates[i]``'s text. ``limit``
    caps the listed articles (the most relevant first); the verdict weighs the listed ones. ``min_rank`` and
    ``min_coverage``: see the module docstring."""
    if len(probabilities) != len(candidates):
        raise ValueError(f"{len(candidates)} candidates but {len(probabilities)} probability rows")
    terms = claim_terms(claim)
    checked: list[CheckedArticle] = []
    firm: dict[int, bool] = {}
    for cand, row in zip(candidates, probabilities, strict=True):
        probs = dict(zip(STANCES, (float(p) for p in row), strict=True))
        stance = max(STANCES, key=lambda s: probs[s])
        if stance == "unrelated":
            continue
        article = cand.analysis.article
        share = cand.coverage
        if share is None:
            share = coverage(terms, f"{article.title or ''}\n{article.text}")
        if cand.retrieval < min_rank or share < min_coverage:
            continue
        related = 1.0 - probs["unrelated"]
        score = round(min(1.0, max(0.0, (related + share + cand.retrieval) / 3)), 4)
        firm[cand.article_id] = probs[stance] >= FIRM
        checked.append(
            CheckedArticle(
                id=cand.article_id,
                url=article.url,
                outlet=article.outlet,
                title=article.title,
                published=article.published,
                copy_of=cand.copy_of,
                stance=stance,
                score=score,
                evidence=_evidence(cand.analysis, terms, stance),
            )
        )
    checked.sort(key=lambda a: (-a.score, a.id))
    if limit is not None:
        checked = checked[: max(0, limit)]
    sources = _sources(checked, firm)
    verdict = verdict_of(sources)
    keys = {s.key: s for s in sources}
    named = sum(1 for s in keys.values() if s.named)
    return CheckResult(
        claim=claim,
        verdict=verdict,
        summary=_summary(verdict, sources, checked),
        independent_sources=len(keys),
        named_sources=named,
        anonymous_sources=len(keys) - named,
        articles=tuple(checked),
    )
