"""Camunda 7 expression idioms Regie refuses, each with the Regie way to write it.

Camunda 7 evaluates JUEL with Java objects: `${dateTime().plusDays(5).toDate()}` calls
Joda-Time, `${now().getTime()}` calls java.util.Date, `${execution.getVariable('x')}`
calls the engine. Regie's expressions have no Java objects, so such an expression is
refused at deploy; the message names the function that does the same here.
"""

from __future__ import annotations

import re

_UNITS = {"Years": "Y", "Months": "M", "Weeks": "W", "Days": "D", "Hours": "H", "Minutes": "M", "Seconds": "S"}
_PLUS = re.compile(r"(?:dateTime|now)\(\s*\)((?:\s*\.\s*(?:plus|minus)\w+\(\s*\d+\s*\))+)(?:\s*\.\s*toDate\(\s*\))?")
_STEP = re.compile(r"(plus|minus)(\w+)\(\s*(\d+)\s*\)")
_GET_VARIABLE = re.compile(r"execution\s*\.\s*getVariable\(\s*['\"](\w+)['\"]\s*\)")
_JAVA_ON_NOW = re.compile(r"(?:dateTime|now)\(\s*\)\s*\.\s*(\w+)\(")
_BARE_DATETIME = re.compile(r"(?<![\w.])dateTime\(\s*\)")


def _duration(steps: str) -> tuple[str, str] | None:
    """Turn `.plusDays(5).plusHours(2)` into ('add', 'P5DT2H'); None when the steps mix plus and minus."""
    found = _STEP.findall(steps)
    signs = {sign for sign, _, _ in found}
    if len(signs) != 1 or any(unit not in _UNITS for _, unit, _ in found):
        return None
    date_part = "".join(f"{n}{_UNITS[u]}" for _, u, n in found if u in ("Years", "Months", "Weeks", "Days"))
    time_part = "".join(f"{n}{_UNITS[u]}" for _, u, n in found if u in ("Hours", "Minutes", "Seconds"))
    text = "P" + date_part + (f"T{time_part}" if time_part else "")
    return ("dateAdd" if signs == {"plus"} else "dateSubtract"), text


def camunda_idiom_hint(text: str) -> str | None:
    """Return a Dutch refusal naming the Regie alternative when `text` uses a Camunda 7 Java idiom."""
    match = _PLUS.search(text)
    if match:
        found = _duration(match.group(1))
        if found:
            function, duration = found
            return (f"{match.group(0)!r} is Camunda 7 met Java-datums (Joda-Time), dat kent Regie niet; "
                    f"schrijf ${{{function}(now(), '{duration}')}} (of {function}(today(), '{duration}') voor een datum)")
    match = _GET_VARIABLE.search(text)
    if match:
        return (f"{match.group(0)!r} roept de Java-engine van Camunda 7 aan, dat kent Regie niet; "
                f"gebruik de variabele zelf: ${{{match.group(1)}}}")
    match = _JAVA_ON_NOW.search(text)
    if match:
        return (f"'.{match.group(1)}()' is een Java-methode op een Camunda 7-datum, dat kent Regie niet; "
                "gebruik de datumfuncties van Regie: now(), today(), dateAdd(d, 'P5D'), daysBetween(a, b)")
    if _BARE_DATETIME.search(text):
        return ("'dateTime()' zonder argument is Camunda 7 (Joda-Time), dat kent Regie niet; "
                "gebruik now() voor nu, today() voor vandaag of dateTime(x) om tekst x als datum en tijd te lezen")
    return None


_DETAILS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"unknown function '(\w+)' \(known: (.*)\)"), r"onbekende functie '\1' (bekend: \2)"),
    (re.compile(r"function '(\w+)' takes (\d+) argument\(s\), got (\d+)"),
     r"functie '\1' heeft \2 argument(en) nodig, niet \3"),
    (re.compile(r"method calls such as '\.(\w+)\(\.\.\.\)' are not supported; use a variable or a function"),
     r"een methode zoals '.\1(...)' kan niet; gebruik een variabele of een functie"),
    (re.compile(r"unexpected character (.*)"), r"onverwacht teken \1"),
    (re.compile(r"the expression ends too early"), "de expressie houdt te vroeg op"),
    (re.compile(r"unexpected (.*)"), r"onverwacht \1"),
    (re.compile(r"this condition uses no variable, so it is always the same"),
     "deze voorwaarde gebruikt geen variabele en is dus altijd hetzelfde"),
    (re.compile(r"a condition must be written as .*"), "schrijf een voorwaarde als ${...} (JUEL) of =... (FEEL)"),
    (re.compile(r"a condition must be one \$\{\.\.\.\} expression without text around it"),
     "een voorwaarde is één ${...}-expressie zonder tekst eromheen"),
    (re.compile(r"a timer needs an ISO 8601 .*"),
     "een timer heeft een ISO 8601-datum, -duur of -herhaling nodig (P10W, 2026-03-01T09:00:00Z, R3/PT10M), "
     "een ${...}-expressie of een =...-FEEL-expressie"),
    (re.compile(r"empty \$\{\}"), "lege ${}"),
    (re.compile(r"'(.*)' is not closed with '\}'"), r"'\1' is niet gesloten met '}'"),
    (re.compile(r"the FEEL expression is empty"), "de FEEL-expressie is leeg"),
    (re.compile(r"the expression nests too deeply"), "de expressie is te diep genest"),
    (re.compile(r"unknown expression language (.*) \(use juel or feel\)"), r"onbekende expressietaal \1 (kies juel of feel)"),
    (re.compile(r"not a date, time or duration literal"), "geen datum, tijd of duur"),
]


def expression_problem_nl(message: str) -> str:
    """Return an expression checker's (English) problem in Dutch; an unknown one stays as it is."""
    for pattern, dutch in _DETAILS:
        if pattern.fullmatch(message):
            return pattern.sub(dutch, message)
    return message
