"""What pages show, built from a calculator's registry record and a result: headline
figures with labels in the result's own units, comparison tables and inputs in plain
words. Pure: no Django, no ORM; views call these and render.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from instruments.calculators.base import Calculator, FieldSpec, Output, describe
from instruments.calculators.extras import request_extras
from instruments.calculators.numbers import is_number
from instruments.calculators.text import shorten
from instruments.presentation.charts.base import result_units

HEADLINE_MIN = 4
"""The headline shows at least this many figures (declared headlines first)."""

# --- figures as people read them ------------------------------------------------------


def format_figure(value: Any, plain: bool = False) -> str:
    """A number rounded for reading: 18,500,000 · 82.12 · 0.1579; "—" when undefined.

    The engine never rounds; only the page does. ``plain`` leaves out the thousands
    separators (for values an official may copy back into a form).
    """
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value) if plain else f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "—"
        if value == 0:
            return "0"
        if plain:
            return str(int(value)) if value.is_integer() else f"{value:.6g}"
        magnitude = abs(value)
        if magnitude >= 1000 or value.is_integer():
            return f"{value:,.0f}"
        if magnitude >= 1:
            return f"{value:,.2f}"
        return f"{value:.4g}"
    if hasattr(value, "item"):  # numpy scalar
        return format_figure(value.item(), plain)
    return str(value)


def format_headline(value: Any) -> str:
    """Large figures in words for the headline cards: 906.9 million, 1.25 billion."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        magnitude = abs(float(value))
        if magnitude >= 1e9:
            return f"{value / 1e9:,.2f} billion"
        if magnitude >= 1e6:
            return f"{value / 1e6:,.1f} million"
    return format_figure(value)


# --- headline and other summary figures ---------------------------------------------


@dataclass(frozen=True)
class SummaryItem:
    """One summary figure as a page shows it: ``label`` without the unit, ``unit`` the
    result's own (USD, USD/kg, t, %), ``display`` the rounded value."""

    key: str
    name: str
    unit: str
    value: Any
    display: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.unit})" if self.unit else self.name


def unit_text(output: Output, inputs: Mapping[str, Any]) -> str:
    """The unit an output is read in, for this result's inputs."""
    units = result_units(inputs)
    return {
        "money": units["money"],
        "price": units["price"],
        "quantity": units["quantity"],
        "share": "%",
        "years": "years",
    }.get(output.unit, "")


def column_headings(
    outputs: Sequence[Output], columns: Sequence[str], inputs: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """(column, heading) for a table on the page: the declared label with the
    result's unit (``Quantity before (t)``), else the column name in words. Shares
    are fractions in the tables (−0.12 = −12 %), and say so."""
    declared = {o.key: o for o in outputs}
    headings = []
    for column in columns:
        output = declared.get(column)
        if output is None:
            headings.append((column, column.replace("_", " ").strip().capitalize()))
            continue
        unit = "fraction" if output.unit == "share" else unit_text(output, inputs)
        headings.append((column, f"{output.label} ({unit})" if unit else output.label))
    return headings


def summary_items(
    calculator: Calculator, summary: Mapping[str, Any], inputs: Mapping[str, Any]
) -> tuple[list[SummaryItem], list[SummaryItem]]:
    """(headline, more): the summary figures, the declared headline ones first."""
    items = []
    for key, value in summary.items():
        output = calculator.output(key) or Output(
            key, key.replace("_", " ").capitalize()
        )
        name = output.label
        if isinstance(summary.get(f"{key}_period"), str):  # e.g. the bad year's year
            name = f"{name}, {summary[f'{key}_period']}"
        display = format_headline(value)
        if output.unit == "share" and is_number(value):
            display = format_figure(value * 100) if math.isfinite(value) else "—"
            display = display if display == "—" else f"{display} %"
        unit = "" if output.unit == "share" else unit_text(output, inputs)
        items.append(SummaryItem(key, name, unit, value, display))
    order = list(calculator.headline_keys)
    headline = sorted(
        (i for i in items if i.key in order and i.display != "—"),
        key=lambda i: order.index(i.key),
    )
    if len(headline) < HEADLINE_MIN:
        headline += [
            i
            for i in items
            if i not in headline and is_number(i.value) and i.display != "—"
        ][: HEADLINE_MIN - len(headline)]
    return headline, [i for i in items if i not in headline]


# --- comparing scenarios ------------------------------------------------------------


@dataclass(frozen=True)
class ComparedRun:
    """One column of a comparison: a title, and its summary and inputs (None when the
    scenario no longer runs)."""

    title: str
    summary: Mapping[str, Any] | None
    inputs: Mapping[str, Any] | None


def comparison_summary_table(
    calculator: Calculator, runs: Sequence[ComparedRun]
) -> list[dict[str, Any]]:
    """Summary figures side by side, headline rows first. Where the scenarios are in
    different units the unit moves from the label to each value, so that no figure
    is read in another scenario's currency."""
    rows: dict[str, dict[str, Any]] = {}
    for column, run in enumerate(runs):
        if run.summary is None or run.inputs is None:
            continue
        headline, more = summary_items(calculator, run.summary, run.inputs)
        for item in headline + more:
            row = rows.setdefault(
                item.key,
                {
                    "key": item.key,
                    "name": item.name,
                    "units": [None] * len(runs),
                    "displays": ["—"] * len(runs),
                    "head": False,
                },
            )
            row["units"][column] = item.unit
            row["displays"][column] = item.display
            row["head"] = row["head"] or item in headline
    table = []
    for row in rows.values():
        units = {u for u in row["units"] if u is not None}
        if len(units) > 1:
            label = row["name"]
            values = [
                f"{d} {u}" if u and d != "—" else d
                for d, u in zip(row["displays"], row["units"], strict=True)
            ]
        else:
            unit = next(iter(units), "")
            label = f"{row['name']} ({unit})" if unit else row["name"]
            values = row["displays"]
        table.append(
            {"key": row["key"], "label": label, "values": values, "head": row["head"]}
        )
    return sorted(table, key=lambda row: not row["head"])


def comparison_input_table(
    calculator: Calculator, inputs: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Inputs side by side in plain words, the rows that differ marked."""
    flats = [dict(plain_inputs(calculator, one)) for one in inputs]
    keys = list(dict.fromkeys(k for flat in flats for k in flat))
    return [
        {
            "key": key,
            "values": [flat.get(key, "—") for flat in flats],
            "differs": len({flat.get(key, "—") for flat in flats}) > 1,
        }
        for key in keys
    ]


# --- inputs in plain words ------------------------------------------------------------


def plain_inputs(
    calculator: Calculator, inputs: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """The inputs given, as (label in officials' words, value) pairs: "Flows 2 ›
    Import price (USD/kg)" rather than ``flows.1.import_price``. Fields the
    declaration does not know keep their own name."""
    units = result_units(inputs)
    specs = (*describe(calculator.inputs), *request_extras(calculator))
    return _plain(specs, inputs, (), units)


def _plain(
    specs: Sequence[FieldSpec],
    data: Any,
    trail: tuple[str, ...],
    units: Mapping[str, str],
) -> list[tuple[str, str]]:
    if not isinstance(data, Mapping):
        return []
    by_name = {fs.name: fs for fs in specs}
    pairs: list[tuple[str, str]] = []
    for name, value in data.items():
        fs = by_name.get(name)
        label = fs.label if fs is not None else name.replace("_", " ").capitalize()
        if fs is not None and fs.kind == "group" and isinstance(value, Mapping):
            pairs += _plain(fs.children, value, (*trail, label), units)
        elif fs is not None and fs.kind == "groups" and isinstance(value, list):
            for i, item in enumerate(value, start=1):
                pairs += _plain(fs.children, item, (*trail, f"{label} {i}"), units)
        else:
            unit = _field_unit(fs, units)
            text = " › ".join((*trail, f"{label} ({unit})" if unit else label))
            pairs.append((text, _plain_value(value)))
    return pairs


def _field_unit(fs: FieldSpec | None, units: Mapping[str, str]) -> str:
    if fs is None or not fs.unit:
        return ""
    return {
        "price unit": units["price"],
        "quantity unit": units["quantity"],
        "money": units["money"],
        "currency": units["money"],
    }.get(fs.unit, fs.unit)


def _plain_value(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_plain_value(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_plain_value(v)}" for k, v in value.items())
    return format_figure(value, plain=True)


# --- what this means: headline figures in sentences -------------------------------------
#
# One generic builder reads the registry record (headline outputs, their units); an
# instrument that needs its own words has ``_sentences_<module>`` here, found by the
# calculator's module name as chart modules are (``price-floor`` -> ``price_floor``).


def headline_sentences(
    calculator: Calculator,
    result: Any,
    inputs: Mapping[str, Any],
    names: Mapping[str, str] | None = None,
) -> list[str]:
    """The headline figures of a result as sentences an official can quote.

    ``result`` is the calculator's ``Result`` (summary and rows); ``inputs`` its
    normalised inputs (with ``stored_prices`` when stored prices were used);
    ``names`` (ISO3 code → name) puts countries in words.
    """
    module = calculator.slug.replace("-", "_")
    builder = globals().get(f"_sentences_{module}")
    headline, _ = summary_items(calculator, result.summary, inputs)
    special: list[str] = (
        builder(result, inputs, headline, names or {}) if builder else []
    )
    return special or [_sentence(item, result) for item in headline[:4]]


def money_text(value: Any, unit: str) -> str:
    """``USD 149.2 million``: a currency before the figure, other units after it."""
    display = format_headline(value)
    if not unit or display == "—":
        return display
    return (
        f"{unit} {display}"
        if unit.isalpha() and unit.isupper()
        else f"{display} {unit}"
    )


def period_span(rows: Any) -> str:
    """``2021–2025``: the first and last period of the rows, or "" without periods."""
    if rows is None or "period" not in getattr(rows, "columns", ()):
        return ""
    periods = [str(p) for p in dict.fromkeys(rows["period"])]
    if not periods:
        return ""
    return periods[0] if len(periods) == 1 else f"{periods[0]}–{periods[-1]}"


def commodity_name(inputs: Mapping[str, Any]) -> str:
    """The commodity a result is about, in words: the stored series' commodity (its
    name), the request's commodity code, or "" when the request names none."""
    stored = inputs.get("stored_prices")
    if isinstance(stored, Mapping) and (
        stored.get("commodity_name") or stored.get("commodity")
    ):
        return str(stored.get("commodity_name") or stored["commodity"])
    flows = inputs.get("stored_flows")
    if isinstance(flows, Mapping) and flows.get("commodity_name"):
        return str(flows["commodity_name"])
    commodity = inputs.get("commodity")
    if isinstance(commodity, str) and commodity:
        return commodity.replace("-", " ")
    return ""


def _of_commodity(inputs: Mapping[str, Any]) -> str:
    """The words ' of NdPr oxide', or nothing when no commodity is named (never
    'of the commodity')."""
    name = commodity_name(inputs)
    return f" of {name}" if name else ""


def country_name(code: str, names: Mapping[str, str]) -> str:
    """A market's or origin's code in words for a sentence: the stored partner's
    name, the rest of the world, a market's own producers; else the code."""
    words = {"ROW": "the rest of the world", "EU": "the EU", "OTH": "other exporters"}
    if code in words:
        return words[code]
    if code.endswith("-producers"):
        return f"{country_name(code.removesuffix('-producers'), names)}'s producers"
    return names.get(code, code)


def _change_words(value: float, unit: str) -> str:
    """``fall by 1,234 t`` / ``rise by 5 t``."""
    verb = "fall" if value < 0 else "rise"
    return f"{verb} by {format_figure(abs(value))} {unit}".strip()


def _period_word(periods: Sequence[str]) -> str:
    first = str(periods[0]) if periods else ""
    if "Q" in first:
        return "quarter"
    if len(first) == 4 and first.isdigit():
        return "year"
    if len(first) == 7 and first[4] == "-":
        return "month"
    return "period"


def _sentence(item: SummaryItem, result: Any) -> str:
    span = period_span(result.rows)
    if item.unit and item.display != "—" and item.unit.isupper():
        figure = money_text(item.value, item.unit)
    else:
        figure = f"{item.display} {item.unit}".strip()
    over = f" over {span}" if span and item.unit.isupper() else ""
    return f"{item.name}: {figure}{over}."


def _mean(value: Any) -> Any:
    if isinstance(value, list | tuple) and value:
        numbers = [v for v in value if is_number(v)]
        return sum(numbers) / len(numbers) if numbers else None
    return value


def _sentences_price_floor(
    result: Any,
    inputs: Mapping[str, Any],
    headline: Sequence[SummaryItem],
    names: Mapping[str, str],
) -> list[str]:
    summary, rows = result.summary, result.rows
    if "revenue" not in rows or "period" not in rows:
        return []
    units = result_units(inputs)
    money, price, quantity = units["money"], units["price"], units["quantity"]
    periods = [str(p) for p in dict.fromkeys(rows["period"])]
    word = _period_word(periods)
    outside = rows[~rows["member"].astype(bool)] if "member" in rows else rows
    origins = ", ".join(
        country_name(str(o), names) for o in dict.fromkeys(outside.get("origin", []))
    )
    per_period = float(outside["quantity"].sum()) / max(len(periods), 1)
    floor = summary.get("reference_price_mean", _mean(inputs.get("reference_price")))
    text = (
        f"A floor of {format_figure(floor)} {price} on "
        f"{format_figure(per_period)} {quantity} a {word}{_of_commodity(inputs)}"
        + (f" from {origins}" if origins else "")
        + f" would have collected {money_text(summary.get('revenue_total'), money)}"
        + f" over {period_span(rows)}"
    )
    by_period = outside.groupby("period", sort=False)["revenue"].sum()
    nothing = [str(p) for p, v in by_period.items() if not v > 0]
    if nothing and len(nothing) < len(periods):
        plural = len(nothing) > 1
        text += (
            f"; in {', '.join(nothing)} the market price was above the floor, so "
            f"nothing was collected {'those' if plural else 'that'} "
            f"{word}{'s' if plural else ''}"
        )
    sentences = [text + "."]
    after = summary.get("revenue_total_after")
    if is_number(after) and math.isfinite(after) and after != summary["revenue_total"]:
        sentences.append(
            f"Once importers respond to the levy, imports from non-members fall and the "
            f"levy collects {money_text(after, money)} instead."
        )
    ave = summary.get("ave_weighted")
    if is_number(ave) and math.isfinite(ave):
        sentences.append(
            f"On average the levy adds {format_figure(ave * 100)} % to the price of "
            "imports from non-members; importers in the levying economies pay it."
        )
    return sentences


def _sentences_plurilateral(
    result: Any,
    inputs: Mapping[str, Any],
    headline: Sequence[SummaryItem],
    names: Mapping[str, str],
) -> list[str]:
    """Issue 9's question in words: how far members' imports from non-members fall,
    what the largest non-member exporter loses and where its sales go, its price,
    who gains and loses, and the cost of the goods made with it."""
    summary, rows = result.summary, result.rows
    countries = result.extras.get("countries")
    origins = result.extras.get("origins")
    change = summary.get("imports_from_non_members_change")
    before = summary.get("imports_from_non_members_before")
    if not is_number(change) or rows is None or rows.empty:
        return []
    units = result_units(inputs)
    money, quantity = units["money"], units["quantity"]
    share = f" ({format_figure(abs(change / before) * 100)} %)" if before else ""
    sentences = [
        f"Members' imports{_of_commodity(inputs)} from non-members "
        f"{_change_words(change, quantity)}{share}."
    ]
    into = rows["member_market"].astype(bool)
    outside = ~rows["member_origin"].astype(bool)
    base = rows[into & outside].groupby("origin")["quantity_before"].sum()
    if not base.empty and base.max() > 0:
        code = str(base.idxmax())
        name = country_name(code, names)
        mine = rows["origin"] == code
        lost = float(rows.loc[mine & into, "quantity_change"].sum())
        elsewhere = float(rows.loc[mine & ~into, "quantity_change"].sum())
        text = f"{name}'s sales to the members {_change_words(lost, quantity)}"
        if elsewhere:
            text += f"; its sales to other markets {_change_words(elsewhere, quantity)}"
        if origins is not None and code in set(origins["origin"]):
            moved = float(origins.set_index("origin").loc[code, "price_change"])
            if math.isfinite(moved) and abs(moved) > 1e-12:
                verb = "falls" if moved < 0 else "rises"
                text += f"; the price it is paid {verb} by {format_figure(abs(moved) * 100)} %"
        sentences.append(text + ".")
    diverted = summary.get("trade_diverted_to_members")
    own = summary.get("own_producers_sales_change")
    gains = [
        f"{who} sell {format_figure(abs(v))} {quantity} {'more' if v > 0 else 'less'}"
        for who, v in (("partner exporters", diverted), ("their own producers", own))
        if is_number(v) and math.isfinite(v) and v
    ]
    if gains:
        sentences.append(f"In the members' markets, {' and '.join(gains)}.")
    if countries is not None and not countries.empty:
        net = countries.set_index("country")["net_welfare_change"].astype(float)
        members = summary.get("net_welfare_members")
        parts = [
            f"{country_name(str(c), names)} {money_text(v, money)}"
            for c, v in net.sort_values().items()
            if math.isfinite(v) and abs(v) >= 0.5
        ]
        if parts:
            sentences.append(
                f"Net welfare change by country: {'; '.join(parts)} (members together "
                f"{money_text(members, money)})."
            )
    downstream = result.extras.get("downstream")
    if downstream is not None and not downstream.empty:
        goods = [
            f"{g['good']} {money_text(g['cost_change_per_unit'], money)} per {g['unit']}"
            for _, g in downstream.iterrows()
            if is_number(g["cost_change_per_unit"])
            and math.isfinite(g["cost_change_per_unit"])
        ]
        if goods:
            sentences.append(f"Cost change of goods made with it: {'; '.join(goods)}.")
    return sentences


def _sentences_price_gap_subsidy(
    result: Any,
    inputs: Mapping[str, Any],
    headline: Sequence[SummaryItem],
    names: Mapping[str, str],
) -> list[str]:
    summary, rows = result.summary, result.rows
    units = result_units(inputs)
    money, price, quantity = units["money"], units["price"], units["quantity"]
    strike = summary.get("strike_mean", _mean(inputs.get("strike")))
    text = (
        f"Guaranteeing a price of {format_figure(strike)} {price} on "
        f"{format_figure(summary.get('quantity_total'))} {quantity}"
        f"{_of_commodity(inputs)} over {period_span(rows)} would cost the government "
        f"{money_text(summary.get('net_cost_total'), money)} net of any upside it "
        "receives"
    )
    npv = summary.get("npv")
    if is_number(npv) and math.isfinite(npv) and npv != summary.get("net_cost_total"):
        text += f" (present value {money_text(npv, money)})"
    sentences = [text + "; the treasury pays, producers receive."]
    p95 = summary.get("p95")
    if is_number(p95) and math.isfinite(p95):
        sentences.append(
            f"With simulated market prices the expected cost is "
            f"{money_text(summary.get('expected_cost'), money)}; in a 1-in-20 bad "
            f"case it rises to {money_text(p95, money)}."
        )
    return sentences


def _sentences_offtake(
    result: Any,
    inputs: Mapping[str, Any],
    headline: Sequence[SummaryItem],
    names: Mapping[str, str],
) -> list[str]:
    summary, rows = result.summary, result.rows
    units = result_units(inputs)
    money, quantity = units["money"], units["quantity"]
    taken = float(rows["taken_quantity"].sum()) if "taken_quantity" in rows else None
    saving = summary.get("buyer_saving_total")
    if not is_number(saving) or not math.isfinite(saving):
        return []
    more_or_less = "less" if saving >= 0 else "more"
    text = (
        f"Buying {format_figure(taken)} {quantity}{_of_commodity(inputs)} over "
        f"{period_span(rows)} under the offtake costs the buyer "
        f"{money_text(summary.get('payment_total'), money)}, "
        f"{money_text(abs(saving), money)} {more_or_less} than at spot "
        f"({money_text(summary.get('spot_cost_total'), money)})."
    )
    sentences = [text]
    top = summary.get("take_or_pay_total")
    if is_number(top) and top > 0:
        sentences.append(
            f"Of this, {money_text(top, money)} are take-or-pay payments for quantities "
            "contracted but not taken."
        )
    return sentences


# --- sensitivity: inputs named as officials read them -----------------------------------

NOT_SWEPT = frozenset({"seed", "paths", "steps", "history_step_years", "year"})
"""Numeric inputs a sensitivity never varies: they are settings, not assumptions."""


def path_label(calculator: Calculator, path: str, inputs: Mapping[str, Any]) -> str:
    """``flows.0.quantity`` as "Flows 1 › Quantity (t)"."""
    units = result_units(inputs)
    specs: Sequence[FieldSpec] = (
        *describe(calculator.inputs),
        *request_extras(calculator),
    )
    words: list[str] = []
    spec: FieldSpec | None = None
    for step in path.split("."):
        if step.isdigit():
            if words:
                words[-1] = f"{words[-1]} {int(step) + 1}"
            continue
        spec = next((fs for fs in specs if fs.name == step), None)
        words.append(spec.label if spec else step.replace("_", " ").capitalize())
        specs = spec.children if spec else ()
    unit = _field_unit(spec, units)
    if unit:
        words[-1] = f"{words[-1]} ({unit})"
    return " › ".join(words)


def sweepable_paths(paths: Sequence[str]) -> list[str]:
    """The numeric inputs worth varying (settings such as the seed left out)."""
    return [p for p in paths if p.split(".")[-1] not in NOT_SWEPT]


# --- comparing instruments on one commodity ---------------------------------------------

_MASS_IN_TONNES = {"kg": 1e-3, "t": 1.0, "tonne": 1.0, "kt": 1e3, "Mt": 1e6}


@dataclass(frozen=True)
class InstrumentColumn:
    """One scenario in the comparison of instruments: who pays, how much, when, risk."""

    title: str
    instrument: str
    who_pays: str
    figure: str
    total: str
    per_tonne: str
    when: str
    risk: str
    total_value: float | None


def instrument_column(
    title: str, calculator: Calculator, result: Any, inputs: Mapping[str, Any]
) -> InstrumentColumn:
    """The comparison's column for one scenario, from its registry record and result."""
    summary, rows = result.summary, result.rows
    units = result_units(inputs)
    headline, _ = summary_items(calculator, summary, inputs)
    money = next(
        (
            i
            for i in headline
            if (o := calculator.output(i.key))
            and o.unit == "money"
            and is_number(i.value)
        ),
        None,
    )
    module = calculator.slug.replace("-", "_")
    who = globals().get(f"_who_pays_{module}")
    who_pays, risk = who(summary, units) if who else ("See the scenario.", "")
    if not risk and is_number(summary.get("p95")):
        risk = f"1-in-20 bad case: {money_text(summary['p95'], units['money'])}"
    quantity = summary.get("quantity_total")
    if not is_number(quantity):
        for column in ("taken_quantity", "quantity"):
            if column in rows:
                quantity = float(rows[column].sum())
                break
    factor = _MASS_IN_TONNES.get(units["quantity"])
    per_tonne = "—"
    if money is not None and is_number(quantity) and quantity and factor:
        per_tonne = (
            f"{format_figure(money.value / (quantity * factor))} {units['money']}/t"
        )
    return InstrumentColumn(
        title=title,
        instrument=calculator.title,
        who_pays=who_pays,
        figure=money.name if money else "—",
        total=money_text(money.value, units["money"]) if money else "—",
        per_tonne=per_tonne,
        when=period_span(rows) or "—",
        risk=risk or "Fixed inputs: no price risk simulated.",
        total_value=float(money.value) if money else None,
    )


def instrument_comparison_table(columns: Sequence[InstrumentColumn]) -> list[list[str]]:
    """Rows of the comparison of instruments: a header, then one row per question."""
    fields = (
        ("Instrument", "instrument"),
        ("Who pays", "who_pays"),
        ("Figure", "figure"),
        ("How much, in total", "total"),
        ("How much, per tonne", "per_tonne"),
        ("When", "when"),
        ("With what risk", "risk"),
    )
    return [
        ["", *(c.title for c in columns)],
        *([label, *(str(getattr(c, name)) for c in columns)] for label, name in fields),
    ]


def _who_pays_price_floor(
    summary: Mapping[str, Any], units: Mapping[str, str]
) -> tuple[str, str]:
    return (
        "Importers of non-member supply pay the levy; the government collects it.",
        "Revenue falls to nothing in periods when the market price is above the floor.",
    )


def _who_pays_price_gap_subsidy(
    summary: Mapping[str, Any], units: Mapping[str, str]
) -> tuple[str, str]:
    risk = ""
    if is_number(summary.get("p95")):
        risk = (
            f"Cost rises when prices fall: 1-in-20 bad case "
            f"{money_text(summary['p95'], units['money'])}."
        )
    return ("The treasury pays producers the gap to the strike.", risk)


def _who_pays_offtake(
    summary: Mapping[str, Any], units: Mapping[str, str]
) -> tuple[str, str]:
    collar: Any = summary.get("collar_value")
    risk = "The buyer carries volume risk through take-or-pay."
    if is_number(collar) and math.isfinite(collar):
        risk += (
            f" Collar worth {format_figure(collar)} {units['price']} to the producer."
        )
    return ("The buyer pays the producer the contract price.", risk)


def _who_pays_plurilateral(
    summary: Mapping[str, Any], units: Mapping[str, str]
) -> tuple[str, str]:
    return (
        "Members' importers pay duties and levies; non-member exporters lose rent.",
        "Depends on the elasticities: trade diverts to members and the rest of the world.",
    )


def _who_pays_standards_market(
    summary: Mapping[str, Any], units: Mapping[str, str]
) -> tuple[str, str]:
    return (
        "Buyers pay the premium to compliant supply; non-compliant supply pays the carbon charge.",
        "Depends on the carbon price and on suppliers' intensities.",
    )


def _who_pays_trade_response(
    summary: Mapping[str, Any], units: Mapping[str, str]
) -> tuple[str, str]:
    return (
        "Consumers and the treasury (tariff revenue).",
        "Depends on the elasticities.",
    )


# --- settings carried over: what differs from the declaration's defaults ----------------


@dataclass(frozen=True)
class Chip:
    """A setting that differs from its declared default, shown beside the headline."""

    path: str
    label: str
    value: str


def carried_over_settings(
    calculator: Calculator, request: Mapping[str, Any]
) -> list[Chip]:
    """The optional inputs of a request whose value differs from their declared
    default (a levy cap, a trade response, a discount rate, a valuation): the settings
    that change the answer and are easy to miss when a precedent was loaded."""
    chips = []
    for fs in describe(calculator.inputs):
        if fs.required or fs.name not in request or fs.kind not in _SETTING_KINDS:
            continue
        value = request[fs.name]
        default = _default_data(fs.default)
        if value is None or value == default:
            continue
        if fs.kind == "group" and isinstance(value, Mapping):
            changed = _changed_children(fs, value)
            if not changed:
                continue
            text = "; ".join(f"{label} {v}" for label, v in changed[:3])
        elif fs.kind == "groups":
            continue
        else:
            text = _setting_text(fs, value)
        chips.append(Chip(fs.name, fs.label, text))
    return chips


_SETTING_KINDS = frozenset({"number", "integer", "choice", "boolean", "group"})
"""Kinds of input that are settings (series, periods and units are the data)."""


def _default_data(default: Any) -> Any:
    import dataclasses

    from instruments.calculators.base import to_data

    if dataclasses.is_dataclass(default) and not isinstance(default, type):
        return to_data(default)
    return default


def _changed_children(fs: FieldSpec, value: Mapping[str, Any]) -> list[tuple[str, str]]:
    changed = []
    for child in fs.children:
        if child.name not in value or child.kind not in _SETTING_KINDS - {"group"}:
            continue
        if (
            value[child.name] != _default_data(child.default)
            and value[child.name] is not None
        ):
            changed.append(
                (child.label.lower(), _setting_text(child, value[child.name]))
            )
    return changed


def _setting_text(fs: FieldSpec, value: Any) -> str:
    if fs.choice_labels and isinstance(value, str) and value in fs.choice_labels:
        return str(fs.choice_labels[value])
    if fs.unit.startswith("fraction") and is_number(value):
        return f"{format_figure(value * 100)} %"
    text = _plain_value(value)
    return shorten(text, 40)


# --- sources -------------------------------------------------------------------------


def cited_source(stored: Mapping[str, Any]) -> str:
    """The citation of stored prices as a result records them (results cached
    before citations were recorded have only the source text)."""
    return str(stored.get("citation") or stored.get("source") or "")


def sources_of(inputs: Mapping[str, Any]) -> list[str]:
    """The publishers of the data a result used, with edition, DOI and licence (a
    line saying so when it used none)."""
    return stored_data_sources(inputs) or [
        "All figures as given in the inputs below; no stored data used."
    ]


def stored_data_sources(inputs: Mapping[str, Any]) -> list[str]:
    """One line per kind of stored data a result used: what, which periods, the
    citation (``citations.format_citation``, recorded with the inputs) and licence."""
    found: list[str] = []
    stored = inputs.get("stored_prices")
    if isinstance(stored, Mapping):
        found.append(
            f"Prices: {stored.get('series_name')} ({stored.get('commodity')}), "
            f"{stored.get('first_period')} to {stored.get('last_period')}. "
            f"Source: {cited_source(stored)}. Licence: {stored.get('licence')}."
        )
    flows = inputs.get("stored_flows")
    if isinstance(flows, Mapping) and flows.get("source"):
        found.append(
            f"Trade flows, {flows.get('year')}: {flows.get('source')} "
            f"(HS {', '.join(map(str, flows.get('hs_codes') or []))})."
        )
    schedules = inputs.get("parameter_schedules")
    if schedules:
        found.append("Policy parameters: the stored parameter schedules (see admin).")
    rates = inputs.get("fx_rates")
    if isinstance(rates, Mapping):
        for entry in rates.values():
            found.append(
                f"Exchange rate: {entry.get('rate'):.4f} {entry.get('unit')}, "
                f"{entry.get('period')}. Source: {entry.get('source')}."
            )
    return found


def vintage_of(inputs: Mapping[str, Any]) -> str:
    """Which data the result reflects: the stored series' last period, or "as typed"."""
    stored = inputs.get("stored_prices")
    if isinstance(stored, Mapping):
        return (
            f"Data vintage: {cited_source(stored)}, prices to "
            f"{stored.get('last_period')}."
        )
    return "Data vintage: the figures typed in the inputs (no stored prices)."
