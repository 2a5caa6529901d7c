"""What the report renderers share: the ledger, span display, the attribution table's cells and the
escaping and shortening of text. Pure functions."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from corroborate._version import __version__
from corroborate.types import (
    SOURCE_KINDS,
    Analysis,
    Attribution,
    Boilerplate,
    Span,
    is_anonymous,
    source_label,
)

CONTENT_MAX = 120  # an attribution's content in the attribution table is cut to this many characters
SNIPPET_MAX = 80  # an extraction-damage snippet is cut to this many characters

ATTRIBUTION_COLUMNS = ("#", "Source", "Kind", "Cue", "Channel", "Certainty", "Direct", "Content")

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def generated_by() -> str:
    return f"corroborate {__version__}"


def ledger(attributions: Sequence[Attribution]) -> dict:
    """Counts by source_kind (all seven, zeros included), the anonymous share and the entities.

    ``anonymous`` counts attributions whose source_kind is anonymous_individual, anonymous_group
    or unattributed and that name no entity ("he" resolved to a named person is on record);
    ``anonymous_share`` is that over all attributions (None when there are none). ``entities``: each
    named person or body the sources resolve to, once, with its number of attributions (most first).
    """
    by_kind = dict.fromkeys(SOURCE_KINDS, 0)
    for att in attributions:
        by_kind[att.source_kind] = by_kind.get(att.source_kind, 0) + 1
    total = len(attributions)
    anonymous = sum(1 for att in attributions if is_anonymous(att))
    entities = Counter(att.source_entity.name for att in attributions if att.source_entity is not None)
    return {
        "total": total,
        "by_source_kind": by_kind,
        "anonymous": anonymous,
        "anonymous_share": round(anonymous / total, 4) if total else None,
        "entities": [{"name": name, "attributions": n} for name, n in entities.most_common()],
    }


def entity_list(counts: dict) -> str:
    """The ledger's entities as one line: "Donald Trump (5), Justice Department (1)"."""
    return ", ".join(f"{e['name']} ({e['attributions']})" for e in counts["entities"])


def visible_text(text: str, start: int, end: int, boilerplate: Iterable[Boilerplate]) -> str:
    """``text[start:end]`` with every boilerplate range inside it left out."""
    cuts = sorted(
        (max(b.start, start), min(b.end, end)) for b in boilerplate if b.start < end and b.end > start
    )
    out, pos = [], start
    for cut_start, cut_end in cuts:
        if cut_start > pos:
            out.append(text[pos:cut_start])
        pos = max(pos, cut_end)
    out.append(text[pos:end])
    return "".join(out)


def shorten(text: str, limit: int = CONTENT_MAX) -> str:
    """Collapse whitespace; cut to at most ``limit`` characters, ending in an ellipsis when cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 2 // 3:  # cut at a word boundary unless that loses over a third of the text
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def span_display(analysis: Analysis, span: Span | None, limit: int | None = None) -> str:
    """A span's text as shown to readers: boilerplate removed, whitespace collapsed, maybe shortened."""
    if span is None:
        return ""
    text = analysis.article.text
    if 0 <= span.start <= span.end <= len(text):
        shown = visible_text(text, span.start, span.end, analysis.boilerplate)
    else:
        shown = span.text
    return shorten(shown, limit) if limit else " ".join(shown.split())


def attribution_cells(analysis: Analysis, seq: int, att: Attribution, esc: Callable[[str], str]) -> list[str]:
    """One displayed attribution row (columns ``ATTRIBUTION_COLUMNS``); ``esc`` escapes span text."""
    return [
        str(seq),
        esc(source_label(att, span_display(analysis, att.source))) or "—",
        att.source_kind,
        esc(span_display(analysis, att.cue)) or "—",
        esc(span_display(analysis, att.channel)) or "—",
        att.certainty,
        "yes" if att.direct else "no",
        esc(span_display(analysis, att.content, CONTENT_MAX)) or "—",
    ]


def format_share(share: float | None) -> str:
    return "n/a (no attributions)" if share is None else f"{share:.0%}"


def md_escape(value: object) -> str:
    """Inline Markdown-safe text: one line, special characters backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))
