"""DUO's notifications: stored before they are acknowledged, then acted on.

`receive` stores a notification (idempotent per BerichtId) in the request's
transaction; the endpoint answers 201 only after that commit. `process` follows the
signaleringspatroon: it fetches the resource the gebeurtenis points at from DUO (and
the person from the BRP) and does what `gebeurtenissen.py` says: start a case, send
a message to the case, or note the gebeurtenis on the case's timeline. A fetch that
fails leaves the notification `mislukt`; the worker tries it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.brp.client import BrpClient, BrpError
from engine.casefile.notes import add_note
from engine.db.models import Case, Gemeente
from engine.duo import gebeurtenissen as g
from engine.duo.client import DuoClient, DuoError, DuoNotFound, DuoUnavailable
from engine.duo.models import IN, MISLUKT, NIET_VERWERKT, ONTVANGEN, VERWERKT, DuoBericht
from engine.errors import AppError, Invalid

ACTOR = "systeem:duo"
PROCESS_ID = "inburgering"


@dataclass(frozen=True)
class Received:
    """The outcome of storing a notification: new, or the same BerichtId seen before."""

    bericht: DuoBericht
    duplicate: bool


def gemeente_by_oin(session: Session, oin: str) -> Gemeente | None:
    """Return the gemeente whose OIN (settings['oin']) is `oin`."""
    for gemeente in session.execute(select(Gemeente)).scalars():
        if (gemeente.settings or {}).get("oin") == oin:
            return gemeente
    return None


def receive(*, session: Session, bericht_id: str, gemeente: str, body: dict[str, Any], now: datetime) -> Received:
    """Store a notification; the same BerichtId again returns the stored one (idempotent)."""
    previous = session.execute(select(DuoBericht).where(DuoBericht.richting == IN,
                                                        DuoBericht.bericht_id == bericht_id)).scalar_one_or_none()
    inhoud = {k: v for k, v in body.items() if k != "bsn"}
    if previous is not None:
        if previous.inhoud != inhoud or previous.gemeente != gemeente or previous.bsn != body.get("bsn"):
            raise Invalid("Dit berichtId is al gebruikt voor een ander bericht",
                          field_errors={"berichtId": "al gebruikt voor een ander bericht"})
        return Received(previous, True)
    bericht = DuoBericht(richting=IN, soort="notificatie", bericht_id=bericht_id, gemeente=gemeente,
                         gebeurtenis_id=body.get("gebeurtenisId"), bsn=body.get("bsn"), inhoud=inhoud,
                         status=ONTVANGEN, pogingen=0, aangemaakt_op=now, bijgewerkt_op=now)
    session.add(bericht)
    session.flush()
    audit.record(session=session, actor=ACTOR, action="duo_notificatie", at=now, gemeente=gemeente,
                 detail={"berichtId": bericht_id, "gebeurtenisId": bericht.gebeurtenis_id})
    return Received(bericht, False)


class NotificationProcessor:
    """Acts on stored notifications with a DUO client and (optionally) a BRP client."""

    def __init__(self, *, engine, duo: DuoClient, brp: BrpClient | None,
                 gemeente_data: dict[str, Any] | None = None) -> None:
        self.engine = engine
        self.duo = duo
        self.brp = brp
        # What the gemeente itself knows of the person (e.g. bijstand, Participatiewet) for a new case.
        self.gemeente_data = gemeente_data or {}

    def process(self, *, session: Session, bericht: DuoBericht) -> None:
        """Do what the gebeurtenis asks; record the outcome on the stored notification."""
        now = self.engine.now(session)
        bericht.pogingen += 1
        bericht.bijgewerkt_op = now
        gebeurtenis = g.GEBEURTENISSEN.get(bericht.gebeurtenis_id or "")
        if gebeurtenis is None:
            return _done(bericht, NIET_VERWERKT, None, f"Gebeurtenis {bericht.gebeurtenis_id} is onbekend in Regie")
        if not bericht.bsn:
            return _done(bericht, NIET_VERWERKT, None, "De notificatie heeft geen BSN: DUO's gegevens zijn per BSN")
        savepoint = session.begin_nested()
        try:
            actie = self._act(session, bericht, gebeurtenis, now)
            session.flush()
            savepoint.commit()
        except DuoNotFound as exc:
            savepoint.rollback()
            return _done(bericht, NIET_VERWERKT, None, f"DUO kent de gegevens niet: {exc}")
        except (DuoUnavailable, BrpError) as exc:
            savepoint.rollback()
            return _done(bericht, MISLUKT, None, str(exc))
        except (DuoError, AppError) as exc:
            savepoint.rollback()
            return _done(bericht, NIET_VERWERKT, None, getattr(exc, "message", str(exc)))
        status = VERWERKT if actie.ok else NIET_VERWERKT
        _done(bericht, status, actie.text, actie.reason)
        bericht.case_id = actie.case_id or bericht.case_id

    # -- per action -----------------------------------------------------------------------
    def _act(self, session: Session, bericht: DuoBericht, gebeurtenis: g.Gebeurtenis, now: datetime) -> "_Actie":
        bsn, gemeente = bericht.bsn, bericht.gemeente
        case = _active_case(session, gemeente, bsn)
        kind = gebeurtenis.actie
        if kind in (g.START, g.VERHUIZING) or (kind == g.HERVAT and case is None and gebeurtenis.id == "SS129"):
            if case is not None:
                self._timeline(session, case, bericht, gebeurtenis, now)
                return _Actie(True, case.id, f"Dossier {case.case_number} bestond al; gebeurtenis in de tijdlijn")
            data = self._start_data(bericht, gebeurtenis, now)
            started = self.engine.start_case(session=session, process_id=PROCESS_ID, gemeente=gemeente, data=data,
                                             actor=ACTOR)
            self._timeline(session, started, bericht, gebeurtenis, now)
            if gebeurtenis.id == "SS128":
                add_note(session=session, case=started, author=ACTOR, author_name="DUO", now=now,
                         text="Let op: deze inburgeraar bereikt binnen 6 maanden de AOW-leeftijd (DUO SS128). "
                              "Met de AOW-leeftijd eindigt de inburgeringsplicht.")
            return _Actie(True, started.id, f"Dossier {started.case_number} gestart")
        if case is None:
            return _Actie(False, None, None, "Geen lopend dossier voor deze persoon in deze gemeente")
        if kind == g.TIJDLIJN:
            self._timeline(session, case, bericht, gebeurtenis, now)
            return _Actie(True, case.id, "In de tijdlijn van het dossier gezet")
        payload = self._payload(bericht, gebeurtenis, now)
        outcome = self.engine.send_message(session=session, name=g.MESSAGES[kind], message_id=f"duo:{bericht.bericht_id}",
                                           actor=ACTOR, case_id=case.id, payload=payload)
        if not outcome.ok:
            return _Actie(False, case.id, None, outcome.reason)
        return _Actie(True, case.id, f"Bericht {g.MESSAGES[kind]} aan dossier {case.case_number}")

    def _timeline(self, session: Session, case: Case, bericht: DuoBericht, gebeurtenis: g.Gebeurtenis,
                  now: datetime) -> None:
        audit.record(session=session, actor=ACTOR, action="duo_gebeurtenis", at=now, case=case,
                     detail={"gebeurtenisId": gebeurtenis.id, "omschrijving": gebeurtenis.omschrijving,
                             "berichtId": bericht.bericht_id, "task": f"{gebeurtenis.id} {gebeurtenis.omschrijving}"})

    def _start_data(self, bericht: DuoBericht, gebeurtenis: g.Gebeurtenis, now: datetime) -> dict[str, Any]:
        bsn = bericht.bsn
        plicht = self.duo.inburgeringsplicht(bsn)
        if not plicht.get("indicatorInburgeringsplicht"):
            raise Invalid("Volgens DUO is deze persoon niet inburgeringsplichtig")
        doelgroep = self.duo.doelgroep(bsn)
        notified = _registered_on(bericht, now)
        data: dict[str, Any] = {
            "bsn": bsn,
            "doelgroep": g.DOELGROEP_CODE.get(doelgroep.get("indeling"), "gezinsmigrant"),
            "datum_plicht": plicht.get("datumKennisgevingInburgeringsplicht") or plicht.get("begindatum") or notified,
            "duo_gebeurtenis": gebeurtenis.id,
        }
        if self.brp is not None:
            persoon = self.brp.persoon(bsn)
            if persoon is not None:
                data.update(persoon.variabelen())
        if gebeurtenis.id == "SS128":
            data["aow_binnen_6_maanden"] = True
        if gebeurtenis.actie == g.VERHUIZING or gebeurtenis.id == "SS129":
            # Besluit 5.3 lid 1 en 3: the new gemeente (or the resumed plicht) has 10 weeks from this notice.
            data["datum_plicht"] = notified
            data["verhuisd_naar_gemeente"] = gebeurtenis.actie == g.VERHUIZING
        if gebeurtenis.id == "SS121":
            vorige = self.duo.pip(bsn)
            data["pip_vorige_gemeente"] = vorige.get("gemeentecode")
            data["leerroute"] = g.LEERROUTE.get(vorige.get("pip", {}).get("leerroute"))
            # Besluit 5.3 lid 3: this gemeente keeps that route (engine/legal/pip.py refuses another one).
            data["leerroute_vorige_gemeente"] = data["leerroute"]
            # DUO's "first PIP for the person, whatever the gemeente" rule (README-DUO) no longer applies.
            data["pip_eerder_vastgesteld"] = True
            data.update(self._termijn(bsn, required=False))
        # Until the intake says otherwise: Dutch letters, no interpreter, no bijstand, no fines yet.
        defaults = {"taal": "nl", "tolk_nodig": False, "bijstand": False, "boetes": []}
        return {**defaults, **self.gemeente_data, **{k: v for k, v in data.items() if v is not None}}

    def _termijn(self, bsn: str, *, required: bool = True) -> dict[str, Any]:
        try:
            termijn = self.duo.inburgeringstermijn(bsn)
        except DuoNotFound:
            if required:
                raise
            return {}
        values = {"termijn_start": termijn.get("startdatum"), "termijn_eind": termijn.get("einddatum"),
                  "termijn_verlengingsgrond": termijn.get("verlengingsgrondomschrijving")}
        return {k: v for k, v in values.items() if v is not None}

    def _payload(self, bericht: DuoBericht, gebeurtenis: g.Gebeurtenis, now: datetime) -> dict[str, Any]:
        bsn, kind = bericht.bsn, gebeurtenis.actie
        if kind == g.LBT:
            resultaten = sorted(self.duo.lbt_resultaten(bsn), key=lambda r: r["datumAfname"])
            if not resultaten:
                raise Invalid("DUO heeft nog geen uitslag van de leerbaarheidstoets")
            laatste = resultaten[-1]
            # DUO writes the score the Dutch way ("62,50"); the case keeps a number, as the LBT form does.
            score = Decimal(laatste["behaaldeScore"].replace(",", "."))
            return {"lbt_uitslag": g.LBT_UITSLAG[laatste["resultaat"]], "lbt_score": score,
                    "lbt_datum": laatste["datumAfname"]}
        if kind == g.TERMIJN:
            return self._termijn(bsn)
        if kind == g.EXAMEN:
            return _examen(self.duo.examenresultaten(bsn))
        if kind == g.DOELGROEP:
            return {"doelgroep": g.DOELGROEP_CODE[self.duo.doelgroep(bsn)["indeling"]]}
        if kind == g.PAUZE:
            tijdelijk = [v["TijdelijkeVrijstelling"] for v in self.duo.vrijstellingen(bsn)
                         if v.get("TijdelijkeVrijstelling", {}).get("oordeel") == "Toekenning"]
            laatste = tijdelijk[-1] if tijdelijk else {}
            return {k: v for k, v in {"vrijstelling_start": laatste.get("startdatum") or _registered_on(bericht, now),
                                      "vrijstelling_eind": laatste.get("einddatum")}.items() if v}
        if kind == g.HERVAT:
            payload: dict[str, Any] = {"hervat_met_pip": gebeurtenis.id == "SS130",
                                       "datum_plicht": _registered_on(bericht, now)}
            if gebeurtenis.id == "SS130":
                payload.update(self._termijn(bsn, required=False))
                payload.pop("datum_plicht")
            return payload
        if kind == g.EINDE:
            plicht = self.duo.inburgeringsplicht(bsn)
            reden = gebeurtenis.reden
            if plicht.get("redenGeenInburgeringsplicht"):
                reden = f"{reden} ({plicht['redenGeenInburgeringsplicht']})"
            return {"reden": reden, "einde_plicht_datum": plicht.get("einddatum") or _registered_on(bericht, now)}
        raise Invalid(f"Geen actie voor gebeurtenis {gebeurtenis.id}")


@dataclass(frozen=True)
class _Actie:
    ok: bool
    case_id: str | None
    text: str | None
    reason: str | None = None


def _done(bericht: DuoBericht, status: str, actie: str | None, reden: str | None) -> None:
    bericht.status = status
    bericht.actie = actie
    bericht.reden = reden


def _active_case(session: Session, gemeente: str | None, bsn: str | None) -> Case | None:
    return session.execute(select(Case).where(Case.gemeente == gemeente, Case.bsn == bsn, Case.status == "active")
                           .order_by(Case.created_at.desc())).scalars().first()


def _registered_on(bericht: DuoBericht, now: datetime) -> str:
    moment = str(bericht.inhoud.get("registratieDatumTijd") or "")
    try:
        return date.fromisoformat(moment[:10]).isoformat()
    except ValueError:
        return now.date().isoformat()


def _examen(resultaten: list[dict]) -> dict[str, Any]:
    """Summarise exam results: the latest one, and whether every onderdeel is passed."""
    if not resultaten:
        raise Invalid("DUO heeft nog geen examenresultaten")
    ordered = sorted(resultaten, key=lambda r: r["examendatum"])
    laatste = ordered[-1]
    geslaagd = {r["onderdeel"] for r in ordered if r["resultaat"] == "Geslaagd"}
    return {"examen_behaald": all(o in geslaagd for o in g.EXAMEN_ONDERDELEN),
            "examen_datum": laatste["examendatum"], "examen_onderdeel": laatste["onderdeel"]}


def pending(session: Session, *, limit: int = 50, retry_failed: bool = True) -> list[int]:
    """Return ids of notifications still to process (new ones, and failed fetches when asked)."""
    statuses = [ONTVANGEN, MISLUKT] if retry_failed else [ONTVANGEN]
    return list(session.execute(select(DuoBericht.id).where(DuoBericht.richting == IN,
                                                            DuoBericht.status.in_(statuses))
                                .order_by(DuoBericht.id).limit(limit)).scalars())
