"""Long work as jobs: a job's page (progress, then downloads) and the batch page that
runs a calculator over a grid of values as one job."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from instruments.api.lookups import get_calculator_or_404
from instruments.calculators import REGISTRY
from instruments.calculators.base import Calculator, InputError
from instruments.models import Job, JobKind
from instruments.services import jobs as job_services
from instruments.services.job_limits import JobQuotaExceeded
from instruments.web.batch_forms import BatchForm
from instruments.web.shortcuts import quota_response, throttled_response
from webapp.security import client_ip


def job_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    """A job's page: a progress bar that follows it, then the downloads."""
    job = job_services.job_status(job_id=job_id, user=request.user)
    if job is None:
        raise Http404("No such job")
    return render(
        request,
        "instruments/job_detail.html",
        {
            "job": job,
            # An export runs no calculator.
            "calculator": REGISTRY.get(job.calculator),
            "export": job.request.get("export", ""),
            "size": job.request.get("size")
            if job.kind != JobKind.CALCULATION
            else None,
            "api_url": reverse("api-job", args=[job.pk]),
            "cancel_url": reverse("instruments:job_cancel", args=[job.pk]),
            "result_url": reverse("api-job-result", args=[job.pk]),
            "next_url": _job_next_url(job),
        },
    )


@require_POST
def job_cancel(request: HttpRequest, job_id: str) -> HttpResponse:
    """The job page's Cancel button: cancel the job, then show its page again."""
    job = job_services.get_job(job_id=job_id, user=request.user)
    if job is None:
        raise Http404("No such job")
    job_services.cancel_job(job=job)
    return redirect("instruments:job", job_id=job.pk)


def _job_next_url(job: Job) -> str:
    """Where the page goes when the job is done: a sensitivity analysis started from
    its page goes back to that page, which draws the job's result."""
    if job.kind != JobKind.SENSITIVITY or "page_query" not in job.request:
        return ""
    query = QueryDict(job.request["page_query"], mutable=True)
    query["job"] = str(job.pk)
    url = reverse("instruments:calculator_sensitivity", args=[job.calculator])
    return f"{url}?{query.urlencode()}"


def batch_form(request: HttpRequest, slug: str) -> HttpResponse:
    """Run a calculator over a grid of values as one job, then follow it."""
    calculator = get_calculator_or_404(slug)
    if request.method == "POST":
        if (limited := throttled_response(request)) is not None:
            return limited
        form = BatchForm(request.POST)
        if form.is_valid():
            try:
                job = job_services.submit_batch(
                    calculator=slug,
                    owner=request.user,
                    base=form.cleaned_data["base"],
                    grid=form.cleaned_data["grid"],
                    client=client_ip(request),
                )
            except InputError as exc:
                form.add_error(None, str(exc))
            except JobQuotaExceeded as exc:
                return quota_response(request, exc)
            else:
                return redirect("instruments:job", job_id=job.pk)
    else:
        form = BatchForm(
            initial={
                "base": json.dumps(dict(calculator.example), indent=2),
                "grid": _example_grid(calculator),
            }
        )
    return render(
        request,
        "instruments/batch_form.html",
        {"calculator": calculator, "form": form, "headline": calculator.headline_keys},
    )


def _example_grid(calculator: Calculator) -> str:
    """A starting grid: the first numeric top-level input of the example, ±20 %."""
    for name, value in calculator.example.items():
        if isinstance(value, int | float) and not isinstance(value, bool) and value:
            steps = [round(value * f, 6) for f in (0.8, 0.9, 1.0, 1.1, 1.2)]
            return f"{name} = " + ", ".join(f"{s:g}" for s in steps)
    return ""
