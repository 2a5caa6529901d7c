"""The house stands as documented: every stage package sits in the layer contract and in the README's
layout, the contract holds (no upward import, no circle), and the module paths the docs name exist."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "corroborate"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
HISTORY = {"benchmarks.md"}  # a record of past runs: it names modules as they were then


def _layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    return [name.strip() for line in layers for name in line.split("|")]


def _stages() -> list[str]:
    packages = [p.parent.name for p in PACKAGE.glob("*/__init__.py")]
    modules = [p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__")]
    return sorted(packages + modules)


def test_every_stage_is_in_the_layer_contract() -> None:
    assert sorted(_layers()) == _stages()


def test_the_readme_layout_names_every_stage() -> None:
    text = (ROOT / "README.md").read_text()
    layout = text[text.index("## Layout") :]
    diagram = layout[layout.index("```") + 3 : layout.index("```", layout.index("```") + 3)]
    named = {word for line in diagram.splitlines() for word in line.split("  ")[0].replace("|", " ").split()}
    assert named == set(_stages())


def test_lint_imports_finds_no_upward_import_and_no_circle() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():
        pytest.skip(f"{lint} is not installed (pip install import-linter)")
    done = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:]


def _doc_references() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        if doc.name in HISTORY:
            continue
        text = doc.read_text()
        for module, names in re.findall(r"from (corroborate[\w.]*) import ([\w, ]+)", text):
            found += [(doc.name, f"{module}:{name.strip()}") for name in names.split(",") if name.strip()]
        found += [(doc.name, ref) for ref in re.findall(r"`(corroborate(?:\.\w+)+)", text)]
    return found


@pytest.mark.parametrize(("doc", "reference"), _doc_references())
def test_names_in_the_docs_exist(doc: str, reference: str) -> None:
    """Each ``from corroborate.x import y`` and each dotted ``corroborate.x.y`` in README and docs/ resolves."""
    if ":" in reference:
        module, name = reference.split(":")
        assert hasattr(importlib.import_module(module), name), f"{doc}: {reference}"
        return
    parts = reference.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            assert hasattr(target, attr), f"{doc}: {reference}"
            target = getattr(target, attr)
        return
    pytest.fail(f"{doc}: {reference} names no module")
