"""Put a letter's template together from its parts once, and reuse it per sha256.

The letter template, the shared bezwaarclausule and a summary template are each
edited in Word as separate DOCX files. Before rendering they are composed into one
template (still holding the Jinja tags): the clause replaces the paragraph
`{{p bezwaarclausule }}`, the summary is appended as a last page. Composing goes
through docxcompose so styles, numbering and images of the parts come along. The
result depends only on the parts' bytes, so it is cached by their hashes; an
edited part has a new hash and is composed afresh.
"""

from __future__ import annotations

import copy
import io
import re
from collections import OrderedDict
from typing import Any

from docx import Document
from docx.oxml import CT_SectPr
from docxcompose.composer import Composer
from docxtpl import DocxTemplate

from engine.letters.templates import Artifact

CLAUSE_PLACEHOLDER = re.compile(r"\{\{p\s*bezwaarclausule\s*\}\}")
_CACHE_SIZE = 256
_composed: OrderedDict[tuple[str, ...], bytes] = OrderedDict()
_patched: OrderedDict[str, str] = OrderedDict()


def composed_template(letter: Artifact, clause: Artifact | None, summary: Artifact | None) -> bytes:
    """Return the DOCX template of `letter` with the clause and summary composed in."""
    key = (letter.sha256, clause.sha256 if clause else "", summary.sha256 if summary else "")
    cached = _composed.get(key)
    if cached is None:
        cached = _compose(letter, clause, summary)
        _remember(_composed, key, cached)
    return cached


def _compose(letter: Artifact, clause: Artifact | None, summary: Artifact | None) -> bytes:
    if clause is None and summary is None:
        return letter.content
    tpl = DocxTemplate(io.BytesIO(letter.content))
    document = tpl.get_docx()
    if clause is not None:
        subdoc = tpl.new_subdoc(io.BytesIO(clause.content))
        elements = [el for el in subdoc.subdocx.element.body if not isinstance(el, CT_SectPr)]
        for paragraph in document.paragraphs:
            if CLAUSE_PLACEHOLDER.search(paragraph.text):
                anchor = paragraph._p
                for element in elements:
                    anchor.addprevious(copy.deepcopy(element))
                anchor.getparent().remove(anchor)
    if summary is not None:
        Composer(document).append(Document(io.BytesIO(summary.content)))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class CachedDocxTemplate(DocxTemplate):
    """A DocxTemplate that reuses its XML clean-up for identical template XML."""

    def patch_xml(self, src_xml: str) -> str:
        """Return docxtpl's cleaned-up XML for `src_xml`, computed once per distinct input."""
        patched = _patched.get(src_xml)
        if patched is None:
            patched = super().patch_xml(src_xml)
            _remember(_patched, src_xml, patched)
        return patched


def _remember(cache: OrderedDict[Any, Any], key: Any, value: Any) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)
