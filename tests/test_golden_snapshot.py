"""Behaviour is pinned: the CLI's JSON output on fixed inputs matches the snapshots in tests/golden/.

``make golden`` regenerates the snapshots (scripts/golden.py --write); a change that alters behaviour on
purpose does so in its own commit and says why."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("golden", ROOT / "scripts" / "golden.py")
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)


@pytest.fixture(scope="module")
def captured() -> dict:
    return golden.capture()


def _names() -> list[str]:
    names = ["report", "stories", "facts"]
    for mode in golden.MODES:
        names += [f"attributions-{mode}", f"attributions-{mode}-polnear"]
    return names


@pytest.mark.parametrize("name", _names())
def test_output_matches_snapshot(name: str, captured: dict) -> None:
    if name.endswith("-polnear") and not golden.polnear_texts():
        pytest.skip(f"needs ../shared: {golden.POLNEAR_DEV} is absent")
    expected = json.loads(golden.snapshot_path(name).read_text())
    found = golden.differences(expected, captured[name])
    assert not found, f"{name} differs from its snapshot in {len(found)} fields:\n" + "\n".join(found[:20])
