"""The JSON API under ``/api/v1``: the data of the pages, paginated, plus ``POST /articles``.

Errors are ``{"error": {"code", "message"}}`` with the HTTP status (see ``deps.error_response``).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBearer
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from corroborate.errors import NotFound
from corroborate.ingest.checks import TOO_DEEP
from corroborate.ingest.records import Defaults, article_from_record
from corroborate.store.queries import article_exists, list_articles
from corroborate.types import Article, to_json
from corroborate.web import services
from corroborate.web.deps import API_PREFIX, MAX_FORM_FIELDS, MAX_ID, MAX_PAGE_SIZE, context_of
from corroborate.web.security import WebError
from corroborate.web.views import Page, article_json

router = APIRouter()
_bearer = HTTPBearer(auto_error=False, description="The server's CORROBORATE_TOKEN.")

PAGE_SIZE = 50  # the default ``limit`` of every listing

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"Page size (1-{MAX_PAGE_SIZE}).")]
Offset = Annotated[int, Query(ge=0, le=MAX_ID, description="Items to skip.")]
ArticleId = Annotated[int, Path(ge=1, le=MAX_ID, description="The article's id.")]


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class IngestResponse(BaseModel):
    id: int
    story_id: str | None
    attributions: int


class ArticleIn(BaseModel):
    """The JSON body of ``POST /articles``: ``text`` or ``html``, and optional metadata."""

    text: str | None = None
    html: str | None = None
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody} for status in statuses}


def _listing(items: list[dict], page: Page) -> dict:
    return {"items": items, **to_json(page)}


# --------------------------------------------------------------------------- stories


@router.get("/stories", summary="Stories, newest first", responses=_errors(422))
def get_stories(
    request: Request,
    q: Annotated[str | None, Query(description="Full-text search over titles and texts.")] = None,
    outlet: Annotated[str | None, Query(description="Only stories with an article from this outlet.")] = None,
    since: Annotated[date | None, Query(description="Last published on or after (ISO date).")] = None,
    until: Annotated[date | None, Query(description="First published on or before (ISO date).")] = None,
    limit: Limit = PAGE_SIZE,
    offset: Offset = 0,
) -> dict:
    ctx = context_of(request)
    params = services.story_filters(q, outlet, since, until)
    items, total = services.list_stories(ctx.store, params, limit, offset)
    page = Page(total, limit, offset, f"{API_PREFIX}/stories", params)
    return _listing(to_json(items), page)


CLAIMS_PAGE_SIZE = 50  # the default ``limit`` of a story's claims

ClaimLimit = Annotated[
    int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"Claims per page (1-{MAX_PAGE_SIZE}).")
]
ClaimOffset = Annotated[int, Query(ge=0, description="Claims to skip (they come most reported first).")]


@router.get(
    "/stories/{story_id}",
    summary="One story: a page of its claims, relays, facts, conflicts, timeline",
    description="The claims are paginated like every listing: `limit` and `offset` pick the page, and "
    "`claims_page` gives the `total`, `limit`, `offset` and the `next` page's link (null on the last "
    "page). Everything else in the story comes whole with every page.",
    responses=_errors(404, 422),
)
def get_story(
    request: Request, story_id: str, limit: ClaimLimit = CLAIMS_PAGE_SIZE, offset: ClaimOffset = 0
) -> JSONResponse:
    build = services.story_build(context_of(request), story_id)
    claims = build.json.get("claims", [])
    page = Page(len(claims), limit, offset, f"{API_PREFIX}/stories/{quote(story_id, safe='')}")
    return JSONResponse(
        {**build.json, "claims": claims[offset : offset + limit], "claims_page": to_json(page)}
    )


# --------------------------------------------------------------------------- claim check


@router.get(
    "/check",
    summary="Check a claim against every stored article: stances, evidence, sources, verdict",
    responses=_errors(400, 422),
)
def get_check(
    request: Request,
    claim: Annotated[str, Query(description="The claim to check (at most 1,000 characters).")],
    since: Annotated[
        date | None, Query(description="Only articles published on or after (ISO date).")
    ] = None,
    until: Annotated[
        date | None, Query(description="Only articles published on or before (ISO date).")
    ] = None,
    limit: Limit = PAGE_SIZE,
) -> dict:
    """The JSON of ``corroborate check --format json`` (schema ``corroborate/schemas/check.json``)."""
    return to_json(services.check(context_of(request).store, claim, since, until, limit))


# --------------------------------------------------------------------------- articles


@router.get("/articles", summary="Articles, newest first", responses=_errors(422))
def get_articles(
    request: Request,
    outlet: Annotated[str | None, Query(description="Only articles from this outlet.")] = None,
    limit: Limit = PAGE_SIZE,
    offset: Offset = 0,
) -> dict:
    store = context_of(request).store
    rows, total = list_articles(store, outlet=outlet, limit=limit, offset=offset)
    items = [{**to_json(row), "story_id": services.story_of(store, row.id)} for row in rows]
    params = (("outlet", outlet),) if outlet else ()
    return _listing(items, Page(total, limit, offset, f"{API_PREFIX}/articles", params))


@router.get(
    "/articles/{article_id}",
    summary="One article: text, attributions, damage, with offsets",
    responses=_errors(404, 422),
)
def get_article(request: Request, article_id: ArticleId) -> dict:
    store = context_of(request).store
    if not article_exists(store, article_id):
        raise NotFound(f"no article with id {article_id}")
    return article_json(article_id, store.load(article_id), services.story_of(store, article_id))


_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ArticleIn.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": ".txt (UTF-8), .html/.htm or .json (one record)",
                        },
                        "title": {"type": "string"},
                        "outlet": {"type": "string"},
                        "url": {"type": "string"},
                        "published": {"type": "string", "description": "ISO 8601 date"},
                    },
                }
            },
        },
    }
}


@router.post(
    "/articles",
    summary="Ingest one article (analysed synchronously)",
    status_code=201,
    response_model=IngestResponse,
    openapi_extra=_BODY_DOC,
    responses={
        200: {"model": IngestResponse, "description": "Already stored: the stored article"},
        **_errors(400, 401, 403, 413, 415, 422),
    },
    dependencies=[Depends(_bearer)],
)
async def post_article(request: Request) -> JSONResponse:
    ctx = context_of(request)
    ctx.auth.require_bearer(request.headers.get("authorization"))
    article = await read_article(request, ctx.max_upload)
    result = await run_in_threadpool(services.ingest, ctx, article)
    body = IngestResponse(id=result.id, story_id=result.story_id, attributions=result.attributions)
    return JSONResponse(
        body.model_dump(),
        status_code=201 if result.created else 200,
        headers={"Location": f"{API_PREFIX}/articles/{result.id}"},
    )


async def read_article(request: Request, max_upload: int) -> Article:
    """The article of a JSON body or of a multipart upload (field ``file``); 400/415/422 otherwise."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            record = json.loads(await request.body())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise WebError(400, "bad_json", f"the body is not valid JSON: {exc}") from exc
        except RecursionError:
            raise WebError(400, "bad_json", f"the body cannot be read: {TOO_DEEP}") from None
        return article_from_record(record, origin="request body", defaults=Defaults())
    if kind == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=MAX_FORM_FIELDS, max_part_size=max_upload)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise WebError(422, "missing_file", "a multipart upload carries the article in the field `file`")
        fields = {
            k: v for k in ("title", "outlet", "url", "published") if isinstance(v := form.get(k), str) and v
        }
        return await services.article_from_upload(upload, fields)
    raise WebError(
        415,
        "unsupported_media_type",
        'send application/json ({"text" or "html", "title", "outlet", "url", "published"}) '
        "or multipart/form-data with the field `file`",
    )


# --------------------------------------------------------------------------- outlets


@router.get(
    "/outlets", summary="Outlets: anonymous share, relays made and relayed by", responses=_errors(422)
)
def get_outlets(request: Request, limit: Limit = PAGE_SIZE, offset: Offset = 0) -> dict:
    stats = services.outlets(context_of(request).store)
    page = Page(len(stats), limit, offset, f"{API_PREFIX}/outlets")
    return _listing(to_json(stats[offset : offset + limit]), page)
