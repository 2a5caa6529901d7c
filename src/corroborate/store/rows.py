"""Between table rows and the domain types: writing an analysis's rows, reading analyses back."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import Connection, Table, insert, select

from corroborate.store.schema import articles, attributions, boilerplate, damage, facts
from corroborate.types import (
    Analysis,
    Article,
    Attribution,
    Boilerplate,
    DamageFlag,
    Fact,
    Span,
    entity_of,
    to_json,
)

CHUNK_SIZE = 200  # ids per ``IN (...)`` read: well under SQLite's bound-parameter limit, memory stays flat


def chunks(items: Sequence[int], size: int = CHUNK_SIZE) -> Iterator[Sequence[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def article_from_row(row) -> Article:
    return Article(text=row.text, title=row.title, outlet=row.outlet, url=row.url, published=row.published)


def insert_analysis(conn: Connection, article_id: int, analysis: Analysis) -> None:
    """Insert the boilerplate, damage, attribution and fact rows of one article's analysis."""
    for table, ranges in ((boilerplate, analysis.boilerplate), (damage, analysis.damage)):
        if ranges:
            rows = [
                dict(article_id=article_id, kind=r.kind, start=r.start, end=r.end, snippet=r.snippet)
                for r in ranges
            ]
            conn.execute(insert(table), rows)
    if analysis.attributions:
        rows = [
            _attribution_row(article_id, i, a, analysis.extractor)
            for i, a in enumerate(analysis.attributions)
        ]
        conn.execute(insert(attributions), rows)
    if analysis.facts:
        conn.execute(insert(facts), [_fact_row(article_id, i, f) for i, f in enumerate(analysis.facts)])


def read_analyses(conn: Connection, ids: Sequence[int]) -> list[tuple[int, Analysis]]:
    """``(id, Analysis)`` of the stored articles among ``ids``, by ascending id."""
    rows = list(conn.execute(select(articles).where(articles.c.id.in_(ids)).order_by(articles.c.id)))
    furniture = _group(conn, boilerplate, ids)
    flags = _group(conn, damage, ids)
    found = _group(conn, attributions, ids, order_by="seq")
    figures = _group(conn, facts, ids, order_by="seq")
    return [
        (
            row.id,
            Analysis(
                article=article_from_row(row),
                boilerplate=tuple(
                    Boilerplate(r.kind, r.start, r.end, r.snippet) for r in furniture.get(row.id, ())
                ),
                damage=tuple(DamageFlag(r.kind, r.start, r.end, r.snippet) for r in flags.get(row.id, ())),
                attributions=tuple(_attribution(r) for r in found.get(row.id, ())),
                extractor=row.extractor,
                facts=tuple(_fact(r) for r in figures.get(row.id, ())),
            ),
        )
        for row in rows
    ]


def _group(conn: Connection, table: Table, ids: Sequence[int], order_by: str = "id") -> dict[int, list]:
    query = select(table).where(table.c.article_id.in_(ids)).order_by(table.c.article_id, table.c[order_by])
    grouped: dict[int, list] = {}
    for row in conn.execute(query):
        grouped.setdefault(row.article_id, []).append(row)
    return grouped


def _fact_row(article_id: int, seq: int, fact: Fact) -> dict:
    return {
        "article_id": article_id,
        "seq": seq,
        "kind": fact.kind,
        "start": fact.span.start,
        "end": fact.span.end,
        "text": fact.span.text,
        "value": fact.value,
        "value_high": fact.value_high,
        "unit": fact.unit,
        "date_start": fact.date_start,
        "date_end": fact.date_end,
        "future": bool(fact.future),
        "quantity": fact.quantity,
        "linked": fact.linked,
    }


def _fact(row) -> Fact:
    return Fact(
        kind=row.kind,
        span=Span(row.start, row.end, row.text),
        value=row.value,
        value_high=row.value_high,
        unit=row.unit,
        date_start=row.date_start,
        date_end=row.date_end,
        future=bool(row.future),
        quantity=row.quantity,
        linked=row.linked,
    )


def _attribution_row(article_id: int, seq: int, att: Attribution, default_extractor: str) -> dict:
    row: dict = {
        "article_id": article_id,
        "seq": seq,
        "source_kind": att.source_kind,
        "certainty": att.certainty,
        "direct": bool(att.direct),
        "source_entity": to_json(att.source_entity),
        "extractor": att.extractor or default_extractor,
    }
    for prefix, span in (
        ("source", att.source),
        ("cue", att.cue),
        ("content", att.content),
        ("channel", att.channel),
    ):
        row[f"{prefix}_start"] = None if span is None else span.start
        row[f"{prefix}_end"] = None if span is None else span.end
        row[f"{prefix}_text"] = None if span is None else span.text
    return row


def _span(row, prefix: str) -> Span | None:
    start = getattr(row, f"{prefix}_start")
    if start is None:
        return None
    return Span(start, getattr(row, f"{prefix}_end"), getattr(row, f"{prefix}_text") or "")


def _attribution(row) -> Attribution:
    return Attribution(
        source=_span(row, "source"),
        cue=_span(row, "cue"),
        content=_span(row, "content"),
        source_kind=row.source_kind,
        certainty=row.certainty,
        direct=bool(row.direct),
        channel=_span(row, "channel"),
        source_entity=entity_of(row.source_entity),
        extractor=row.extractor,
    )
