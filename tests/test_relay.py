"""The relay graph: outlets as sources and channels, name normalisation, aggregation."""

from __future__ import annotations

from corroborate.corroboration.relay import aggregate, display_name, outlet_graph, outlet_key, relay_edges
from corroborate.types import to_json
from story_support import analysis, att, member

TEXT = (
    "The Washington Post reports that he is tired. "
    "One insider told the Post that he will go. "
    "An official, telling Axios, said there are red lines. "
    "Media reports suggest a rift."
)


def _atts(text: str = TEXT) -> list:
    return [
        att(text, "The Washington Post", "reports", "that he is tired", "outlet"),
        att(text, "One insider", "told", "that he will go", "anonymous_individual", channel="the Post"),
        att(text, "An official", "said", "there are red lines", "anonymous_individual", channel="Axios"),
        att(text, "Media reports", "suggest", "a rift", "outlet", "hedged"),
    ]


def test_outlet_keys_and_display_names():
    assert outlet_key("The Post's") == "post"
    assert outlet_key("  the  Washington Post ") == "washington post"
    assert display_name("the Post's") == "The Post"


def test_sources_and_channels_are_relays_and_short_names_resolve_in_the_article():
    edges = relay_edges([member(1, analysis(TEXT, _atts(), outlet="Outlet A"))])
    got = [(e.from_outlet, e.to_outlet, e.via, e.span.text) for e in edges]
    assert got == [
        ("Outlet A", "The Washington Post", "source", "The Washington Post"),
        ("Outlet A", "The Washington Post", "channel", "the Post"),
        ("Outlet A", "Axios", "channel", "Axios"),
    ]  # "Media reports" names no outlet
    first = edges[1]
    assert TEXT[first.span.start : first.span.end] == "the Post"


def test_an_outlet_citing_itself_is_no_relay():
    edges = relay_edges([member(1, analysis(TEXT, _atts(), outlet="The Washington Post"))])
    assert [e.to_outlet for e in edges] == ["Axios"]


def test_short_names_resolve_across_the_story_when_unambiguous():
    other = "A source told the Post that he will go."
    a = member(1, analysis(TEXT, _atts(), outlet="Outlet A"))
    b = member(2, analysis(other, [att(other, "A source", "told", "that he will go", "anonymous_individual", channel="the Post")], outlet="Outlet B"))  # fmt: skip
    edges = relay_edges([a, b])
    assert ("Outlet B", "The Washington Post") in {(e.from_outlet, e.to_outlet) for e in edges}
    # alone, the short name stays as written
    (alone,) = relay_edges([b])
    assert alone.to_outlet == "The Post"


def test_aggregate_and_outlet_graph_count_links():
    a = member(1, analysis(TEXT, _atts(), outlet="Outlet A"))
    b = member(2, analysis(TEXT, _atts(), outlet="Outlet B"))
    links = aggregate(relay_edges([a, b]))
    top = links[0]
    assert top.count == 2 and top.to_outlet == "The Washington Post" and top.article_ids == (1,)
    assert {(link.from_outlet, link.to_outlet, link.count) for link in links} == {
        ("Outlet A", "The Washington Post", 2),
        ("Outlet A", "Axios", 1),
        ("Outlet B", "The Washington Post", 2),
        ("Outlet B", "Axios", 1),
    }
    graph = outlet_graph([a, b])
    nodes = {n.name: n for n in graph.nodes}
    assert nodes["The Washington Post"].relayed_by == 4
    assert nodes["Outlet A"].articles == 1 and nodes["Outlet A"].relays == 3
    assert to_json(graph)["links"][0]["evidence"][0]["text"] == "The Washington Post"
