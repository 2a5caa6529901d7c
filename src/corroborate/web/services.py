"""Glue between the web layer and the app use cases (``app.stories``, ``app.ingest``): calls and uploads."""

from __future__ import annotations

import json
from datetime import date
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from starlette.datastructures import UploadFile

from corroborate.app import stories as story_service
from corroborate.app.ingest import ingest_article
from corroborate.errors import BadRecord, UndecodableInput
from corroborate.ingest.checks import TOO_DEEP
from corroborate.ingest.records import Defaults, article_from_record
from corroborate.types import Article

if TYPE_CHECKING:
    from corroborate.store.articles import Store
    from corroborate.web.deps import WebContext

Filters = tuple[tuple[str, str], ...]


def story_filters(q: str | None, outlet: str | None, since: date | None, until: date | None) -> Filters:
    """The non-empty filters, as (name, value) pairs for links and for ``list_stories``."""
    pairs = [
        ("q", (q or "").strip()),
        ("outlet", outlet or ""),
        ("since", since.isoformat() if since else ""),
        ("until", until.isoformat() if until else ""),
    ]
    return tuple((k, v) for k, v in pairs if v)


def list_stories(store: Store, filters: Filters, limit: int, offset: int) -> tuple[list[Any], int]:
    given = dict(filters)
    return story_service.list_stories(
        store,
        q=given.get("q"),
        outlet=given.get("outlet"),
        since=date.fromisoformat(given["since"]) if "since" in given else None,
        until=date.fromisoformat(given["until"]) if "until" in given else None,
        limit=limit,
        offset=offset,
    )


def story_build(ctx: WebContext, story_id: str) -> story_service.StoryBuild:
    """The story's report, its JSON and its articles, built once per change of the story."""
    return ctx.stories.get(ctx.store, story_id)


def story_of(store: Store, article_id: int) -> str | None:
    return story_service.story_of(store, article_id)


def outlets(store: Store) -> list[Any]:
    return list(story_service.outlets(store))


def check(store: Store, claim: str, since: date | None, until: date | None, limit: int) -> Any:
    """The check of one claim (``app.check``); UsageError for an empty or overlong claim."""
    from corroborate.app.check import CheckOptions
    from corroborate.app.check import check as run_check

    return run_check(store, claim, CheckOptions(since=since, until=until, limit=limit))


def ingest(ctx: WebContext, article: Article) -> Any:
    """Analyse and store one article (one at a time: the NLP pipeline is not shared between threads)."""
    with ctx.ingest_lock:
        return ingest_article(ctx.store, article, mode=ctx.mode)


# --------------------------------------------------------------------------- uploads


def universal_newlines(text: str) -> str:
    """CRLF and CR as LF, as ``open(path, encoding="utf-8")`` reads a text file (and as forms send it)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


async def article_from_upload(
    upload: UploadFile, fields: dict[str, str], origin: str | None = None
) -> Article:
    """An article from an uploaded ``.txt`` (UTF-8), ``.html``/``.htm`` or ``.json`` file.

    ``fields`` (title, outlet, url, published from the form) win over what the file itself says.
    """
    name = upload.filename or "upload"
    where = origin or f"upload {PurePath(name).name}"
    data = await upload.read()
    suffix = PurePath(name).suffix.lower()
    kind = (upload.content_type or "").split(";")[0].strip().lower()
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UndecodableInput(
            f"the file is not UTF-8 (byte {exc.start} cannot be decoded)", input_name=where
        ) from exc
    if suffix == ".json" or kind == "application/json":
        try:
            record = json.loads(decoded)
        except json.JSONDecodeError as exc:
            raise BadRecord(f"malformed JSON: {exc.msg} (line {exc.lineno})", input_name=where) from exc
        except RecursionError:
            raise BadRecord(TOO_DEEP, input_name=where) from None
        if not isinstance(record, dict):
            raise BadRecord("a .json upload holds one JSON object (a record)", input_name=where)
        record = {**record, **fields}
    elif suffix in (".html", ".htm") or kind in ("text/html", "application/xhtml+xml"):
        record = {"html": decoded, **fields}
    else:
        record = {"text": universal_newlines(decoded), **fields}
    return article_from_record(record, origin=where, defaults=Defaults())
