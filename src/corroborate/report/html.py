"""The standalone HTML report: inline CSS, no scripts, no external assets, every text escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from corroborate.report.common import (
    ATTRIBUTION_COLUMNS,
    SNIPPET_MAX,
    attribution_cells,
    entity_list,
    format_share,
    generated_by,
    ledger,
    shorten,
    span_display,
)
from corroborate.types import Analysis, Span

# Later rules win where spans overlap: content < channel < cue < source.
CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1d1f;margin:0;background:#f6f6f4}
main{max-width:60rem;margin:0 auto;padding:1.5rem}
header p{color:#555}
.entity{border-bottom:1px dotted #555;cursor:help}
article{background:#fff;border:1px solid #ddd;border-radius:6px;padding:1rem 1.5rem;margin:1.5rem 0}
h1{font-size:1.6rem}h2{font-size:1.3rem;margin-top:0}h3{font-size:1.05rem;margin-bottom:.4rem}
dl.meta{display:grid;grid-template-columns:max-content auto;gap:.1rem 1rem;margin:0}
dl.meta dt{font-weight:600}dl.meta dd{margin:0;overflow-wrap:anywhere}
table{border-collapse:collapse;margin:.3rem 0;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}
td.num{text-align:right}
.text{white-space:pre-wrap;border-left:3px solid #ccc;padding:.3rem .8rem;background:#fcfcfb}
.content{background:#e3ecfa}
.channel{background:#eadcf7}
.cue{background:#fbe3a2}
.source{background:#c8ecd0;font-weight:600}
.damage{text-decoration:underline wavy #c0392b}
.bp{color:#999;font-size:.8em}
.legend span{padding:0 .3rem;margin-right:.4rem}
"""


def _legend() -> str:
    items = [("source", "source"), ("cue", "cue"), ("content", "content"), ("channel", "channel")]
    parts = [f'<span class="{cls}">{label}</span>' for cls, label in items]
    parts.append('<span class="damage">extraction damage</span>')
    parts.append('<span class="bp">[…] boilerplate hidden</span>')
    return '<p class="legend">' + "".join(parts) + "</p>"


def highlighted_text(analysis: Analysis) -> str:
    """The article text as HTML, attribution spans wrapped in classed ``<span>``s, boilerplate left out."""
    text = analysis.article.text
    size = len(text)
    marks: list[tuple[int, int, str, str]] = []  # start, end, css class, tooltip
    for seq, att in enumerate(analysis.attributions, start=1):
        for role, span in (
            ("content", att.content),
            ("channel", att.channel),
            ("cue", att.cue),
            ("source", att.source),
        ):
            if span is not None and 0 <= span.start < span.end <= size:
                marks.append((span.start, span.end, role, f"#{seq} {role}"))
    for flag in analysis.damage:
        if 0 <= flag.start < flag.end <= size:
            marks.append((flag.start, flag.end, "damage", f"damage: {flag.kind}"))
    hidden = sorted((b.start, b.end, b.kind) for b in analysis.boilerplate if 0 <= b.start < b.end <= size)

    bounds = {0, size}
    for start, end, *_ in marks:
        bounds.update((start, end))
    for start, end, _ in hidden:
        bounds.update((start, end))
    points = sorted(bounds)

    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for index, (start, end, *_) in enumerate(marks):
        starts.setdefault(start, []).append(index)
        ends.setdefault(end, []).append(index)
    hide_at = {start: (end, kind) for start, end, kind in hidden}

    active: set[int] = set()
    hidden_until = 0
    out: list[str] = []
    for left, right in zip(points, points[1:], strict=False):
        active.difference_update(ends.get(left, ()))
        active.update(starts.get(left, ()))
        if left in hide_at and hide_at[left][0] > hidden_until:
            if left >= hidden_until:
                out.append(
                    f'<span class="bp" title="boilerplate hidden: {escape(hide_at[left][1])}">[…]</span>'
                )
            hidden_until = hide_at[left][0]
        if left < hidden_until:
            continue
        piece = escape(text[left:right])
        if not active:
            out.append(piece)
            continue
        chosen = [marks[i] for i in sorted(active)]
        classes = " ".join(sorted({m[2] for m in chosen}))
        tooltip = escape("; ".join(m[3] for m in chosen))
        out.append(f'<span class="{classes}" title="{tooltip}">{piece}</span>')
    return "".join(out)


def _meta(article_id: int, analysis: Analysis) -> str:
    article = analysis.article
    url = article.url or ""
    if url.startswith(("http://", "https://")):
        url_html = f'<a href="{escape(url)}" rel="noreferrer">{escape(url)}</a>'
    else:
        url_html = escape(url) or "—"
    rows = [
        ("Outlet", escape(article.outlet or "—")),
        ("Published", article.published.isoformat() if article.published else "—"),
        ("URL", url_html),
        ("Article id", str(article_id)),
        ("Extractor", escape(analysis.extractor or "—")),
    ]
    return '<dl class="meta">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def _ledger(analysis: Analysis) -> str:
    counts = ledger(analysis.attributions)
    rows = "".join(
        f'<tr><td>{kind}</td><td class="num">{count}</td></tr>'
        for kind, count in counts["by_source_kind"].items()
    )
    rows += f'<tr><th>total</th><th class="num">{counts["total"]}</th></tr>'
    share = (
        f"<p><strong>Anonymous share:</strong> {format_share(counts['anonymous_share'])} "
        f"({counts['anonymous']} of {counts['total']} attributions rest on anonymous individuals, "
        "anonymous groups or unattributed claims)</p>"
        f"<p><strong>Sources by entity:</strong> {escape(entity_list(counts)) or '—'}</p>"
    )
    return f"<table><thead><tr><th>Source kind</th><th>Count</th></tr></thead><tbody>{rows}</tbody></table>{share}"


def _attributions(analysis: Analysis) -> str:
    if not analysis.attributions:
        return "<p>No attributions found.</p>"
    head = "".join(f"<th>{h}</th>" for h in ATTRIBUTION_COLUMNS)
    body = []
    for seq, att in enumerate(analysis.attributions, start=1):
        cells = attribution_cells(analysis, seq, att, escape)
        entity = att.source_entity
        if entity is not None:  # the mention that names the source, on hover
            named = escape(span_display(analysis, Span.of(analysis.article.text, entity.start, entity.end)))
            cells[1] = (
                f'<span class="entity" data-start="{entity.start}" data-end="{entity.end}" '
                f'title="{escape(entity.name)}, named at {entity.start}–{entity.end}: “{named}”">{cells[1]}</span>'
            )
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _damage(analysis: Analysis) -> str:
    if not analysis.damage:
        return "<p>None flagged.</p>"
    items = "".join(
        f"<li>{escape(d.kind)} at {d.start}–{d.end}: “{escape(shorten(d.snippet, SNIPPET_MAX))}”</li>"
        for d in analysis.damage
    )
    return f"<ul>{items}</ul>"


def _article(article_id: int, analysis: Analysis) -> str:
    title = escape(analysis.article.title) if analysis.article.title else "(untitled)"
    return (
        f'<article id="article-{article_id}"><h2>[{article_id}] {title}</h2>{_meta(article_id, analysis)}'
        f"<h3>Sourcing ledger</h3>{_ledger(analysis)}"
        f"<h3>Attributions</h3>{_attributions(analysis)}"
        f"<h3>Extraction damage</h3>{_damage(analysis)}"
        f'<h3>Text</h3><div class="text">{highlighted_text(analysis)}</div></article>'
    )


def render_html(analyses: Sequence[tuple[int, Analysis]]) -> str:
    count = len(analyses)
    body = "\n".join(_article(article_id, analysis) for article_id, analysis in analyses)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Sourcing report</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        f"<header><h1>Sourcing report</h1><p>{count} article{'s' if count != 1 else ''} · "
        f"generated by {escape(generated_by())}</p>{_legend()}</header>\n{body}\n</main>\n</body>\n</html>\n"
    )
