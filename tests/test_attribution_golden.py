"""Golden sentences for the rule-based attribution extractor.

Every snippet is written for this suite in ordinary news phrasing. Each case names the cue of the
attribution it checks and what a reader would expect of it: who is cited (source text and kind), what
they said (content), how firmly (certainty), whether it is a direct quote and which outlet it was given
to (channel). All snippets are parsed in one ``nlp.pipe`` call.
"""

from __future__ import annotations

import pytest

from corroborate.attribution.rules import EXTRACTOR_VERSION, extract_attributions, finish
from corroborate.text.nlp import load_nlp
from corroborate.types import SOURCE_KINDS, Span

# (id, text, expectations). ``content`` is exact; ``content_starts``/``content_ends`` check the edges;
# ``source`` None means unattributed. ``channel`` defaults to None (no outlet).
CASES: list[tuple[str, str, dict]] = [
    # ------------------------------------------------------------------ direct quotes
    (
        "quote_before_curly",
        "“We are not going to back down,” the senator said.",
        dict(
            cue="said",
            source="the senator",
            kind="person",
            content="“We are not going to back down,”",
            certainty="asserted",
            direct=True,
        ),
    ),
    (
        "quote_before_said_name_straight",
        '"The numbers simply do not add up," said Maria Lopez, a budget analyst at the Urban Institute.',
        dict(
            cue="said",
            source="Maria Lopez, a budget analyst at the Urban Institute",
            kind="person",
            content='"The numbers simply do not add up,"',
            certainty="asserted",
            direct=True,
        ),
    ),
    (
        "quote_after_colon",
        "The governor said: “This is the worst flooding our state has seen in a generation.”",
        dict(
            cue="said",
            source="The governor",
            kind="person",
            content="“This is the worst flooding our state has seen in a generation.”",
            direct=True,
        ),
    ),
    (
        "split_quote",
        "“It is a tragedy,” said Mayor Karen Bass, “and it was entirely preventable.”",
        dict(
            cue="said",
            source="Mayor Karen Bass",
            kind="person",
            content="“It is a tragedy,” said Mayor Karen Bass, “and it was entirely preventable.”",
            direct=True,
        ),
    ),
    (
        "multi_sentence_quote",
        "“We knew the risks. We took them anyway, and we would do it again,” the company’s founder told "
        "investors on Thursday.",
        dict(
            cue="told",
            source="the company’s founder",
            kind="person",
            content="“We knew the risks. We took them anyway, and we would do it again,”",
            direct=True,
            channel=None,
        ),
    ),
    (
        "telling_outlet_quote",
        "A senior Pentagon official downplayed the report, telling CNN, “There is no change in our posture.”",
        dict(
            cue="telling",
            source="A senior Pentagon official",
            kind="anonymous_individual",
            content="“There is no change in our posture.”",
            direct=True,
            channel="CNN",
        ),
    ),
    (
        "adding_quote",
        "“The deal is done,” one negotiator said, adding, “Now the hard part begins.”",
        dict(
            cue="adding",
            source="one negotiator",
            kind="anonymous_individual",
            content="“Now the hard part begins.”",
            direct=True,
            certainty="asserted",
        ),
    ),
    (
        "adding_quote_first_half",
        "“The deal is done,” one negotiator said, adding, “Now the hard part begins.”",
        dict(
            cue="said",
            source="one negotiator",
            kind="anonymous_individual",
            content="“The deal is done,”",
            direct=True,
        ),
    ),
    (
        "british_single_quotes",
        "'We will fight this decision all the way,' a spokesman for the union said.",
        dict(
            cue="said",
            source="a spokesman for the union",
            kind="anonymous_individual",
            content="'We will fight this decision all the way,'",
            direct=True,
        ),
    ),
    (
        "quoted_as_saying",
        "“I have never seen anything like it,” the president was quoted as saying.",
        dict(
            cue="was quoted as saying",
            source="the president",
            kind="person",
            content="“I have never seen anything like it,”",
            direct=True,
        ),
    ),
    (
        "told_reporters_quote",
        "Mr. Obama told reporters, “I’m confident we will get this done.”",
        dict(
            cue="told",
            source="Mr. Obama",
            kind="person",
            content="“I’m confident we will get this done.”",
            direct=True,
            channel=None,
        ),
    ),
    (
        "quote_to_outlet",
        "“Nobody wanted this war,” a European diplomat told The Guardian.",
        dict(
            cue="told",
            source="a European diplomat",
            kind="anonymous_individual",
            content="“Nobody wanted this war,”",
            direct=True,
            channel="The Guardian",
        ),
    ),
    # ------------------------------------------------------------------ indirect speech
    (
        "said_that",
        "The prime minister said that the government would not raise taxes before the election.",
        dict(
            cue="said",
            source="The prime minister",
            kind="person",
            content="the government would not raise taxes before the election",
            certainty="asserted",
            direct=False,
        ),
    ),
    (
        "officials_said",
        "Officials said the bridge would remain closed until at least Friday.",
        dict(
            cue="said",
            source="Officials",
            kind="anonymous_group",
            content="the bridge would remain closed until at least Friday",
        ),
    ),
    (
        "warned_could",
        "Jerome Powell warned that inflation could prove more persistent than markets expect.",
        dict(
            cue="warned",
            source="Jerome Powell",
            kind="person",
            content="inflation could prove more persistent than markets expect",
            certainty="hedged",
        ),
    ),
    (
        "confirmed_org",
        "The Justice Department confirmed that the investigation had been closed.",
        dict(
            cue="confirmed",
            source="The Justice Department",
            kind="organization",
            content="the investigation had been closed",
            certainty="asserted",
        ),
    ),
    (
        "sources_close_claim",
        "Sources close to the prince claim he has been frozen out of family decisions.",
        dict(
            cue="claim",
            source="Sources close to the prince",
            kind="anonymous_group",
            content="he has been frozen out of family decisions",
            certainty="hedged",
        ),
    ),
    (
        "economists_believe",
        "Economists believe the central bank will cut rates again in December.",
        dict(
            cue="believe",
            source="Economists",
            kind="anonymous_group",
            content="the central bank will cut rates again in December",
            certainty="hedged",
        ),
    ),
    (
        "critics_argue",
        "Critics argue the new law will make it harder for students to vote.",
        dict(
            cue="argue",
            source="Critics",
            kind="anonymous_group",
            content="the new law will make it harder for students to vote",
            certainty="asserted",
        ),
    ),
    (
        "person_familiar",
        "A person familiar with the negotiations said the two sides remained far apart.",
        dict(
            cue="said",
            source="A person familiar with the negotiations",
            kind="anonymous_individual",
            content="the two sides remained far apart",
        ),
    ),
    (
        "people_familiar",
        "People familiar with the matter said the company was exploring a sale.",
        dict(
            cue="said",
            source="People familiar with the matter",
            kind="anonymous_group",
            content="the company was exploring a sale",
        ),
    ),
    (
        "three_people",
        "Three people briefed on the plan said it would be announced next week.",
        dict(
            cue="said",
            source="Three people",
            kind="anonymous_group",
            content="it would be announced next week",
        ),
    ),
    (
        "one_of_the_aides",
        "One of the aides said the president was furious about the leak.",
        dict(
            cue="said",
            source="One of the aides",
            kind="anonymous_individual",
            content="the president was furious about the leak",
        ),
    ),
    (
        "those_close",
        "Those close to the campaign say morale has collapsed since the debate.",
        dict(
            cue="say",
            source="Those close to the campaign",
            kind="anonymous_group",
            content="morale has collapsed since the debate",
        ),
    ),
    (
        "some_suggested",
        "Some have suggested the decision was politically motivated.",
        dict(
            cue="have suggested",
            source="Some",
            kind="anonymous_group",
            content="the decision was politically motivated",
            certainty="hedged",
        ),
    ),
    (
        "title_name",
        "Secretary of State Marco Rubio said the talks had been productive.",
        dict(
            cue="said",
            source="Secretary of State Marco Rubio",
            kind="person",
            content="the talks had been productive",
        ),
    ),
    (
        "party_insisted",
        "Republicans insisted the bill would not add to the deficit.",
        dict(
            cue="insisted",
            source="Republicans",
            kind="organization",
            content="the bill would not add to the deficit",
            certainty="asserted",
        ),
    ),
    (
        "white_house",
        "The White House said the president had full confidence in his chief of staff.",
        dict(
            cue="said",
            source="The White House",
            kind="organization",
            content="the president had full confidence in his chief of staff",
        ),
    ),
    (
        "board_statement",
        "Tesla’s board said in a statement that it had hired an outside law firm to review the claims.",
        dict(
            cue="said",
            source="Tesla’s board",
            kind="organization",
            content="it had hired an outside law firm to review the claims",
            channel=None,
        ),
    ),
    (
        "in_a_statement_company",
        "In a statement, the company said it was cooperating fully with investigators.",
        dict(
            cue="said",
            source="the company",
            kind="organization",
            content="it was cooperating fully with investigators",
        ),
    ),
    # ------------------------------------------------------------------ according to
    (
        "according_outlet_front",
        "According to Rolling Stone, the band had been quietly recording a new album for months.",
        dict(
            cue="According to",
            source="Rolling Stone",
            kind="outlet",
            content="the band had been quietly recording a new album for months",
            channel=None,
        ),
    ),
    (
        "according_memo_end",
        "The factory will close in March, according to a memo sent to employees on Monday.",
        dict(cue="according to", source="a memo", kind="document", content="The factory will close in March"),
    ),
    (
        "according_agency",
        "Unemployment fell to 3.9 percent in May, according to the Labor Department.",
        dict(
            cue="according to",
            source="the Labor Department",
            kind="organization",
            content="Unemployment fell to 3.9 percent in May",
            certainty="asserted",
        ),
    ),
    (
        "according_officials_could",
        "According to two officials with knowledge of the talks, the ceasefire could collapse within days.",
        dict(
            cue="According to",
            source="two officials with knowledge of the talks",
            kind="anonymous_group",
            content="the ceasefire could collapse within days",
            certainty="hedged",
        ),
    ),
    # ------------------------------------------------------------------ outlets
    (
        "post_reported",
        "The Washington Post reported that the agency had ignored repeated warnings.",
        dict(
            cue="reported",
            source="The Washington Post",
            kind="outlet",
            content="the agency had ignored repeated warnings",
        ),
    ),
    (
        "times_has_learned",
        "The New York Times has learned that the company paid no federal income tax last year.",
        dict(
            cue="has learned",
            source="The New York Times",
            kind="outlet",
            content="the company paid no federal income tax last year",
        ),
    ),
    (
        "cnn_reported",
        "CNN reported on Tuesday that the talks had stalled.",
        dict(cue="reported", source="CNN", kind="outlet", content="the talks had stalled"),
    ),
    (
        "guardian_revealed",
        "The Guardian revealed last year that the firm had lobbied against the rules.",
        dict(
            cue="revealed",
            source="The Guardian",
            kind="outlet",
            content="the firm had lobbied against the rules",
        ),
    ),
    (
        "passive_agent_outlet",
        "The deal was first reported by Axios.",
        dict(cue="was first reported by", source="Axios", kind="outlet", content="The deal"),
    ),
    (
        "times_trailing",
        "The senator’s office disputed the account, the Times reported.",
        dict(
            cue="reported",
            source="the Times",
            kind="outlet",
            content="The senator’s office disputed the account",
        ),
    ),
    # ------------------------------------------------------------------ channels
    (
        "told_politico",
        "A White House aide told Politico that the schedule had been cleared for the week.",
        dict(
            cue="told",
            source="A White House aide",
            kind="anonymous_individual",
            content="the schedule had been cleared for the week",
            channel="Politico",
        ),
    ),
    (
        "told_reporters_no_channel",
        "The senator told reporters that she would vote against the nomination.",
        dict(
            cue="told",
            source="The senator",
            kind="person",
            content="she would vote against the nomination",
            channel=None,
        ),
    ),
    (
        "interview_with_fox",
        "Mr. Johnson said in an interview with Fox News that he had no regrets about the decision.",
        dict(
            cue="said",
            source="Mr. Johnson",
            kind="person",
            content="he had no regrets about the decision",
            channel="Fox News",
        ),
    ),
    (
        "speaking_to_bbc",
        "Speaking to the BBC, the minister said the country was ready to negotiate.",
        dict(
            cue="said",
            source="the minister",
            kind="person",
            content="the country was ready to negotiate",
            channel="the BBC",
        ),
    ),
    (
        "told_globe",
        "The mayor told The Boston Globe that the city would appeal the ruling.",
        dict(
            cue="told",
            source="The mayor",
            kind="person",
            content="the city would appeal the ruling",
            channel="The Boston Globe",
        ),
    ),
    # ------------------------------------------------------------------ documents
    (
        "report_found",
        "A report by the inspector general found that the agency had mishandled classified material.",
        dict(
            cue="found",
            source="A report by the inspector general",
            kind="document",
            content="the agency had mishandled classified material",
        ),
    ),
    (
        "filings_show",
        "Court filings show that the company received more than $2 million in federal grants.",
        dict(
            cue="show",
            source="Court filings",
            kind="document",
            content="the company received more than $2 million in federal grants",
        ),
    ),
    (
        "indictment_alleges",
        "The indictment alleges that the defendants laundered money through shell companies.",
        dict(
            cue="alleges",
            source="The indictment",
            kind="document",
            content="the defendants laundered money through shell companies",
            certainty="hedged",
        ),
    ),
    (
        "poll_suggests",
        "A new poll suggests voters are souring on the governor’s handling of the economy.",
        dict(
            cue="suggests",
            source="A new poll",
            kind="document",
            content="voters are souring on the governor’s handling of the economy",
            certainty="hedged",
        ),
    ),
    (
        "report_trailing_hedged",
        "The attorney general may have misled Congress, the report suggests.",
        dict(
            cue="suggests",
            source="the report",
            kind="document",
            content="The attorney general may have misled Congress",
            certainty="hedged",
        ),
    ),
    # ------------------------------------------------------------------ unattributed
    (
        "reportedly",
        "The singer is reportedly planning a world tour next year.",
        dict(
            cue="reportedly",
            source=None,
            kind="unattributed",
            certainty="hedged",
            content="The singer is reportedly planning a world tour next year",
        ),
    ),
    (
        "is_said_to",
        "He is said to have clashed repeatedly with the finance minister.",
        dict(
            cue="is said",
            source=None,
            kind="unattributed",
            certainty="hedged",
            content="He is said to have clashed repeatedly with the finance minister",
        ),
    ),
    (
        "it_is_understood",
        "It is understood that the talks will resume on Monday.",
        dict(
            cue="is understood",
            source=None,
            kind="unattributed",
            certainty="hedged",
            content="the talks will resume on Monday",
        ),
    ),
    (
        "allegedly",
        "The defendant allegedly threatened a witness in the case.",
        dict(
            cue="allegedly",
            source=None,
            kind="unattributed",
            certainty="hedged",
            content="The defendant allegedly threatened a witness in the case",
        ),
    ),
    # ------------------------------------------------------------------ denied
    (
        "kremlin_denied",
        "The Kremlin denied that Russian troops had crossed the border.",
        dict(
            cue="denied",
            source="The Kremlin",
            kind="organization",
            certainty="denied",
            content="Russian troops had crossed the border",
        ),
    ),
    (
        "did_not_say",
        "Mr. Patel did not say whether he would seek a second term.",
        dict(
            cue="did not say",
            source="Mr. Patel",
            kind="person",
            certainty="denied",
            content="he would seek a second term",
        ),
    ),
    (
        "refused_to_confirm",
        "The spokeswoman refused to confirm that the minister had resigned.",
        dict(
            cue="refused to confirm",
            source="The spokeswoman",
            kind="organization",
            certainty="denied",
            content="the minister had resigned",
        ),
    ),
    (
        "never_said",
        "The senator has never said that she supported the tariffs.",
        dict(
            cue="has never said",
            source="The senator",
            kind="person",
            certainty="denied",
            content="she supported the tariffs",
        ),
    ),
    (
        "rejected_claims",
        "The company rejected claims that its products were unsafe.",
        dict(
            cue="rejected",
            source="The company",
            kind="organization",
            certainty="denied",
            content="claims that its products were unsafe",
        ),
    ),
    (
        "didnt_curly",
        "The club didn’t say when the new stadium would open.",
        dict(
            cue="didn’t say",
            source="The club",
            kind="organization",
            certainty="denied",
            content_ends="the new stadium would open",
        ),
    ),
    # ------------------------------------------------------------------ hedged
    (
        "analysts_think",
        "Analysts think the merger could face resistance from regulators in Brussels.",
        dict(
            cue="think",
            source="Analysts",
            kind="anonymous_group",
            certainty="hedged",
            content="the merger could face resistance from regulators in Brussels",
        ),
    ),
    (
        "appeared_to_suggest",
        "The minister appeared to suggest that the deadline could slip.",
        dict(
            cue="suggest",
            source="The minister",
            kind="person",
            certainty="hedged",
            content="the deadline could slip",
        ),
    ),
    (
        "may_have_told",
        "The coach may have told players that the season was over.",
        dict(
            cue="may have told",
            source="The coach",
            kind="person",
            certainty="hedged",
            content="the season was over",
        ),
    ),
    # ------------------------------------------------------------------ other verbs
    (
        "described_as",
        "One senior official described the plan as “dead on arrival.”",
        dict(
            cue="described",
            source="One senior official",
            kind="anonymous_individual",
            content="the plan as “dead on arrival.”",
            direct=False,
        ),
    ),
    (
        "trailing_clause",
        "The talks collapsed after the delegation walked out, two diplomats said.",
        dict(
            cue="said",
            source="two diplomats",
            kind="anonymous_group",
            content="The talks collapsed after the delegation walked out",
        ),
    ),
    (
        "relative_pronoun",
        "The mayor, who announced last week that she would not run again, has endorsed her deputy.",
        dict(cue="announced", source="The mayor", kind="person", content="she would not run again"),
    ),
    (
        "nested_outer",
        "The official said that the president told him the tariffs would stay in place.",
        dict(
            cue="said",
            source="The official",
            kind="anonymous_individual",
            content="the president told him the tariffs would stay in place",
        ),
    ),
    (
        "nested_inner",
        "The official said that the president told him the tariffs would stay in place.",
        dict(cue="told", source="the president", kind="person", content="the tariffs would stay in place"),
    ),
    (
        "aside_mid_sentence",
        "Acts of protest, the bishop said, are acts of conscience.",
        dict(
            cue="said",
            source="the bishop",
            kind="person",
            content="Acts of protest, the bishop said, are acts of conscience",
        ),
    ),
    (
        "archive_double_apostrophes",
        "Paying no tax ''makes me smart,'' the developer said last week.",
        dict(
            cue="said",
            source="the developer",
            kind="person",
            content="Paying no tax ''makes me smart,''",
            direct=False,
        ),
    ),
    (
        "mismatched_quote_marks",
        '"The budget is a fantasy,” said Paul Ryan, the former House speaker.',
        dict(
            cue="said",
            source="Paul Ryan, the former House speaker",
            kind="person",
            content='"The budget is a fantasy,”',
            direct=True,
        ),
    ),
    (
        "channel_in_source_aside",
        "Officials, speaking to Reuters, said the talks had stalled.",
        dict(
            cue="said",
            source="Officials",
            kind="anonymous_group",
            content="the talks had stalled",
            channel="Reuters",
        ),
    ),
    (
        "statement_to_ap",
        "The company said in a statement to The Associated Press that it would appeal.",
        dict(
            cue="said",
            source="The company",
            kind="organization",
            content="it would appeal",
            channel="The Associated Press",
        ),
    ),
    (
        "interview_front_npr",
        "In an interview with NPR, the senator said the bill was dead.",
        dict(cue="said", source="the senator", kind="person", content="the bill was dead", channel="NPR"),
    ),
    (
        "next_sentence_quote_carries_on",
        "“It’s over,” the coach told The Athletic. “We lost the room.”",
        dict(
            cue="told",
            source="the coach",
            kind="person",
            content="“We lost the room.”",
            direct=True,
            channel="The Athletic",
        ),
    ),
    (
        "research_wrote_aside",
        "The findings, the researchers wrote, point to a sharp decline in bee colonies.",
        dict(
            cue="wrote",
            source="the researchers",
            kind="anonymous_group",
            content_ends="point to a sharp decline in bee colonies",
        ),
    ),
    (
        "telling_aside_indirect",
        "The official, telling Axios that the plan was dead, walked out of the meeting.",
        dict(
            cue="telling",
            source="The official",
            kind="anonymous_individual",
            content="the plan was dead",
            channel="Axios",
        ),
    ),
    (
        "reports_without_that",
        "Reuters reports the merger has been called off.",
        dict(cue="reports", source="Reuters", kind="outlet", content="the merger has been called off"),
    ),
    (
        "quoted_as_saying_indirect",
        "The general was quoted as saying that the troops would stay.",
        dict(
            cue="was quoted as saying", source="The general", kind="person", content="the troops would stay"
        ),
    ),
    # ------------------------------------------------------------------ pronouns (two sentences)
    (
        "pronoun_he_person",
        "Senator Chuck Grassley has long opposed the measure. He said on Tuesday that it would hurt farmers.",
        dict(cue="said", source="He", kind="person", content="it would hurt farmers"),
    ),
    (
        "pronoun_she_anonymous",
        "A former staffer described a chaotic workplace. She said employees were afraid to speak up.",
        dict(
            cue="said", source="She", kind="anonymous_individual", content="employees were afraid to speak up"
        ),
    ),
    (
        "pronoun_they_org",
        "The two unions met on Friday. They said the offer was an insult to their members.",
        dict(
            cue="said", source="They", kind="organization", content="the offer was an insult to their members"
        ),
    ),
    (
        "pronoun_after_quote",
        "Asked about the strike, Mr. Hughes was blunt.\n“They can wait as long as they like,” he said.",
        dict(
            cue="said",
            source="he",
            kind="person",
            content="“They can wait as long as they like,”",
            direct=True,
        ),
    ),
    # ------------------------------------------------------------------ real-news source kinds
    (
        "title_before_full_name",
        "Minister in the Ministry of Finance Brian Manning said the budget would pass.",
        dict(
            cue="said",
            source="Minister in the Ministry of Finance Brian Manning",
            kind="person",
            content="the budget would pass",
        ),
    ),
    (
        "spokesperson_for_a_body",
        "A spokesperson for Sheffield University said the lecture had been cancelled.",
        dict(
            cue="said",
            source="A spokesperson for Sheffield University",
            kind="anonymous_individual",
            content="the lecture had been cancelled",
        ),
    ),
    (
        "surname_after_full_name",
        "Taher El-sayed heads the council. El-sayed said the ruling was final.",
        dict(cue="said", source="El-sayed", kind="person", content="the ruling was final"),
    ),
    (
        "pair_after_two_names",
        "Tom Hale and Ann Cole opened the bakery in 2019. The pair said business had doubled.",
        dict(cue="said", source="The pair", kind="person", content="business had doubled"),
    ),
    (
        "she_never_named",
        "Neighbours described a frightening night. She said the shouting went on for an hour.",
        dict(
            cue="said", source="She", kind="anonymous_individual", content="the shouting went on for an hour"
        ),
    ),
    (
        "call_sign_outlet",
        "According to KTVU-2, the fire started in a kitchen.",
        dict(cue="According to", source="KTVU-2", kind="outlet", content="the fire started in a kitchen"),
    ),
]

# Sentences with no attribution in them at all.
NEGATIVES: list[tuple[str, str]] = [
    ("expected_to", "The president is expected to sign the bill on Friday."),
    # not attributions (corroborate.attribution.plausible)
    ("own_hedge_think", "I think the committee got this wrong."),
    ("own_hedge_suspect", "We suspect the launch will slip to spring."),
    ("not_disclosed", "The ministry has not disclosed whether the reactor was damaged."),
    ("pleaded_not_guilty", "Jones pleaded not guilty to all charges."),
    ("declared_emergency", "The government declared a state of emergency in three provinces."),
    ("video_shows", "The video also shows a second man kneeling beside the road."),
    ("empty", ""),
    ("whitespace", "  \n\n  "),
    ("quote_inside_speech", "He walked out before anyone could say a word."),
    ("plain_fact", "The company was founded in 1998 and employs 4,000 people."),
    ("alleged_adjective", "The trial of the alleged ringleader begins next month."),
]


@pytest.fixture(scope="module")
def docs() -> dict[str, object]:
    nlp = load_nlp()
    texts = [text for _, text, _ in CASES] + [text for _, text in NEGATIVES] + [CONTINUATION]
    parsed = list(nlp.pipe(texts))
    return dict(zip(texts, parsed, strict=True))


def _pick(atts, exp):
    cands = [a for a in atts if a.cue is not None and a.cue.text == exp["cue"]]
    if "content" in exp and len(cands) > 1:
        cands = [a for a in cands if a.content is not None and a.content.text == exp["content"]] or cands
    assert cands, (
        f"no attribution with cue {exp['cue']!r}; found {[(a.cue.text if a.cue else None) for a in atts]}"
    )
    return cands[0]


@pytest.mark.parametrize(("case_id", "text", "exp"), CASES, ids=[c[0] for c in CASES])
def test_golden(docs, case_id, text, exp):
    doc = docs[text]
    atts = extract_attributions(doc)
    att = _pick(atts, exp)
    got_source = None if att.source is None else att.source.text
    assert got_source == exp["source"]
    assert att.source_kind == exp["kind"]
    if "content" in exp:
        assert att.content is not None and att.content.text == exp["content"]
    if "content_ends" in exp:
        assert att.content is not None and att.content.text.endswith(exp["content_ends"])
    assert att.certainty == exp.get("certainty", "asserted")
    assert att.direct is exp.get("direct", False)
    channel = None if att.channel is None else att.channel.text
    assert channel == exp.get("channel")
    # offsets index the document text
    for span in (att.source, att.cue, att.content, att.channel):
        if span is not None:
            assert doc.text[span.start : span.end] == span.text
    assert att.extractor == EXTRACTOR_VERSION
    assert att.source_kind in SOURCE_KINDS


@pytest.mark.parametrize(("case_id", "text"), NEGATIVES, ids=[n[0] for n in NEGATIVES])
def test_no_attribution(docs, case_id, text):
    assert extract_attributions(docs[text]) == ()


CONTINUATION = (
    "Asked about the strike, Mr. Hughes was blunt.\n"
    "“They can wait as long as they like,” he said.\n"
    "“We are not moving. Not one inch.”\n"
    "The union said talks would resume next week."
)


def test_quote_paragraph_carries_on_previous_speaker(docs):
    atts = extract_attributions(docs[CONTINUATION])
    quoted = [a for a in atts if a.direct]
    assert [a.content.text for a in quoted] == [
        "“They can wait as long as they like,”",
        "“We are not moving. Not one inch.”",
    ]
    assert {a.source.text for a in quoted} == {"he"}
    assert all(a.source_kind == "person" for a in quoted)
    union = [a for a in atts if a.source is not None and a.source.text == "The union"]
    assert len(union) == 1 and union[0].content.text == "talks would resume next week"


def test_sorted_by_cue_start(docs):
    text = "The official said that the president told him the tariffs would stay in place."
    atts = extract_attributions(docs[text])
    starts = [a.cue.start for a in atts]
    assert starts == sorted(starts) and len(atts) == 2


def test_finish_tolerates_misaligned_spans(docs):
    text = "The Washington Post reported that the agency had ignored repeated warnings."
    doc = docs[text]
    # spans that cut into words, as a character-level model might produce
    src = Span(2, 17, text[2:17])
    cue = Span(20, 27, text[20:27])
    content = Span(33, len(text) - 1, text[33:-1])
    att = finish(doc, src, cue, content, extractor="test@0")
    assert att.source_kind == "outlet"
    assert att.certainty == "asserted"
    assert att.direct is False
    assert att.extractor == "test@0"
    assert att.source.text == text[2:17]


def test_finish_without_source_or_cue(docs):
    text = "The singer is reportedly planning a world tour next year."
    doc = docs[text]
    att = finish(doc, None, None, Span(0, 10, text[0:10]))
    assert att.source_kind == "unattributed"
    assert att.certainty == "asserted"
    assert att.channel is None


def test_finish_direct_detection(docs):
    text = "“We are not going to back down,” the senator said."
    doc = docs[text]
    att = finish(doc, Span(33, 44, "the senator"), Span(45, 49, "said"), Span(0, 32, text[0:32]))
    assert att.direct is True and att.source_kind == "person"
    forced = finish(doc, None, None, Span(0, 32, text[0:32]), direct=False)
    assert forced.direct is False
    out_of_range = finish(doc, Span(40, 400, "x"), Span(500, 600, "y"), None)
    assert out_of_range.cue is None and out_of_range.content is None
