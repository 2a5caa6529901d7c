"""Read article files (text, HTML, JSON, JSONL) and their ``NAME.meta.json`` sidecars.

Each reader takes ``(path, origin, defaults)`` and yields items and failures; an error about the
whole file is raised (``inputs`` turns it into one failure). Origins name where an article came from:

* ``path`` for a ``.txt``/``.html`` file or a ``.json`` file holding one object,
* ``path[i]`` for the i-th record (0-based) of a ``.json`` array,
* ``path:LINE`` for a ``.jsonl`` record (1-based line number).

Stored text is never rewritten: a ``.txt`` file is stored exactly as
``open(path, encoding="utf-8-sig").read()`` returns it, i.e. strict UTF-8 with universal
newlines and a leading byte order mark dropped (the BOM is an encoding mark, not text).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from corroborate.errors import BadRecord, EmptyText, IngestError, TooLarge, UndecodableInput
from corroborate.ingest.checks import (
    MAX_ARTICLE_CHARS,
    TOO_DEEP,
    UTF8_BOM,
    check_article_text,
    check_bytes,
    decode_utf8,
)
from corroborate.ingest.pages import MAX_HTML_BYTES, decode_html, extract_html
from corroborate.ingest.records import (
    Defaults,
    IngestFailure,
    IngestItem,
    article_from_record,
    compose,
    defaults_layer,
    meta_layer,
)

MAX_TEXT_BYTES = 4 * MAX_ARTICLE_CHARS + len(UTF8_BOM)  # a UTF-8 character takes at most 4 bytes
MAX_RECORD_BYTES = 8 * MAX_ARTICLE_CHARS  # one JSONL line; JSON escapes can inflate text
BINARY_SNIFF_BYTES = 8192  # container files are sniffed on their head only
SKIP_CHUNK_BYTES = 1 << 20  # the rest of an over-long JSONL line is skipped 1 MiB at a time

SIDECAR_SUFFIX = ".meta.json"


# --------------------------------------------------------------------------- text and HTML files


def read_text_file(path: str | Path) -> str:
    """Read ``path`` as strict UTF-8 with universal newlines; a leading BOM is dropped.

    Equal to ``open(path, encoding="utf-8-sig").read()`` for every file it accepts.
    Raises UndecodableInput, BinaryInput, EmptyText or TooLarge.
    """
    return _read_text(Path(path), str(path))


def iter_text(path: Path, origin: str, defaults: Defaults) -> Iterator[IngestItem | IngestFailure]:
    """A ``.txt`` file: one article, its sidecar's metadata over ``defaults``."""
    sidecar = _load_sidecar(path, origin)
    text = _read_text(path, origin)
    check_article_text(text, origin)
    yield IngestItem(origin, compose(text, sidecar, defaults_layer(defaults)))


def iter_html(path: Path, origin: str, defaults: Defaults) -> Iterator[IngestItem | IngestFailure]:
    """An ``.html`` file: one article; sidecar, then page metadata, then ``defaults``."""
    sidecar = _load_sidecar(path, origin)
    data = _read_bytes(path, origin, MAX_HTML_BYTES)
    check_bytes(data, origin)
    html = decode_html(data, strict=True, origin=origin)
    text, page, guess = extract_html(html, origin, url=sidecar.get("url") or defaults.url)
    yield IngestItem(origin, compose(text, sidecar, page, defaults_layer(defaults), guess))


def _read_text(path: Path, origin: str) -> str:
    data = _read_bytes(path, origin, MAX_TEXT_BYTES)
    check_bytes(data, origin)
    text = decode_utf8(data, origin)
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


def _load_sidecar(path: Path, origin: str) -> dict[str, Any]:
    """Metadata from ``NAME.meta.json`` next to ``NAME.txt``/``NAME.html``, or {} if there is none."""
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return {}
    where = f"sidecar {sidecar.name}"
    try:
        raw = sidecar.read_bytes()
        obj = json.loads(decode_utf8(raw, origin))
    except UndecodableInput as exc:
        raise BadRecord(f"{where}: {exc.message}", input_name=origin) from exc
    except json.JSONDecodeError as exc:
        raise BadRecord(
            f"{where}: malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", input_name=origin
        ) from exc
    except RecursionError:
        raise BadRecord(f"{where}: {TOO_DEEP}", input_name=origin) from None
    if not isinstance(obj, dict):
        raise BadRecord(f"{where}: expected a JSON object, got {type(obj).__name__}", input_name=origin)
    return meta_layer(obj, origin, where)


# --------------------------------------------------------------------------- JSON / JSONL records


def _record_result(record: Any, origin: str, defaults: Defaults) -> IngestItem | IngestFailure:
    try:
        return IngestItem(origin, article_from_record(record, origin=origin, defaults=defaults))
    except IngestError as exc:
        return IngestFailure(origin, exc)


def iter_json(path: Path, origin: str, defaults: Defaults) -> Iterator[IngestItem | IngestFailure]:
    """A ``.json`` file: one object (origin ``path``) or an array of objects (``path[i]``)."""
    data = path.read_bytes()
    check_bytes(data[:BINARY_SNIFF_BYTES], origin)
    text = decode_utf8(data, origin)
    if not text.strip():
        raise EmptyText("empty JSON file", input_name=origin)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadRecord(
            f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", input_name=origin
        ) from exc
    except RecursionError:
        raise BadRecord(TOO_DEEP, input_name=origin) from None
    if isinstance(obj, dict):
        yield _record_result(obj, origin, defaults)
    elif isinstance(obj, list):
        if not obj:
            raise EmptyText("JSON array holds no records", input_name=origin)
        for i, record in enumerate(obj):
            yield _record_result(record, f"{origin}[{i}]", defaults)
    else:
        raise BadRecord(f"expected a JSON object or array, got {type(obj).__name__}", input_name=origin)


def iter_jsonl(path: Path, origin: str, defaults: Defaults) -> Iterator[IngestItem | IngestFailure]:
    """A ``.jsonl`` file, streamed line by line; each record's origin is ``path:LINE`` (1-based)."""
    with open(path, "rb") as handle:
        check_bytes(handle.read(BINARY_SNIFF_BYTES), origin, one_nul_is_binary=False)  # one bad record
        handle.seek(0)
        offset = 0
        records = 0
        for lineno, line in enumerate(iter(lambda: handle.readline(MAX_RECORD_BYTES + 1), b""), start=1):
            start = offset
            offset += len(line)
            where = f"{origin}:{lineno}"
            if len(line) > MAX_RECORD_BYTES:
                while line and not line.endswith(b"\n"):  # skip the rest of this over-long line
                    line = handle.readline(SKIP_CHUNK_BYTES)
                    offset += len(line)
                records += 1
                yield IngestFailure(
                    where, TooLarge(f"record line is over {MAX_RECORD_BYTES:,} bytes", input_name=where)
                )
                continue
            if lineno == 1 and line.startswith(UTF8_BOM):
                line, start = line[len(UTF8_BOM) :], start + len(UTF8_BOM)
            if not line.strip():
                continue
            records += 1
            try:
                obj = json.loads(decode_utf8(line, where, base_offset=start))
            except UndecodableInput as exc:
                yield IngestFailure(where, exc)
                continue
            except json.JSONDecodeError as exc:
                reason = f"line {lineno}: malformed JSON: {exc.msg} (column {exc.colno})"
                yield IngestFailure(where, BadRecord(reason, input_name=where))
                continue
            except RecursionError:
                yield IngestFailure(where, BadRecord(f"line {lineno}: {TOO_DEEP}", input_name=where))
                continue
            yield _record_result(obj, where, defaults)
    if records == 0:
        raise EmptyText("JSONL file holds no records", input_name=origin)
