"""The stance model: loading, golden pairs, probabilities, errors, and the train/eval scripts on a fixture."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from corroborate.corroboration import stance
from corroborate.corroboration.stance import (
    MODEL_VERSION,
    STANCES,
    load_model,
    open_model,
    predict_stances,
    stance_probabilities,
)
from corroborate.corroboration.stance_features import HAND_FEATURES, tokenize
from corroborate.errors import ModelError
from corroborate.eval.stance import fnc_score, load_fnc, scores, split_of

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "fnc1_tiny"
FNC1 = ROOT.parent / "shared" / "data" / "fnc1"
MODEL_DIR = ROOT / "src" / "corroborate" / "models" / "stance"

APPLE = "Apple to buy Tesla for $75 billion"
PUTIN = "Russian president Vladimir Putin has died"
BABY = "Woman gives birth to baby with two heads in India"

GOLDEN = [
    (
        PUTIN,
        "The Russian president Vladimir Putin died on Sunday, the Kremlin confirmed. State television "
        "announced his death and flags were lowered across Moscow.",
        "supports",
    ),
    (
        BABY,
        "A woman in India gave birth to a baby with two heads, doctors at the hospital confirmed. The baby, "
        "born in a village in Madhya Pradesh, is in stable condition, doctors said.",
        "supports",
    ),
    (
        APPLE,
        "Apple denied reports that it is in talks to buy Tesla. 'There is no truth to the rumour,' a "
        "spokesman said. The claim is false: the story originated on a satirical website and was picked up "
        "by several blogs.",
        "refutes",
    ),
    (
        PUTIN,
        "Kremlin spokesman Dmitry Peskov dismissed rumours that Vladimir Putin had died as nonsense. 'The "
        "president is alive and well,' he said, calling the reports a hoax. Putin appeared on television "
        "on Monday meeting officials.",
        "refutes",
    ),
    (
        APPLE,
        "Apple may be in talks to buy Tesla, according to a report citing unnamed sources. Neither company "
        "would comment on the reports, and it is unclear how far the talks have gone.",
        "discusses",
    ),
    (
        APPLE,
        "Heavy rain flooded the town's football pitch on Saturday, and the match against Leeds was postponed "
        "until next month. The groundsman said the pitch needed a week to dry.",
        "unrelated",
    ),
    (
        BABY,
        "The central bank raised interest rates by a quarter point on Wednesday, citing stubborn inflation "
        "in services and a tight labour market.",
        "unrelated",
    ),
]


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- the committed model


def test_model_loads_from_the_package():
    model = load_model()
    assert model is load_model()  # cached
    assert model.meta["version"] == MODEL_VERSION
    assert tuple(model.meta["classes"]) == STANCES == ("supports", "refutes", "discusses", "unrelated")
    assert model.w1.shape == (2 * model.n_terms + len(HAND_FEATURES), model.b1.shape[0])
    size = sum(f.stat().st_size for f in MODEL_DIR.iterdir() if f.is_file())
    assert size < 10_000_000


@pytest.mark.parametrize(
    ("claim", "text", "expected"), GOLDEN, ids=[f"{g[2]}-{i}" for i, g in enumerate(GOLDEN)]
)
def test_golden_pairs(claim, text, expected):
    assert predict_stances([(claim, text)]) == [expected]


def test_batch_keeps_order_and_matches_single_predictions(monkeypatch):
    pairs = [(c, t) for c, t, _ in GOLDEN]
    one_by_one = [predict_stances([p])[0] for p in pairs]
    monkeypatch.setattr(stance, "CHUNK", 2)  # several chunks, claims shared across them
    assert predict_stances(pairs) == one_by_one == [g[2] for g in GOLDEN]


def test_probabilities_are_a_distribution():
    pairs = [(c, t) for c, t, _ in GOLDEN] + [("", ""), (APPLE, ""), ("", "Some text.")]
    probs = stance_probabilities(pairs)
    assert len(probs) == len(pairs)
    for p, label in zip(probs, predict_stances(pairs), strict=True):
        assert tuple(p) == STANCES
        assert all(0.0 <= v <= 1.0 for v in p.values())
        assert sum(p.values()) == pytest.approx(1.0, abs=1e-6)
        assert max(p, key=p.get) == label


def test_empty_input():
    assert predict_stances([]) == []
    assert stance_probabilities([]) == []


def test_pairs_must_be_strings():
    with pytest.raises(TypeError, match="pair 1"):
        predict_stances([(APPLE, "text"), (APPLE, None)])


# --------------------------------------------------------------------------- model errors


def _copy_model(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    shutil.copytree(MODEL_DIR, folder)
    return folder


def test_missing_model_files(tmp_path):
    folder = _copy_model(tmp_path)
    (folder / "weights.npz").unlink()
    with pytest.raises(ModelError, match=r"missing: weights\.npz"):
        open_model(folder)
    with pytest.raises(ModelError, match="missing"):
        open_model(tmp_path / "nowhere")


@pytest.mark.parametrize("name", ["weights.npz", "vocab.json", "meta.json"])
def test_corrupt_model_file(tmp_path, name):
    folder = _copy_model(tmp_path)
    (folder / name).write_bytes(b"\x00garbage")
    with pytest.raises(ModelError, match="corrupt"):
        open_model(folder)


def test_model_of_another_version_or_shape(tmp_path):
    folder = _copy_model(tmp_path)
    meta = json.loads((folder / "meta.json").read_text())
    (folder / "meta.json").write_text(json.dumps({**meta, "version": "other@0"}))
    with pytest.raises(ModelError, match="does not match"):
        open_model(folder)
    (folder / "meta.json").write_text(json.dumps({**meta, "n_terms": meta["n_terms"] - 1}))
    with pytest.raises(ModelError, match="shape"):
        open_model(folder)


# --------------------------------------------------------------------------- split and scores


def test_fnc_score_rule():
    gold = ["supports", "refutes", "discusses", "unrelated", "unrelated"]
    # exact related (1.0), related but wrong label (0.25), related called unrelated (0), unrelated ok (0.25),
    # unrelated called related (0)
    pred = ["supports", "discusses", "unrelated", "unrelated", "refutes"]
    assert fnc_score(gold, pred) == (1.5, 3.5)
    result = scores(gold, pred)
    assert result["fnc_relative"] == pytest.approx(1.5 / 3.5)
    assert result["confusion"][0] == [1, 0, 0, 0]
    assert result["f1"]["supports"] == 1.0


def test_split_is_by_body_and_stable():
    data = load_fnc(FIXTURE)
    held, fit = data.split("held_out"), data.split("fit")
    assert held and fit and len(held) + len(fit) == len(data.pairs)
    assert not {p.body_id for p in held} & {p.body_id for p in fit}
    assert [split_of(str(i)) for i in (1, 2, 5, 7)] == ["held_out", "train", "held_out", "dev"]


def test_tokenize():
    assert tokenize("Isn’t it 2,000 U.S. dollars?") == ["isn't", "it", "2", "000", "u", "s", "dollars"]


# --------------------------------------------------------------------------- scripts, on the tiny fixture


def test_train_and_eval_scripts_on_fixture(tmp_path, capsys):
    train, evaluate = _script("train_stance"), _script("eval_stance")
    out = tmp_path / "model"
    assert train.main(["--data", str(FIXTURE), "--out", str(out), "--epochs", "20", "--hidden", "8"]) == 0
    printed = capsys.readouterr().out
    assert "held-out (bodies split): 12 pairs" in printed and "relative" in printed
    model = open_model(out)
    assert model.meta["trained_on"]["pairs"] == 60 and model.b1.shape == (8,)
    assert evaluate.main(["--data", str(FIXTURE), "--model", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["pairs"] == 12 and result["split"] == "bodies" and 0.0 <= result["fnc_relative"] <= 1.0
    assert len(result["confusion"]) == 4

    again = tmp_path / "again"
    train.main(["--data", str(FIXTURE), "--out", str(again), "--epochs", "20", "--hidden", "8"])
    for name in ("meta.json", "vocab.json", "weights.npz"):
        assert (out / name).read_bytes() == (again / name).read_bytes(), (
            f"{name} differs between two trainings"
        )
    with np.load(out / "weights.npz") as weights:
        assert set(weights.files) == {"idf", "mean", "scale", "w1", "b1", "w2", "b2"}


# --------------------------------------------------------------------------- the real data


@pytest.mark.shared
@pytest.mark.skipif(not FNC1.is_dir(), reason=f"FNC-1 data not found at {FNC1} (../shared/data/fnc1)")
def test_held_out_sample_scores():
    """The committed model on the first 1,500 held-out pairs (the full table: scripts/eval_stance.py)."""
    data = load_fnc(FNC1)
    held = data.split("held_out")[:1500]
    assert not {p.body_id for p in held} & {p.body_id for p in data.split("fit")}
    predicted = predict_stances([(p.claim, data.bodies[p.body_id]) for p in held])
    result = scores([p.stance for p in held], predicted)
    assert result["fnc_relative"] > 0.85
    assert result["macro_f1"] > 0.65
