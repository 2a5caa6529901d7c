"""HTML pages: bytes to text (one charset decoder for files, fetched pages and WARC records) and the
article in them (trafilatura, imported only when a page is extracted)."""

from __future__ import annotations

import codecs
import contextlib
import re
from typing import Any

from corroborate.errors import BadRecord, NoArticle, TooLarge, UndecodableInput
from corroborate.ingest.checks import check_article_text, decode_utf8, parse_published

MAX_HTML_BYTES = 20_000_000  # trafilatura's own ceiling on a page
META_SNIFF_BYTES = 4096  # HTML puts <meta charset> in the first 1024 bytes; leave room for sloppy heads
MIN_PROSE_WORDS = 5  # a line of this many words ending like a sentence is prose, not a menu item

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_WORD = re.compile(r"\w*[^\W\d_]\w*")
_SENTENCE_END = tuple(".!?…\"'”’)»")


# --------------------------------------------------------------------------- charset


def content_type_charset(content_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type header value, unquoted; None when it has none."""
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip(" \"'"):
            return value.strip(" \"'")
    return None


def decode_html(
    content: bytes, charset: str | None = None, *, strict: bool = False, origin: str | None = None
) -> str:
    """The header's ``charset`` if Python knows it; else UTF-8 (a leading BOM dropped); else the
    charset the page declares in a <meta> tag.

    Lenient by default (fetched pages, WARC records): bytes the charset cannot decode become U+FFFD,
    and a page declaring no charset Python knows is read as cp1252. ``strict`` (files on disk) raises
    UndecodableInput naming ``origin`` instead: the UTF-8 error when the page declares no charset,
    else one naming the declared charset.
    """
    if charset:
        with contextlib.suppress(LookupError):
            return content.decode(codecs.lookup(charset).name, errors="replace")
    try:
        return decode_utf8(content, origin)
    except UndecodableInput:
        found = _META_CHARSET.search(content[:META_SNIFF_BYTES])
        if strict and found is None:
            raise
    declared = found.group(1).decode("ascii") if found else None
    if strict and declared is not None:
        try:
            return content.decode(codecs.lookup(declared).name)
        except (LookupError, UnicodeDecodeError):
            raise UndecodableInput(
                f"neither UTF-8 nor the declared charset {declared!r} decodes this page", input_name=origin
            ) from None
    codec = "cp1252"
    if declared:
        with contextlib.suppress(LookupError):
            codec = codecs.lookup(declared).name
    return content.decode(codec, errors="replace")


# --------------------------------------------------------------------------- article extraction


def _has_prose(text: str) -> bool:
    """True when some line reads like a sentence (not just menu items or labels)."""
    for line in text.splitlines():
        line = line.strip()
        if line.endswith(_SENTENCE_END) and len(_WORD.findall(line)) >= MIN_PROSE_WORDS:
            return True
    return False


def extract_html(
    html: str, origin: str, *, url: str | None = None
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Article text, page metadata and guessed metadata, via trafilatura.

    The page metadata (title, site name, canonical url, date) ranks above the CLI defaults; an
    outlet trafilatura only derived from the URL's host name is a guess, ranked below them.
    """
    import trafilatura

    if len(html) > MAX_HTML_BYTES:
        raise TooLarge(f"HTML page is over {MAX_HTML_BYTES:,} characters", input_name=origin)
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    except Exception as exc:  # trafilatura/lxml failing on a page is a property of that page
        raise NoArticle(f"HTML extraction failed: {type(exc).__name__}: {exc}", input_name=origin) from exc
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip() or not _has_prose(text):
        raise NoArticle("no article text found in the HTML page", input_name=origin)
    check_article_text(text, origin)
    page: dict[str, Any] = {"title": doc.title, "outlet": doc.sitename, "url": doc.url}
    page = {k: v for k, v in page.items() if isinstance(v, str) and v.strip()}
    guess: dict[str, Any] = {}
    if doc.hostname and page.get("outlet") == doc.hostname:
        guess["outlet"] = page.pop("outlet")
    if isinstance(doc.date, str):
        # An unreadable page date is not the user's error: leave it to the defaults.
        with contextlib.suppress(BadRecord):
            page["published"] = parse_published(doc.date, origin, "page metadata")
    return text, page, guess
