"""HTML to PDF for the evaluation pack: headless Chromium, or LibreOffice when Chromium is missing."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from engine.errors import AppError

TIMEOUT_S = 120


class PdfUnavailable(AppError):
    """Neither Chromium nor LibreOffice is installed (503: the server lacks a tool)."""

    status = 503


def chromium_path() -> str | None:
    """Return a Chromium executable on PATH, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def html_to_pdf(html: str) -> bytes:
    """Print a self-contained HTML page (inline SVG charts, no external resources) to PDF."""
    with tempfile.TemporaryDirectory(prefix="regie-evaluatie-") as work:
        base = Path(work)
        page = base / "evaluatie.html"
        page.write_text(html, encoding="utf-8")
        out = base / "evaluatie.pdf"
        chromium = chromium_path()
        if chromium:
            command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                       f"--user-data-dir={base / 'profile'}", f"--print-to-pdf={out}", page.as_uri()]
        else:
            soffice = shutil.which("soffice") or shutil.which("libreoffice")
            if soffice is None:
                raise PdfUnavailable("Een PDF maken kan niet: Chromium en LibreOffice ontbreken op de server.")
            command = [soffice, f"-env:UserInstallation={(base / 'profile').as_uri()}", "--headless", "--norestore",
                       "--convert-to", "pdf:writer_web_pdf_Export", "--outdir", str(base), str(page)]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_S, check=True)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise PdfUnavailable(f"De PDF kon niet worden gemaakt ({type(exc).__name__}).") from None
        if not out.exists():
            raise PdfUnavailable("De PDF kon niet worden gemaakt (geen uitvoer).")
        return out.read_bytes()
