"""The GGM-aligned export: Regie's facts as the Gemeentelijk Gegevensmodel's objecttypes for Inburgering.

Mapping (one row per inburgeraar; a column is named `Objecttype.attribuut`). The
objecttypes are those of the GGM subdomain Inburgering (Gemeente-Delft/Gemeentelijk-
Gegevensmodel, docs/domeinen/inburgering.md); the attribute names are Regie's reading of
each objecttype's description, written in the GGM's lowerCamelCase style: check them against
the gemeente's own GGM version before loading them into a warehouse.

| column | Regie source |
|---|---|
| Inburgeringsplichtige.identificatie | zaaknummer (pseudonymous key; no BSN leaves Regie this way) |
| Inburgeringsplichtige.doelgroep | case variable `doelgroep` |
| Inburgeringsplichtige.verantwoordelijkeGemeente | gemeente code |
| Inburgeringsplichtige.statusPlicht | `lopend`, or the end reason (`einde_reden`, DUO SS106-SS111) |
| Startinburgering.datumMeldingPlicht | `datum_plicht` (DUO SS139) |
| Startinburgering.datumStartRegie | the day the case started |
| PIP.uiterlijkeDatumVaststelling | `pip_deadline` (Besluit 5.3.1) |
| PIP.datumVaststelling | `pip_dagtekening` |
| PIP.datumStartInburgeringstermijn | `termijn_start` (Wet 11) |
| PIP.aantalWijzigingen | PIP-wijzigingsbeschikkingen sent (`Letter_PipGewijzigd`) |
| Leerroute.soortLeerroute | `leerroute` as B1-route, Onderwijsroute or Z-route |
| Leerroute.eersteSoortLeerroute | the first route chosen |
| Leerroute.datumStart | completion of `Task_StartLeerroute` |
| Leerroute.aantalKeerGeschakeld | granted route switches (`Task_SchakelenMelden`) |
| B1-route.examenResultaat | `examen_behaald` (DUO SS199) when the route is B1 |
| B1-route.datumExamenuitslag | `examen_datum` when the route is B1 |
| KNM.datumAfgerond | completion of `Task_Knm` |
| MAP.datumAfgerond | completion of `Task_MapEindgesprek` (eindgesprek, Besluit 3.2) |
| Participatiecomponent.datumPvtAfgerond | completion of `Task_Pvt` (PVT, Besluit 3.1) |
| Voortgangsmeting.aantal | voortgangsgesprekken held (`Task_Gesprek`) |
| Voortgangsmeting.datumLaatste | the last voortgangsgesprek |
| Ontheffing.datum | end date when the end reason names an ontheffing (DUO) |
| Vrijstelling.datum | end date when the end reason names a vrijstelling (DUO) |
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.monitoring import catalog
from engine.monitoring.columns import Column
from engine.monitoring.indicators import MC, ME, Filters

ROUTE_NAMES = {"B1": "B1-route", "onderwijs": "Onderwijsroute", "Z": "Z-route"}
_ELEMENTS = {
    "leerroute_start": catalog.LEERROUTE_START, "knm": catalog.MODULES["KNM"], "map": catalog.MODULES["MAP"],
    "pvt": catalog.MODULES["PVT"], "gesprek": catalog.VOORTGANGSGESPREK, "schakelen": catalog.SCHAKELEN,
    "pip_gewijzigd": catalog.PIP_GEWIJZIGD,
}


def _column_docs() -> list[Column]:
    """Read the documented columns from the mapping table above (one source for code and docs)."""
    docs = []
    for line in (__doc__ or "").splitlines():
        if line.startswith("| ") and not line.startswith("| column") and "---" not in line:
            name, source = (part.strip() for part in line.strip("|").split("|", 1))
            docs.append(Column(name, source))
    return docs


GGM_COLUMNS = _column_docs()


def ggm_rows(session: Session, f: Filters) -> Iterator[list[Any]]:
    """Yield one GGM row per inburgeraar of the gemeenten that started before the period's end."""
    owner = {e: key for key, ids in _ELEMENTS.items() for e in ids}
    facts: dict[str, dict[str, Any]] = defaultdict(dict)
    events = session.execute(
        select(ME.case_id, ME.element_id, func.count(), func.min(ME.at), func.max(ME.at))
        .where(ME.gemeente.in_(f.gemeenten), ME.element_id.in_(list(owner)), ME.at < f.end)
        .group_by(ME.case_id, ME.element_id))
    for case_id, element, n, first, last in events:
        facts[case_id][owner[element]] = (n, first, last)
    cases = session.execute(
        select(MC.case_id, MC.case_number, MC.doelgroep, MC.gemeente, MC.status, MC.einde_reden, MC.datum_plicht,
               MC.started_at, MC.pip_deadline, MC.pip_dagtekening, MC.termijn_start, MC.leerroute,
               MC.eerste_leerroute, MC.examen_behaald, MC.examen_datum, MC.ended_at)
        .where(MC.gemeente.in_(f.gemeenten), MC.started_at < f.end).order_by(MC.started_at))
    for c in cases:
        own = facts.get(c.case_id, {})

        def first(key: str):
            return own[key][1].date() if key in own else None

        reason = (c.einde_reden or "").lower()
        ended = c.ended_at.date() if c.ended_at else None
        yield [
            c.case_number, c.doelgroep, c.gemeente, "lopend" if c.status == "active" else (c.einde_reden or "beëindigd"),
            c.datum_plicht, c.started_at.date(), c.pip_deadline, c.pip_dagtekening, c.termijn_start,
            own.get("pip_gewijzigd", (0,))[0],
            ROUTE_NAMES.get(c.leerroute or "", c.leerroute), ROUTE_NAMES.get(c.eerste_leerroute or "", c.eerste_leerroute),
            first("leerroute_start"), own.get("schakelen", (0,))[0],
            c.examen_behaald if c.leerroute == "B1" else None, c.examen_datum if c.leerroute == "B1" else None,
            first("knm"), first("map"), first("pvt"),
            own.get("gesprek", (0,))[0], own["gesprek"][2].date() if "gesprek" in own else None,
            ended if "ontheffing" in reason else None, ended if "vrijstelling" in reason else None,
        ]
