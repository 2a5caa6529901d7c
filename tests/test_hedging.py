"""Certainty of an attribution: asserted, hedged or denied, judged from the cue and its context."""

from __future__ import annotations

import pytest

from corroborate.attribution.hedging import certainty
from corroborate.text.nlp import load_nlp
from corroborate.types import Span

# (text, cue text, content text or None, has a source, expected certainty)
CASES: list[tuple[str, str, str | None, bool, str]] = [
    # asserted
    (
        "The minister said the border would reopen on Monday.",
        "said",
        "the border would reopen on Monday",
        True,
        "asserted",
    ),
    (
        "The agency confirmed that two inspectors had been suspended.",
        "confirmed",
        "two inspectors had been suspended",
        True,
        "asserted",
    ),
    (
        "According to the filing, the company lost $40 million last year.",
        "According to",
        "the company lost $40 million last year",
        True,
        "asserted",
    ),
    (
        "Officials said he did not know about the payments.",
        "said",
        "he did not know about the payments",
        True,
        "asserted",
    ),
    (
        "One aide didn't mince words, saying the plan was doomed.",
        "saying",
        "the plan was doomed",
        True,
        "asserted",
    ),
    # litotes: a negated idiom of emphasis as the cue itself is an emphatic assertion
    (
        "One aide didn't mince words, saying the plan was doomed.",
        "didn't mince words",
        "the plan was doomed",
        True,
        "asserted",
    ),
    (
        "The senator did not hesitate to call the bill a disgrace.",
        "did not hesitate to call",
        "the bill a disgrace",
        True,
        "asserted",
    ),
    (
        "The coach didn't hold back: the referees were a joke.",
        "didn't hold back",
        "the referees were a joke",
        True,
        "asserted",
    ),
    (
        "He never shied away from saying the war was lost.",
        "never shied away from saying",
        "the war was lost",
        True,
        "asserted",
    ),
    (
        "Critics argue the rules are unfair to small farms.",
        "argue",
        "the rules are unfair to small farms",
        True,
        "asserted",
    ),
    # hedged: hearsay, epistemic verbs, modals
    ("The actor is reportedly in talks to join the cast.", "reportedly", None, False, "hedged"),
    ("The suspect allegedly fled the scene in a stolen car.", "allegedly", None, False, "hedged"),
    ("He is said to have clashed with the finance minister.", "is said", None, False, "hedged"),
    ("The twins are said to be furious.", "are said", None, False, "hedged"),
    (
        "Analysts believe the bank will raise rates again.",
        "believe",
        "the bank will raise rates again",
        True,
        "hedged",
    ),
    ("The data suggest that the outbreak is slowing.", "suggest", "the outbreak is slowing", True, "hedged"),
    (
        "The governor may have told donors that she would run.",
        "may have told",
        "she would run",
        True,
        "hedged",
    ),
    (
        "The envoy might say the talks were a success.",
        "might say",
        "the talks were a success",
        True,
        "hedged",
    ),
    ("The senator appeared to confirm that she would retire.", "confirm", "she would retire", True, "hedged"),
    (
        "Sources close to the star claim he has quit the show.",
        "claim",
        "he has quit the show",
        True,
        "hedged",
    ),
    (
        "Officials said the ceasefire could collapse within days.",
        "said",
        "the ceasefire could collapse within days",
        True,
        "hedged",
    ),
    (
        "Economists have predicted that prices will rise.",
        "have predicted",
        "prices will rise",
        True,
        "hedged",
    ),
    # denied
    (
        "The Kremlin denied that its jets had entered Polish airspace.",
        "denied",
        "its jets had entered Polish airspace",
        True,
        "denied",
    ),
    (
        "The mayor did not say whether the budget would be cut.",
        "did not say",
        "the budget would be cut",
        True,
        "denied",
    ),
    (
        "The mayor didn't say whether the budget would be cut.",
        "didn't say",
        "the budget would be cut",
        True,
        "denied",
    ),
    (
        "The club refused to confirm that the coach had been sacked.",
        "refused to confirm",
        "the coach had been sacked",
        True,
        "denied",
    ),
    (
        "The firm rejected claims that it had misled investors.",
        "rejected",
        "claims that it had misled investors",
        True,
        "denied",
    ),
    ("Ms. Reyes dismissed the report as a smear.", "dismissed", "the report", True, "denied"),
    (
        "The candidate has never said that he opposes the tax.",
        "has never said",
        "he opposes the tax",
        True,
        "denied",
    ),
]


@pytest.fixture(scope="module")
def docs():
    texts = [c[0] for c in CASES]
    return dict(zip(texts, load_nlp().pipe(texts), strict=True))


def _span(text: str, part: str | None) -> Span | None:
    if part is None:
        return None
    start = text.index(part)
    return Span(start, start + len(part), part)


@pytest.mark.parametrize(
    ("text", "cue", "content", "sourced", "expected"), CASES, ids=[c[0][:40] for c in CASES]
)
def test_certainty(docs, text, cue, content, sourced, expected):
    doc = docs[text]
    source = Span(0, 3, text[:3]) if sourced else None
    assert certainty(doc, _span(text, cue), source, _span(text, content)) == expected


def test_no_cue_is_asserted(docs):
    text = CASES[0][0]
    assert certainty(docs[text], None) == "asserted"


def test_misaligned_cue_still_read(docs):
    text = "The Kremlin denied that its jets had entered Polish airspace."
    start = text.index("denied")
    # a cue span that stops inside the word
    assert certainty(docs[text], Span(start, start + 4, "deni"), Span(0, 11, "The Kremlin")) == "denied"
    assert certainty(docs[text], Span(400, 410, "")) == "asserted"
