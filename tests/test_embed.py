"""Sentence embeddings on ONNX Runtime (corroborate.text.embed): unit vectors, order-independent batching,
meaning-bearing similarity, and agreement with the packaged torch MiniLM when the train extra is installed."""

from __future__ import annotations

import numpy as np
import pytest

from corroborate.text.embed import embed, embed_version, load_embedder

PAIRS = [
    ("Elon Musk will leave the Department of Government Efficiency.", "Musk is stepping down from DOGE."),
    ("An earthquake struck northern California on Sunday.", "A quake hit the north of California."),
]
UNRELATED = "The club signed a new goalkeeper for the season."


def test_unit_vectors_and_shape():
    vecs = embed(["one", "two words", ""])
    assert vecs.shape == (3, load_embedder().dim) == (3, 384)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-3)
    assert embed([]).shape == (0, 384)
    assert embed_version().startswith("minilm@")


def test_batching_does_not_change_a_vector():
    texts = [a for a, _ in PAIRS] + [b for _, b in PAIRS] + [UNRELATED * 30]
    together = embed(texts, batch=2)
    alone = np.vstack([embed([t]) for t in texts])
    assert np.allclose(together, alone, atol=2e-3)


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_paraphrase_closer_than_unrelated(a, b):
    va, vb, vu = embed([a, b, UNRELATED])
    assert va @ vb > va @ vu + 0.3


def test_agrees_with_the_packaged_torch_model():
    torch = pytest.importorskip("torch", reason="the train extra (torch) is not installed")
    transformers = pytest.importorskip("transformers", reason="the train extra is not installed")
    from corroborate.attribution.learned.encoder import base_model_dir

    texts = [t for pair in PAIRS for t in pair] + [UNRELATED]
    tok = transformers.AutoTokenizer.from_pretrained(str(base_model_dir()))
    model = transformers.AutoModel.from_pretrained(str(base_model_dir())).eval()
    batch = tok(texts, padding=True, truncation=True, max_length=256, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    ref = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1).numpy()
    cos = (embed(texts) * ref).sum(1)
    assert cos.min() > 0.99
