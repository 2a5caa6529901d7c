"""Security for the web app: the write token, browser sessions, CSRF, headers and the upload cap.

* API writes carry ``Authorization: Bearer <token>``; the token is compared in constant time
  (:func:`hmac.compare_digest`). No header: 401. A wrong token: 403. A server without a token
  refuses every write with 403.
* The ingest form asks for the token once and keeps, in an HttpOnly, SameSite=Strict cookie, a
  session value signed with the token (never the token itself), so changing the token ends every
  session.
* Forms carry a CSRF token: an HMAC, under a per-process secret, of a random value that lives in its
  own HttpOnly, SameSite=Strict cookie (signed double submit).
* Every response gets a Content-Security-Policy (``default-src 'self'``, no inline scripts) and
  friends; request bodies over the cap are answered 413 before the app reads them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOKEN_ENV = "CORROBORATE_TOKEN"
MAX_UPLOAD_ENV = "CORROBORATE_MAX_UPLOAD"
DEFAULT_MAX_UPLOAD = 2 * 1024 * 1024
SESSION_COOKIE = "corroborate_session"
CSRF_COOKIE = "corroborate_csrf"
CSRF_FIELD = "csrf_token"
SECRET_BYTES = 32  # the per-process CSRF key: 256 bits, the size of the HMAC-SHA256 output
NONCE_BYTES = 24  # session and CSRF-cookie nonces: 192 random bits, unguessable and still short in a cookie

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class WebError(Exception):
    """An error answered with ``status``: JSON ``{"error": {"code", "message"}}`` or an HTML page."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


@dataclass
class Auth:
    """The write token (None: writes are refused) and the per-process secret for CSRF tokens."""

    token: str | None
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(SECRET_BYTES), repr=False)

    @property
    def writes_enabled(self) -> bool:
        return bool(self.token)

    def require_writes(self) -> None:
        """Raise WebError 403 ``writes_disabled`` when the server has no token: it refuses every write
        (API and form alike), before any credential is looked at."""
        if not self.writes_enabled:
            raise WebError(
                403,
                "writes_disabled",
                f"this server accepts no writes: it was started without {TOKEN_ENV}",
            )

    # ----------------------------------------------------------------- API: bearer tokens

    def require_bearer(self, authorization: str | None) -> None:
        """Raise WebError 401/403 unless ``authorization`` is ``Bearer <the token>``."""
        self.require_writes()
        scheme, _, given = (authorization or "").partition(" ")
        if not authorization or scheme.lower() != "bearer" or not given.strip():
            raise WebError(
                401,
                "unauthorized",
                "writes need the header `Authorization: Bearer <token>` (the server's CORROBORATE_TOKEN)",
                {"WWW-Authenticate": 'Bearer realm="corroborate"'},
            )
        if not _same(given.strip(), self.token):
            raise WebError(403, "forbidden", "the bearer token is wrong")

    # ----------------------------------------------------------------- pages: sessions

    def check_token(self, given: str) -> bool:
        return bool(self.token) and _same(given.strip(), self.token or "")

    def _sign(self, value: str) -> str:
        return hmac.new((self.token or "").encode("utf-8"), value.encode("utf-8"), hashlib.sha256).hexdigest()

    def new_session(self) -> str:
        nonce = secrets.token_urlsafe(NONCE_BYTES)
        return f"{nonce}.{self._sign('session:' + nonce)}"

    def valid_session(self, cookie: str | None) -> bool:
        if not self.token or not cookie or "." not in cookie:
            return False
        nonce, _, signature = cookie.partition(".")
        return _same(signature, self._sign("session:" + nonce))

    # ----------------------------------------------------------------- pages: CSRF

    def csrf_for(self, nonce: str) -> str:
        """The form token for the CSRF cookie value ``nonce``."""
        return hmac.new(self.secret, nonce.encode("utf-8"), hashlib.sha256).hexdigest()

    def check_csrf(self, cookie: str | None, submitted: str | None) -> None:
        if not cookie or not submitted or not _same(submitted, self.csrf_for(cookie)):
            raise WebError(
                403,
                "csrf_failed",
                "the form's security token is missing or out of date; reload the page and submit it again",
            )


def new_csrf_nonce() -> str:
    return secrets.token_urlsafe(NONCE_BYTES)


# --------------------------------------------------------------------------- ASGI middleware


class SecurityHeaders:
    """Adds the Content-Security-Policy and the other security headers to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OURS]
                message = {**message, "headers": headers + list(SECURITY_HEADERS)}
            await send(message)

        await self.app(scope, receive, send_with_headers)


_OURS = frozenset(name for name, _ in SECURITY_HEADERS)

ErrorResponder = Callable[[Scope, WebError], Awaitable[ASGIApp]]


class BodyLimit:
    """Answers 413 to a request body over ``max_bytes`` (declared or actual) before the app reads it.

    Bodies under the cap are read here in full and replayed to the app, so the app never sees a
    partial body and the cap holds for chunked uploads too.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int, respond: ErrorResponder) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.respond = respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                too_big = False
            if too_big:
                await self._refuse(scope, receive, send)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([], message, receive), send)
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay([b"".join(chunks)], None, receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = _human_size(self.max_bytes)
        error = WebError(413, "payload_too_large", f"the request body is over the upload limit of {limit}")
        response = await self.respond(scope, error)
        await response(scope, receive, send)


def _replay(bodies: list[bytes], final: Message | None, upstream: Receive) -> Receive:
    """A ``receive`` that hands out the buffered body first, then waits on the real one."""
    pending: list[Message] = [{"type": "http.request", "body": b, "more_body": False} for b in bodies]
    if final is not None:
        pending.append(final)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        return await upstream()

    return receive


def _human_size(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MB"
    if size >= 1024 and size % 1024 == 0:
        return f"{size // 1024} KB"
    return f"{size:,} bytes"
