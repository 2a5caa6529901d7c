"""Stance: `corroborate stance --pairs FILE.jsonl` (issue 4)."""

from __future__ import annotations

from .cli import app  # noqa: F401
