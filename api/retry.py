"""Run a request again when its transaction lost a database race (deadlock, serialization, lock).

A request is one transaction, owned by the session dependency, so the unit to retry is
the whole request: this middleware keeps the request body, and when a retryable
database error (engine.running.transactions.is_retryable) escapes before any response
was sent, it waits a moment and runs the request again, with the same policy as the
CLI and the worker. When it keeps losing, the caller gets a 409 ("try again"), never a 500.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import app_error
from engine.running.transactions import RETRY_POLICY, Contention, describe, is_retryable, log


class RetryLostRaces:
    """ASGI middleware: replay a request whose transaction lost a race; give up with a 409."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        pauses = RETRY_POLICY.pauses()
        while True:
            started = False

            async def tracking_send(message: Message) -> None:
                nonlocal started
                if message["type"] == "http.response.start":
                    started = True
                await send(message)

            try:
                await self.app(scope, _replay(body, receive), tracking_send)
                return
            except Exception as exc:
                if started or not is_retryable(exc):
                    raise
                pause = next(pauses, None)
                if pause is None:
                    log.warning("request gave up after %d attempts: %s", RETRY_POLICY.attempts, describe(exc))
                    response = app_error(Request(scope), Contention())
                    await response(scope, _replay(body, receive), send)
                    return
                log.info("request lost a race (%s); retrying in %.3fs", describe(exc), pause)
                await asyncio.sleep(pause)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """Return a `receive` that gives the kept body once, then listens for the client going away."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
