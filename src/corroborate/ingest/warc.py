"""WARC archives (`corroborate ingest crawl.warc.gz`): each HTML response record becomes an article.

Only ``response`` records carrying an HTTP 200 with an HTML content type are read; every other
record (``warcinfo``, ``request``, ``metadata``, ``revisit``, non-HTML or non-200 responses, ...)
is skipped and counted, and the counts are reported on stderr when the file is done. A record's
``WARC-Target-URI`` is the article's URL; its ``WARC-Date`` is the publication date of last resort
(the page's own date wins, then ``--published``). Record origins are ``FILE[i]``, ``i`` the
0-based index of the record in the file.

warcio is an optional extra (``pip install 'corroborate[warc]'``), imported only here.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from corroborate.errors import BadRecord, IngestError, TooLarge
from corroborate.ingest.fetch import HTML_TYPES
from corroborate.ingest.pages import MAX_HTML_BYTES, content_type_charset, decode_html
from corroborate.ingest.records import Defaults, IngestFailure, IngestItem, article_from_html
from corroborate.types import parse_iso_date

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'corroborate[warc]'"


class MissingExtra(IngestError):
    """An optional dependency is not installed."""

    code = "E120"


@dataclass
class WarcCounts:
    """What one WARC file held: HTML responses read and other records skipped, by kind."""

    html: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def summary(self, origin: str) -> str:
        total = sum(self.skipped.values())
        line = f"{origin}: read {self.html} HTML response{'' if self.html == 1 else 's'}, "
        line += f"skipped {total} other record{'' if total == 1 else 's'}"
        if total:
            kinds = sorted(self.skipped.items(), key=lambda kv: (-kv[1], kv[0]))
            line += " (" + ", ".join(f"{n} {kind}" for kind, n in kinds) + ")"
        return line


def _stderr(message: str) -> None:
    import click

    click.echo(message, err=True)


def _archive_iterator(origin: str) -> Any:
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError as exc:
        raise MissingExtra(f"reading WARC files needs warcio: {INSTALL_HINT}", input_name=origin) from exc
    return ArchiveIterator


def _renamed(exc: IngestError, where: str, uri: str | None) -> IngestError:
    """The same kind of error naming the record (and its URI)."""
    message = f"{exc.message} ({uri})" if uri else exc.message
    try:
        return type(exc)(message, input_name=where)
    except TypeError:  # a subclass with another constructor
        return IngestError(message, input_name=where)


def _skip_reason(record: Any) -> str | None:
    """Why a record is not an HTML page to read, or None when it is one."""
    if record.rec_type != "response":
        return record.rec_type or "untyped"
    headers = record.http_headers
    if headers is None:
        return "response (not HTTP)"
    status = headers.get_statuscode()
    if status != "200":
        return f"response (HTTP {status})"
    media = (headers.get_header("Content-Type") or "").split(";", 1)[0].strip().lower()
    if media not in HTML_TYPES:
        return f"response ({media or 'no content type'})"
    return None


def _record_item(record: Any, where: str, defaults: Defaults) -> IngestItem | IngestFailure:
    uri = record.rec_headers.get_header("WARC-Target-URI") or None
    try:
        body = record.content_stream().read(MAX_HTML_BYTES + 1)
        if len(body) > MAX_HTML_BYTES:
            raise TooLarge(f"HTML response is over {MAX_HTML_BYTES:,} bytes", input_name=where)
        try:
            crawled = parse_iso_date(record.rec_headers.get_header("WARC-Date"))
        except ValueError:
            crawled = None
        layer = replace(defaults, url=uri or defaults.url, published=defaults.published or crawled)
        charset = content_type_charset(record.http_headers.get_header("Content-Type") or "")
        article = article_from_html(decode_html(body, charset), origin=where, defaults=layer)
        return IngestItem(where, replace(article, url=uri) if uri else article)
    except IngestError as exc:
        return IngestFailure(where, _renamed(exc, where, uri))
    except Exception as exc:  # a damaged record (bad chunking or compression) is that record's problem
        reason = f"cannot read the record: {type(exc).__name__}: {exc}"
        return IngestFailure(where, BadRecord(f"{reason} ({uri})" if uri else reason, input_name=where))


def iter_warc(
    path: str | Path,
    origin: str,
    defaults: Defaults,
    report: Callable[[str], None] | None = _stderr,
) -> Iterator[IngestItem | IngestFailure]:
    """One item or failure per HTML response record of a ``.warc`` or ``.warc.gz`` file.

    When the file is done, ``report`` gets the one-line summary of :class:`WarcCounts`.
    """
    try:
        archive_iterator = _archive_iterator(origin)
    except MissingExtra as exc:
        yield IngestFailure(origin, exc)
        return
    counts = WarcCounts()
    with open(path, "rb") as handle:
        try:
            for index, record in enumerate(archive_iterator(handle)):
                if record.format != "warc":  # warcio reads ARC too, and takes stray text for ARC
                    raise BadRecord(f"{record.format or 'unknown'} record, not WARC", input_name=origin)
                reason = _skip_reason(record)
                if reason is not None:
                    counts.skipped[reason] += 1
                    continue
                counts.html += 1
                yield _record_item(record, f"{origin}[{index}]", defaults)
        except Exception as exc:  # warcio's ArchiveLoadFailed, zlib or EOF errors on a damaged file
            readable = counts.html + sum(counts.skipped.values())  # records read before this one
            where = origin if readable == 0 else f"{origin}[{readable}]"
            what = "not a readable WARC file" if readable == 0 else "cannot read further records"
            log.debug("WARC read failed", exc_info=True)
            detail = exc.message if isinstance(exc, BadRecord) else f"{type(exc).__name__}: {exc}"
            yield IngestFailure(where, BadRecord(f"{what}: {detail}", input_name=where))
            if readable == 0:
                return
    if report is not None:
        report(counts.summary(origin))
