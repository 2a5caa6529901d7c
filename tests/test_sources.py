"""Source kinds: who a reader would say is being cited, from the source noun phrase alone."""

from __future__ import annotations

import pytest

from corroborate.nlp import load_nlp
from corroborate.sources import classify_source_kind
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
    ("a Pentagon spokesman", "organization"),
    ("the company", "organization"),
]


def _sentence(np: str) -> str:
    return f"On Monday, {np} said the plan would work."


# Two-sentence snippets: the pronoun (last occurrence of the word) takes the kind of its antecedent.
PRONOUNS: list[tuple[str, str, str]] = [
    ("Elon Musk arrived late to the meeting. He said the plan would work.", "He", "person"),
    ("A former staffer described the office as chaotic. She said nobody was in charge.", "She",
     "anonymous_individual"),
    ("Several analysts were unconvinced by the figures. They said the forecast was too rosy.", "They",
     "anonymous_group"),
    ("The Justice Department opened an inquiry in May. It said the review would take months.", "It",
     "organization"),
    ("The report was published on Friday. It said the program had failed.", "It", "document"),
]

_ALL_TEXTS = [_sentence(np) for np, _ in PHRASES] + [t for t, _, _ in PRONOUNS]


@pytest.fixture(scope="module")
def docs():
    parsed = list(load_nlp().pipe(_ALL_TEXTS))
    return dict(zip(_ALL_TEXTS, parsed, strict=True))


@pytest.mark.parametrize(("np", "kind"), PHRASES, ids=[p for p, _ in PHRASES])
def test_source_kind(docs, np, kind):
    text = _sentence(np)
    start = text.index(np)
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
