"""The French and Japanese catalogues are complete, current and use the glossary.

A user-facing string added without a translation fails here: ``makemessages`` is run
into a copy of the catalogues and must find exactly the strings they hold, each of
them translated (not empty, not fuzzy) with the same placeholders.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("fr", "ja")
IGNORED = [".venv", "staticfiles", "tests", "bench", "docs", "node_modules", "build"]
CODE = re.compile(r"<code>.*?</code>|\{[a-z_0-9]*\}|%\([a-z_0-9]+\)s", re.S)
PLACEHOLDER = re.compile(r"%%|%\([a-z_0-9]+\)[sdfr]|\{[a-z_0-9]*\}|%[sd]")


def catalogue(language: str, root: Path = ROOT / "locale") -> polib.POFile:
    return polib.pofile(str(root / language / "LC_MESSAGES" / "django.po"))


def msgids(po: polib.POFile) -> set[tuple[str, str]]:
    return {(e.msgctxt or "", e.msgid) for e in po if not e.obsolete}


SOURCES = ("instruments", "templates", "webapp")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, polib.POFile]:
    """What makemessages finds in the code today, merged into a copy of the catalogues.

    It runs in a copy of the sources: makemessages writes into the ``locale``
    folder beside the files it reads, so run in place it would change the
    committed catalogues."""
    from django.test import override_settings

    copy = tmp_path_factory.mktemp("sources")
    for name in SOURCES:
        shutil.copytree(
            ROOT / name,
            copy / name,
            ignore=shutil.ignore_patterns("__pycache__", "*.mo"),
        )
    for language in LANGUAGES:
        target = copy / "locale" / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        shutil.copy(ROOT / "locale" / language / "LC_MESSAGES" / "django.po", target)
    with (
        override_settings(LOCALE_PATHS=[copy / "locale"]),
        pytest.MonkeyPatch.context() as mp,
    ):
        mp.chdir(copy)
        call_command(
            "makemessages",
            locale=list(LANGUAGES),
            ignore_patterns=IGNORED,
            no_location=True,
            no_obsolete=True,
            verbosity=0,
        )
    return {language: catalogue(language, copy / "locale") for language in LANGUAGES}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_in_the_code_is_in_the_catalogue(extracted, language):
    new = msgids(extracted[language]) - msgids(catalogue(language))
    assert not new, (
        f"{len(new)} user-facing strings have no {language} entry; run "
        f"`make messages` and translate them: {sorted(m for _, m in new)[:20]}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_entry_is_left_from_removed_strings(extracted, language):
    stale = msgids(catalogue(language)) - msgids(extracted[language])
    assert not stale, (
        f"entries no longer in the code: {sorted(m for _, m in stale)[:20]}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_not_fuzzy(language):
    po = catalogue(language)
    assert not po.metadata_is_fuzzy
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, untranslated[:20]
    assert not fuzzy, fuzzy[:20]


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_kept(language):
    wrong = []
    for entry in catalogue(language).translated_entries():
        pairs = [(entry.msgid, entry.msgstr)]
        if entry.msgid_plural:
            pairs = [(entry.msgid_plural, s) for s in entry.msgstr_plural.values()]
        for source, translated in pairs:
            if sorted(PLACEHOLDER.findall(source)) != sorted(
                PLACEHOLDER.findall(translated)
            ):
                wrong.append(source)
    assert not wrong, wrong[:20]


def glossary() -> list[dict[str, str]]:
    with (ROOT / "locale" / "glossary.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("language", LANGUAGES)
def test_glossary_terms_are_used_consistently(language):
    """Where an English string uses a glossary term, its translation uses the
    glossary's rendering of it."""
    inconsistent = []
    for entry in catalogue(language).translated_entries():
        words = CODE.sub("", entry.msgid).lower()  # code and field names stay English
        for term in glossary():
            if term["en_match"].lower() in words:
                wanted = term[f"{language}_match"]
                if wanted.lower() not in entry.msgstr.lower():
                    inconsistent.append((term["en"], entry.msgid[:60], wanted))
    assert not inconsistent, inconsistent[:20]


def test_glossary_has_every_language():
    for term in glossary():
        for column in ("en", "fr", "ja", "en_match", "fr_match", "ja_match"):
            assert term[column], (column, term)


def test_a_new_untranslated_string_is_found(tmp_path):
    """The check itself: a template string with no entry shows up as new."""
    from django.test import override_settings

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        '{% load i18n %}<p>{% translate "A sentence nobody has translated" %}</p>'
    )
    target = tmp_path / "locale" / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po", target)
    with (
        override_settings(LOCALE_PATHS=[tmp_path / "locale"]),
        pytest.MonkeyPatch.context() as mp,
    ):
        mp.chdir(tmp_path)
        call_command("makemessages", locale=["fr"], no_location=True, verbosity=0)
    new = msgids(catalogue("fr", tmp_path / "locale")) - msgids(catalogue("fr"))
    assert new == {("", "A sentence nobody has translated")}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogue_compiles_with_its_formats_checked(language):
    """`make install` compiles the catalogues: a translation whose placeholders
    msgfmt refuses would stop it."""
    import subprocess

    path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    done = subprocess.run(
        ["msgfmt", "--check-format", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
