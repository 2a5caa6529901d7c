"""Web: `corroborate serve` (issue 5)."""

from __future__ import annotations

from .cli import app  # noqa: F401
