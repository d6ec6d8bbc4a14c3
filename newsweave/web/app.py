"""The newsweave web app: one FastAPI application over one store.

>>> app = create_app("out/newsweave.db")                  # doctest: +SKIP
>>> # uvicorn.run(app, host="127.0.0.1", port=8000)      (what `newsweave serve` does)

Routes are thin (``web/routes.py`` for pages, ``web/api.py`` for ``/api``):
they call :mod:`newsweave.web.pages`, which calls the store and the workflow.
Errors meant for users (:class:`newsweave.errors.NewsweaveError`) become 404
(unknown id) or 400 (bad input) with their one-line message, as an HTML page
or as ``{"error": …}`` under ``/api``; nothing a request names is ever looked
up on disk: templates and static files are read from the package at start.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import DictLoader, Environment, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsweave.errors import NewsweaveError, NotFound
from newsweave.store import Store
from newsweave.web import view
from newsweave.web.security import SecurityMiddleware, WebSecurity

__all__ = ["SECRET_ENV", "WebContext", "app_from_environment", "create_app"]

SECRET_ENV = "NEWSWEAVE_WEB_SECRET"  # set by `newsweave serve --workers N` for its workers

_STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".svg": "image/svg+xml"}


def _package_files(folder: str, suffixes: tuple[str, ...]) -> dict[str, bytes]:
    root = resources.files("newsweave.web").joinpath(folder)
    return {p.name: p.read_bytes() for p in root.iterdir() if p.name.endswith(suffixes)}


class RenderedCache:
    """A small LRU of rendered pages or sections, keyed by what they were rendered from (thread-safe).

    Bounded by entries and by characters (a 50-article story page is over 1 MB), so it
    never holds more than ``budget`` characters whatever the pages weigh.
    """

    def __init__(self, size: int = 64, budget: int = 64_000_000) -> None:
        self.size = size
        self.budget = budget
        self._items: OrderedDict[Any, str | bytes] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()

    def get(self, key: Any) -> str | bytes | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Any, value: str | bytes) -> None:
        if len(value) > self.budget:
            return
        with self._lock:
            old = self._items.pop(key, None)
            self._held += len(value) - (len(old) if old is not None else 0)
            self._items[key] = value
            while len(self._items) > self.size or self._held > self.budget:
                _key, dropped = self._items.popitem(last=False)
                self._held -= len(dropped)


@dataclass
class WebContext:
    """What every route needs: the store, the security settings, the templates and the static files."""

    store: Store
    security: WebSecurity
    templates: Environment
    static: dict[str, bytes]
    fragments: RenderedCache = field(default_factory=RenderedCache)
    pages: RenderedCache = field(default_factory=lambda: RenderedCache(size=512, budget=32_000_000))
    _choices: tuple[float, int, Any] = (0.0, -1, None)

    def filter_choices(self, changes: int) -> tuple[int, tuple[list[str], list[str], list[str]]]:
        """Outlets, languages and group labels for the list's filters, with the store's change count they were read at.

        Listing them scans the articles (14 ms of CPU on 100,000), more than the rest of a list
        page: they are read again only when the store has changed (``changes``), and at most every
        10 s while writes go on (a new outlet showing up 10 s late is harmless). The count goes
        into the key of the cached list page, so a page drawn with choices read before the last
        write is drawn again once they are re-read.
        """
        from newsweave.store.browse import outlet_group_map, outlets_and_languages

        read_at, version, value = self._choices
        if value is None or (version != changes and time.monotonic() - read_at > 10):
            outlets, languages = outlets_and_languages(self.store)
            value = (outlets, languages, sorted(set(outlet_group_map(self.store).values())))
            self._choices = (time.monotonic(), changes, value)
        return self._choices[1], value

    def forget_choices(self) -> None:
        self._choices = (0.0, -1, None)

    def cached_page(self, request: Request, build: Callable[[], HTMLResponse], variant: Any = None) -> Response:
        """The page ``build`` renders for this GET, rendered again only after the store changed.

        Keyed by the store's change counter (:meth:`Store.changes`, read before rendering, so a
        write during the render leaves the entry under the old number), the path, the query,
        the one per-user value a page shows (the name remembered for corrections) and
        ``variant`` (anything else the page was drawn from). Any write (an ingest batch, a
        correction, a comparison, outlet groups) moves the counter, so a cached page is never
        older than the store; a repeat view costs one small query.
        """
        key = (self.store.changes(), request.url.path, request.url.query, request.cookies.get("nw_who", "")[:100],
               variant)
        body = self.pages.get(key)
        if body is not None:
            return HTMLResponse(body)
        response = build()
        if response.status_code == 200:
            self.pages.put(key, bytes(response.body))
        return response

    def render(self, request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = self.templates.get_template(name).render(
            request=request, csrf=self.security.csrf, who=request.cookies.get("nw_who", "")[:100], **values)
        return HTMLResponse(html, status_code=status)


def _templates() -> Environment:
    sources = {k: v.decode("utf-8") for k, v in _package_files("templates", (".html",)).items()}
    env = Environment(loader=DictLoader(sources), autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["day"] = lambda v: (v or "")[:10] or "–"
    env.filters["when"] = lambda v: (v or "").replace("T", " ")[:16] or "–"
    env.globals.update(coverage=view.coverage, shares=view.shares)
    return env


def create_app(db: str | None = None, *, token: str | None = None, store: Store | None = None) -> FastAPI:
    """The app over the store at ``db`` (or an open ``store``); ``token`` requires a login for every request."""
    from newsweave.web import api, routes

    own_store = store is None
    store = store or Store.open(db)
    security = WebSecurity(token=token or None)
    if os.environ.get(SECRET_ENV):  # worker processes of one `serve` share the CSRF token
        security.csrf = os.environ[SECRET_ENV]
    context = WebContext(store, security, _templates(), _package_files("static", tuple(_STATIC_TYPES)))
    app = FastAPI(title="newsweave", version="1", docs_url=None, redoc_url=None, openapi_url="/openapi.json",
                  description="Every page of the newsweave web app as JSON. POSTs need the X-CSRF-Token header "
                              "(from GET /api/csrf) and, when the app runs with --token, Authorization: Bearer.")
    app.state.web = context
    app.include_router(routes.router)
    app.include_router(api.router)
    _error_handlers(app, context)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        body = context.static.get(name)
        if body is None:  # a fixed set read at start: no request path reaches the filesystem
            raise NotFound(f"no static file {name[:80]!r}")
        kind = _STATIC_TYPES["." + name.rsplit(".", 1)[-1]]
        return Response(body, media_type=kind, headers={"cache-control": "max-age=3600"})

    if own_store:
        app.router.on_shutdown.append(store.close)
    app.add_middleware(SecurityMiddleware, security=context.security)
    return app


def app_from_environment() -> FastAPI:
    """The app for each worker process of ``newsweave serve --workers N`` (uvicorn's factory):
    the store from ``NEWSWEAVE_DB``, the token from ``NEWSWEAVE_TOKEN``, the CSRF token from
    the secret the serve command made for its workers."""
    return create_app(os.environ.get("NEWSWEAVE_DB"), token=os.environ.get("NEWSWEAVE_TOKEN") or None)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or request.url.path == "/openapi.json"


def _error(request: Request, context: WebContext, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": message, "status": status}, status_code=status)
    return context.render(request, "error.html", status=status, status_code=status, message=message)


def _error_handlers(app: FastAPI, context: WebContext) -> None:
    @app.exception_handler(NewsweaveError)
    async def user_error(request: Request, exc: NewsweaveError) -> Response:
        status = getattr(exc, "http_status", 404 if isinstance(exc, NotFound) else 400)
        return _error(request, context, status, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "request refused"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no page at {request.url.path[:200]!r}"
        return _error(request, context, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for err in exc.errors()[:5]:
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "body", "path", "form"))
            parts.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
        return _error(request, context, 422, "; ".join(parts) or "invalid request")
