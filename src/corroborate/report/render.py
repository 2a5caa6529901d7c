"""Reports over stored analyses: Markdown, JSON, HTML and CSV. Pure functions; the CLI writes.

The JSON shape is described by ``schemas/report.schema.json`` and ``docs/report-schema.md``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Literal

from corroborate.types import ANONYMOUS_KINDS, SOURCE_KINDS, Analysis, Attribution, Boilerplate, Span

Format = Literal["md", "json", "html", "csv"]
FORMATS: tuple[str, ...] = ("md", "json", "html", "csv")
SCHEMA_VERSION = 1
CONTENT_MAX = 120

CSV_COLUMNS: tuple[str, ...] = (
    "article_id",
    "outlet",
    "title",
    "published",
    "url",
    "source_text",
    "source_start",
    "source_end",
    "source_kind",
    "cue_text",
    "cue_start",
    "cue_end",
    "channel_text",
    "channel_start",
    "channel_end",
    "certainty",
    "direct",
    "content_text",
    "content_start",
    "content_end",
    "extractor",
)


def render(analyses: Sequence[tuple[int, Analysis]], fmt: Format) -> str:
    """Render ``(article id, analysis)`` pairs as one document in ``fmt``."""
    if fmt == "json":
        return render_json(analyses)
    if fmt == "md":
        return render_markdown(analyses)
    if fmt == "csv":
        return render_csv(analyses)
    if fmt == "html":
        from corroborate.report.html import render_html

        return render_html(analyses)
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")


def generated_by() -> str:
    from corroborate._version import __version__

    return f"corroborate {__version__}"


# --------------------------------------------------------------------------- shared pieces


def ledger(attributions: Sequence[Attribution]) -> dict:
    """Counts by source_kind (all seven, zeros included) and the anonymous share.

    ``anonymous`` counts attributions whose source_kind is anonymous_individual, anonymous_group
    or unattributed; ``anonymous_share`` is that over all attributions (None when there are none).
    """
    by_kind = dict.fromkeys(SOURCE_KINDS, 0)
    for att in attributions:
        by_kind[att.source_kind] = by_kind.get(att.source_kind, 0) + 1
    total = len(attributions)
    anonymous = sum(1 for att in attributions if att.source_kind in ANONYMOUS_KINDS)
    return {
        "total": total,
        "by_source_kind": by_kind,
        "anonymous": anonymous,
        "anonymous_share": round(anonymous / total, 4) if total else None,
    }


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
    if space > limit * 2 // 3:
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


ATTRIBUTION_COLUMNS = ("#", "Source", "Kind", "Cue", "Channel", "Certainty", "Direct", "Content")


def attribution_cells(analysis: Analysis, seq: int, att: Attribution, esc: Callable[[str], str]) -> list[str]:
    """One displayed attribution row (columns ``ATTRIBUTION_COLUMNS``); ``esc`` escapes span text."""
    return [
        str(seq),
        esc(span_display(analysis, att.source)) or "—",
        att.source_kind,
        esc(span_display(analysis, att.cue)) or "—",
        esc(span_display(analysis, att.channel)) or "—",
        att.certainty,
        "yes" if att.direct else "no",
        esc(span_display(analysis, att.content, CONTENT_MAX)) or "—",
    ]


def format_share(share: float | None) -> str:
    return "n/a (no attributions)" if share is None else f"{share:.0%}"


# --------------------------------------------------------------------------- JSON


def _span(span: Span | None) -> dict | None:
    return None if span is None else span.to_dict()


def article_record(article_id: int, analysis: Analysis) -> dict:
    """One element of the JSON report's ``articles`` array."""
    article = analysis.article
    return {
        "id": article_id,
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "published": article.published.isoformat() if article.published else None,
        "extractor": analysis.extractor,
        "text": article.text,
        "ledger": ledger(analysis.attributions),
        "attributions": [
            {
                "seq": seq,
                "source": _span(att.source),
                "cue": _span(att.cue),
                "content": _span(att.content),
                "source_kind": att.source_kind,
                "channel": _span(att.channel),
                "certainty": att.certainty,
                "direct": bool(att.direct),
                "extractor": att.extractor or analysis.extractor,
            }
            for seq, att in enumerate(analysis.attributions)
        ],
        "boilerplate": [
            {"kind": b.kind, "start": b.start, "end": b.end, "snippet": b.snippet}
            for b in analysis.boilerplate
        ],
        "damage": [
            {"kind": d.kind, "start": d.start, "end": d.end, "snippet": d.snippet} for d in analysis.damage
        ],
        "facts": [fact.to_dict() for fact in analysis.facts],
    }


def render_json(analyses: Sequence[tuple[int, Analysis]]) -> str:
    document = {
        "schema_version": SCHEMA_VERSION,
        "generated_by": generated_by(),
        "articles": [article_record(article_id, analysis) for article_id, analysis in analyses],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------- CSV


def render_csv(analyses: Sequence[tuple[int, Analysis]]) -> str:
    """One row per attribution, with a header row; offsets index the stored article text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for article_id, analysis in analyses:
        article = analysis.article
        for att in analysis.attributions:
            row = {
                "article_id": article_id,
                "outlet": article.outlet or "",
                "title": article.title or "",
                "published": article.published.isoformat() if article.published else "",
                "url": article.url or "",
                "source_kind": att.source_kind,
                "certainty": att.certainty,
                "direct": "true" if att.direct else "false",
                "extractor": att.extractor or analysis.extractor,
            }
            for prefix, span in (
                ("source", att.source),
                ("cue", att.cue),
                ("channel", att.channel),
                ("content", att.content),
            ):
                row[f"{prefix}_text"] = "" if span is None else span.text
                row[f"{prefix}_start"] = "" if span is None else span.start
                row[f"{prefix}_end"] = "" if span is None else span.end
            writer.writerow([row[column] for column in CSV_COLUMNS])
    return buffer.getvalue()


# --------------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def md_escape(value: object) -> str:
    """Inline Markdown-safe text: one line, special characters backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _md_article(article_id: int, analysis: Analysis) -> list[str]:
    article = analysis.article
    counts = ledger(analysis.attributions)
    lines = [f"## [{article_id}] {md_escape(article.title) if article.title else '(untitled)'}", ""]
    lines.append(f"- **Outlet:** {md_escape(article.outlet) if article.outlet else '—'}")
    lines.append(f"- **Published:** {article.published.isoformat() if article.published else '—'}")
    lines.append(f"- **URL:** {md_escape(article.url) if article.url else '—'}")
    lines.append(f"- **Article id:** {article_id} · **Extractor:** {md_escape(analysis.extractor or '—')}")
    lines += ["", "### Sourcing ledger", "", "| Source kind | Count |", "|---|---:|"]
    lines += [f"| {kind} | {count} |" for kind, count in counts["by_source_kind"].items()]
    lines.append(f"| **total** | **{counts['total']}** |")
    lines += [
        "",
        f"**Anonymous share:** {format_share(counts['anonymous_share'])} "
        f"({counts['anonymous']} of {counts['total']} attributions rest on anonymous individuals, "
        "anonymous groups or unattributed claims)",
        "",
        "### Attributions",
        "",
    ]
    if analysis.attributions:
        lines += [
            "| " + " | ".join(ATTRIBUTION_COLUMNS) + " |",
            "|---:|" + "---|" * (len(ATTRIBUTION_COLUMNS) - 1),
        ]
        for seq, att in enumerate(analysis.attributions, start=1):
            cells = attribution_cells(analysis, seq, att, md_escape)
            lines.append("| " + " | ".join(cells) + " |")
    else:
        lines.append("No attributions found.")
    lines += ["", "### Extraction damage", ""]
    if analysis.damage:
        lines += [
            f"- {md_escape(d.kind)} at {d.start}–{d.end}: “{md_escape(shorten(d.snippet, 80))}”"
            for d in analysis.damage
        ]
    else:
        lines.append("None flagged.")
    if analysis.boilerplate:
        kinds = sorted({b.kind for b in analysis.boilerplate})
        count = len(analysis.boilerplate)
        lines += [
            "",
            f"*Boilerplate hidden: {count} range{'s' if count != 1 else ''} ({md_escape(', '.join(kinds))}).*",
        ]
    lines.append("")
    return lines


def render_markdown(analyses: Sequence[tuple[int, Analysis]]) -> str:
    count = len(analyses)
    lines = [
        "# Sourcing report",
        "",
        f"{count} article{'s' if count != 1 else ''} · generated by {md_escape(generated_by())}",
        "",
    ]
    for article_id, analysis in analyses:
        lines += _md_article(article_id, analysis)
    return "\n".join(lines)
