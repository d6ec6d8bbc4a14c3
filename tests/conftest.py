"""Shared fixtures: article factories and database URLs for both backends.

PostgreSQL tests need ``NEWSWEAVE_TEST_PG_URL`` (e.g.
``postgresql://newsweave:newsweave@127.0.0.1/newsweave_test``; ``.ci/run`` sets
it) and are skipped when it is unset. Each test gets its own schema in that
database (via ``search_path``), dropped afterwards, so tests never collide.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone

import pytest

from newsweave.model import Article, ArticleStatus, RemovedLine, Span, article_id_for

PG_ENV = "NEWSWEAVE_TEST_PG_URL"


def _pg_base_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def pg_schema_url(base: str, schema: str) -> str:
    """``base`` with its connections' ``search_path`` set to ``schema``."""
    from sqlalchemy.engine import make_url

    url = make_url(base)
    options = url.query.get("options", "")
    options = (options + " " if options else "") + f"-csearch_path={schema}"
    return url.update_query_dict({"options": options}).render_as_string(hide_password=False)


@pytest.fixture
def pg_schema() -> Iterator[Callable[[], str]]:
    """A factory of fresh PostgreSQL schemas (URLs); all are dropped after the test."""
    base = _pg_base_url()
    if base is None:
        pytest.skip(f"{PG_ENV} is not set (PostgreSQL tests need a server; .ci/run starts one)")
    from sqlalchemy import create_engine, text

    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1)
                          if base.startswith("postgresql://") else base)
    made: list[str] = []

    def new() -> str:
        schema = f"nwt_{uuid.uuid4().hex[:12]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        made.append(schema)
        return pg_schema_url(base, schema)

    try:
        yield new
    finally:
        with admin.begin() as conn:
            for schema in made:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_url(pg_schema: Callable[[], str]) -> str:
    return pg_schema()


@pytest.fixture(params=["sqlite", "postgres"])
def db_factory(request, tmp_path) -> Callable[[], str]:
    """A factory of fresh, empty databases (URL or path) on each backend."""
    if request.param == "sqlite":
        counter = iter(range(1000))
        return lambda: str(tmp_path / f"db{next(counter)}.sqlite")
    return request.getfixturevalue("pg_schema")


@pytest.fixture
def db_url(db_factory: Callable[[], str]) -> str:
    return db_factory()


def make_article(i: int, **overrides) -> Article:
    """A small, fully populated article; ``i`` makes it unique."""
    raw = f"<raw {i}>\n".encode() + bytes([0, 255, 10]) * 2
    text = f"Headline number {i}\n\nFirst paragraph of article {i}.\n\n\u201cA quote,\u201d she said."
    extracted = text.replace("\n\nFirst", "\n\n(Photo: Someone / Agency)\n\nFirst")
    paragraphs, pos = [], 0
    for part in text.split("\n\n"):
        start = text.index(part, pos)
        paragraphs.append(Span(start, start + len(part)))
        pos = start + len(part)
    credit = extracted.index("(Photo")
    values = dict(
        id=article_id_for(raw),
        source=f"outlet{i % 3}.example",
        origin=f"test:{i}",
        input_format="text",
        raw=raw,
        text=text,
        extracted_text=extracted,
        url=f"https://outlet{i % 3}.example/news/{i}",
        title=f"Headline number {i}",
        byline="A. Writer",
        published=datetime(2024, 5, 1, 8, tzinfo=timezone(timedelta(hours=2))) + timedelta(hours=i),
        language="en",
        external_id=f"ext-{i}",
        extractor="test",
        status=ArticleStatus.OK,
        warnings=["a warning"],
        paragraphs=paragraphs,
        removed=[RemovedLine("(Photo: Someone / Agency)", "photo credit '(Name / Agency)'", "photo_credit",
                             credit, credit + len("(Photo: Someone / Agency)"))],
        metadata={"section": "news", "n": i},
    )
    values.update(overrides)
    return Article(**values)


@pytest.fixture
def article_factory() -> Callable[..., Article]:
    return make_article
