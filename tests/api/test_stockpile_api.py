"""The stockpile endpoint: JSON, CSV and XLSX with the pure call's numbers, GET with
dotted nested fields, the schema's nested fields, a scenario run above the
synchronous limit as a job, and the official's question on the stored 2024 flows from
a spreadsheet URL."""

from __future__ import annotations

import copy
import csv
import io
import itertools

import openpyxl
import pytest

from instruments.api.querystring import encode_query
from instruments.calculators import REGISTRY

pytestmark = pytest.mark.django_db

URL = "/api/v1/calculators/stockpile/"
CALCULATOR = REGISTRY["stockpile"]

# China halves its rare-earth compound exports to the EU, the US and Japan for six
# months from the 2024 pattern; 60 days of consumption each; sizes compared.
QUESTION = (
    "commodity=ndpr-oxide&year=2024&members=eu-27,USA,JPN"
    "&disruption.origin=CHN&disruption.cut=0.5&disruption.markets=members"
    "&disruption.months=6&months=8"
    "&stockpiles.0.market=EU-27&stockpiles.0.days=60"
    "&stockpiles.0.holding_cost=1000&stockpiles.0.capital_rate=0.04"
    "&stockpiles.1.market=USA&stockpiles.1.days=60"
    "&stockpiles.1.holding_cost=1000&stockpiles.1.capital_rate=0.04"
    "&stockpiles.2.market=JPN&stockpiles.2.days=60"
    "&stockpiles.2.holding_cost=1000&stockpiles.2.capital_rate=0.04"
    "&sizes=0,30,60,90,120,180"
)


def example() -> dict:
    return copy.deepcopy(dict(CALCULATOR.example))


def test_post_json_gives_the_pure_numbers(anon):
    response = anon.post(URL, example(), format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    pure = CALCULATOR.run(example())
    for key in ("peak_price_change_without", "net_benefit", "coordination_gain"):
        assert body["summary"][key] == pytest.approx(pure.summary[key], rel=1e-9)
    assert len(body["rows"]) == len(pure.rows)
    assert {m["market"] for m in body["members"]} == {"EU", "USA", "JPN"}
    assert [s["days"] for s in body["sizes"]] == [0, 30, 60, 90, 120]
    assert body["inputs"]["disruption"]["origin"] == "CHN"


def test_get_with_dotted_fields_csv_and_xlsx(anon):
    query = encode_query(CALCULATOR, example())
    assert "disruption.origin=CHN" in query
    response = anon.get(f"{URL}?{query}&format=csv")
    assert response.status_code == 200
    header = next(csv.reader(io.StringIO(response.content.decode())))
    assert header[: len(CALCULATOR.columns)] == list(CALCULATOR.columns)
    book = anon.get(f"{URL}?{query}&format=xlsx")
    assert book.status_code == 200
    sheets = openpyxl.load_workbook(io.BytesIO(book.content)).sheetnames
    assert {"Summary", "Rows"} <= set(sheets)
    assert any(s.lower().startswith("members") for s in sheets)


def test_bad_fields_are_400s_at_their_place(anon):
    data = example()
    data["disruption"]["origin"] = "ZZZ"
    data["stockpiles"][0]["market"] = "NOWHERE"
    response = anon.post(URL, data, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "origin" in body["disruption"]
    assert "market" in body["stockpiles"][0]


def test_the_schema_carries_the_nested_fields(anon):
    schema = anon.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    ref = schema["paths"][URL]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]["$ref"]
    top = components[ref.rsplit("/", 1)[-1]]["properties"]
    assert {
        "months",
        "disruption",
        "stockpiles",
        "coordinated",
        "build_up",
        "scenarios",
        "sizes",
        "members",
        "commodity",
        "year",
    } <= set(top)

    def component(node: dict) -> dict:
        ref = node.get("$ref") or next(
            (
                o["$ref"]
                for o in node.get("oneOf", node.get("allOf", []))
                if "$ref" in o
            ),
            "",
        )
        return components[ref.rsplit("/", 1)[-1]]["properties"]

    stock = components[top["stockpiles"]["items"]["$ref"].rsplit("/", 1)[-1]]
    assert {"market", "stock", "days", "days_net_imports", "trigger"} <= set(
        stock["properties"]
    )
    assert {"origin", "cut", "markets", "start", "months"} <= set(
        component(top["disruption"])
    )
    assert {"annual_probability", "months", "cut", "years", "draws"} <= set(
        component(top["scenarios"])
    )


def test_a_large_scenario_run_is_a_job(anon, settings):
    settings.JOBS_SYNC_MAX_STOCKPILE_PATHS = 2
    data = example()
    data["scenarios"] = {
        "draws": 100,
        "annual_probability": 0.1,
        "months": [6, 6, 6],
        "cut": [0.5, 0.5],
    }
    data["sizes"] = [0, 60]
    response = anon.post(URL, data, format="json")
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["state"] in {"queued", "running", "succeeded"}
    done = anon.get(response["Location"]).json()
    assert done["state"] == "succeeded"
    assert done["progress"] == 100


def test_the_officials_question_from_a_spreadsheet_url(anon, seeded_db):
    response = anon.get(f"{URL}?{QUESTION}&format=csv")
    assert response.status_code == 200, response.content[:2000]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    markets = {r["market"] for r in rows}
    assert {"EU-27", "USA", "JPN", "CHN", "ROW"} <= markets
    body = anon.get(f"{URL}?{QUESTION}").json()
    summary = body["summary"]
    assert summary["peak_price_change_without"] > 0.25
    assert summary["peak_price_change_with"] <= summary["peak_price_change_without"]
    assert summary["building_cost"] > 0
    assert summary["holding_cost"] > 0
    assert "coordination_gain" in summary
    assert "BACI" in summary["data_basis"]
    members = {m["market"]: m for m in body["members"]}
    assert set(members) == {"EU-27", "USA", "JPN"}
    for member in members.values():
        assert member["peak_price_change_without"] > 0
        assert member["days_of_consumption"] == pytest.approx(60)
    sizes = body["sizes"]
    assert [s["days"] for s in sizes] == [0, 30, 60, 90, 120, 180]
    peaks = [s["peak_price_change_with"] for s in sizes]
    assert all(b <= a + 1e-7 for a, b in itertools.pairwise(peaks))


def test_sensitivity_of_the_cut_raises_the_peak_without_stocks(anon):
    data = example()
    data["sizes"] = None
    body = {
        "inputs": data,
        "vary": [{"path": "disruption.cut", "from": 0.2, "to": 0.6, "steps": 3}],
    }
    answer = anon.post(f"{URL}sensitivity/", body, format="json")
    assert answer.status_code == 200, answer.content
    rows = answer.json()["rows"]
    assert [r["value"] for r in rows] == pytest.approx([0.2, 0.4, 0.6])
    peaks = [r["peak_price_change_without"] for r in rows]
    assert peaks == sorted(peaks)
    assert peaks[0] < peaks[-1]


# The same question with the stocks the members' countries declare (the register).
DECLARED = (
    "commodity=ndpr-oxide&year=2024&members=eu-27,USA,JPN"
    "&disruption.origin=CHN&disruption.cut=0.5&disruption.markets=members"
    "&disruption.months=6&months=8&declared_stocks=true"
)


def test_declared_stocks_from_a_get_query(anon, seeded_db):
    body = anon.get(f"{URL}?{DECLARED}").json()
    members = {m["market"]: m for m in body["members"]}
    assert members["JPN"]["days_of_consumption"] == pytest.approx(60)
    assert members["EU-27"]["stock_initial"] == 0
    assert members["USA"]["stock_initial"] == 0
    records = body["inputs"]["declared_stocks"]["records"]
    assert [(r["country"], r["as_of"]) for r in records] == [("JPN", "2023-10-26")]
    assert (
        "No stockpile of ndpr-oxide is declared for USA" in body["summary"]["warnings"]
    )
    rows = anon.get(f"{URL}?{DECLARED}&format=csv").content.decode()
    first = next(csv.DictReader(io.StringIO(rows)))
    assert "Declared stockpile (JPN)" in first["source"]
    assert "International Energy Agency" in first["source"]


def test_declared_stocks_posted_keep_the_typed_costs(anon, seeded_db):
    data = {
        "commodity": "ndpr-oxide",
        "year": 2024,
        "members": ["eu-27", "USA", "JPN"],
        "months": 8,
        "disruption": {"origin": "CHN", "cut": 0.5, "markets": ["members"]},
        "stockpiles": [{"market": "JPN", "stock": 5, "holding_cost": 1000}],
        "declared_stocks": True,
    }
    body = anon.post(URL, data, format="json").json()
    japan = next(m for m in body["members"] if m["market"] == "JPN")
    assert japan["days_of_consumption"] == pytest.approx(60)
    assert japan["holding_cost"] > 0
    data["declared_stocks"] = False  # off: the typed stock
    body = anon.post(URL, data, format="json").json()
    assert [m["stock_initial"] for m in body["members"]] == [5]
    assert "declared_stocks" not in body["inputs"]


def test_declared_stocks_bad_input_is_a_field_error(anon, seeded_db):
    response = anon.get(
        f"{URL}?{encode_query(CALCULATOR, example())}&declared_stocks=true"
    )
    assert response.status_code == 400
    assert "commodity" in response.json()["declared_stocks"][0]
    response = anon.get(f"{URL}?{DECLARED.replace('=true', '=perhaps')}")
    assert response.status_code == 400
    assert "declared_stocks" in response.json()
    price_floor = anon.post(
        "/api/v1/calculators/price-floor/",
        {**REGISTRY["price-floor"].example, "declared_stocks": True},
        format="json",
    )
    assert price_floor.status_code == 400
    assert "Unknown field" in price_floor.json()["declared_stocks"][0]


def read_csv(anon, query: str) -> list[dict[str, str]]:
    response = anon.get(f"{URL}?{query}&format=csv")
    assert response.status_code == 200, response.content[:2000]
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_done_when_question_is_answered_by_the_csv(anon, seeded_db):
    """ "If China halves its rare-earth compound exports to the EU, the US and Japan
    for six months from the 2024 pattern, how high do prices go in each, how much
    short is each, how many days of stock would keep the price rise under 25 %, what
    would that stock cost to build and hold, and what does releasing it together add
    over each releasing alone?" The exact GET query as CSV: the rows, and the same
    query's members, summary and sizes tables."""
    rows = read_csv(anon, QUESTION)
    members = {r["market"]: r for r in read_csv(anon, f"{QUESTION}&table=members")}
    summary = {
        r["name"]: r["value"] for r in read_csv(anon, f"{QUESTION}&table=summary")
    }
    sizes = {float(r["days"]): r for r in read_csv(anon, f"{QUESTION}&table=sizes")}
    assert set(members) == {"EU-27", "USA", "JPN"}
    for code, member in members.items():
        mine = [r for r in rows if r["market"] == code and r["phase"] == "horizon"]
        # How high prices go in each: the members' table and the monthly rows agree.
        peak = max(float(r["price_change_without"]) for r in mine)
        assert float(member["peak_price_change_without"]) == pytest.approx(peak)
        assert peak > 0.05
        # How much short each is, over the six months.
        short = sum(float(r["shortfall_without"]) for r in mine)
        assert float(member["shortfall_without"]) == pytest.approx(short, rel=1e-6)
        assert short > 0
        assert sum(r["disrupted"] == "true" for r in mine) == 6
    # How many days of stock keep the price rise under 25 %.
    days = float(summary["days_to_hold_trigger"])
    assert days in sizes
    assert float(sizes[days]["peak_price_change_with"]) <= 0.25 + 1e-6
    smaller = [d for d in sizes if d < days]
    assert all(float(sizes[d]["peak_price_change_with"]) > 0.25 for d in smaller)
    # What that stock would cost to build and hold.
    building = float(summary["building_cost_to_hold_trigger"])
    holding = float(summary["holding_cost_to_hold_trigger"])
    assert building == pytest.approx(float(sizes[days]["building_cost"]))
    assert holding == pytest.approx(float(sizes[days]["holding_cost"]))
    assert building > 0
    assert holding > 0
    # What releasing it together adds over each releasing alone.
    gain = float(summary["coordination_gain_to_hold_trigger"])
    assert gain == pytest.approx(float(sizes[days]["coordination_gain"]))
    assert gain >= 0
    assert summary["currency"] == "USD"


def test_the_largest_request_is_a_job_at_the_default_limit(settings):
    """The most paths the limits allow (12 sizes, scenarios with a range of cuts:
    89 paths) go to a job at the default synchronous limit; 12 sizes alone (24
    paths, each pooled and alone) still answer at once."""
    from instruments.calculators.limits import MAX_STOCKPILE_SIZES
    from instruments.services import jobs

    assert settings.JOBS_SYNC_MAX_STOCKPILE_PATHS == 24
    data = example()
    data["sizes"] = [15.0 * i for i in range(MAX_STOCKPILE_SIZES)]
    assert jobs.stockpile_paths(slug="stockpile", data=data) == 24
    assert not jobs.needs_job(slug="stockpile", data=data)
    data["scenarios"] = {
        "draws": 100_000,
        "annual_probability": 0.1,
        "months": [3, 12, 60],
        "cut": [0.3, 0.7],
    }
    assert jobs.stockpile_paths(slug="stockpile", data=data) == 89
    assert jobs.needs_job(slug="stockpile", data=data)
    # the same from a spreadsheet URL's values
    query = encode_query(CALCULATOR, data)
    from instruments.api.querystring import decode_query

    pairs = [tuple(p.split("=", 1)) for p in query.split("&")]
    assert jobs.needs_job(slug="stockpile", data=decode_query(CALCULATOR, pairs))
