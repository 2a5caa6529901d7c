"""The learned attribution extractor (CRF model shipped in the package): behaviour and robustness."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from corroborate.attribution.learned import crf as tagger
from corroborate.attribution.learned.crf import MODEL_VERSION, extract_attributions_model
from corroborate.attribution.learned.crf_features import bio_spans, doc_info, spans_to_bio
from corroborate.eval.attributions import load_gold, score_all, triples_of
from corroborate.text.nlp import load_nlp

FIXTURE = Path(__file__).parent / "fixtures" / "brat"
SHARED_DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "dev"


def _parse(*texts: str):
    return list(load_nlp().pipe(texts))


def _check_offsets(doc, atts) -> None:
    text = doc.text  # built on each access: once here
    for a in atts:
        assert a.extractor == MODEL_VERSION
        for span in (a.source, a.cue, a.content, a.channel):
            if span is not None:
                assert 0 <= span.start < span.end <= len(text)
                assert text[span.start : span.end] == span.text


def _texts(atts, field: str) -> list[str]:
    return [getattr(a, field).text for a in atts if getattr(a, field) is not None]


def test_model_loads_from_package_and_finds_a_simple_attribution():
    (doc,) = _parse("The mayor said that the bridge would reopen in May. Nobody else commented.")
    atts = extract_attributions_model(doc)
    _check_offsets(doc, atts)
    assert "said" in _texts(atts, "cue")
    assert "The mayor" in _texts(atts, "source")
    assert any("the bridge would reopen in May" in t for t in _texts(atts, "content"))
    triple = next(a for a in atts if a.cue is not None and a.cue.text == "said")
    assert triple.source is not None and triple.source.text == "The mayor"


def test_curly_and_straight_quotes():
    docs = _parse(
        "\u201cWe will not back down,\u201d the senator told reporters on Tuesday.",
        '"We will not back down," the senator told reporters on Tuesday.',
    )
    for doc in docs:
        atts = extract_attributions_model(doc)
        _check_offsets(doc, atts)
        assert any(t == "the senator" for t in _texts(atts, "source"))
        assert any("We will not back down" in t for t in _texts(atts, "content"))


def test_quote_over_several_paragraphs_with_unbalanced_marks():
    text = (
        "The governor spoke at length.\n\n"
        "\u201cThis state has been through a lot this year, and we are going to get through it together.\n\n"
        "\u201cNobody should be left behind, and nobody will be,\u201d she said.\n\n"
        '"Our budget is balanced, the governor added, and it will stay that way.\n\n'
        "Later the committee met again."
    )
    (doc,) = _parse(text)
    atts = extract_attributions_model(doc)
    _check_offsets(doc, atts)
    assert any(a.cue is not None and a.cue.text == "said" for a in atts)


def test_quote_crossing_sentence_boundaries():
    text = "\u201cWe lost. We will learn from it. And we will be back,\u201d the campaign manager said on Sunday."
    (doc,) = _parse(text)
    atts = extract_attributions_model(doc)
    _check_offsets(doc, atts)
    said = [a for a in atts if a.cue is not None and a.cue.text == "said"]
    assert said and said[0].source is not None and said[0].source.text == "the campaign manager"
    assert said[0].content is not None and said[0].content.start == 0


def test_nested_attribution():
    text = "The aide said that the senator told him the vote would fail. The senator declined to comment."
    (doc,) = _parse(text)
    atts = extract_attributions_model(doc)
    _check_offsets(doc, atts)
    said = [a for a in atts if a.cue is not None and a.cue.text == "said"]
    assert said and said[0].source is not None and said[0].source.text == "The aide"
    # the outer content holds the inner attribution whole
    assert said[0].content is not None and "the senator told him the vote would fail" in said[0].content.text


def test_long_article_and_text_without_sentence_ends():
    para = (
        "The official said the talks would continue next week, according to a statement released "
        "by the ministry, while critics argued that nothing had changed"
    )
    long_text = "\n\n".join(f"{para} in round {i}." for i in range(700))
    assert len(long_text) > 100_000
    no_ends = " ".join(["the spokesman said the plan was fine and the mayor told residents to wait"] * 30)
    long_doc, flat_doc = _parse(long_text, no_ends)
    atts = extract_attributions_model(long_doc)
    _check_offsets(long_doc, atts)
    assert len(atts) >= 700
    flat = extract_attributions_model(flat_doc)
    _check_offsets(flat_doc, flat)
    assert flat


def test_empty_and_odd_documents():
    docs = _parse("", "   \n\n  ", '\u201d\u201c\u201d""', "said said said.", "\u2014")
    for doc in docs:
        _check_offsets(doc, extract_attributions_model(doc))


def test_a_failing_sentence_is_logged_and_skipped(monkeypatch, caplog):
    text = (
        "The mayor said the bridge would reopen. Poison sentence here. The chief told reporters it was safe."
    )
    (doc,) = _parse(text)
    real = tagger.predict_token_spans

    def flaky(info, models):
        if info.n > 12 or "poison" in info.lower:  # the whole document, then the bad sentence
            raise RuntimeError("boom")
        return real(info, models)

    monkeypatch.setattr(tagger, "predict_token_spans", flaky)
    with caplog.at_level(logging.ERROR, logger="corroborate.attribution.learned.crf"):
        atts = extract_attributions_model(doc)
    _check_offsets(doc, atts)
    assert "said" in _texts(atts, "cue") and "told" in _texts(atts, "cue")
    assert any("skipped" in r.getMessage() for r in caplog.records)


def test_a_failing_attribution_is_skipped(monkeypatch, caplog):
    (doc,) = _parse("The mayor said the bridge would reopen. The chief told reporters it was safe.")
    calls = {"n": 0}
    real = tagger.finish

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ValueError("bad attribution")
        return real(*args, **kwargs)

    monkeypatch.setattr(tagger, "finish", flaky)
    with caplog.at_level(logging.ERROR, logger="corroborate.attribution.learned.crf"):
        atts = extract_attributions_model(doc)
    assert atts and calls["n"] >= 2


def test_bio_round_trip():
    labels = spans_to_bio(8, [(1, 3), (2, 5), (6, 8)])
    assert labels == ["O", "O", "B", "I", "I", "O", "B", "I"]  # the longer overlapping range wins
    assert bio_spans(labels) == [(2, 5), (6, 8)]
    assert bio_spans(["I", "I", "O", "B", "B"]) == [(0, 2), (3, 4), (4, 5)]


def test_contents_are_cut_at_paragraph_breaks():
    text = (
        "The senator said the plan would fail.\n\n"
        "\u201cIt is a disaster for working families,\u201d she added, \u201cand we will fight it.\u201d"
    )
    (doc,) = _parse(text)
    info = doc_info(doc)
    para = next(i for i, t in enumerate(doc) if t.text == "\u201c")
    assert doc[para - 1].text == "\n\n"
    # one range over both paragraphs (as the content CRF sometimes predicts) becomes two, without the
    # break and without the first piece's final period (PolNeAR convention)
    pieces = tagger.split_at_paragraphs(info, [(3, len(doc)), (0, 2)])
    assert pieces == [(3, para - 2), (para, len(doc)), (0, 2)]
    assert doc[pieces[0][0] : pieces[0][1]].text == "the plan would fail"
    assert doc[pieces[1][0] : pieces[1][1]].text.endswith("fight it.\u201d")
    assert tagger.split_at_paragraphs(info, [(0, 2)]) == [(0, 2)]
    atts = extract_attributions_model(doc)
    _check_offsets(doc, atts)
    assert all("\n" not in t for t in _texts(atts, "content"))


def test_quote_state_features():
    (doc,) = _parse('He said \u201cyes, "maybe" no\u201d and left.\n\n\u201cAgain')
    info = doc_info(doc)
    states = dict(zip([t.text for t in doc], info.in_quote, strict=True))
    assert states["yes"] == 1 and states["left"] == 0 and states["Again"] == 1


def test_model_on_fixture_scores_something():
    gold = load_gold(FIXTURE)
    texts = sorted({g.text for _, g in gold})
    docs = dict(zip(texts, _parse(*texts), strict=True))
    scores = score_all((g, triples_of(extract_attributions_model(docs[g.text]))) for _, g in gold)
    assert scores.counts["cue"].exact >= 2


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.skipif(not (SHARED_DEV / "attributions").is_dir(), reason="../shared/data/polnear/dev is absent")
def test_model_on_polnear_dev_sample():
    gold = load_gold(SHARED_DEV, limit=8)
    names = sorted({n for n, _ in gold})
    texts = [(SHARED_DEV / "text" / f"{n}.txt").read_text(encoding="utf-8") for n in names]
    docs = dict(zip(names, _parse(*texts), strict=True))
    scores = score_all((g, triples_of(extract_attributions_model(docs[n]))) for n, g in gold)
    for lab in ("source", "cue"):
        assert scores.counts[lab].prf("exact")[2] > 0.5, lab
    assert scores.counts["content"].prf("exact")[2] > 0.3
    assert scores.counts["content"].prf("overlap")[2] > 0.5


def test_training_script_on_fixture(tmp_path):
    """The training path end to end on the hand-written fixture (tiny settings), then inference with it."""
    import importlib.util

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location(
        "train_attributions", root / "scripts" / "train_attributions.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = tmp_path / "model"
    args = ["--data", str(FIXTURE), "--out", str(out), "--cache", str(tmp_path / "cache"), "--clusters", "4"]
    args += ["--cue-iters", "5", "--stage2-iters", "5", "--dev", str(FIXTURE)]
    assert mod.main(args) == 0
    assert {p.name for p in out.iterdir()} >= {
        "cue.crfsuite",
        "source.crfsuite",
        "content.crfsuite",
        "meta.json",
    }
    models = tagger.open_models(out)
    assert len(models.centroids) == 1 and models.cue_extra
    (doc,) = _parse("The mayor said the bridge would reopen.")
    _check_offsets(doc, extract_attributions_model(doc, models))
