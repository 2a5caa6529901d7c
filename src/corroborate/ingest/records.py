"""What ingest yields (:class:`IngestItem`, :class:`IngestFailure`), the CLI :class:`Defaults`, and
articles built from a JSON record or an HTML page with their metadata layered.

Metadata comes in layers; an earlier layer wins and later ones only fill what is missing: a
record's own fields, then the page's metadata (HTML), then the CLI defaults, then guesses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from corroborate.errors import BadRecord, EmptyText, IngestError
from corroborate.ingest.checks import (
    check_article_text,
    check_record_text,
    check_unicode,
    parse_published,
    shown,
)
from corroborate.ingest.pages import extract_html
from corroborate.types import Article

META_FIELDS = ("outlet", "url", "title", "published")


@dataclass(frozen=True)
class IngestItem:
    origin: str
    article: Article


@dataclass(frozen=True)
class IngestFailure:
    origin: str
    error: IngestError  # str(error) is a one-line reason naming the input


@dataclass(frozen=True)
class Defaults:
    """Values from CLI flags; an input's own metadata wins, these only fill gaps."""

    outlet: str | None = None
    published: date | None = None
    url: str | None = None


NO_DEFAULTS = Defaults()


# --------------------------------------------------------------------------- metadata layers


def meta_layer(obj: dict, origin: str, where: str) -> dict[str, Any]:
    """The metadata fields an object gives (validated); absent, null and empty values are left out."""
    layer: dict[str, Any] = {}
    for key in ("outlet", "url", "title"):
        value = obj.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise BadRecord(f"{where}: `{key}` must be a string, not {shown(value)}", input_name=origin)
        check_unicode(value, origin, f"{where}: `{key}`")
        layer[key] = value
    published = parse_published(obj.get("published"), origin, where)
    if published is not None:
        layer["published"] = published
    return layer


def defaults_layer(defaults: Defaults) -> dict[str, Any]:
    layer = {"outlet": defaults.outlet, "url": defaults.url, "published": defaults.published}
    return {k: v for k, v in layer.items() if v is not None}


def compose(text: str, *layers: dict[str, Any]) -> Article:
    """Build an Article; earlier layers win, later ones fill what is missing."""
    merged: dict[str, Any] = {}
    for layer in layers:
        for key in META_FIELDS:
            if merged.get(key) is None and layer.get(key) is not None:
                merged[key] = layer[key]
    return Article(text=text, **merged)


# --------------------------------------------------------------------------- articles


def article_from_html(html: str, *, origin: str, defaults: Defaults) -> Article:
    """An Article from an HTML page; page metadata wins over ``defaults``. Raises NoArticle etc."""
    text, page, guess = extract_html(html, origin, url=defaults.url)
    return compose(text, page, defaults_layer(defaults), guess)


def article_from_record(record: dict, *, origin: str, defaults: Defaults) -> Article:
    """An Article from one JSON record with ``text`` or ``html`` (``text`` wins when both are given).

    Record fields win over page metadata (for ``html``), which wins over ``defaults``.
    """
    if not isinstance(record, dict):
        raise BadRecord(f"expected a JSON object, got {type(record).__name__}", input_name=origin)
    fields = meta_layer(record, origin, "record")
    text, html = record.get("text"), record.get("html")
    if text is not None:
        if not isinstance(text, str):
            raise BadRecord(f"record: `text` must be a string, not {type(text).__name__}", input_name=origin)
        check_unicode(text, origin, "record: `text`")
        check_record_text(text, origin)
        check_article_text(text, origin)
        return compose(text, fields, defaults_layer(defaults))
    if html is not None:
        if not isinstance(html, str):
            raise BadRecord(f"record: `html` must be a string, not {type(html).__name__}", input_name=origin)
        check_unicode(html, origin, "record: `html`")
        if not html.strip():
            raise EmptyText("record `html` is empty", input_name=origin)
        extracted, page, guess = extract_html(html, origin, url=fields.get("url") or defaults.url)
        return compose(extracted, fields, page, defaults_layer(defaults), guess)
    raise BadRecord("record has neither `text` nor `html`", input_name=origin)
