"""Downloads on the real demo store: the area report from the CLI (rendered to PNG pages
for people to look at), and the map, table and report downloads in headless Chromium."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

BIN = Path(sys.executable).parent
MAP = "document.querySelector('#map .js-plotly-plot')"


def test_cli_report_for_a_demo_kabupaten(
    demo_store: Path, tmp_path: Path, artifacts_dir: Path
) -> None:
    from pypdf import PdfReader

    out = tmp_path / "laporan.pdf"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cli", "report", "--area", "99.01", "--store", str(demo_store),
         "--out", str(out)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    print(f"cakupan report --area 99.01: {time.perf_counter() - started:.1f}s")
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    pages = len(reader.pages)
    assert pages >= 6
    text = "\n".join(p.extract_text() for p in reader.pages)
    for expected in ("Kabupaten Giriarum", "Desember 2025", "Halaman 1 dari", "Catatan metode"):
        assert expected in text
    if shutil.which("pdftoppm"):
        folder = artifacts_dir / "report"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", str(out), str(folder / "halaman")], check=True
        )
        assert len(list(folder.glob("halaman-*.png"))) == pages


def test_cli_report_refuses_an_unknown_area(demo_store: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cli", "report", "--area", "99.99", "--store", str(demo_store),
         "--out", str(tmp_path / "x.pdf")],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode == 2
    assert "99.99 is not in the store" in result.stderr
    assert "Traceback" not in result.stderr


def _open_map(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_function(f"() => {MAP}?.data?.[0]?.locations?.length > 0", timeout=60000)


def test_map_png_download(page: Any, app_url: str) -> None:
    _open_map(page, f"{app_url}/?level=desa&area=99.01&segment=BPU")
    menu = page.locator("details.export-menu").first
    menu.locator("summary").click()
    with page.expect_download(timeout=90000) as info:
        menu.get_by_role("button", name="PNG (layar)").click()
    download = info.value
    assert download.suggested_filename.endswith(".png")
    data = Path(download.path()).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1123, 794)


def test_table_xlsx_download_and_one_click_report(page: Any, app_url: str) -> None:
    import openpyxl

    _open_map(page, f"{app_url}/?level=desa&area=99.02&segment=BPU")
    table_menu = page.locator("details.export-menu").nth(1)
    table_menu.locator("summary").click()
    with page.expect_download(timeout=60000) as info:
        table_menu.get_by_role("button", name="XLSX (Excel)").click()
    ws = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    assert [c.value for c in ws[3]][:3] == ["Peringkat", "Kode wilayah", "Nama wilayah"]
    assert str(ws["B4"].value).startswith("99.02.")

    map_menu = page.locator("details.export-menu").first
    map_menu.locator("summary").click()
    with page.expect_download(timeout=120000) as info:
        map_menu.get_by_role("button", name="Laporan PDF wilayah ini").click()
        page.wait_for_selector("#report-progress:not([hidden])", timeout=10000)
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    assert info.value.suggested_filename == "laporan_99-02_2025-12_BPU.pdf"
