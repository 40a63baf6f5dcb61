"""The project register (INSTRUMENTS.md §12): the model's rules, the selectors' §12
inputs, the file import (all rows or none, errors by row and column) and the seeds."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from instruments import selectors
from instruments.calculators import REGISTRY
from instruments.calculators.base import InputError
from instruments.models import PROJECT_FIELDS, Commodity, Project
from instruments.services.calculation import run_calculation
from instruments.services.imports.projects import (
    ProjectResource,
    build_projects_template,
    import_projects,
)
from tests.factories import make_ndpr_annual, make_partner

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture
def refs() -> tuple[Commodity, Any]:
    return make_ndpr_annual(), make_partner(iso3="AUS", name="Australia")


def _row(**overrides: Any) -> dict[str, Any]:
    row = {
        "slug": "ndpr-aus",
        "name": "NdPr plant (illustrative)",
        "stage": "refinery",
        "country": "AUS",
        "commodity": "ndpr-oxide",
        "status": "financing",
        "capacity": "5000",
        "quantity_unit": "t",
        "ramp_up": "0.5 0.8",
        "capex": "200000000 300000000",
        "construction_years": "2",
        "life_years": "20",
        "unit_opex": "40",
        "price_unit": "USD/kg",
        "fixed_opex": "25000000",
        "realised_share": "0.95",
        "tax_rate": "0.3",
        "discount_rate": "0.1",
        "debt_share": "0.5",
        "debt_rate": "0.07",
        "debt_tenor_years": "10",
        "illustrative": "true",
        "sources": "A cited figure (Publisher, document).",
        "assumptions": "Everything else.",
    }
    row.update(overrides)
    return row


def _project(refs: tuple[Commodity, Any], **fields: Any) -> Project:
    commodity, country = refs
    values = {
        "slug": "ndpr-aus",
        "name": "NdPr plant (illustrative)",
        "stage": "refinery",
        "country": country,
        "commodity": commodity,
        "capacity": Decimal(5000),
        "capex": [200_000_000, 300_000_000],
        "construction_years": 2,
        "life_years": 20,
        "unit_opex": Decimal(40),
        "price_unit": "USD/kg",
        "ramp_up": [0.5, 0.8],
        "debt_share": Decimal("0.5"),
        "debt_rate": Decimal("0.07"),
        "debt_tenor_years": 10,
    }
    values.update(fields)
    return Project(**values)


# --- the model ----------------------------------------------------------------------


def test_a_valid_project_passes_every_check(refs):
    project = _project(refs)
    project.full_clean()
    project.save()
    assert project.total_capex == 500_000_000
    assert str(project) == "NdPr plant (illustrative)"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"capex": [1, 2, 3]}, "capex"),  # three amounts, two construction years
        ({"capex": [0, 0]}, "capex"),
        ({"capex": "a lot"}, "capex"),
        ({"capex": [-5, 10]}, "capex"),
        ({"ramp_up": [0.5, 1.5]}, "ramp_up"),
        ({"ramp_up": "half"}, "ramp_up"),
        ({"ramp_up": [0.5] * 21}, "ramp_up"),  # longer than the life
        ({"capacity": Decimal(0)}, "capacity"),
        ({"tax_rate": Decimal(1)}, "tax_rate"),
        ({"realised_share": Decimal(0)}, "realised_share"),
        ({"debt_tenor_years": 0}, "debt_tenor_years"),
        ({"life_years": 0}, "life_years"),
        ({"stage": "smelter"}, "stage"),
    ],
)
def test_a_bad_field_is_refused_at_that_field(refs, fields, field):
    with pytest.raises(ValidationError) as caught:
        _project(refs, **fields).full_clean()
    assert field in caught.value.message_dict


@pytest.mark.parametrize(
    "fields",
    [
        {"capacity": Decimal(0)},
        {"tax_rate": Decimal(1)},
        {"debt_share": Decimal("0.5"), "debt_tenor_years": 0},
        {"realised_share": Decimal(3)},
    ],
)
def test_the_database_refuses_what_the_checks_refuse(refs, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        _project(refs, **fields).save()


# --- the selectors ------------------------------------------------------------------


def test_get_project_is_the_twelfth_sections_project(refs):
    _project(refs, capex=450_000_000).save()
    project = selectors.get_project("ndpr-aus")
    assert list(project) == list(selectors.PROJECT_INPUTS)
    assert project["capex"] == 450_000_000.0
    assert project["country"] == "AUS"
    assert project["commodity"] == "ndpr-oxide"
    assert project["ramp_up"] == [0.5, 0.8]
    assert project["debt"] == {"share": 0.5, "rate": 0.07, "tenor_years": 10}
    assert isinstance(project["capacity"], float)


def test_a_project_without_ramp_up_or_debt_runs_in_the_calculator(refs):
    # No ramp-up is full capacity from the first year and no debt share is no debt:
    # neither an empty list nor a zero tenor, both of which the calculator refuses.
    _project(refs, ramp_up=[], debt_share=0, debt_rate=0, debt_tenor_years=0).save()
    project = selectors.get_project("ndpr-aus")
    assert project["ramp_up"] is None
    assert project["debt"] is None
    data = {**REGISTRY["project-support"].example, "stored_project": "ndpr-aus"}
    calculation = run_calculation(slug="project-support", data=data)
    assert calculation.result.summary["debt_amount"] == 0.0
    assert calculation.inputs["project"]["name"] == "NdPr plant (illustrative)"


def test_get_project_keeps_capex_by_year_and_refuses_an_unknown_slug(refs):
    _project(refs).save()
    assert selectors.get_project("ndpr-aus")["capex"] == [2e8, 3e8]
    with pytest.raises(InputError) as caught:
        selectors.get_project("nope")
    assert "project" in caught.value.errors


def test_get_projects_filters(refs):
    _project(refs).save()
    _project(refs, slug="mine", name="A mine", stage="mine", illustrative=True).save()
    assert [p["slug"] for p in selectors.get_projects()] == ["mine", "ndpr-aus"]
    assert [p["slug"] for p in selectors.get_projects(stage="mine")] == ["mine"]
    assert [p["slug"] for p in selectors.get_projects(illustrative=False)] == [
        "ndpr-aus"
    ]
    assert selectors.get_projects(country="usa") == []
    found = selectors.get_projects(commodity="ndpr-oxide", country="aus")
    assert found[1]["project"] == selectors.get_project("ndpr-aus")


# --- the import ---------------------------------------------------------------------


def test_an_import_creates_then_finds_nothing_to_change(refs):
    first = import_projects(data=[_row()])
    assert (first.ok, first.new, first.updated) == (True, 1, 0)
    project = Project.objects.get(slug="ndpr-aus")
    assert project.capex == [200_000_000, 300_000_000]
    assert project.history.count() == 1
    again = import_projects(data=[_row()])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    changed = import_projects(data=[_row(capex="500000000", unit_opex="42")])
    assert changed.updated == 1
    project.refresh_from_db()
    assert project.capex == 500_000_000
    assert project.unit_opex == Decimal(42)


def test_a_bad_row_writes_nothing_and_is_reported_by_row_and_column(refs):
    report = import_projects(
        data=[
            _row(slug="good"),
            _row(slug="bad", country="XXX", capex="1 2 3", tax_rate="lots"),
            _row(slug="good"),
        ]
    )
    assert not report.ok
    assert Project.objects.count() == 0
    found = {(e.row, e.field) for e in report.errors}
    assert {(3, "country"), (3, "capex"), (3, "tax_rate"), (4, "slug")} <= found


def test_a_file_without_a_required_column_is_refused(refs):
    row = _row()
    del row["capex"]
    report = import_projects(data=[row])
    assert not report.ok
    assert report.errors[0].row == 0
    assert "capex" in report.errors[0].message


def test_optional_columns_take_the_defaults_and_stage_words_are_read(refs):
    row = {k: v for k, v in _row(stage="Refining").items() if k in _REQUIRED}
    row["capex"] = "300000000"
    assert import_projects(data=[row]).ok
    project = Project.objects.get(slug="ndpr-aus")
    assert project.stage == "refinery"
    assert project.construction_years == 2
    assert project.ramp_up == []
    assert project.debt_share == 0


_REQUIRED = (
    "slug",
    "name",
    "stage",
    "country",
    "commodity",
    "capacity",
    "capex",
    "life_years",
    "unit_opex",
)


def test_export_and_template_read_back_unchanged(refs):
    import_projects(data=[_row()])
    exported = ProjectResource().export()
    assert exported.headers == list(PROJECT_FIELDS)
    record = dict(zip(exported.headers, exported[0], strict=True))
    assert record["capex"] == "200000000 300000000"
    assert record["capacity"] == "5000"
    assert record["country"] == "AUS"
    again = import_projects(data=exported)
    assert (again.ok, again.unchanged) == (True, 1)
    template = build_projects_template()
    lines = template.content.decode().splitlines()
    assert lines[0].split(",") == list(PROJECT_FIELDS)
    reader = csv.DictReader(lines)
    assert import_projects(data=list(reader)).unchanged == 1


def test_the_template_of_an_empty_register_imports(refs):
    template = build_projects_template()
    rows = list(csv.DictReader(template.content.decode().splitlines()))
    report = import_projects(data=rows, dry_run=True)
    assert report.ok, report.errors


# --- the seeds ----------------------------------------------------------------------


def test_the_seeded_projects_are_illustrative_and_cover_the_four_stages(seeded_db):
    projects = list(Project.objects.all())
    assert 6 <= len(projects) <= 8
    assert {p.stage for p in projects} == {
        "mine",
        "refinery",
        "processing",
        "recycling",
    }
    for project in projects:
        assert project.illustrative
        assert "(illustrative)" in project.name
        assert project.sources
        assert project.assumptions
        assert project.country.iso3 != "CHN"
        project.full_clean()
    assert seeded_db.created["projects"] == len(projects)


def test_every_seeded_project_has_a_stored_price_in_its_unit(seeded_db):
    for record in selectors.get_projects():
        history = selectors.get_price_history(record["project"]["commodity"])
        assert history.unit == record["project"]["price_unit"], record["slug"]


def test_seeding_again_changes_no_project(seeded_db):
    from instruments.services.seeding import seed_database

    again = seed_database()
    assert again.created["projects"] == 0
    assert again.updated["projects"] == 0


def test_the_seed_file_has_the_register_columns():
    with (SEEDS / "projects.csv").open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == list(PROJECT_FIELDS)
