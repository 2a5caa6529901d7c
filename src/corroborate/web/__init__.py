"""The web app and JSON API (`corroborate serve`): see docs/web.md."""

from __future__ import annotations

from corroborate.web.app import create_app

__all__ = ["create_app"]
