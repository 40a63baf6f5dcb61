"""Template filters of the officials' pages: figures as people read them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from instruments.calculators.numbers import is_number
from instruments.calculators.translation import translate
from instruments.presentation import presenters
from instruments.presentation.charts.base import PLOTLY_CONFIG

register = template.Library()


register.filter("format_figure", presenters.format_figure)
register.filter("format_headline", presenters.format_headline)
register.filter("format_percent", presenters.format_percent)


@register.filter
def spec_help(spec: Any) -> str:
    """A declared input's help as a page says it: in the reader's language, shares
    typed as percentages."""
    text = str(getattr(spec, "help", "") or "")
    text = gettext(text) if text else text
    if getattr(spec, "unit", "") in presenters.PERCENT_UNITS:
        return presenters.percent_help(text)
    return text


@register.filter
def translated(text: Any) -> Any:
    """A declared text (an input's label or help, a calculator's title) in the reader's
    language. Unlike ``{% translate variable %}``, a "%" in it is kept as it is. A
    result's warnings (``Sentences``) are said sentence by sentence."""
    if not isinstance(text, str) or not text:
        return text
    return translate(text)


@register.filter
def get_item(mapping: Mapping[str, Any], key: str) -> Any:
    """``record|get_item:column`` in a table."""
    return mapping.get(key) if isinstance(mapping, Mapping) else None


@register.filter
def humanise(name: str) -> str:
    """A snake_case column name as a heading: ``import_price`` → ``Import price``."""
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


register.filter("is_number", is_number)


@register.simple_tag
def plotly_config() -> SafeString:
    """The one shared Plotly config as a JSON element (``#plotly-config``)."""
    return json_script(PLOTLY_CONFIG, "plotly-config")
