"""The encoder tagger (fine-tuned MiniLM): its torch model (training, export, the large mode; extra
``corroborate[train]``) and the encoder mode that serves its ONNX export.

The pure parts (windows, wordpiece labels, token spans) run everywhere; the model tests need torch and
the packaged MiniLM. They skip with a reason when the extra is missing, and fail instead when CI is set
(`make test` installs the extra)."""

from __future__ import annotations

import logging
import os

import pytest

from corroborate.attribution.learned import encoder
from corroborate.attribution.learned.encoder import piece_labels, token_spans, windows


def test_windows_cover_every_wordpiece_with_overlap():
    assert windows(10) == [(0, 10)]
    wins = windows(1000, size=254, stride=128)
    assert wins[0] == (0, 254) and wins[-1][1] == 1000
    covered = set()
    for s, e in wins:
        assert e - s <= 254
        covered.update(range(s, e))
    assert covered == set(range(1000))
    assert all(b[0] < a[1] for a, b in zip(wins, wins[1:], strict=False))  # consecutive windows overlap


def test_piece_labels_mark_begin_inside_and_keep_the_longest_nested_span():
    # "He said it was fine" as wordpieces with character offsets
    offsets = [(0, 2), (3, 7), (8, 10), (11, 14), (15, 19)]
    spans = {("source", 0, 2), ("cue", 3, 7), ("content", 8, 19), ("content", 11, 14)}
    labels = piece_labels(offsets, spans)
    cue, src, con = ([row[i] for row in labels] for i in range(3))  # encoder.LABELS order
    assert src == [1, 0, 0, 0, 0]
    assert cue == [0, 1, 0, 0, 0]
    assert con == [0, 0, 1, 2, 2]  # the nested "was" is dropped, the outer content kept


def test_token_spans_follow_first_wordpieces_and_skip_whitespace_tokens():
    # tokens: "He" "said" "\n\n" "un" "##fine" covering one token "unfine"
    token_starts, token_ends = [0, 3, 8, 10], [2, 7, 10, 16]
    offsets = [(0, 2), (3, 7), (10, 12), (12, 16)]
    o, b, i = 0, 1, 2
    tags = [[o, b, o], [b, o, o], [o, o, b], [o, o, i]]  # cue, source, content per wordpiece
    spans = token_spans(token_starts, token_ends, offsets, tags)
    assert spans == {"cue": [(1, 2)], "source": [(0, 1)], "content": [(3, 4)]}
    # an I with nothing open starts a span; a whitespace token inside a span does not end it
    tags = [[o, o, i], [o, o, i], [o, o, o], [o, o, o]]
    assert token_spans(token_starts, token_ends, offsets, tags)["content"] == [(0, 2)]
    tags = [[o, o, b], [o, o, i], [o, o, i], [o, o, i]]
    assert token_spans(token_starts, token_ends, offsets, tags)["content"] == [(0, 4)]


def test_viterbi_never_opens_with_inside_and_bridges_a_weak_outside():
    import math

    lg = math.log
    # O, B, I probabilities per token: an I right after O is not allowed, so the path takes B there
    scores = [[lg(0.4), lg(0.1), lg(0.5)], [lg(0.1), lg(0.1), lg(0.8)], [lg(0.9), lg(0.05), lg(0.05)]]
    assert encoder.viterbi(scores) == [1, 2, 0]
    # a content span with one unsure token in the middle stays one span
    scores = [[lg(0.05), lg(0.9), lg(0.05)], [lg(0.5), lg(0.05), lg(0.45)], [lg(0.05), lg(0.05), lg(0.9)]]
    assert encoder.viterbi(scores) == [1, 2, 2]
    assert encoder.viterbi([]) == []


# --- the model -------------------------------------------------------------------------------------


def _need_extra():
    if os.environ.get("CI"):
        import torch  # noqa: F401  (CI installs the extra: a missing one is a failure)
        import transformers  # noqa: F401
    else:
        pytest.importorskip("torch", reason="the encoder extra is not installed: pip install '.[encoder]'")
        pytest.importorskip("transformers", reason="the encoder extra is not installed")


@pytest.fixture(scope="module")
def extract():
    _need_extra()
    from conftest import offset_checked

    enc = encoder.load_encoder()
    return offset_checked(lambda doc: encoder.extract_attributions_encoder(doc, enc))


def _texts(atts, field: str) -> list[str]:
    return [getattr(a, field).text for a in atts if getattr(a, field) is not None]


def test_encoder_finds_a_simple_attribution(extract):
    atts = extract("The mayor said that the bridge would reopen in May. Nobody else commented.")
    said = [a for a in atts if a.cue is not None and a.cue.text == "said"]
    assert said and said[0].source is not None and said[0].source.text == "The mayor"
    assert said[0].content is not None and "the bridge would reopen in May" in said[0].content.text
    assert said[0].extractor == encoder.MODEL_VERSION


@pytest.mark.parametrize(
    "text",
    [
        "\u201cWe will not back down,\u201d the senator told reporters on Tuesday.",
        '"We will not back down," the senator told reporters on Tuesday.',
    ],
    ids=["curly", "straight"],
)
def test_encoder_curly_and_straight_quotes(extract, text):
    atts = extract(text)
    assert "the senator" in _texts(atts, "source")
    assert any("We will not back down" in t for t in _texts(atts, "content"))


def test_encoder_quote_over_sentences_and_nested_attribution(extract):
    atts = extract(
        "\u201cWe lost. We will learn from it. And we will be back,\u201d the campaign manager said."
    )
    said = [a for a in atts if a.cue is not None and a.cue.text == "said"]
    assert said and said[0].source is not None and said[0].source.text == "the campaign manager"
    assert said[0].content is not None and said[0].content.start <= 1
    atts = extract("The aide said that the senator told him the vote would fail.")
    said = [a for a in atts if a.cue is not None and a.cue.text == "said"]
    assert said and "the senator told him the vote would fail" in said[0].content.text


def test_encoder_long_article_and_text_without_sentence_ends(extract):
    para = (
        "The official said the talks would continue next week, while critics argued that nothing had changed"
    )
    long_text = "\n\n".join(f"{para} in round {i}." for i in range(900))
    assert len(long_text) > 100_000
    atts = extract(long_text)
    assert sum(1 for t in _texts(atts, "cue") if t == "said") >= 800  # windows cover the whole article
    flat = extract(
        " ".join(["the spokesman said the plan was fine and the mayor told residents to wait"] * 30)
    )
    assert flat


def test_encoder_output_computed_elsewhere_decodes_the_same(extract):
    """Log-probabilities computed earlier (on a GPU box, say) decode to the same spans, with only the
    decoding settings at hand (no model)."""
    from corroborate.text.nlp import load_nlp

    doc = load_nlp()("Officials said on Monday that the bridge would reopen in May, according to the Post.")
    enc = encoder.load_encoder()
    tags = encoder.predict_char_tags(enc, doc.text, doc)
    settings_only = encoder.Encoder(model=None, tokenizer=None, meta={"crf_weight": enc.meta["crf_weight"]})
    fresh = encoder.spans_for_doc(doc, enc)
    assert fresh["cue"] and fresh["content"]
    assert encoder.spans_for_doc(doc, settings_only, tags=tags) == fresh


def test_encoder_failure_falls_back_to_the_crf_model(extract, monkeypatch, caplog):
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(encoder, "spans_for_doc", boom)
    with caplog.at_level(logging.ERROR, logger="corroborate.attribution.learned.encoder"):
        atts = extract("The mayor said that the bridge would reopen in May.")
    assert "said" in _texts(atts, "cue")
    assert all(a.extractor != encoder.MODEL_VERSION for a in atts)
    assert any("using the CRF model" in r.getMessage() for r in caplog.records)


def test_encoder_mode_runs_without_torch_and_large_names_its_extra(monkeypatch, tmp_path):
    """The default encoder mode runs on ONNX Runtime: with torch unimportable it still extracts; the
    large mode, which needs torch, says which extra to install and exits 1."""
    import json
    import sys

    from typer.testing import CliRunner

    from corroborate.analysis.pipeline import extractor_for
    from corroborate.attribution.learned import large
    from corroborate.cli.main import app
    from corroborate.errors import ModelError

    monkeypatch.setitem(sys.modules, "torch", None)  # "import torch" raises ImportError
    large.load_large.cache_clear()
    try:
        extract, version = extractor_for("encoder")
        assert version == "encoder@5"
        article = tmp_path / "a.txt"
        article.write_text("The mayor said the bridge would reopen.", encoding="utf-8")
        result = CliRunner().invoke(app, ["attributions", str(article), "--mode", "encoder"])
        assert result.exit_code == 0, result.stderr
        said = json.loads(result.stdout)["attributions"]
        assert [a["source"]["text"] for a in said if a["cue"]["text"] == "said"] == ["The mayor"]
        with pytest.raises(ModelError, match=r"pip install 'corroborate\[large\]'"):
            extractor_for("large")
        result = CliRunner().invoke(app, ["attributions", str(article), "--mode", "large"])
        assert result.exit_code == 1  # EXIT_FAILED: the model cannot be loaded
        assert "corroborate[large]" in result.stderr
    finally:
        large.load_large.cache_clear()


def test_cli_attributions_in_encoder_mode(extract, tmp_path):
    import json

    from typer.testing import CliRunner

    from corroborate.cli.main import app

    article = tmp_path / "a.txt"
    article.write_text("The mayor said that the bridge would reopen in May.", encoding="utf-8")
    result = CliRunner().invoke(app, ["attributions", str(article), "--mode", "encoder"])
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    said = [a for a in record["attributions"] if a["cue"] and a["cue"]["text"] == "said"]
    assert said and said[0]["source"]["text"] == "The mayor"
    assert "the bridge would reopen in May" in said[0]["content"]["text"]


def _training_script():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scripts" / "train_encoder.py"
    spec = importlib.util.spec_from_file_location("train_encoder", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_training_script_warm_restart_chain(tmp_path):
    """`make train-encoder`'s stages on the hand-written brat fixture (one step each): the second stage
    starts from the first one's weights, records its history, and the result loads and extracts."""
    _need_extra()
    import json
    from pathlib import Path

    from corroborate.text.nlp import load_nlp

    mod = _training_script()
    data = Path(__file__).parent / "fixtures" / "brat"
    one, two = tmp_path / "stage1", tmp_path / "stage2"
    common = ["--data", str(data), "--max-steps", "1", "--batch", "2", "--threads", "1"]
    assert mod.main([*common, "--out", str(one), "--epochs", "1"]) == 0
    init = str(one / "weights.safetensors")
    args = [
        *common,
        "--out",
        str(two),
        "--epochs",
        "1",
        "--lr",
        "5e-5",
        "--init",
        init,
        "--crf-weight",
        "0.5",
        "--version",
        "test@9",
    ]
    assert mod.main(args) == 0
    assert json.loads((one / "meta.json").read_text(encoding="utf-8"))["version"] == encoder.MODEL_VERSION
    meta = json.loads((two / "meta.json").read_text(encoding="utf-8"))
    assert meta["crf_weight"] == 0.5 and meta["lr"] == 5e-5 and meta["version"] == "test@9"
    assert meta["init_meta"]["lr"] == 1e-4 and meta["init_meta"]["init_meta"] is None
    enc = encoder.open_encoder(two)
    doc = load_nlp()("The mayor said the bridge would reopen in May.")
    atts = encoder.extract_attributions_encoder(doc, enc)
    assert all(doc.text[a.cue.start : a.cue.end] == a.cue.text for a in atts if a.cue)


def test_training_script_refuses_weights_of_another_shape(tmp_path, capsys):
    _need_extra()
    from pathlib import Path

    import torch
    from safetensors.torch import save_file

    mod = _training_script()
    bad = tmp_path / "bad.safetensors"
    save_file({"head.weight": torch.zeros(2, 2)}, str(bad))
    data = Path(__file__).parent / "fixtures" / "brat"
    args = ["--data", str(data), "--out", str(tmp_path / "o"), "--init", str(bad), "--max-steps", "1"]
    assert mod.main(args) == 2
    assert "does not fit the packaged MiniLM" in capsys.readouterr().err
    assert not (tmp_path / "o" / "weights.safetensors").exists()
