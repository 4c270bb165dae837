"""Each indicator against the hand-known population of conftest.py (scenario-made cases)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.monitoring.drill import case_ids_behind
from engine.monitoring.indicators import Filters, INDICATORS
from engine.monitoring.models import MonitoringCase
from engine.monitoring.settings import monitoring_settings

ALL = Filters(("demo",), date(2026, 1, 1), date(2027, 12, 31))
SETTINGS = monitoring_settings({})


def figure(rt, key: str, f: Filters = ALL):
    with rt.session_factory() as session:
        return INDICATORS[key](session, f, SETTINGS)


def cell(fig, label: str, series: str):
    return fig.series[[s.name for s in fig.series].index(series)].values[fig.labels.index(label)]


def test_instroom_counts_new_cases_per_month_and_doelgroep(population):
    fig = figure(population, "instroom")
    assert cell(fig, "2026-01", "Asielstatushouder") == 2  # statushouder B1, handhaving art. 22
    assert cell(fig, "2026-01", "Gezinsmigrant") == 2  # niet verschenen, Pw-maatregel
    assert cell(fig, "2026-02", "Gezinsmigrant") == 2  # Z-route, onderwijsroute
    assert cell(fig, "2026-02", "Asielstatushouder") == 0
    assert sum(sum(s.values) for s in fig.series) == 6


def test_instroom_follows_the_doelgroep_filter_and_the_period(population):
    only = Filters(("demo",), date(2026, 2, 1), date(2026, 2, 28), doelgroep="gezinsmigrant")
    fig = figure(population, "instroom", only)
    assert fig.labels == ["2026-02"]
    assert cell(fig, "2026-02", "Gezinsmigrant") == 2 and cell(fig, "2026-02", "Asielstatushouder") == 0


def test_routemix_against_the_beleidsplan(population):
    fig = figure(population, "routemix")
    # B1: the statushouder, the woman who never came, and the Pw-maatregel case (its start data says B1)
    assert [cell(fig, r, "Aantal") for r in ("B1-route", "Onderwijsroute", "Z-route")] == [3, 1, 1]
    assert [cell(fig, r, "Werkelijk (%)") for r in ("B1-route", "Onderwijsroute", "Z-route")] == [60.0, 20.0, 20.0]
    assert cell(fig, "B1-route", "Verwachting lokaal (%)") == 55
    assert cell(fig, "Z-route", "Verwachting landelijk (%)") == 15


def test_work_per_month(population):
    fig = figure(population, "werk")
    assert cell(fig, "2026-01", "Brede intakes") == 2  # with the statushouder; without the one who never came
    assert cell(fig, "2026-02", "Brede intakes") == 2
    gesprekken = sum(fig.series[[s.name for s in fig.series].index("Voortgangsgesprekken")].values)
    assert gesprekken == 4 + 3  # statushouder B1 (4 in the PIP) and gezinsmigrant Z (3)
    assert sum(fig.series[[s.name for s in fig.series].index("Ontzorgen gestart")].values) == 1


def test_pip_on_time(population):
    fig = figure(population, "pip_tijdig")
    assert cell(fig, "Asielstatushouder", "PIP's") == 1
    assert cell(fig, "Gezinsmigrant", "PIP's") == 2  # Z-route and onderwijs; she who never came has none yet
    assert cell(fig, "Asielstatushouder", "Op tijd (%)") == 100.0  # 2026-03-02, deadline 2026-03-30


def test_results_count_the_exam_and_the_modules(population):
    fig = figure(population, "resultaten")
    assert cell(fig, "B1-route", "Examen gedaan") == 1 and cell(fig, "B1-route", "Geslaagd") == 1
    assert cell(fig, "B1-route", "Geslaagd (%)") == 100.0
    assert cell(fig, "B1-route", "MAP afgerond") == 1 and cell(fig, "B1-route", "KNM afgerond") == 1
    assert cell(fig, "Onderwijsroute", "MAP afgerond") == 0  # no MAP in the onderwijsroute (Wet 8.3)


def test_handhaving_shows_fines_and_the_wet_27_stop(population):
    fig = figure(population, "handhaving")
    assert cell(fig, "Boete artikel 22", "Aantal") == 1
    assert cell(fig, "Boete artikel 22", "Totaal bedrag (EUR)") == 250
    assert cell(fig, "Geen boete: Wet 27 (bijstand al verlaagd)", "Aantal") == 1


def test_costs_follow_the_gemeente_prices(population):
    cheap = monitoring_settings({"monitoring": {"prijs_leerroute": {"B1": 1000}, "prijs_module": {"PVT": 0,
                                                                                                   "MAP": 0, "KNM": 0}}})
    with population.session_factory() as session:
        fig = INDICATORS["kosten"](session, ALL, cheap)
    # one B1-route started in the period (the statushouder; the woman who never came has no route start yet)
    assert cell(fig, "B1-route", "Inburgeringsvoorzieningen (EUR)") == 1000


def test_uitstroom_counts_ended_cases_by_route(population):
    fig = figure(population, "uitstroom")
    # the statushouder: termijn 2026-03-03, closed 2027-11-15 (20 months); the Pw-maatregel case:
    # termijn 2025-01-02 (start data), its handhaving closed 2026-01-05 (12 months)
    assert cell(fig, "B1-route", "12-24 maanden") == 2
    assert cell(fig, "B1-route", "0-12 maanden") == 0


def test_every_drillable_number_lists_exactly_that_many_cases(population):
    with population.session_factory() as session:
        for key in INDICATORS:
            fig = INDICATORS[key](session, ALL, SETTINGS)
            for s in fig.series:
                if not s.drillable:
                    continue
                for row, value in enumerate(s.values):
                    if not value or key in ("werk", "resultaten", "handhaving"):
                        continue  # these count events; their click-through lists each case once
                    ids = case_ids_behind(session, ALL, key, row, s.name)
                    assert len(ids) == value, (key, fig.labels[row], s.name)


def test_fine_click_through_finds_the_fined_case(population):
    with population.session_factory() as session:
        fig = INDICATORS["handhaving"](session, ALL, SETTINGS)
        ids = case_ids_behind(session, ALL, "handhaving", fig.labels.index("Boete artikel 22"), "Aantal")
        doelgroep = session.execute(select(MonitoringCase.doelgroep).where(MonitoringCase.case_id.in_(ids))).scalars()
        assert list(doelgroep) == ["asielstatushouder"]


def test_another_gemeente_sees_none_of_it(population):
    fig = figure(population, "instroom", Filters(("amersfoort",), date(2026, 1, 1), date(2027, 12, 31)))
    assert sum(sum(s.values) for s in fig.series) == 0


@pytest.mark.parametrize("field", ["rij"])
def test_a_cell_that_does_not_exist_is_refused_by_name(population, field):
    from engine.errors import Invalid

    with population.session_factory() as session, pytest.raises(Invalid) as caught:
        case_ids_behind(session, ALL, "routemix", 9, "Aantal")
    assert field in caught.value.field_errors
