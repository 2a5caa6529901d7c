"""Source kinds: who a reader would say is being cited, from the source noun phrase alone."""

from __future__ import annotations

import pytest

from corroborate.attribution.source_kinds import classify_source_kind
from corroborate.text.nlp import load_nlp
from corroborate.types import SOURCE_KINDS, Span

# (noun phrase, expected kind). Each is placed in "On Monday, NP said the plan would work."
PHRASES: list[tuple[str, str]] = [
    # outlets
    ("The Washington Post", "outlet"),
    ("CNN", "outlet"),
    ("the Post", "outlet"),
    ("the Times", "outlet"),
    ("The Associated Press", "outlet"),
    ("Reuters", "outlet"),
    ("the Guardian", "outlet"),
    ("the Daily Mail", "outlet"),
    ("Axios", "outlet"),
    ("Politico", "outlet"),
    ("Rolling Stone", "outlet"),
    ("the newspaper", "outlet"),
    ("Britain's Daily Mail", "outlet"),
    ("the conservative Washington Times", "outlet"),
    ("Michael J. Fox", "person"),
    # anonymous individuals
    ("one senior official", "anonymous_individual"),
    ("a person familiar with the matter", "anonymous_individual"),
    ("a source", "anonymous_individual"),
    ("an aide", "anonymous_individual"),
    ("one of the insiders", "anonymous_individual"),
    ("a senator", "anonymous_individual"),
    ("a former employee", "anonymous_individual"),
    # anonymous groups
    ("three White House insiders", "anonymous_group"),
    ("sources close to Musk", "anonymous_group"),
    ("analysts", "anonymous_group"),
    ("officials", "anonymous_group"),
    ("aides", "anonymous_group"),
    ("those close to the campaign", "anonymous_group"),
    ("senior officials", "anonymous_group"),
    ("critics", "anonymous_group"),
    ("economists", "anonymous_group"),
    ("some", "anonymous_group"),
    ("people familiar with the talks", "anonymous_group"),
    ("the president and his allies", "anonymous_group"),
    # documents
    ("a report", "document"),
    ("the memo", "document"),
    ("court filings", "document"),
    ("the indictment", "document"),
    ("a statement", "document"),
    ("the poll", "document"),
    ("a study", "document"),
    # persons
    ("Donald Trump", "person"),
    ("Mr. Obama", "person"),
    ("Susie Wiles", "person"),
    ("Secretary of State Marco Rubio", "person"),
    ("the president", "person"),
    ("Trump's chief of staff", "person"),
    ("Sen. Elizabeth Warren", "person"),
    # organisations
    ("the White House", "organization"),
    ("the Justice Department", "organization"),
    ("the campaign", "organization"),
    ("Republicans", "organization"),
    ("the FBI", "organization"),
    ("Tesla", "organization"),
    ("the Pentagon spokesman", "organization"),
    ("the company", "organization"),
]


# Patterns of docs/source-kinds.md, in phrases written for this suite (same frame as PHRASES).
PATTERNS: list[tuple[str, str]] = [
    # the head noun decides over a determiner or quantifier
    ("one slide", "document"),
    ("A new ad", "document"),
    ("an answer", "document"),
    ("one of the first polls", "document"),
    ("A group of doctors", "anonymous_group"),
    ("A number of members", "anonymous_group"),
    ("A chorus of senior Republicans", "anonymous_group"),
    ("A majority of voters", "anonymous_group"),
    ("a three-judge panel of the appeals court", "organization"),
    ("the pair of rivals", "person"),
    # plural common nouns for unnamed people and institutions
    ("groups", "anonymous_group"),
    ("several environmental groups", "anonymous_group"),
    ("the companies", "anonymous_group"),
    ("many colleges", "anonymous_group"),
    ("the nations of the world", "anonymous_group"),
    ("state regulators", "anonymous_group"),
    ("protesters", "anonymous_group"),
    ("Americans", "anonymous_group"),
    ("Americans worried about rising prices", "anonymous_group"),
    ("some Democrats", "anonymous_group"),
    ("skittish Democrats", "anonymous_group"),
    ("fellow Republicans", "anonymous_group"),
    ("One Democrat", "anonymous_individual"),
    ("No one", "anonymous_group"),
    ("Twelve percent", "anonymous_group"),
    # a person's name in the phrase; plural references to named people
    ("An attorney for the firm, Mark Reynolds,", "person"),
    ("Her niece, state Sen. Jane Doe,", "person"),
    ("Chief Smith", "person"),
    ("Pentagon spokeswoman Laura Bell", "person"),
    ("Jon R. Smith II, a writer for the magazine,", "person"),
    ("both men", "person"),
    ("the two men", "person"),
    ("the candidates", "person"),
    ("the senators", "person"),
    ("senators", "anonymous_group"),
    ("Maria Lopez and other residents", "person"),
    ("Governor Ruiz and his aides", "person"),
    ("my sister and I", "person"),
    # artefacts, with "the" or a possessive
    ("The ad", "document"),
    ("The clip", "document"),
    ("the film", "document"),
    ("her submission", "document"),
    ("the league's bylaws", "document"),
    ("party rules", "document"),
    ("his tax returns", "document"),
    ("polling averages", "document"),
    ("court papers", "document"),
    # unnamed singular roles
    ("a spokesman", "anonymous_individual"),
    ("A spokeswoman for Senator Jane Doe", "anonymous_individual"),
    ("a Pentagon spokesman", "anonymous_individual"),
    ("A spokesperson for Sheffield University", "anonymous_individual"),
    ("the announcer", "anonymous_individual"),
    ("the ad's narrator", "anonymous_individual"),
    ("his lawyer", "anonymous_individual"),
    ("Her daughter", "anonymous_individual"),
    ("any taxpayer", "anonymous_individual"),
    ("the 52-year-old father of two", "person"),
    # outlets: names shaped like outlets, outlet nouns and their plurals
    ("Acme News Service", "outlet"),
    ("The Springfield Observer", "outlet"),
    ("the Springfield Times-Herald", "outlet"),
    ("Acme Broadcasting Corporation", "outlet"),
    ("Zero Hedge", "outlet"),
    ("state news media", "outlet"),
    ("editorial boards", "outlet"),
    ("far fewer publications", "outlet"),
    ("dozens of papers", "outlet"),
]

# (text, source span (its last occurrence), kind): cases that need the rest of the snippet.
IN_CONTEXT: list[tuple[str, str, str]] = [
    (
        "Mark Reynolds, his lawyer, arrived early. Later, his lawyer said the plan would work.",
        "his lawyer",
        "person",
    ),
    (
        "My parents, James and Olive Dunn, ran a farm. My mother said the plan would work.",
        "My mother",
        "person",
    ),
    ("Acme News Service (ANS) broke the story on Friday. ANS said the plan would work.", "ANS", "outlet"),
    ("Senators Ann Hale and Tom Reyes toured the plant. They said the plan would work.", "They", "person"),
    ("One Tweet Sums Up The Week In Washington", "One Tweet", "document"),
    (
        "Video shows the man running, contradicting Springfield police’s earlier claim.",
        "Springfield police’s",
        "organization",
    ),
    ("Tom Reed left the meeting early. His claim that the plan would work was disputed.", "His", "person"),
    ("Senators Ann Hale and Tom Reyes toured the plant. Each said the plan would work.", "Each", "person"),
    (
        "A federal judge ruled on Friday. Judge Ann Cole said the plan would work. A federal judge",
        "A federal judge",
        "person",
    ),
    ("A former aide said on Friday that the plan would work.", "A former aide", "anonymous_individual"),
    (
        "An attorney for Ann Cole, Mark Reynolds, spoke first. Later, Cole's lawyer said the plan would work.",
        "Cole's lawyer",
        "person",
    ),
    ("Country after country said the plan would work.", "Country after country", "anonymous_group"),
    (
        "The agency's sprawling bureaucracy said the plan would work.",
        "The agency's sprawling bureaucracy",
        "organization",
    ),
]


def _sentence(np: str) -> str:
    return f"On Monday, {np} said the plan would work."


# Two-sentence snippets: the pronoun (last occurrence of the word) takes the kind of its antecedent.
PRONOUNS: list[tuple[str, str, str]] = [
    ("Elon Musk arrived late to the meeting. He said the plan would work.", "He", "person"),
    (
        "A former staffer described the office as chaotic. She said nobody was in charge.",
        "She",
        "anonymous_individual",
    ),
    (
        "Several analysts were unconvinced by the figures. They said the forecast was too rosy.",
        "They",
        "anonymous_group",
    ),
    (
        "The Justice Department opened an inquiry in May. It said the review would take months.",
        "It",
        "organization",
    ),
    ("The report was published on Friday. It said the program had failed.", "It", "document"),
]

_ALL_TEXTS = [_sentence(np) for np, _ in PHRASES + PATTERNS] + [t for t, _, _ in PRONOUNS + IN_CONTEXT]


@pytest.fixture(scope="module")
def docs():
    parsed = list(load_nlp().pipe(_ALL_TEXTS))
    return dict(zip(_ALL_TEXTS, parsed, strict=True))


@pytest.mark.parametrize(("np", "kind"), PHRASES, ids=[p for p, _ in PHRASES])
def test_source_kind(docs, np, kind):
    text = _sentence(np)
    start = text.index(np)
    assert classify_source_kind(docs[text], Span(start, start + len(np), np)) == kind


@pytest.mark.parametrize(("np", "kind"), PATTERNS, ids=[p for p, _ in PATTERNS])
def test_source_kind_pattern(docs, np, kind):
    text = _sentence(np)
    start = text.index(np)
    assert classify_source_kind(docs[text], Span(start, start + len(np), np)) == kind


@pytest.mark.parametrize(("text", "np", "kind"), IN_CONTEXT, ids=[f"{n}-{k}" for _, n, k in IN_CONTEXT])
def test_source_kind_in_context(docs, text, np, kind):
    start = text.rindex(np)
    assert classify_source_kind(docs[text], Span(start, start + len(np), np)) == kind


@pytest.mark.parametrize(("text", "pronoun", "kind"), PRONOUNS, ids=[f"{p}-{k}" for _, p, k in PRONOUNS])
def test_pronoun_takes_kind_of_antecedent(docs, text, pronoun, kind):
    start = text.rindex(f" {pronoun} ") + 1
    assert classify_source_kind(docs[text], Span(start, start + len(pronoun), pronoun)) == kind


def test_no_source_is_unattributed(docs):
    text = _sentence("officials")
    assert classify_source_kind(docs[text], None) == "unattributed"


def test_misaligned_and_empty_spans(docs):
    text = _sentence("The Washington Post")
    doc = docs[text]
    start = text.index("Washington")
    # a span that cuts into words still resolves to the outlet
    assert classify_source_kind(doc, Span(start + 2, start + 14, text[start + 2 : start + 14])) == "outlet"
    assert classify_source_kind(doc, Span(5, 5, "")) == "unattributed"
    assert classify_source_kind(doc, Span(len(text) + 5, len(text) + 9, "")) == "unattributed"


def test_every_kind_is_a_known_kind(docs):
    for np, _ in PHRASES:
        text = _sentence(np)
        start = text.index(np)
        assert classify_source_kind(docs[text], Span(start, start + len(np), np)) in SOURCE_KINDS
