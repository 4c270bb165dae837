"""One simulated klantmanager: logs in and works the inbox over HTTP for a fixed time (httpx only).

Each turn is one thing a person does: start a case, take a task from the group inbox
and finish it with the form data of the scenarios, read a dossier, approve a letter of
a colleague, or (as the DUO/COA feed) deliver a message. A 409 is an expected outcome
of two people reaching for the same thing; a 5xx never is.
"""

from __future__ import annotations

import itertools
import random
import re
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import httpx

from engine.loadtest.playbook import Playbook

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_message_ids = itertools.count(1)


SYSTEM_USERNAME = "load-duo"   # the DUO/COA system account of the load test


@dataclass
class Stats:
    """Latencies (seconds) and status codes per operation, shared by all simulated people."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    codes: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, operation: str, seconds: float, status: int) -> None:
        """Record one request."""
        with self.lock:
            self.latencies[operation].append(seconds)
            self.codes[operation][status] += 1


@dataclass
class Shared:
    """What the simulated people share: the cases started so far, and the BSNs handed out."""

    case_ids: list[str] = field(default_factory=list)
    bsn_seed: itertools.count = field(default_factory=lambda: itertools.count(1000))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_case(self, case_id: str) -> None:
        """Remember a started case."""
        with self.lock:
            self.case_ids.append(case_id)

    def some_case(self, rng: random.Random) -> str | None:
        """Return a random started case, or None."""
        with self.lock:
            return rng.choice(self.case_ids) if self.case_ids else None


def elfproef_bsn(seed: int) -> str:
    """Return a 9-digit number that passes the elfproef (test data, not a real person's)."""
    n = 200000000 + seed * 7919 % 700000000
    while True:
        digits = [int(c) for c in f"{n:09d}"]
        if (sum(d * w for d, w in zip(digits[:8], range(9, 1, -1))) - digits[8]) % 11 == 0:
            return f"{n:09d}"
        n += 1


class Klantmanager:
    """A person at work: one HTTP session against one of the web processes."""

    def __init__(self, *, username: str, password: str, base_urls: list[str], book: Playbook, stats: Stats,
                 shared: Shared, seed: int) -> None:
        self.username = username
        self.password = password
        self.rng = random.Random(seed)
        self.book = book
        self.stats = stats
        self.shared = shared
        # Requests alternate between the web processes: the signed session cookie is valid on each.
        # No kept-alive connections: a request on a connection the server is just closing (idle
        # timeout) fails in transport, which says nothing about the application.
        limits = httpx.Limits(max_keepalive_connections=0)
        self.clients = [httpx.Client(base_url=url, timeout=60.0, follow_redirects=False, limits=limits)
                        for url in base_urls]
        # DUO's and COA's events come from their system account (HTTP basic), never a person's session.
        self.system_clients = [httpx.Client(base_url=url, timeout=60.0, follow_redirects=False, limits=limits,
                                            auth=(SYSTEM_USERNAME, password)) for url in base_urls]
        self.csrf = ""
        self.turn = 0

    def _client(self) -> httpx.Client:
        self.turn += 1
        return self.clients[self.turn % len(self.clients)]

    def request(self, operation: str, method: str, url: str, *, as_system: bool = False,
                **kwargs) -> httpx.Response | None:
        """Make one timed request; a transport failure (no HTTP answer at all) counts as status 599."""
        client = self._client()
        if as_system:
            client = self.system_clients[self.turn % len(self.system_clients)]
        headers = {"X-CSRF-Token": self.csrf} if self.csrf and not as_system else {}
        begin = time.perf_counter()
        try:
            response = client.request(method, url, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            self.stats.note(operation, time.perf_counter() - begin, 599)
            with self.stats.lock:
                self.stats.errors.append(f"{operation}: {type(exc).__name__}")
            return None
        self.stats.note(operation, time.perf_counter() - begin, response.status_code)
        if response.status_code >= 500:
            with self.stats.lock:
                self.stats.errors.append(f"{operation} {url.split('?')[0]}: {response.status_code}")
        return response

    def login(self) -> None:
        """Log in through the login form, then fetch the CSRF token of the API."""
        for client in self.clients:
            page = client.get("/login")
            token = _CSRF.search(page.text).group(1)
            begin = time.perf_counter()
            response = client.post("/login", data={"csrf_token": token, "username": self.username,
                                                   "password": self.password})
            self.stats.note("login", time.perf_counter() - begin, response.status_code)
            cookies = client.cookies
            for other in self.clients:
                other.cookies = cookies
            me = client.get("/api/me")
            self.csrf = me.json()["csrf_token"]
            return

    def work_until(self, deadline: float) -> None:
        """Take turns until `deadline` (time.monotonic())."""
        self.login()
        while time.monotonic() < deadline:
            choice = self.rng.random()
            if choice < 0.12:
                self.start_case()
            elif choice < 0.22:
                self.deliver_message()
            elif choice < 0.32:
                self.read_dossier_and_approve()
            else:
                self.work_a_task()
        for client in self.clients + self.system_clients:
            client.close()

    def start_case(self) -> None:
        """Register a new inburgeraar."""
        data = dict(self.rng.choice(self.book.start_data))
        data["bsn"] = elfproef_bsn(next(self.shared.bsn_seed))
        response = self.request("start", "POST", "/api/cases", json={"process_id": "inburgering", "data": data})
        if response is not None and response.status_code == 201:
            self.shared.add_case(response.json()["id"])

    def deliver_message(self) -> None:
        """Deliver a DUO/COA message to a case (refused and kept when the case does not wait for it)."""
        case_id = self.shared.some_case(self.rng)
        if case_id is None:
            return
        name, payload = self.rng.choice(self.book.messages)
        self.request("message", "POST", "/api/messages", as_system=name.startswith(("duo_", "coa_")), json={
            "name": name, "message_id": f"load-{next(_message_ids)}", "case_id": case_id, "payload": payload})

    def read_dossier_and_approve(self) -> None:
        """Read a dossier; approve a colleague's letter that waits for review."""
        case_id = self.shared.some_case(self.rng)
        if case_id is None:
            return
        response = self.request("dossier", "GET", f"/api/cases/{case_id}")
        if response is None or response.status_code != 200:
            return
        for letter in response.json().get("letters", []):
            if letter.get("status") == "ter_controle":
                self.request("approve", "POST", f"/api/letters/{letter['id']}/approve")
                return

    def work_a_task(self) -> None:
        """Take a task from the group inbox (or my own) and finish it with the scenario's data."""
        view = "mine" if self.rng.random() < 0.3 else "groups"
        inbox = self.request("inbox", "GET", f"/api/tasks?view={view}")
        if inbox is None or inbox.status_code != 200:
            return
        rows = inbox.json()["rows"]
        if not rows:
            return
        row = self.rng.choice(rows[:10])
        task_id = row["task_id"]
        if row["assignee"] is None:
            claimed = self.request("claim", "POST", f"/api/tasks/{task_id}/claim")
            if claimed is None or claimed.status_code != 200:
                return
        task = self.request("task", "GET", f"/api/tasks/{task_id}")
        if task is None or task.status_code != 200:
            return
        data = self.book.task_data.get(task.json()["element_id"])
        if data is None:  # no scenario fills this form: give it back
            self.request("unclaim", "POST", f"/api/tasks/{task_id}/unclaim")
            return
        done = self.request("complete", "POST", f"/api/tasks/{task_id}/complete", json={"data": data})
        if done is not None and done.status_code == 422:
            self.request("unclaim", "POST", f"/api/tasks/{task_id}/unclaim")
