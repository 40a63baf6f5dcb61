"""Issue #21's question, answered by the project-support engine, and its timing.

    .venv/bin/python bench/bench_project_support.py [paths]

"For a 5,000 t a year NdPr separation plant outside China, what floor price, what
offtake price, or what capex grant makes it bankable (NPV ≥ 0 on 9 price paths in
10), with and without a two-year Chinese price war, and which costs our treasury
least in expectation and in a bad year?"

The plant is the calculator's example (illustrative: 1.2 bn USD capex over three
years, 20 years of operation, 38 USD/kg cash cost plus 40 m USD a year, 92 % of the
benchmark realised, 30 % tax, 10 % hurdle, 60 % debt at 7 % over 10 years), on
Schwartz NdPr oxide prices from 60 USD/kg toward a long-run median of 75 (κ 0.5,
σ 35 %); the price war cuts every path by 40 % in the first two years of
production. The state discounts at 3 %. Prints one table per scenario and the
seconds each took (best of one run: the machine is shared).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from instruments.calculators.project_support import CALCULATOR, EXAMPLE

COLUMNS = ("kind", "level", "probability_npv_positive", "npv_p50", "min_dscr_p10")


def request(paths: int, war: bool) -> dict[str, Any]:
    data = {**EXAMPLE, "simulation": {**EXAMPLE["simulation"], "paths": paths}}
    data["strategic_response"] = {"cut": 0.4, "years": 2} if war else None
    return data


def main() -> None:
    paths = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    for war in (False, True):
        started = time.perf_counter()
        result = CALCULATOR.run(request(paths, war))
        took = time.perf_counter() - started
        summary = result.summary
        title = "with a two-year 40 % price war" if war else "without a price war"
        print(f"\n== {title}: {paths:,} paths, {took:.1f} s ==")
        print(
            f"without support: P(NPV ≥ 0) {summary['probability_npv_positive']:.1%}, "
            f"NPV P5/P50/P95 {summary['npv_p5'] / 1e6:,.0f} / "
            f"{summary['npv_p50'] / 1e6:,.0f} / {summary['npv_p95'] / 1e6:,.0f} m USD, "
            f"median IRR {summary['irr_p50']:.1%}, "
            f"P10 min DSCR {summary['min_dscr_p10']:.2f}"
        )
        table = result.extras["support"]
        for row in table.to_dict("records"):
            level = row["level"]
            shown = (
                f"{level:.1%}"
                if row["kind"] in ("capex_grant", "concessional_loan")
                else f"{level:,.2f} USD/kg"
            )
            print(
                f"  {row['kind']:<18} {shown:>16}  P(NPV≥0) "
                f"{row['probability_npv_positive']:.1%}  expected cost "
                f"{row['expected_cost'] / 1e6:,.0f} m  P95 {row['p95_cost'] / 1e6:,.0f} m"
                f"  per t-year {row['cost_per_unit_capacity_year']:,.0f} USD"
                f"  meets: {row['meets_target']}  {row['note']}"
            )
        print(
            f"cheapest in expectation: {summary['cheapest_instrument']} "
            f"({summary['cheapest_expected_cost'] / 1e6:,.0f} m USD, P95 "
            f"{summary['cheapest_p95_cost'] / 1e6:,.0f} m)"
        )
        meeting = table[table["meets_target"]]
        if len(meeting):
            safest = meeting.loc[meeting["p95_cost"].idxmin()]
            print(
                f"cheapest in a bad case (P95): {safest['kind']} "
                f"({safest['p95_cost'] / 1e6:,.0f} m USD)"
            )


if __name__ == "__main__":
    main()
