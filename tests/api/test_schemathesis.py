"""Property-based run over the OpenAPI schema: no server error, no response that breaks
the schema, for every operation, as a data steward (so writes are exercised too).

Fixed seed and a small, fixed number of examples per operation keep it reproducible
and well under a minute on two cores.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, seed, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from webapp.wsgi import application

MAX_EXAMPLES = 6
SEED = 20260204


@pytest.fixture
def api_schema():
    return schemathesis.openapi.from_wsgi("/api/schema/", application)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def steward_token(steward, stored_prices):
    """A steward's token, with a commodity and series to find."""
    from rest_framework.authtoken.models import Token

    return Token.objects.create(user=steward).key


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
    case.call_and_validate(
        headers={"Authorization": f"Token {steward_token}"},
        checks=[
            not_a_server_error,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
