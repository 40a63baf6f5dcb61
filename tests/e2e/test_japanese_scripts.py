"""What the pages' scripts write, in Japanese in Chromium: the job page's state as it
follows the job, the copy button's answer, and Plotly's own toolbar on the
sensitivity page's charts, all from the one catalogue (``#js-words``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from instruments.models import Job, JobKind, JobState, Scenario

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def in_japanese(page: Page) -> None:
    page.context.set_extra_http_headers({"Accept-Language": "ja"})


def test_the_job_page_follows_the_job_in_japanese(page: Page, live_server: Any) -> None:
    job = Job.objects.create(
        kind=JobKind.BATCH,
        calculator="price-floor",
        request={"size": 4},
        state=JobState.QUEUED,
    )
    answers = [("running", 50), ("succeeded", 100)]

    def job_resource(route: Route) -> None:
        state, progress = answers[0] if len(answers) > 1 else answers[-1]
        if len(answers) > 1:
            answers.pop(0)
        route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps({"id": str(job.pk), "state": state, "progress": progress}),
        )

    in_japanese(page)
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    label = page.locator("[data-job-label]")
    expect(label).to_have_text("待機中 · 0 %")  # the page's own first words
    page.route(f"**/api/v1/jobs/{job.pk}/", job_resource)
    page.reload()
    expect(label).to_have_text("完了 · 100 %", timeout=15_000)
    expect(page.locator("[data-job-done]")).to_be_visible()
    expect(page.locator("[data-job-cancel]")).to_be_hidden()


def test_the_copy_button_and_the_charts_toolbar_speak_japanese(
    page: Page, live_server: Any
) -> None:
    scenario = Scenario.objects.create(
        calculator="price-floor", title="床", inputs={}, is_public=True
    )
    in_japanese(page)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{live_server.url}/scenarios/{scenario.pk}/")
    copy = page.locator("[data-copy=permalink]")
    copy.click()
    expect(copy).to_have_text("コピーしました")

    page.goto(f"{live_server.url}/calculators/price-floor/sensitivity/?steps=3")
    chart = page.locator("#chart-sweep")
    expect(chart.locator(".main-svg").first).to_be_visible(timeout=30_000)
    chart.hover()
    reset = chart.locator('.modebar-btn[data-attr="zoom"][data-val="reset"]')
    expect(reset).to_have_attribute("data-title", "軸をリセット")
    buttons = chart.locator(".modebar-btn")
    titles = [
        buttons.nth(i).get_attribute("data-title") for i in range(buttons.count())
    ]
    assert "タイトルと出典付きでPNGをダウンロード" in titles, titles
    assert not any(t and t.isascii() and " " in t for t in titles), titles
