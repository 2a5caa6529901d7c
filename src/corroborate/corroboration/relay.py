"""The relay graph: which outlet passes on which other outlet's reporting.

An article *relays* an outlet when one of its attributions has that outlet as its source ("The
Washington Post reports", "According to Rolling Stone": ``via="source"``) or as its channel, the outlet
a statement was given to ("told the Post", "telling Axios", "speaking to CNN": ``via="channel"``).
Edges run from the article's outlet to the relayed outlet; an outlet citing itself is no relay.

Outlet names are normalised: the key drops a leading "the", a possessive and case ("The Post's" ->
``post``); a short name resolves to a longer one that ends with it in the same article ("the Post" after
"The Washington Post"), and, across a story or a store, to the only longer known name that ends with it.
Sources of kind ``outlet`` that name no outlet ("media", "several newspapers") are not relays.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from corroborate.attribution.lexicon import OUTLETS
from corroborate.corroboration.model import StoryMember
from corroborate.types import Span, json_as

UNKNOWN_OUTLET = "(unknown outlet)"


def outlet_key(name: str | None) -> str:
    """The comparison key of an outlet name: lower case, no leading "the", no possessive."""
    if not name:
        return ""
    key = " ".join(name.replace("\u2019", "'").split()).strip(" ,.;:'\"\u201c\u201d").lower()
    key = re.sub(r"'s?$", "", key)
    key = re.sub(r"^the\s+", "", key)
    return key


def display_name(name: str) -> str:
    """An outlet name as shown: whitespace collapsed, possessive dropped, a leading "the" capitalised."""
    text = " ".join(name.replace("\u2019", "'").split()).strip(" ,.;:'\"\u201c\u201d")
    text = re.sub(r"'s?$", "", text)
    return re.sub(r"^the\s+", "The ", text)


def _names_outlet(text: str, span: Span) -> bool:
    """Whether a source or channel span names an outlet: a capitalised word ("Axios", "the Post"), where a
    sentence's capitalised first word counts only when the outlet gazetteer knows it ("Media reports")."""
    words = re.sub(r"^[Tt]he\s+", "", span.text).split()
    before = text[: span.start].rstrip()
    initial = not before or before[-1] in '.!?\n"\u201d\u201c'
    if initial and words and span.text[:4].lower() != "the ":
        if outlet_key(span.text) in OUTLETS:
            return True
        words = words[1:]
    return any(word[:1].isupper() or word[:1].isdigit() for word in words)


def resolve(key: str, known: Iterable[str]) -> str:
    """The longer known key that ``key`` abbreviates ("post" -> "washington post"), when exactly one
    does; otherwise ``key``."""
    longer = {k for k in known if k != key and k.endswith(" " + key)}
    return next(iter(longer)) if len(longer) == 1 else key


def same_outlet(a: str | None, b: str | None) -> bool:
    """Whether two outlet names denote one outlet (equal keys, or one ends with the other's words)."""
    ka, kb = outlet_key(a), outlet_key(b)
    if not ka or not kb:
        return False
    return ka == kb or ka.endswith(" " + kb) or kb.endswith(" " + ka)


@dataclass(frozen=True, slots=True)
class RelayEdge:
    """One article relaying one outlet; ``span`` is the evidence (source or channel) in its text."""

    from_outlet: str
    to_outlet: str
    article_id: int
    span: Span
    via: str  # "source" | "channel"


def _evidence(edges: Iterable[RelayEdge]) -> list[dict]:
    """A link's edges as JSON: article id, via, and the span's offsets and text."""
    return [
        {
            "article_id": e.article_id,
            "via": e.via,
            "start": e.span.start,
            "end": e.span.end,
            "text": e.span.text,
        }
        for e in edges
    ]


@dataclass(frozen=True, slots=True)
class RelayLink:
    """All edges between two outlets, aggregated: ``evidence`` holds the edges."""

    from_outlet: str
    to_outlet: str
    count: int
    article_ids: tuple[int, ...]
    evidence: tuple[RelayEdge, ...] = field(metadata=json_as(_evidence))

    @property
    def edges(self) -> tuple[RelayEdge, ...]:
        """The edges of the link: ``evidence`` under its earlier name."""
        return self.evidence


@dataclass(frozen=True, slots=True)
class OutletNode:
    name: str
    articles: int  # articles of this outlet among the members
    relays: int  # edges from it
    relayed_by: int  # edges to it


@dataclass(frozen=True, slots=True)
class OutletGraph:
    nodes: tuple[OutletNode, ...]
    links: tuple[RelayLink, ...]


def _article_edges(member: StoryMember) -> list[tuple[str, str, Span, str]]:
    """``(key, display form, span, via)`` for one article's relays, short names resolved in-article."""
    text = member.analysis.article.text
    found: list[tuple[str, str, Span, str]] = []
    seen: set[tuple[int, int]] = set()
    for att in member.analysis.attributions:
        candidates = []
        if att.source_kind == "outlet" and att.source is not None:
            candidates.append((att.source, "source"))
        if att.channel is not None:
            candidates.append((att.channel, "channel"))
        for span, via in candidates:
            if (span.start, span.end) in seen or not span.text.strip() or not _names_outlet(text, span):
                continue
            seen.add((span.start, span.end))
            found.append((outlet_key(span.text), display_name(span.text), span, via))
    keys = {key for key, *_ in found}
    return [(resolve(key, keys), display, span, via) for key, display, span, via in found]


def relay_edges(members: Sequence[StoryMember]) -> list[RelayEdge]:
    """Every relay of every member, in member then text order.

    A short name left unresolved in its article resolves to the one longer name known among all the
    members' relays and outlets. The shown name of an outlet is its most frequent full form (ties: the
    longest), e.g. "The Washington Post"."""
    per_article = [(m, _article_edges(m)) for m in members]
    known = {key for _, edges in per_article for key, *_ in edges}
    forms: dict[str, Counter] = {}
    for m in members:
        outlet = m.analysis.article.outlet
        if outlet:
            known.add(outlet_key(outlet))
            forms.setdefault(outlet_key(outlet), Counter())[display_name(outlet)] += 1
    for _, edges in per_article:
        for _, display, _, _ in edges:
            forms.setdefault(outlet_key(display), Counter())[display] += 1
    out: list[RelayEdge] = []
    for member, edges in per_article:
        own = member.analysis.article.outlet
        for key, display, span, via in edges:
            full = resolve(key, known)
            if same_outlet(own, full):
                continue
            names = forms.get(full)
            name = max(names, key=lambda d: (names[d], len(d))) if names else display
            out.append(RelayEdge(own or UNKNOWN_OUTLET, name, member.article_id, span, via))
    return out


def aggregate(edges: Iterable[RelayEdge]) -> list[RelayLink]:
    """Edges grouped by (from, to) outlet, most frequent first."""
    groups: dict[tuple[str, str], list[RelayEdge]] = {}
    for edge in edges:
        groups.setdefault((edge.from_outlet, edge.to_outlet), []).append(edge)
    links = [
        RelayLink(a, b, len(es), tuple(sorted({e.article_id for e in es})), tuple(es))
        for (a, b), es in groups.items()
    ]
    return sorted(links, key=lambda link: (-link.count, link.from_outlet, link.to_outlet))


def outlet_graph(members: Sequence[StoryMember]) -> OutletGraph:
    """The relay graph of any set of articles (a story, or the whole store): outlets with their article
    and relay counts, and aggregated links."""
    links = aggregate(relay_edges(members))
    articles = Counter(m.analysis.article.outlet or UNKNOWN_OUTLET for m in members)
    out_deg: Counter = Counter()
    in_deg: Counter = Counter()
    for link in links:
        out_deg[link.from_outlet] += link.count
        in_deg[link.to_outlet] += link.count
    names = sorted(set(articles) | set(out_deg) | set(in_deg), key=lambda n: (-(articles[n] + in_deg[n]), n))
    nodes = tuple(OutletNode(n, articles[n], out_deg[n], in_deg[n]) for n in names)
    return OutletGraph(nodes, tuple(links))
