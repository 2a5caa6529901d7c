"""The bounded tokenizer (issue 20, item 5): hostile stretches are one token, everything else as spaCy
tokenizes it, every offset the text's own. No timings here (scripts/bench_hostile.py measures them):
what keeps the time linear is that spaCy's own tokenizer never sees a long whitespace-free chunk or a
symbol run, and that is what these tests check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corroborate.text.nlp import load_nlp
from corroborate.text.tokens import (
    MAX_CHUNK_CHARS,
    MAX_SYMBOL_RUN,
    BoundedTokenizer,
    blank_hostile,
    hostile_chunks,
    scrub_surrogates,
)

ROOT = Path(__file__).resolve().parents[1]
PROSE = (
    'Mayor Ana Ruiz said on Monday that the bridge "won\'t" reopen until May. '
    "Officials, who asked not to be named, told the Gazette's reporters (twice) the date may slip...\n\n"
    "----------------------------------------\n\n"
    "See https://coastal-ledger.example/news/2024/03/18/ferry-terminal-vote?ref=rss&utm_source=feed.\n"
)
HOSTILE = [
    '"' * 3000,
    "He said " + '"' * 3000 + " and left.",
    "([" * 1500,
    "'s" * 1500,
    '" ' * 1500,
    "x" * 5000,
    "ab'c\"(d)[e]-f," * 300,
    "“" * 40 + "word" + "”" * 40,
    PROSE + '"' * 2000 + PROSE + "'s" * 400 + "\n" + PROSE,
]


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def _spy(nlp):
    seen: list[str] = []

    def inner(text: str):
        seen.append(text)
        return nlp.tokenizer.inner(text)

    return BoundedTokenizer(inner), seen


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_spacy_never_sees_a_hostile_chunk(nlp, text: str) -> None:
    bounded, seen = _spy(nlp)
    doc = bounded(text)
    (given,) = seen
    assert max((len(chunk) for chunk in given.split()), default=0) <= MAX_CHUNK_CHARS
    assert not re.search(rf"(?:[^\w\s]|_){{{MAX_SYMBOL_RUN}}}", given)
    assert not re.search(
        rf"(?<!\S)(?:[^\w\s]|_)+(?:[ \t]+(?:[^\w\s]|_)+){{{MAX_SYMBOL_RUN - 1}}}(?!\S)", given
    )
    assert doc.text == text
    for token in doc:
        assert text[token.idx : token.idx + len(token.text)] == token.text


def test_a_quote_run_is_one_token(nlp) -> None:
    """3,000 quote marks were 3,000 tokens, found in quadratic time; now one token, offsets exact."""
    text = 'He said: "' + '"' * 3000 + '" and left.'
    doc = nlp(text)
    run = [token for token in doc if len(token.text) > 100]
    assert len(run) == 1 and run[0].text == '"' * 3001 + '"' and run[0].idx == 9
    assert [t.text for t in doc if t.i > run[0].i][:3] == ["and", "left", "."]
    assert len(doc) < 12


def test_ordinary_text_is_tokenized_as_spacy_does(nlp) -> None:
    texts = [PROSE, *(p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt")))]
    for text in texts:
        ours, theirs = nlp.tokenizer(text), nlp.tokenizer.inner(text)
        assert [(t.text, t.whitespace_, t.norm_) for t in ours] == [
            (t.text, t.whitespace_, t.norm_) for t in theirs
        ]


def test_around_a_hostile_stretch_tokens_and_norms_are_kept(nlp) -> None:
    text = PROSE + '"' * 500 + " " + PROSE
    ours = [(t.text, t.whitespace_, t.norm_) for t in nlp.tokenizer(text)]
    theirs = [(t.text, t.whitespace_, t.norm_) for t in nlp.tokenizer.inner(PROSE)]
    assert ours[: len(theirs)] == theirs and ours[-len(theirs) :] == theirs
    assert ours[len(theirs)] == ('"' * 500, " ", '"' * 500)
    assert ("n't", "", "not") in ours  # a special case's norm survives the rebuild


def test_hostile_chunks_are_whole_chunks() -> None:
    text = "ok " + "said" + '"' * 40 + "x " + "a" * 300 + "\n" + '" ' * 40 + "end: " + "! ?? " * 20
    assert hostile_chunks(text) == ((3, 3 + 4 + 40 + 1), (49, 49 + 300), (350, 350 + 79), (435, 435 + 99))
    assert hostile_chunks("a ! " * 31 + "a") == ()  # 31 symbol chunks in a row: not yet
    assert hostile_chunks("a ruled line\n" + "-" * 80 + "\nthen text") == ((13, 93),)
    assert hostile_chunks("no runs here: --- *** ... !!!") == ()


def test_the_encoder_reads_one_wordpiece_per_hostile_stretch() -> None:
    text = "Quote: " + '"' * 100 + " done"
    blanked = blank_hostile(text)
    assert len(blanked) == len(text) and blanked == "Quote: " + '"' + " " * 99 + " done"


def test_surrogates_become_replacement_characters_of_the_same_length(nlp) -> None:
    text = "The mayor \ud800 said the bridge \udfff will open."
    assert scrub_surrogates(text) == text.replace("\ud800", "\ufffd").replace("\udfff", "\ufffd")
    doc = nlp(text)
    assert len(doc.text) == len(text) and doc.text == scrub_surrogates(text)


def test_facts_and_quotations_are_found_around_a_hostile_stretch() -> None:
    from corroborate import analyze
    from corroborate.attribution.quotes import quote_spans
    from corroborate.text.tokens import Squeezed

    before = 'The repairs cost $4 million, the mayor said. "We are on schedule," she said.\n'
    after = "\nThe bridge reopened on March 3, 2024, and 12% of drivers used it."
    text = before + "([" * 3000 + after
    squeezed = Squeezed(text)
    assert squeezed.text == before + "\n\n" + after
    assert [squeezed.original(squeezed.squeezed(i)) for i in (0, len(before), len(text))] == [
        0,
        len(before),
        len(text),
    ]
    facts = analyze(text, mode="fast").facts
    assert {f.span.text for f in facts} >= {"$4 million", "12%"}
    assert any("March 3, 2024" in f.span.text for f in facts)
    for fact in facts:
        assert text[fact.span.start : fact.span.end] == fact.span.text
    assert [text[s:e] for s, e in quote_spans(text)] == ['"We are on schedule,"']
