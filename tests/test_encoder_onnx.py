"""The encoder mode on ONNX Runtime: the committed export is intact, reads text as the torch model does,
scores wordpieces as the torch model does (within int8 rounding), and needs no torch at run time.

The comparisons with the torch model need the ``train`` extra (torch, transformers, the packaged MiniLM);
they skip with a reason without it, and fail instead when CI is set (``make test`` installs it)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corroborate.attribution.learned import encoder_onnx

ROOT = Path(__file__).resolve().parents[1]
MODEL_DIR = ROOT / "src" / "corroborate" / "models" / "encoder_onnx"
TEXTS = sorted((ROOT / "tests" / "golden" / "texts").glob("*.txt"))
MAX_FILE_BYTES = 50 * 1024 * 1024


def _torch_encoder():
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401

        from corroborate.attribution.learned import encoder

        return encoder, encoder.load_encoder()
    except Exception as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"the torch encoder needs the train extra: {exc}")


def test_committed_export_is_intact_and_small():
    meta = json.loads((MODEL_DIR / "meta.json").read_text())
    for name, digest in ((meta["model"], meta["sha256"]), (meta["tokenizer"], meta["tokenizer_sha256"])):
        data = (MODEL_DIR / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, name
    assert all(p.stat().st_size < MAX_FILE_BYTES for p in MODEL_DIR.iterdir())
    assert meta["version"] == "encoder@5" and meta["source_version"] == "encoder@4"


def test_wordpieces_match_the_torch_tokenizer():
    encoder, enc = _torch_encoder()
    onnx = encoder_onnx.load_onnx_encoder()
    long_text = " ".join(t.read_text() for t in TEXTS) * 3  # past the packaged tokenizer's 128-piece cut
    for text in [*(t.read_text() for t in TEXTS), long_text]:
        assert encoder_onnx.wordpieces(onnx.tokenizer, text) == encoder.wordpieces(enc.tokenizer, text)


def test_scores_match_the_torch_model(monkeypatch):
    import numpy as np

    from corroborate.text.nlp import load_nlp

    monkeypatch.setenv("CORROBORATE_BF16", "0")
    encoder, enc = _torch_encoder()
    onnx = encoder_onnx.load_onnx_encoder()
    for doc in load_nlp().pipe(t.read_text() for t in TEXTS):
        offsets, want = encoder.predict_char_tags(enc, doc.text, doc)
        same_offsets, got = encoder_onnx.predict_char_tags(onnx, doc.text, doc)
        assert same_offsets == offsets
        agree = (want.argmax(-1) == got.argmax(-1)).mean()
        assert agree > 0.99, agree
        assert np.abs(np.exp(want) - np.exp(got)).mean() < 0.01


def test_the_default_mode_needs_no_torch(tmp_path):
    """A fresh process in which torch cannot be imported still extracts in the default mode."""
    article = tmp_path / "a.txt"
    article.write_text("The mayor said the bridge would reopen in May.", encoding="utf-8")
    code = (
        "import sys; sys.modules['torch'] = None; sys.modules['transformers'] = None\n"
        "from corroborate.cli.main import app\n"
        f"app(['attributions', {str(article)!r}, '-q'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    (said,) = json.loads(done.stdout)["attributions"]
    assert said["source"]["text"] == "The mayor" and said["cue"]["text"] == "said"
