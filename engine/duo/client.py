"""The DUO client: the resources a gemeente reads and writes, checked against DUO's OpenAPI documents.

Every request carries the OIN headers `bron` (the gemeente) and `doel` (DUO) and a fresh
`berichtId`; it is checked against the official document before it leaves, and every
response Regie accepts is checked too. Timeouts and server errors are retried with
backoff; what still fails raises `DuoUnavailable`, a refusal (4xx) raises `DuoRefused`
with DUO's own text. URLs hold the BSN (DUO's paths are per person): they are never
logged or put in an error message.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import httpx

from engine.contract.openapi import Contract, ContractViolation, Exchange, load_contract

SPECS = Path(__file__).resolve().parent / "specs"
RETRY_STATUSES = frozenset({500, 502, 503, 504})


def duo_contract(name: str) -> Contract:
    """Return DUO's OpenAPI document `name` (e.g. 'PIP'), parsed once."""
    return load_contract(SPECS / f"{name}.openapi.yml")


class DuoError(Exception):
    """DUO could not give what was asked; the message is safe to show (no BSN)."""


class DuoRefused(DuoError):
    """DUO answered with a refusal (4xx); `reasons` are DUO's fouttekst values."""

    def __init__(self, status: int, reasons: list[str]) -> None:
        self.status = status
        self.reasons = reasons or [f"HTTP {status}"]
        super().__init__("; ".join(self.reasons))


class DuoUnavailable(DuoError):
    """DUO did not answer usefully after every retry (timeout, connection, 5xx)."""


class DuoNotFound(DuoRefused):
    """DUO does not know this resource for this person (404)."""


@dataclass(frozen=True)
class DuoSettings:
    """Where DUO is and who we are."""

    base_url: str
    bron_oin: str
    doel_oin: str
    timeout: float = 10.0
    retries: int = 3
    backoff: float = 0.5
    cert: tuple[str, str] | None = None


class DuoClient:
    """Calls DUO's resources for one gemeente (its OIN is the `bron`)."""

    def __init__(self, settings: DuoSettings, *, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self._sleep = sleep
        quiet_http_logging()
        self._http = httpx.Client(base_url=settings.base_url.rstrip("/"), timeout=settings.timeout,
                                  cert=settings.cert, transport=transport)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    # -- resources ------------------------------------------------------------------------
    def inburgeringsplicht(self, bsn: str) -> dict:
        """GET the person's Inburgeringsplicht (begindatum, kennisgeving, reden geen plicht)."""
        return self._get("Inburgeringsplicht", f"/personen/{bsn}/inburgeringsplicht")

    def doelgroep(self, bsn: str) -> dict:
        """GET the doelgroep the person falls under now."""
        return self._get("Inburgeringsplicht", f"/personen/{bsn}/doelgroep")

    def lbt_resultaten(self, bsn: str) -> list[dict]:
        """GET the leerbaarheidstoets results."""
        return self._get("Leerbaarheidstoets", f"/personen/{bsn}/lbt/resultaten")

    def inburgeringstermijn(self, bsn: str) -> dict:
        """GET the inburgeringstermijn (start, end, verlengingsgrond)."""
        return self._get("Inburgeringstermijn", f"/personen/{bsn}/inburgeringstermijn")

    def examenresultaten(self, bsn: str) -> list[dict]:
        """GET the exam results per onderdeel."""
        return self._get("Examen", f"/personen/{bsn}/examens/resultaten")

    def vrijstellingen(self, bsn: str) -> list[dict]:
        """GET the vrijstellingen (gehele, gedeeltelijke, tijdelijke)."""
        return self._get("Vrijstelling", f"/personen/{bsn}/vrijstellingen")

    def pip(self, bsn: str) -> dict:
        """GET the current PIP known at DUO (this or a previous gemeente's) with its gemeentecode."""
        return self._get("PIP", f"/personen/{bsn}/PIP")

    def post_pip(self, bsn: str, pip: dict) -> None:
        """POST a (new or amended) PIP; DUO answers 201 or refuses with its reasons."""
        self._call("PIP", "post", f"/personen/{bsn}/PIP", pip)

    def put_map(self, bsn: str, resultaat: dict) -> None:
        """PUT the datum eindgesprek MAP (and verwijtbaarheid)."""
        self._call("MAP-PVT-Zroute", "put", f"/personen/{bsn}/map", resultaat)

    def put_pvt(self, bsn: str, resultaat: dict) -> None:
        """PUT the datum ondertekening PVT (and verwijtbaarheid)."""
        self._call("MAP-PVT-Zroute", "put", f"/personen/{bsn}/pvt", resultaat)

    def put_zroute(self, bsn: str, resultaat: dict) -> None:
        """PUT the datum afronding Z-route."""
        self._call("MAP-PVT-Zroute", "put", f"/personen/{bsn}/zroute", resultaat)

    def gevolgde_uren(self, bsn: str) -> list[dict]:
        """GET the hours DUO has registered per gemeente."""
        return self._get("GevolgdeUren", f"/personen/{bsn}/uren")

    def put_uren_taalles_knm(self, bsn: str, uren: dict) -> None:
        """PUT the taalles and KNM hours from the brede intake."""
        self._call("GevolgdeUren", "put", f"/personen/{bsn}/uren/bredeintake/taallesknm", uren)

    # -- transport ------------------------------------------------------------------------
    def _get(self, spec: str, path: str) -> Any:
        return self._call(spec, "get", path, None)

    def headers(self) -> dict[str, str]:
        """Return the Digikoppeling headers of a new request."""
        return {"bron": self.settings.bron_oin, "doel": self.settings.doel_oin, "berichtId": str(uuid.uuid4())}

    def _call(self, spec: str, method: str, path: str, body: dict | None) -> Any:
        contract = duo_contract(spec)
        exchange = Exchange(method=method, path=path, headers=self.headers(), body=body)
        contract.check_request(exchange)  # a request outside DUO's document is our bug: never send it
        response = self._send(exchange)
        content_type = response.headers.get("content-type", "application/json").split(";")[0]
        problems = contract.response_problems(exchange, response.status_code, response.headers, response.content,
                                              content_type)
        if problems:
            raise DuoError(f"Het antwoord van DUO past niet bij {contract.path.name}: " + "; ".join(problems[:3]))
        if response.status_code == 404:
            raise DuoNotFound(404, _reasons(response))
        if response.status_code >= 400:
            raise DuoRefused(response.status_code, _reasons(response))
        if not response.content:
            return None
        return response.json()

    def _send(self, exchange: Exchange) -> httpx.Response:
        last = ""
        headers, content = dict(exchange.headers), None
        if exchange.body is not None:
            headers["content-type"] = "application/json"
            content = json.dumps(exchange.body)
        for attempt in range(1, self.settings.retries + 1):
            try:
                response = self._http.request(exchange.method.upper(), exchange.path, headers=headers, content=content)
            except httpx.TimeoutException:
                last = f"geen antwoord binnen {self.settings.timeout:g} s"
            except httpx.TransportError as exc:
                last = f"geen verbinding ({type(exc).__name__})"
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response
                last = f"HTTP {response.status_code}" + (f": {'; '.join(_reasons(response))}"
                                                        if response.content else "")
            if attempt < self.settings.retries:
                self._sleep(self.settings.backoff * 2 ** (attempt - 1))
        raise DuoUnavailable(f"DUO niet bereikbaar na {self.settings.retries} pogingen ({last})")


def quiet_http_logging() -> None:
    """Keep httpx from logging request URLs at INFO: DUO's URLs hold the BSN (never in logs)."""
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.WARNING:
            logger.setLevel(logging.WARNING)


def _reasons(response: httpx.Response) -> list[str]:
    """Return DUO's fouttekst values from an error body (a Foutmelding or a list of them)."""
    try:
        data = response.json()
    except ValueError:
        return []
    items = data if isinstance(data, list) else [data]
    return [str(i["fouttekst"]) for i in items if isinstance(i, dict) and i.get("fouttekst")]


__all__ = ["ContractViolation", "DuoClient", "DuoError", "DuoNotFound", "DuoRefused", "DuoSettings",
           "DuoUnavailable", "duo_contract"]
