"""Limits and log hygiene for the web app: request body size, and BSN-free logs."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from engine.access import redaction

MAX_BODY = 1_000_000
"""Largest request body of the JSON API and the web forms (1 MB)."""
MAX_UPLOAD = 10_000_000
"""Largest deployment Camunda Modeler may upload (10 MB of BPMN, DMN and forms)."""
UPLOAD_PREFIXES = ("/engine-rest/deployment/create",)


class BodyTooLarge(Exception):
    """The request body is larger than its limit."""


class BodyLimit:
    """Refuse a request body over the limit with 413, by its Content-Length or while it streams in."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = MAX_UPLOAD if scope["path"].startswith(UPLOAD_PREFIXES) else MAX_BODY
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > limit
                except ValueError:
                    too_big = True
                if too_big:
                    await _refuse(send, limit)
                    return
        seen = 0
        started = False

        async def counted_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge()
            return message

        async def tracked_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await _refuse(send, limit)


async def _refuse(send: Send, limit: int) -> None:
    body = (f'{{"detail": "Het verzoek is te groot (hoogstens {limit // 1_000_000} MB).", '
            f'"field_errors": {{"body": "te groot"}}}}').encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


ERROR_SCHEMA = {
    "title": "Fout",
    "type": "object",
    "description": "Every refusal of the JSON API: a Dutch message and, for bad input, the fields and why.",
    "properties": {
        "detail": {"type": "string", "title": "Detail"},
        "field_errors": {"type": "object", "additionalProperties": {"type": "string"}, "title": "Field Errors"},
    },
    "required": ["detail"],
}


def _published_openapi(app: FastAPI):
    """Describe the error body the API really sends (api/errors.py) instead of FastAPI's default."""
    original = app.openapi

    def openapi():
        if app.openapi_schema is None:
            schema = original()
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            if "HTTPValidationError" in components:
                components["HTTPValidationError"] = ERROR_SCHEMA
                components.pop("ValidationError", None)
            app.openapi_schema = schema
        return app.openapi_schema

    return openapi


def install(app: FastAPI) -> None:
    """Add the body limit, publish the real error shape, and make every log line BSN-free."""
    app.add_middleware(BodyLimit)
    app.openapi = _published_openapi(app)
    redaction.install()
