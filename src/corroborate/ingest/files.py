"""Read article inputs (text, HTML, JSON, JSONL, directories) into :class:`Article` objects.

Every input yields either an :class:`IngestItem` or an :class:`IngestFailure`; one bad input
never stops the iteration.  Origins name where an article came from:

* ``path`` for a ``.txt``/``.html`` file or a ``.json`` file holding one object,
* ``path[i]`` for the i-th record (0-based) of a ``.json`` array,
* ``path:LINE`` for a ``.jsonl`` record (1-based line number).

Stored text is never rewritten: a ``.txt`` file is stored exactly as
``open(path, encoding="utf-8-sig").read()`` returns it, i.e. strict UTF-8 with universal
newlines and a leading byte order mark dropped (the BOM is an encoding mark, not text).
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corroborate.errors import (
    BadRecord,
    BinaryInput,
    EmptyText,
    IngestError,
    NoArticle,
    NotEnglish,
    TooLarge,
    UndecodableInput,
    UnsupportedFormat,
)
from corroborate.types import Article, parse_iso_date

if TYPE_CHECKING:
    from corroborate.ingest.fetch import WebPages

MAX_ARTICLE_CHARS = 5_000_000  # per article text, never per container file
MAX_HTML_BYTES = 20_000_000  # trafilatura's own ceiling on a page
MAX_RECORD_BYTES = 8 * MAX_ARTICLE_CHARS  # one JSONL line; JSON escapes can inflate text
BINARY_CONTROL_SHARE = 0.10  # share of control bytes above which a file is binary
BINARY_SNIFF_BYTES = 8192  # container files are sniffed on their head only

LANGUAGE_SAMPLE_CHARS = 20_000
MIN_LETTERS_FOR_LANGUAGE = 200
MIN_LANGUAGE_CONFIDENCE = 0.9

SIDECAR_SUFFIX = ".meta.json"
FORMATS: dict[str, str] = {
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".warc": "warc",
    ".warc.gz": "warc",  # matched on the whole name in _format_of
}
META_FIELDS = ("outlet", "url", "title", "published")

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
# C0 controls except TAB, LF, VT, FF, CR; plus DEL.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_WORD = re.compile(r"\w*[^\W\d_]\w*")
_SENTENCE_END = tuple(".!?…\"'”’)»")


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


_NO_DEFAULTS = Defaults()


# --------------------------------------------------------------------------- entry point


def iter_inputs(
    paths: Iterable[str | Path], defaults: Defaults = _NO_DEFAULTS, *, allow_hosts: Iterable[str] = ()
) -> Iterator[IngestItem | IngestFailure]:
    """Yield one item or failure per article found under ``paths``, in a stable order.

    ``http(s)://`` arguments are fetched (``fetch.WebPages``; ``allow_hosts`` are exceptions to its
    SSRF guard); ``.warc``/``.warc.gz`` files are read by ``warc.iter_warc``."""
    from corroborate.ingest.fetch import WebPages

    with WebPages(allow_hosts) as web:
        yield from _iter_inputs(paths, defaults, web)


def _iter_inputs(
    paths: Iterable[str | Path], defaults: Defaults, web: WebPages
) -> Iterator[IngestItem | IngestFailure]:
    for raw in paths:
        path = Path(raw)
        origin = str(raw)
        if web.handles(origin):
            yield web.item(origin, defaults)
        elif path.is_dir():
            for found in _walk(path, origin):
                if isinstance(found, IngestFailure):
                    yield found
                else:
                    yield from _ingest_file(Path(found), found, defaults)
        elif path.is_file():
            problem = _unsupported_reason(path)
            if problem:
                yield IngestFailure(origin, UnsupportedFormat(problem, input_name=origin))
            else:
                yield from _ingest_file(path, origin, defaults)
        elif os.path.lexists(path):
            reason = "broken symbolic link" if path.is_symlink() else "not a regular file or directory"
            yield IngestFailure(origin, IngestError(reason, input_name=origin))
        else:
            yield IngestFailure(origin, IngestError("no such file or directory", input_name=origin))


def article_files(root: str | Path) -> list[str | IngestFailure]:
    """The article files ``iter_inputs`` would read under directory ``root``, in its order
    (recursive, sorted, hidden names and unknown extensions skipped), after one failure per
    unreadable directory. Lets a caller share out a directory's files (``corroborate batch``)."""
    return _walk(Path(root), str(root))


def _format_of(path: Path) -> str | None:
    if path.name.lower().endswith(SIDECAR_SUFFIX):
        return None
    if path.name.lower().endswith(".warc.gz"):
        return "warc"
    return FORMATS.get(path.suffix.lower())


def _unsupported_reason(path: Path) -> str | None:
    if path.name.lower().endswith(SIDECAR_SUFFIX):
        return f"sidecar metadata ({SIDECAR_SUFFIX}) is not an article; name the article file next to it"
    if _format_of(path) is None:
        known = ", ".join(sorted(FORMATS))
        return f"unsupported file extension {path.suffix or '(none)'!r}; expected one of {known}"
    return None


def _walk(root: Path, origin: str) -> list[str | IngestFailure]:
    """Article files under ``root`` (as ``origin``-prefixed strings): recursive, sorted by path,
    hidden names and unknown extensions skipped."""
    errors: list[IngestFailure] = []

    def on_error(exc: OSError) -> None:
        where = exc.filename or origin
        reason = f"cannot read directory: {exc.strerror or exc}"
        errors.append(IngestFailure(str(where), IngestError(reason, input_name=str(where))))

    found: list[tuple[tuple[str, ...], str]] = []
    for dirpath, dirnames, filenames in os.walk(origin, onerror=on_error):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith("."):
                continue
            path = Path(dirpath, name)
            if _format_of(path) is not None and path.is_file():
                found.append((path.relative_to(root).parts, os.path.join(dirpath, name)))
    found.sort(key=lambda pair: pair[0])
    return [*errors, *(path for _, path in found)]


def _ingest_file(path: Path, origin: str, defaults: Defaults) -> Iterator[IngestItem | IngestFailure]:
    kind = _format_of(path)
    try:
        if kind == "jsonl":
            yield from _iter_jsonl(path, origin, defaults)
            return
        if kind == "json":
            yield from _iter_json(path, origin, defaults)
            return
        if kind == "warc":
            from corroborate.ingest.warc import iter_warc

            yield from iter_warc(path, origin, defaults)
            return
        sidecar = _load_sidecar(path, origin)
        if kind == "html":
            html = _read_html(path, origin)
            text, page, guess = _extract_html(html, origin, url=sidecar.get("url") or defaults.url)
            article = _compose(text, sidecar, page, _defaults_layer(defaults), guess)
        else:
            text = _read_text(path, origin)
            _check_article_text(text, origin)
            article = _compose(text, sidecar, _defaults_layer(defaults))
        yield IngestItem(origin, article)
    except IngestError as exc:
        yield IngestFailure(origin, exc)
    except OSError as exc:
        yield IngestFailure(origin, IngestError(f"cannot read: {exc.strerror or exc}", input_name=origin))


# --------------------------------------------------------------------------- plain text


def read_text_file(path: str | Path) -> str:
    """Read ``path`` as strict UTF-8 with universal newlines; a leading BOM is dropped.

    Equal to ``open(path, encoding="utf-8-sig").read()`` for every file it accepts.
    Raises UndecodableInput, BinaryInput, EmptyText or TooLarge.
    """
    return _read_text(Path(path), str(path))


def _read_text(path: Path, origin: str) -> str:
    data = _read_bytes(path, origin, 4 * MAX_ARTICLE_CHARS + len(_UTF8_BOM))
    _check_bytes(data, origin)
    text = _decode_utf8(data, origin)
    # Universal newlines exactly as TextIOWrapper applies them: CRLF and lone CR become LF.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise EmptyText("empty or whitespace-only text", input_name=origin)
    return text


def _read_bytes(path: Path, origin: str, limit: int) -> bytes:
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"file is over {limit:,} bytes, too big for one article", input_name=origin)
    return data


def _check_bytes(data: bytes, origin: str) -> None:
    """Reject UTF-16/32 and binary content, looking at the raw bytes before any decoding."""
    if data.startswith(_UTF16_32_BOMS) and not data.startswith(_UTF8_BOM):
        raise UndecodableInput(
            "UTF-16/UTF-32 byte order mark at byte offset 0; only UTF-8 is read", input_name=origin
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise BinaryInput(f"binary data: NUL byte at byte offset {nul}", input_name=origin)
    if data:
        controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
        if controls / len(data) > BINARY_CONTROL_SHARE:
            share = 100 * controls / len(data)
            raise BinaryInput(f"binary data: {share:.0f}% of bytes are control characters", input_name=origin)


def _decode_utf8(data: bytes, origin: str, *, base_offset: int | None = None) -> str:
    """Strict UTF-8; ``base_offset`` is where ``data`` starts in its file when it is a slice of it."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if base_offset is None:
            line = data.count(b"\n", 0, exc.start) + 1
            where = f"byte offset {exc.start} (line {line})"
        else:
            where = f"byte offset {base_offset + exc.start} of the file"
        raise UndecodableInput(
            f"invalid UTF-8 at {where}: byte 0x{data[exc.start]:02x}; re-save the file as UTF-8",
            input_name=origin,
        ) from exc
    return text[1:] if text.startswith("\ufeff") else text


# --------------------------------------------------------------------------- shared checks


def _check_article_text(text: str, origin: str) -> None:
    if not text.strip():
        raise EmptyText("empty or whitespace-only text", input_name=origin)
    if len(text) > MAX_ARTICLE_CHARS:
        raise TooLarge(
            f"article text is {len(text):,} characters, over the {MAX_ARTICLE_CHARS:,}-character limit",
            input_name=origin,
        )
    _check_language(text, origin)


@lru_cache(maxsize=1)
def _language_identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _check_language(text: str, origin: str) -> None:
    """Reject text only when it is long enough and confidently not English."""
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    letters = 0
    for char in sample:
        if char.isalpha():
            letters += 1
            if letters >= MIN_LETTERS_FOR_LANGUAGE:
                break
    if letters < MIN_LETTERS_FOR_LANGUAGE:
        return
    language, confidence = _language_identifier().classify(sample)
    if language != "en" and confidence >= MIN_LANGUAGE_CONFIDENCE:
        raise NotEnglish(
            f"text looks like language {language!r} (confidence {confidence:.2f}), "
            "and only English articles are analysed",
            input_name=origin,
        )


def _parse_published(value: Any, origin: str, where: str) -> date | None:
    """ISO 8601 date or datetime (``types.parse_iso_date``); anything else is a BadRecord."""
    if value is not None and not isinstance(value, str):
        raise BadRecord(f"{where}: `published` must be an ISO 8601 string, not {value!r}", input_name=origin)
    try:
        return parse_iso_date(value)
    except ValueError:
        raise BadRecord(
            f"{where}: `published` is not an ISO 8601 date or datetime: {value!r}", input_name=origin
        ) from None


def _meta_layer(obj: dict, origin: str, where: str) -> dict[str, Any]:
    """The metadata fields an object gives (validated); absent, null and empty values are left out."""
    layer: dict[str, Any] = {}
    for key in ("outlet", "url", "title"):
        value = obj.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise BadRecord(f"{where}: `{key}` must be a string, not {value!r}", input_name=origin)
        layer[key] = value
    published = _parse_published(obj.get("published"), origin, where)
    if published is not None:
        layer["published"] = published
    return layer


def _defaults_layer(defaults: Defaults) -> dict[str, Any]:
    layer = {"outlet": defaults.outlet, "url": defaults.url, "published": defaults.published}
    return {k: v for k, v in layer.items() if v is not None}


def _compose(text: str, *layers: dict[str, Any]) -> Article:
    """Build an Article; earlier layers win, later ones fill what is missing."""
    merged: dict[str, Any] = {}
    for layer in layers:
        for key in META_FIELDS:
            if merged.get(key) is None and layer.get(key) is not None:
                merged[key] = layer[key]
    return Article(text=text, **merged)


def _load_sidecar(path: Path, origin: str) -> dict[str, Any]:
    """Metadata from ``NAME.meta.json`` next to ``NAME.txt``/``NAME.html``, or {} if there is none."""
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return {}
    where = f"sidecar {sidecar.name}"
    try:
        raw = sidecar.read_bytes()
        obj = json.loads(_decode_utf8(raw, origin))
    except UndecodableInput as exc:
        raise BadRecord(f"{where}: {exc.message}", input_name=origin) from exc
    except json.JSONDecodeError as exc:
        raise BadRecord(
            f"{where}: malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", input_name=origin
        ) from exc
    if not isinstance(obj, dict):
        raise BadRecord(f"{where}: expected a JSON object, got {type(obj).__name__}", input_name=origin)
    return _meta_layer(obj, origin, where)


# --------------------------------------------------------------------------- HTML


def _read_html(path: Path, origin: str) -> str:
    """UTF-8 when the bytes are valid UTF-8, else the charset the page declares in a <meta> tag."""
    data = _read_bytes(path, origin, MAX_HTML_BYTES)
    _check_bytes(data, origin)
    try:
        return _decode_utf8(data, origin)
    except UndecodableInput:
        declared = _META_CHARSET.search(data[:4096])
        if declared is None:
            raise
        try:
            codec = codecs.lookup(declared.group(1).decode("ascii")).name
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            raise UndecodableInput(
                f"neither UTF-8 nor the declared charset {declared.group(1).decode('ascii', 'replace')!r} "
                "decodes this page",
                input_name=origin,
            ) from None


def _has_prose(text: str) -> bool:
    """True when some line reads like a sentence (not just menu items or labels)."""
    for line in text.splitlines():
        line = line.strip()
        if line.endswith(_SENTENCE_END) and len(_WORD.findall(line)) >= 5:
            return True
    return False


def _extract_html(
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
    _check_article_text(text, origin)
    page: dict[str, Any] = {"title": doc.title, "outlet": doc.sitename, "url": doc.url}
    page = {k: v for k, v in page.items() if isinstance(v, str) and v.strip()}
    guess: dict[str, Any] = {}
    if doc.hostname and page.get("outlet") == doc.hostname:
        guess["outlet"] = page.pop("outlet")
    if isinstance(doc.date, str):
        # An unreadable page date is not the user's error: leave it to the defaults.
        with contextlib.suppress(BadRecord):
            page["published"] = _parse_published(doc.date, origin, "page metadata")
    return text, page, guess


def article_from_html(html: str, *, origin: str, defaults: Defaults) -> Article:
    """An Article from an HTML page; page metadata wins over ``defaults``. Raises NoArticle etc."""
    text, page, guess = _extract_html(html, origin, url=defaults.url)
    return _compose(text, page, _defaults_layer(defaults), guess)


# --------------------------------------------------------------------------- JSON / JSONL records


def article_from_record(record: dict, *, origin: str, defaults: Defaults) -> Article:
    """An Article from one JSON record with ``text`` or ``html`` (``text`` wins when both are given).

    Record fields win over page metadata (for ``html``), which wins over ``defaults``.
    """
    if not isinstance(record, dict):
        raise BadRecord(f"expected a JSON object, got {type(record).__name__}", input_name=origin)
    fields = _meta_layer(record, origin, "record")
    text, html = record.get("text"), record.get("html")
    if text is not None:
        if not isinstance(text, str):
            raise BadRecord(f"record: `text` must be a string, not {type(text).__name__}", input_name=origin)
        if "\x00" in text or len(_CONTROL_CHARS.findall(text)) > BINARY_CONTROL_SHARE * max(len(text), 1):
            raise BinaryInput(
                "record `text` holds binary data (NUL or control characters)", input_name=origin
            )
        _check_article_text(text, origin)
        return _compose(text, fields, _defaults_layer(defaults))
    if html is not None:
        if not isinstance(html, str):
            raise BadRecord(f"record: `html` must be a string, not {type(html).__name__}", input_name=origin)
        if not html.strip():
            raise EmptyText("record `html` is empty", input_name=origin)
        extracted, page, guess = _extract_html(html, origin, url=fields.get("url") or defaults.url)
        return _compose(extracted, fields, page, _defaults_layer(defaults), guess)
    raise BadRecord("record has neither `text` nor `html`", input_name=origin)


def _record_result(record: Any, origin: str, defaults: Defaults) -> IngestItem | IngestFailure:
    try:
        return IngestItem(origin, article_from_record(record, origin=origin, defaults=defaults))
    except IngestError as exc:
        return IngestFailure(origin, exc)


def _iter_json(path: Path, origin: str, defaults: Defaults) -> Iterator[IngestItem | IngestFailure]:
    """A ``.json`` file: one object (origin ``path``) or an array of objects (``path[i]``)."""
    data = path.read_bytes()
    _check_bytes(data[:BINARY_SNIFF_BYTES], origin)
    text = _decode_utf8(data, origin)
    if not text.strip():
        raise EmptyText("empty JSON file", input_name=origin)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadRecord(
            f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", input_name=origin
        ) from exc
    if isinstance(obj, dict):
        yield _record_result(obj, origin, defaults)
    elif isinstance(obj, list):
        if not obj:
            raise EmptyText("JSON array holds no records", input_name=origin)
        for i, record in enumerate(obj):
            yield _record_result(record, f"{origin}[{i}]", defaults)
    else:
        raise BadRecord(f"expected a JSON object or array, got {type(obj).__name__}", input_name=origin)


def _iter_jsonl(path: Path, origin: str, defaults: Defaults) -> Iterator[IngestItem | IngestFailure]:
    """A ``.jsonl`` file, streamed line by line; each record's origin is ``path:LINE`` (1-based)."""
    with open(path, "rb") as handle:
        _check_bytes(handle.read(BINARY_SNIFF_BYTES), origin)
        handle.seek(0)
        offset = 0
        records = 0
        for lineno, line in enumerate(iter(lambda: handle.readline(MAX_RECORD_BYTES + 1), b""), start=1):
            start = offset
            offset += len(line)
            where = f"{origin}:{lineno}"
            if len(line) > MAX_RECORD_BYTES:
                while line and not line.endswith(b"\n"):  # skip the rest of this over-long line
                    line = handle.readline(1 << 20)
                    offset += len(line)
                records += 1
                yield IngestFailure(
                    where, TooLarge(f"record line is over {MAX_RECORD_BYTES:,} bytes", input_name=where)
                )
                continue
            if lineno == 1 and line.startswith(_UTF8_BOM):
                line, start = line[len(_UTF8_BOM) :], start + len(_UTF8_BOM)
            if not line.strip():
                continue
            records += 1
            try:
                obj = json.loads(_decode_utf8(line, where, base_offset=start))
            except UndecodableInput as exc:
                yield IngestFailure(where, exc)
                continue
            except json.JSONDecodeError as exc:
                reason = f"line {lineno}: malformed JSON: {exc.msg} (column {exc.colno})"
                yield IngestFailure(where, BadRecord(reason, input_name=where))
                continue
            yield _record_result(obj, where, defaults)
    if records == 0:
        raise EmptyText("JSONL file holds no records", input_name=origin)
