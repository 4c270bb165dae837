"""The figures of the KIS/Divosa "Monitor inburgering" that Regie holds the data for.

The Monitor asks gemeenten about their instroom, the brede intake, the PIP and its
timeliness, the route mix, ontzorgen, schakelen and handhaving. Regie computes the
ones it has from its monitoring facts; figures it cannot know (e.g. the person's
situation after the inburgering, DUO's own exam totals) are left out and named as such.
"""

from __future__ import annotations

from typing import Any, Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.monitoring import catalog
from engine.monitoring.columns import Column
from engine.monitoring.indicators import MC, ME, Filters, _case_filters, _event_filters
from engine.monitoring.settings import MonitoringSettings

KIS_COLUMNS = [
    Column("onderwerp", "onderwerp van de Monitor inburgering"),
    Column("cijfer", "wat er geteld is"),
    Column("waarde", "het getal voor de gekozen periode en gemeente(n)"),
    Column("bron", "waar Regie het uit haalt"),
]
NOT_IN_REGIE = [
    ("Uitstroom naar werk of opleiding na de inburgering", "niet in Regie: komt uit de Participatiewet-administratie"),
    ("Examenresultaten van de hele gemeente", "alleen de uitslagen die DUO aan Regie meldde (SS199) staan hierboven"),
]


def kis_rows(session: Session, f: Filters, settings: MonitoringSettings) -> Iterator[list[Any]]:
    """Yield (onderwerp, cijfer, waarde, bron) rows for the period."""
    started = [*_case_filters(f), MC.started_at >= f.start, MC.started_at < f.end]
    for doelgroep, label in catalog.DOELGROEPEN.items():
        n = session.execute(select(func.count()).where(*started, MC.doelgroep == doelgroep)).scalar()
        yield ["Instroom", f"nieuwe inburgeraars: {label.lower()}", n, "zaken gestart in de periode"]

    def events(*elements: str) -> int:
        return session.execute(select(func.count(func.distinct(ME.case_id))).where(
            *_event_filters(f), ME.element_id.in_(elements))).scalar() or 0

    yield ["Brede intake", "inburgeraars met een afgeronde brede intake", events(*catalog.INTAKE),
           "taak brede intake (of zonder medewerking, Wet 14.2) afgerond"]
    yield ["Brede intake", "inburgeraars met een waarschuwing na niet verschijnen", events(*catalog.NO_SHOW),
           "brief waarschuwing (Wet 14.2)"]
    pips = session.execute(select(MC.pip_dagtekening, MC.pip_deadline).where(
        *_case_filters(f), MC.pip_dagtekening >= f.van, MC.pip_dagtekening <= f.tot)).all()
    on_time = sum(1 for dag, deadline in pips if deadline is None or dag <= deadline)
    yield ["PIP", "vastgestelde PIP's", len(pips), "PIP-dagtekening in de periode"]
    yield ["PIP", "percentage binnen 10 weken", round(100 * on_time / len(pips), 1) if pips else None,
           "dagtekening op of voor de wettelijke uiterste datum (Besluit 5.3.1)"]
    routes = dict(session.execute(select(MC.leerroute, func.count()).where(*_case_filters(f), MC.pip_dagtekening >= f.van,
                                                                       MC.pip_dagtekening <= f.tot)
                                  .group_by(MC.leerroute)).all())
    for route, label in catalog.LEERROUTES.items():
        yield ["Leerroutes", f"PIP's met de {label}", routes.get(route, 0), "leerroute bij de vastgestelde PIP's"]
    yield ["Ontzorgen", "inburgeraars bij wie ontzorgen startte", events(*catalog.ONTZORGEN_START),
           "beschikking ontzorgen (Pw 56a) verstuurd"]
    yield ["Schakelen", "toegestane wisselingen van leerroute", events(*catalog.SCHAKELEN),
           "schakelverzoek toegestaan (Besluit 5.4)"]
    fines = session.execute(select(func.count(), func.coalesce(func.sum(ME.bedrag), 0)).where(
        *_event_filters(f), ME.kind == "boete")).one()
    yield ["Handhaving", "opgelegde boetes (gemeente, Wet 22 en 23)", fines[0], "boetebeschikkingen"]
    yield ["Handhaving", "gestopt wegens Wet 27 (bijstand al verlaagd)", events(*catalog.WET27),
           "handhaving geëindigd zonder boete (Wet 27)"]
    for subject, reason in NOT_IN_REGIE:
        yield [subject, "—", None, reason]
