"""The intake page in headless Chromium: a file over the request limit gets a message in
the page (the renderer applies the server's ``sideUpdate``), a cp1252 ``;`` registry is
kept, and a dry run with only that registry runs against the live store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import _free_port, serve_app
from store_factory import write_store

pytestmark = pytest.mark.browser

REGISTRY = (
    "NO_KPJ;NIK;NAMA;KODE_DESA;DESA;KECAMATAN;KABUPATEN;SEGMEN;TGL_KEPESERTAAN\n"
    "K1;;José;99.01.01.2001;;;;BPU;2024-01-10\n"
    "K2;;Renée;;Desa Dua;Kecamatan Satu;Kabupaten Satu;BPU;2024-02-01\n"
).encode("cp1252")


@pytest.fixture(scope="module")
def small_limit_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python app.py`` on the tiny store with a 1 MB upload limit."""
    root = tmp_path_factory.mktemp("upload-app")
    store = write_store(root / "served" / "processed")
    port = _free_port()
    env = {
        **os.environ,
        "CAKUPAN_STORE": str(store),
        "CAKUPAN_PORT": str(port),
        "CAKUPAN_DEBUG": "0",
        "CAKUPAN_USERS": str(root / "no-users.json"),
        "CAKUPAN_AUDIT_LOG": str(root / "audit.jsonl"),
        "CAKUPAN_UPLOADS": str(root / "uploads"),
        "CAKUPAN_MAX_UPLOAD_MB": "1",
    }
    with serve_app(env, port, ready_path="/_health") as url:
        yield url


def test_upload_limits_parity_and_a_registry_alone_dry_run(
    browser: Any, small_limit_app: str, artifacts_dir: Path
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    page = context.new_page()
    page.goto(f"{small_limit_app}/masuk?next=/unggah")
    page.fill("#username", "admin")
    page.fill("#password", "cakupan-admin")
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(f"{small_limit_app}/unggah")
    page.wait_for_selector("#upload-message", state="attached")
    registry_input = page.locator(".upload-drop input[type=file]").first
    message = page.locator("#upload-message")

    huge = b"KODE_DESA,JUMLAH\n" + b"99.01.01.2001,1\n" * (3 * 1024 * 1024 // 16)
    registry_input.set_input_files(
        files=[{"name": "besar.csv", "mimeType": "text/csv", "buffer": huge}]
    )
    page.wait_for_function(
        "document.querySelector('#upload-message').innerText.includes('batas 1 MB')",
        timeout=30000,
    )
    assert "Ditolak: berkas lebih besar dari batas 1 MB" in message.inner_text()

    registry_input.set_input_files(
        files=[{"name": "manual.csv", "mimeType": "text/csv", "buffer": REGISTRY}]
    )
    page.wait_for_function(
        "document.querySelector('#upload-message').innerText.includes('manual.csv: disimpan')",
        timeout=30000,
    )
    page.click("#upload-dry-run")
    page.wait_for_function(
        "document.querySelector('#upload-result').innerText.includes('dari data saat ini')",
        timeout=60000,
    )
    result = page.locator("#upload-result").inner_text()
    assert "Batas desa: dari data saat ini" in result, result
    assert "Dibandingkan dengan data saat ini" in result
    page.screenshot(path=str(artifacts_dir / "upload_dry_run.png"), full_page=True)
    context.close()
