"""Check requests and responses against an official OpenAPI document (openapi-core).

The documents are the partners' own files, copied byte for byte into the repository
(engine/duo/specs, engine/brp/specs); nothing here retypes a schema. Two additions:
- the base path is not part of DUO's documents (README-DUO "Basis pad URI") and the
  BRP document names RvIG's test server, so paths are checked relative to the
  configured base URL (the document's `servers` are replaced by "/" in memory);
- JSON Schema validators ignore OpenAPI's `discriminator`, which the BRP document
  uses for every date and address; `discriminator_errors` validates an instance
  against the schema its discriminator names as well.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_schema_validator import OAS30Validator, OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.datastructures import Headers

from engine.errors import AppError


class ContractViolation(AppError):
    """A request or response that does not match the partner's OpenAPI document."""

    status = 400

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message + ": " + "; ".join(problems))
        self.problems = problems


@dataclass
class _Request:
    host_url: str
    path: str
    method: str
    parameters: RequestParameters
    content_type: str | None
    body: bytes | None

    @property
    def full_url_pattern(self) -> str:
        return self.host_url + self.path


@dataclass
class _Response:
    status_code: int
    content_type: str
    headers: Headers
    data: bytes


@dataclass
class Exchange:
    """One HTTP request and (optionally) its response, as the contract sees them."""

    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    content_type: str = "application/json"
    query: Mapping[str, str] = field(default_factory=dict)


def _problem_texts(errors) -> list[str]:
    """Turn openapi-core errors into short texts naming the field and the reason."""
    texts = []
    for error in errors:
        cause = error.__cause__ if error.__cause__ is not None else error
        schema_errors = getattr(cause, "schema_errors", None) or getattr(error, "schema_errors", None)
        name = getattr(error, "name", None)
        if schema_errors:
            for schema_error in schema_errors:
                where = ".".join(str(p) for p in schema_error.absolute_path) or name or "body"
                texts.append(f"{where}: {schema_error.message}")
        else:
            texts.append(str(error) if name is None else f"{name}: {error}")
    return texts


class Contract:
    """One partner API document, loaded once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.version = str(document["info"]["version"])
        self.document = document
        served = dict(document, servers=[{"url": "/"}])
        # The documents are the partners' and used as published: they are not re-validated as
        # documents (DUO's Contactpersoon uses \p{L}, which is no Python regular expression).
        self.api = OpenAPI.from_dict(served, config=Config(spec_validator_cls=None))
        self._oas31 = str(document.get("openapi", "3.0")).startswith("3.1")
        self._registry = Registry().with_resource(
            "urn:contract", Resource.from_contents(document, default_specification=DRAFT202012))

    def _request(self, exchange: Exchange) -> _Request:
        body = exchange.body
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode("utf-8")
        return _Request(
            host_url="http://partner", path=exchange.path, method=exchange.method.lower(),
            parameters=RequestParameters(header=Headers(dict(exchange.headers)), query=dict(exchange.query)),
            content_type=exchange.content_type if body is not None else None, body=body,
        )

    def request_problems(self, exchange: Exchange) -> list[str]:
        """Return what is wrong with a request (empty when it matches the document)."""
        request = self._request(exchange)
        problems = _problem_texts(self.api.iter_request_errors(request))
        if not problems and request.body:
            problems = self._discriminated(self._request_schema(exchange), json.loads(request.body))
        return problems

    def response_problems(self, exchange: Exchange, status: int, headers: Mapping[str, str], body: bytes,
                          content_type: str = "application/json") -> list[str]:
        """Return what is wrong with a response to `exchange` (empty when it matches)."""
        response = _Response(status, content_type, Headers(dict(headers)), body or b"")
        problems = _problem_texts(self.api.iter_response_errors(self._request(exchange), response))
        if not problems and body and content_type.startswith("application/json"):
            problems = self._discriminated(self._response_schema(exchange, status), json.loads(body))
        return problems

    def check_request(self, exchange: Exchange) -> None:
        """Raise ContractViolation when a request does not match the document."""
        problems = self.request_problems(exchange)
        if problems:
            raise ContractViolation(f"Verzoek past niet bij {self.path.name}", problems)

    # -- discriminators ------------------------------------------------------------------
    def _operation(self, exchange: Exchange) -> dict | None:
        for template, item in self.document.get("paths", {}).items():
            if path_matches(template, exchange.path):
                return item.get(exchange.method.lower())
        return None

    def _request_schema(self, exchange: Exchange) -> dict | None:
        operation = self._operation(exchange) or {}
        content = operation.get("requestBody", {}).get("content", {})
        return next((c.get("schema") for c in content.values()), None)

    def _response_schema(self, exchange: Exchange, status: int) -> dict | None:
        responses = (self._operation(exchange) or {}).get("responses", {})
        response = responses.get(str(status)) or responses.get("default") or {}
        response = self._resolve(response)
        return next((c.get("schema") for c in response.get("content", {}).values()), None)

    def _resolve(self, schema: Any) -> Any:
        while isinstance(schema, dict) and "$ref" in schema:
            node: Any = self.document
            for part in schema["$ref"].lstrip("#/").split("/"):
                node = node[part]
            schema = node
        return schema

    def _discriminated(self, schema: dict | None, instance: Any) -> list[str]:
        if schema is None:
            return []
        problems: list[str] = []
        self._walk(schema, instance, [], problems, set())
        return problems

    def _walk(self, schema: Any, instance: Any, where: list, problems: list[str], seen: set) -> None:
        ref = schema.get("$ref") if isinstance(schema, dict) else None
        schema = self._resolve(schema)
        if not isinstance(schema, dict):
            return
        key = (id(instance), ref)
        if ref is not None:
            if key in seen:
                return
            seen.add(key)
        discriminator = schema.get("discriminator")
        if discriminator and isinstance(instance, dict):
            target = discriminator.get("mapping", {}).get(instance.get(discriminator["propertyName"]))
            if target and (id(instance), target) not in seen:
                validator_class = OAS31Validator if self._oas31 else OAS30Validator
                validator = validator_class({"$ref": "urn:contract" + target}, registry=self._registry)
                for error in validator.iter_errors(instance):
                    path = ".".join(str(p) for p in where + list(error.absolute_path)) or "body"
                    problems.append(f"{path}: {error.message}")
                self._walk({"$ref": target}, instance, where, problems, seen)
        for part in schema.get("allOf", []):
            self._walk(part, instance, where, problems, seen)
        if isinstance(instance, dict):
            for name, sub in schema.get("properties", {}).items():
                if name in instance:
                    self._walk(sub, instance[name], where + [name], problems, seen)
        elif isinstance(instance, list) and "items" in schema:
            for i, item in enumerate(instance):
                self._walk(schema["items"], item, where + [i], problems, seen)


def path_matches(template: str, path: str) -> bool:
    """Tell whether a concrete path fits a document's path template (/personen/{bsn}/PIP)."""
    left, right = template.strip("/").split("/"), path.strip("/").split("/")
    return len(left) == len(right) and all(
        t == p or (t.startswith("{") and t.endswith("}")) for t, p in zip(left, right))


@lru_cache(maxsize=None)
def load_contract(path: Path) -> Contract:
    """Return the contract in `path`, parsed once per process."""
    return Contract(path)
