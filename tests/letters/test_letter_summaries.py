"""Summaries in the languages inburgeraars read: every letter type, right to left where the script is,
fonts that draw every script in the PDF, and a missing summary said out loud on the case."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from io import BytesIO

import pytest

from engine.letters.languages import LANGUAGES, SUMMARY_LANGUAGES, language_name
from engine.letters.pdf import docx_to_pdfa, pdf_available
from engine.letters.templates import DEFAULT_ROOT

from .conftest import EXAMPLES, text_of
from .test_letter_templates import render

TEMPLATES = sorted(p.name.removesuffix(".docx") for p in DEFAULT_ROOT.glob("*.docx"))
RTL = [code for code in SUMMARY_LANGUAGES if LANGUAGES[code].rtl]
def _xml(path) -> str:
    with zipfile.ZipFile(path) as docx:
        return docx.read("word/document.xml").decode("utf-8")


DATED = {t for t in TEMPLATES if "datum(" in _xml(DEFAULT_ROOT / "samenvatting" / f"{t}.en.docx")}
HEADINGS = {"en": "Summary in English", "ar": "ملخص باللغة العربية", "ti": "ጽማቕ ብትግርኛ", "prs": "خلاصه به زبان دری",
            "fa": "خلاصه به زبان فارسی", "uk": "Короткий зміст українською мовою", "tr": "Türkçe özet",
            "so": "Soo koobid af-Soomaali ah"}
needs_pdf_tools = pytest.mark.skipif(not (pdf_available() and shutil.which("pdftoppm") and shutil.which("pdffonts")),
                                     reason="LibreOffice and poppler-utils are needed to look at the PDF")


def test_the_eight_languages_are_the_ones_people_in_the_demo_read():
    assert set(SUMMARY_LANGUAGES) == {"en", "ar", "ti", "prs", "fa", "uk", "tr", "so"}
    assert [language_name(c) for c in ("ar", "ti", "prs", "fa", "uk", "tr", "so", "en")] == [
        "Arabisch", "Tigrinya", "Dari", "Farsi", "Oekraïens", "Turks", "Somalisch", "Engels"]
    assert language_name("xx") == "onbekende taal (xx)" and language_name(None) == "Nederlands"


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("taal", SUMMARY_LANGUAGES)
def test_every_letter_has_a_summary_in_every_language_and_it_renders(session, make_call, template, taal):
    assert (DEFAULT_ROOT / "samenvatting" / f"{template}.{taal}.docx").is_file()
    _, letter, text = render(session, make_call, template, {"taal": taal})

    assert f"samenvatting.{taal}" in letter.part_versions and not letter.samenvatting_ontbreekt
    assert HEADINGS[taal] in text
    dutch, summary = text.split(HEADINGS[taal], 1)
    assert len(dutch) > len(summary) / 2, "the summary follows the Dutch letter, which stays the legal text"
    months = LANGUAGES[taal].maanden
    written_date = re.compile(r"\b\d{1,2} (%s) 20\d\d\b" % "|".join(map(re.escape, months)))
    assert bool(written_date.search(summary)) == (template in DATED), "dates in the summary's language"
    assert "{{" not in summary and "{%" not in summary


@pytest.mark.parametrize("taal", SUMMARY_LANGUAGES)
def test_the_bezwaar_deadline_in_the_summary_is_the_one_in_the_dutch_letter(session, make_call, taal):
    _, letter, text = render(session, make_call, "pip_beschikking", {"taal": taal})
    deadline = letter.data["bezwaar_uiterlijk"]
    assert deadline == "2026-04-13"  # dagtekening 2 March 2026 + six weeks (Awb 6:7, 6:8)
    day = int(deadline[8:10])
    month = LANGUAGES[taal].maanden[int(deadline[5:7]) - 1]
    summary = text.split(HEADINGS[taal], 1)[1]
    assert f"{day} {month} {deadline[:4]}" in summary
    assert "13 april 2026" in text.split(HEADINGS[taal], 1)[0]


@pytest.mark.parametrize("taal", RTL)
def test_arabic_script_summaries_are_laid_out_right_to_left(taal):
    for template in TEMPLATES:
        with zipfile.ZipFile(DEFAULT_ROOT / "samenvatting" / f"{template}.{taal}.docx") as docx:
            xml = docx.read("word/document.xml").decode("utf-8")
        paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)
        text_paragraphs = [p for p in paragraphs if "<w:t" in p and "{%p" not in p]
        assert text_paragraphs and all("<w:bidi/>" in p for p in text_paragraphs), template
        assert all("<w:rtl/>" in run for p in text_paragraphs for run in re.findall(r"<w:r>.*?</w:r>", p, re.S)), template


def test_a_language_without_summary_is_stated_on_the_letter_never_silently_skipped(session, make_call):
    _, letter, text = render(session, make_call, "nazorg_contact", {"taal": "es"})
    assert letter.samenvatting_ontbreekt and letter.taal_naam == "Spaans"
    assert not any(key.startswith("samenvatting") for key in letter.part_versions)

    _, dutch, _ = render(session, make_call, "nazorg_contact", {"taal": "nl"})
    assert not dutch.samenvatting_ontbreekt and not dutch.samenvatting_bijgevoegd


def test_a_summary_template_with_a_language_without_month_names_fails_loudly():
    from engine.letters.formatting import datum

    assert datum("2026-05-05", "ar") == "5 مايو 2026"
    assert datum("2026-05-05", "uk") == "5 травня 2026"
    with pytest.raises(ValueError, match="geen maandnamen voor taal 'es'"):
        datum("2026-05-05", "es")


def _fonts_from_file(pdf: bytes) -> str:
    import tempfile
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run(["pdffonts", handle.name], capture_output=True, check=True).stdout.decode()


def _last_page_gray(pdf: bytes, pages: int) -> tuple[int, int, bytes]:
    """Rasterise the last page (the summary) as 8-bit gray: width, height, pixels."""
    out = subprocess.run(["pdftoppm", "-gray", "-r", "50", "-f", str(pages), "-l", str(pages), "-"],
                         input=pdf, capture_output=True, check=True).stdout
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", out)
    width, height = int(header.group(1)), int(header.group(2))
    return width, height, out[header.end():]


def _words(pdf: bytes, page: int) -> list[tuple[float, float, str]]:
    import tempfile
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        html = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", handle.name, "-"],
                              capture_output=True, check=True).stdout.decode()
    return [(float(x0), float(y0), word) for x0, y0, word in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', html)]


@needs_pdf_tools
def test_the_arabic_summary_page_shows_arabic_script_right_to_left_in_the_pdf(session, make_call):
    from pypdf import PdfReader

    _, letter, _ = render(session, make_call, "pip_beschikking", {"taal": "ar"})
    pdf = docx_to_pdfa([letter.docx])[0]
    pages = len(PdfReader(BytesIO(pdf)).pages)

    assert "NotoNaskhArabic" in _fonts_from_file(pdf), "a font that has Arabic glyphs is embedded"
    # The heading ملخص باللغة العربية: its first word stands right of its last word, at the right margin.
    heading = [w for w in _words(pdf, pages) if w[1] < 90]
    first = next(x for x, _, word in heading if word == "ملخص"[::-1])
    last = next(x for x, _, word in heading if word == "العربية"[::-1])
    assert first > last > 300, heading
    # The page image: the heading's ink lies in the right half (right-aligned), none of it in the left third.
    width, height, pixels = _last_page_gray(pdf, pages)
    top_band = range(int(height * 0.06), int(height * 0.10))
    ink = [x for y in top_band for x in range(width) if pixels[y * width + x] < 128]
    assert ink and min(ink) > width / 2, (min(ink) if ink else None, width)


@needs_pdf_tools
def test_the_tigrinya_summary_has_a_font_for_geez_script(session, make_call):
    from pypdf import PdfReader

    _, letter, _ = render(session, make_call, "uitnodiging_brede_intake", {"taal": "ti"})
    pdf = docx_to_pdfa([letter.docx])[0]
    assert "NotoSansEthiopic" in _fonts_from_file(pdf)
    text = PdfReader(BytesIO(pdf)).pages[-1].extract_text()
    assert "ጽማቕ ብትግርኛ" in text
