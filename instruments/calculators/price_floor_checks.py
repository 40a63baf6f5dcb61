"""The price floor's cross-field rules: what its inputs need together (bounds, lengths
and units are checked by the base), each message beside its field."""

from __future__ import annotations

from typing import TYPE_CHECKING

from instruments.calculators.errors import ErrorCollector
from instruments.calculators.translation import gettext

if TYPE_CHECKING:
    from instruments.calculators.price_floor import PriceFloorInputs


def check_inputs(inputs: PriceFloorInputs, errors: ErrorCollector) -> None:
    """Add every cross-field problem of ``inputs`` to ``errors``."""
    for i, flow in enumerate(inputs.flows):
        if flow.import_price is None and inputs.market_price is None:
            errors.add(
                ("flows", i, "import_price"),
                gettext(
                    "Give an import price here, or a market price for the request."
                ),
            )
    if not inputs.flows:
        errors.add(("flows",), gettext("Give at least one import flow."))
    if inputs.market_price_basis == "fob" and inputs.market_price is not None:
        if inputs.freight_insurance is None and inputs.cif_fob_factor is None:
            errors.add(
                ("freight_insurance",),
                gettext(
                    "The market price is FOB but the levy is on the CIF price: give "
                    "the freight and insurance per unit, or a CIF/FOB factor."
                ),
            )
        elif inputs.freight_insurance is not None and inputs.cif_fob_factor is not None:
            errors.add(
                ("cif_fob_factor",),
                gettext("Give a freight-and-insurance add-on or a factor, not both."),
            )
    basis = inputs.reference_basis
    if basis == "fixed" and inputs.reference_price is None:
        errors.add(
            ("reference_price",), gettext("Required for a fixed reference price.")
        )
    if basis == "trailing_average" and inputs.market_price is None:
        errors.add(
            ("market_price",),
            gettext("Required for a trailing-average reference price."),
        )
    if basis == "cost_percentile":
        costs, volumes = inputs.producer_costs, inputs.producer_volumes
        if costs is None:
            errors.add(
                ("producer_costs",),
                gettext("Required for a cost-curve reference price."),
            )
        elif volumes is not None:
            if len(volumes) != len(costs):
                errors.add(
                    ("producer_volumes",),
                    gettext(
                        "{n_volumes} volumes given for {n_costs} producers."
                    ).format(n_volumes=len(volumes), n_costs=len(costs)),
                )
            elif sum(volumes) <= 0:
                errors.add(
                    ("producer_volumes",),
                    gettext("At least one volume must be above 0."),
                )
