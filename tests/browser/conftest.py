"""Real-browser fixtures: the demo store, the app in a subprocess, headless Debian Chromium.

The demo store is built once per session into a temporary folder with the real commands
(``cakupan demo`` then ``cakupan build``), unless ``CAKUPAN_TEST_STORE`` names an existing
store (handy when iterating locally). Playwright drives /usr/bin/chromium; nothing is
downloaded.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from required import require

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve_app(env: dict[str, str], port: int, ready_path: str = "/") -> Iterator[str]:
    """``python app.py`` with ``env`` on ``port``, until the block ends."""
    proc = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + ready_path, timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the app did not start")
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def app_url(demo_store: Path) -> Iterator[str]:
    """The app served by ``python app.py`` on a free localhost port."""
    port = _free_port()
    env = {
        **os.environ,
        "CAKUPAN_STORE": str(demo_store),
        "CAKUPAN_PORT": str(port),
        "CAKUPAN_HOST": "127.0.0.1",
        "CAKUPAN_DEBUG": "0",
        "CAKUPAN_BASEMAP": "0",
        # demo users made at start-up; the audit log in a temporary folder
        "CAKUPAN_USERS": str(demo_store.parent / "no-users.json"),
        "CAKUPAN_AUDIT_LOG": str(demo_store.parent / "audit.jsonl"),
    }
    with serve_app(env, port) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require(CHROMIUM.exists(), f"Debian chromium ({CHROMIUM})")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object, app_url: str) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    pg = context.new_page()
    # every page needs a log-in: the documented demo admin (docs/security.md)
    pg.goto(f"{app_url}/masuk")
    pg.fill("#username", "admin")
    pg.fill("#password", "cakupan-admin")
    with pg.expect_navigation():
        pg.click("button[type=submit]")
    yield pg
    context.close()
