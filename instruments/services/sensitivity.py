"""Sensitivity of a calculation's headline figures: one-way sweeps and the tornado.

``run_sweep`` and ``run_tornado`` are plain keyword-only functions of plain data, so
that a long sweep can be handed to a job as it is. Each point is one
``run_calculation`` (stored prices and flows filled as for a single run).
``analyse`` is the API's request, ``{"inputs", "vary", "tornado"}``, read and run
whole: the same function answers in the request and on a worker, and reports its
progress point by point.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from instruments.calculators import get_calculator, progress
from instruments.calculators.base import (
    Calculator,
    ErrorCollector,
    FieldSpec,
    InputError,
    describe,
)
from instruments.calculators.sensitivity import (
    MAX_POINTS,
    PathError,
    get_path,
    scale,
    set_path,
    sweep_values,
)
from instruments.services.calculation import run_calculation


@dataclass(frozen=True)
class Variation:
    """One input to vary: its dotted path and the values it takes."""

    path: str
    values: tuple[float, ...]


def parse_variations(*, items: Any) -> list[Variation]:
    """``[{"path", "from", "to", "steps"} | {"path", "values"}]`` as Variations;
    InputError naming the item when one is malformed."""
    if isinstance(items, Mapping):
        items = [items]
    if not isinstance(items, list) or not items:
        raise InputError.at(("vary",), gettext("Give at least one input to vary."))
    if len(items) > MAX_POINTS:
        raise InputError.at(
            ("vary",),
            gettext("Vary at most {MAX_POINTS} inputs.").format(MAX_POINTS=MAX_POINTS),
        )
    found = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping) or not isinstance(item.get("path"), str):
            raise InputError.at(("vary", str(i)), gettext("Each item needs a 'path'."))
        refuse_unknown(item, VARY_KEYS, ("vary", str(i)))
        steps = item.get("steps")
        if isinstance(steps, float) and steps.is_integer():
            steps = int(steps)  # 9.0 is 9 (as json_type_problem reads a whole number)
        if steps is not None and not (
            isinstance(steps, int) and not isinstance(steps, bool)
        ):
            raise InputError.at(
                ("vary", str(i), "steps"), gettext("Expected a whole number.")
            )
        if steps is not None and steps > MAX_POINTS:
            raise InputError.at(
                ("vary", str(i), "steps"),
                gettext(
                    "This asks for {steps:,} points; at most {MAX_POINTS} are allowed in one request."
                ).format(steps=steps, MAX_POINTS=MAX_POINTS),
            )
        try:
            values = sweep_values(
                start=item.get("from"),
                stop=item.get("to"),
                steps=steps,
                values=item.get("values"),
            )
        except (TypeError, ValueError) as exc:
            raise InputError.at(("vary", str(i)), str(exc)) from None
        found.append(Variation(item["path"], tuple(values)))
    return found


REQUEST_KEYS = frozenset({"inputs", "vary", "tornado"})
VARY_KEYS = frozenset({"path", "from", "to", "steps", "values"})
TORNADO_KEYS = frozenset({"paths", "change", "skip_refused"})


def refuse_unknown(
    data: Mapping[str, Any], known: frozenset[str], at: tuple[str, ...] = ()
) -> None:
    """InputError naming every key of ``data`` that is not in ``known``."""
    errors = ErrorCollector()
    listing = "Unknown field. Known fields: " + ", ".join(sorted(known)) + "."
    for key in sorted(str(k)[:80] for k in data if k not in known):
        errors.add((*at, key), listing)
    errors.raise_if_any()


def headline_keys(*, calculator: Calculator, summary: Mapping[str, Any]) -> list[str]:
    """The figures a sensitivity follows: the declared headline figures that are
    numbers in this result, then every other money figure of the summary (revenue,
    consumer cost, fiscal cost, welfare: what officials brief on)."""
    headline = [k for k in calculator.headline_keys if _is_figure(summary.get(k))]
    money = [
        k
        for k, v in summary.items()
        if k not in headline
        and _is_figure(v)
        and (o := calculator.output(k)) is not None
        and o.unit == "money"
    ]
    return headline + money[:MAX_MONEY_FIGURES]


MAX_MONEY_FIGURES = 8
"""Money figures a sensitivity follows beyond the declared headline ones."""


def _is_figure(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_points(*, n: int, max_points: int = MAX_POINTS) -> None:
    if n > max_points:
        raise InputError.at(
            ("vary",),
            gettext(
                "This asks for {n} calculations; at most {max_points} are allowed in one request. Use fewer steps or fewer inputs."
            ).format(n=n, max_points=max_points),
        )


def run_sweep(
    *,
    slug: str,
    base: Mapping[str, Any],
    variations: Sequence[Variation],
    max_points: int = MAX_POINTS,
) -> tuple[list[str], list[dict[str, Any]]]:
    """(headline keys, rows): one row per point, ``{"input", "value", <headline>...}``.
    Raises InputError for a bad path, too many points or an input the calculator
    refuses."""
    calculator = get_calculator(slug)
    check_points(n=sum(len(v.values) for v in variations), max_points=max_points)
    first = run_calculation(slug=slug, data=base)
    keys = headline_keys(calculator=calculator, summary=first.result.summary)
    rows: list[dict[str, Any]] = []
    total = sum(len(v.values) for v in variations)
    for variation in variations:
        for value in variation.values:
            data = _with(calculator, base, variation.path, value)
            with progress.within(len(rows) / total, (len(rows) + 1) / total):
                summary = _run(slug, data, variation.path)
            progress.report((len(rows) + 1) / total)
            rows.append(
                {
                    "input": variation.path,
                    "value": value,
                    **{k: _plain(summary.get(k)) for k in keys},
                }
            )
    return keys, rows


def run_tornado(
    *,
    slug: str,
    base: Mapping[str, Any],
    paths: Sequence[str],
    change: float = 0.1,
    max_points: int = MAX_POINTS,
    skip_refused: bool = False,
    figure: str | None = None,
) -> tuple[str | None, list[dict[str, Any]]]:
    """(headline key, rows): for each input, the first headline figure when the input
    is ``change`` lower and higher (as a share, 0.1 = ±10 %), widest swing first.
    With ``skip_refused`` an input whose moved value the calculator refuses (a share
    above 1) is left out instead of failing the whole tornado."""
    calculator = get_calculator(slug)
    check_points(n=2 * len(paths) + 1, max_points=max_points)
    summary = run_calculation(slug=slug, data=base).result.summary
    keys = headline_keys(calculator=calculator, summary=summary)
    if not keys:
        return None, []
    key = figure if figure in keys else keys[0]
    rows: list[dict[str, Any]] = []
    for done, path in enumerate(paths):
        progress.report(done / len(paths))
        try:
            value = get_path(base, path)
        except PathError as exc:
            raise InputError.at(("vary",), str(exc)) from None
        whole = is_whole(calculator=calculator, path=path)
        try:
            lower = _run(
                slug, set_path(base, path, scale(value, 1 - change, whole)), path
            )
            higher = _run(
                slug, set_path(base, path, scale(value, 1 + change, whole)), path
            )
        except InputError:
            if skip_refused:
                continue
            raise
        low, high = lower.get(key), higher.get(key)
        rows.append(
            {
                "input": path,
                "base": _plain(summary.get(key)),
                "low": _plain(low),
                "high": _plain(high),
                "swing": abs((_plain(high) or 0.0) - (_plain(low) or 0.0)),
                # every followed figure, so that a page can draw another's tornado
                "figures": {
                    k: {
                        "base": _plain(summary.get(k)),
                        "low": _plain(lower.get(k)),
                        "high": _plain(higher.get(k)),
                    }
                    for k in keys
                },
            }
        )
    rows.sort(key=lambda r: -float(r["swing"] or 0.0))
    return key, rows


def is_whole(*, calculator: Calculator, path: str) -> bool:
    """Whether the input at ``path`` is declared as a whole number."""
    specs: tuple[FieldSpec, ...] = describe(calculator.inputs)
    spec = None
    for step in path.split("."):
        if step.isdigit():
            continue
        spec = next((fs for fs in specs if fs.name == step), None)
        if spec is None:
            return False
        specs = spec.children
    return spec is not None and spec.kind == "integer"


def _with(
    calculator: Calculator, base: Mapping[str, Any], path: str, value: float
) -> dict[str, Any]:
    try:
        get_path(base, path)
        return set_path(
            base,
            path,
            round(value) if is_whole(calculator=calculator, path=path) else value,
        )
    except PathError as exc:
        raise InputError.at(("vary",), str(exc)) from None


def _run(slug: str, data: Mapping[str, Any], path: str) -> Mapping[str, Any]:
    try:
        return run_calculation(slug=slug, data=data).result.summary
    except InputError as exc:
        raise InputError.at(
            ("vary",),
            gettext(
                "With {path} varied the calculator refuses the inputs: {exc}"
            ).format(path=path, exc=exc),
        ) from None


def _plain(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) if math.isfinite(value) else None
    return None


@dataclass(frozen=True)
class Request:
    """A sensitivity request read from the API's body."""

    slug: str
    base: Mapping[str, Any]
    variations: list[Variation]
    tornado_paths: list[str]
    change: float
    skip_refused: bool = False
    """Leave out of the tornado an input whose moved value the calculator refuses."""

    @property
    def points(self) -> int:
        """Calculations it asks for: each sweep point and two per tornado input."""
        return sum(len(v.values) for v in self.variations) + 2 * len(self.tornado_paths)


def read_request(*, slug: str, body: Any) -> Request:
    """``{"inputs": {...}, "vary": [...], "tornado": {"paths", "change"}}`` read and
    checked (shape and number of points, not the calculations); InputError else."""
    if not isinstance(body, Mapping) or not isinstance(body.get("inputs"), Mapping):
        raise InputError(gettext("Send {'inputs': {...}, 'vary': [...]}."))
    refuse_unknown(body, REQUEST_KEYS)
    variations = parse_variations(items=body.get("vary"))
    spec = body.get("tornado") or {}
    if not isinstance(spec, Mapping):
        raise InputError.at(
            ("tornado",), gettext("Give {'paths': [...], 'change': 0.1}.")
        )
    refuse_unknown(spec, TORNADO_KEYS, ("tornado",))
    paths = spec.get("paths") or []
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise InputError.at(
            ("tornado", "paths"), gettext("Give a list of input paths.")
        )
    if 2 * len(paths) > MAX_POINTS:
        raise InputError.at(
            ("tornado", "paths"),
            gettext(
                "At most {limit} inputs (two calculations each); {count} given."
            ).format(limit=MAX_POINTS // 2, count=len(paths)),
        )
    try:
        change = float(spec.get("change", 0.1))
    except (TypeError, ValueError):
        raise InputError.at(
            ("tornado", "change"), gettext("Give a share, e.g. 0.1.")
        ) from None
    if not (0 < change < 1):
        raise InputError.at(
            ("tornado", "change"),
            gettext("Give a share between 0 and 1, e.g. 0.1 for ±10 %."),
        )
    request = Request(
        slug,
        body["inputs"],
        variations,
        list(paths),
        change,
        skip_refused=bool(spec.get("skip_refused", False)),
    )
    check_points(n=request.points)
    return request


def analyse(*, request: Request) -> dict[str, Any]:
    """The sweeps and the tornado of a request: ``{"summary", "rows", "inputs",
    "columns"}`` (``columns`` heads the CSV/XLSX of the rows)."""
    share = len(request.tornado_paths) * 2 / max(request.points, 1)
    with progress.within(0.0, 1.0 - share):
        keys, rows = run_sweep(
            slug=request.slug, base=request.base, variations=request.variations
        )
    tornado_key: str | None = None
    tornado: list[dict[str, Any]] = []
    if request.tornado_paths:
        with progress.within(1.0 - share, 1.0):
            tornado_key, tornado = run_tornado(
                slug=request.slug,
                base=request.base,
                paths=request.tornado_paths,
                change=request.change,
                skip_refused=request.skip_refused,
            )
    progress.report(1.0)
    return {
        "summary": {
            "points": len(rows),
            "headline": keys,
            "tornado_figure": tornado_key,
            "tornado": tornado,
        },
        "rows": rows,
        "inputs": dict(request.base),
        "columns": ["input", "value", *keys],
    }
