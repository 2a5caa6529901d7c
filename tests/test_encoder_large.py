"""The ``large`` mode: LoRA over a frozen base, the base joined from split packages, the real model."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile

import pytest

from corroborate.attribution.learned import large as encoder_large
from corroborate.errors import ModelUnavailable


def _need(*modules: str) -> None:
    for name in modules:
        if os.environ.get("CI"):
            __import__(name)  # CI installs the extras: a missing one is a failure
        else:
            pytest.importorskip(
                name, reason=f"the large extra is not installed: pip install '.[large]' ({name})"
            )


# --- LoRA on a tiny randomly initialised transformer (no download) -------------------------------------


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory):
    _need("torch", "transformers")
    import torch
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)
    cfg = BertConfig(
        vocab_size=40,
        hidden_size=16,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
    )
    folder = tmp_path_factory.mktemp("tiny")
    BertModel(cfg).save_pretrained(str(folder))
    return folder


def _run(model, feats=None):
    import torch

    ids = torch.tensor([[1, 5, 7, 9, 2, 0]])
    mask = torch.tensor([[1, 1, 1, 1, 1, 0]])
    with torch.inference_mode():
        return model(ids, mask, feats)


def test_lora_starts_as_the_base_and_stores_only_what_it_trains(tiny_base):
    import torch

    from corroborate.attribution.learned import encoder

    plain = encoder.build_model(tiny_base).eval()
    lora = encoder.build_model(tiny_base, lora=4).eval()
    lora.head.load_state_dict(plain.head.state_dict())
    assert torch.allclose(_run(plain), _run(lora), atol=1e-6)  # B starts at zero: no change yet

    trained = encoder.freeze(lora)
    names = {n for n, p in lora.named_parameters() if p.requires_grad}
    assert {id(p) for p in trained} == {id(p) for n, p in lora.named_parameters() if n in names}
    assert any(".lora_a" in n for n in names) and any(".lora_b" in n for n in names)
    assert not any(n.endswith("dense.weight") or n.endswith("query.weight") for n in names)
    assert not any(n.startswith("encoder.embeddings.") for n in names)
    assert set(encoder.trainable_state(lora)) == names
    small = sum(v.numel() for v in encoder.trainable_state(lora).values())
    assert small < sum(v.numel() for v in encoder.trainable_state(plain).values())


def test_lora_weights_round_trip_and_a_plain_file_is_refused(tiny_base, tmp_path):
    import torch
    from safetensors.torch import save_file

    from corroborate.attribution.learned import encoder

    model = encoder.build_model(tiny_base, lora=4).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_b" in name:
                p.normal_(0, 0.1)
    path = tmp_path / "w.safetensors"
    save_file({k: v.contiguous() for k, v in encoder.trainable_state(model).items()}, str(path))
    again = encoder.build_model(tiny_base, lora=4).eval()
    encoder.load_weights(again, path)
    assert torch.allclose(_run(model), _run(again))
    plain = tmp_path / "plain.safetensors"
    save_file(
        {k: v.contiguous() for k, v in encoder.trainable_state(encoder.build_model(tiny_base)).items()},
        str(plain),
    )
    with pytest.raises(ValueError, match="does not fit"):
        encoder.load_weights(encoder.build_model(tiny_base, lora=4), plain)


def test_merged_lora_gives_the_same_scores_with_plain_linear_layers(tiny_base):
    import torch

    from corroborate.attribution.learned import encoder

    model = encoder.build_model(tiny_base, lora=4).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_b" in name:
                p.normal_(0, 0.1)
    before = _run(model)
    encoder.merge_lora(model)
    assert torch.allclose(before, _run(model), atol=1e-5)
    assert not any("lora_" in n for n, _ in model.named_parameters())
    assert model.lora == 0


@pytest.mark.parametrize("value, expected", [("0", False), ("1", True)])
def test_bf16_switch_follows_the_environment(monkeypatch, value, expected):
    _need("torch")
    from corroborate.attribution.learned import encoder

    monkeypatch.setenv("CORROBORATE_BF16", value)
    assert encoder.cpu_bf16() is expected


def test_bf16_inference_keeps_the_tags_of_float32(tiny_base, tmp_path, monkeypatch):
    import numpy as np
    import torch
    from transformers import BertTokenizerFast

    from corroborate.attribution.learned import encoder

    torch.manual_seed(1)
    model = encoder.build_model(tiny_base).eval()
    with torch.no_grad():
        model.head.weight.normal_(0, 1.0)
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *"abcdefghij"]) + "\n")
    enc = encoder.Encoder(model=model, tokenizer=BertTokenizerFast(str(vocab)), meta={"window": 16})
    ids = [5 + i % 10 for i in range(40)]  # three windows of 14 wordpieces
    monkeypatch.setenv("CORROBORATE_BF16", "0")
    full = encoder.piece_tags(enc, ids)
    monkeypatch.setenv("CORROBORATE_BF16", "1")
    half = encoder.piece_tags(enc, ids)
    assert half.dtype == np.float32 and half.shape == full.shape == (40, 3, 3)
    assert np.abs(np.exp(half) - np.exp(full)).max() < 0.05


# --- joining the base from its packaged parts ------------------------------------------------------


def _fake_parts(tmp_path, weights: bytes = b"weights") -> list:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in encoder_large.FILES:
            z.writestr(f"{encoder_large.BASE_NAME}/{name}", weights if name == "model.safetensors" else name)
    blob = buf.getvalue()
    step = len(blob) // encoder_large.PARTS + 1
    parts = []
    for i in range(encoder_large.PARTS):
        p = tmp_path / f"part.{i + 1:03d}"
        p.write_bytes(blob[i * step : (i + 1) * step])
        parts.append(p)
    return parts


def test_base_is_joined_once_verified_and_reused(tmp_path, monkeypatch):
    parts = _fake_parts(tmp_path)
    monkeypatch.setattr(encoder_large, "BASE_SHA256", hashlib.sha256(b"weights").hexdigest())
    folder = encoder_large.base_dir(parts, cache=tmp_path / "cache")
    assert (folder / "model.safetensors").read_bytes() == b"weights"
    assert (folder / "config.json").read_text() == "config.json"
    assert not list((tmp_path / "cache").glob(".join-*"))  # no temporary leftovers
    for p in parts:
        p.unlink()
    assert encoder_large.base_dir(parts, cache=tmp_path / "cache") == folder  # not joined again


def test_joined_parts_read_as_one_file_across_part_boundaries(tmp_path):
    blob = bytes(range(256)) * 40
    parts = []
    for i, (a, b) in enumerate([(0, 1000), (1000, 1001), (1001, 7000), (7000, len(blob))]):
        parts.append(tmp_path / f"p{i}")
        parts[-1].write_bytes(blob[a:b])
    with encoder_large.JoinedParts(parts) as f:
        assert f.read() == blob
        for pos, n in [(995, 10), (1000, 1), (0, 3), (6990, 5000), (len(blob) - 2, 10)]:
            f.seek(pos)
            assert f.read(n) == blob[pos : pos + n]
        assert f.seek(-5, io.SEEK_END) == len(blob) - 5 and f.read() == blob[-5:]


def test_parts_that_do_not_form_the_zip_are_refused(tmp_path):
    parts = _fake_parts(tmp_path)
    parts[2].write_bytes(b"")  # a part lost its bytes
    with pytest.raises(ModelUnavailable, match="do not form its zip"):
        encoder_large.base_dir(parts, cache=tmp_path / "cache")
    assert not (tmp_path / "cache" / encoder_large.BASE_NAME).exists()


def test_changed_base_weights_are_refused(tmp_path, monkeypatch):
    parts = _fake_parts(tmp_path, weights=b"tampered")
    monkeypatch.setattr(encoder_large, "BASE_SHA256", hashlib.sha256(b"weights").hexdigest())
    with pytest.raises(ModelUnavailable, match="SHA-256"):
        encoder_large.base_dir(parts, cache=tmp_path / "cache")
    assert not (tmp_path / "cache" / encoder_large.BASE_NAME).exists()


def test_missing_extra_is_a_clear_error_with_exit_code(monkeypatch, tmp_path):
    from importlib import metadata

    from typer.testing import CliRunner

    from corroborate.cli.main import app

    def gone(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(encoder_large.metadata, "distribution", gone)
    monkeypatch.setenv("CORROBORATE_CACHE", str(tmp_path / "empty-cache"))
    encoder_large.load_large.cache_clear()
    try:
        with pytest.raises(ModelUnavailable, match=r"pip install 'corroborate\[large\]'"):
            encoder_large.part_paths()
        article = tmp_path / "a.txt"
        article.write_text("The mayor said the bridge would reopen.", encoding="utf-8")
        result = CliRunner().invoke(app, ["attributions", str(article), "--mode", "large"])
        assert result.exit_code == 1  # the model cannot be loaded
        assert "corroborate[large]" in result.stderr
    finally:
        encoder_large.load_large.cache_clear()


# --- the committed model -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def extract_large():
    _need("torch", "transformers")
    if not os.environ.get("CI"):
        try:
            encoder_large.part_paths()
        except ModelUnavailable:
            pytest.skip("the large extra is not installed: pip install '.[large]'")
    from conftest import offset_checked
    from corroborate.attribution.learned import encoder

    enc = encoder_large.load_large()
    return offset_checked(
        lambda doc: encoder.extract_attributions_encoder(doc, enc, encoder_large.MODEL_VERSION)
    )


@pytest.mark.parametrize(
    ("text", "source", "cue", "content"),
    [
        (
            "The mayor said that the bridge would reopen in May.",
            "The mayor",
            "said",
            "that the bridge would reopen in May",
        ),
        (
            "\u201cWe will not back down,\u201d the senator told reporters on Tuesday.",
            "the senator",
            "told",
            "\u201cWe will not back down,\u201d",
        ),
        (
            "According to two officials familiar with the talks, the deal is close.",
            "two officials familiar with the talks",
            "According to",
            "the deal is close",
        ),
    ],
    ids=["indirect", "curly-quote", "according-to"],
)
def test_large_model_golden_sentences(extract_large, text, source, cue, content):
    atts = extract_large(text)
    hit = [a for a in atts if a.cue is not None and a.cue.text == cue]
    assert hit, [(a.cue and a.cue.text) for a in atts]
    assert hit[0].source is not None and hit[0].source.text == source
    assert hit[0].content is not None and hit[0].content.text == content
    assert hit[0].extractor == encoder_large.MODEL_VERSION
