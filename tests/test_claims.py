"""Claims: normalisation, headline attributions, mentions, and paraphrase merging."""

from __future__ import annotations

from datetime import date

from corroborate.corroboration import claims
from corroborate.types import Fact
from story_support import analysis, att, span


def test_stems_are_consistent_across_inflections():
    assert claims.stem("stepping") == claims.stem("stepped") == claims.stem("step")
    assert claims.stem("leaving") == claims.stem("leaves") == claims.stem("leave")
    assert claims.stem("Musk's") == "musk"


def test_departure_paraphrases_share_one_event_concept():
    for phrase in ("will step down", "stepping back", "resigned", "his departure", "the exit", "would leave"):
        assert "c:leave" in claims.term_vector(phrase), phrase
    # "the left" is politics, not a departure
    assert "c:leave" not in claims.term_vector("criticism from the left")


def test_names_are_capitalised_words_never_written_in_lower_case():
    vocab = claims.story_vocabulary(["the billionaire may step down", "Officials said"])
    vector = claims.term_vector("Billionaire Elon Musk may step down", vocab)
    assert "e:musk" in vector and "e:elon" in vector
    assert "e:billionaire" not in vector


def test_split_headline_separates_the_headline_attribution():
    title = "Musk to step back from DOGE 'soon', Trump tells cabinet"
    start, end, source = claims.split_headline(title)
    assert title[start:end] == "Musk to step back from DOGE 'soon'"
    assert source == "Trump"
    start, end, source = claims.split_headline("Officials say the bridge will reopen in May")
    assert title and source == "Officials"
    assert "Officials say the bridge will reopen in May"[start:end] == "the bridge will reopen in May"
    assert claims.split_headline("Musk may be inching toward the White House exit") == (0, 47, None)


def test_claim_core_drops_a_reporting_frame_inside_the_content():
    text = "Donald Trump has told members of his cabinet that he will be stepping down soon"
    start, end = claims.claim_core(text)
    assert text[start:end] == "he will be stepping down soon"


def test_sentences_respect_abbreviations_and_skip_ranges():
    text = "Mr. Smith left on Monday. The U.S. said no.\nREAD MORE: x\nShe stayed."
    found = [text[s:e] for s, e in claims.sentences(text, [(text.index("READ"), text.index("x") + 1)])]
    assert found == ["Mr. Smith left on Monday.", "The U.S. said no.", "She stayed."]


def test_mentions_headline_attributions_and_factual_sentences():
    text = (
        "Officials said the mayor will resign in June. "
        "The city spent $4 million on the bridge. "
        "The mayor is popular. "
        "Aides said it."
    )
    atts = [
        att(text, "Officials", "said", "the mayor will resign in June", "anonymous_group"),
        att(text, "Aides", "said", "it", "anonymous_group"),
    ]
    money = Fact(kind="money", span=span(text, "$4 million"), value=4e6, unit="USD")
    found = claims.article_mentions(
        7, analysis(text, atts, title="Mayor may quit", facts=[money]), claims.EMPTY
    )
    kinds = [(m.kind, m.text) for m in found]
    assert ("headline", "Mayor may quit") in kinds
    assert ("attributed", "the mayor will resign in June") in kinds
    assert ("factual", "The city spent $4 million on the bridge.") in kinds
    # no figure: not a key factual sentence; a one-word content is a fragment, not a claim
    assert all(m.text not in ("The mayor is popular.", "it") for m in found)
    headline = next(m for m in found if m.kind == "headline")
    assert headline.hedged and headline.own_voice and headline.field == "title"
    factual = next(m for m in found if m.kind == "factual")
    assert text[factual.start : factual.end] == factual.text


def _group(texts: list[str], kinds: list[str] | None = None, context: str = "") -> list[list[str]]:
    vocab = claims.story_vocabulary([*texts, context])
    kinds = kinds or ["attributed"] * len(texts)
    mentions = [
        claims.Mention(i, "text", 0, len(t), t, k, core=t)
        for i, (t, k) in enumerate(zip(texts, kinds, strict=True))
    ]
    return sorted(sorted(m.text for m in g.mentions) for g in claims.group_claims(mentions, vocab))


def test_paraphrases_merge_into_one_claim():
    groups = _group(
        [
            "Musk will step down from his role soon",
            "Musk would leave in late May or early June",
            "a departure could come at any moment",
            "Tesla sales fell sharply in the first quarter",
        ]
    )
    assert [
        "Musk will step down from his role soon",
        "Musk would leave in late May or early June",
        "a departure could come at any moment",
    ] in groups
    assert ["Tesla sales fell sharply in the first quarter"] in groups


def test_different_claims_do_not_merge():
    # same event, different people
    context = (
        "A story about Musk, Rubio and Trump."  # names are known from where they are written mid-sentence
    )
    assert (
        len(_group(["Musk will step down next month", "Rubio will step down next month"], context=context))
        == 2
    )
    # same people, nothing else in common
    assert (
        len(_group(["Trump praised Musk's efforts", "Musk clashed with Trump at a meeting"], context=context))
        == 2
    )
    # an article's own sentence that presupposes the event while stating something else
    long = (
        "Musk's withdrawal comes on the heels of a costly defeat in Wisconsin's Supreme Court race, "
        "where he poured $16 million into the conservative judge's campaign, only to see the liberal win."
    )
    assert len(_group(["Musk will step down soon", long], ["attributed", "factual"])) == 2
    # while an own-voice sentence that says the same thing does merge
    assert (
        len(_group(["Musk will step down soon", "Musk stepped down on May 30."], ["attributed", "factual"]))
        == 1
    )


def test_claim_ids_are_stable_and_come_from_the_first_mention():
    texts = ["Musk will step down soon", "Musk would leave in June"]
    first = claims.group_claims(
        [claims.Mention(i, "text", 0, len(t), t, "attributed", core=t) for i, t in enumerate(texts)],
        claims.EMPTY,
    )
    again = claims.group_claims(
        [claims.Mention(i, "text", 0, len(t), t, "attributed", core=t) for i, t in enumerate(texts)],
        claims.EMPTY,
    )
    assert [g.id for g in first] == [g.id for g in again]
    assert len(first) == 1
    assert first[0].id == claims.claim_id(first[0].mentions[0])
    assert first[0].mentions[0].article_id == 0


def test_facts_of_prefers_the_stored_facts():
    text = "The city spent $4 million."
    money = Fact(kind="money", span=span(text, "$4 million"), value=4e6, unit="USD")
    assert claims.facts_of(analysis(text, facts=[money], published=date(2025, 1, 1))) == (money,)
