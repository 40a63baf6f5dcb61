"""project-support on the page: the three charts of §12 and the answer in sentences."""

from __future__ import annotations

import copy

from instruments.calculators import REGISTRY
from instruments.presentation.charts.base import result_units
from instruments.presentation.instruments import project_support

SLUG = "project-support"


def _run(**changes):
    data = copy.deepcopy(dict(REGISTRY[SLUG].example))
    data["simulation"] = {**data["simulation"], "paths": 200}
    data.update(changes)
    return REGISTRY[SLUG].run(data), data


def test_npv_distributions_cost_against_target_and_cash_flows():
    result, inputs = _run()
    charts = project_support.build_figures(result, result_units(inputs))
    assert [chart[0] for chart in charts] == [
        "npv-distribution",
        "cost-against-target",
        "cash-flows",
    ]
    npv = charts[0][3]
    names = [trace.name for trace in npv.data]
    assert names[0] == "Without support"
    assert "Price floor" in names
    assert "Capital grant" in names
    cost = charts[1][3]
    assert {trace.name for trace in cost.data} >= {"Price floor", "Capital grant"}
    years = charts[2][3].data[0].x
    assert len(years) == 23


def test_what_this_means_names_the_levels_and_the_cheapest():
    result, inputs = _run()
    text = " ".join(project_support.sentences(result, inputs, [], {}))
    assert "NPV ≥ 0 on" in text
    assert "40% price war for 2 years" in text
    assert "It becomes bankable with a price floor at" in text
    assert "The cheapest for the treasury in expectation is" in text
    assert "No level within bounds makes it bankable with a concessional loan" in text
    who, risk = project_support.who_pays(result.summary, result_units(inputs))
    assert "treasury" in who
    assert "1-in-20" in risk
