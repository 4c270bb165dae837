"""A real OpenID Connect provider (npm `oidc-provider`, tests/auth/oidc_provider/server.mjs) as its
own process, and Regie served on a real port with OpenID Connect login pointed at it.

Skipped only when node (or the npm package, `npm ci`) is missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from api.app import create_app
from engine.config import Settings
from engine.running.runtime import build_runtime
from tests.api.conftest import _handlers, runtime, template_db  # noqa: F401 - the shared database
from tests.web.conftest import _free_port, serve

REPO = Path(__file__).resolve().parents[2]
SERVER = Path(__file__).parent / "oidc_provider" / "server.mjs"
NODE = shutil.which("node")
IDP_PASSWORD = "idp-wachtwoord-1"
CLIENTS = {"regie": "regie-test-geheim-0123456789", "andere-app": "andere-app-geheim-0123456789"}
ROLE_MAP = {
    "regie-klantmanagers": {"roles": ["consulent"], "gemeente": "demo"},
    "regie-teamleiders": {"roles": ["teamleider"], "gemeente": "demo"},
    "regie-beheer": {"roles": ["beheerder"], "gemeente": "demo"},
}


def _node_ready() -> bool:
    return NODE is not None and (REPO / "node_modules" / "oidc-provider" / "package.json").exists()


class Provider:
    """The identity provider process: its issuer URL and the output it wrote."""

    def __init__(self, redirect_uris: list[str]) -> None:
        import json
        import os

        env = {**os.environ, "OIDC_REDIRECT_URIS": json.dumps(redirect_uris)}
        self.process = subprocess.Popen([NODE, str(SERVER)], cwd=REPO, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        self.output: list[str] = []
        ready = threading.Event()
        self.issuer = ""

        def read():
            for line in self.process.stdout:
                self.output.append(line)
                if line.startswith("READY "):
                    self.issuer = line.split()[1]
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(20):
            self.stop()
            raise RuntimeError("the OpenID Connect test provider did not start:\n" + "".join(self.output))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()


class Regie:
    """Regie on a real port with OpenID Connect login, and its identity provider."""

    def __init__(self, url: str, runtime, provider: Provider, redirect_url: str) -> None:
        self.url = url
        self.runtime = runtime
        self.provider = provider
        self.redirect_url = redirect_url

    def client(self) -> httpx.Client:
        """A browser-like client (cookies, redirects followed) for Regie and the provider."""
        return httpx.Client(follow_redirects=True, timeout=20)


def settings_for(db: Path | str, issuer: str, redirect_url: str, **overrides) -> Settings:
    """Regie's settings for a database (a SQLite file or a URL) and the test provider."""
    values = dict(
        database_url=db if isinstance(db, str) else f"sqlite:///{db}", clock="database", secret_key="test-secret-key",
        oidc_issuer=issuer, oidc_client_id="regie", oidc_client_secret=CLIENTS["regie"],
        oidc_redirect_url=redirect_url, oidc_provider_name="Test-IdP", oidc_scopes="openid profile email groups",
        oidc_username_claim="preferred_username", oidc_roles_claim="groups", oidc_role_map=ROLE_MAP,
        oidc_auto_provision=True,
    )
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def oidc_overrides(request) -> dict:
    """Settings a test changes (parametrize this fixture indirectly)."""
    return getattr(request, "param", {})


@contextmanager
def running_regie(db: Path | str, prepare=None, **overrides):
    """Start the provider and Regie on `db` pointed at each other; `prepare(runtime)` runs before serving."""
    if not _node_ready():
        pytest.skip("node or the npm package oidc-provider is missing (run npm ci)")
    port = _free_port()
    redirect_url = f"http://127.0.0.1:{port}/login/oidc/callback"
    provider = Provider([redirect_url])
    runtime = None
    try:
        runtime = build_runtime(settings_for(db, provider.issuer, redirect_url, **overrides), handlers=_handlers())
        if prepare is not None:
            prepare(runtime)
        with serve(create_app(runtime), port=port) as url:
            yield Regie(url, runtime, provider, redirect_url)
    finally:
        if runtime is not None:
            runtime.db.dispose()
        provider.stop()


@pytest.fixture
def regie(template_db, tmp_path, oidc_overrides):  # noqa: F811 - the shared fixture
    """Start the provider and Regie (a fresh copy of the test database) pointed at each other."""
    db_file = tmp_path / "regie.sqlite"
    shutil.copy(template_db, db_file)
    with running_regie(db_file, **oidc_overrides) as running:
        yield running


def idp_login(client: httpx.Client, page: httpx.Response, login: str, password: str = IDP_PASSWORD,
              stop_at: str | None = None) -> httpx.Response:
    """Fill the provider's login form on `page`; follow redirects, but stop before `stop_at`."""
    action = re.search(r'action="(/interaction/[^"]+/login)"', page.text)
    assert action, f"not the provider's login page: {page.url}"
    base = f"{page.url.scheme}://{page.url.netloc.decode()}"
    response = client.post(base + action.group(1), data={"login": login, "password": password},
                           follow_redirects=False)
    while response.is_redirect:
        location = str(response.next_request.url)
        if stop_at and location.startswith(stop_at):
            return response
        response = client.get(location, follow_redirects=False)
    return response


def callback_url(response: httpx.Response) -> str:
    """The Location of a redirect (the callback to Regie with code and state)."""
    return str(response.next_request.url)


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def wait_for(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False
