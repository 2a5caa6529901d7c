"""Corroboration: sources, independence, stances and the status of every claim."""

from __future__ import annotations

import json
from datetime import date

from corroborate.corroboration.build import StoryReport, build_story
from corroborate.corroboration.model import Claim
from corroborate.types import to_json
from story_support import analysis, att, date_fact, member

D1, D2, D3 = date(2025, 4, 1), date(2025, 4, 2), date(2025, 4, 3)
OFFICIALS = "Officials said the mayor will resign."


def officials(outlet: str = "Gazette", published: date = D1, title: str | None = None):
    return analysis(
        OFFICIALS,
        [att(OFFICIALS, "Officials", "said", "the mayor will resign", "anonymous_group")],
        outlet=outlet,
        published=published,
        title=title,
    )


def one(text: str, source: str, cue: str, content: str, kind: str, certainty: str = "asserted", **kw):
    return analysis(text, [att(text, source, cue, content, kind, certainty, kw.pop("channel", None))], **kw)


def resign_claim(report: StoryReport) -> Claim:
    found = [c for c in report.claims if "resign" in c.text.lower() or "step down" in c.text.lower()]
    assert len(found) == 1, [c.text for c in report.claims]
    return found[0]


def counts(claim: Claim) -> dict:
    return dict(claim.counts)


def test_single_source():
    claim = resign_claim(build_story("s", [member(1, officials())]))
    assert (claim.status, claim.sourcing, claim.outlets) == ("single_source", "anonymous_only", 1)
    assert claim.stance_of(1) == "discusses"
    (source,) = claim.sources
    assert (source.text, source.kind, source.named, source.role) == (
        "Officials",
        "anonymous_group",
        False,
        "asserts",
    )
    assert OFFICIALS[source.start : source.end] == "Officials"
    mention = claim.mentions[0]
    assert OFFICIALS[mention.start : mention.end] == "the mayor will resign"


def test_two_outlets_corroborate_and_paraphrases_merge():
    text = "A city aide said the mayor would step down."
    b = one(
        text,
        "A city aide",
        "said",
        "the mayor would step down",
        "anonymous_individual",
        outlet="Herald",
        published=D2,
    )
    claim = resign_claim(build_story("s", [member(1, officials()), member(2, b)]))
    assert claim.status == "corroborated"
    assert claim.sourcing == "anonymous_only" and claim.outlets == 2
    assert counts(claim)["independent_sources"] == 2 and counts(claim)["anonymous"] == 2
    assert claim.stance_of(1) == claim.stance_of(2) == "discusses"
    assert "anonymous sources only" in claim.summary and "2 outlets" in claim.summary


def test_one_anonymous_description_in_two_articles_of_one_outlet_is_one_source():
    claim = resign_claim(build_story("s", [member(1, officials()), member(2, officials(published=D2))]))
    assert counts(claim)["independent_sources"] == 1
    assert claim.status == "single_source" and claim.outlets == 1


def test_copies_collapse_into_their_original():
    claim = resign_claim(
        build_story("s", [member(1, officials()), member(2, officials("Herald", D2), copy_of=1)])
    )
    assert claim.outlets == 1 and counts(claim)["independent_sources"] == 1
    assert claim.status == "single_source"
    assert counts(claim)["articles"] == 2


def test_relays_of_one_outlet_are_one_source():
    a_text = "The Post reports that the mayor will resign."
    b_text = "An aide told the Post that the mayor will resign."
    a = one(a_text, "The Post", "reports", "that the mayor will resign", "outlet", outlet="Gazette")
    b = one(b_text, "An aide", "told", "that the mayor will resign", "anonymous_individual", channel="the Post", outlet="Herald", published=D2)  # fmt: skip
    claim = resign_claim(build_story("s", [member(1, a), member(2, b)]))
    assert {s.via for s in claim.sources} == {"The Post"}
    assert counts(claim)["independent_sources"] == 1
    assert claim.status == "relayed_only"
    assert claim.outlets == 2  # carried by two outlets, yet resting on one


def test_anonymous_sources_relaying_the_same_outlet_are_not_independent():
    texts = [
        "An aide told the Post that the mayor will resign.",
        "A city official told the Post the mayor will resign.",
    ]
    a = one(texts[0], "An aide", "told", "that the mayor will resign", "anonymous_individual", channel="the Post", outlet="Gazette")  # fmt: skip
    b = one(texts[1], "A city official", "told", "the mayor will resign", "anonymous_individual", channel="the Post", outlet="Herald", published=D2)  # fmt: skip
    claim = resign_claim(build_story("s", [member(1, a), member(2, b)]))
    assert counts(claim)["independent_sources"] == 1 and claim.status == "relayed_only"


def test_a_named_source_puts_it_on_record():
    text = "Mayor Ana Ruiz said she will resign."
    b = one(text, "Mayor Ana Ruiz", "said", "she will resign", "person", outlet="Herald", published=D2)
    claim = resign_claim(build_story("s", [member(1, officials()), member(2, b)]))
    assert claim.status == "on_record" and claim.sourcing == "mixed"
    assert "Mayor Ana Ruiz" in claim.summary


def test_anonymous_denial_contests_it():
    text = "A spokesman denied that the mayor will resign."
    b = one(text, "A spokesman", "denied", "that the mayor will resign", "anonymous_individual", "denied", outlet="Herald", published=D2)  # fmt: skip
    claim = resign_claim(build_story("s", [member(1, officials()), member(2, b)]))
    assert claim.status == "contested"
    assert claim.stance_of(2) == "refutes"  # its only take on the claim is the denial
    assert claim.stance_of(1) == "discusses"
    assert counts(claim)["denials"] == 1


def test_denial_on_record_denies_it():
    text = "Mayor Ana Ruiz denied that she will resign."
    b = one(text, "Mayor Ana Ruiz", "denied", "that she will resign", "person", "denied", outlet="Herald", published=D2)  # fmt: skip
    claim = resign_claim(build_story("s", [member(1, officials()), member(2, b)]))
    assert claim.status == "denied"
    assert claim.stance_of(2) == "refutes"
    assert "Mayor Ana Ruiz" in claim.summary


def test_an_article_reporting_the_claim_and_its_denial_discusses_it():
    text = "Officials said the mayor will resign. Mayor Ana Ruiz denied that she will resign."
    a = analysis(
        text,
        [
            att(text, "Officials", "said", "the mayor will resign", "anonymous_group"),
            att(text, "Mayor Ana Ruiz", "denied", "that she will resign", "person", "denied"),
        ],
    )
    claim = resign_claim(build_story("s", [member(1, a)]))
    assert claim.stance_of(1) == "discusses"
    assert claim.status == "denied"  # on record against it, nothing on record for it


def test_a_negated_cue_withholds_rather_than_denies():
    text = "The mayor did not confirm that she will resign."
    b = one(text, "The mayor", "did not confirm", "that she will resign", "person", "denied", outlet="Herald", published=D2)  # fmt: skip
    claim = resign_claim(build_story("s", [member(1, officials()), member(2, b)]))
    assert [s.role for s in claim.sources if s.article_id == 2] == ["withholds"]
    assert claim.status == "single_source" and counts(claim)["denials"] == 0


def test_own_voice_supports_and_hedged_or_attributed_headlines_discuss():
    text = "The mayor resigned on Monday, after a long dispute."
    fact = date_fact(text, "Monday", date(2025, 3, 31), date(2025, 3, 31), D2)
    b = analysis(text, outlet="Herald", published=D2, facts=[fact])
    c = analysis("Nothing else here.", outlet="Courier", published=D3, title="Mayor may resign")
    d = analysis("Nothing more.", outlet="Tribune", published=D3, title="Mayor to resign, aides say")
    report = build_story("s", [member(1, officials()), member(2, b), member(3, c), member(4, d)])
    claim = resign_claim(report)
    assert claim.stance_of(2) == "supports"
    assert claim.stance_of(3) == "discusses" and claim.stance_of(4) == "discusses"
    assert dict(claim.stance_basis)[2] == "own_voice"
    own = next(s for s in claim.sources if s.article_id == 2)
    assert own.own_voice and own.role == "asserts" and own.text == "Herald"
    assert claim.status == "corroborated" and claim.sourcing == "anonymous_only"
    hedged = next(s for s in claim.sources if s.article_id == 3)
    assert hedged.role == "hedges" and not hedged.backs and hedged.field == "title"


def test_articles_without_a_mention_ask_the_stance_model_else_unrelated():
    other = analysis("The weather was fine and the market was busy.", outlet="Herald", published=D2)
    members = [member(1, officials()), member(2, other)]
    assert resign_claim(build_story("s", members)).stance_of(2) == "unrelated"
    asked = []

    def model(pairs):
        asked.extend(pairs)
        return ["agree" if "resign" in claim else "unrelated" for claim, _ in pairs]

    claim = resign_claim(build_story("s", members, stance=model))
    assert claim.stance_of(2) == "supports" and dict(claim.stance_basis)[2] == "model"
    assert claim.stance_of(1) == "discusses"  # the rules decided; the model was not asked
    assert all(text == other.article.text for _, text in asked)
    assert claim.status == "single_source"  # model stances carry no evidence


def test_unidentified_documents_count_as_anonymous():
    text = "Multiple insider reports suggest the mayor will resign."
    a = one(text, "Multiple insider reports", "suggest", "the mayor will resign", "document", "hedged")
    claim = resign_claim(build_story("s", [member(1, a)]))
    assert claim.sourcing == "anonymous_only" and not claim.sources[0].named
    text = "The city's audit report says the mayor will resign."
    b = one(text, "The city's audit report", "says", "the mayor will resign", "document")
    claim = resign_claim(build_story("s", [member(1, b)]))
    assert claim.sourcing == "named" and claim.status == "on_record"


def test_named_source_speaking_of_something_else_does_not_put_the_claim_on_record():
    text = "Officials said the mayor will resign. Ruiz said the budget is balanced."
    a = analysis(
        text,
        [
            att(text, "Officials", "said", "the mayor will resign", "anonymous_group"),
            att(text, "Ruiz", "said", "the budget is balanced", "person"),
        ],
    )
    claim = resign_claim(build_story("s", [member(1, a)]))
    assert claim.status == "single_source" and claim.sourcing == "anonymous_only"


def test_report_shape_and_founding_title():
    late = officials("Herald", D2, title="Later headline")
    early = officials("Gazette", D1, title="Founding headline")
    report = build_story("story-1", [member(2, late), member(1, early)])
    data = json.loads(json.dumps(to_json(report)))
    assert list(data) == [
        "id", "title", "first_published", "last_published", "articles", "claims",
        "relays", "facts", "conflicts", "predictions", "timeline",
    ]  # fmt: skip
    assert data["title"] == "Founding headline"
    assert (data["first_published"], data["last_published"]) == ("2025-04-01", "2025-04-02")
    assert data["articles"][0] == {
        "id": 1, "url": None, "outlet": "Gazette", "title": "Founding headline", "published": "2025-04-01", "copy_of": None,
    }  # fmt: skip
    claim = next(c for c in data["claims"] if "resign" in c["text"])
    assert claim["stances"] == {"1": "discusses", "2": "discusses"}
    assert {
        "id",
        "text",
        "kind",
        "mentions",
        "sources",
        "stances",
        "status",
        "counts",
        "sourcing",
        "outlets",
    } <= set(claim)
    assert claim["mentions"][0] == {
        "article_id": 1, "field": "text", "start": 15, "end": 36, "text": "the mayor will resign",
        "kind": "attributed", "hedged": False, "negated": False,
    }  # fmt: skip
    assert [t["kind"] for t in data["timeline"]] == ["article", "article"]


def test_empty_story():
    report = build_story("empty", [])
    assert to_json(report)["claims"] == [] and report.title is None


def test_a_source_saying_the_opposite_denies_it():
    text = "A city aide said the mayor will not resign."
    b = one(text, "A city aide", "said", "the mayor will not resign", "anonymous_individual", outlet="Herald", published=D2)  # fmt: skip
    claim = resign_claim(build_story("s", [member(1, officials()), member(2, b)]))
    assert [s.role for s in claim.sources if s.article_id == 2] == ["denies"]
    assert claim.status == "contested" and claim.stance_of(2) == "refutes"


def test_a_negation_elsewhere_in_a_quote_is_no_denial():
    text = 'Ruiz said: "I can\'t tell you everything, but the mayor will resign and the budget is safe."'
    content = "I can't tell you everything, but the mayor will resign and the budget is safe."
    b = one(text, "Ruiz", "said", content, "person", outlet="Herald", published=D2)
    claim = resign_claim(build_story("s", [member(1, officials()), member(2, b)]))
    assert [s.role for s in claim.sources if s.article_id == 2] == ["asserts"]
    assert claim.status == "on_record"
