"""Server-rendered pages (Jinja2, autoescaped): stories, story, article, articles, outlets, ingest."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from corroborate.errors import IngestError, NotFound
from corroborate.ingest.records import Defaults, article_from_record
from corroborate.store.queries import article_exists, list_articles
from corroborate.store.stories import outlet_names
from corroborate.types import Article, to_json
from corroborate.web import charts, services
from corroborate.web.deps import MAX_FORM_FIELDS, MAX_ID, MAX_PAGE_SIZE, context_of
from corroborate.web.security import CSRF_COOKIE, CSRF_FIELD, SESSION_COOKIE, new_csrf_nonce
from corroborate.web.views import Page, article_context, parse_ranges

router = APIRouter(include_in_schema=False)

STORIES_PER_PAGE = 20  # story cards are tall; twenty fill a couple of screens
ARTICLES_PER_PAGE = 50  # article rows are one line each, so a page holds more of them
CLAIMS_PER_PAGE = 25  # an open claim shows its sources and excerpts: a story page shows 25 at a time

PageLimit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
PageOffset = Annotated[int, Query(ge=0, le=MAX_ID)]
ArticleId = Annotated[int, Path(ge=1, le=MAX_ID)]
META_FIELDS = ("title", "outlet", "url", "published")


def render(
    request: Request, template: str, context: dict[str, Any], *, status: int = 200, nav: str | None = None
) -> Response:
    ctx = context_of(request)
    return ctx.templates.TemplateResponse(
        request,
        template,
        {"nav": nav, "writes_enabled": ctx.auth.writes_enabled, **context},
        status_code=status,
    )


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/stories", status_code=303)


# --------------------------------------------------------------------------- stories


@router.get("/stories")
def stories_page(
    request: Request,
    q: str | None = None,
    outlet: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: PageLimit = STORIES_PER_PAGE,
    offset: PageOffset = 0,
) -> Response:
    store = context_of(request).store
    filters = services.story_filters(q, outlet, since, until)
    items, total = services.list_stories(store, filters, limit, offset)
    anything = total > 0 or (bool(filters) and services.list_stories(store, (), 1, 0)[1] > 0)
    return render(
        request,
        "stories.html",
        {
            "stories": items,
            "page": Page(total, limit, offset, "/stories", filters),
            "filters": dict(filters),
            "outlets": outlet_names(store),
            "anything": anything,
        },
        nav="stories",
    )


@router.get("/stories/{story_id}")
def story_page(
    request: Request, story_id: str, limit: PageLimit = CLAIMS_PER_PAGE, offset: PageOffset = 0
) -> Response:
    build = services.story_build(context_of(request), story_id)
    claims = build.json.get("claims", [])
    report = {**build.json, "claims": claims[offset : offset + limit]}
    context = charts.story_context(report, build.texts)
    context["page"] = Page(len(claims), limit, offset, f"/stories/{quote(story_id, safe='')}")
    return render(request, "story.html", context, nav="stories")


# --------------------------------------------------------------------------- claim check


@router.get("/check")
def check_page(
    request: Request,
    claim: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: PageLimit = ARTICLES_PER_PAGE,
) -> Response:
    from corroborate.web.check_view import check_context, form_date

    since_date, until_date = (
        form_date(since, "since"),
        form_date(until, "until"),
    )  # the form sends "" for none
    result = None
    if claim is not None and claim.strip():
        result = to_json(services.check(context_of(request).store, claim, since_date, until_date, limit))
    context = {
        "claim": claim or "",
        "since": since_date.isoformat() if since_date else "",
        "until": until_date.isoformat() if until_date else "",
        **check_context(result),
    }
    return render(request, "check.html", context, nav="check")


# --------------------------------------------------------------------------- articles


@router.get("/articles")
def articles_page(
    request: Request, outlet: str | None = None, limit: PageLimit = ARTICLES_PER_PAGE, offset: PageOffset = 0
) -> Response:
    store = context_of(request).store
    rows, total = list_articles(store, outlet=outlet, limit=limit, offset=offset)
    params = (("outlet", outlet),) if outlet else ()
    return render(
        request,
        "articles.html",
        {"articles": rows, "page": Page(total, limit, offset, "/articles", params), "outlet": outlet},
        nav="articles",
    )


@router.get("/articles/{article_id}")
def article_page(
    request: Request,
    article_id: ArticleId,
    ingested: int | None = None,
    source: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI copies defaults
    mention: Annotated[list[str], Query()] = [],  # noqa: B006
) -> Response:
    store = context_of(request).store
    if not article_exists(store, article_id):
        raise NotFound(f"no article with id {article_id}")
    analysis = store.load(article_id)
    size = len(analysis.article.text)
    highlights = [(s, e, "hl-source") for s, e in parse_ranges(source, size)]
    highlights += [(s, e, "hl-mention") for s, e in parse_ranges(mention, size)]
    context = article_context(article_id, analysis, services.story_of(store, article_id), highlights)
    context["ingested"] = ingested
    return render(request, "article.html", context, nav="articles")


# --------------------------------------------------------------------------- outlets


@router.get("/outlets")
def outlets_page(request: Request) -> Response:
    stats = to_json(services.outlets(context_of(request).store))
    return render(request, "outlets.html", {"outlets": stats}, nav="outlets")


# --------------------------------------------------------------------------- ingest form


def _csrf(request: Request) -> tuple[str, str | None]:
    """The CSRF form token for this browser, and a new cookie value to set (None: keep the cookie)."""
    cookie = request.cookies.get(CSRF_COOKIE)
    fresh = None if cookie else new_csrf_nonce()
    return context_of(request).auth.csrf_for(cookie or fresh or ""), fresh


def _form_page(
    request: Request, *, status: int = 200, error: str | None = None, values: dict[str, str] | None = None
) -> Response:
    ctx = context_of(request)
    token, fresh = _csrf(request)
    if not ctx.auth.writes_enabled:
        state = "disabled"
    elif ctx.auth.valid_session(request.cookies.get(SESSION_COOKIE)):
        state = "form"
    else:
        state = "login"
    response = render(
        request,
        "ingest.html",
        {
            "state": state,
            "csrf_field": CSRF_FIELD,
            "csrf_token": token,
            "error": error,
            "values": values or {},
            "max_upload_mb": round(ctx.max_upload / (1024 * 1024), 1),
        },
        status=status,
        nav="ingest",
    )
    if fresh:
        _set_cookie(request, response, CSRF_COOKIE, fresh)
    return response


def _set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    response.set_cookie(
        name, value, httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/"
    )


async def _checked_form(request: Request) -> FormData:
    ctx = context_of(request)
    form = await request.form(max_files=1, max_fields=MAX_FORM_FIELDS, max_part_size=ctx.max_upload)
    submitted = form.get(CSRF_FIELD)
    ctx.auth.check_csrf(request.cookies.get(CSRF_COOKIE), submitted if isinstance(submitted, str) else None)
    return form


@router.get("/ingest")
def ingest_page(request: Request) -> Response:
    return _form_page(request)


@router.post("/ingest/session")
async def sign_in(request: Request) -> Response:
    ctx = context_of(request)
    form = await _checked_form(request)
    ctx.auth.require_writes()
    given = form.get("token")
    if not isinstance(given, str) or not ctx.auth.check_token(given):
        return _form_page(request, status=403, error="That token is not the server's token. Try again.")
    response = RedirectResponse("/ingest", status_code=303)
    _set_cookie(request, response, SESSION_COOKIE, ctx.auth.new_session())
    return response


@router.post("/ingest/session/end")
async def sign_out(request: Request) -> Response:
    await _checked_form(request)
    response = RedirectResponse("/ingest", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.post("/ingest")
async def ingest_submit(request: Request) -> Response:
    ctx = context_of(request)
    form = await _checked_form(request)
    ctx.auth.require_writes()
    if not ctx.auth.valid_session(request.cookies.get(SESSION_COOKIE)):
        return _form_page(request, status=401, error="Enter the server's token first.")
    values = {k: v for k in (*META_FIELDS, "text") if isinstance(v := form.get(k), str)}
    try:
        article = await _form_article(form, values)
        result = await run_in_threadpool(services.ingest, ctx, article)
    except IngestError as exc:
        return _form_page(request, status=422, error=f"Not ingested: {exc.message}", values=values)
    return RedirectResponse(f"/articles/{result.id}?ingested={int(result.created)}", status_code=303)


async def _form_article(form: FormData, values: dict[str, str]) -> Article:
    fields = {k: values[k].strip() for k in META_FIELDS if values.get(k, "").strip()}
    upload = form.get("file")
    if isinstance(upload, UploadFile) and (upload.filename or upload.size):
        return await services.article_from_upload(upload, fields)
    text = services.universal_newlines(values.get("text", ""))
    if not text.strip():
        raise IngestError("paste the article text or choose a file to upload", input_name="form")
    return article_from_record({"text": text, **fields}, origin="form", defaults=Defaults())
