"""The simulator's local store: DUO's resources and the BRP data per (fictitious) person.

Kept in memory and written to a JSON file after each change, so a trainer's commands
and a restarted simulator see the same persons. Gebeurtenissen change the store the way
DUO's own administration would change, before the notification goes out.
"""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

SIM_DUO_OIN = "00000099000000000001"      # fictitious: the simulator's OIN as DUO
SIM_GEMEENTE_OIN = "00000099000000000002"  # fictitious: the demo gemeente's OIN
SIM_GEMEENTECODE = "9999"
ASIEL = "Asielstatushouder"
GEZIN = "Gezinsmigrant en overige migrant"
REDEN_EINDE = {"SS106": "Inburgeringsplicht voldaan", "SS107": "Volledige vrijstelling",
               "SS108": "Volledige ontheffing", "SS110": "Overig", "SS111": "Overlijden"}


class SimError(Exception):
    """A trainer's command the simulator cannot carry out (unknown person, bad value)."""


class SimStore:
    """Persons with their DUO resources and BRP data; thread-safe; optionally file-backed."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.data: dict[str, Any] = {"personen": {}, "storing": False}
        self.log_entries: list[dict[str, Any]] = []
        if path is not None and path.exists():
            self.data.update(json.loads(path.read_text(encoding="utf-8")))
            self.data.pop("log", None)

    def save(self) -> None:
        """Write the store to its file (if any)."""
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.data, ensure_ascii=False, indent=1), encoding="utf-8")
            tmp.replace(self.path)

    def persoon(self, bsn: str) -> dict[str, Any] | None:
        """Return a person, or None."""
        return self.data["personen"].get(bsn)

    def by_name(self, naam: str) -> str:
        """Return the BSN of the person with this name (for a trainer's command line)."""
        hits = [bsn for bsn, p in self.data["personen"].items()
                if f"{p['brp']['voornamen']} {p['brp']['geslachtsnaam']}".lower() == naam.strip().lower()]
        if len(hits) != 1:
            raise SimError(f"{len(hits)} personen heten {naam!r}")
        return hits[0]

    def add_persoon(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Create (or replace) a person: plicht, doelgroep and BRP data from a simple description."""
        bsn = str(spec["bsn"])
        kennisgeving = spec.get("kennisgeving") or date.today().isoformat()
        person = {
            "bsn": bsn,
            "gemeente_oin": spec.get("gemeente_oin", SIM_GEMEENTE_OIN),
            "vestigingsdatum": spec.get("datum_inschrijving") or kennisgeving,
            "brp": {
                "voornamen": spec["voornamen"], "geslachtsnaam": spec["achternaam"],
                "geboortedatum": spec.get("geboortedatum", "1990-01-01"), "straat": spec.get("straat", "Stationsweg"),
                "huisnummer": int(spec.get("huisnummer", 1)), "postcode": spec.get("postcode", "1234AB").replace(" ", ""),
                "woonplaats": spec.get("woonplaats", "Voorbeeldstad"),
                "datum_inschrijving": spec.get("datum_inschrijving") or kennisgeving,
                "gemeentecode": spec.get("gemeentecode", SIM_GEMEENTECODE),
            },
            "inburgeringsplicht": {"indicatorInburgeringsplicht": True,
                                   "begindatum": spec.get("plicht_begindatum") or kennisgeving,
                                   "datumKennisgevingInburgeringsplicht": kennisgeving},
            "doelgroep": {"indeling": ASIEL if spec.get("doelgroep") == "asielstatushouder" else GEZIN,
                          "begindatum": spec.get("plicht_begindatum") or kennisgeving},
            "lbt": [], "termijn": None, "examens": [], "vrijstellingen": [], "pip": None, "pip_historie": [],
            "map": None, "pvt": None, "zroute": None,
        }
        if spec.get("pip"):  # a PIP of a previous gemeente (for SS121)
            person["pip"] = spec["pip"]
            person["pip_historie"] = [spec["pip"]]
        if spec.get("termijn"):
            person["termijn"] = spec["termijn"]
        with self.lock:
            self.data["personen"][bsn] = person
            self.save()
        return person

    def set_uren(self, bsn: str, *, cursus: int | None, participatie: int | None, bekend_tot: str | None) -> None:
        """Set the GevolgdeUren of the person's own gemeente (taalles and KNM; participation)."""
        with self.lock:
            person = self.persoon(bsn)
            if person is None:
                raise SimError("Deze persoon staat niet in de simulator")
            entry: dict[str, Any] = {"gemeentecode": person["brp"]["gemeentecode"]}
            if bekend_tot:
                entry["bekendTot"] = date.fromisoformat(bekend_tot).isoformat()
            if cursus is not None:
                entry["ParticipatieAlsTaalles"] = {"uren": int(cursus)}
            if participatie is not None:
                entry["ParticipatieactiviteitenBredeIntake"] = {"uren": int(participatie)}
            others = [u for u in person.get("uren") or [] if u.get("gemeentecode") != entry["gemeentecode"]]
            person["uren"] = [*others, entry]
            self.save()

    def apply(self, gebeurtenis: str, bsn: str, data: dict[str, Any], on: str) -> None:
        """Change DUO's administration as the gebeurtenis says (before the notification goes out)."""
        with self.lock:
            person = self.persoon(bsn)
            if person is None:
                raise SimError("Deze persoon staat niet in de simulator")
            _APPLY.get(gebeurtenis, _nothing)(person, data, on)
            self.save()

    def log(self, entry: dict[str, Any]) -> None:
        """Remember a request Regie made and whether it matched DUO's documents (in memory only)."""
        with self.lock:
            self.log_entries.append(entry)
            del self.log_entries[:-5000]


def _nothing(person, data, on) -> None:
    return None


def _lbt(person, data, on) -> None:
    uitslag = {"haalbaar": "B1-route haalbaar", "niet_haalbaar": "B1-route niet haalbaar"}.get(
        data.get("uitslag", "haalbaar"), "Onbekend")
    score = float(data.get("score", 62 if uitslag == "B1-route haalbaar" else 31))
    person["lbt"].append({"behaaldeScore": f"{score:.2f}".replace(".", ","), "benodigdeScore": "50,00",
                          "datumAfname": data.get("datum", on), "resultaat": uitslag})


def _termijn(person, data, on) -> None:
    start = data.get("start") or on
    begin = date.fromisoformat(start)
    eind = data.get("eind") or begin.replace(year=begin.year + 3).isoformat()  # Wet 11: 3 years (end exclusive)
    person["termijn"] = {"startdatum": start, "einddatum": eind, "wijzigingsdatum": on}


def _verlengd(person, data, on) -> None:
    termijn = person["termijn"] or {"startdatum": on, "einddatum": on}
    nieuw = data.get("eind") or (date.fromisoformat(termijn["einddatum"]) + timedelta(days=183)).isoformat()
    person["termijn"] = {**termijn, "einddatum": nieuw, "wijzigingsdatum": on, "verlengingsgrondcode": "1",
                         "verlengingsgrondomschrijving": data.get("grond", "Aanzienlijke inspanningen")}


def _examen(person, data, on) -> None:
    onderdelen = data.get("onderdelen") or [data.get("onderdeel", "KNM")]
    for onderdeel in onderdelen:
        person["examens"].append({"examendatum": data.get("datum", on), "onderdeel": onderdeel, "niveau": "B1",
                                  "resultaat": data.get("resultaat", "Geslaagd")})


def _verhuisd(person, data, on) -> None:
    person["gemeente_oin"] = data.get("gemeente_oin", SIM_GEMEENTE_OIN)
    person["vestigingsdatum"] = data.get("datum", on)
    person["brp"].update({k: v for k, v in data.items() if k in ("straat", "huisnummer", "postcode", "woonplaats")})
    person["brp"]["datum_inschrijving"] = data.get("datum", on)


def _doelgroep(person, data, on) -> None:
    person["doelgroep"] = {"indeling": GEZIN if person["doelgroep"]["indeling"] == ASIEL else ASIEL, "begindatum": on}


def _tijdelijk(person, data, on) -> None:
    person["vrijstellingen"].append({"TijdelijkeVrijstelling": {
        "oordeel": "Toekenning", "reden": "OPL", "datumOordeel": on, "startdatum": data.get("start", on),
        "einddatum": data.get("eind") or (date.fromisoformat(on) + timedelta(days=365)).isoformat()}})
    person["inburgeringsplicht"].update({"indicatorInburgeringsplicht": False, "wijzigingsdatum": on,
                                         "redenGeenInburgeringsplicht": "Tijdelijke vrijstelling"})


def _hervat(person, data, on) -> None:
    for v in person["vrijstellingen"]:
        if "TijdelijkeVrijstelling" in v:
            v["TijdelijkeVrijstelling"]["einddatum"] = on
    person["inburgeringsplicht"] = {"indicatorInburgeringsplicht": True, "begindatum": on,
                                    "datumKennisgevingInburgeringsplicht": on, "wijzigingsdatum": on}


def _einde(gebeurtenis):
    def apply(person, data, on) -> None:
        person["inburgeringsplicht"].update({"indicatorInburgeringsplicht": False, "einddatum": on,
                                             "wijzigingsdatum": on, "redenGeenInburgeringsplicht": REDEN_EINDE[gebeurtenis]})
    return apply


_APPLY = {
    "SS131": _lbt, "SS102": _termijn, "SS103": _verlengd, "SS104": _verlengd, "SS130": _hervat, "SS129": _hervat,
    "SS199": _examen, "SS120": _verhuisd, "SS121": _verhuisd, "SS124": _doelgroep, "SS125": _doelgroep,
    "SS109": _tijdelijk, **{g: _einde(g) for g in REDEN_EINDE},
}
