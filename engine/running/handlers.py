"""Service-task handlers: Python functions registered by topic.

A BPMN service task drawn in Camunda Modeler as an external task
(`camunda:type="external" camunda:topic="letter"`) is executed by the handler
registered for its topic. A diagram naming an unknown topic is refused at
deploy. A handler that raises becomes an incident on the case: its database
writes are rolled back (it runs inside a savepoint) and the case stays at the
service task until `regie retry`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Mapping

from sqlalchemy.orm import Session


class HandlerError(Exception):
    """A handler's own, expected failure; its message is shown in the incident.

    Never put a BSN or health data in the message: incidents are shown to
    beheerders and written to the audit log.
    """


@dataclass(frozen=True)
class Wait:
    """Returned by a handler to keep the service task open (an external task).

    The case waits until `Engine.complete_service_task` is called for it, e.g.
    after a consultant approved a letter that needed review.
    """

    reason: str


@dataclass
class ServiceCall:
    """Everything a handler may use; it must not reach for globals."""

    session: Session
    case_id: str
    case_number: str
    gemeente: str
    process_id: str
    element_id: str
    task_id: str
    topic: str
    properties: Mapping[str, str]
    inputs: Mapping[str, Any]
    data: Mapping[str, Any]
    now: datetime
    actor: str
    after_commit: list[Callable[[], None]] = field(default_factory=list)


Handler = Callable[[ServiceCall], "Mapping[str, Any] | Wait | None"]
DataMessage = Callable[[Mapping[str, Any], Mapping[str, Any], datetime], "Mapping[str, Any]"]
"""A message that records facts on a running case instead of an event the diagram waits for: given
the case's variables, the payload and the time, it returns the variables to change (or raises
engine.errors.Invalid / Conflict). Registered by name, e.g. `pw_maatregel` (engine/pw)."""


class HandlerRegistry:
    """Topic -> handler; built once at startup and passed to the engine."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._data_messages: dict[str, DataMessage] = {}

    def register(self, topic: str, handler: Handler) -> None:
        """Register `handler` for `topic`; a topic has exactly one handler."""
        if topic in self._handlers:
            raise ValueError(f"topic {topic!r} already has a handler")
        self._handlers[topic] = handler

    def get(self, topic: str) -> Handler | None:
        """Return the handler for `topic`, or None."""
        return self._handlers.get(topic)

    def register_data_message(self, name: str, apply: DataMessage) -> None:
        """Register a message that changes case variables on any running case (see DataMessage)."""
        if name in self._data_messages:
            raise ValueError(f"message {name!r} already has a handler")
        self._data_messages[name] = apply

    def data_message(self, name: str) -> DataMessage | None:
        """Return the data-message handler of `name`, or None (an ordinary BPMN message)."""
        return self._data_messages.get(name)

    def topics(self) -> set[str]:
        """Return every registered topic."""
        return set(self._handlers)

    def bind(self, engine: Any) -> None:
        """Give handlers that act on other cases (they have a `bind` method) the engine."""
        for handler in self._handlers.values():
            bind = getattr(handler, "bind", None)
            if callable(bind):
                bind(engine)
