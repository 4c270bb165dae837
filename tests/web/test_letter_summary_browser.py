"""A consulent's letter with an Arabic summary, walked in Chromium at desk and phone width.

The inburgeraar reads Arabic: the invitation the consulent makes gets a summary page in Arabic,
the dossier says so by the language's name, and the PDF the consulent downloads shows that
page in Arabic script, right to left.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile

import pytest

from engine.db.session import transaction
from engine.letters.pdf import convert_pending_pdfs, pdf_available
from tests.api.conftest import start_case
from tests.web.conftest import no_horizontal_scroll, shot
from tests.web.test_browser import _login

needs_pdf_tools = pytest.mark.skipif(not (pdf_available() and shutil.which("pdftoppm") and shutil.which("pdftotext")),
                                     reason="LibreOffice and poppler-utils are needed to look at the PDF")


def _summary_page_facts(pdf: bytes) -> tuple[list[tuple[float, str]], float, int]:
    """Words of the last page's first line (x, text), and where its ink starts in the page image."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", handle.name], capture_output=True,
                                                                     text=True, check=True).stdout).group(1))
        html = subprocess.run(["pdftotext", "-f", str(pages), "-l", str(pages), "-bbox", handle.name, "-"],
                              capture_output=True, text=True, check=True).stdout
        image = subprocess.run(["pdftoppm", "-gray", "-r", "50", "-f", str(pages), "-l", str(pages), handle.name],
                               capture_output=True, check=True).stdout
    words = [(float(x), float(y), w) for x, y, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', html)]
    top = min(y for _, y, _ in words)
    first_line = [(x, w) for x, y, w in words if abs(y - top) < 2]
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", image)
    width, height = int(header.group(1)), int(header.group(2))
    pixels = image[header.end():]
    band = range(int(height * top / 842) - 2, int(height * (top + 14) / 842) + 2)
    ink = [x for y in band for x in range(width) if pixels[y * width + x] < 128]
    return first_line, min(ink) / width, pages


@needs_pdf_tools
@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_a_letter_with_an_arabic_summary_reads_right_to_left_in_the_pdf(page, server, runtime, width):
    case_id, task_id = start_case(runtime, taal="ar")
    page.set_viewport_size({"width": width, "height": 900})
    _login(page, server)
    page.goto(f"{server}/taken/{task_id}")
    page.get_by_role("button", name="Oppakken").click()
    page.locator("#veld-intake_datum").fill("2026-03-10")
    page.get_by_label("Tijd (uu:mm)").fill("10:30")
    page.get_by_label("Locatie").fill("Stadskantoor")
    page.locator("#veld-reageren_voor").fill("2026-03-09")
    page.get_by_role("button", name="Afronden").click()
    page.wait_for_selector("h1:has-text('Brede intake voeren')")

    letters = page.locator("section[aria-labelledby='dossier-letters']")
    assert "met samenvatting in het Arabisch" in letters.inner_text()
    assert no_horizontal_scroll(page)
    shot(page, f"brief-arabisch-{width}")

    with transaction(runtime.session_factory) as session:     # what `regie worker` does between requests
        assert convert_pending_pdfs(session=session, gemeente="demo") == 1
    page.reload()
    pdf_link = page.locator("section[aria-labelledby='dossier-letters']").get_by_role("link", name="Download PDF")
    response = page.request.get(f"{server}{pdf_link.get_attribute('href')}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    first_line, ink_starts_at, pages = _summary_page_facts(response.body())

    assert pages >= 2, "the summary is a page of its own after the Dutch letter"
    words = [w for _, w in sorted(first_line, reverse=True)]          # right to left, as an Arabic reader reads
    assert words[:3] == [w[::-1] for w in ("ملخص", "باللغة", "العربية")], first_line
    assert ink_starts_at > 0.5, "the heading stands at the right margin, as Arabic text does"
