"""Legal dates and amounts that letters state, each next to the article it comes from.

Pure functions, no framework imports, so a jurist can check them against the law.
These are what every letter states (the bezwaar term with the Algemene termijnenwet,
the art. 22 new deadline). Ontzorgen (Pw 56a) is engine/legal/ontzorgen.py's. The deadlines of the inburgering itself are in
engine/legal/termijnen.py; fine amounts are in processes/boete_bedrag.dmn only.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

# Awb 6:7: the bezwaartermijn is six weeks.
BEZWAARTERMIJN = timedelta(weeks=6)

# Wet 22 lid 2 + Besluit 7.1.1: fixed fine for not cooperating with the brede intake.
BOETE_ART22 = Decimal("250.00")
# Wet 22 lid 3: the beschikking sets a new deadline of at most two months.
NIEUWE_TERMIJN_ART22_MAANDEN = 2


def add_months(day: date, months: int) -> date:
    """Return `day` plus `months` calendar months, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(start: date, months: int) -> date:
    """Return the last day of a period of `months` calendar months that begins on `start`.

    The period ends the day before the same day `months` later; when that day does not
    exist (31 August + 6 months), it ends on the last day of that month.
    """
    same_day_later = add_months(start, months)
    if same_day_later.day != start.day:
        return same_day_later
    return same_day_later - timedelta(days=1)


def laatste_dag_nieuwe_termijn_art22(dagtekening: date) -> date:
    """Return the latest new deadline an art. 22 boetebeschikking may set (Wet 22: two months)."""
    return add_months(dagtekening, NIEUWE_TERMIJN_ART22_MAANDEN)


def bezwaar_uiterlijk(verzonden_op: date) -> date:
    """Return the last day to lodge bezwaar against a decision sent on `verzonden_op`.

    The term starts the day after sending (Awb 6:8) and lasts six weeks (Awb 6:7); a
    term ending on a weekend day or public holiday runs to the next working day
    (Algemene termijnenwet art. 1).
    """
    last = verzonden_op + BEZWAARTERMIJN
    while last.weekday() >= 5 or last in algemeen_erkende_feestdagen(last.year):
        last += timedelta(days=1)
    return last


def algemeen_erkende_feestdagen(year: int) -> set[date]:
    """Return the algemeen erkende feestdagen of the Algemene termijnenwet in `year`.

    Art. 3 lid 1: Nieuwjaarsdag, tweede Paasdag, Hemelvaartsdag, tweede Pinksterdag, both
    Kerstdagen, the day the King's birthday is celebrated (Koningsdag: 27 April, or 26 April
    when the 27th is a Sunday) and 5 May, every year; lid 2: Goede Vrijdag. Easter Sunday
    and Whit Sunday are Sundays, which art. 1 covers anyway. Days the government equates
    with these under lid 3 (a separate decision per year) are not included.
    """
    easter = _easter_sunday(year)
    koningsdag = date(year, 4, 27)
    if koningsdag.weekday() == 6:
        koningsdag -= timedelta(days=1)
    return {
        date(year, 1, 1),  # Nieuwjaarsdag
        easter - timedelta(days=2),  # Goede Vrijdag (lid 2)
        easter + timedelta(days=1),  # tweede Paasdag
        koningsdag,
        date(year, 5, 5),  # 5 mei, every year (not only in lustrum years)
        easter + timedelta(days=39),  # Hemelvaartsdag
        easter + timedelta(days=50),  # tweede Pinksterdag
        date(year, 12, 25),
        date(year, 12, 26),
    }


def _easter_sunday(year: int) -> date:
    """Return Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month = (h + leap - 7 * m + 114) // 31
    day = (h + leap - 7 * m + 114) % 31 + 1
    return date(year, month, day)
