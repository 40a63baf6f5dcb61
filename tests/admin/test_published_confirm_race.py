"""Two stewards preview the same published file and confirm (issue #24, finding 4):
the second confirm, whose preview is stale, writes nothing and says so, with a fresh
preview to confirm again; never a 500, never a second "new"; the history records
only what was stored. The concurrent case (two connections confirming at the same
moment) runs on PostgreSQL, where it used to be a 500 from the unique key."""

from __future__ import annotations

import threading
import time
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.urls import reverse

from instruments.models import Commodity, CommodityHsCode, FxRate, Job, TradeFlow
from instruments.services import jobs
from instruments.services.imports.confirm import STALE_MESSAGE
from instruments.services.imports.publishers import import_published_file
from tests.factories import make_partner

URL = "admin:instruments_tradeflow_import_published"
NAME = "BACI_HS92_Y2024_V202601.csv"
COUNTRIES = (
    "country_code,country_name,country_iso2,country_iso3\n"
    "156,China,CN,CHN\n392,Japan,JP,JPN\n251,France,FR,FRA\n"
)


def baci(value: int) -> bytes:
    return (
        "t,i,j,k,v,q\n"
        f"2024,156,392,284690,{value},89.000\n"
        f"2024,156,251,284690,{value + 1},1\n"
        f"2024,392,251,284690,{value + 2},2\n"
    ).encode()


def make_baci_reference() -> None:
    for iso3, iso2, name in (("CHN", "CN", "China"), ("JPN", "JP", "Japan")):
        make_partner(iso3=iso3, iso2=iso2, name=name)
    make_partner(iso3="FRA", iso2="FR", name="France")
    ndpr = Commodity.objects.create(code="ndpr-oxide", name="NdPr", stage="refined")
    CommodityHsCode.objects.create(commodity=ndpr, hs_code="284690", hs_revision="HS92")


def values() -> list[Decimal]:
    return sorted(TradeFlow.objects.values_list("value", flat=True))


def preview(client: Any, value: int) -> Any:
    response = client.post(
        reverse(URL),
        {
            "kind": "baci",
            "file": SimpleUploadedFile(NAME, baci(value)),
            "country_codes": SimpleUploadedFile(
                "country_codes_V202601.csv", COUNTRIES.encode()
            ),
        },
    )
    assert response.status_code == 200
    assert "token" in response.context, response.context["result"].report.errors
    return response


@pytest.mark.django_db
def test_the_second_of_two_confirms_of_one_baci_file_is_refused_with_a_fresh_preview(
    client, steward
):
    make_baci_reference()
    client.force_login(steward)
    first = preview(client, 11111)
    second = preview(client, 22222)
    assert (
        first.context["result"].report.new,
        second.context["result"].report.new,
    ) == (3, 3)

    won = client.post(reverse(URL), {"token": second.context["token"]}, follow=True)
    texts = [str(m) for m in get_messages(won.wsgi_request)]
    assert any("3 new, 0 updated" in t for t in texts), texts

    lost = client.post(reverse(URL), {"token": first.context["token"]})

    assert lost.status_code == 409  # said, not a 500
    texts = [str(m) for m in get_messages(lost.wsgi_request)]
    assert texts == [STALE_MESSAGE]
    fresh = lost.context["result"].report
    assert (fresh.new, fresh.updated, fresh.dry_run) == (0, 3, True)
    assert values() == [Decimal(22222), Decimal(22223), Decimal(22224)]
    # The history holds the three flows the winner stored, and nothing else.
    assert TradeFlow.history.count() == 3
    assert set(TradeFlow.history.values_list("history_type", flat=True)) == {"+"}

    # The fresh preview confirms: the loser's values, as updates.
    again = client.post(reverse(URL), {"token": lost.context["token"]}, follow=True)
    texts = [str(m) for m in get_messages(again.wsgi_request)]
    assert any("0 new, 3 updated" in t for t in texts), texts
    assert values() == [Decimal(11111), Decimal(11112), Decimal(11113)]
    assert TradeFlow.history.filter(history_type="~").count() == 3


@pytest.mark.django_db
def test_a_confirm_after_an_edit_of_one_named_row_is_stale_an_unrelated_edit_is_not(
    steward,
):
    make_baci_reference()
    kwargs = {
        "kind": "baci",
        "file_name": NAME,
        "country_codes": COUNTRIES.encode(),
        "user": steward,
    }
    import_published_file(file=baci(100), **kwargs)
    seen = import_published_file(file=baci(200), dry_run=True, **kwargs).report
    other = TradeFlow.objects.create(
        year=2023,
        hs_code="284690",
        hs_revision="HS92",
        exporter=TradeFlow.objects.first().exporter,
        importer=TradeFlow.objects.first().importer,
        value=1,
        source="typed",
    )
    assert other.pk

    done = import_published_file(
        file=baci(200), preview_checksum=seen.checksum, **kwargs
    ).report
    assert (done.ok, done.updated) == (True, 3)

    seen = import_published_file(file=baci(300), dry_run=True, **kwargs).report
    TradeFlow.objects.filter(value=200).update(value=7)  # a steward's edit
    stale = import_published_file(
        file=baci(300), preview_checksum=seen.checksum, **kwargs
    ).report
    assert stale.stale
    assert not stale.ok
    assert [str(e) for e in stale.errors] == [f"File: {STALE_MESSAGE}"]
    assert Decimal(300) not in values()


@pytest.mark.django_db
def test_a_stale_confirm_of_exchange_rates_writes_nothing(steward):
    data = b"observation_date,DEXJPUS\n2024-01-02,141.00\n2024-01-03,143.00\n"
    seen = import_published_file(kind="h10", file=data, dry_run=True).report
    import_published_file(
        kind="h10", file=data.replace(b"141", b"151"), preview_checksum=None
    )
    stale = import_published_file(
        kind="h10", file=data, preview_checksum=seen.checksum
    ).report

    assert stale.stale
    assert FxRate.objects.get().units_per_usd == Decimal("147.00000000")


@pytest.mark.django_db
def test_an_import_job_whose_preview_went_stale_fails_saying_why(steward):
    make_baci_reference()
    seen = import_published_file(
        kind="baci",
        file=baci(1),
        file_name=NAME,
        country_codes=COUNTRIES.encode(),
        dry_run=True,
    ).report
    import_published_file(
        kind="baci", file=baci(2), file_name=NAME, country_codes=COUNTRIES.encode()
    )
    job = jobs.submit_import(
        kind="baci",
        file=baci(1),
        file_name=NAME,
        country_codes=COUNTRIES.encode(),
        hs_revision=None,
        owner=steward,
        preview_checksum=seen.checksum,
    )

    job = Job.objects.get(pk=job.pk)
    assert job.state == "failed"
    assert job.error == {"file": [STALE_MESSAGE]}
    assert values() == [Decimal(2), Decimal(3), Decimal(4)]


# --- two connections confirming at the same moment (PostgreSQL) -------------------------


def confirm_together(
    kind: str, files: list[bytes], checksum: str, **kwargs: Any
) -> list[Any]:
    """Each file confirmed on its own thread (its own database connection), all
    released at once; what each got back (a report, or the exception it raised)."""
    barrier = threading.Barrier(len(files))
    outcomes: list[Any] = [None] * len(files)

    def confirm(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[index] = import_published_file(
                kind=kind, file=files[index], preview_checksum=checksum, **kwargs
            ).report
        except Exception as exc:  # recorded: the test says what it was
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(len(files))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two connections at once need PostgreSQL (SQLite serialises the file)",
)


@pytest.fixture
def slow_writes(monkeypatch):
    """A pause between reading the stored rows and writing: both confirms would
    have read the rows before either wrote, but for the import lock."""
    from instruments.services import trade_data
    from instruments.services.imports.resources import AllOrNothingResource

    save, check = (
        trade_data._save_all_or_none,
        AllOrNothingResource._check_preview_current,
    )

    def slow_save(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.5)
        return save(*args, **kwargs)

    def slow_check(self: Any, *args: Any) -> Any:
        time.sleep(0.5)
        return check(self, *args)

    monkeypatch.setattr(trade_data, "_save_all_or_none", slow_save)
    monkeypatch.setattr(AllOrNothingResource, "_check_preview_current", slow_check)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_connections_confirming_one_baci_preview_at_once_store_one_and_refuse_one(
    slow_writes,
):
    make_baci_reference()
    kwargs = {"file_name": NAME, "country_codes": COUNTRIES.encode()}
    seen = import_published_file(kind="baci", file=baci(11111), dry_run=True, **kwargs)

    outcomes = confirm_together(
        "baci", [baci(11111), baci(22222)], seen.report.checksum, **kwargs
    )

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted((o.new, o.stale) for o in outcomes) == [(0, True), (3, False)]
    (winner,) = [i for i, o in enumerate(outcomes) if not o.stale]
    base = (11111, 22222)[winner]
    assert values() == [Decimal(base), Decimal(base + 1), Decimal(base + 2)]
    assert TradeFlow.history.count() == 3


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_connections_confirming_one_price_preview_at_once_store_one_and_refuse_one(
    nickel_series, slow_writes
):
    nickel_series.code = "nickel-lme-monthly-wb"
    nickel_series.save()
    from tests.admin.test_admin_published import _workbook

    files = [
        _workbook([[f"2025M{m:02d}", price] for m in range(1, 13)])
        for price in (11111, 22222)
    ]
    seen = import_published_file(kind="pink-sheet", file=files[0], dry_run=True)
    assert seen.report.new == 12

    outcomes = confirm_together("pink-sheet", files, seen.report.checksum)

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted((o.new, o.stale) for o in outcomes) == [(0, True), (12, False)]
    stored = set(
        nickel_series.observations.filter(period__year=2025).values_list(
            "price", flat=True
        )
    )
    assert len(stored) == 1
    assert nickel_series.observations.filter(period__year=2025).count() == 12
    assert (
        nickel_series.observations.model.history.filter(period__year=2025).count() == 12
    )
