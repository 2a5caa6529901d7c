"""``iter_inputs``: every path or URL given to ``ingest``, read by the reader :data:`READERS` names for
its URL scheme or file suffix; directories are walked. Every input yields items or failures; one bad
input never stops the iteration.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from corroborate.errors import IngestError, UnsupportedFormat
from corroborate.ingest.fetch import WebPages
from corroborate.ingest.files import SIDECAR_SUFFIX, iter_html, iter_json, iter_jsonl, iter_text
from corroborate.ingest.records import NO_DEFAULTS, Defaults, IngestFailure, IngestItem
from corroborate.ingest.warc import iter_warc

Result = IngestItem | IngestFailure
# Reads one input: (the input as named, defaults, the shared web client).
Reader = Callable[[str, Defaults, WebPages], Iterator[Result]]
FileReader = Callable[[Path, str, Defaults], Iterator[Result]]


def _web_page(url: str, defaults: Defaults, web: WebPages) -> Iterator[Result]:
    yield web.item(url, defaults)


def _file(read: FileReader) -> Reader:
    """A file reader whose errors about the whole file become one failure."""

    def reader(origin: str, defaults: Defaults, web: WebPages) -> Iterator[Result]:
        try:
            yield from read(Path(origin), origin, defaults)
        except IngestError as exc:
            yield IngestFailure(origin, exc)
        except OSError as exc:
            yield IngestFailure(origin, IngestError(f"cannot read: {exc.strerror or exc}", input_name=origin))

    return reader


# Keys ending in "://" are URL schemes (fetched: ``fetch.WebPages``); the others are file suffixes,
# matched case-insensitively (a suffix with two dots on the whole name).
READERS: dict[str, Reader] = {
    "http://": _web_page,
    "https://": _web_page,
    ".txt": _file(iter_text),
    ".html": _file(iter_html),
    ".htm": _file(iter_html),
    ".json": _file(iter_json),
    ".jsonl": _file(iter_jsonl),
    ".warc": _file(iter_warc),
    ".warc.gz": _file(iter_warc),
}
SUFFIXES = tuple(sorted(key for key in READERS if not key.endswith("://")))
_COMPOUND_SUFFIXES = tuple(key for key in SUFFIXES if key.count(".") > 1)


def _url_reader(value: str) -> Reader | None:
    scheme, sep, _ = value.partition("://")
    return READERS.get(scheme.lower() + sep) if sep else None


def _file_reader(path: Path) -> Reader | None:
    name = path.name.lower()
    if name.endswith(SIDECAR_SUFFIX):
        return None
    suffix = next((key for key in _COMPOUND_SUFFIXES if name.endswith(key)), path.suffix.lower())
    return READERS.get(suffix) if suffix in SUFFIXES else None


def iter_inputs(
    paths: Iterable[str | Path], defaults: Defaults = NO_DEFAULTS, *, allow_hosts: Iterable[str] = ()
) -> Iterator[Result]:
    """Yield one item or failure per article found under ``paths``, in a stable order.

    ``http(s)://`` arguments are fetched (``fetch.WebPages``; ``allow_hosts`` are exceptions to its
    SSRF guard); ``.warc``/``.warc.gz`` files are read by ``warc.iter_warc``."""
    with WebPages(allow_hosts) as web:
        for raw in paths:
            yield from _read_input(str(raw), defaults, web)


def _read_input(origin: str, defaults: Defaults, web: WebPages) -> Iterator[Result]:
    path = Path(origin)
    reader = _url_reader(origin)
    if reader is not None:
        yield from reader(origin, defaults, web)
    elif path.is_dir():
        for found in _walk(path, origin):
            if isinstance(found, IngestFailure):
                yield found
            else:
                yield from _read_file(found, defaults, web)
    elif path.is_file():
        yield from _read_file(origin, defaults, web)
    elif os.path.lexists(path):
        reason = "broken symbolic link" if path.is_symlink() else "not a regular file or directory"
        yield IngestFailure(origin, IngestError(reason, input_name=origin))
    else:
        yield IngestFailure(origin, IngestError("no such file or directory", input_name=origin))


def _read_file(origin: str, defaults: Defaults, web: WebPages) -> Iterator[Result]:
    path = Path(origin)
    reader = _file_reader(path)
    if reader is None:
        yield IngestFailure(origin, UnsupportedFormat(_unsupported_reason(path), input_name=origin))
    else:
        yield from reader(origin, defaults, web)


def _unsupported_reason(path: Path) -> str:
    if path.name.lower().endswith(SIDECAR_SUFFIX):
        return f"sidecar metadata ({SIDECAR_SUFFIX}) is not an article; name the article file next to it"
    known = ", ".join(SUFFIXES)
    return f"unsupported file extension {path.suffix or '(none)'!r}; expected one of {known}"


def article_files(root: str | Path) -> list[str | IngestFailure]:
    """The article files ``iter_inputs`` would read under directory ``root``, in its order
    (recursive, sorted, hidden names and unknown extensions skipped), after one failure per
    unreadable directory. Lets a caller share out a directory's files (``corroborate batch``)."""
    return _walk(Path(root), str(root))


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
            if _file_reader(path) is not None and path.is_file():
                found.append((path.relative_to(root).parts, os.path.join(dirpath, name)))
    found.sort(key=lambda pair: pair[0])
    return [*errors, *(path for _, path in found)]
