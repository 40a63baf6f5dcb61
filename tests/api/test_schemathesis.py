"""Property-based run over the OpenAPI schema with every schemathesis check, for every
operation, as an anonymous visitor and as a data steward (so writes are exercised too).

Every check schemathesis has runs (``call_and_validate()`` with no ``checks=``): no
server error, the documented status codes, content types, bodies and headers, invalid
data refused, valid data accepted, credentials enforced. A failure of any is a failure.

Valid data may still be refused (400) where a rule is beyond what OpenAPI can state:
those operations, and only they, are listed in ``RULES_BEYOND_THE_SCHEMA`` with the
rule; for them schemathesis also accepts a 400 for schema-valid data.

Fixed seed, derandomized, a small fixed number of examples per operation: reproducible
and well under a minute and a half on two cores for both roles. ``-s`` prints the
totals of each role.
"""

from __future__ import annotations

import collections
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, seed, settings
from schemathesis.config import SchemathesisConfig

from webapp.wsgi import application

MAX_EXAMPLES = 5
SEED = 20260204
ROLES = ("anonymous", "steward")

ACCEPTED_FOR_VALID_DATA = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
"""schemathesis's default for positive_data_acceptance (5xx is not_a_server_error's)."""

WRITES = "POST|PUT|PATCH"
RULES_BEYOND_THE_SCHEMA: list[tuple[str, str, str]] = [
    # (methods, path regex, the rule a schema-valid request can break: a 400);
    # together they match the operation's label, "POST /api/v1/token/"
    (
        "GET|POST",
        r"^/api/v1/calculators/[a-z-]+/$",
        "Cross-field rules of the calculators: a per-period value has one number "
        "or one per period; price_unit and quantity_unit must price each other; the "
        "inputs a method or basis needs (reference_price for a fixed floor, an "
        "import price or a market price per flow...); stored data that must exist "
        "(commodity, series, member_group, the trade year's flows).",
    ),
    (
        "POST",
        r"^/api/v1/jobs/$",
        "The inputs must be a valid request of the named calculator (its rules).",
    ),
    (
        WRITES,
        r"^/api/v1/scenarios/",
        "The inputs must be a valid request of the named calculator (its rules).",
    ),
    (
        "POST",
        r"^/api/v1/token/$",
        "A username and password that do not sign in are a 400 (DRF's token "
        "convention); schemathesis cannot know an account.",
    ),
    (
        "GET",
        r"^/api/v1/trade-flows/$",
        "commodity, exporter_group, importer_group and partner_group name stored "
        "data; an unknown one is a 400 naming it, not an empty list.",
    ),
    (
        WRITES,
        r"^/api/v1/(commodities|series|observations|producers|trade-flows"
        r"|partner-groups|projects)/",
        "Codes of other stored rows (a series' commodity, an observation's series, a "
        "flow's exporter and importer, a group's members...) must exist; and rules "
        "between fields: a content factor needs an input commodity, a unit cost its "
        "cost unit, a flow's exporter is not its importer, one default series per "
        "commodity; a project's capex by year has one amount per construction year, "
        "its ramp-up is no longer than its life, its debt has a tenor.",
    ),
]


def load_config() -> SchemathesisConfig:
    """Every check on; the coverage phase off (dozens of boundary cases per operation,
    too slow for every `make test` on two cores); 400 accepted for valid data only
    where ``RULES_BEYOND_THE_SCHEMA`` says why."""
    return SchemathesisConfig.from_dict(
        {
            "phases": {"coverage": {"enabled": False}},
            "operations": [
                {
                    # one filter (a second include would widen it, not narrow it)
                    "include-name-regex": f"^({methods}) {path.removeprefix('^')}",
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": [*ACCEPTED_FOR_VALID_DATA, "400"]
                        }
                    },
                }
                for methods, path, _rule in RULES_BEYOND_THE_SCHEMA
            ],
        }
    )


def load_schema() -> schemathesis.BaseSchema:
    """The schema /api/schema/ serves, generated in process at collection time.

    Not fetched over WSGI: collection has no database access, and every request opens
    a transaction (ATOMIC_REQUESTS); ``schemathesis.pytest.from_fixture`` does not work
    with pytest 9. Test calls do go through the WSGI application.
    """
    generator = SchemaGenerator()
    document = generator.get_schema(request=None, public=True)
    raw = json.loads(OpenApiJsonRenderer().render(document, renderer_context={}))
    loaded = schemathesis.openapi.from_dict(raw, config=load_config())
    loaded.app = counting(application)
    return loaded


REQUESTS: collections.Counter[str] = collections.Counter()
OPERATIONS: dict[str, set[str]] = collections.defaultdict(set)
FAILED: dict[str, set[str]] = collections.defaultdict(set)
ROLE = {"now": ""}


def counting(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """The WSGI application, counting every request the checks send (some send more
    than one: without credentials, with other methods)."""

    def counted(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        REQUESTS[ROLE["now"]] += 1
        return app(environ, start_response)

    return counted


schema = load_schema()


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
def _report_totals():
    """Print each role's totals (shown with ``-s``)."""
    yield
    for role in ROLES:
        if OPERATIONS[role]:
            print(
                f"\nschemathesis {role}: {len(OPERATIONS[role])} operations, "
                f"{REQUESTS[role]} requests, {len(FAILED[role])} failing operations"
                + (f" ({', '.join(sorted(FAILED[role]))})" if FAILED[role] else "")
            )


@pytest.fixture(params=ROLES)
def role_headers(request, stored_prices) -> dict[str, str]:
    """The headers of each role, with a commodity and series to find."""
    ROLE["now"] = request.param
    if request.param == "anonymous":
        return {}
    from instruments.services import accounts

    steward = request.getfixturevalue("steward")
    return {"Authorization": f"Token {accounts.issue_key(user=steward).key}"}


@pytest.mark.django_db
@schema.parametrize()
@seed(SEED)
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_check_passes(case, role_headers):
    role = ROLE["now"]
    OPERATIONS[role].add(f"{case.method} {case.path}")
    try:
        case.call_and_validate(headers=role_headers or None)
    except BaseException:
        FAILED[role].add(f"{case.method} {case.path}")
        raise


def test_the_schema_generates_without_a_warning_and_validates(tmp_path):
    """Every view, field and authentication method is documented (no guesses)."""
    from django.core.management import call_command

    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert "queryToken" in text
    assert "/api/v1/calculators/price-floor/" in text


def test_valid_data_may_be_refused_only_where_a_rule_is_named():
    """Each rule names operations that exist, and the rest keep the default."""
    refused = set()
    for result in schema.get_all_operations():
        operation = result.ok()
        checks = schema.config.checks_config_for(operation=operation)
        if "400" in checks.positive_data_acceptance.expected_statuses:
            refused.add(f"{operation.method.upper()} {operation.path}")
    for methods, path, _rule in RULES_BEYOND_THE_SCHEMA:
        pattern = f"^({methods}) {path.removeprefix('^')}"
        assert any(re.search(pattern, label) for label in refused), pattern
    print(f"\nvalid data may get a 400 on {len(refused)} operations")
    assert "GET /api/v1/partners/" not in refused
    assert "POST /api/v1/partners/" not in refused
