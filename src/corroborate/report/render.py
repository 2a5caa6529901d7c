"""Reports over stored analyses: Markdown, JSON, HTML and CSV. Pure functions; the CLI writes.

The JSON shape is described by ``schemas/report.schema.json`` and ``docs/report-schema.md``.
:data:`REPORT_FORMATS` maps each format to its renderer; :func:`render` dispatches through it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import Literal

from corroborate.report.common import (
    ATTRIBUTION_COLUMNS,
    SNIPPET_MAX,
    attribution_cells,
    entity_list,
    format_share,
    generated_by,
    ledger,
    md_escape,
    shorten,
)
from corroborate.report.html import render_html
from corroborate.types import Analysis, to_json

Format = Literal["md", "json", "html", "csv"]
Renderer = Callable[[Sequence[tuple[int, Analysis]]], str]
SCHEMA_VERSION = 1

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
    "source_entity_name",
    "source_entity_start",
    "source_entity_end",
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
    renderer = REPORT_FORMATS.get(fmt)
    if renderer is None:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return renderer(analyses)


# --------------------------------------------------------------------------- JSON


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
                "source": to_json(att.source),
                "cue": to_json(att.cue),
                "content": to_json(att.content),
                "source_kind": att.source_kind,
                "channel": to_json(att.channel),
                "certainty": att.certainty,
                "direct": bool(att.direct),
                "source_entity": to_json(att.source_entity),
                "extractor": att.extractor or analysis.extractor,
            }
            for seq, att in enumerate(analysis.attributions)
        ],
        "boilerplate": to_json(analysis.boilerplate),
        "damage": to_json(analysis.damage),
        "facts": to_json(analysis.facts),
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
                "source_entity_name": att.source_entity.name if att.source_entity else "",
                "source_entity_start": att.source_entity.start if att.source_entity else "",
                "source_entity_end": att.source_entity.end if att.source_entity else "",
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
        f"**Sources by entity:** {md_escape(entity_list(counts)) or '—'}",
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
            f"- {md_escape(d.kind)} at {d.start}–{d.end}: “{md_escape(shorten(d.snippet, SNIPPET_MAX))}”"
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


REPORT_FORMATS: dict[str, Renderer] = {
    "md": render_markdown,
    "json": render_json,
    "html": render_html,
    "csv": render_csv,
}
FORMATS: tuple[str, ...] = tuple(REPORT_FORMATS)
