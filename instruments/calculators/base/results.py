"""What a calculator returns (``Result``), the outputs it declares (``Output``) and its
registry record (``Calculator``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from instruments.calculators.base.parsing import parse
from instruments.calculators.translation import joined


@dataclass(frozen=True)
class Result:
    """What a calculator returns.

    ``summary``: headline figures (floats, NaN where undefined, or short strings).
    ``rows``: one row per period (or period × flow/supplier); columns are the API's names,
    in the order of ``Calculator.columns``.
    ``extras``: named tables a chart needs beyond the rows (e.g. the simulated fan and
    the distribution of total cost), each a DataFrame or a list of floats.
    """

    summary: dict[str, Any]
    rows: pd.DataFrame
    extras: dict[str, Any] = field(default_factory=dict)


UnitKind = Literal[
    "money", "price", "quantity", "share", "count", "years", "text", "plain"
]
"""How an output is measured: ``money`` in the result's currency (that of
``price_unit``, whole units), ``price`` in ``price_unit``, ``quantity`` in
``quantity_unit``, ``share`` a fraction shown as %, ``count`` a whole number, ``years``,
``text`` a short string, ``plain`` a number in no request unit (its label says what)."""


@dataclass(frozen=True)
class Output:
    """One figure a calculator returns: a summary key or a row column.

    ``label`` is in officials' words without the unit (the page adds the unit from
    ``unit``); ``headline`` outputs are shown first on the result page; ``help`` is one
    sentence of meaning, for the API documentation.
    """

    key: str
    label: str
    unit: UnitKind = "plain"
    headline: bool = False
    help: str = ""


WARNINGS_OUTPUT = Output(
    "warnings",
    "Warnings",
    "text",
    help="Present only when something in the result needs care (an estimate from few "
    "points, a value taken from another year or basis); sentences, one after another.",
)
"""The ``warnings`` summary key, shared by every calculator that can return it."""

DATA_BASIS_OUTPUT = Output(
    "data_basis",
    "Data used",
    "text",
    help="Present when the inputs were built from stored data: the trade data, HS "
    "codes and their scope, the price, production and elasticities, with sources.",
)
"""The ``data_basis`` summary key of a result on a stored baseline."""


def add_warning(summary: dict[str, Any], message: str) -> None:
    """Append ``message`` to the summary's ``warnings`` text: a ``translatable``
    sentence (or a declared one), so that pages say it in the reader's language."""
    summary["warnings"] = joined(summary.get("warnings"), message)


@dataclass(frozen=True)
class Calculator:
    """A registered instrument: its declared inputs, its pure computation, its outputs
    and an example.

    ``slug`` is the API path and page URL segment (``price-floor``); the module name is
    the same with underscores. ``price_field`` names the top-level series field that
    stored prices fill (with ``periods``) when a request names a commodity, or None
    when the calculator takes no market price. With ``price_field_scalar`` the field is
    one number (standards-market's ``base_price``): the service fills it with the
    average of the chosen range and sets no ``periods``. ``outputs`` declares every
    summary key the calculator can return, in display order (headline ones flagged);
    ``column_outputs`` declares each of ``columns``, in the same order. ``tables``
    names the ``Result.extras`` DataFrames published beside the rows, as
    ``(key, title)``: a JSON key, an XLSX sheet and a table on the page each;
    ``table_outputs`` labels their columns (with units) on the page.
    """

    slug: str
    title: str
    summary: str
    precedent: str
    inputs: type
    compute: Callable[[Any], Result]
    columns: tuple[str, ...]
    example: Mapping[str, Any]
    price_field: str | None = None
    outputs: tuple[Output, ...] = ()
    column_outputs: tuple[Output, ...] = ()
    price_field_scalar: bool = False
    tables: tuple[tuple[str, str], ...] = ()
    table_outputs: tuple[Output, ...] = ()
    work_steps: Callable[[Mapping[str, Any]], int] | None = None
    """Steps per simulated path a raw request costs, for the job threshold
    (``services.job_limits.simulation_size``), when it is not its periods: a project's
    years times the evaluations its solver makes."""

    def __post_init__(self) -> None:
        keys = [o.key for o in self.column_outputs]
        if tuple(keys) != self.columns:
            raise ValueError(f"{self.slug}: column_outputs must match columns.")
        if len({o.key for o in self.outputs}) != len(self.outputs):
            raise ValueError(f"{self.slug}: an output key is declared twice.")

    def output(self, key: str) -> Output | None:
        """The declared summary output ``key``, or None."""
        return self._outputs_by_key().get(key)

    def _outputs_by_key(self) -> dict[str, Output]:
        return {o.key: o for o in self.outputs}

    @property
    def headline_keys(self) -> tuple[str, ...]:
        """The summary keys shown first on the result page, in order."""
        return tuple(o.key for o in self.outputs if o.headline)

    def run(self, data: Mapping[str, Any]) -> Result:
        """Parse plain data and compute."""
        return self.compute(parse(self.inputs, data))
