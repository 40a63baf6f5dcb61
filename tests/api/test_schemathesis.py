"""Property-based run over the OpenAPI schema: no server error, no response that breaks
the schema, for every operation, as a data steward (so writes are exercised too).

Fixed seed and a small, fixed number of examples per operation keep it reproducible
and well under a minute on two cores.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, seed, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from webapp.wsgi import application

MAX_EXAMPLES = 5
SEED = 20260204


def load_schema() -> schemathesis.BaseSchema:
    """The schema /api/schema/ serves, generated in process at collection time.

    Not fetched over WSGI: collection has no database access, and every request opens
    a transaction (ATOMIC_REQUESTS); ``schemathesis.pytest.from_fixture`` does not work
    with pytest 9. Test calls do go through the WSGI application.
    """
    generator = SchemaGenerator()
    document = generator.get_schema(request=None, public=True)
    raw = json.loads(OpenApiJsonRenderer().render(document, renderer_context={}))
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = application
    # Explicit examples and random fuzzing only: the coverage phase adds dozens of
    # boundary cases per operation, too slow for every `make test` on two cores.
    loaded.config.phases.coverage.enabled = False
    return loaded


schema = load_schema()


REQUESTS: list[str] = []


@pytest.fixture(autouse=True)
def _keep_the_test_connection_open():
    """Calls go through the WSGI handler, which closes the database connection at the
    end of each request; on PostgreSQL that would close the test's transaction. Django's
    test client disconnects the same handler."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module", autouse=True)
def _report_requests():
    """Print how many requests were generated (shown with ``-s``)."""
    yield
    print(
        f"\nschemathesis: {len(REQUESTS)} requests over {len(set(REQUESTS))} operations"
    )


@pytest.fixture
def steward_token(steward, stored_prices):
    """A steward's token, with a commodity and series to find."""
    from instruments.services import accounts

    return accounts.issue_key(user=steward).key


@pytest.mark.django_db
@schema.parametrize()
@seed(SEED)
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=False,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_no_schema_breaking_response(case, steward_token):
    REQUESTS.append(f"{case.method} {case.path}")
    case.call_and_validate(
        headers={"Authorization": f"Token {steward_token}"},
        checks=[
            not_a_server_error,
            content_type_conformance,
            response_schema_conformance,
        ],
    )


def test_the_schema_generates_without_a_warning_and_validates(tmp_path):
    """Every view, field and authentication method is documented (no guesses)."""
    from django.core.management import call_command

    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert "queryToken" in text
    assert "/api/v1/calculators/price-floor/" in text


@pytest.mark.django_db
@schema.parametrize()
@seed(SEED)
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=False,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_no_schema_breaking_response_anonymous(case, stored_prices):
    """The same run with no credentials: reads open, writes 401/403 as documented."""
    REQUESTS.append(f"anon {case.method} {case.path}")
    case.call_and_validate(
        checks=[
            not_a_server_error,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
