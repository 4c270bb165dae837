"""The BRP client: name, address, date of birth and registration date by BSN.

`POST /personen` with `RaadpleegMetBurgerservicenummer`: the BSN travels in the body,
never in a URL, and only the fields a purpose needs are asked (BRP doelbinding).
Requests and responses are checked against the official OpenAPI document.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import httpx

from engine.contract.openapi import Contract, Exchange, load_contract
from engine.duo.client import quiet_http_logging

SPEC = Path(__file__).resolve().parent / "specs" / "BRP-Personen.openapi.yaml"
CONTENT_TYPE = "application/json; charset=utf-8"
# The fields per purpose (doelbinding): a letter needs only the address.
FIELDS_PERSOON = ["naam", "geboorte.datum", "verblijfplaats", "adressering", "datumInschrijvingInGemeente",
                  "gemeenteVanInschrijving"]
FIELDS_ADRES = ["verblijfplaats", "adressering"]


def brp_contract() -> Contract:
    """Return the BRP API Personen document, parsed once."""
    return load_contract(SPEC)


class BrpError(Exception):
    """The BRP could not give the person's data; the message holds no BSN."""


@dataclass(frozen=True)
class BrpSettings:
    """Where the BRP API is and how Regie identifies itself."""

    base_url: str
    api_key: str = ""
    api_key_header: str = "X-API-KEY"
    timeout: float = 10.0
    retries: int = 3
    backoff: float = 0.5


@dataclass(frozen=True)
class Persoon:
    """What Regie uses from the BRP, as case variables (DEVELOPERS.md)."""

    voornamen: str | None
    achternaam: str | None
    naam: str | None
    geboortedatum: str | None
    straat: str | None
    huisnummer: str | None
    postcode: str | None
    woonplaats: str | None
    datum_brp_inschrijving: str | None
    gemeente_van_inschrijving: str | None

    def adres(self) -> dict[str, str]:
        """Return the postal address variables that are known."""
        values = {"straat": self.straat, "huisnummer": self.huisnummer, "postcode": self.postcode,
                  "woonplaats": self.woonplaats}
        return {k: v for k, v in values.items() if v}

    def variabelen(self) -> dict[str, str]:
        """Return every known value as case variables."""
        values = {k: getattr(self, k) for k in ("voornamen", "achternaam", "naam", "geboortedatum",
                                                "datum_brp_inschrijving")}
        return {**{k: v for k, v in values.items() if v}, **self.adres()}


class BrpClient:
    """Reads persons from the BRP API Personen."""

    def __init__(self, settings: BrpSettings, *, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self._sleep = sleep
        quiet_http_logging()
        headers = {settings.api_key_header: settings.api_key} if settings.api_key else {}
        self._http = httpx.Client(base_url=settings.base_url.rstrip("/"), timeout=settings.timeout,
                                  headers=headers, transport=transport)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def persoon(self, bsn: str, fields: list[str] | None = None) -> Persoon | None:
        """Return the person with this BSN (None when the BRP does not know them)."""
        query = {"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": [bsn],
                 "fields": fields or FIELDS_PERSOON}
        exchange = Exchange(method="post", path="/personen", body=query, content_type=CONTENT_TYPE)
        contract = brp_contract()
        contract.check_request(exchange)
        response = self._send(query)
        content_type = response.headers.get("content-type", CONTENT_TYPE)
        problems = contract.response_problems(exchange, response.status_code, response.headers, response.content,
                                              content_type)
        if problems:
            raise BrpError("Het antwoord van de BRP past niet bij de specificatie: " + "; ".join(problems[:3]))
        if response.status_code >= 400:
            raise BrpError(f"De BRP weigert het verzoek (HTTP {response.status_code})")
        personen = response.json().get("personen") or []
        return _persoon(personen[0]) if personen else None

    def _send(self, query: dict) -> httpx.Response:
        last = ""
        for attempt in range(1, self.settings.retries + 1):
            try:
                response = self._http.post("/personen", content=json.dumps(query),
                                           headers={"content-type": CONTENT_TYPE})
            except httpx.TimeoutException:
                last = "geen antwoord"
            except httpx.TransportError as exc:
                last = f"geen verbinding ({type(exc).__name__})"
            else:
                if response.status_code < 500:
                    return response
                last = f"HTTP {response.status_code}"
            if attempt < self.settings.retries:
                self._sleep(self.settings.backoff * 2 ** (attempt - 1))
        raise BrpError(f"BRP niet bereikbaar na {self.settings.retries} pogingen ({last})")


def _datum(value: dict | None) -> str | None:
    return value.get("datum") if isinstance(value, dict) and value.get("type") == "Datum" else None


def _persoon(data: dict) -> Persoon:
    naam = data.get("naam") or {}
    achternaam = " ".join(p for p in (naam.get("voorvoegsel"), naam.get("geslachtsnaam")) if p) or None
    adres = {}
    verblijf = data.get("verblijfplaats") or {}
    if verblijf.get("type") == "Adres":
        adres = verblijf.get("verblijfadres") or {}
    huisnummer = "".join(str(p) for p in (adres.get("huisnummer"), adres.get("huisletter")) if p)
    if adres.get("huisnummertoevoeging"):
        huisnummer += f"-{adres['huisnummertoevoeging']}"
    postcode = adres.get("postcode")
    if postcode and len(postcode) == 6:
        postcode = f"{postcode[:4]} {postcode[4:]}"
    return Persoon(
        voornamen=naam.get("voornamen"), achternaam=achternaam,
        naam=" ".join(p for p in (naam.get("voornamen"), achternaam) if p) or naam.get("volledigeNaam"),
        geboortedatum=_datum((data.get("geboorte") or {}).get("datum")),
        straat=adres.get("korteStraatnaam") or adres.get("officieleStraatnaam"), huisnummer=huisnummer or None,
        postcode=postcode, woonplaats=adres.get("woonplaats"),
        datum_brp_inschrijving=_datum(data.get("datumInschrijvingInGemeente")),
        gemeente_van_inschrijving=(data.get("gemeenteVanInschrijving") or {}).get("code"),
    )
