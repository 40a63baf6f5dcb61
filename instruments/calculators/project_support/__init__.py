"""Supporting projects (``project-support``, INSTRUMENTS.md §12): which instrument, at
what level, makes a mine, refinery, processing plant or recycler bankable, and what it
costs the state in expectation and in a bad case.

Modules: ``inputs`` (the declared inputs), ``cashflows`` (the project's yearly cash
flows after tax, NPV, IRR, debt annuity and DSCR on every price path at once),
``support`` (each instrument's effect and cost, and the solver), ``outputs`` (the
declared outputs). This module builds the plan and the price paths (§5's simulation,
estimated from the commodity's stored history unless given, or a typed path, with the
dominant supplier's price war applied) and assembles the result.

Prices: a typed ``price_path`` is one path. A simulation steps one year at a time from
``start_price`` at the start of year 1; operating year ``j`` sells at the path's price
at the end of year ``C + j``. A ``strategic_response`` multiplies every path by
``1 − cut`` in its first ``years`` operating years.

Result: ``summary`` (§12's ``npv_p5``, ``npv_p50``, ``npv_p95``, ``irr_p50``,
``probability_npv_positive``, ``min_dscr_p10`` without support, and the cheapest
instrument meeting the target), ``rows`` (one per project year, means over paths
without support), ``extras["support"]`` (a row per instrument, §12's columns),
``extras["npv_quantiles"]`` (NPV percentiles 1..99 without and with each instrument)
and ``extras["cost_against_target"]`` (each instrument's cost against the share of
paths meeting the criterion, from no support to past its solved level).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from instruments.calculators import progress, units
from instruments.calculators import simulation as sim
from instruments.calculators.base import Calculator, FloatArray, Result, add_warning
from instruments.calculators.periods import parse_periods
from instruments.calculators.project_support import cashflows as cf
from instruments.calculators.project_support import support as sp
from instruments.calculators.project_support.inputs import (
    MAX_YEARS,
    SUPPORT_KINDS,
    ProjectSimulation,
    ProjectSupportInputs,
    Support,
)
from instruments.calculators.project_support.outputs import (
    COLUMN_OUTPUTS,
    COLUMNS,
    CURVE_COLUMNS,
    OUTPUTS,
    SUPPORT_COLUMNS,
    SUPPORT_OUTPUTS,
)
from instruments.calculators.series import as_array
from instruments.calculators.translation import (
    gettext,
    gettext_noop,
    joined,
    translatable,
)

CURVE_POINTS = 13
MIN_DRIFT_YEARS = 10.0
"""Years of price history below which an estimated GBM drift is set to zero."""
MAX_DRIFT = 0.05
"""The largest estimated GBM drift used, up or down (a year)."""
QUANTILES = tuple(round(0.01 * i, 2) for i in range(1, 100))


def units_of(inputs: ProjectSupportInputs) -> tuple[str, str]:
    """(price unit, quantity unit): the project's own when it names them."""
    project = inputs.project
    return (
        project.price_unit or inputs.price_unit,
        project.quantity_unit or inputs.quantity_unit,
    )


def plan_of(inputs: ProjectSupportInputs) -> cf.Plan:
    """Everything about the project that is the same on every path."""
    project = inputs.project
    c, life = project.construction_years, project.life_years
    capex = np.asarray(project.capex, dtype=np.float64).reshape(-1)
    capex = np.full(c, capex[0] / c) if capex.size == 1 else capex
    ramp = np.ones(life)
    if project.ramp_up is not None:
        ramp[: len(project.ramp_up)] = project.ramp_up
    cut = np.ones(life)
    if inputs.strategic_response is not None:
        cut[: inputs.strategic_response.years] = 1.0 - inputs.strategic_response.cut
    start = inputs.start_year
    labels = tuple(
        str(start + t) if start is not None else f"year {t + 1}"
        for t in range(c + life)
    )
    debt = project.debt
    return cf.Plan(
        construction=c,
        life=life,
        labels=labels,
        capex=capex,
        volume=project.capacity * ramp,
        money=units.money_factor(*units_of(inputs)[::-1]),
        realised_share=project.realised_share,
        unit_opex=project.unit_opex,
        fixed_opex=project.fixed_opex,
        tax_rate=project.tax_rate,
        discount_rate=project.discount_rate,
        public_discount_rate=inputs.public_discount_rate,
        debt_share=0.0 if debt is None else debt.share,
        debt_rate=0.0 if debt is None else debt.rate,
        debt_tenor=1 if debt is None else debt.tenor_years,
        cut=cut,
    )


def _history(inputs: ProjectSupportInputs) -> tuple[FloatArray | None, float]:
    """The price history (the simulation's own, else the stored one) and its spacing."""
    simulation = inputs.simulation
    if simulation is not None and simulation.price_history is not None:
        history = np.asarray(simulation.price_history, dtype=np.float64).reshape(-1)
        return history, simulation.history_step_years or 1.0
    if inputs.price_history is None:
        return None, 1.0
    history = np.asarray(inputs.price_history, dtype=np.float64).reshape(-1)
    step = simulation.history_step_years if simulation is not None else None
    if step is None and inputs.periods:
        step = float(parse_periods(inputs.periods).length[0])
    return history, step or 1.0


def price_paths(
    inputs: ProjectSupportInputs, plan: cf.Plan
) -> tuple[FloatArray, dict[str, Any], tuple[str, ...]]:
    """Benchmark prices (paths, L) after any price war, what the summary says about
    them, and warnings."""
    if inputs.price_path is not None:
        prices = as_array(inputs.price_path, plan.life)[None, :]
        return prices * plan.cut, {"price_source": "typed path", "paths": 1}, ()
    simulation = inputs.simulation or ProjectSimulation()
    history, step = _history(inputs)
    start = simulation.start_price
    if start is None:
        assert history is not None
        start = float(history[-1])
    fit = sim.fit_model(
        simulation.model,
        step,
        history,
        drift=simulation.drift,
        volatility=simulation.volatility,
        mean_reversion=simulation.mean_reversion,
        long_run_price=simulation.long_run_price,
    )
    model, guarded = _guard_drift(fit.model, simulation, fit.points, step)
    step_years = np.ones(plan.years)
    chunks = list(
        sim.iter_price_paths(
            model, start, step_years, simulation.paths, simulation.seed
        )
    )
    prices = np.concatenate(chunks)[:, plan.construction :]
    described: dict[str, Any] = {
        "price_source": f"simulated ({simulation.model})",
        "paths": simulation.paths,
        "simulation_model": simulation.model,
        "simulation_start_price": start,
        "simulation_volatility": model.volatility,
        "simulation_drift": model.drift if isinstance(model, sim.GBM) else math.nan,
        "simulation_mean_reversion": (
            model.mean_reversion if isinstance(model, sim.Schwartz) else math.nan
        ),
        "simulation_long_run_price": (
            model.long_run_price if isinstance(model, sim.Schwartz) else math.nan
        ),
        "simulation_history_points": fit.points,
    }
    return prices * plan.cut, described, (*fit.warnings, *guarded)


def _guard_drift(
    model: sim.Model, simulation: ProjectSimulation, points: int, step: float
) -> tuple[sim.Model, tuple[str, ...]]:
    """A GBM drift estimated from the history, held in bounds: the estimate is the
    mean log return plus σ²/2, so a short or volatile history gives an expected
    price that compounds out of all proportion over a project's life. With less
    than ``MIN_DRIFT_YEARS`` of history the drift is zero (the expected price stays
    at the start price); otherwise it is held within ±``MAX_DRIFT`` a year. A drift
    typed by the user is used as given."""
    if not isinstance(model, sim.GBM) or simulation.drift is not None:
        return model, ()
    span = max(points - 1, 0) * step
    if span < MIN_DRIFT_YEARS:
        if model.drift == 0.0:
            return model, ()
        return sim.GBM(drift=0.0, volatility=model.volatility), (
            gettext(
                "The price history spans {years} years, less than the {least} "
                "needed to estimate a drift: the simulation has none (the expected "
                "price stays at the start price). Type a drift to use another."
            ).format(years=f"{span:g}", least=f"{MIN_DRIFT_YEARS:g}"),
        )
    if abs(model.drift) <= MAX_DRIFT:
        return model, ()
    held = math.copysign(MAX_DRIFT, model.drift)
    return sim.GBM(drift=held, volatility=model.volatility), (
        gettext(
            "The drift estimated from the price history, {drift} a year, is held "
            "to {bound} a year so that expected prices do not compound out of "
            "proportion over the project's life. Type a drift to use another."
        ).format(drift=f"{model.drift:+.1%}", bound=f"{held:+.0%}"),
    )


def _supports(inputs: ProjectSupportInputs, plan: cf.Plan) -> tuple[Support, ...]:
    """The instruments asked for; by default every one, solved (a loan needs debt)."""
    if inputs.support:
        return inputs.support
    return tuple(
        Support(kind=kind, solve=True)
        for kind in SUPPORT_KINDS
        if kind != "concessional_loan" or plan.has_debt
    )


def _row_of(
    plan: cf.Plan,
    support: Support,
    evaluation: sp.Evaluation,
    level: float,
    test: sp.Criterion,
    capacity_years: float,
    note: str,
    costed: bool,
) -> dict[str, Any]:
    expected = float(evaluation.state_cost.mean()) if costed else math.nan
    return {
        "kind": support.kind,
        "level": level,
        "solved": support.solve,
        "probability_npv_positive": float(
            np.mean(cf.npv_positive(plan, evaluation.npv))
        ),
        "npv_p50": cf.percentile(evaluation.npv, 0.5),
        "irr_p50": cf.reached_by(cf.irr(plan, evaluation.flows), 0.5),
        "min_dscr_p10": cf.reached_by(evaluation.min_dscr, 0.9),
        "expected_cost": expected,
        "p95_cost": cf.percentile(evaluation.state_cost, 0.95) if costed else math.nan,
        "cost_per_unit_capacity_year": expected / capacity_years,
        "meets_target": costed and sp.meets(evaluation, plan, test),
        "note": note,
    }


def _curve(
    plan: cf.Plan,
    prices: FloatArray,
    support: Support,
    test: sp.Criterion,
    intensity: float,
) -> list[dict[str, Any]]:
    """The instrument from no support to 1.5× ``intensity`` (or its bound)."""
    scale = sp.scale_for(plan, prices, support)
    top = (
        scale.top
        if not math.isfinite(intensity) or intensity <= 0
        else min(1.5 * intensity, scale.top)
    )
    rows = []
    for x in np.linspace(0.0, top, CURVE_POINTS):
        level = float(scale.level(float(x)))
        evaluation = sp.evaluate(plan, prices, support.kind, level, support)
        rows.append(
            {
                "kind": support.kind,
                "level": level,
                "share_meeting": sp.share_meeting(evaluation, plan, test),
                "expected_cost": float(evaluation.state_cost.mean()),
                "p95_cost": cf.percentile(evaluation.state_cost, 0.95),
            }
        )
    return rows


def _assess(
    inputs: ProjectSupportInputs,
    plan: cf.Plan,
    prices: FloatArray,
    test: sp.Criterion,
) -> tuple[list[dict[str, Any]], dict[str, FloatArray], list[dict[str, Any]]]:
    """The support table, each instrument's NPVs and the cost-against-target curves."""
    capacity_years = inputs.project.capacity * plan.life
    supports = _supports(inputs, plan)
    rows: list[dict[str, Any]] = []
    npvs: dict[str, FloatArray] = {}
    curves: list[dict[str, Any]] = []
    for i, support in enumerate(supports):
        note: str = ""
        costed = True
        if support.solve:
            solution = sp.solve(plan, prices, support, test)
            level = solution.level
            evaluated_at = level
            if not solution.reachable:
                evaluated_at = solution.top_level
                costed = False
                top = f"{solution.top_level:.4g}"
                note = (
                    translatable(
                        "No level down to a rate of {level} meets the target; the "
                        "project's figures are at that bound.",
                        level=top,
                    )
                    if support.kind == "concessional_loan"
                    else translatable(
                        "No level up to {level} meets the target; the project's "
                        "figures are at that bound.",
                        level=top,
                    )
                )
                if (
                    support.kind == "concessional_loan"
                    and test.rate is None
                    and (test.metric != "p10_min_dscr")
                ):
                    note = joined(
                        note,
                        translatable(
                            "A loan moves only the DSCR: NPV is the project's, "
                            "before financing."
                        ),
                    )
            elif solution.already:
                note = translatable(
                    "The project meets the target without this instrument."
                )
            intensity = solution.intensity
        else:
            assert support.level is not None
            level = evaluated_at = support.level
            intensity = sp.scale_for(plan, prices, support).intensity(level)
        evaluation = sp.evaluate(plan, prices, support.kind, evaluated_at, support)
        rows.append(
            _row_of(
                plan, support, evaluation, level, test, capacity_years, note, costed
            )
        )
        name = support.kind if support.kind not in npvs else f"{support.kind}_{i + 1}"
        npvs[name] = evaluation.npv
        curves.extend(_curve(plan, prices, support, test, intensity))
        progress.report(0.1 + 0.9 * (i + 1) / len(supports))
    return rows, npvs, curves


def _rows(plan: cf.Plan, prices: FloatArray, base: sp.Evaluation) -> pd.DataFrame:
    c, years = plan.construction, plan.years
    nan_c = np.full(c, math.nan)
    zero_c = np.zeros(c)
    flows = base.flows.cash_flows()
    service = np.zeros(years)
    dscr = np.full(years, math.nan)
    if plan.has_debt:
        annual = float(cf.debt_service(plan))
        service[c : c + plan.debt_tenor] = annual
        cover = base.flows.operating_cash_flow[:, : plan.debt_tenor] / annual
        dscr[c : c + plan.debt_tenor] = [
            cf.reached_by(cover[:, j], 0.9) for j in range(plan.debt_tenor)
        ]
    operating_cost = np.broadcast_to(base.flows.operating_cost, (plan.life,))
    return pd.DataFrame(
        {
            "period": list(plan.labels),
            "phase": ["construction"] * c + ["operation"] * plan.life,
            "volume": np.concatenate([zero_c, plan.volume]),
            "price_mean": np.concatenate([nan_c, prices.mean(axis=0)]),
            "price_p50": np.concatenate([nan_c, np.median(prices, axis=0)]),
            "revenue": np.concatenate([zero_c, base.flows.revenue.mean(axis=0)]),
            "operating_cost": np.concatenate([zero_c, operating_cost]),
            "tax": np.concatenate([zero_c, base.flows.tax.mean(axis=0)]),
            "capex": np.concatenate([plan.capex, np.zeros(plan.life)]),
            "cash_flow": flows.mean(axis=0),
            "cash_flow_p5": np.quantile(flows, 0.05, axis=0),
            "cash_flow_p95": np.quantile(flows, 0.95, axis=0),
            "debt_service": service,
            "dscr_p10": dscr,
            "discount_factor": plan.project_discount,
        },
        columns=list(COLUMNS),
    )


def compute(inputs: ProjectSupportInputs) -> Result:
    """The project without support and with each instrument (see module doc)."""
    plan = plan_of(inputs)
    prices, described, warnings = price_paths(inputs, plan)
    progress.report(0.1)
    test = sp.criterion(inputs.bankability, plan)
    base = sp.evaluate(plan, prices, None, 0.0)
    rows, npvs, curves = _assess(inputs, plan, prices, test)
    table = pd.DataFrame(rows, columns=list(SUPPORT_COLUMNS))
    meeting = [row for row in rows if row["meets_target"]]
    cheapest = min(meeting, key=lambda row: row["expected_cost"]) if meeting else None
    response = inputs.strategic_response
    summary: dict[str, Any] = {
        "probability_npv_positive": float(np.mean(cf.npv_positive(plan, base.npv))),
        "npv_p5": cf.percentile(base.npv, 0.05),
        "npv_p50": cf.percentile(base.npv, 0.5),
        "npv_p95": cf.percentile(base.npv, 0.95),
        "npv_mean": float(base.npv.mean()),
        "irr_p50": cf.reached_by(cf.irr(plan, base.flows), 0.5),
        "min_dscr_p10": cf.reached_by(base.min_dscr, 0.9),
        "cheapest_instrument": "" if cheapest is None else str(cheapest["kind"]),
        "cheapest_expected_cost": (
            math.nan if cheapest is None else float(cheapest["expected_cost"])
        ),
        "cheapest_p95_cost": math.nan
        if cheapest is None
        else float(cheapest["p95_cost"]),
        "target_metric": test.metric,
        "target": test.target,
        "target_share_of_paths": test.share,
        "capacity_years": inputs.project.capacity * plan.life,
        "capex_total": float(plan.capex.sum()),
        "debt_amount": float(plan.debt_amount()),
        "debt_service": float(cf.debt_service(plan)) if plan.has_debt else 0.0,
        "strategic_cut": 0.0 if response is None else response.cut,
        "strategic_years": 0 if response is None else response.years,
        "discount_rate": plan.discount_rate,
        "public_discount_rate": plan.public_discount_rate,
        "currency": units.parse_price_unit(units_of(inputs)[0]).currency,
        **described,
    }
    for warning in warnings:
        add_warning(summary, warning)
    if cheapest is None:
        add_warning(
            summary,
            translatable("No instrument evaluated meets the bankability target."),
        )
    quantiles = pd.DataFrame(
        {
            "quantile": list(QUANTILES),
            "without_support": np.quantile(base.npv, QUANTILES),
            **{name: np.quantile(values, QUANTILES) for name, values in npvs.items()},
        }
    )
    extras: dict[str, Any] = {
        "support": table,
        "npv_quantiles": quantiles,
        "cost_against_target": pd.DataFrame(curves, columns=list(CURVE_COLUMNS)),
    }
    return Result(summary=summary, rows=_rows(plan, prices, base), extras=extras)


SOLVER_WEIGHT = 5
"""Work of one instrument relative to one pass over the paths (bisection, curve and
IRR, measured: about 5 simulated steps' worth per path-year)."""


def work_steps(data: Mapping[str, Any]) -> int:
    """Steps per path a raw request costs (``Calculator.work_steps``): the project's
    years × (1 + 5 × instruments); defaults where the data are not readable."""
    project = data.get("project")
    project = project if isinstance(project, Mapping) else {}
    years = _whole(project.get("construction_years"), 2) + _whole(
        project.get("life_years"), 20
    )
    supports = data.get("support")
    count = len(supports) if isinstance(supports, list | tuple) and supports else 6
    return max(years, 1) * (1 + SOLVER_WEIGHT * count)


def _whole(value: Any, default: int) -> int:
    try:
        return min(max(int(float(value)), 0), 10 * MAX_YEARS)
    except (TypeError, ValueError):
        return default


EXAMPLE: dict[str, Any] = {
    "project": {
        "name": "Illustrative NdPr separation plant",
        "stage": "refinery",
        "country": "Australia",
        "commodity": "ndpr-oxide",
        "capacity": 5000.0,
        "ramp_up": [0.4, 0.75, 0.9],
        "capex": 1_200_000_000.0,
        "construction_years": 3,
        "life_years": 20,
        "unit_opex": 38.0,
        "fixed_opex": 40_000_000.0,
        "realised_share": 0.92,
        "tax_rate": 0.3,
        "discount_rate": 0.1,
        "debt": {"share": 0.6, "rate": 0.07, "tenor_years": 10},
    },
    "price_unit": "USD/kg",
    "quantity_unit": "t",
    "simulation": {
        "model": "schwartz",
        "start_price": 60.0,
        "mean_reversion": 0.5,
        "long_run_price": 75.0,
        "volatility": 0.35,
        "paths": 400,  # the page answers in seconds; bench uses 10,000
        "seed": 7,
    },
    "strategic_response": {"cut": 0.4, "years": 2},
    "bankability": {"metric": "probability_npv_positive", "target": 0.9},
    "public_discount_rate": 0.03,
}
"""An illustrative 5,000 t a year NdPr oxide separation plant outside China (capex and
costs of the order reported for Lynas Kalgoorlie/Texas and Solvay La Rochelle, not a
specific project), on mean-reverting NdPr prices from 60 USD/kg toward a long-run 75,
with a two-year 40 % price war from first production; every instrument solved for NPV
≥ 0 on 9 paths in 10."""

CALCULATOR = Calculator(
    slug="project-support",
    title=gettext_noop("Project support"),
    summary=(
        gettext_noop(
            "Which instrument, at what level, makes a mine, refinery, processing plant or "
            "recycler bankable, and what it costs the state in expectation and in a bad "
            "case: a price floor, a contract for difference, an offtake, a capital grant or "
            "a concessional loan on the same project, under simulated prices and a price "
            "war by the dominant supplier."
        )
    ),
    precedent=(
        gettext_noop(
            "DoD–MP Materials (July 2025): a 110 USD/kg NdPr floor with an offtake of the "
            "magnet output; the collapse of rare-earth prices after 2011, which bankrupted "
            "new Western capacity; EU strategic projects under the Critical Raw Materials "
            "Act; DFC, EXIM, JBIC/JOGMEC and EIB project finance."
        )
    ),
    inputs=ProjectSupportInputs,
    compute=compute,
    columns=COLUMNS,
    example=EXAMPLE,
    price_field="price_history",
    outputs=OUTPUTS,
    column_outputs=COLUMN_OUTPUTS,
    tables=(
        ("support", gettext_noop("Support instruments")),
        (
            "npv_quantiles",
            gettext_noop("NPV percentiles without and with each instrument"),
        ),
        (
            "cost_against_target",
            gettext_noop("Cost of each instrument against the target"),
        ),
    ),
    table_outputs=SUPPORT_OUTPUTS,
    work_steps=work_steps,
)
