"""What the routers share, below them and below ``app``: the request context (``context_of``), the
templates, the limits on listings and forms, and the one error answer (JSON under /api, HTML elsewhere)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from fastapi import Request
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates

from corroborate._version import __version__
from corroborate.app.stories import StoryCache
from corroborate.store.articles import Store
from corroborate.web.security import Auth, WebError
from corroborate.web.views import register_filters

HERE = Path(__file__).resolve().parent
API_PREFIX = "/api/v1"

MAX_PAGE_SIZE = 200  # the largest ``limit`` a listing accepts: one page stays one quick query and render
MAX_FORM_FIELDS = 20  # an upload form has a file, four metadata fields and a token or two; the rest is abuse
MAX_ID = 2**63 - 1  # the largest id or offset a database column holds; above it: 422, not an overflow


@dataclass
class WebContext:
    """What every request handler needs; kept on ``app.state.ctx``."""

    store: Store
    auth: Auth
    mode: str
    max_upload: int
    templates: Jinja2Templates
    ingest_lock: threading.Lock
    stories: StoryCache = field(default_factory=StoryCache)  # story builds, once per change of a story


def context_of(request: Request) -> WebContext:
    return request.app.state.ctx


def make_templates() -> Jinja2Templates:
    """The page templates: autoescaped, undefined names an error, the web filters registered."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    register_filters(env)
    return Jinja2Templates(env=env)


# --------------------------------------------------------------------------- errors


def is_api(request: Request) -> bool:
    return request.url.path == API_PREFIX or request.url.path.startswith(API_PREFIX + "/")


def error_response(ctx: WebContext, request: Request, error: WebError) -> Response:
    """The one error answer: ``{"error": {"code", "message"}}`` under /api, an HTML page elsewhere."""
    if is_api(request):
        return JSONResponse(
            {"error": {"code": error.code, "message": error.message}},
            status_code=error.status,
            headers=error.headers,
        )
    return ctx.templates.TemplateResponse(
        request,
        "error.html",
        {"status": error.status, "code": error.code, "message": error.message, "nav": None},
        status_code=error.status,
        headers=error.headers,
    )
