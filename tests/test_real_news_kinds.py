"""Source kinds and non-attributions on the patterns of real web news (beyond PolNeAR's politics).

Every snippet is written for this suite. The kind cases check ``classify_source_kind`` on a source span
(its last occurrence in the snippet). The non-attribution cases hand ``finish`` the spans a learned
tagger might propose and check that ``not_attribution`` names the reason to drop them; the rule-based
extractor must not return them either. The kept cases are attributions that look like the dropped ones
(a poll that shows, a belief, a refusal to comment) and must survive.
"""

from __future__ import annotations

import pytest

from corroborate.attribution.plausible import not_attribution
from corroborate.attribution.rules import extract_attributions, finish
from corroborate.attribution.source_kinds import classify_source_kind
from corroborate.text.nlp import load_nlp
from corroborate.types import Span

# (text, source span, expected kind)
KINDS: list[tuple[str, str, str]] = [
    # a title or office before a full name
    (
        "Minister in the Ministry of Finance Brian Manning said the budget would pass.",
        "Minister in the Ministry of Finance Brian Manning",
        "person",
    ),
    (
        "Iraqi Member of Parliament Omar al-Hadi said the bridge had been closed since May.",
        "Iraqi Member of Parliament Omar al-Hadi",
        "person",
    ),
    (
        "Ralph Osei-Bonsu an adviser to the finance minister, said the loan was agreed.",
        "Ralph Osei-Bonsu an adviser to the finance minister,",
        "person",
    ),
    # a surname alone, after the full name
    (
        "Taher El-sayed heads the council. El-sayed said the ruling was final.",
        "El-sayed",
        "person",
    ),
    (
        "The prison is run by Paul Dorsey. “Nobody was hurt,” said warden Dorsey.",
        "warden Dorsey",
        "person",
    ),
    (
        "The committee is chaired by Laura English. English said the vote had been close.",
        "English",
        "person",
    ),
    # an unnamed spokesperson is one anonymous person, whatever body they speak for
    (
        "A spokesperson for Sheffield University said the lecture had been cancelled.",
        "A spokesperson for Sheffield University",
        "anonymous_individual",
    ),
    # a person the description marks as unidentified
    ("The masked gunman said the hostages would be freed.", "The masked gunman", "anonymous_individual"),
    ("The man in the mask said the hostages would be freed.", "The man in the mask", "anonymous_individual"),
    # outlets: call signs, web addresses, run-together names, editions, state broadcasters
    ("According to KTVU-2, the fire started in a kitchen.", "KTVU-2", "outlet"),
    (
        "The French website lemonde.fr reported that talks had stalled.",
        "The French website lemonde.fr",
        "outlet",
    ),
    ("According to the huffingtonpost, the talks had stalled.", "the huffingtonpost", "outlet"),
    (
        "Breitbart London reported that the talks had stalled, Police in London said.",
        "Breitbart London",
        "outlet",
    ),
    ("Jordanian state television said the pilot had been killed.", "Jordanian state television", "outlet"),
    ("State TV said the pilot had been killed.", "State TV", "outlet"),
    # institutions
    (
        "The US central command said the strikes had hit their targets.",
        "The US central command",
        "organization",
    ),
    # unnamed representatives, taken up by "who"
    (
        "The singer's reps, who denied the report, said she was resting.",
        "The singer's reps",
        "anonymous_group",
    ),
]

# (text, pronoun or description (its last occurrence), expected kind): antecedents
ANTECEDENTS: list[tuple[str, str, str]] = [
    # "she" with no person before it: the woman is never named
    (
        "Neighbours described a frightening night. She said the shouting went on for an hour.",
        "She",
        "anonymous_individual",
    ),
    # "the pair" and "they" for two named people
    (
        "Tom Hale and Ann Cole opened the bakery in 2019. The pair said business had doubled.",
        "The pair",
        "person",
    ),
    ("Tom Hale met Ann Cole in Leeds on Monday. They said the talks had gone well.", "They", "person"),
    # the subject of the pronoun's own sentence comes before an unnamed person mentioned after it
    (
        "Interior Minister Karim Haddad spoke on Tuesday. A police source said the suspect was local. "
        "Haddad gave no details about her brother, although he said the inquiry was continuing.",
        "he",
        "person",
    ),
    # a name the parser does not chunk is still an antecedent
    (
        "The talks collapsed on Friday, the source added.\n\n- Discrepancies -\n\nDanladi Ahmadu gave an "
        "interview on Friday in which he claimed to be the group's spokesman.",
        "he",
        "person",
    ),
]

# (text, source, cue, content, reason): spans a tagger might propose that are not attributions
DROPPED: list[tuple[str, str, str, str, str]] = [
    # pictures show; they do not say
    (
        "The video also shows a second man kneeling beside the road.",
        "The video",
        "also shows",
        "a second man kneeling beside the road",
        "visual",
    ),
    (
        "Footage emerged on Tuesday showing the collapse of the bridge.",
        "Footage",
        "emerged on Tuesday showing",
        "the collapse of the bridge",
        "visual",
    ),
    (
        "The clip was posted on Monday. It showed the mayor dancing on a table.",
        "It",
        "showed",
        "the mayor dancing on a table",
        "visual",
    ),
    # acts, not statements
    ("Shortly afterwards the FBI named the two suspects.", "the FBI", "named", "the two suspects", "act"),
    ("Jones pleaded not guilty to all charges.", "Jones", "pleaded not guilty", "to all charges", "act"),
    (
        "The government declared a state of emergency in three provinces.",
        "The government",
        "declared",
        "a state of emergency in three provinces",
        "act",
    ),
    (
        "The company released images of the prototype.",
        "The company",
        "released",
        "images of the prototype",
        "act",
    ),
    ("Teachers call themselves facilitators now.", "Teachers", "call", "themselves facilitators", "act"),
    # saying nothing
    (
        "The ministry has not disclosed whether the reactor was damaged.",
        "The ministry",
        "has not disclosed",
        "whether the reactor was damaged",
        "no_statement",
    ),
    (
        "The club has yet to comment on the transfer.",
        "The club",
        "has yet to comment on",
        "the transfer",
        "no_statement",
    ),
    (
        "The minister offered no further details about the deal.",
        "The minister",
        "offered",
        "no further details about the deal",
        "no_statement",
    ),
    # the writer's judgment of a source
    (
        "Smith is right that the rules are outdated.",
        "Smith",
        "is right",
        "the rules are outdated",
        "judgment",
    ),
    # a first-person hedge inside somebody's quotation
    (
        "“We have to act now, and I think it is going to get worse,” the mayor said.",
        "I",
        "think",
        "it is going to get worse",
        "quoted_mind",
    ),
    # the writer hedging, or pointing to their own text
    ("I think the committee got this wrong.", "I", "think", "the committee got this wrong", "own_hedge"),
    (
        "We suspect the launch will slip to spring.",
        "We",
        "suspect",
        "the launch will slip to spring",
        "own_hedge",
    ),
    ("You bet, and you expect the price to rise.", "you", "expect", "the price to rise", "own_hedge"),
    ("I discuss this in an earlier post.", "I", "discuss", "this", "own_text"),
    # suppositions about anyone
    (
        "Collectors might want to wait for the second edition.",
        "Collectors",
        "might want",
        "to wait",
        "generic_mind",
    ),
    (
        "Superheroes never want their identities revealed.",
        "Superheroes",
        "never want",
        "their identities revealed",
        "generic_mind",
    ),
    # a stray article as the source
    ("The panel said the plan would work.", "The", "said", "the plan would work", "no_source"),
]

# (text, source, cue, content): attributions like the dropped ones that stay
KEPT: list[tuple[str, str, str, str]] = [
    ("The poll shows that voters are split.", "The poll", "shows", "voters are split"),
    (
        "The video shows that the officer fired first.",
        "The video",
        "shows",
        "the officer fired first",
    ),
    ("I believe in the good sense of the voters.", "I", "believe in", "the good sense of the voters"),
    ("We know from his filings that the loans were repaid.", "We", "know", "the loans were repaid"),
    ("He declined to comment on the report.", "He", "declined to comment on", "the report"),
    ("The mayor did not mention the budget.", "The mayor", "did not mention", "the budget"),
    ("The senator wants the tariffs lifted.", "The senator", "wants", "the tariffs lifted"),
    ("Russia declared war on its neighbour.", "Russia", "declared war on", "its neighbour"),
    (
        "The campaign released a letter from his doctor.",
        "The campaign",
        "released",
        "a letter from his doctor",
    ),
]

_TEXTS = list(
    dict.fromkeys([t for t, _, _ in KINDS + ANTECEDENTS] + [t for t, *_ in DROPPED] + [t for t, *_ in KEPT])
)


@pytest.fixture(scope="module")
def docs():
    return dict(zip(_TEXTS, load_nlp().pipe(_TEXTS), strict=True))


def _span(text: str, part: str, last: bool = False) -> Span:
    start = text.rindex(part) if last else text.index(part)
    return Span(start, start + len(part), part)


@pytest.mark.parametrize(("text", "source", "kind"), KINDS, ids=[f"{s}-{k}" for _, s, k in KINDS])
def test_kind(docs, text, source, kind):
    assert classify_source_kind(docs[text], _span(text, source, last=True)) == kind


@pytest.mark.parametrize(("text", "source", "kind"), ANTECEDENTS, ids=[f"{s}-{k}" for _, s, k in ANTECEDENTS])
def test_kind_from_antecedent(docs, text, source, kind):
    start = text.rindex(f" {source} ") + 1 if f" {source} " in text else text.rindex(source)
    assert classify_source_kind(docs[text], Span(start, start + len(source), source)) == kind


def _finished(doc, text, source, cue, content):
    cue_span = _span(text, cue)
    # the source nearest before the cue (or after it), as a tagger would pair them
    src_start = text.rfind(source, 0, cue_span.start)
    if src_start < 0:
        src_start = text.index(source, cue_span.end)
    src_span = Span(src_start, src_start + len(source), source)
    return finish(doc, src_span, cue_span, _span(text, content), extractor="test@0")


@pytest.mark.parametrize(
    ("text", "source", "cue", "content", "reason"), DROPPED, ids=[f"{r}-{c}" for _, _, c, _, r in DROPPED]
)
def test_not_an_attribution(docs, text, source, cue, content, reason):
    doc = docs[text]
    assert not_attribution(doc, _finished(doc, text, source, cue, content)) == reason
    # nor does the rule-based extractor return it
    cue_span = _span(text, cue)
    assert not any(
        a.cue is not None
        and a.cue.start == cue_span.start
        and a.source is not None
        and a.source.text == source
        for a in extract_attributions(doc)
    )


@pytest.mark.parametrize(("text", "source", "cue", "content"), KEPT, ids=[c for _, _, c, _ in KEPT])
def test_still_an_attribution(docs, text, source, cue, content):
    doc = docs[text]
    assert not_attribution(doc, _finished(doc, text, source, cue, content)) is None
