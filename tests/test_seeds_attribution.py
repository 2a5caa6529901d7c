"""The rule-based extractor on the two seed articles, with page furniture masked as the pipeline does."""

from __future__ import annotations

from pathlib import Path

import pytest

from corroborate.analysis.pipeline import analyze_articles, mask
from corroborate.attribution.rules import extract_attributions
from corroborate.text import clean
from corroborate.text.nlp import load_nlp
from corroborate.types import Article

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEED_000 = EXAMPLES / "000_4d6a7cf84a4b85b6.txt"
SEED_002 = EXAMPLES / "002_940bf8f4067e6dbb.txt"


@pytest.fixture(scope="module")
def seeds():
    texts = [SEED_000.read_text(encoding="utf-8"), SEED_002.read_text(encoding="utf-8")]
    furniture = [clean.find_boilerplate(t) for t in texts]
    masked = [mask(t, ((b.start, b.end) for b in f)) for t, f in zip(texts, furniture, strict=True)]
    docs = list(load_nlp().pipe(masked))
    return {
        name: (text, fur, extract_attributions(doc))
        for name, text, fur, doc in zip(("000", "002"), texts, furniture, docs, strict=True)
    }


def _find(atts, source: str, cue: str | None = None):
    hits = [
        a
        for a in atts
        if a.source is not None
        and a.source.text == source
        and (cue is None or (a.cue is not None and a.cue.text == cue))
    ]
    assert hits, (
        f"no attribution to {source!r} ({cue!r}); got {[(a.source and a.source.text, a.cue and a.cue.text) for a in atts]}"
    )
    return hits[0]


def test_seed_000_outlets(seeds):
    _, _, atts = seeds["000"]
    post = _find(atts, "The Washington Post", "reports")
    assert post.source_kind == "outlet"
    assert post.content.text.startswith("he’s growing tired of relentless criticism")
    rolling = _find(atts, "Rolling Stone", "According to")
    assert rolling.source_kind == "outlet"
    assert rolling.content.text.startswith("the relationship between the two powerful figures")
    assert rolling.channel is None


def test_seed_000_insider_told_the_post(seeds):
    _, _, atts = seeds["000"]
    insider = _find(atts, "One White House insider", "told")
    assert insider.source_kind == "anonymous_individual"
    assert insider.channel is not None and insider.channel.text in ("the Post", "Post")
    assert insider.content.text.startswith("Musk has said DOGE will")
    # the nested report of what Musk said is its own attribution
    musk = _find(atts, "Musk", "has said")
    assert musk.source_kind == "person"


def test_seed_000_sources_close_to_musk(seeds):
    _, _, atts = seeds["000"]
    sources = _find(atts, "Sources close to Musk", "claim")
    assert sources.source_kind == "anonymous_group"
    assert sources.content.text.startswith("he is increasingly disillusioned")


def test_seed_000_trump_quoted_as_saying(seeds):
    _, _, atts = seeds["000"]
    trump = _find(atts, "Trump", "was quoted as saying")
    assert trump.source_kind == "person"
    assert trump.direct is True
    assert trump.content.text.startswith("“What the f*** is Elon doing there?")
    assert trump.content.text.endswith("Make sure he doesn’t go,”")


def test_seed_000_quotes_to_outlets_and_officials(seeds):
    _, _, atts = seeds["000"]
    axios = _find(atts, "One government official", "telling")
    assert axios.source_kind == "anonymous_individual"
    assert axios.channel is not None and axios.channel.text == "Axios"
    assert axios.direct is True
    official = _find(atts, "one senior administration official", "claimed")
    assert official.source_kind == "anonymous_individual" and official.direct is True
    unattributed = [a for a in atts if a.source is None]
    assert any(a.content.text.startswith("Musk is reportedly facing growing friction") for a in unattributed)
    assert all(a.source_kind == "unattributed" and a.certainty == "hedged" for a in unattributed)


def test_seed_002_anonymous_sources(seeds):
    _, _, atts = seeds["002"]
    insiders = _find(atts, "three White House insiders", "According to")
    assert insiders.source_kind == "anonymous_group"
    described = _find(atts, "One senior official", "described")
    assert described.source_kind == "anonymous_individual"
    assert described.content.text.startswith("Musk's leadership style as")
    seniors = _find(atts, "Senior officials", "confirmed")
    assert seniors.source_kind == "anonymous_group"
    single = _find(atts, "A senior administration official", "confirmed")
    assert single.source_kind == "anonymous_individual"
    analysts = _find(atts, "Analysts", "believe")
    assert analysts.source_kind == "anonymous_group"
    assert analysts.certainty == "hedged"


def test_seed_002_pronoun_after_trump_quote(seeds):
    _, _, atts = seeds["002"]
    he = [a for a in atts if a.source is not None and a.source.text == "he" and a.cue.text == "said"]
    assert he, "the quote closed by 'he said' was not attributed"
    assert all(a.source_kind == "person" and a.direct for a in he)
    assert he[0].content.text.startswith("\"Well, I can't tell you that")
    # the next paragraph is the same speaker going on
    assert any(a.content.text.startswith('"Some of them may try') for a in he)


def test_seed_002_unattributed_hearsay(seeds):
    _, _, atts = seeds["002"]
    said_to = [a for a in atts if a.cue is not None and a.cue.text in ("is said", "are said")]
    assert len(said_to) == 2
    assert all(
        a.source is None and a.source_kind == "unattributed" and a.certainty == "hedged" for a in said_to
    )


@pytest.mark.parametrize("name", ["000", "002"])
def test_nothing_attributed_in_page_furniture(seeds, name):
    text, furniture, atts = seeds[name]
    assert furniture, "the seed has page furniture to mask"
    assert atts
    for a in atts:
        for span in (a.source, a.cue, a.content, a.channel):
            if span is None:
                continue
            assert text[span.start : span.end] == span.text
            for b in furniture:
                assert span.end <= b.start or span.start >= b.end, (span, b.kind)


@pytest.fixture(scope="module", params=["accurate", "fast"])
def pipeline_seeds(request):
    articles = [
        Article(text=SEED_000.read_text(encoding="utf-8")),
        Article(text=SEED_002.read_text(encoding="utf-8")),
    ]
    return request.param, list(analyze_articles(articles, mode=request.param))


def test_seeds_through_the_pipeline(pipeline_seeds):
    _, analyses = pipeline_seeds
    for analysis in analyses:
        assert analysis.attributions
        for a in analysis.attributions:
            for span in (a.source, a.cue, a.content, a.channel):
                if span is None:
                    continue
                assert analysis.article.text[span.start : span.end] == span.text
                for b in analysis.boilerplate:
                    assert span.end <= b.start or span.start >= b.end, (span, b.kind)
    kinds = {a.source_kind for an in analyses for a in an.attributions}
    assert {
        "outlet",
        "person",
        "anonymous_individual",
        "anonymous_group",
        "unattributed",
        "document",
    } <= kinds


def test_seed_checklist_in_every_mode(pipeline_seeds):
    """What a reader of the two seeds must be told, whichever extractor runs."""
    mode, (a000, a002) = pipeline_seeds
    atts = a000.attributions
    assert _find(atts, "The Washington Post", "reports").source_kind == "outlet", mode
    assert _find(atts, "Rolling Stone", "According to").source_kind == "outlet", mode
    insider = _find(atts, "One White House insider", "told")
    assert insider.source_kind == "anonymous_individual", mode
    assert insider.channel is not None and insider.channel.text in ("the Post", "Post"), mode
    assert _find(atts, "Sources close to Musk", "claim").source_kind == "anonymous_group", mode
    assert _find(atts, "Trump", "was quoted as saying").source_kind == "person", mode
    insiders = [
        a for a in a002.attributions if a.source is not None and a.source.text == "three White House insiders"
    ]
    assert insiders and all(a.source_kind == "anonymous_group" for a in insiders), mode
