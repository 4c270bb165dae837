"""PDF/A-2b copies of archived letters, made with LibreOffice when it is installed.

Converting takes seconds, so it never happens while a letter is rendered in a
service task. The PDF is made (in batches, one LibreOffice run for many letters)
when the print batch needs it, or by `convert_pending_pdfs`, which the worker
calls in its own transaction. Without LibreOffice letters are archived as DOCX
only and `pdf_available()` tells the UI so.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.letters.archive import LetterError
from engine.letters.models import Letter

PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
CONVERT_TIMEOUT_S = 180


def soffice_path() -> str | None:
    """Return the LibreOffice executable on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    """Tell whether PDF/A copies can be made on this machine."""
    return soffice_path() is not None


def docx_to_pdfa(documents: list[bytes]) -> list[bytes]:
    """Convert DOCX documents to PDF/A-2b in one LibreOffice run, in the given order."""
    executable = soffice_path()
    if executable is None:
        raise LetterError("PDF maken kan niet: LibreOffice (soffice) is niet geïnstalleerd")
    if not documents:
        return []
    with tempfile.TemporaryDirectory(prefix="regie-pdf-") as work:
        base = Path(work)
        inputs = []
        for index, content in enumerate(documents):
            path = base / f"brief-{index:05d}.docx"
            path.write_bytes(content)
            inputs.append(path)
        # A profile per call: parallel LibreOffice runs sharing one profile block each other.
        profile = (base / "profile").as_uri()
        command = [executable, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", PDFA_FILTER, "--outdir", str(base / "out"), *map(str, inputs)]
        try:
            subprocess.run(command, capture_output=True, timeout=CONVERT_TIMEOUT_S, check=True)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise LetterError(f"LibreOffice kon de brieven niet omzetten naar PDF ({type(exc).__name__})") from None
        results = []
        for path in inputs:
            pdf = base / "out" / path.with_suffix(".pdf").name
            if not pdf.is_file():
                raise LetterError("LibreOffice maakte niet van elke brief een PDF")
            results.append(pdf.read_bytes())
        return results


def pdfa_conformance(pdf: bytes) -> tuple[str | None, str | None]:
    """Return the PDF/A part and conformance level the PDF's XMP metadata declares."""
    metadata = PdfReader(io.BytesIO(pdf)).xmp_metadata
    if metadata is None:
        return None, None
    xml = metadata.stream.get_data().decode("utf-8", "replace")

    def declared(name: str) -> str | None:
        """Return the value of the pdfaid property `name`, or None."""
        match = re.search(rf"pdfaid:{name}(?:=\"([^\"]+)\"|>([^<]+)<)", xml)
        return (match.group(1) or match.group(2)).strip() if match else None

    return declared("part"), declared("conformance")


def attach_pdfs(*, session: Session, letters: list[Letter]) -> int:
    """Make and store the PDF/A of each letter that has none yet; return how many were made."""
    missing = [letter for letter in letters if letter.pdf_sha256 is None]
    pdfs = docx_to_pdfa([letter.docx for letter in missing])
    for letter, pdf in zip(missing, pdfs):
        if pdfa_conformance(pdf) != ("2", "B"):
            raise LetterError(f"Brief {letter.id}: de PDF is geen PDF/A-2b")
        letter.pdf = pdf
        letter.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    session.flush()
    return len(missing)


def convert_pending_pdfs(*, session: Session, gemeente: str | None = None, limit: int = 50) -> int:
    """Make PDF/A copies of letters that lack one (worker job); return how many were made."""
    if not pdf_available():
        return 0
    query = select(Letter).where(Letter.pdf_sha256.is_(None), Letter.status != "afgekeurd")
    if gemeente is not None:
        query = query.where(Letter.gemeente == gemeente)
    letters = list(session.scalars(query.order_by(Letter.id).limit(limit)))
    return attach_pdfs(session=session, letters=letters)


def letter_pdf(*, session: Session, letter: Letter) -> bytes:
    """Return the letter's PDF/A, making it first when it does not exist yet."""
    if letter.pdf_sha256 is None:
        attach_pdfs(session=session, letters=[letter])
    return letter.pdf
