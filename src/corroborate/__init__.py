"""Corroborate: who says so, on whose authority, for every claim in a news story."""

from .pipeline import analyze, analyze_articles
from .types import Analysis, Article, Attribution, Boilerplate, DamageFlag, Span

__version__ = "0.1.0"

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
