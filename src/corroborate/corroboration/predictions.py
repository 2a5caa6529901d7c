"""Predictions: claims about the future, their due windows, and whether later articles saw them happen.

A mention of a claim is a prediction when it carries a future date (a :class:`~corroborate.types.Fact`
of kind ``date`` with ``future`` set, inside the mention or in its sentence) or a future cue ("will",
"would leave", "is expected to", "plans to", "set to", a headline's "Musk to step back"). The due window
is the future date's window (``date_start``..``date_end``); failing that a vague horizon in the mention
("soon", "in the coming weeks", "imminent") counted from the publication date; failing that none.

Status, judged as of ``today`` (by default the story's last published date):

* ``fulfilled``: a later article of the story reports the predicted event as done: the claim's event
  (or, for claims without a known event, a sentence as similar as a paraphrase) in the past or perfect
  tense and not negated ("left", "stepped down", "has departed").
* ``failed``: a later article published after the window reports that it did not happen: the event
  negated ("will not leave", "did not step down") or its opposite ("remains", "stayed on").
* ``overdue``: the window has passed and no outcome was reported.
* ``open``: the window has not passed, or there is none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from corroborate.corroboration import claims as claims_mod
from corroborate.corroboration.model import Claim, StoryMember
from corroborate.types import Fact, as_object
from corroborate.words import word_set

_FUTURE = re.compile(
    r"\b(?:will|won't|would|wouldn't|shall|is expected to|are expected to|expected to|(?<!his )(?<!her )(?<!its )(?<!the )(?<!their )plans? to|planning to|"
    r"intends? to|is set to|are set to|set to|is going to|are going to|about to|is to|are to|is due to|"
    r"are due to|due to)\b|['\u2019]ll\b",
    re.I,
)
_HEADLINE_FUTURE = re.compile(r"^[^,:;]*?\b(?:to|set to)\s+(?!the\b|a\b)[a-z]+", re.I)
_CONDITIONAL = re.compile(r"^\s*(?:that\s+)?(?:if|unless|should|whether)\b", re.I)
#: Vague horizons, in days after publication.
HORIZONS: tuple[tuple[re.Pattern, int], ...] = (
    (re.compile(r"\b(?:in|within|over) the (?:coming|next) (?:few )?days\b", re.I), 14),
    (re.compile(r"\b(?:in|within|over) the (?:coming|next) (?:few )?weeks\b", re.I), 42),
    (re.compile(r"\b(?:in|within|over) the (?:coming|next) (?:few )?months\b", re.I), 183),
    (re.compile(r"\b(?:soon|shortly|imminent(?:ly)?|at any moment|any day now)\b", re.I), 30),
)
_PAST_AUX = re.compile(r"^(?:has|have|had|was|were|is|are|been)$", re.I)
_MODAL = re.compile(r"^(?:will|would|could|may|might|should|can|to|if|whether|must|shall)$", re.I)
_NEGATOR = re.compile(r"^(?:not|never|no)$|n['\u2019]t$", re.I)
_PAST_FORMS = word_set("left quit withdrew stood went fell rose won lost died resigned")
_NEGATION_SCOPE = 4  # words before an event word in which a negator reverses it ("did not step down")
_MODAL_SCOPE = 3  # words before an event word in which a modal makes it no outcome ("could leave")
_PAST_AUX_SCOPE = 2  # words before an event word in which an auxiliary puts it in the past ("has left")


@dataclass(frozen=True, slots=True)
class Outcome:
    """A later article's report of how a prediction turned out; offsets index its text."""

    article_id: int
    published: date | None
    start: int
    end: int
    text: str
    result: str  # "fulfilled" | "failed"


@dataclass(frozen=True, slots=True)
class Prediction:
    """One predicting mention of a claim, with its window (``window_evidence``: the date or horizon text,
    offsets in the same field as the mention) and status."""

    claim_id: str
    article_id: int
    field: str
    start: int
    end: int
    text: str
    made: date | None
    cue: str | None
    window_start: date | None
    window_end: date | None
    window_evidence: tuple[int, int, str] | None = field(metadata=as_object("start", "end", "text"))
    status: str
    outcome: Outcome | None = None


def _sentence_of(ranges: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    for s, e in ranges:
        if s <= start < e or s < end <= e:
            return min(s, start), max(e, end)
    return start, end


def _window(mention, facts: Sequence[Fact], ranges: Sequence[tuple[int, int]], made: date | None):
    """``(start, end, evidence, cue)`` of a mention's due window, or None when it is not a prediction."""
    body = mention.text
    cue = _FUTURE.search(body)
    if mention.kind == "headline" and cue is None:
        cue = _HEADLINE_FUTURE.search(body)
        cue = re.search(r"\bto\b", cue.group(0)) if cue else None
    if _CONDITIONAL.search(body):
        cue = None
    if mention.field == "text":
        lo, hi = _sentence_of(ranges, mention.start, mention.end)
        near = [
            f
            for f in facts
            if f.kind == "date" and f.future and f.date_end and lo <= f.span.start and f.span.end <= hi
        ]
        inside = [f for f in near if mention.start <= f.span.start and f.span.end <= mention.end]
        chosen = (inside or (near if cue else []))[:1]  # a date beside the mention needs a future cue
        if chosen:
            f = chosen[0]
            return (
                f.date_start or made,
                f.date_end,
                (f.span.start, f.span.end, f.span.text),
                cue.group(0) if cue else None,
            )
    if cue is None:
        return None
    for pattern, days in HORIZONS:
        m = pattern.search(body)
        if m and made:
            offset = mention.start if mention.field == "text" else 0
            evidence = (offset + m.start(), offset + m.end(), m.group(0))
            return made, made + timedelta(days=days), evidence, cue.group(0)
    return None, None, None, cue.group(0)


@dataclass(frozen=True, slots=True)
class _Sentence:
    start: int
    end: int
    text: str
    tokens: tuple[claims_mod.Token, ...]
    vector: dict[str, float]
    events: bool  # holds an event concept


class _Index:
    """Sentences of the members (boilerplate left out), tokenised once, and what each claim is about."""

    def __init__(self, members: Mapping[int, StoryMember], vocabulary: claims_mod.Vocabulary) -> None:
        self.members = members
        self.vocabulary = vocabulary
        self._sentences: dict[int, list[_Sentence]] = {}
        self._claims: dict[str, tuple[set[str], set[str], dict[str, float]]] = {}
        self._outcomes: dict[str, list] = {}

    def sentences(self, article_id: int) -> list[_Sentence]:
        if article_id not in self._sentences:
            analysis = self.members[article_id].analysis
            text = analysis.article.text
            skip = [(b.start, b.end) for b in analysis.boilerplate]
            found = []
            for start, end in claims_mod.sentences(text, skip):
                toks = tuple(claims_mod.tokens(text[start:end], self.vocabulary))
                vector = {t.term: t.weight for t in toks if t.term}
                events = any(t.startswith("c:") for t in vector)
                found.append(_Sentence(start, end, text[start:end], toks, vector, events))
            self._sentences[article_id] = found
        return self._sentences[article_id]

    def outcomes(self, claim: Claim) -> list[tuple[date, int, _Sentence, str]]:
        """Every sentence of any dated member that reports how the claim turned out: (published, article
        id, sentence, "fulfilled" | "failed"), in published order."""
        key = "outcomes:" + claim.id
        if key not in self._outcomes:
            events, claim_names, reference = self.about(claim)
            found = []
            dated = [m for m in self.members.values() if m.analysis.article.published]
            for member in sorted(dated, key=lambda m: (m.analysis.article.published, m.article_id)):
                for sentence in self.sentences(member.article_id):
                    names = claims_mod.names_of(sentence.vector)
                    if names and claim_names and not names & claim_names:
                        continue
                    if events:
                        result = _judge(sentence.tokens, events) if sentence.events else None
                    elif claims_mod.cosine(sentence.vector, reference) >= claims_mod.MERGE_THRESHOLD:
                        result = _plain_judge(sentence.text)
                    else:
                        result = None
                    if result:
                        found.append((member.analysis.article.published, member.article_id, sentence, result))
            self._outcomes[key] = found
        return self._outcomes[key]

    def about(self, claim: Claim) -> tuple[set[str], set[str], dict[str, float]]:
        """The claim's events (``leave``), names, and the term vector of its text."""
        if claim.id not in self._claims:
            events: set[str] = set()
            names: set[str] = set()
            for m in claim.mentions:
                vector = claims_mod.term_vector(m.core or m.text, self.vocabulary)
                names |= claims_mod.names_of(vector)
                events |= {t[2:] for t in vector if t.startswith("c:") and t[2:] in claims_mod.CLAIM_EVENTS}
            self._claims[claim.id] = (events, names, claims_mod.term_vector(claim.text, self.vocabulary))
        return self._claims[claim.id]


def _judge(toks: Sequence[claims_mod.Token], events: set[str]) -> str | None:
    """ "fulfilled", "failed" or None for one sentence of a later article, for a claim about ``events``."""
    for i, tok in enumerate(toks):
        if not (tok.term and tok.term.startswith("c:")):
            continue
        concept = tok.term[2:]
        before = [t.surface for t in toks[max(0, i - _NEGATION_SCOPE) : i]]
        negated = any(_NEGATOR.search(w) for w in before)
        if concept in events:
            if negated:
                return "failed"
            if any(_MODAL.match(w) for w in before[-_MODAL_SCOPE:]):
                continue
            surface = tok.surface.lower()
            if (
                surface in _PAST_FORMS
                or surface.endswith("ed")
                or any(_PAST_AUX.match(w) for w in before[-_PAST_AUX_SCOPE:])
            ):
                return "fulfilled"
        elif any(claims_mod.OPPOSITE_CONCEPTS.get(e) == concept for e in events) and not negated:
            return "failed"
    return None


def _outcome(prediction: Prediction, claim: Claim, index: _Index) -> Outcome | None:
    """The first later report that settles ``prediction``: the earliest fulfilment, else the first failure
    published after the window."""
    if prediction.made is None:
        return None
    found = []
    for published, article_id, sentence, result in index.outcomes(claim):
        if published <= prediction.made:
            continue
        if result == "failed" and (prediction.window_end is None or published <= prediction.window_end):
            continue
        found.append(Outcome(article_id, published, sentence.start, sentence.end, sentence.text, result))
    fulfilled = [o for o in found if o.result == "fulfilled"]
    return (fulfilled or found or [None])[0]


def _plain_judge(sentence: str) -> str | None:
    if claims_mod.negated(sentence):
        return "failed"
    if _FUTURE.search(sentence) or claims_mod.hedged(sentence):
        return None
    return "fulfilled" if re.search(r"\b(?:has|have|had)\s+\w+ed\b|\b\w+ed\b", sentence) else None


def find_predictions(
    claims: Sequence[Claim],
    members: Mapping[int, StoryMember],
    facts: Mapping[int, Sequence[Fact]],
    vocabulary: claims_mod.Vocabulary,
    today: date | None,
) -> list[Prediction]:
    """Every prediction of every claim (copies left out), with its status as of ``today`` (None: no
    window has passed)."""
    out: list[Prediction] = []
    index = _Index(members, vocabulary)
    for claim in claims:
        for mention in claim.mentions:
            member = members[mention.article_id]
            if member.copy_of in members:  # a copy repeats its original's predictions
                continue
            article = member.analysis.article
            ranges = [(x.start, x.end) for x in index.sentences(mention.article_id)]
            window = _window(mention, facts.get(mention.article_id, ()), ranges, article.published)
            if window is None:
                continue
            start, end, evidence, cue = window
            prediction = Prediction(
                claim.id, mention.article_id, mention.field, mention.start, mention.end, mention.text,
                article.published, cue, start, end, evidence, "open",
            )  # fmt: skip
            outcome = _outcome(prediction, claim, index)
            if outcome is not None and mention.negated:  # "will not leave": a departure fails it
                flipped = "failed" if outcome.result == "fulfilled" else "fulfilled"
                outcome = replace(outcome, result=flipped)
            if outcome is not None:
                status = outcome.result
            elif end is not None and today is not None and today > end:
                status = "overdue"
            else:
                status = "open"
            out.append(_with(prediction, status, outcome))
    return out


def _with(prediction: Prediction, status: str, outcome: Outcome | None) -> Prediction:
    return replace(prediction, status=status, outcome=outcome)
