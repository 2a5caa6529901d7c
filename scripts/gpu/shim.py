"""Make ``corroborate``'s pure modules importable without its package ``__init__`` (which loads spaCy,
absent on the GPU box): an empty package object pointing at ``src/corroborate``."""

import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
pkg = types.ModuleType("corroborate")
pkg.__path__ = [str(ROOT / "src" / "corroborate")]
sys.modules.setdefault("corroborate", pkg)
sys.path.insert(0, str(ROOT / "scripts"))
