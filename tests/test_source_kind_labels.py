"""The hand-labelled source kinds (tests/data/polnear_dev_source_kinds.tsv, guide: docs/source-kinds.md)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from corroborate.types import SOURCE_KINDS

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "data" / "polnear_dev_source_kinds.tsv"
SHARED_DEV = ROOT.parent / "shared" / "data" / "polnear" / "dev"
COLUMNS = ["file", "start", "end", "source_text", "kind", "note"]


def _rows() -> list[list[str]]:
    with LABELS.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_labels_are_well_formed():
    rows = _rows()
    assert rows[0] == COLUMNS
    body = rows[1:]
    assert len(body) >= 300
    seen = set()
    for i, row in enumerate(body, start=2):
        assert len(row) == len(COLUMNS), f"line {i}: {len(row)} columns"
        file, start, end, text, kind, _note = row
        assert file and "/" not in file and not file.endswith(".txt"), f"line {i}: file {file!r}"
        assert start.isdigit() and end.isdigit() and int(start) < int(end), f"line {i}: offsets"
        assert text and text == text.strip("\n"), f"line {i}: source_text"
        assert len(text) == int(end) - int(start), f"line {i}: source_text length differs from end - start"
        assert kind in SOURCE_KINDS and kind != "unattributed", f"line {i}: kind {kind!r}"
        key = (file, int(start), int(end))
        assert key not in seen, f"line {i}: duplicate {key}"
        seen.add(key)


def test_labels_cover_every_kind_and_many_files():
    body = _rows()[1:]
    kinds = {row[4] for row in body}
    assert kinds == set(SOURCE_KINDS) - {"unattributed"}
    assert len({row[0] for row in body}) >= 50


@pytest.mark.shared
@pytest.mark.skipif(
    not (SHARED_DEV / "text").is_dir(), reason="../shared/data/polnear/dev is absent: offsets not checked"
)
def test_label_offsets_match_the_polnear_texts():
    texts: dict[str, str] = {}
    for i, (file, start, end, text, _kind, _note) in enumerate(_rows()[1:], start=2):
        path = SHARED_DEV / "text" / f"{file}.txt"
        assert path.is_file(), f"line {i}: no text {path.name}"
        if file not in texts:
            texts[file] = path.read_text(encoding="utf-8")
        assert texts[file][int(start) : int(end)] == text, f"line {i}: {file} {start}-{end}"
