"""Property-based tests of the API against its own /openapi.json (schemathesis): generated
input, valid and not, never gets a 500, and every answer matches the documented schema,
status codes and content types. On SQLite and on PostgreSQL (where NUL bytes and huge
numbers reach a stricter database)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from schemathesis.checks import positive_data_acceptance
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from paperwire.demo import load_demo
from paperwire.store import Database

from ..conftest import _reset_postgres
from .conftest import load, make_client


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
            pg_server_url: str | None) -> Iterator:  # noqa: ANN001
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path_factory.mktemp('api') / 'paperwire.db'}")
        db.upgrade()
    else:
        if pg_server_url is None:
            pytest.skip("PAPERWIRE_TEST_PG_URL not set")
        db = _reset_postgres(pg_server_url)
    load_demo(db)
    load(db)
    client = make_client(db)
    yield client.app
    db.dispose()


# positive_data_acceptance is left out on purpose: the schema's patterns admit strings such
# as 2025-02-30 or 2025-W53, which are well-formed but no date, and get a 422 that says so.
OPERATIONS = ["GET /api/daily_papers", "GET /api/authors/{name}", "GET /api/papers/search",
              "GET /api/papers/{paper_id}",
              "GET /api/papers/{paper_id}/similar", "GET /healthz", "GET /readyz", "GET /feeds/daily.{fmt}",
              "GET /feeds/trending.{fmt}", "GET /feeds/category/{category}.{fmt}",
              "GET /feeds/search.{fmt}"]


@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE,
                                  schemathesis.GenerationMode.NEGATIVE])
def test_api_against_its_schema(api_app, mode) -> None:  # noqa: ANN001
    """Each operation in /openapi.json, with generated input (valid, then invalid)."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", api_app)
    operations = {f"{op.method.upper()} {op.path}": op
                  for op in (result.ok() for result in schema.get_all_operations())}
    assert sorted(operations) == sorted(OPERATIONS)  # nothing undocumented, nothing missed
    for name, operation in operations.items():
        if mode == schemathesis.GenerationMode.NEGATIVE and not list(operation.iter_parameters()):
            continue  # nothing to get wrong
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=50, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def run(case) -> None:  # noqa: ANN001
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        try:
            run()
        except Unsatisfiable:
            # No invalid value exists (a free-text path parameter): nothing to test.
            assert mode == schemathesis.GenerationMode.NEGATIVE, name
        except Exception as exc:
            raise AssertionError(f"{name} ({mode.value}): {exc}") from exc
