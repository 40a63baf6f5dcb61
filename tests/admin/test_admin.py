"""The stewards' admin: import with preview, all-or-nothing, history, permissions."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from instruments.models import PriceObservation, PriceSeries

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:instruments_priceobservation_import"
CONFIRM_URL = "admin:instruments_priceobservation_process_import"


def _csv_format_index(response):
    """The <option> value of CSV in the import form (don't hardcode the index)."""
    html = response.content.decode()
    match = re.search(r'<option value="(\d+)"[^>]*>\s*csv\s*</option>', html, re.I)
    assert match, "CSV is not offered"
    return match.group(1)


def _upload(client, text, name="prices.csv"):
    form = client.get(reverse(IMPORT_URL))
    assert form.status_code == 200
    return client.post(
        reverse(IMPORT_URL),
        {
            "format": _csv_format_index(form),
            "import_file": SimpleUploadedFile(name, text.encode(), "text/csv"),
            "resource": "0",
        },
    )


def test_valid_file_previews_then_lands_with_history(client, steward, nickel_series):
    client.force_login(steward)
    preview = _upload(
        client,
        "series,period,price,estimated\n"
        "nickel-test-monthly,2024-04,130,false\n"
        "nickel-test-monthly,2024-01,95,true\n",
    )
    assert preview.status_code == 200
    assert PriceObservation.objects.count() == 3  # the preview is a dry run
    confirm = preview.context["confirm_form"]
    assert confirm is not None
    done = client.post(reverse(CONFIRM_URL), confirm.initial)
    assert done.status_code == 302
    assert PriceObservation.objects.count() == 4
    january = PriceObservation.objects.get(series=nickel_series, period="2024-01-01")
    assert january.price == 95
    assert january.estimated
    record = january.history.first()
    assert record.history_user == steward
    assert record.history_type == "~"


def test_file_with_one_bad_row_writes_nothing_and_names_it(
    client, steward, nickel_series
):
    client.force_login(steward)
    response = _upload(
        client,
        "series,period,price\n"
        "nickel-test-monthly,2024-04,130\n"
        "nickel-test-monthly,2024-05,-1\n"
        "nickel-test-monthly,2024-06,140\n",
    )
    assert response.status_code == 200
    assert "confirm_form" not in response.context or not response.context.get(
        "confirm_form"
    )
    result = response.context["result"]
    assert [row.number for row in result.invalid_rows] == [2]
    html = response.content.decode()
    assert "0 or more" in html
    assert PriceObservation.objects.count() == 3


def test_export_csv_uses_codes_and_labels(client, steward, nickel_series):
    client.force_login(steward)
    url = reverse("admin:instruments_priceobservation_export")
    form = client.get(url)
    assert form.status_code == 200
    html = form.content.decode()
    match = re.search(r'<option value="(\d+)"[^>]*>\s*csv\s*</option>', html, re.I)
    response = client.post(
        url,
        {
            "format": match.group(1),
            "resource": "0",
            "priceobservationresource_series": "on",
            "priceobservationresource_period": "on",
            "priceobservationresource_price": "on",
            "priceobservationresource_estimated": "on",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.splitlines()[0] == "series,period,price,estimated"
    assert "nickel-test-monthly,2024-01,100" in body


def test_steward_edits_a_price_and_history_records_them(client, steward, nickel_series):
    client.force_login(steward)
    obs = nickel_series.observations.get(period="2024-02-01")
    url = reverse("admin:instruments_priceobservation_change", args=[obs.pk])
    response = client.post(
        url,
        {
            "series": nickel_series.pk,
            "period": "2024-02-01",
            "price": "111.5",
            "estimated": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    obs.refresh_from_db()
    assert str(obs.price.normalize()) == "111.5"
    assert obs.history.first().history_user == steward
    history = client.get(
        reverse("admin:instruments_priceobservation_history", args=[obs.pk])
    )
    assert history.status_code == 200
    assert "steward" in history.content.decode()


def test_steward_cannot_reach_users(client, steward):
    client.force_login(steward)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert client.get(reverse("admin:index")).status_code == 200


def test_non_staff_user_is_sent_to_login(client, django_user_model):
    user = django_user_model.objects.create_user(username="official")
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    response = client.get(reverse(IMPORT_URL))
    assert response.status_code == 302


def test_series_page_shows_its_chart(client, steward, nickel_series):
    client.force_login(steward)
    response = client.get(
        reverse("admin:instruments_priceseries_change", args=[nickel_series.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "plotly/plotly.min.js" in html
    assert 'id="price-history-figure"' in html
    assert "instruments/admin_price_chart.js" in html  # draws it (no inline script)
    figure = response.context["price_chart"]
    assert figure["data"][0]["y"] == [100.0, 110.0, 120.0]


@pytest.mark.parametrize(
    "name",
    [
        "commodity",
        "priceseries",
        "priceobservation",
        "partner",
        "partnergroup",
        "producer",
        "fxrate",
        "parameterschedule",
        "scenario",
    ],
)
def test_every_changelist_opens_for_a_steward(client, steward, nickel_series, name):
    client.force_login(steward)
    response = client.get(reverse(f"admin:instruments_{name}_changelist"))
    assert response.status_code == 200


def test_admin_import_count_on_seeded_series(client, admin_user, seeded_db):
    client.force_login(admin_user)
    series = PriceSeries.objects.get(code="ndpr-oxide-argus-fob-annual-usgs")
    response = client.get(
        reverse("admin:instruments_priceseries_change", args=[series.pk])
    )
    assert response.status_code == 200
    assert response.context["price_chart"]["data"][0]["x"][-1] == "2025"
