"""The minister's brief and the slide pack in French and Japanese: asked with the
reader's language, the PDF's page one (read with pdftotext) and the slides (read with
python-pptx, and opened headless in LibreOffice Impress) carry the question, the
headings and the headline figures' labels in it, set in a font with its glyphs.

"English" is measured as the result area's own check does: a run of three or more
words in a row, each a word of the English catalogue (the msgids), that no
translation of the language contains; partners' and commodities' names, codes and
units are not sentences."""

from __future__ import annotations

import functools
import io
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation as django_translation
from pptx import Presentation

from instruments.calculators import REGISTRY
from instruments.models import Commodity, Partner
from instruments.presentation import fonts, presenters
from instruments.presentation.briefing import BRIEF_FIGURES
from instruments.presentation.slides import slide_texts

pytestmark = pytest.mark.django_db

QUERY = "commodity=ndpr-oxide&year=2024&members=eu-27,USA,JPN&floor_above_price=0.2"
BRIEF = "/calculators/{slug}/briefing.pdf"
WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")
PUNCTUATION = '.,;:()[]“”«»"!?'

QUESTION = {
    "fr": ("Que signifierait", "prix plancher de 66 USD/kg", "et qui paierait"),
    "ja": ("金額と貿易の面で何をもたらし", "66USD/kgの最低価格", "誰が負担するのか"),
}
HEADINGS = {
    "fr": ("La réponse en quatre chiffres", "Source : Calculé sur", "Page 1"),
    "ja": ("4つの数値で見る答え", "出典：", "に基づき計算", "1ページ"),
}


def tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is missing: run `make office` (LibreOffice, poppler-utils)"
    return found


def pdftotext(content: bytes, *pages: int) -> str:
    args = [tool("pdftotext"), "-layout"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    done = subprocess.run(
        [*args, "-", "-"], input=content, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode("utf-8").split())


def squeezed(text: str) -> str:
    """Without spaces: a Japanese line wrapped in a table cell reads as one."""
    return "".join(text.split())


def brief(client: Client, language: str, slug: str, query: str = "", **extra: str):
    url = BRIEF.format(slug=slug) + (f"?{query}" if query else "")
    if extra:
        url += ("&" if query else "?") + "&".join(f"{k}={v}" for k, v in extra.items())
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.content[:300]
    return response


def labels(slug: str, language: str, keys: tuple[str, ...]) -> list[str]:
    calculator = REGISTRY[slug]
    with django_translation.override(language):
        outputs = [calculator.output(k) for k in keys]
        return [django_translation.gettext(o.label) for o in outputs if o is not None]


# --- English left in a text ------------------------------------------------------------


@functools.cache
def english_words() -> frozenset[str]:
    po = polib.pofile(str(settings.BASE_DIR / "locale/fr/LC_MESSAGES/django.po"))
    words = {w.lower() for e in po for w in WORD.findall(f"{e.msgid} {e.msgid_plural}")}
    return frozenset(w for w in words if len(w) > 1 or w == "a")


@functools.cache
def translations(language: str) -> str:
    path = settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(path))
    parts = [e.msgstr for e in po] + [s for e in po for s in e.msgstr_plural.values()]
    return " | ".join(" ".join(WORD.findall(p)).lower() for p in parts)


def english_phrases(text: str, language: str, names: set[str]) -> list[str]:
    """Runs of three or more English words no translation into ``language``
    contains, once the data's own names are taken out."""
    if names:
        alternatives = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
        text = re.sub(rf"(?<![A-Za-z])(?:{alternatives})(?![A-Za-z])", " | ", text)
    english = english_words()
    found: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= 3 and " ".join(run).lower() not in translations(language):
            found.append(" ".join(run))
        run.clear()

    for token in text.split():
        core = token.strip(PUNCTUATION)
        if token.startswith(tuple(PUNCTUATION)):
            flush()
        if (
            WORD.fullmatch(core)
            and core.lower() in english
            and not (core.isupper() and len(core) > 1)  # USD, CIF, HS: codes
        ):
            run.append(core)
        else:
            flush()
        if token.endswith(tuple(PUNCTUATION)):
            flush()
    flush()
    return found


@pytest.fixture
def names(seeded_db: Any) -> set[str]:
    """Partners' and commodities' names, sources' names: kept as they are."""
    return {
        *Partner.objects.values_list("name", flat=True),
        *Commodity.objects.values_list("name", flat=True),
        "NdPr oxide",
        "U.S. Geological Survey",
        "World Bank",
        # The elasticity studies' authors, cited by name in every language.
        "Broda and Weinstein",
        "Fally and Sayre",
    }


def result_area_speaks(language: str, slug: str, query_inputs: Any) -> bool:
    """Whether the result area's own words (its sentences, translated by the
    presenters) are in ``language`` on this tree: the brief prints them as they are."""
    calculator, result, inputs = query_inputs
    with django_translation.override(language):
        sentences = presenters.headline_sentences(calculator, result, inputs, {})
    return not any(english_phrases(s, language, set()) for s in sentences)


# --- the PDF ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "ja"])
def test_the_plurilateral_brief_asks_its_question_in_the_readers_language(
    seeded_db: Any, client: Client, language: str, names: set[str]
) -> None:
    content = brief(client, language, "plurilateral", QUERY).content
    page_one = pdftotext(content, 1)
    flat = squeezed(page_one)
    for words in QUESTION[language] + HEADINGS[language]:
        assert squeezed(words) in flat, (words, page_one[:600])
    for label in labels("plurilateral", language, BRIEF_FIGURES["plurilateral"]):
        assert squeezed(label) in flat, (label, page_one[:600])
    # The deployment's default draft line, in the language.
    draft = {"fr": "PROJET — pour discussion", "ja": "草案 — 議論用"}[language]
    assert squeezed(draft) in flat
    # Nothing of the brief's own words is left in English: the question, headings,
    # source line, date and footer (the result area's sentences are its own check).
    for english in (
        "What would",
        "The answer in four figures",
        "Calculated on",
        "Brief of",
        "December",
        "DRAFT",
        *(["Page 1"] if language == "ja" else []),  # "Page" is French too
    ):
        assert english not in page_one, english


@pytest.mark.parametrize("language", ["fr", "ja"])
def test_no_english_sentence_is_left_on_page_one(
    seeded_db: Any, client: Client, language: str, names: set[str]
) -> None:
    from instruments.services import calculation as calculations

    run = calculations.run_calculation(
        slug="plurilateral",
        data={
            "commodity": "ndpr-oxide",
            "year": 2024,
            "members": ["eu-27", "USA", "JPN"],
            "floor_above_price": 0.2,
        },
    )
    if not result_area_speaks(
        language, "plurilateral", (run.calculator, run.result, run.inputs)
    ):
        pytest.skip("the result area's sentences are not translated on this tree")
    page_one = pdftotext(brief(client, language, "plurilateral", QUERY).content, 1)
    assert not english_phrases(page_one, language, names), page_one[:1500]


@pytest.mark.parametrize("language", ["fr", "ja"])
def test_a_second_calculator_briefs_in_the_readers_language(
    seeded_db: Any, client: Client, language: str
) -> None:
    """The price floor's example: the general question and headings in the
    language, its policy in the language's words."""
    page_one = pdftotext(brief(client, language, "price-floor").content, 1)
    flat = squeezed(page_one)
    words = {
        "fr": ("Que signifierait", "ajusté à la frontière", "La question."),
        "ja": ("国境調整付きの", "誰が負担するのか", "問い："),
    }[language]
    for expected in words + HEADINGS[language][:1]:
        assert squeezed(expected) in flat, (expected, page_one[:600])
    calculator = REGISTRY["price-floor"]
    assert (
        squeezed(labels("price-floor", language, calculator.headline_keys)[0]) in flat
    )


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils")
def test_the_japanese_brief_is_set_in_ipaexgothic(
    seeded_db: Any, client: Client, tmp_path: Path
) -> None:
    path = tmp_path / "brief.pdf"
    path.write_bytes(brief(client, "ja", "plurilateral", QUERY).content)
    used = subprocess.run(
        [tool("pdffonts"), str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "IPAexGothic" in used
    english = brief(client, "en", "plurilateral", QUERY).content
    assert "What would a coordinated NdPr oxide floor of 66 USD/kg" in pdftotext(
        english, 1
    )


# --- the slides --------------------------------------------------------------------------


def test_the_slide_pack_speaks_japanese_with_an_east_asian_font(
    seeded_db: Any, client: Client
) -> None:
    content = brief(client, "ja", "plurilateral", QUERY, format="pptx").content
    texts = slide_texts(content)
    assert "誰が負担するのか" in texts[0]
    assert "4つの数値で見る答え" in texts[1]
    for label in labels("plurilateral", "ja", BRIEF_FIGURES["plurilateral"]):
        assert label in texts[1]
    assert "出典とデータの時点" in texts[-1]
    assert "The answer in four figures" not in " ".join(texts)
    deck = Presentation(io.BytesIO(content))
    typefaces = {
        element.get("typeface")
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
        for element in run._r.iter("{*}ea")
    }
    assert typefaces == {fonts.JAPANESE}


def test_an_english_slide_pack_names_no_east_asian_font(
    seeded_db: Any, client: Client
) -> None:
    content = brief(client, "en", "plurilateral", QUERY, format="pptx").content
    assert "The answer in four figures" in slide_texts(content)[1]
    assert b"<a:ea " not in _slide_xml(content)


def _slide_xml(content: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return b"".join(
            archive.read(n) for n in archive.namelist() if n.startswith("ppt/slides/")
        )


def test_the_japanese_slides_open_in_impress_with_their_glyphs(
    seeded_db: Any, client: Client, tmp_path: Path
) -> None:
    """Impress converts the deck to PDF: pdftotext reads the Japanese back, and the
    font it embedded for it is IPAexGothic (made visible to LibreOffice the way a
    machine with the font installed sees it: through fontconfig)."""
    content = brief(client, "ja", "plurilateral", QUERY, format="pptx").content
    deck_path = tmp_path / "brief.pptx"
    deck_path.write_bytes(content)
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{fonts.japanese_font_path().parent}</dir>"
        f"<cachedir>{tmp_path}/fc-cache</cachedir></fontconfig>"
    )
    subprocess.run(
        [
            tool("soffice"),
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(deck_path),
        ],
        check=True,
        capture_output=True,
        timeout=240,
        env={**os.environ, "FONTCONFIG_FILE": str(config)},
    )
    converted = tmp_path / "brief.pdf"
    text = squeezed(pdftotext(converted.read_bytes()))  # "4 つの": runs apart
    assert "4つの数値で見る答え" in text
    assert "誰が負担するのか" in text
    used = subprocess.run(
        [tool("pdffonts"), str(converted)], capture_output=True, text=True, check=True
    ).stdout
    assert "IPAexGothic" in used


# --- saved scenarios and comparisons ---------------------------------------------------


def test_a_saved_scenario_and_a_comparison_brief_in_japanese(client: Client) -> None:
    from django.contrib.auth.models import User
    from django.urls import reverse

    from tests.factories import make_scenario

    owner = User.objects.create_user("hana", password="pw-hana-123")
    example = dict(REGISTRY["price-floor"].example)
    floor = make_scenario(
        calculator="price-floor",
        title="NdPr floor",
        inputs=example,
        owner=owner,
        is_public=True,
    )
    higher = make_scenario(
        calculator="price-floor",
        title="Higher NdPr floor",
        inputs={**example, "reference_price": 130},
        owner=owner,
        is_public=True,
    )
    one = client.get(
        reverse("instruments:scenario_briefing", args=[floor.pk]),
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert one.status_code == 200
    assert "誰が負担するのか" in squeezed(pdftotext(one.content, 1))
    compare = reverse("instruments:compare_briefing")
    both = client.get(
        f"{compare}?ids={floor.pk}&ids={higher.pk}", HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert both.status_code == 200
    text = squeezed(pdftotext(both.content))
    for words in (
        "比較：",
        "並べて比較",
        "政策：",
        "国境調整付きの",
        "出典とデータの時点",
    ):
        assert words in text, words
    for english in ("Comparison:", "Side by side", "The policy:", "How do these"):
        assert squeezed(english) not in text, english
