"""Letter rendering has limits: a value too long, a list or repetition too long, a document too big
or a render too slow is refused with the letter and the limit named (an incident, not a crash)."""

from __future__ import annotations

import time

import pytest
from docx import Document
from sqlalchemy import func, select

from engine.access import limits
from engine.letters.handler import letter_handler
from engine.letters.models import Letter
from engine.running.handlers import HandlerError


def _letter_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Letter))


def _with_paragraph(letters_copy, code: str) -> None:
    document = Document(str(letters_copy / "nazorg_contact.docx"))
    document.add_paragraph(code)
    document.save(str(letters_copy / "nazorg_contact.docx"))


def test_a_value_just_within_the_limit_renders_and_one_over_is_refused(session, make_call):
    fits = "a" * limits.LETTER_MAX_VALUE
    letter_handler(make_call("pip_beschikking", {"motivering": fits}))
    assert _letter_count(session) == 1
    with pytest.raises(HandlerError) as refused:
        letter_handler(make_call("pip_beschikking", {"motivering": fits + "a"}))
    message = str(refused.value)
    assert "pip_beschikking" in message and "motivering" in message
    assert f"hoogstens {limits.LETTER_MAX_VALUE} tekens" in message and fits not in message
    assert _letter_count(session) == 1


@pytest.mark.parametrize("code, limit", [
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "herhaling"),
    ("{{ 'x' * 100000000 }}", "herhaling"),
    ("{{ naam|center(1000000000) }}", "getal"),
    ("{{ naam.ljust(1000000000) }}", "getal"),
    ("{{ 10 ** 1000000 }}", "macht"),
    ("{% for i in range(500) %}{% for j in range(400) %}xxxxxxxxxxxxxxxxxxxx{% endfor %}{% endfor %}", "te groot"),
])
def test_template_code_that_would_blow_up_is_refused_quickly(session, make_call, letters_copy, code, limit):
    _with_paragraph(letters_copy, code)
    started = time.monotonic()
    with pytest.raises(HandlerError) as refused:
        letter_handler(make_call("nazorg_contact"))
    assert time.monotonic() - started < limits.LETTER_MAX_SECONDS + 2
    assert "nazorg_contact" in str(refused.value) and limit in str(refused.value)
    assert _letter_count(session) == 0


def test_repetition_up_to_the_limit_is_fine(session, make_call, letters_copy):
    _with_paragraph(letters_copy, f"{{% for i in range({limits.LETTER_MAX_ITEMS}) %}}.{{% endfor %}}")
    letter_handler(make_call("nazorg_contact"))
    assert _letter_count(session) == 1


def test_a_render_that_takes_too_long_is_stopped(session, make_call, letters_copy, monkeypatch):
    monkeypatch.setattr(limits, "LETTER_MAX_SECONDS", 0.05)
    _with_paragraph(letters_copy, "{% for i in range(500) %}{% for j in range(500) %}{{ naam.upper() }}"
                                  "{% endfor %}{% endfor %}")
    with pytest.raises(HandlerError, match="nazorg_contact: het maken van de brief duurt te lang"):
        letter_handler(make_call("nazorg_contact"))
