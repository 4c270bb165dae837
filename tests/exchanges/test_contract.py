"""The contract check itself: it must catch what the official documents forbid, discriminators included."""

from __future__ import annotations

import json

from engine.brp.client import CONTENT_TYPE, brp_contract
from engine.contract.openapi import Exchange
from engine.duo.client import duo_contract

HEADERS = {"bron": "0" * 20, "doel": "1" * 20, "berichtId": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}


def _query(**override) -> Exchange:
    body = {"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": ["123456782"], "fields": ["naam"],
            **override}
    return Exchange(method="post", path="/personen", body=body, content_type=CONTENT_TYPE)


def test_a_brp_query_is_checked_against_the_schema_its_type_names():
    assert brp_contract().request_problems(_query()) == []
    problems = brp_contract().request_problems(_query(burgerservicenummer=["12345"]))
    assert problems == ["burgerservicenummer.0: '12345' does not match '^[0-9]{9}$'"]
    assert brp_contract().request_problems(_query(fields=[]))


def test_a_brp_answer_with_a_date_without_its_date_is_refused():
    person = {"geboorte": {"datum": {"type": "Datum", "langFormaat": "1 mei 1990"}}}
    body = json.dumps({"type": "RaadpleegMetBurgerservicenummer", "personen": [person]}).encode()
    problems = brp_contract().response_problems(_query(), 200, {}, body, CONTENT_TYPE)
    assert problems == ["personen.0.geboorte.datum: 'datum' is a required property"]
    person["geboorte"]["datum"]["datum"] = "1990-05-01"
    body = json.dumps({"type": "RaadpleegMetBurgerservicenummer", "personen": [person]}).encode()
    assert brp_contract().response_problems(_query(), 200, {}, body, CONTENT_TYPE) == []


def test_duo_documents_catch_headers_paths_bodies_and_answers():
    pip = duo_contract("PIP")
    good = Exchange(method="post", path="/personen/123456782/PIP", headers=HEADERS,
                    body={"dagtekeningPip": "2026-03-02", "leerroute": "B"})
    assert pip.request_problems(good) == []
    assert pip.request_problems(Exchange(method="post", path="/personen/12345/PIP", headers=HEADERS,
                                         body={"dagtekeningPip": "2026-03-02", "leerroute": "B"}))
    assert pip.request_problems(Exchange(method="post", path="/personen/123456782/PIP", headers=HEADERS,
                                         body={"dagtekeningPip": "2026-03-02", "leerroute": "B1"}))
    assert pip.request_problems(Exchange(method="post", path="/personen/123456782/PIP", headers={},
                                         body={"dagtekeningPip": "2026-03-02", "leerroute": "B"}))
    # DUO's answer must carry API-Version; a 403 must be a list of Foutmelding
    assert pip.response_problems(good, 201, {"API-Version": "1.2.0"}, b"") == []
    assert pip.response_problems(good, 201, {}, b"")
    assert pip.response_problems(good, 403, {"API-Version": "1.2.0"}, b'{"fout": 1}')
