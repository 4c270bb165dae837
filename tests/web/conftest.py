"""Run the app with uvicorn on a free local port and drive it with headless Chromium."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from api.app import create_app
from tests.api.conftest import runtime, template_db  # noqa: F401 - shared fixtures

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(app, port: int | None = None):
    """Serve an app with uvicorn on a local port (a free one unless given) in a thread; yield its base URL."""
    port = port or _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=5)


@pytest.fixture
def server(runtime):  # noqa: F811 - the shared fixture
    """Serve the app on 127.0.0.1 in a thread; yield its base URL."""
    with serve(create_app(runtime)) as url:
        yield url


@contextmanager
def chromium_page(**context_options):
    """A fresh 1280x900 page in headless Chromium (skipped when no chromium binary exists)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("no chromium binary on this machine")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL", **context_options)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


@pytest.fixture
def page():
    """A fresh 1280x900 page in headless Chromium (skipped when no chromium binary exists)."""
    with chromium_page() as fresh:
        yield fresh


def shot(page, name: str) -> None:
    """Save a full-page screenshot to test-artifacts/."""
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def no_horizontal_scroll(page) -> bool:
    """Tell whether the page fits the viewport's width."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def serious_accessibility_problems(page, context: str = "document") -> list[str]:
    """Run axe-core on the page (or a part of it); return the serious and critical violations.
    The page must bypass the CSP (`chromium_page(bypass_csp=True)`) so that axe-core can be injected."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(f"async () => await axe.run({context}, {{resultTypes: ['violations']}})")
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x)" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def log_in(page, server: str, username: str, password: str) -> None:
    """Log in through the login page as `username` (a fresh session) and wait for the home page."""
    page.context.clear_cookies()
    page.goto(f"{server}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")
