"""View models shared by the pages and the API: the article with its highlighted spans, pagination,
Jinja filters. Pure functions; every string ends up in an autoescaped template or in JSON."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import ClassVar
from urllib.parse import urlencode, urlsplit

import jinja2

from corroborate.report.common import format_share, ledger, shorten, span_display
from corroborate.report.render import article_record
from corroborate.types import ANONYMOUS_KINDS, Analysis, omit, source_label

KIND_LABELS: dict[str, str] = {
    "person": "named person",
    "organization": "organization",
    "outlet": "news outlet",
    "anonymous_individual": "anonymous individual",
    "anonymous_group": "anonymous group",
    "document": "document",
    "unattributed": "unattributed",
}
ROLES = ("content", "channel", "cue", "source")  # later roles win where spans overlap
MAX_HIGHLIGHTS = (
    50  # ranges one link may ask to highlight; more are ignored, so a URL cannot ask for much work
)
_RANGE = re.compile(r"([0-9]{1,12})-([0-9]{1,12})")  # ASCII digits only: int() takes no "²" or 5,000 digits
TIP_SPAN_CHARS = 60  # a source or cue quoted in a tooltip is cut to this many characters
CONTENT_CHARS = 200  # an attribution's content in the table is cut to this many characters


def safe_href(url: str | None) -> str | None:
    """``url`` when it is an http(s) URL that can be linked, else None (no javascript:, data: ...)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url.strip()
    return None


def iso(value: date | str | None) -> str:
    if value is None or value == "":
        return "—"
    return value.isoformat() if isinstance(value, date) else str(value)


def register_filters(env: jinja2.Environment) -> None:
    env.filters["iso"] = iso
    env.filters["share"] = format_share
    env.filters["kind_label"] = lambda kind: KIND_LABELS.get(kind, kind)
    env.filters["shorten"] = shorten
    env.filters["safe_href"] = safe_href
    env.globals["KIND_LABELS"] = KIND_LABELS


# --------------------------------------------------------------------------- pagination


@dataclass(frozen=True)
class Page:
    """One page of a listing; as JSON: ``total``, ``limit``, ``offset`` and the ``next`` page's link."""

    json_derived: ClassVar[tuple[str, ...]] = ("next",)

    total: int
    limit: int
    offset: int
    base: str = field(metadata=omit)  # path of the listing
    params: tuple[tuple[str, str], ...] = field(default=(), metadata=omit)  # the filters to keep in the links

    def _link(self, offset: int) -> str:
        query = [*self.params, ("limit", str(self.limit)), ("offset", str(offset))]
        return f"{self.base}?{urlencode(query)}"

    @property
    def first(self) -> int:
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.offset + self.limit, self.total)

    @property
    def next(self) -> str | None:
        return self._link(self.offset + self.limit) if self.offset + self.limit < self.total else None

    @property
    def previous(self) -> str | None:
        return self._link(max(self.offset - self.limit, 0)) if self.offset > 0 else None


# --------------------------------------------------------------------------- the article text


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of article text with the same marks: the attributions over it (1-based seq numbers),
    the roles their spans play here, the source kind shown (the innermost attribution's), damage
    and page furniture."""

    text: str
    atts: tuple[int, ...] = ()
    roles: tuple[str, ...] = ()
    kind: str | None = None
    damage: str | None = None
    boilerplate: str | None = None
    tip: str = ""
    hl: tuple[str, ...] = ()  # "hl-source" / "hl-mention": spans a link asked to highlight
    anchor: bool = False  # the first highlighted piece (``id="hl"``)
    ante: tuple[int, ...] = ()  # attributions whose source this mention names (source_entity)

    @property
    def marked(self) -> bool:
        return bool(self.atts or self.damage or self.boilerplate or self.hl or self.ante)

    @property
    def ante_ids(self) -> str:
        return " ".join(str(seq) for seq in self.ante)

    @property
    def css(self) -> str:
        classes = ["m"]
        if self.kind:
            classes.append(f"k-{self.kind}")
        classes += [f"r-{role}" for role in self.roles]
        if self.damage:
            classes.append("dmg")
        if self.boilerplate:
            classes.append("bp")
        classes += list(self.hl)
        if self.ante:
            classes.append("ante")
        return " ".join(classes)

    @property
    def att_ids(self) -> str:
        return " ".join(str(seq) for seq in self.atts)


def parse_ranges(values: Sequence[str], size: int) -> list[tuple[int, int]]:
    """``["10-20", ...]`` (from a link) as ranges inside ``0..size``; anything else is ignored."""
    found = []
    for value in values[:MAX_HIGHLIGHTS]:
        if (m := _RANGE.fullmatch(value)) and int(m[1]) < int(m[2]) <= size:
            found.append((int(m[1]), int(m[2])))
    return found


def segments(analysis: Analysis, highlights: Sequence[tuple[int, int, str]] = ()) -> list[Segment]:
    """The article text cut at every span boundary, each piece with its marks (nothing left out).

    ``highlights``: extra ``(start, end, "hl-source" | "hl-mention")`` ranges to emphasise.
    """
    text = analysis.article.text
    size = len(text)
    # Every range as (start, end, what, value): what is a role (value: seq), "damage", "furniture" or "hl".
    ranges: list[tuple[int, int, str, object]] = []
    extents: dict[int, int] = {}
    for seq, att in enumerate(analysis.attributions, start=1):
        spans = [(role, getattr(att, role)) for role in ROLES]
        spans = [(role, s) for role, s in spans if s is not None and 0 <= s.start < s.end <= size]
        ranges += [(span.start, span.end, role, seq) for role, span in spans]
        if spans:
            extents[seq] = max(s.end for _, s in spans) - min(s.start for _, s in spans)
    ranges += [(d.start, d.end, "damage", d.kind) for d in analysis.damage]
    ranges += [(b.start, b.end, "furniture", b.kind) for b in analysis.boilerplate]
    ranges += [(start, end, "hl", css) for start, end, css in highlights]
    ranges += [
        (att.source_entity.start, att.source_entity.end, "ante", seq)
        for seq, att in enumerate(analysis.attributions, start=1)
        if att.source_entity is not None and att.source_entity != att.source
    ]
    ranges = [r for r in ranges if 0 <= r[0] < r[1] <= size]
    kinds = {seq: att.source_kind for seq, att in enumerate(analysis.attributions, start=1)}
    certainty = {seq: att.certainty for seq, att in enumerate(analysis.attributions, start=1)}
    who = {
        seq: "".join(
            f" · {label}: {shorten(text_of, TIP_SPAN_CHARS)}"
            for label, span, text_of in (
                ("source", att.source, source_label(att)),
                ("cue", att.cue, att.cue.text if att.cue else ""),
            )
            if span is not None
        )
        for seq, att in enumerate(analysis.attributions, start=1)
    }

    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for index, (start, end, _, _) in enumerate(ranges):
        starts.setdefault(start, []).append(index)
        ends.setdefault(end, []).append(index)
    points = sorted({0, size, *starts, *ends})
    active: set[int] = set()
    out: list[Segment] = []
    for left, right in zip(points, points[1:], strict=False):  # a sweep: only open ranges are looked at
        active.difference_update(ends.get(left, ()))
        active.update(starts.get(left, ()))
        here = [ranges[i] for i in sorted(active)]
        roles_of: dict[int, list[str]] = {}
        for _, _, what, value in here:
            if what in ROLES:
                roles_of.setdefault(value, []).append(what)  # type: ignore[arg-type]
        atts = tuple(sorted(roles_of))
        damage = next((str(v) for _, _, what, v in here if what == "damage"), None)
        furn = next((str(v) for _, _, what, v in here if what == "furniture"), None)
        tips = [
            f"#{seq} {'/'.join(r for r in ROLES if r in roles_of[seq])} · "
            f"{KIND_LABELS.get(kinds[seq], kinds[seq])} · {certainty[seq]}{who[seq]}"
            for seq in atts
        ]
        if damage:
            tips.append(f"extraction damage: {damage}")
        if furn:
            tips.append(f"page furniture (not analysed): {furn}")
        innermost = min(atts, key=lambda seq: (extents.get(seq, size), seq)) if atts else None
        out.append(
            Segment(
                text=text[left:right],
                atts=atts,
                roles=tuple(r for r in ROLES if any(r in found for found in roles_of.values())),
                kind=kinds[innermost] if innermost is not None else None,
                damage=damage,
                boilerplate=furn,
                tip="; ".join(tips),
                hl=tuple(sorted({str(v) for _, _, what, v in here if what == "hl"})),
                ante=tuple(sorted({int(v) for _, _, what, v in here if what == "ante"})),  # type: ignore[call-overload]
            )
        )
    merged = _merge(out)
    first = next((i for i, piece in enumerate(merged) if piece.hl), None)
    if first is not None:
        merged[first] = replace(merged[first], anchor=True)
    return merged


def _merge(pieces: list[Segment]) -> list[Segment]:
    """Join neighbouring pieces that carry the same marks (fewer elements in the page)."""
    merged: list[Segment] = []
    for piece in pieces:
        if merged:
            last = merged[-1]
            if replace(last, text="") == replace(piece, text=""):
                merged[-1] = replace(last, text=last.text + piece.text)
                continue
        merged.append(piece)
    return merged


@dataclass(frozen=True)
class AttributionView:
    seq: int
    source: str
    cue: str
    content: str
    channel: str
    kind: str
    certainty: str
    direct: bool
    entity: str = ""  # the named person or body the source is ("Donald Trump" for "he")
    entity_start: int | None = None
    entity_end: int | None = None

    @property
    def anonymous(self) -> bool:
        return self.kind in ANONYMOUS_KINDS and not self.entity


def attribution_views(analysis: Analysis) -> list[AttributionView]:
    return [
        AttributionView(
            seq=seq,
            source=source_label(att, span_display(analysis, att.source)),
            cue=span_display(analysis, att.cue),
            content=span_display(analysis, att.content, CONTENT_CHARS),
            channel=span_display(analysis, att.channel),
            kind=att.source_kind,
            certainty=att.certainty,
            direct=att.direct,
            entity=att.source_entity.name if att.source_entity else "",
            entity_start=att.source_entity.start if att.source_entity else None,
            entity_end=att.source_entity.end if att.source_entity else None,
        )
        for seq, att in enumerate(analysis.attributions, start=1)
    ]


def article_json(article_id: int, analysis: Analysis, story_id: str | None) -> dict:
    """The API's article: the JSON report's article record (offsets into ``text``) and its story."""
    record = article_record(article_id, analysis)
    record["story_id"] = story_id
    return record


def article_context(
    article_id: int, analysis: Analysis, story_id: str | None, highlights: Sequence[tuple[int, int, str]] = ()
) -> dict:
    """What the article page template needs (``highlights`` as for :func:`segments`)."""
    counts = ledger(analysis.attributions)
    return {
        "article_id": article_id,
        "article": analysis.article,
        "extractor": analysis.extractor,
        "story_id": story_id,
        "segments": segments(analysis, highlights),
        "highlighted": bool(highlights),
        "attributions": attribution_views(analysis),
        "ledger": counts,
        "damage": analysis.damage,
        "boilerplate": analysis.boilerplate,
        "href": safe_href(analysis.article.url),
    }
