"""Copy detection: credit lines, shingles, MinHash similarity and the incremental CopyIndex."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corroborate.stories.copies import (
    COPY_JACCARD,
    CopyIndex,
    containment,
    copy_reason,
    credit_line,
    find_copies,
    fingerprint,
    jaccard,
    normalise,
    shingle_hashes,
    shingles,
)

FIXTURES = Path(__file__).parent / "fixtures" / "stories"
ROOT = Path(__file__).resolve().parents[1]
SEED_000 = ROOT / "examples" / "000_4d6a7cf84a4b85b6.txt"


def _text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "wire"),
    [
        ("WASHINGTON (AP) — The Senate voted on Tuesday.", "AP"),
        ("LONDON, April 2 (Reuters) - Britain said on Wednesday.", "Reuters"),
        ("PARIS (Agence France-Presse) - Le gouvernement a dit.", "AFP"),
        ("(AFP) - Officials said.", "AFP"),
        ("LONDON (PA) - Police said.", "PA"),
        ("By The Associated Press\nThe storm hit.", "AP"),
        ("The storm hit the coast.\nIt moved north.\n— AFP", "AFP"),
        ("The bank cut rates.\n(Reporting by Jane Doe; Editing by John Roe)", "Reuters"),
        ("The bill passed. Associated Press writer Jill Lee in Boston contributed to this report.", "AP"),
        ("The bill passed.\n© Agence France-Presse", "AFP"),
        # citations in the prose are not credit lines
        ("A meteorite hit Managua, the Associated Press reports. Residents heard a boom.", None),
        ("Reuters reported that the talks had stalled.\nBoth sides said they would meet again.", None),
        ("She moved to Pittsburgh, PA", None),
        ("He spoke to AFP on Monday and said the plan would go ahead as scheduled.", None),
    ],
)
def test_credit_line(text: str, wire: str | None) -> None:
    assert credit_line(text) == wire


def test_normalise_drops_furniture_case_and_punctuation() -> None:
    text = "Musk’s DOGE — “out of his depth”!\nREAD MORE: Ten bridges to see\nThe end."
    assert normalise(text) == ["musks", "doge", "out", "of", "his", "depth", "the", "end"]


def test_shingle_hashes_are_distinct_shingles() -> None:
    words = list("abcdefabcdefg")
    assert len(shingle_hashes(words)) == len(shingles(words)) == 7
    assert len(shingle_hashes(["only", "two"])) == 1 and shingles(["only", "two"]) == {"only two"}
    assert len(shingle_hashes([])) == 0


def test_jaccard_estimate_is_close_to_the_exact_value() -> None:
    a, b = _text("wire_original.txt"), _text("wire_reprint.txt")
    sa, sb = shingles(normalise(a)), shingles(normalise(b))
    exact = len(sa & sb) / len(sa | sb)
    fa, fb = fingerprint(a), fingerprint(b)
    assert abs(jaccard(fa, fb) - exact) < 0.12
    assert fa.shingles == len(sa) and fb.shingles == len(sb)
    assert containment(fb, fa) == pytest.approx(len(sa & sb) / len(sb), abs=0.12)
    assert jaccard(fa, fa) == 1.0


def test_wire_reprint_with_the_same_credit_is_a_copy_and_with_another_is_not() -> None:
    original, reprint = fingerprint(_text("wire_original.txt")), fingerprint(_text("wire_reprint.txt"))
    assert original.credit == reprint.credit == "AP"
    reason, j, c = copy_reason(reprint, original)
    assert reason == "wire" and j < COPY_JACCARD and c >= 0.8
    other = fingerprint(_text("wire_reprint.txt").replace("(AP)", "(Reuters)"))
    assert other.credit == "Reuters"
    assert copy_reason(other, original)[0] is None


def test_near_duplicate_with_a_changed_sentence() -> None:
    text = SEED_000.read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[2] = "Though he has not said he plans to leave, people who know him say he is tired of the attacks."
    reason, j, _ = copy_reason(fingerprint("\n".join(lines)), fingerprint(text))
    assert reason == "near_duplicate" and j >= 0.85


def test_copy_index_points_to_the_earliest_original() -> None:
    base = _text("wire_original.txt")
    edited = base.replace("forty minutes", "half an hour")
    edited_again = edited.replace("Dana Whitfield", "Dana Whitfield-Moore")
    found = find_copies([("a", base), ("u", _text("unrelated.txt")), ("b", edited), ("c", edited_again)])
    assert set(found) == {"b", "c"}
    assert found["b"].original == "a" and found["c"].original == "a"
    index = CopyIndex()
    assert index.add("x", fingerprint(base)) is None
    assert index.add("y", fingerprint(edited)).original == "x"
    assert index.original_of("y") == "x" and index.original_of("x") is None
    assert index.add("y", fingerprint(edited)).original == "x"  # a known key changes nothing
    assert len(index) == 2


def test_empty_text_is_never_a_copy() -> None:
    index = CopyIndex()
    assert index.add("e1", fingerprint("")) is None
    assert index.add("e2", fingerprint("")) is None
    assert jaccard(fingerprint(""), fingerprint("")) == 0.0


def test_fingerprints_do_not_depend_on_the_process() -> None:
    """Stored signatures must stay comparable: no per-process hash seeds."""
    code = (
        "import json, sys; from corroborate.stories.copies import fingerprint;"
        "print(json.dumps(list(fingerprint(sys.stdin.read()).signature)))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        input=_text("unrelated.txt"),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert tuple(json.loads(out.stdout)) == fingerprint(_text("unrelated.txt")).signature
