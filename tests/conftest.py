"""Shared fixtures for the whole suite."""

import os

import pytest
from hypothesis import settings as hypothesis_settings

# CI and `make test` replay the same examples every run (a property test that fails
# does so every time, not one run in fifty); HYPOTHESIS_PROFILE=explore searches anew.
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests don't run collectstatic, so use the storage that needs no manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def _empty_calculation_cache():
    """Each test starts with an empty cache: results cached by another test were
    computed on data its rollback removed (SQLite reuses the freed history ids)."""
    from django.core.cache import cache

    from instruments.services import calculation, data_versions

    cache.clear()
    data_versions.forget_local_reads()
    calculation.forget_costs()


@pytest.fixture(autouse=True)
def _site_language_between_tests():
    """Each test starts in the site's language: a request answered in French or
    Japanese leaves its language active in the thread (LocaleMiddleware activates it
    and nothing deactivates it), and figures' words and multiples follow it."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


# --- data fixtures (foundation) ------------------------------------------------------


@pytest.fixture(scope="module")
def _seeded_module(django_db_setup, django_db_blocker):
    """Seed once per test module, inside a transaction rolled back at module end.

    Tests run in savepoints inside it, so each test's own writes still roll back; tests
    of a module that run after its first ``seeded_db`` test see the seeded data too.
    """
    from django.db import transaction

    from instruments.services.seeding import seed_database

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield seed_database()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def seeded_db(_seeded_module, db):
    """The whole seeds/ folder loaded through ``manage.py seed``'s service."""
    return _seeded_module


@pytest.fixture
def nickel_series(db):
    """A small monthly nickel series: 2024-01..2024-03 at 100, 110, 120 USD/t."""
    from tests.factories import make_nickel_monthly

    return make_nickel_monthly()


@pytest.fixture
def steward(db, django_user_model):
    """A staff user in the Data stewards group (log in with force_login)."""
    from django.contrib.auth.models import Group

    from instruments.services.stewards import DATA_STEWARDS

    user = django_user_model.objects.create_user(username="steward", is_staff=True)
    user.groups.add(Group.objects.get(name=DATA_STEWARDS))
    return user


@pytest.fixture(autouse=True)
def _fresh_counts():
    """Throttle counts live in the cache and lockouts in the database: every test
    starts from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
