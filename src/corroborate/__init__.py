"""Corroborate: who says so, on whose authority, for every claim in a news story."""

from corroborate._version import __version__
from corroborate.analysis.pipeline import analyze, analyze_articles
from corroborate.types import Analysis, Article, Attribution, Boilerplate, DamageFlag, Span

__all__ = [
    "Analysis",
    "Article",
    "Attribution",
    "Boilerplate",
    "DamageFlag",
    "Span",
    "analyze",
    "analyze_articles",
    "__version__",
]
