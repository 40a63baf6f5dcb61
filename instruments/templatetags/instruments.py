"""Template filters of the officials' pages: figures as people read them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, gettext_noop

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


_CHOICES: dict[str, Any] = {}


def _choices() -> dict[str, Any]:
    """The model choices whose labels pages show, by the name the filter takes."""
    if not _CHOICES:
        from instruments.models import jobs, prices, projects, security

        _CHOICES.update(
            {
                "stage": prices.Stage,
                "frequency": prices.Frequency,
                "measure": security.ExportMeasure,
                "stock_kind": security.StockKind,
                "project_stage": projects.ProjectStage,
                "project_status": projects.ProjectStatus,
                "job_kind": jobs.JobKind,
                "job_state": jobs.JobState,
            }
        )
    return _CHOICES


@register.filter
def choice_label(value: Any, kind: str) -> Any:
    """A stored choice (``refined``, ``monthly``, ``running``) as its label in the
    reader's language; a value the choices do not know is shown as it is."""
    choices = _choices().get(kind)
    try:
        return gettext(choices(value).label) if choices else value
    except ValueError:
        return value


PLOTLY_WORDS = (
    gettext_noop("Zoom"),
    gettext_noop("Pan"),
    gettext_noop("Box Select"),
    gettext_noop("Lasso Select"),
    gettext_noop("Zoom in"),
    gettext_noop("Zoom out"),
    gettext_noop("Autoscale"),
    gettext_noop("Reset axes"),
    gettext_noop("Toggle Spike Lines"),
    gettext_noop("Show closest data on hover"),
    gettext_noop("Compare data on hover"),
    gettext_noop("Double-click to zoom back out"),
)
"""The words of Plotly's own toolbar, as Plotly's locale dictionaries key them."""


def page_words() -> dict[str, Any]:
    """The words the page's scripts show (``app.js``, ``jobs.js``), in the reader's
    language; ``{name}`` placeholders are filled by the script."""
    from instruments.models.jobs import JobState

    return {
        "language": get_language() or "en",
        "copied": gettext("Copied"),
        "calculating": gettext("Calculating…"),
        "calculating_for": gettext(
            "Calculating… {seconds} s (simulations with many paths take a few seconds)"
        ),
        "server_answered": gettext("The server answered {status}."),
        "unexpected_answer": gettext("Unexpected answer from the server."),
        "calculation_failed": gettext(
            "The calculation failed: {reason} Please try again."
        ),
        "modified_from": gettext("Modified from:"),
        "download_png": gettext("Download as PNG, with title and source"),
        "job_states": {state.value: gettext(state.label) for state in JobState},
        "plotly": {word: gettext(word) for word in PLOTLY_WORDS},
    }


@register.simple_tag
def js_words() -> SafeString:
    """The scripts' words as a JSON element (``#js-words``): one catalogue for the
    pages and their scripts."""
    return json_script(page_words(), "js-words")
