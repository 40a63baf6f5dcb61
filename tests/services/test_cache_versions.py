"""Cached values are kept apart by the code that stored them and, for results, by
the reader's language (warnings are worded when computed)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from instruments.calculators import REGISTRY
from instruments.services import calculation
from webapp import code_version


def test_the_cache_is_versioned_by_the_code() -> None:
    assert settings.CACHES["default"]["VERSION"] == code_version.code_version()


def test_the_code_version_changes_with_any_source_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for package in code_version.PACKAGES:
        (tmp_path / package).mkdir()
        shutil.copy(code_version.ROOT / package / "__init__.py", tmp_path / package)
    monkeypatch.setattr(code_version, "ROOT", tmp_path)
    before = code_version.code_version()
    assert code_version.code_version() == before
    (tmp_path / "instruments" / "new_module.py").write_text("X = 1\n")
    assert code_version.code_version() != before


@pytest.mark.django_db
def test_a_result_is_cached_per_language(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CALCULATION_CACHE_MIN_SECONDS = 0
    keys: list[str] = []
    real = calculation._cache_set

    def spy(key: str, value: Any, **kw: Any) -> None:
        keys.append(key)
        real(key, value, **kw)

    monkeypatch.setattr(calculation, "_cache_set", spy)
    data = REGISTRY["price-floor"].example
    for language in ("en-gb", "fr", "ja", "fr"):
        with translation.override(language):
            calculation.run_calculation(slug="price-floor", data=data)
    assert len(keys) == 3
    assert len(set(keys)) == 3
