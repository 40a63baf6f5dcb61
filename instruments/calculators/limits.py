"""Limits on one request, so a single calculation stays within seconds and memory.

Every limit is enforced where the input is declared (``spec(max_items=...)``,
``spec(max_value=...)``) or in the calculator's cross-field checks, and a request that
exceeds one gets an ``InputError`` naming the field, e.g.
``{"simulation": {"paths": ["12,000 paths × 1,200 steps = 14,400,000 exceeds ..."]}}``.

Sizing (measured on a 2-core machine, see ``bench/bench_calculators.py``):

- a deterministic calculation is O(periods × flows): 600 × 50 = 30,000 cells, a few ms;
- a simulation draws ``paths × steps`` normal numbers in chunks of ``SIMULATION_CHUNK``
  elements, about 50 ns each with the arithmetic, so ``MAX_PATH_STEPS`` = 12 million
  is well under a second; memory is bounded by the chunk and the fan sample (see
  ``simulation.py``), not by the number of paths.
"""

from __future__ import annotations

MAX_PERIODS = 600
"""Periods per request: 50 years of months."""

MAX_FLOWS = 50
"""Import flows (origins) per request."""

MAX_SUPPLIERS = 1_000
"""Suppliers (producers or lots) in a standards-market request."""

MAX_PRODUCERS = 2_000
"""Producer unit costs for a cost-curve reference price."""

MAX_HISTORY = 10_000
"""Observations of a price history used to estimate simulation parameters."""

MAX_PATHS = 200_000
"""Simulated price paths per request."""

MAX_STEPS = MAX_PERIODS
"""Simulation steps per path when no periods are given."""

MAX_PATH_STEPS = 12_000_000
"""Paths × steps per request (e.g. 100,000 paths of 120 months)."""

SIMULATION_CHUNK = 1_000_000
"""Normal draws held in memory at once (paths per chunk = this // steps, at least 1)."""

FAN_SAMPLE = 2_000_000
"""Path × period values kept for the per-period fan (P5/P50/P95): all paths when
paths × periods fits, else the first ``FAN_SAMPLE // periods`` paths."""

FAN_PATHS = 4_000
"""Paths the per-row fan (P5/P50/P95 of price, net cost and cumulative net cost) is
read from: the first ``FAN_PATHS`` of the fan sample. A percentile of 4,000 draws is
within about ±0.05 standard deviations of the true one at P5/P95 (±0.02 at P50), far
finer than a chart shows, and selecting on 4,000 values per row instead of every path
keeps a 10,000-path request within 2× of the bare arithmetic. The summary
figures (totals' percentiles, the histogram, each year's P95) use every path they did
before."""

MAX_MAGNITUDE = 1e15
"""Largest absolute value of any number in a request (a price, a quantity, a rate)."""

MAX_MARKETS = 30
"""Importing markets in a plurilateral market model (rest of the world included)."""

MAX_ORIGINS = 50
"""Origins (exporters and domestic producers) in a plurilateral market model."""

MAX_ROUTES = 600
"""Flows (origin → market routes) in a plurilateral market model."""

MAX_MEASURES = 50
"""Measures in each regime (before, after) of a plurilateral market model."""

MAX_DOWNSTREAM = 20
"""Downstream goods whose cost change a plurilateral calculation reports."""

MAX_DRAWS = 1_000
"""Uncertainty draws of a plurilateral market model (each one equilibrium)."""

MAX_STOCKPILE_MONTHS = 60
"""Months in a stockpile horizon (and in its build-up, and in a scenario's disruption)."""

MAX_STOCKPILE_SIZES = 12
"""Stock sizes compared in one stockpile calculation (each a path of equilibria)."""

MAX_STOCKPILE_DRAWS = 100_000
"""Disruptions drawn in a stockpile scenario run (interpolated, not each solved)."""

STOCKPILE_CUT_NODES = 5
"""Cuts at which a scenario run solves its paths; the draws between are interpolated."""
