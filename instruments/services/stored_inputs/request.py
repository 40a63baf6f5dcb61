"""What a stored input is declared with, and the request its filler reads and fills."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models

from instruments.calculators.base import (
    Calculator,
    ErrorCollector,
    InputError,
    describe,
    parse,
)
from instruments.calculators.extras import (
    DeclaredStocks,
    MarketBaseline,
    MemberSelection,
    StoredFlows,
    StoredPrices,
)


@dataclass(frozen=True)
class Extras:
    """The request extras given, parsed from their one declaration."""

    prices: StoredPrices
    members: MemberSelection
    flows: StoredFlows
    baseline: MarketBaseline
    stocks: DeclaredStocks


def parse_extras(*, given: Mapping[str, Any]) -> Extras:
    """The extras through the same parser as the inputs: every bad one at once."""
    errors = ErrorCollector()
    parsed: dict[str, Any] = {}
    blocks = (
        ("prices", StoredPrices),
        ("members", MemberSelection),
        ("flows", StoredFlows),
        ("baseline", MarketBaseline),
        ("stocks", DeclaredStocks),
    )
    for name, cls in blocks:
        own = {fs.name for fs in describe(cls)}
        try:
            parsed[name] = parse(cls, {k: v for k, v in given.items() if k in own})
        except InputError as exc:
            errors.merge(exc)
    errors.raise_if_any()
    prices = parsed["prices"]
    year = parsed["flows"].year
    if year is not None and prices.start is None and prices.end is None:
        # A trade year without a range: the prices of that year beside its flows.
        parsed["prices"] = dataclasses.replace(prices, start=str(year), end=str(year))
    return Extras(**parsed)


class StoredRequest:
    """A request being filled: the calculator, the data as given, the calculator's
    own fields (``resolved``, filled in place) and the extras, parsed when a filler
    first asks for them (so a check before reports its own errors first)."""

    def __init__(
        self,
        *,
        calculator: Calculator,
        data: Mapping[str, Any],
        resolved: dict[str, Any],
        given: Mapping[str, Any],
        partner_names: Callable[[set[str]], Mapping[str, str]],
    ) -> None:
        self.calculator = calculator
        self.data = data
        self.resolved = resolved
        self.given = given
        self.partner_names = partner_names
        """The stored partners' names, enough to check the codes given (read
        through the shared cache by the runner)."""

    @functools.cached_property
    def extras(self) -> Extras:
        return parse_extras(given=self.given)


@dataclass(frozen=True)
class StoredInput:
    """One stored input: the request fields that name it, the stored tables its
    filler reads (the result cache's key follows their versions), and the filler,
    which fills ``resolved`` and returns what was used (echoed under ``name``) or
    nothing."""

    name: str
    fields: tuple[str, ...]
    reads: tuple[type[models.Model], ...]
    fill: Callable[[StoredRequest], Any]
