"""The officials' pages: every page renders, calculations match the pure call, errors
sit beside their fields, and scenarios are private unless made public."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from instruments.calculators import REGISTRY
from instruments.models import ApiKey, Commodity, Scenario
from instruments.web.form_data import inputs_to_form_data
from tests import factories
from tests.factories import make_ndpr_annual

pytestmark = pytest.mark.django_db

SLUGS = sorted(REGISTRY)


@pytest.fixture
def user() -> Any:
    """An official with an account."""
    return get_user_model().objects.create_user("ana", password="pw-ana-123")


@pytest.fixture
def other() -> Any:
    """Another official, who must not see Ana's private scenarios."""
    return get_user_model().objects.create_user("ben", password="pw-ben-123")


@pytest.fixture
def ana(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def make_scenario(slug: str, owner: Any = None, **fields: Any) -> Scenario:
    defaults: dict[str, Any] = {
        "title": f"{slug} scenario",
        "inputs": dict(REGISTRY[slug].example),
        "is_public": owner is None,
        "is_precedent": owner is None,
    }
    return factories.make_scenario(calculator=slug, owner=owner, **(defaults | fields))


@pytest.fixture
def commodity() -> Commodity:
    """A commodity with one annual series of three prices."""
    return make_ndpr_annual()


def post_example(client: Client, slug: str, **changes: Any) -> Any:
    data = inputs_to_form_data(REGISTRY[slug], REGISTRY[slug].example)
    data.update(changes)
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    return client.post(reverse("instruments:calculator", args=[slug]), data)


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b)
    return a == b


# --- home and calculator pages -------------------------------------------------------


def test_home_links_every_calculator_and_the_statement(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    for slug, calculator in REGISTRY.items():
        assert (
            reverse("instruments:calculator", args=[slug]).encode() in response.content
        )
        assert calculator.title.encode() in response.content
    assert b"4 February 2026" in response.content


@pytest.mark.parametrize("slug", SLUGS)
def test_calculator_page_opens_with_the_example_filled_in(
    client: Client, slug: str
) -> None:
    precedent = make_scenario(slug, title="A precedent to load")
    response = client.get(reverse("instruments:calculator", args=[slug]))
    assert response.status_code == 200
    form = response.context["form"]
    for name, value in inputs_to_form_data(
        REGISTRY[slug], REGISTRY[slug].example
    ).items():
        assert form[name].value() == value, name
    assert f'value="{precedent.pk}"'.encode() in response.content
    assert b"A precedent to load" in response.content


def test_unknown_calculator_is_404(client: Client) -> None:
    assert client.get("/calculators/nope/").status_code == 404


@pytest.mark.parametrize("slug", SLUGS)
def test_valid_post_shows_the_numbers_of_the_pure_call(
    client: Client, slug: str
) -> None:
    response = post_example(client, slug)
    assert response.status_code == 200
    assert response.context["form"].errors == {}
    pure = REGISTRY[slug].run(REGISTRY[slug].example)
    headline = response.context["headline"]
    assert headline, "no headline figures"
    for item in headline:
        assert same(item.value, pure.summary[item.key]), item.key
        assert item.display.encode() in response.content
    assert len(response.context["records"]) == min(len(pure.rows), 500)
    assert response.context["figures"], "no chart"
    assert b"=IMPORTDATA(" in response.content
    assert b"format=csv" in response.content
    assert b"format=xlsx" in response.content


def test_background_post_returns_only_the_form_and_results(client: Client) -> None:
    data = inputs_to_form_data(
        REGISTRY["trade-response"], REGISTRY["trade-response"].example
    )
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = client.post(
        reverse("instruments:calculator", args=["trade-response"]),
        data,
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 200
    assert b'id="calculator-main"' in response.content
    assert b"<html" not in response.content
    assert b'id="results"' in response.content


def test_invalid_post_shows_the_error_beside_the_field_and_keeps_values(
    client: Client,
) -> None:
    response = post_example(client, "trade-response", **{"flows-1-imports": "-5"})
    assert response.status_code == 200
    content = response.content.decode()
    assert response.context["calculation"] is None
    assert response.context["form"].errors["flows-1-imports"]
    assert 'id="id_flows-1-imports-error"' in content
    assert 'aria-invalid="true"' in content
    assert 'href="#id_flows-1-imports"' in content  # the summary links to the field
    assert 'value="-5"' in content
    assert 'value="ROW"' in content  # the other inputs are kept


@pytest.mark.parametrize(
    ("slug", "changes", "field", "words"),
    [
        # a levy cap typed as 2,500 % (the form is in %): the bound in %, no decimal hint
        (
            "price-floor",
            {"levy_cap_ad_valorem": "2500"},
            "levy_cap_ad_valorem",
            "Must be at most 300 %; 2500 % given.",
        ),
        (
            "price-floor",
            {"trade_response-tariff_before": "1000"},
            "trade_response-tariff_before",
            "Must be at most 300 %; 1000 % given.",
        ),
        (
            "standards-market",
            {"pass_through": "150"},
            "pass_through",
            "Must be at most 100 %; 150 % given.",
        ),
        ("price-floor", {"quantity_unit": "ton"}, "quantity_unit", "short_ton"),
        (
            "price-floor",
            {"flows-0-origin": "China"},
            "flows-0-origin",
            "Did you mean CHN?",
        ),
        (
            "price-gap-subsidy",
            {"design": "two_sided", "upside_share": "30"},
            "upside_share",
            "no separate upside share",
        ),
    ],
)
def test_an_officials_slip_is_shown_beside_its_field_in_the_forms_terms(
    client: Client, slug: str, changes: dict[str, str], field: str, words: str
) -> None:
    factories.make_partner(iso3="CHN", iso2="CN", name="China")
    factories.make_partner(iso3="AUS", iso2="AU", name="Australia")
    response = post_example(client, slug, **changes)
    assert response.status_code == 200
    assert response.context["calculation"] is None
    messages = [str(m) for m in response.context["form"].errors[field]]
    assert any(words in m for m in messages), messages
    assert not any("did you mean 0." in m for m in messages), messages
    assert f'id="id_{field}-error"' in response.content.decode()


def test_a_missing_required_field_is_reported_beside_it(client: Client) -> None:
    response = post_example(client, "trade-response", import_demand_elasticity="")
    assert "import_demand_elasticity" in response.context["form"].errors


def test_loading_a_precedent_fills_the_form_and_shows_its_result(
    client: Client,
) -> None:
    scenario = make_scenario(
        "trade-response",
        inputs={**REGISTRY["trade-response"].example, "import_demand_elasticity": -3},
    )
    url = reverse("instruments:calculator", args=["trade-response"])
    response = client.get(f"{url}?scenario={scenario.pk}")
    assert response.status_code == 200
    assert response.context["form"]["import_demand_elasticity"].value() == "-3"
    assert response.context["calculation"] is not None


def test_stored_prices_are_used_when_a_commodity_is_picked(
    client: Client, commodity: Commodity
) -> None:
    response = post_example(client, "price-gap-subsidy", commodity="ndpr-oxide")
    assert response.status_code == 200, response.content
    assert response.context["form"].errors == {}, response.context["form"].errors
    stored = response.context["calculation"].inputs["stored_prices"]
    assert stored["count"] == 3
    assert b"NdPr oxide, annual average" in response.content


# --- scenarios -----------------------------------------------------------------------


def test_saving_requires_login(client: Client) -> None:
    url = reverse("instruments:scenario_save", args=["trade-response"])
    response = client.post(url, {"title": "x", "inputs": "{}"})
    assert response.status_code == 302
    assert reverse("instruments:login") in response["Location"]
    assert not Scenario.objects.exists()


def test_saving_gives_a_permanent_link(ana: Client, user: Any) -> None:
    import json

    url = reverse("instruments:scenario_save", args=["trade-response"])
    response = ana.post(
        url,
        {
            "title": "Members cut tariffs",
            "notes": "Test.",
            "inputs": json.dumps(dict(REGISTRY["trade-response"].example)),
        },
    )
    scenario = Scenario.objects.get(title="Members cut tariffs")
    assert scenario.owner == user
    assert not scenario.is_public
    assert response["Location"] == reverse("instruments:scenario", args=[scenario.pk])
    page = ana.get(response["Location"])
    assert page.status_code == 200
    assert b"Members cut tariffs" in page.content
    assert page.context["headline"]


def test_private_scenario_is_404_for_others(
    client: Client, user: Any, other: Any
) -> None:
    scenario = make_scenario("trade-response", owner=user, is_public=False)
    url = reverse("instruments:scenario", args=[scenario.pk])
    assert client.get(url).status_code == 404
    client.force_login(other)
    assert client.get(url).status_code == 404
    calc_url = reverse("instruments:calculator", args=["trade-response"])
    assert client.get(f"{calc_url}?scenario={scenario.pk}").status_code == 404
    client.force_login(user)
    assert client.get(url).status_code == 200


def test_public_scenario_is_visible_to_anyone(client: Client, user: Any) -> None:
    scenario = make_scenario("trade-response", owner=user, is_public=True)
    assert (
        client.get(reverse("instruments:scenario", args=[scenario.pk])).status_code
        == 200
    )


def test_owner_toggles_visibility_and_others_cannot(
    client: Client, user: Any, other: Any
) -> None:
    scenario = make_scenario("trade-response", owner=user, is_public=False)
    url = reverse("instruments:scenario_visibility", args=[scenario.pk])
    client.force_login(other)
    assert client.post(url, {"is_public": "true"}).status_code == 404
    client.force_login(user)
    assert client.post(url, {"is_public": "true"}).status_code == 302
    scenario.refresh_from_db()
    assert scenario.is_public


def test_changing_visibility_never_redirects_off_site(
    client: Client, user: Any
) -> None:
    """``next`` is followed only when it stays on this site (no open redirect)."""
    scenario = make_scenario("trade-response", owner=user, is_public=False)
    url = reverse("instruments:scenario_visibility", args=[scenario.pk])
    client.force_login(user)
    for evil in ("https://evil.example/", "//evil.example/x", "https:evil.example"):
        response = client.post(url, {"is_public": "true", "next": evil})
        assert response.status_code == 302
        assert response["Location"] == reverse("instruments:scenario_list")
    own = reverse("instruments:scenario", args=[scenario.pk])
    response = client.post(url, {"is_public": "false", "next": own})
    assert response["Location"] == own


def test_my_scenarios_lists_mine_and_needs_login(
    client: Client, user: Any, other: Any
) -> None:
    mine = make_scenario("offtake", owner=user, title="Mine, private", is_public=False)
    make_scenario("offtake", owner=other, title="Ben's private", is_public=False)
    url = reverse("instruments:scenario_list")
    assert client.get(url).status_code == 302
    client.force_login(user)
    response = client.get(url)
    assert b"Mine, private" in response.content
    assert b"Ben&#x27;s private" not in response.content
    assert reverse("instruments:scenario", args=[mine.pk]).encode() in response.content


def test_compare_highlights_differing_inputs_and_overlays_one_chart(
    ana: Client, user: Any
) -> None:
    example = dict(REGISTRY["trade-response"].example)
    first = make_scenario("trade-response", owner=user, title="Base", is_public=False)
    second = make_scenario(
        "trade-response",
        owner=user,
        title="More elastic",
        is_public=False,
        inputs={**example, "import_demand_elasticity": -3.0},
    )
    response = ana.get(
        reverse("instruments:scenario_compare") + f"?ids={first.pk}&ids={second.pk}"
    )
    assert response.status_code == 200
    differing = [
        row["key"] for row in response.context["input_table"] if row["differs"]
    ]
    assert differing == ["Import demand elasticity"]
    assert response.context["summary_table"]
    figure = response.context["figure"]["figure"]
    assert {trace["name"] for trace in figure["data"]} == {"Base", "More elastic"}


def test_compare_puts_units_beside_values_when_currencies_differ(
    ana: Client, user: Any
) -> None:
    example = dict(REGISTRY["offtake"].example)
    dollars = make_scenario("offtake", owner=user, title="USD", inputs=example)
    euros = make_scenario(
        "offtake", owner=user, title="EUR", inputs={**example, "price_unit": "EUR/t"}
    )
    response = ana.get(
        reverse("instruments:scenario_compare") + f"?ids={dollars.pk}&ids={euros.pk}"
    )
    assert response.status_code == 200
    rows = {row["label"]: row["values"] for row in response.context["summary_table"]}
    saving = next(values for label, values in rows.items() if "saving" in label.lower())
    assert saving[0].endswith(" USD")
    assert saving[1].endswith(" EUR")
    assert not any(label.endswith("(USD)") for label in rows if "saving" in label)


def test_compare_refuses_mixed_calculators_and_hidden_scenarios(
    client: Client, user: Any
) -> None:
    a = make_scenario("trade-response")
    b = make_scenario("offtake")
    url = reverse("instruments:scenario_compare")
    assert client.get(f"{url}?ids={a.pk}&ids={b.pk}").status_code == 400
    hidden = make_scenario("trade-response", owner=user, is_public=False)
    assert client.get(f"{url}?ids={a.pk}&ids={hidden.pk}").status_code == 404


# --- data pages, methodology, API guide, accounts ------------------------------------


def test_commodity_pages_show_series_with_source_and_licence(
    client: Client, commodity: Commodity
) -> None:
    listing = client.get(reverse("instruments:commodity_list"))
    assert listing.status_code == 200
    assert b"NdPr oxide" in listing.content
    detail = client.get(reverse("instruments:commodity", args=["ndpr-oxide"]))
    assert detail.status_code == 200
    for text in (
        b"China domestic, VAT excluded",
        b"CC BY 4.0",
        b"Test source",
        b"USD/kg",
    ):
        assert text in detail.content
    assert b'id="chart-ndpr-annual-data"' in detail.content
    assert client.get("/commodities/nothing/").status_code == 404


def test_methodology_has_every_calculator_and_formula(client: Client) -> None:
    response = client.get(reverse("instruments:methodology"))
    assert response.status_code == 200
    for slug in REGISTRY:
        assert f'id="{slug}"'.encode() in response.content
    assert b"Black-76" in response.content
    assert b"SMART" in response.content


# The convention the app uses for each figure officials will quote, by item.
CONVENTIONS_OF_ISSUE_11 = {
    1: "it takes no separate upside share",
    2: "the average price is 124.17 and nothing is paid on it",
    3: "Typed periods select",
    4: "reported with their standard errors and the number of points",
    5: "is the <strong>long-run median</strong>",
    6: "over all paths, of each path’s worst year",
    7: "a strip of puts over the contract’s settlement dates",
    8: "no cap is reported and the result says so",
    9: "Art. 9 of Regulation (EU) 2023/956",
    10: "The aluminium precedent therefore counts direct emissions (scope 1)",
    11: "A pass-through share θ",
    12: "the result says which year’s values were used",
    13: "The bare word <code>ton</code> is refused",
    14: "the USGS tungsten series is per mtu of WO3",
    15: "by a CIF/FOB factor",
    16: "never a later rate",
    17: "WTO bound rate.",
    18: "a lag of 1 period",
    19: "did you mean 0.25?",
    20: "ISO 3166 alpha-3 code of a stored partner",
}


def test_methodology_states_each_convention_of_the_correctness_sweep(
    client: Client,
) -> None:
    page = client.get(reverse("instruments:methodology")).content.decode()
    missing = {n: s for n, s in CONVENTIONS_OF_ISSUE_11.items() if s not in page}
    assert not missing


def test_api_guide_shows_a_working_formula(client: Client) -> None:
    response = client.get(reverse("instruments:api_guide"))
    assert response.status_code == 200
    page = response.content.decode()
    for recipe in (
        "=IMPORTDATA(",
        "=WEBSERVICE(",
        "Web.Contents(",
        "read_csv(",
        "curl",
    ):
        assert recipe in page
    csv_url = response.context["example_csv"]
    csv = client.get(csv_url.removeprefix("http://testserver"))
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().splitlines()[0].startswith("period,origin,member")


def test_login_page_and_logout(client: Client, user: Any) -> None:
    assert client.get(reverse("instruments:login")).status_code == 200
    response = client.post(
        reverse("instruments:login"), {"username": "ana", "password": "pw-ana-123"}
    )
    assert response.status_code == 302
    assert client.post(reverse("instruments:logout")).status_code == 302
    assert client.get(reverse("instruments:scenario_list")).status_code == 302


def test_tokens_can_be_created_and_revoked(ana: Client, user: Any) -> None:
    url = reverse("instruments:account_tokens")
    assert ana.get(url).status_code == 200
    shown = ana.post(url, {"action": "create"})
    record = ApiKey.objects.get(user=user, revoked__isnull=True)
    assert record.prefix.encode() in shown.content
    assert b'id="token-key"' in shown.content  # the key, shown once
    assert b'id="token-key"' not in ana.get(url).content
    ana.post(url, {"action": "revoke"})
    assert not ApiKey.objects.filter(user=user, revoked__isnull=True).exists()


def test_token_page_needs_login(client: Client) -> None:
    assert client.get(reverse("instruments:account_tokens")).status_code == 302


def test_only_staff_see_the_admin_link(client: Client, user: Any) -> None:
    client.force_login(user)
    assert b'href="/admin/"' not in client.get("/").content
    user.is_staff = True
    user.save()
    assert b'href="/admin/"' in client.get("/").content


def test_logging_in_to_save_brings_the_same_calculation_back(
    client: Client, user: Any
) -> None:
    slug = "price-floor"
    data = dict(REGISTRY[slug].example)
    data["reference_price"] = 123
    url = reverse("instruments:calculator", args=[slug])
    page = client.get(url, {"inputs": json.dumps(data)})
    assert page.status_code == 200
    login_url = page.context["login_to_save_url"]
    response = client.post(
        login_url, {"username": "ana", "password": "pw-ana-123"}, follow=True
    )
    assert response.status_code == 200
    calculation = response.context["calculation"]
    assert calculation is not None
    assert calculation.inputs["reference_price"] == 123
    assert b"Save scenario" in response.content


def test_bad_inputs_in_the_query_are_refused_as_the_api_refuses_them(
    client: Client,
) -> None:
    """Issue 22: the page's address takes what the API takes and refuses the rest
    (it fell back to the example without a word)."""
    url = reverse("instruments:calculator", args=["offtake"])
    response = client.get(url, {"inputs": "{not json"})
    assert response.status_code == 400
    assert b"inputs must be a JSON object" in response.content


def test_estimates_from_a_short_history_are_flagged_on_the_page(client: Client) -> None:
    response = post_example(
        client,
        "price-gap-subsidy",
        **{
            "simulation-drift": "",
            "simulation-volatility": "",
            "simulation-price_history": "60, 95, 70, 110, 80",
            "simulation-history_step_years": "1",
            "simulation-paths": "200",
        },
    )
    assert response.status_code == 200, response.content
    assert response.context["form"].errors == {}, response.context["form"].errors
    summary = response.context["calculation"].result.summary
    assert "only 5 prices" in summary["warnings"]
    assert b'data-summary="warnings"' in response.content
    assert b"only 5 prices" in response.content


def test_the_trade_response_names_its_currency_instead_of_a_placeholder(
    client: Client,
) -> None:
    """No "(money)" beside the import values and no "imports'
    currency" on the chart axes; the typed currency names every money figure."""
    response = post_example(client, "trade-response", currency="EUR thousand")
    assert response.status_code == 200
    html = response.content.decode()
    assert "(money)" not in html
    assert "imports' currency" not in html
    assert '<span class="unit" id="id_flows-0-imports-unit">EUR thousand</span>' in html
    titles = json.dumps(response.context["figures"])
    assert "EUR thousand" in titles
    too_long = post_example(client, "trade-response", currency="x" * 41)
    assert "Name the currency in 1 to 40 characters" in too_long.content.decode()


@pytest.mark.django_db
def test_the_methodology_says_which_rates_are_used(client):
    """The rates are seeded from H.10; the page must not say none are shipped."""
    page = client.get("/methodology/").content.decode()
    assert "H.10" in page
    assert "found none under an open licence" not in page
    assert "never a later rate" in page
