"""A BRP API Personen simulator (`POST /personen`) over the DUO simulator's persons.

Requests are checked against the official document (engine/brp/specs); only
`RaadpleegMetBurgerservicenummer` is answered, with just the fields asked for.
"""

from __future__ import annotations

import json
from datetime import date

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.simulators.duo.store import SimStore
from engine.brp.client import CONTENT_TYPE, brp_contract
from engine.contract.openapi import Exchange

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]


def _datum(iso: str) -> dict:
    day = date.fromisoformat(iso)
    return {"type": "Datum", "datum": iso, "langFormaat": f"{day.day} {MONTHS[day.month - 1]} {day.year}"}


def _persoon(p: dict, fields: list[str]) -> dict:
    brp = p["brp"]
    postcode = brp["postcode"]
    full = {
        "burgerservicenummer": p["bsn"],
        "naam": {"voornamen": brp["voornamen"], "geslachtsnaam": brp["geslachtsnaam"],
                 "voorletters": " ".join(f"{n[0]}." for n in brp["voornamen"].split()),
                 "volledigeNaam": f"{brp['voornamen']} {brp['geslachtsnaam']}"},
        "geboorte": {"datum": _datum(brp["geboortedatum"])},
        "verblijfplaats": {"type": "Adres", "verblijfadres": {
            "officieleStraatnaam": brp["straat"], "korteStraatnaam": brp["straat"][:24],
            "huisnummer": int(brp["huisnummer"]), "postcode": postcode, "woonplaats": brp["woonplaats"]}},
        "adressering": {"adresregel1": f"{brp['straat']} {brp['huisnummer']}"[:40],
                        "adresregel2": f"{postcode[:4]} {postcode[4:]}  {brp['woonplaats'].upper()}"[:50]},
        "datumInschrijvingInGemeente": _datum(brp["datum_inschrijving"]),
        "gemeenteVanInschrijving": {"code": brp["gemeentecode"], "omschrijving": "Voorbeeldstad"},
    }
    roots = {f.split(".")[0] for f in fields}
    return {k: v for k, v in full.items() if k in roots}


def create_brp_app(store: SimStore) -> FastAPI:
    """Build the BRP simulator over the store's persons."""
    app = FastAPI(title="BRP-simulator (Regie)", docs_url=None, redoc_url=None, openapi_url=None)

    @app.post("/personen")
    async def personen(request: Request):
        """Answer RaadpleegMetBurgerservicenummer with the fields asked for."""
        body = await request.body()
        problems = brp_contract().request_problems(Exchange(
            method="post", path="/personen", body=body or None,
            content_type=request.headers.get("content-type", CONTENT_TYPE)))
        entry = {"method": "POST", "resource": "/personen", "spec": "BRP-Personen.openapi.yaml", "problems": problems}
        if problems:
            store.log({**entry, "status": 400})
            return JSONResponse({"type": "about:blank", "title": "Ten minste een parameter is niet correct",
                                 "status": 400, "code": "paramsValidation"}, status_code=400,
                                media_type="application/problem+json")
        store.log({**entry, "status": 200})
        query = json.loads(body)
        if query["type"] != "RaadpleegMetBurgerservicenummer":
            return JSONResponse({"type": query["type"], "personen": []}, media_type=CONTENT_TYPE)
        found = [_persoon(store.persoon(bsn), query["fields"]) for bsn in query["burgerservicenummer"]
                 if store.persoon(bsn) is not None]
        return JSONResponse({"type": query["type"], "personen": found}, media_type=CONTENT_TYPE)

    return app
