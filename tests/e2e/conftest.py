"""Browser tests in Debian's Chromium through Playwright, against pytest-django's
live_server. They fail (not skip) when Chromium is missing, unless SKIP_E2E=1."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
# there unless told the tests know what they are doing.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    e2e = [item for item in items if "e2e" in item.keywords]
    if not e2e:
        return
    if os.environ.get("SKIP_E2E") == "1":
        skip = pytest.mark.skip(reason="SKIP_E2E=1")
        for item in e2e:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any],
) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make browser` "
            "(or set SKIP_E2E=1 to leave the browser tests out on purpose)."
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def official(django_user_model: Any) -> Any:
    """An official who can log in with a password."""
    return django_user_model.objects.create_user("olga", password="olga-pass-123")


@pytest.fixture
def stored_commodity(db: Any) -> Any:
    """A commodity with an annual series, for the data pages."""
    from tests.factories import make_ndpr_annual

    return make_ndpr_annual()


@pytest.fixture
def stored_project(stored_commodity: Any) -> None:
    """An illustrative NdPr plant in the register, priced from the stored NdPr series."""
    from instruments.services.imports.projects import import_projects
    from tests.factories import make_partner

    make_partner(iso3="AUS", name="Australia")
    make_partner(iso3="CHN", name="China")
    report = import_projects(
        data=[
            {
                "slug": "ndpr-aus",
                "name": "NdPr plant (illustrative)",
                "stage": "refinery",
                "country": "AUS",
                "commodity": "ndpr-oxide",
                "capacity": "5000",
                "capex": "300000000",
                "life_years": "15",
                "unit_opex": "40",
                "price_unit": "USD/kg",
                "illustrative": "true",
            }
        ]
    )
    assert report.ok, report.errors
