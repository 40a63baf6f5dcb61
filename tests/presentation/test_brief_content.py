"""What a brief says, without a database: the policy in one phrase (measure, level,
members), every input that differs from its default with none cut, the data vintage
naming each stored source used, the full table, the heat map's Before and After, and
a brief for any calculator of the registry."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from instruments.calculators import REGISTRY
from instruments.presentation import briefing, policies, slides
from instruments.presentation.briefing_pdf import render_pdf
from instruments.presentation.charts import results as charts
from instruments.presentation.charts.static_image import render_png
from instruments.presentation.presenters import vintage_of

NAMES = {"USA": "United States", "JPN": "Japan", "CHN": "China", "AUS": "Australia"}


def plurilateral_inputs(level: float = 66.0) -> dict[str, Any]:
    inputs = dict(REGISTRY["plurilateral"].example)
    inputs["markets"] = [
        {"code": "EU-27", "member": True},
        {"code": "USA", "member": True},
        {"code": "JPN", "member": True},
        {"code": "ROW", "member": False},
    ]
    inputs["measures"] = [
        {
            "kind": "floor",
            "level": level,
            "markets": ["members"],
            "origins": ["non_members"],
        }
    ]
    inputs["market_baseline"] = {
        "commodity_name": "NdPr oxide (neodymium-praseodymium oxide)",
        "year": 2024,
    }
    return inputs


def test_the_policy_names_the_measure_its_level_and_the_members() -> None:
    phrase = policies.policy_phrase(
        REGISTRY["plurilateral"], plurilateral_inputs(), NAMES
    )
    assert phrase == (
        "a coordinated NdPr oxide floor of 66 USD/kg by EU-27, United States and "
        "Japan on 2024 flows"
    )


@settings(max_examples=25, deadline=None)
@given(st.floats(min_value=1, max_value=10_000, allow_nan=False))
def test_the_question_states_the_floor_level_whatever_it_is(level: float) -> None:
    question = briefing.question_of(
        REGISTRY["plurilateral"], plurilateral_inputs(level), None, NAMES
    )
    assert question.startswith("What would a coordinated NdPr oxide floor of ")
    from instruments.presentation.text import format_figure

    assert f"floor of {format_figure(level)} USD/kg" in question
    assert question.endswith("and who would pay?")


def test_every_calculator_of_the_registry_has_a_policy_phrase() -> None:
    for slug, calculator in REGISTRY.items():
        phrase = policies.policy_phrase(calculator, dict(calculator.example), NAMES)
        assert phrase.startswith(("a ", "an ")), (slug, phrase)
        assert "None" not in phrase


def test_price_floor_phrase_names_the_level_and_the_origins() -> None:
    calculator = REGISTRY["price-floor"]
    phrase = policies.policy_phrase(calculator, dict(calculator.example), NAMES)
    assert phrase == (
        "a border-adjusted floor of 110 USD/kg on imports from China, the levy "
        "capped at 25 %"
    )


def test_every_input_that_differs_from_its_default_is_listed_none_cut() -> None:
    """The old brief stopped at "… and 60 more — see the saved scenario"."""
    calculator = REGISTRY["price-floor"]
    request = dict(calculator.example)
    request["flows"] = [
        {"origin": f"C{i:02d}", "member": False, "import_price": 90, "quantity": i + 1}
        for i in range(45)
    ]
    pairs = briefing.non_default_inputs(calculator, request)
    labels = [label for label, _ in pairs]
    assert sum(1 for label in labels if label.endswith("› Origin")) == 45
    assert ("Import flows 45 › Origin", "C44") in pairs
    assert ("Reference price (floor) (USD/kg)", "110") in pairs  # units kept
    assert not any(label.startswith("…") for label in labels)
    # A setting at its default says nothing to a reader.
    assert not any(label.startswith("Discount rate") for label in labels)


def test_the_vintage_names_stored_flows_even_without_stored_prices() -> None:
    """ "the figures typed in the inputs (no stored prices)" was printed over BACI
    flows."""
    inputs = {
        "stored_flows": {
            "year": 2024,
            "source": "CEPII BACI, HS 1992 build, Gaulier and Zignago (2010)",
            "hs_codes": ["284690"],
        }
    }
    vintage = vintage_of(inputs)
    assert vintage == "Data vintage: trade flows 2024 (CEPII BACI)."
    assert "typed" not in vintage
    assert "no stored" in vintage_of({})


def test_the_vintage_of_a_baseline_names_flows_price_production_elasticities() -> None:
    echo = {
        "year": 2024,
        "trade_source": "CEPII BACI, HS 1992 build",
        "price": {"year": 2024, "citation": "U.S. Geological Survey, 2026, MCS"},
        "production": {"year": 2024, "citation": "U.S. Geological Survey, 2026, MCS"},
        "elasticities": {
            "a": {"source": "Hauk (2012), HS6 284690"},
            "b": {"source": "Hauk (2012), HS6 284690; Broda and Weinstein (2006)"},
        },
    }
    vintage = vintage_of({"market_baseline": echo})
    for part in (
        "trade flows 2024 (CEPII BACI)",
        "price 2024 (U.S. Geological Survey, 2026)",
        "production 2024 (U.S. Geological Survey, 2026)",
        "elasticities (Hauk (2012), HS6 284690; Broda and Weinstein (2006))",
    ):
        assert part in vintage


def test_the_table_has_every_column_with_units() -> None:
    calculator = REGISTRY["price-floor"]
    result = calculator.run(dict(calculator.example))
    table = briefing.full_table(calculator, result, dict(calculator.example))
    assert len(table) == len(result.rows) + 1
    assert len(table[0]) > 7  # the brief used to cut it to 7 columns


def test_the_heat_map_image_says_before_and_after(monkeypatch: Any) -> None:
    """The static image drew no panel titles: the two matrices had no labels."""
    from matplotlib.axes import Axes

    written: list[str] = []
    original = Axes.set_title

    def set_title(self: Any, label: str, *args: Any, **kw: Any) -> Any:
        written.append(label)
        return original(self, label, *args, **kw)

    monkeypatch.setattr(Axes, "set_title", set_title)  # each panel's title
    calculator = REGISTRY["plurilateral"]
    example = dict(calculator.example)
    result = calculator.run(example)
    figures = charts.build_result_figures(calculator, result, example)
    matrix = next(f for f in figures if "Trade by origin" in f["title"])["figure"]
    titled = render_png(matrix)
    assert [title.split()[0] for title in written] == ["Before", "After"]
    bare = {**matrix, "layout": {**matrix["layout"], "annotations": []}}
    assert render_png(bare) != titled


def test_any_registered_calculator_gets_a_pdf_and_slides() -> None:
    """Generic over the registry: no code of a calculator's own is needed."""
    for calculator in REGISTRY.values():
        example = dict(calculator.example)
        result = calculator.run(example)
        doc = briefing.briefing_for_calculation(
            calculator,
            result,
            example,
            title=calculator.title,
            methodology_url="https://example.org/methodology/",
            deployment=briefing.Deployment("RESTRICTED", "Ministry X"),
        )
        assert 1 <= len(doc.key_figures) <= 4
        assert render_pdf(doc).startswith(b"%PDF")
        texts = slides.slide_texts(slides.render_pptx(doc))
        assert "Ministry X" in texts[0]
        assert all("RESTRICTED" in t for t in texts)
