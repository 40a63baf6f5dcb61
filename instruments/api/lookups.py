"""Lookups shared by the API and the pages: an unknown name is a 404."""

from __future__ import annotations

from django.http import Http404

from instruments.calculators import REGISTRY
from instruments.calculators.base import Calculator


def get_calculator_or_404(slug: str) -> Calculator:
    """The registered calculator, or a 404 listing the known ones.

    ``Http404`` rather than DRF's ``NotFound`` so that pages can use it too; DRF turns
    it into its own 404 with the same message."""
    calculator = REGISTRY.get(slug)
    if calculator is None:
        known = ", ".join(sorted(REGISTRY))
        raise Http404(f"No calculator '{slug}'. Known calculators: {known}.")
    return calculator
