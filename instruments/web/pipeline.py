"""The project pipeline page (INSTRUMENTS.md §12): every stored project against each
support instrument, ranked by the expected cost to the state per tonne of capacity
outside the dominant supplier, with each project's bankability gap. The work and its
cache are ``services.pipeline``; this page reads the choice and shows the table."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from instruments import selectors
from instruments.presentation.text import format_figure
from instruments.services import pipeline
from instruments.web import page_cache

METRIC_CHOICES = [
    ("probability_npv_positive", gettext_lazy("Probability that NPV ≥ 0")),
    ("p10_min_dscr", gettext_lazy("Minimum DSCR on 9 paths in 10 (P10)")),
    ("p50_irr", gettext_lazy("Median IRR")),
]
TARGET_BOUNDS = {
    "probability_npv_positive": (
        0.01,
        1.0,
        gettext_noop("a share from 0.01 to 1 (0.9 = 9 paths in 10)"),
    ),
    "p10_min_dscr": (0.1, 10.0, gettext_noop("a ratio from 0.1 to 10 (e.g. 1.3)")),
    # xgettext:no-python-format
    "p50_irr": (-0.5, 1.0, gettext_noop("a rate from -0.5 to 1 (0.12 = 12 %)")),
}
MODEL_NAMES = {"gbm": "GBM", "schwartz": "Schwartz"}
KIND_NAMES = {
    "price_floor": gettext_noop("Price floor (one-sided CfD)"),
    "two_sided_cfd": gettext_noop("Two-sided CfD"),
    "offtake_fixed": gettext_noop("Fixed-price offtake"),
    "offtake_collar": gettext_noop("Offtake collar"),
    "capex_grant": gettext_noop("Capex grant"),
    "concessional_loan": gettext_noop("Concessional loan"),
}


def kind_name(kind: str) -> str:
    """A support instrument's name in the reader's language."""
    return gettext(KIND_NAMES[kind]) if kind in KIND_NAMES else kind


class PipelineForm(forms.Form):
    """The bankability target every project is held to, and an optional price war."""

    metric = forms.ChoiceField(
        label=gettext_lazy("Bankability measure"),
        choices=METRIC_CHOICES,
        initial="probability_npv_positive",
    )
    target = forms.FloatField(label=gettext_lazy("Target"), initial=0.9)
    model = forms.ChoiceField(
        label=gettext_lazy("Price model"),
        choices=[
            ("schwartz", gettext_lazy("Mean-reverting (Schwartz)")),
            ("gbm", gettext_lazy("Geometric Brownian motion")),
        ],
        initial="schwartz",
        help_text=gettext_lazy(
            "Estimated from each commodity's stored price history; a history "
            "that shows no mean reversion is simulated with GBM."
        ),
    )
    dominant = forms.CharField(
        label=gettext_lazy("Dominant supplier"),
        initial="CHN",
        max_length=3,
        help_text=gettext_lazy("ISO3 code: projects there are ranked last."),
    )
    price_war_cut = forms.FloatField(
        label=gettext_lazy("Price war: cut"),
        initial=0.0,
        min_value=0.0,
        max_value=0.9,
        # xgettext:no-python-format
        help_text=gettext_lazy(
            "Share by which the dominant supplier lowers prices from first "
            "production (0.3 = 30 %)."
        ),
    )
    price_war_years = forms.IntegerField(
        label=gettext_lazy("Price war: years"), initial=0, min_value=0, max_value=10
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        metric, target = data.get("metric"), data.get("target")
        if metric in TARGET_BOUNDS and target is not None:
            low, high, words = TARGET_BOUNDS[metric]
            if not low <= target <= high:
                self.add_error(
                    "target",
                    gettext("The target is {words}.").format(words=gettext(words)),
                )
        dominant = str(data.get("dominant") or "").strip().upper()
        if dominant and dominant not in selectors.get_partner_names():
            self.add_error(
                "dominant",
                gettext("Unknown economy '{dominant}'.").format(dominant=dominant),
            )
        data["dominant"] = dominant
        cut, years = data.get("price_war_cut"), data.get("price_war_years")
        if cut and not years:
            self.add_error(
                "price_war_years", gettext("A price war needs at least one year.")
            )
        return data

    def choice(self) -> pipeline.PipelineChoice:
        data = self.cleaned_data
        return pipeline.PipelineChoice(
            metric=data["metric"],
            target=float(data["target"]),
            price_war_cut=float(data["price_war_cut"] or 0.0),
            price_war_years=int(data["price_war_years"] or 0),
            model=data["model"],
            dominant=data["dominant"],
        )


def project_pipeline(request: HttpRequest) -> HttpResponse:
    """The pipeline at the default target; a plain anonymous visit's page from the
    shared cache under the versions of what it reads."""
    if page_cache.is_plain_anonymous_visit(request):
        return page_cache.cached_page(
            request,
            f"project-pipeline:{translation.get_language()}",
            pipeline.PIPELINE_TABLES,
            lambda: _pipeline_page(request),
        )
    return _pipeline_page(request)


def _pipeline_page(request: HttpRequest) -> HttpResponse:
    given = {k: v for k, v in request.GET.items() if k in PipelineForm.base_fields}
    form = PipelineForm(
        {**{n: f.initial for n, f in PipelineForm.base_fields.items()}, **given}
    )
    if not form.is_valid():
        return render(
            request,
            "instruments/project_pipeline.html",
            {"form": form, "table": None},
            status=400,
        )
    choice = form.choice()
    table = pipeline.project_pipeline(choice)
    rows = [_shown(row, choice) for row in table["rows"]]
    return render(
        request,
        "instruments/project_pipeline.html",
        {
            "form": form,
            "choice": choice,
            "table": table,
            "rows": rows,
            "sentences": summary_sentences(rows, choice) if table["available"] else [],
            "dominant": sorted(table["dominant"].items()),
            "kinds": [kind_name(k) for k in pipeline.SUPPORT_KINDS],
            "unavailable": gettext(
                "The '{calculator}' calculator is not installed."
            ).format(calculator=pipeline.CALCULATOR),
        },
    )


def level_text(kind: str, level: float | None, price_unit: str) -> str:
    """An instrument's level in its own unit: a price, a share of capex, a rate."""
    if level is None:
        return "—"
    if kind == "capex_grant":
        # xgettext:no-python-format
        return gettext("{share} % of capex").format(share=format_figure(level * 100))
    if kind == "concessional_loan":
        # xgettext:no-python-format
        return gettext("{rate} % a year").format(rate=format_figure(level * 100))
    return f"{format_figure(level)} {price_unit}"


def _shown(row: dict[str, Any], choice: pipeline.PipelineChoice) -> dict[str, Any]:
    """A pipeline row with its figures as the page shows them."""
    currency = row["price_unit"].split("/")[0]
    shown = dict(row)
    gap = row.get("gap")
    if choice.metric == "probability_npv_positive":
        shown["gap_text"] = (
            "—"
            if gap is None
            else (
                gettext("none")
                if gap <= 0
                else gettext("{points} points short").format(
                    points=format_figure(gap * 100)
                )
            )
        )
    else:
        shown["gap_text"] = (
            "—"
            if gap is None
            else (
                gettext("none")
                if gap <= 0
                else gettext("{gap} short").format(gap=format_figure(gap))
            )
        )
    cost = row.get("cost_per_tonne")
    shown["cost_text"] = "—" if cost is None else f"{format_figure(cost)} {currency}/t"
    cheapest = row.get("cheapest")
    shown["cheapest_text"] = _cheapest_text(row, cheapest, gap)
    shown["model_text"] = MODEL_NAMES.get(row.get("model") or "", "")
    shown["instruments_shown"] = [
        {
            "name": kind_name(i["kind"]),
            "level": level_text(i["kind"], i["level"], row["price_unit"]),
            "meets": i["meets_target"],
            "expected": format_figure(i["expected_cost"]),
            "p95": format_figure(i["p95_cost"]),
            "per_tonne": format_figure(i["cost_per_tonne"]),
        }
        for i in row.get("instruments", [])
    ]
    shown["currency"] = currency
    shown["calculator_url"] = calculator_url(row["slug"], choice)
    shown["same_project_url"] = same_project_url(row["slug"], choice)
    return shown


def same_project_url(slug: str, choice: pipeline.PipelineChoice) -> str:
    """The comparison of the stored project ``slug`` under each instrument, with
    the pipeline's ``choice``."""
    query = {
        "project": slug,
        "metric": choice.metric,
        "target": choice.target,
        "model": choice.model,
        "price_war_cut": choice.price_war_cut,
        "price_war_years": choice.price_war_years,
    }
    return f"{reverse('instruments:instrument_compare')}?{urlencode(query)}"


def calculator_url(slug: str, choice: pipeline.PipelineChoice) -> str:
    """The calculator page run on the stored project with the pipeline's choice:
    its charts, cash flows and sentences, to save or compare."""
    request = pipeline.support_request(slug, choice)
    return (
        reverse("instruments:calculator", args=[pipeline.CALCULATOR])
        + "?"
        + urlencode({"inputs": json.dumps(request, separators=(",", ":"))})
    )


def _cheapest_text(
    row: dict[str, Any], cheapest: dict[str, Any] | None, gap: float | None
) -> str:
    if not row.get("instruments"):
        return "—"
    if gap is not None and gap <= 0:
        return gettext("none needed")
    if cheapest is not None:
        return gettext("{instrument} at {level}").format(
            instrument=kind_name(cheapest["kind"]),
            level=level_text(cheapest["kind"], cheapest["level"], row["price_unit"]),
        )
    return gettext("no instrument meets the target")


def summary_sentences(
    rows: list[dict[str, Any]], choice: pipeline.PipelineChoice
) -> list[str]:
    """What the ranking means, in a few sentences."""
    ran = [r for r in rows if r.get("instruments")]
    if not ran:
        return []
    bankable = [r for r in ran if r["gap"] is not None and r["gap"] <= 0]
    helped = [r for r in ran if r["gap"] is not None and r["gap"] > 0 and r["cheapest"]]
    hopeless = len(ran) - len(bankable) - len(helped)
    # Two sentences rather than ngettext: the glossary check reads each entry's one
    # translation (bankable = finançable = 融資可能).
    if len(bankable) == 1:
        counted = gettext(
            "Of {ran} projects run, {bankable} is bankable as it stands, {helped} "
            "can be made bankable by at least one instrument and {hopeless} by none "
            "within its bounds."
        )
    else:
        counted = gettext(
            "Of {ran} projects run, {bankable} are bankable as they stand, {helped} "
            "can be made bankable by at least one instrument and {hopeless} by none "
            "within its bounds."
        )
    sentences = [
        counted.format(
            ran=len(ran),
            bankable=len(bankable),
            helped=len(helped),
            hopeless=hopeless,
        )
    ]
    outside = [r for r in helped if r["outside_dominant"]]
    if outside:
        best = min(outside, key=lambda r: r["cost_per_tonne"])
        cheapest = best["cheapest"]
        sentences.append(
            gettext(
                "Cheapest to support outside {dominant}: {project}, with "
                "{instrument}, an expected cost of {cost} of yearly capacity and "
                "{p95} {currency} in a bad case (P95)."
            ).format(
                dominant=choice.dominant,
                project=best["name"],
                instrument=best["cheapest_text"][0].lower() + best["cheapest_text"][1:],
                cost=best["cost_text"],
                p95=format_figure(cheapest["p95_cost"]),
                currency=best["currency"],
            )
        )
    if any((r["cost_per_tonne"] or 0) < 0 for r in helped):
        sentences.append(
            gettext(
                "Where the cheapest cost is negative the state expects to gain: a "
                "fixed price or two-sided contract set below the prices the model "
                "expects pays back more than it pays out on average, though not in "
                "a bad case."
            )
        )
    return sentences
