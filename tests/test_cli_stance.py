"""`corroborate stance --pairs FILE.jsonl`: order, ids, malformed lines, stdin and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import corroborate.cli.stance
import corroborate.corroboration.stance
from corroborate.cli.main import app
from corroborate.corroboration.stance import STANCES
from corroborate.errors import ModelError

CLAIM = "Apple to buy Tesla for $75 billion"
DENIAL = (
    "Apple denied reports that it is in talks to buy Tesla. 'There is no truth to the rumour,' a spokesman "
    "said. The claim is false: the story originated on a satirical website and was picked up by several blogs."
)
OFF_TOPIC = (
    "Heavy rain flooded the town's football pitch on Saturday, and the match against Leeds was postponed "
    "until next month. The groundsman said the pitch needed a week to dry."
)


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def _line(ident, claim=CLAIM, text=DENIAL) -> str:
    return json.dumps({"id": ident, "claim": claim, "text": text})


def _write(tmp_path: Path, lines: list[str]) -> str:
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _outputs(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_all_good_lines(runner, tmp_path):
    ids = ["a", 7, 2.5, None, {"k": [1, "x"]}, [1, 2], "ü-id", 12345678901234567890]
    lines = [_line(i, text=DENIAL if n % 2 else OFF_TOPIC) for n, i in enumerate(ids)]
    result = runner.invoke(app, ["stance", "--pairs", _write(tmp_path, lines)])
    assert result.exit_code == 0, result.output
    out = _outputs(result)
    assert [o["id"] for o in out] == ids  # input order, ids with their JSON types
    assert all(set(o) == {"id", "stance"} and o["stance"] in STANCES for o in out)
    assert [o["stance"] for o in out] == ["unrelated", "refutes"] * 4
    assert "classified 8 pairs" in result.stderr


def test_malformed_lines_are_reported_and_skipped(runner, tmp_path):
    lines = [
        _line(1),
        "",  # blank: skipped silently
        "{not json",
        "[1, 2]",
        json.dumps({"claim": CLAIM, "text": DENIAL}),
        json.dumps({"id": 6, "claim": 5, "text": DENIAL}),
        json.dumps({"id": 7, "claim": CLAIM}),
        '{"id": NaN, "claim": "c", "text": "t"}',
        "   ",
        _line("last", text=OFF_TOPIC),
    ]
    result = runner.invoke(app, ["stance", "--pairs", _write(tmp_path, lines)])
    assert result.exit_code == 3
    assert [o["id"] for o in _outputs(result)] == [1, "last"]
    err = result.stderr
    for number, what in [(3, "not valid JSON"), (4, "expected a JSON object"), (5, 'missing "id"')]:
        assert f"line {number}: {what}" in err
    assert 'line 6: "claim" must be a string' in err
    assert 'line 7: missing "text"' in err
    assert "line 8: not valid JSON" in err
    assert "line 2" not in err and "line 9" not in err
    assert "skipped 6 malformed lines" in err


def test_undecodable_line(runner, tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_bytes(_line(1).encode() + b"\n" + b'{"id": 2, "claim": "\xff", "text": "x"}\n')
    result = runner.invoke(app, ["stance", "--pairs", str(path)])
    assert result.exit_code == 3
    assert "line 2: not UTF-8" in result.stderr
    assert [o["id"] for o in _outputs(result)] == [1]


def test_deeply_nested_line_is_skipped_and_the_run_goes_on(runner, tmp_path):
    deep = '{"id": 2, "claim": "c", "text": "t", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    result = runner.invoke(app, ["stance", "--pairs", _write(tmp_path, [_line(1), deep, _line(3)])])
    assert result.exit_code == 3
    assert [o["id"] for o in _outputs(result)] == [1, 3]
    assert "line 2: JSON nests arrays or objects too deeply to read" in result.stderr


def test_nothing_good_exits_1(runner, tmp_path):
    result = runner.invoke(app, ["stance", "--pairs", _write(tmp_path, ["oops", "[]"])])
    assert result.exit_code == 1
    assert result.stdout == ""
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    result = runner.invoke(app, ["stance", "--pairs", str(empty)])
    assert result.exit_code == 1
    assert "no pairs" in result.stderr


def test_usage_errors_exit_2(runner, tmp_path):
    result = runner.invoke(app, ["stance", "--pairs", str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr
    assert runner.invoke(app, ["stance", "--pairs", str(tmp_path)]).exit_code == 2
    assert runner.invoke(app, ["stance"]).exit_code == 2


def test_stdin(runner):
    text = "\ufeff" + _line("x") + "\n" + _line(2, text=OFF_TOPIC) + "\n"
    result = runner.invoke(app, ["stance", "--pairs", "-"], input=text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert _outputs(result) == [{"id": "x", "stance": "refutes"}, {"id": 2, "stance": "unrelated"}]


def test_batches_keep_input_order(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(corroborate.cli.stance, "CHUNK", 3)
    calls = []
    real = corroborate.corroboration.stance.predict_stances

    def counted(pairs, model=None):
        calls.append(len(pairs))
        return real(pairs, model)

    monkeypatch.setattr(corroborate.corroboration.stance, "predict_stances", counted)
    lines = [_line(n, text=DENIAL if n % 3 == 0 else OFF_TOPIC) for n in range(8)]
    lines.insert(4, "bad")
    result = runner.invoke(app, ["stance", "--pairs", _write(tmp_path, lines)])
    assert result.exit_code == 3
    assert calls == [3, 3, 2]
    out = _outputs(result)
    assert [o["id"] for o in out] == list(range(8))
    assert [o["stance"] for o in out] == ["refutes" if n % 3 == 0 else "unrelated" for n in range(8)]
    assert "line 5: not valid JSON" in result.stderr


def test_model_error_exits_1(runner, tmp_path, monkeypatch):
    def broken():
        raise ModelError("stance model file missing: weights.npz", input_name="models/stance")

    monkeypatch.setattr(corroborate.corroboration.stance, "load_model", broken)
    result = runner.invoke(app, ["stance", "--pairs", _write(tmp_path, [_line(1)])])
    assert result.exit_code == 1
    assert "error: models/stance: stance model file missing" in result.stderr
    assert result.stdout == ""
