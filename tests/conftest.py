"""Shared fixtures: a hand-built analysis (no spaCy needed) and a clean database environment."""

from __future__ import annotations

from datetime import date

import pytest

from corroborate.types import Analysis, Article, Attribution, Boilerplate, DamageFlag, Span

SAMPLE_TEXT = (
    "Mayor Ana Ruiz said the bridge will reopen in May.\n"
    "READ MORE: Ten bridges to see\n"
    "Officials, who asked not to be named, told the Gazette the date may slip.\n"
    "The repairs reportedly cost $4 million.\n"
)


def _span(text: str, needle: str) -> Span:
    start = text.index(needle)
    return Span.of(text, start, start + len(needle))


def build_analysis(
    text: str = SAMPLE_TEXT,
    *,
    title: str | None = "Bridge to reopen",
    outlet: str | None = "The Gazette",
    url: str | None = None,
    published: date | None = date(2025, 4, 10),
    extractor: str = "rules@1",
) -> Analysis:
    """Two named and two anonymous attributions, one boilerplate range, one damage flag."""
    article = Article(text=text, title=title, outlet=outlet, url=url, published=published)
    attributions: list[Attribution] = []
    furniture: list[Boilerplate] = []
    damage: list[DamageFlag] = []
    if "Mayor Ana Ruiz" in text:
        attributions.append(
            Attribution(
                source=_span(text, "Mayor Ana Ruiz"),
                cue=_span(text, "said"),
                content=_span(text, "the bridge will reopen in May"),
                source_kind="person",
                extractor=extractor,
            )
        )
    if "Officials, who" in text:
        attributions.append(
            Attribution(
                source=_span(text, "Officials, who asked not to be named"),
                cue=_span(text, "told"),
                content=_span(text, "the date may slip"),
                source_kind="anonymous_group",
                certainty="hedged",
                channel=_span(text, "the Gazette"),
                extractor=extractor,
            )
        )
    if "reportedly" in text:
        attributions.append(
            Attribution(
                source=None,
                cue=_span(text, "reportedly"),
                content=_span(text, "The repairs reportedly cost $4 million"),
                source_kind="unattributed",
                extractor=extractor,
            )
        )
    if "READ MORE" in text:
        bp = _span(text, "READ MORE: Ten bridges to see")
        furniture.append(Boilerplate("read_more", bp.start, bp.end, bp.text))
    if "$4 million" in text:
        dm = _span(text, "$4 million")
        damage.append(DamageFlag("dropped_slot", dm.start, dm.end, dm.text))
    return Analysis(
        article=article,
        boilerplate=tuple(furniture),
        damage=tuple(damage),
        attributions=tuple(attributions),
        extractor=extractor,
    )


@pytest.fixture
def sample_analysis() -> Analysis:
    return build_analysis()


@pytest.fixture
def analysis_factory():
    """``analysis_factory(text=..., outlet=..., url=..., extractor=...)`` builds an Analysis by hand."""
    return build_analysis


@pytest.fixture(autouse=True)
def _no_ambient_db(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never pick up a developer's $CORROBORATE_DB."""
    monkeypatch.delenv("CORROBORATE_DB", raising=False)
