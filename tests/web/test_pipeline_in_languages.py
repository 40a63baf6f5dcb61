"""The project pipeline page in French and Japanese leaves no English phrase: its
form, ranking, sentences and notes (the stand-in engine of the pipeline's tests
answers for the calculator)."""

from __future__ import annotations

import pytest

from tests.web.test_pages_in_languages import LANGUAGES, assert_no_english, page
from tests.web.test_project_pipeline import calls, register  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", LANGUAGES)
def test_project_pipeline(client, register, calls, language):  # noqa: F811
    html = page(
        client, "/projects/?target=0.9&price_war_cut=0.3&price_war_years=2", language
    )
    assert 'id="pipeline-meaning"' in html
    assert_no_english(html, language)
    html = page(client, "/projects/?target=7", language, 400)
    assert 'id="id_target-error"' in html
    assert_no_english(html, language)
