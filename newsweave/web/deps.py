"""Request helpers shared by the page routes and the API: the context, CSRF, filters, the user's name."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from fastapi import Query, Request

from newsweave.errors import InputError
from newsweave.store.browse import StoryFilter
from newsweave.web.app import WebContext

__all__ = ["ctx", "require_csrf", "story_filter", "who_of"]


def ctx(request: Request) -> WebContext:
    return request.app.state.web


async def require_csrf(request: Request) -> None:
    """Refuse a POST without this app's CSRF token (header or form field) or from another origin."""
    security = ctx(request).security
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        if origin.split("://", 1)[-1].rstrip("/") != host:
            raise _Forbidden(f"request from another site ({origin[:100]}) refused")
    given = request.headers.get("x-csrf-token")
    if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        given = value if isinstance(value, str) else None
    if not security.csrf_ok(given):
        raise _Forbidden("missing or stale CSRF token: reload the page and try again")


class _Forbidden(InputError):
    """A POST without a valid CSRF token (403)."""

    http_status = 403


def who_of(value: str | None) -> str | None:
    who = " ".join((value or "").split())[:100]
    return who or None


def _date(value: str | None, name: str) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as e:
        raise InputError(f"{name}: give a date like 2025-03-13, got {value[:40]!r}") from e
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _int(value: str | None, name: str, default: int | None, low: int = 1) -> int | None:
    value = (value or "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < low or int(value) > 1_000_000:
        raise InputError(f"{name}: give a whole number from {low}, got {value[:20]!r}")
    return int(value)


def story_filter(
    since: str | None = Query(None, max_length=40, description="last publication on or after (YYYY-MM-DD)"),
    until: str | None = Query(None, max_length=40, description="first publication before (YYYY-MM-DD)"),
    outlet: str | None = Query(None, max_length=300),
    language: str | None = Query(None, max_length=16),
    min_articles: str | None = Query(None, max_length=8),
    max_articles: str | None = Query(None, max_length=8),
    min_independent: str | None = Query(None, max_length=8),
    has_flags: str | None = Query(None, pattern="^(|yes|no)$", description="yes: compared with flags; no: without"),
    one_group: str | None = Query(None, pattern="^(|1|on|true)$", description="covered by one outlet group only"),
    group: str | None = Query(None, max_length=100, description="covered by this outlet group"),
) -> StoryFilter:
    """The story list's filters from query parameters; empty ones (a blank form field) are no filter."""
    flags: dict[str, Any] = {"yes": True, "no": False}
    return StoryFilter(
        since=_date(since, "since"), until=_date(until, "until"), outlet=outlet or None, language=language or None,
        min_articles=_int(min_articles, "min_articles", 1) or 1, max_articles=_int(max_articles, "max_articles", None),
        min_independent=_int(min_independent, "min_independent", 1) or 1,
        has_flags=flags.get(has_flags or ""), one_group=bool(one_group), group=group or None,
    )
