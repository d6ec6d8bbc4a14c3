"""What keeps the web app safe to open: token, CSRF, body limits, response headers.

- **Token.** Bound to 127.0.0.1 the app trusts the machine's user; bound to any
  other address it needs a token (``--token`` / ``NEWSWEAVE_TOKEN``), given once as
  ``?token=…`` (it then lives in an HttpOnly cookie) or as ``Authorization: Bearer …``.
- **CSRF.** Every POST carries the page's CSRF token (form field ``csrf_token``
  or header ``X-CSRF-Token``); a cross-site form cannot read it. A POST whose
  ``Origin`` names another host is refused too.
- **Headers.** A Content-Security-Policy allowing only the app's own scripts
  and styles (no inline script, so a ``<script>`` smuggled into article text
  could not run even if escaping failed), no framing, no sniffing, no referrer.
- **Limits.** Request bodies are capped (413), whatever ``Content-Length`` claims.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

__all__ = ["CSP", "SecurityMiddleware", "WebSecurity", "check_bind"]

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
TOKEN_COOKIE = "nw_token"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(slots=True)
class WebSecurity:
    token: str | None = None  # None: no login (local use)
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    max_body: int = 64 * 1024
    max_upload: int = 4 * 1024 * 1024  # the outlet-group CSV
    upload_paths: tuple[str, ...] = ("/groups", "/api/groups")

    def token_ok(self, given: str | None) -> bool:
        return self.token is None or (given is not None and hmac.compare_digest(given.encode(), self.token.encode()))

    def csrf_ok(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.csrf.encode())


def check_bind(host: str, token: str | None) -> None:
    """Refuse to listen beyond this machine without a token (the CLI's guard)."""
    from newsweave.errors import InputError

    if host not in LOCAL_HOSTS and not token:
        raise InputError(f"--host {host} makes the app reachable from other machines: "
                         "give --token (or NEWSWEAVE_TOKEN) so only people with it can use it")
    if token is not None and len(token) < 16:
        raise InputError("--token: use at least 16 characters (e.g. python -c 'import secrets; print(secrets.token_urlsafe())')")


Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class SecurityMiddleware:
    """Pure ASGI middleware: token check, body limit and security headers on every response."""

    def __init__(self, app: Any, security: WebSecurity) -> None:
        self.app = app
        self.security = security

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
        if self.security.token is not None and not self._authorised(headers):
            if self.security.token_ok(query.get("token")):
                await self._login(scope, query, send)
            else:
                await _refuse(scope, send, 401, "this newsweave needs its token: open it with ?token=… "
                                        "(or send Authorization: Bearer …)")
            return
        limit = self.security.max_upload if scope["path"] in self.security.upload_paths else self.security.max_body
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _refuse(scope, send, 413, f"request body too large: at most {limit} bytes")
            return
        state = {"over": False, "started": False}
        try:
            await self.app(scope, _capped(receive, limit, state), _with_headers(send, state))
        except Exception:
            if not state["over"]:
                raise
        if state["over"] and not state["started"]:
            await _refuse(scope, send, 413, f"request body too large: at most {limit} bytes")

    def _authorised(self, headers: dict[str, str]) -> bool:
        bearer = headers.get("authorization", "")
        if bearer.lower().startswith("bearer ") and self.security.token_ok(bearer[7:].strip()):
            return True
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header is simply no login  # noqa: BLE001
            return False
        morsel = cookie.get(TOKEN_COOKIE)
        return morsel is not None and self.security.token_ok(morsel.value)

    async def _login(self, scope: Scope, query: dict[str, str], send: Send) -> None:
        """The token came in the URL: keep it in a cookie and redirect to the same page without it."""
        rest = urlencode({k: v for k, v in query.items() if k != "token"})
        location = scope["path"] + (f"?{rest}" if rest else "")
        cookie = f"{TOKEN_COOKIE}={self.security.token}; HttpOnly; SameSite=Strict; Path=/"
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", location.encode("latin-1")), (b"set-cookie", cookie.encode()),
                                *_HEADERS]})
        await send({"type": "http.response.body", "body": b""})


def _capped(receive: Receive, limit: int, state: dict[str, bool]) -> Receive:
    """Count body bytes as they arrive (a chunked body declares no length); past ``limit`` the
    app is told the client left, its answer is dropped and the middleware answers 413."""
    seen = 0

    async def wrapped() -> dict[str, Any]:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                state["over"] = True
                return {"type": "http.disconnect"}
        return message

    return wrapped


def _with_headers(send: Send, state: dict[str, bool]) -> Send:
    async def wrapped(message: dict[str, Any]) -> None:
        if state["over"]:
            return
        if message["type"] == "http.response.start":
            state["started"] = True
            names = {k.lower() for k, _ in message.get("headers", [])}
            message = {**message, "headers": [*message.get("headers", []),
                                              *(h for h in _HEADERS if h[0] not in names)]}
        await send(message)

    return wrapped


async def _refuse(scope: Scope, send: Send, status: int, text: str) -> None:
    """Answer before the app: JSON under /api (as the app's own errors), plain text elsewhere."""
    if scope["path"].startswith("/api"):
        kind, body = b"application/json", json.dumps({"error": text, "status": status}).encode()
    else:
        kind, body = b"text/plain; charset=utf-8", text.encode()
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", kind), *_HEADERS]})
    await send({"type": "http.response.body", "body": body})
