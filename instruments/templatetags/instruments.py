"""Template filters of the officials' pages: figures as people read them."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
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
        if magnitude == 0:
            return "0"
        return f"{value:.4g}"
    if hasattr(value, "item"):  # numpy scalar
        return format_figure(value.item(), plain)
    return str(value)


@register.filter
def format_headline(value: Any) -> str:
    """Large figures in words for the headline cards: 906.9 million, 1.25 billion."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        magnitude = abs(float(value))
        if magnitude >= 1e9:
            return f"{value / 1e9:,.2f} billion"
        if magnitude >= 1e6:
            return f"{value / 1e6:,.1f} million"
    return format_figure(value)


@register.filter
def get_item(mapping: Mapping[str, Any], key: str) -> Any:
    """``record|get_item:column`` in a table."""
    return mapping.get(key) if isinstance(mapping, Mapping) else None


@register.filter
def humanise(name: str) -> str:
    """A snake_case column name as a heading: ``import_price`` → ``Import price``."""
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


@register.filter
def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
