"""Behaviour snapshots: what the CLI prints for fixed inputs, kept in tests/golden/.

``make golden`` (``python scripts/golden.py --write``) regenerates them; nothing else writes them.
``tests/test_golden_snapshot.py`` captures the same output and compares it field by field. Everything runs
through the command line (``python -m corroborate``) in subprocesses, so the snapshot does not depend on
where a module lives.

Captured:
- ``report --format json``, ``stories --format json`` and ``facts --format json`` after ``ingest examples/``;
- ``attributions --format jsonl`` in every mode over ``tests/golden/texts/*.txt``, and over a few PolNeAR dev
  texts when ``../shared`` is present (offsets and labels only: no dataset text is kept in the repo).

Volatile fields (version strings, timestamps) are dropped before comparing or writing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
TEXTS = GOLDEN / "texts"
POLNEAR_DEV = ROOT.parent / "shared" / "data" / "polnear" / "dev" / "text"
POLNEAR_TEXTS = 4  # the first few dev texts by name: enough to cover long articles without slowing tests
MODES = ("fast", "crf", "encoder", "large")
VOLATILE_KEYS = frozenset({"generated_by", "generated_at", "extractor", "extractor_version", "version"})


def _run(*args: str) -> str:
    env = {**os.environ, "CORROBORATE_BF16": "0", "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "corroborate", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"corroborate {' '.join(args)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return done.stdout


def scrub(value, *, keep_text: bool = True):
    """``value`` without volatile keys (and, with ``keep_text=False``, without copied ``text``)."""
    if isinstance(value, dict):
        return {
            k: scrub(v, keep_text=keep_text)
            for k, v in value.items()
            if k not in VOLATILE_KEYS and not k.endswith("_at") and (keep_text or k != "text")
        }
    if isinstance(value, list):
        return [scrub(v, keep_text=keep_text) for v in value]
    return value


def _lines(stdout: str, *, keep_text: bool) -> list:
    rows = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    for row in rows:  # the input's file name only: where ../shared lies differs between machines
        row["file"] = Path(row["file"]).name
    return scrub(rows, keep_text=keep_text)


def polnear_texts() -> list[Path]:
    return sorted(POLNEAR_DEV.glob("*.txt"))[:POLNEAR_TEXTS] if POLNEAR_DEV.is_dir() else []


def capture(*, polnear: bool = True) -> dict[str, object]:
    """Snapshot name -> scrubbed JSON value (the PolNeAR part only when ``polnear`` and the data exist)."""
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "golden.db")
        _run("ingest", "examples", "--db", db, "--quiet")
        for command in ("report", "stories", "facts"):
            out[command] = scrub(json.loads(_run(command, "--db", db, "--format", "json")))
    texts = [str(p.relative_to(ROOT)) for p in sorted(TEXTS.glob("*.txt"))]
    dev = [str(p) for p in polnear_texts()] if polnear else []
    for mode in MODES:
        out[f"attributions-{mode}"] = _lines(
            _run("attributions", *texts, "--format", "jsonl", "--mode", mode, "--quiet"), keep_text=True
        )
        if dev:
            out[f"attributions-{mode}-polnear"] = _lines(
                _run("attributions", *dev, "--format", "jsonl", "--mode", mode, "--quiet"), keep_text=False
            )
    return out


def snapshot_path(name: str) -> Path:
    return GOLDEN / f"{name}.json"


def differences(expected, actual, path: str = "$") -> list[str]:
    """Every field that differs, as ``path: expected != actual`` (one line each)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(set(expected) | set(actual)):
            if key not in actual:
                found.append(f"{path}.{key}: missing")
            elif key not in expected:
                found.append(f"{path}.{key}: unexpected")
            else:
                found += differences(expected[key], actual[key], f"{path}.{key}")
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        found = [] if len(expected) == len(actual) else [f"{path}: {len(expected)} items != {len(actual)}"]
        for i, (e, a) in enumerate(zip(expected, actual, strict=False)):
            found += differences(e, a, f"{path}[{i}]")
        return found
    return [] if expected == actual else [f"{path}: {expected!r} != {actual!r}"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the snapshots to tests/golden/")
    args = parser.parse_args()
    if not args.write:
        parser.error("nothing to do: give --write (the test suite compares)")
    if not POLNEAR_DEV.is_dir():
        print(f"{POLNEAR_DEV} is absent: the PolNeAR snapshots are left as they are", file=sys.stderr)
    for name, value in capture().items():
        snapshot_path(name).write_text(json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        print(f"wrote {snapshot_path(name).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
