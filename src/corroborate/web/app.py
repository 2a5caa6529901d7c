"""The web application: ``create_app`` wires the store, the token, the templates, the middleware, one
error handler for JSON and HTML, the JSON API (``/api/v1``) and the pages."""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from corroborate._version import __version__
from corroborate.analysis.modes import DEFAULT_MODE, mode_named
from corroborate.errors import CorroborateError, IngestError, NotFound, UsageError
from corroborate.store.articles import open_store
from corroborate.web.api import router as api_router
from corroborate.web.deps import API_PREFIX, HERE, WebContext, error_response, make_templates
from corroborate.web.pages import router as pages_router
from corroborate.web.security import (
    DEFAULT_MAX_UPLOAD,
    MAX_UPLOAD_ENV,
    TOKEN_ENV,
    Auth,
    BodyLimit,
    SecurityHeaders,
    WebError,
)

log = logging.getLogger("corroborate.web")

MAX_REPORTED_ERRORS = 5  # validation problems named in a 422 message; the first few say what to fix


class _FromEnv:
    def __repr__(self) -> str:
        return "FROM_ENV"


#: ``create_app(token=FROM_ENV)`` (the default) reads the token from ``$CORROBORATE_TOKEN``.
FROM_ENV = _FromEnv()


def create_app(
    db: str | None = None,
    *,
    token: str | None | _FromEnv = FROM_ENV,
    mode: str = DEFAULT_MODE,
    max_upload: int | None = None,
) -> FastAPI:
    """The Corroborate web app over the database ``db`` (URL or path; default as for the CLI).

    ``token``: the bearer token that authorises writes (default ``$CORROBORATE_TOKEN``; None or
    empty: writes are refused). ``mode``: the extractor for ingested articles. ``max_upload``: the
    request body cap in bytes (default ``$CORROBORATE_MAX_UPLOAD``, else 2 MB).
    """
    mode_named(mode)  # a UsageError for an unknown mode
    if isinstance(token, _FromEnv):
        token = os.environ.get(TOKEN_ENV) or None
    if max_upload is None:
        max_upload = _env_int(MAX_UPLOAD_ENV, DEFAULT_MAX_UPLOAD)
    store = open_store(db)
    ctx = WebContext(
        store=store,
        auth=Auth(token or None),
        mode=mode,
        max_upload=max_upload,
        templates=make_templates(),
        ingest_lock=threading.Lock(),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(
        title="Corroborate",
        version=__version__,
        description="Who says so, on whose authority: stories, claims, articles and outlets.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.ctx = ctx

    app.include_router(api_router, prefix=API_PREFIX)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _install_error_handlers(app, ctx)

    async def respond(scope: Scope, error: WebError) -> ASGIApp:
        return error_response(ctx, Request(scope), error)

    # Added last = outermost: headers on every response, the cap before any parsing, then the
    # catch-all that turns an unexpected exception into the same JSON/HTML 500.
    app.add_middleware(CatchAll, respond=respond)
    app.add_middleware(BodyLimit, max_bytes=max_upload, respond=respond)
    app.add_middleware(SecurityHeaders)
    return app


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise UsageError(f"${name} must be a whole number of bytes, not {raw!r}", input_name=name) from exc
    if value <= 0:
        raise UsageError(f"${name} must be positive", input_name=name)
    return value


# --------------------------------------------------------------------------- errors


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:MAX_REPORTED_ERRORS]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg", "invalid")))
    return "; ".join(parts) or "invalid request"


def _install_error_handlers(app: FastAPI, ctx: WebContext) -> None:
    def answer(request: Request, error: WebError) -> Response:
        return error_response(ctx, request, error)

    @app.exception_handler(WebError)
    async def _web_error(request: Request, exc: WebError) -> Response:
        return answer(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        if exc.status_code == 404 and exc.detail in (None, "Not Found"):
            message = f"nothing at {request.url.path}"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        else:
            message = str(exc.detail)
        return answer(request, WebError(exc.status_code, code, message, dict(exc.headers or {})))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return answer(request, WebError(422, "invalid_request", _validation_message(exc)))

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        return answer(request, WebError(404, "not_found", exc.message))

    @app.exception_handler(IngestError)
    async def _bad_article(request: Request, exc: IngestError) -> Response:
        return answer(request, WebError(422, _snake(type(exc).__name__), exc.message))

    @app.exception_handler(UsageError)
    async def _usage(request: Request, exc: UsageError) -> Response:
        return answer(request, WebError(400, "bad_request", exc.message))

    @app.exception_handler(CorroborateError)
    async def _ours(request: Request, exc: CorroborateError) -> Response:
        log.error("%s", exc)
        return answer(request, WebError(500, "server_error", "the server could not complete the request"))


class CatchAll:
    """An unexpected exception becomes the same JSON/HTML 500 (and a log line), never a traceback."""

    def __init__(self, app: ASGIApp, *, respond) -> None:
        self.app = app
        self.respond = respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            response = await self.respond(
                scope, WebError(500, "internal_error", "the server hit an unexpected error")
            )
            await response(scope, receive, send)
