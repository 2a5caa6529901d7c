"""The story page's view model: claims with their evidence excerpts, and the geometry of the relay graph
and the timeline (numbers and plain strings only; the templates draw the SVG, autoescaped)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from corroborate.types import ANONYMOUS_KINDS, Article

EXCERPT_PAD = 90  # characters of context either side of a claim's mention
GRAPH_LABEL_CHARS = 26  # an outlet's name on the relay graph: longer ones are cut, so labels do not collide
TIMELINE_LABEL_CHARS = 22  # an article's outlet above the timeline: shorter, as neighbouring dots sit close
NEAR_SOURCE = 400  # sources starting closer than this (characters) to a mention show in its excerpt
CHAR_WIDTH = 6.6  # average width of a 12px label character, in SVG units
STANCE_GROUPS = (("supports", "Supporting"), ("refutes", "Refuting"), ("discusses", "Discussing"))
STATUS_LABELS = {
    "denied": "denied",
    "contested": "contested",
    "on_record": "on record",
    "corroborated": "corroborated",
    "relayed_only": "relayed only",
    "single_source": "single source",
}
SOURCING_LABELS = {
    "named": "named sources",
    "anonymous_only": "anonymous sources only",
    "mixed": "named and anonymous sources",
    "none": "outlets' own voice",
}


@dataclass(frozen=True)
class Piece:
    text: str
    css: str = ""  # "" for plain text


def _cut(text: str, lo: int, hi: int, marks: Sequence[tuple[int, int, str]]) -> list[Piece]:
    """``text[lo:hi]`` in pieces, each marked with the classes of the ``marks`` (start, end, css) over it."""
    inside = [(max(s, lo), min(e, hi), css) for s, e, css in marks if s < hi and e > lo and s < e]
    points = sorted({lo, hi, *(p for s, e, _ in inside for p in (s, e))})
    out: list[Piece] = []
    for left, right in zip(points, points[1:], strict=False):
        classes = sorted({css for s, e, css in inside if s <= left and right <= e})
        out.append(Piece(text[left:right], " ".join(["m", *classes]) if classes else ""))
    return out


def _window(text: str, start: int, end: int, pad: int = EXCERPT_PAD) -> tuple[int, int]:
    """``start..end`` widened by about ``pad`` characters, cut at spaces."""
    lo, hi = max(0, start - pad), min(len(text), end + pad)
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space != -1 else hi
    return lo, hi


def _excerpts(claim: dict, texts: dict[int, Article]) -> list[dict]:
    """One excerpt per article and mention: the mention underlined, its sources highlighted."""
    found = []
    sources = [s for s in claim.get("sources", []) if not s.get("own_voice")]
    for mention in claim.get("mentions", []):
        article = texts.get(mention["article_id"])
        if article is None:
            continue
        field = mention.get("field", "text")
        text = (article.title or "") if field == "title" else article.text
        if not (0 <= mention["start"] <= mention["end"] <= len(text)):
            continue
        near = [
            s
            for s in sources
            if s["article_id"] == mention["article_id"]
            and s.get("field", "text") == field
            and 0 <= s["start"] < s["end"] <= len(text)
            and abs(s["start"] - mention["start"]) < NEAR_SOURCE
        ]
        lo = min([mention["start"], *(s["start"] for s in near)])
        hi = max([mention["end"], *(s["end"] for s in near)])
        lo, hi = (0, len(text)) if field == "title" else _window(text, lo, hi)
        marks = [(mention["start"], mention["end"], "r-content")]
        marks += [(s["start"], s["end"], f"r-source k-{s['kind']}") for s in near]
        link = None
        if field == "text":
            query = [("source", f"{s['start']}-{s['end']}") for s in near]
            query.append(("mention", f"{mention['start']}-{mention['end']}"))
            link = f"/articles/{mention['article_id']}?{urlencode(query)}#hl"
        found.append(
            {
                "article_id": mention["article_id"],
                "field": field,
                "pieces": _cut(text, lo, hi, marks),
                "before": lo > 0,
                "after": hi < len(text),
                "link": link,
            }
        )
    return found


def _claim_view(claim: dict, articles: dict[int, dict], texts: dict[int, Article]) -> dict:
    stances = {int(k): v for k, v in claim.get("stances", {}).items()}
    groups = [
        (label, [articles[a] for a, s in stances.items() if s == key and a in articles])
        for key, label in STANCE_GROUPS
    ]
    sources = [
        {
            **s,
            "anonymous": (s["kind"] in ANONYMOUS_KINDS and not s.get("source_entity")) or not s.get("named"),
            "article": articles.get(s["article_id"]),
        }
        for s in claim.get("sources", [])
    ]
    entities: dict[
        str, str
    ] = {}  # the named people and bodies behind the claim, each once (its longest name)
    for s in sources:
        name = (s.get("source_entity") or {}).get("name")
        key = s.get("independent_key") or name
        if name and len(name) > len(entities.get(key, "")):
            entities[key] = name
    return {
        **claim,
        "entities": list(entities.values()),
        "status_label": STATUS_LABELS.get(claim.get("status", ""), claim.get("status", "")),
        "sourcing_label": SOURCING_LABELS.get(claim.get("sourcing", ""), claim.get("sourcing", "")),
        "stance_groups": groups,
        "source_rows": sources,
        "excerpts": _excerpts(claim, texts),
    }


def story_context(report: dict, texts: dict[int, Article]) -> dict:
    """Everything story.html needs; ``texts`` are the member articles (for excerpts)."""
    articles = {a["id"]: a for a in report.get("articles", [])}
    outlets = sorted({a["outlet"] for a in articles.values() if a.get("outlet")})
    return {
        "story": report,
        "articles": articles,
        "outlets": outlets,
        "claims": [_claim_view(c, articles, texts) for c in report.get("claims", [])],
        "graph": relay_graph(report.get("relays", []), [a.get("outlet") for a in articles.values()]),
        "timeline": timeline_chart(report.get("timeline", []), articles),
    }


# --------------------------------------------------------------------------- the relay graph


def _short(name: str, limit: int = GRAPH_LABEL_CHARS) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def relay_graph(links: Sequence[dict], member_outlets: Sequence[str | None]) -> dict | None:
    """Outlets on a circle, an arrow from each outlet to each outlet it relays (None: no relays)."""
    if not links:
        return None
    width, height = 640, 380
    members = [o for o in dict.fromkeys(member_outlets) if o]
    names = list(
        dict.fromkeys([*members, *(x for link in links for x in (link["from_outlet"], link["to_outlet"]))])
    )
    cx, cy, radius = width / 2, height / 2, min(width, height) / 2 - 60
    count = len(names)
    nodes, where = [], {}
    for i, name in enumerate(names):
        angle = -math.pi / 2 + 2 * math.pi * i / count if count > 2 else math.pi * (1 - i)
        x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        where[name] = (x, y)
        anchor = "middle" if abs(x - cx) < 20 else ("start" if x > cx else "end")
        dx = 0 if anchor == "middle" else (16 if anchor == "start" else -16)
        dy = -16 if y < cy - 20 else (24 if y > cy + 20 else 4)
        nodes.append(
            {
                "name": name,
                "label": _short(name),
                "x": round(x, 1),
                "y": round(y, 1),
                "lx": round(x + dx, 1),
                "ly": round(y + dy, 1),
                "anchor": anchor,
                "member": name in members,
            }
        )
    edges = []
    for link in links:
        (x1, y1), (x2, y2) = where[link["from_outlet"]], where[link["to_outlet"]]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        sx, sy, ex, ey = x1 + ux * 12, y1 + uy * 12, x2 - ux * 16, y2 - uy * 16
        mx, my = (sx + ex) / 2 - uy * 24, (sy + ey) / 2 + ux * 24  # bend left: opposite arrows part
        edges.append(
            {
                "d": f"M{sx:.1f},{sy:.1f} Q{mx:.1f},{my:.1f} {ex:.1f},{ey:.1f}",
                "lx": round(mx, 1),
                "ly": round(my, 1),
                "count": link["count"],
                "width": round(min(1.5 + link["count"], 6), 1),
                "from": link["from_outlet"],
                "to": link["to_outlet"],
                "evidence": link.get("evidence", []),
            }
        )
    return {"width": width, "height": height, "nodes": nodes, "edges": edges}


# --------------------------------------------------------------------------- the timeline


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def timeline_chart(entries: Sequence[dict], articles: dict[int, dict]) -> dict | None:
    """Articles as dots on a date axis, predictions as bars over the window they name (None: no dates)."""
    dated = [(e, _day(e["date"]), _day(e.get("end"))) for e in entries if e.get("date")]
    if not dated:
        return None
    days = [d for _, start, end in dated for d in (start, end) if d]
    lo, hi = min(days), max(days)
    span = max((hi - lo).days, 1)
    width, left, right = 640, 70, 70
    predictions = [item for item in dated if item[0]["kind"] == "prediction"]
    height = 120 + 30 * len(predictions) + 40

    def x(day: date) -> float:
        if hi == lo:
            return width / 2
        return round(left + (day - lo).days / span * (width - left - right), 1)

    dots = []
    for i, (entry, start, _) in enumerate(item for item in dated if item[0]["kind"] == "article"):
        article = articles.get(entry["article_id"], {})
        dots.append(
            {
                "x": x(start),
                "y": 70,
                "ly": 50 if i % 2 == 0 else 98,
                "label": _short(article.get("outlet") or "article", TIMELINE_LABEL_CHARS),
                "title": entry["label"],
                "date": start.isoformat(),
                "href": f"/articles/{entry['article_id']}",
            }
        )
    bars = []
    for i, (entry, start, end) in enumerate(predictions):
        x1, x2 = x(start), x(end or start)
        y = 130 + 30 * i
        room = (width - x1 if x1 < width / 2 else x2) - 6  # the label must stay inside the drawing
        bars.append(
            {
                "x": x1,
                "y": y - 7,
                "w": max(x2 - x1, 8),
                "h": 14,
                "status": entry.get("status") or "open",
                "label": _short(entry["label"], max(int(room / CHAR_WIDTH), 8)),
                "title": entry["label"],
                "lx": x1 if x1 < width / 2 else x2,
                "ly": y - 11,
                "anchor": "start" if x1 < width / 2 else "end",
                "window": start.isoformat() + (f" – {end.isoformat()}" if end and end != start else ""),
            }
        )
    steps = min(span, 5) if hi != lo else 0
    ticks = [lo + (hi - lo) * k / steps for k in range(steps + 1)] if steps else [lo]
    axis_y = height - 30
    return {
        "width": width,
        "height": height,
        "dots": dots,
        "bars": bars,
        "axis_y": axis_y,
        "ticks": [{"x": x(d), "label": d.isoformat()} for d in dict.fromkeys(ticks)],
        "x0": left if hi != lo else width / 2 - 40,
        "x1": width - right if hi != lo else width / 2 + 40,
    }
