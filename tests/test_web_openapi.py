"""The API against its own OpenAPI description, with schemathesis generating requests from it.

Every operation gets generated parameters and bodies (valid and not); each
answer must be documented (status and body shape) and none may be a server
error. Ids are random, so most reads end in a documented 404; that is the point.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

from tests import web_fixtures  # noqa: E402


@pytest.fixture(scope="module")
def web_app(tmp_path_factory):
    from newsweave.web import create_app

    store = web_fixtures.build(str(tmp_path_factory.mktemp("openapi") / "web.db"))
    yield create_app(store=store)
    store.close()


@pytest.fixture(scope="module")
def web_schema(web_app):
    return schemathesis.openapi.from_asgi("/openapi.json", web_app)


@pytest.fixture(scope="module")
def csrf_token(web_app):
    return web_app.state.web.security.csrf


def test_api_matches_its_openapi_description(web_schema, csrf_token):
    """Run generated cases for every operation (schemathesis' pytest plugin is not used: it does not
    work with the pytest in use; its strategies are driven by hypothesis directly instead)."""
    from hypothesis import given
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    operations = [result.ok() for result in web_schema.get_all_operations()]
    assert len(operations) >= 14
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def run(case):
            case.call_and_validate(headers={"X-CSRF-Token": csrf_token}, checks=checks)

        run()


def test_the_schema_lists_every_api_route(web_app):
    from fastapi.testclient import TestClient

    paths = TestClient(web_app).get("/openapi.json").json()["paths"]
    from newsweave.web import api

    routes = {r.path if r.path.startswith("/api") else "/api" + r.path for r in api.router.routes}
    assert routes == set(paths)
    for path, operations in paths.items():
        for operation in operations.values():
            assert operation.get("summary"), f"{path} has no summary"
            assert "404" in operation["responses"] and "422" in operation["responses"]
