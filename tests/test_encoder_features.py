"""Parse features for the encoder's wordpieces (:mod:`corroborate.attribution.learned.encoder_features`), and a model
trained with them: the training script adds them on a warm restart, keeps them in the next one, and the
result loads and extracts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corroborate.attribution.learned import encoder
from corroborate.attribution.learned.encoder_features import (
    NAMES,
    piece_features,
    token_features,
    vocabularies,
)
from corroborate.text.nlp import load_nlp

VOCAB = vocabularies()


def _feature(doc, text: str, name: str) -> str | None:
    """The value of feature ``name`` for the first token ``text`` of ``doc`` (None for "none")."""
    tok = next(t for t in doc if t.text == text)
    value = token_features(doc, VOCAB)[tok.i][NAMES.index(name)]
    return VOCAB[name][value - 1] if value else None


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def test_a_reported_clause_is_marked_where_it_starts_and_ends(nlp):
    doc = nlp("The New York Post reports that the team avoided the hospital.")
    assert _feature(doc, "that", "starts") == "ccomp"  # the content opens at "that"
    assert _feature(doc, "hospital", "ends") == "ccomp"  # ... and closes at "hospital"
    assert _feature(doc, "The", "starts") == "ROOT"  # the largest constituent opening there: the sentence
    assert _feature(doc, "Post", "ends") == "nsubj"  # the source closes at "Post"
    assert _feature(doc, ".", "ends") == "ROOT"
    assert _feature(doc, "team", "starts") is None  # inside the clause: no constituent starts there
    assert _feature(doc, "reports", "dep") == "ROOT"


@pytest.mark.parametrize(
    ("text", "word", "shape"),
    [
        ("PENCE: Well, we disagree.", "PENCE", "upper"),
        ("Pence said no.", "Pence", "title"),
        ("the pence fell", "pence", "lower"),
        ("It rose 125% in 2024.", "2024", "other"),
        ("I said so.", "I", "title"),
    ],
)
def test_letter_case_is_kept_for_the_uncased_encoder(nlp, text, word, shape):
    assert _feature(nlp(text), word, "shape") == shape


def test_every_wordpiece_takes_its_tokens_features(nlp):
    doc = nlp("Officials said the unprecedented move was unworkable.")
    # wordpieces of "unprecedented" and "unworkable" split inside the tokens
    offsets = [
        (0, 9),
        (10, 14),
        (15, 18),
        (19, 21),
        (21, 32),
        (33, 37),
        (38, 41),
        (42, 44),
        (44, 52),
        (52, 53),
    ]
    feats = piece_features(doc, offsets, VOCAB)
    by_token = token_features(doc, VOCAB)
    assert feats[3] == feats[4] == by_token[3]  # both pieces of "unprecedented"
    assert feats[7] == feats[8] == by_token[6]  # both pieces of "unworkable"
    assert all(0 <= v <= len(VOCAB[n]) for row in feats for n, v in zip(NAMES, row, strict=True))
    assert piece_features(nlp(""), [], VOCAB) == []


def test_a_warm_restart_adds_parse_features_and_the_next_keeps_them(tmp_path, nlp):
    from test_encoder import _need_extra, _training_script

    _need_extra()
    mod = _training_script()
    data = Path(__file__).parent / "fixtures" / "brat"
    common = ["--data", str(data), "--max-steps", "1", "--batch", "2", "--threads", "1", "--epochs", "1"]
    common += ["--parse-cache", str(tmp_path / "parses")]
    one, two, three = tmp_path / "one", tmp_path / "two", tmp_path / "three"
    assert mod.main([*common, "--out", str(one)]) == 0
    assert (
        mod.main([*common, "--out", str(two), "--init", str(one / "weights.safetensors"), "--features"]) == 0
    )
    assert mod.main([*common, "--out", str(three), "--init", str(two / "weights.safetensors")]) == 0
    metas = [json.loads((d / "meta.json").read_text(encoding="utf-8")) for d in (one, two, three)]
    assert metas[0]["features"] is None
    assert metas[1]["features"] == metas[2]["features"] == VOCAB  # the third stage inherits them

    enc = encoder.open_encoder(three)
    doc = nlp("The mayor said the bridge would reopen in May.")
    atts = encoder.extract_attributions_encoder(doc, enc)
    assert all(doc.text[a.cue.start : a.cue.end] == a.cue.text for a in atts if a.cue)
    with pytest.raises(ValueError, match="parse features"):
        encoder.predict_char_tags(enc, doc.text)  # without the parsed doc
    # a plain model's weights do not load as a feature model's, nor the other way round
    with pytest.raises(ValueError, match="does not fit"):
        encoder.load_weights(encoder.build_model(), three / "weights.safetensors")


def test_dumped_examples_train_the_same_model_without_spacy_or_the_data(tmp_path):
    """``--dump-examples`` then ``--examples`` (how a GPU box with no spaCy trains): the same weights
    as training from the data folder, and a dump refuses an init trained with other features."""
    from safetensors.torch import load_file

    from test_encoder import _need_extra, _training_script

    _need_extra()
    mod = _training_script()
    data = Path(__file__).parent / "fixtures" / "brat"
    common = ["--max-steps", "2", "--batch", "2", "--threads", "1", "--epochs", "1", "--device", "cpu"]
    common += ["--parse-cache", str(tmp_path / "parses"), "--features"]
    dump = tmp_path / "examples.pkl"
    assert mod.main(["--data", str(data), *common, "--dump-examples", str(dump)]) == 0
    direct, dumped = tmp_path / "direct", tmp_path / "dumped"
    assert mod.main(["--data", str(data), *common, "--out", str(direct)]) == 0
    gone = tmp_path / "no-such-folder"  # --examples needs neither the data nor spaCy's parses
    assert mod.main(["--data", str(gone), *common, "--examples", str(dump), "--out", str(dumped)]) == 0
    a, b = (load_file(str(d / "weights.safetensors")) for d in (direct, dumped))
    assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)
    meta = json.loads((dumped / "meta.json").read_text(encoding="utf-8"))
    assert meta["features"] == VOCAB and meta["device"] == "cpu" and meta["trained_on"] == "brat"

    plain = tmp_path / "plain"
    assert mod.main(["--data", str(data), *common[:-1], "--out", str(plain)]) == 0
    bad = ["--data", str(gone), *common, "--examples", str(dump), "--out", str(tmp_path / "bad")]
    meta_path = plain / "meta.json"
    other = json.loads(meta_path.read_text(encoding="utf-8"))
    other["features"] = {name: ["x"] for name in VOCAB}
    meta_path.write_text(json.dumps(other), encoding="utf-8")
    assert mod.main([*bad, "--init", str(plain / "weights.safetensors")]) == 2
