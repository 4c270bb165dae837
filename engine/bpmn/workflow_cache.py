"""Deserialized workflows kept between requests, by case id and version, within one process.

Rebuilding a klantreis workflow from its stored state costs more than the step itself as
a case ages (a year of voortgangsgesprekken: ~250 tasks). A long-running process (the web
app, the worker) keeps the workflow a committed command left behind, keyed by the case's
version: the next command on that version takes it instead of rebuilding it. A workflow
is only kept once its transaction commits, and never when the transaction, or a savepoint
it was made in, rolls back; a writer takes it out of the cache (it will change it).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

_PENDING = "regie_workflows_pending"


class WorkflowCache:
    """A bounded, thread-safe map (case id, version) -> workflow (least recently used goes first)."""

    def __init__(self, size: int = 128) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[tuple[str, int], Any] = OrderedDict()
        self._lock = threading.Lock()
        _listen()

    def get(self, case_id: str, version: int, *, take: bool):
        """Return the workflow of this case version, or None; `take` removes it (the caller will change it)."""
        key = (case_id, version)
        with self._lock:
            workflow = self._entries.pop(key, None) if take else self._entries.get(key)
            if workflow is None:
                self.misses += 1
            else:
                self.hits += 1
                if not take:
                    self._entries.move_to_end(key)
            return workflow

    def keep_after_commit(self, session: Session, case_id: str, version: int, workflow) -> None:
        """Keep `workflow` as this case version once `session` commits (dropped on any rollback on the way)."""
        transaction = session.get_nested_transaction() or session.get_transaction()
        open_transactions = set()
        while transaction is not None:
            open_transactions.add(transaction)
            transaction = transaction.parent
        session.info.setdefault(_PENDING, []).append((open_transactions, self, (case_id, version), workflow))

    def _put(self, key: tuple[str, int], workflow) -> None:
        with self._lock:
            self._entries[key] = workflow
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def _committed(session: Session) -> None:
    for _transactions, cache, key, workflow in session.info.pop(_PENDING, []):
        cache._put(key, workflow)


def _rolled_back(session: Session, previous_transaction) -> None:
    pending = session.info.get(_PENDING)
    if pending:
        session.info[_PENDING] = [p for p in pending if previous_transaction not in p[0]]


def _listen() -> None:
    if not event.contains(Session, "after_commit", _committed):
        event.listen(Session, "after_commit", _committed)
        event.listen(Session, "after_soft_rollback", _rolled_back)
