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
from outreach_helpers import wait_for_polsek_count

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
    assert 4 <= pages <= 6  # sections flow: no page left mostly empty (7 before)
    assert reader.metadata.author == "Cakupan" and reader.metadata.creator == "Cakupan"
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


def test_map_svg_download_is_vector(page: Any, app_url: str) -> None:
    _open_map(page, f"{app_url}/?level=desa&area=99.01&segment=BPU")
    menu = page.locator("details.export-menu").first
    menu.locator("summary").click()
    with page.expect_download(timeout=90000) as info:
        menu.get_by_role("button", name="SVG").click()
    svg = Path(info.value.path()).read_text(encoding="utf-8")
    # one path per village of the demo kabupaten (94) plus the kecamatan outlines
    assert svg.count('class="choroplethlocation"') > 94
    assert "<image" not in svg


def test_table_files_name_the_sort_on_screen(page: Any, app_url: str) -> None:
    import csv

    import openpyxl

    _open_map(page, f"{app_url}/?level=desa&area=99.02&segment=BPU")
    # AG Grid loads when the table comes into view (assets/lazy_bundles.js): scroll to it
    page.locator("#area-table").scroll_into_view_if_needed()
    page.wait_for_selector("#area-table .ag-header-cell[col-id=coverage_pct]", timeout=30000)
    header = page.locator("#area-table .ag-header-cell[col-id=coverage_pct] .ag-header-cell-label")
    header.click()  # ascending
    header.click()  # descending
    page.wait_for_selector(
        "#area-table .ag-header-cell[col-id=coverage_pct][aria-sort=descending]", timeout=10000
    )
    table_menu = page.locator("details.export-menu").nth(1)
    table_menu.locator("summary").click()
    with page.expect_download(timeout=60000) as info:
        table_menu.get_by_role("button", name="XLSX (Excel)").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert book["Wilayah"]["A1"].value.startswith("Wilayah menurut Cakupan (turun) · ")
    about = dict(book["Keterangan"].iter_rows(values_only=True))
    assert about["Urutan"] == "Cakupan (turun)" and about["Data sintetis (demo)"] == "ya"
    coverage = [r[4] for r in book["Wilayah"].iter_rows(min_row=4, values_only=True) if r[1]]
    numbers = [c for c in coverage if isinstance(c, int | float)]
    assert numbers == sorted(numbers, reverse=True)
    with page.expect_download(timeout=60000) as info:
        table_menu.get_by_role("button", name="CSV").click()
    text = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Peringkat", "Kode wilayah", "Nama wilayah"]
    assert "Urutan" in rows[0] and rows[1][rows[0].index("Urutan")] == "Cakupan (turun)"


def test_all_polsek_downloads_and_map_by_polsek(
    page: Any, app_url: str, demo_store: Path, artifacts_dir: Path
) -> None:
    """A Polres commander: "(semua Polsek)" gives one XLSX with a sheet per Polsek and one
    PDF with every briefing; the map's legend names Polsek; no AG Grid warning #94/#95."""
    import openpyxl
    import pandas as pd
    from pypdf import PdfReader

    warnings: list[str] = []
    page.on("console", lambda m: warnings.append(m.text) if "AG Grid" in m.text else None)
    roster = pd.read_parquet(demo_store / "officers.parquet")
    polres = sorted(roster["polres"].unique())[0]
    mine = roster[roster["polres"] == polres]
    polseks = sorted(mine["polsek"].unique(), key=str.casefold)
    page.goto(f"{app_url}/penjangkauan?polres={polres}&polsek=all")
    wait_for_polsek_count(page, len(polseks))
    page.wait_for_function(
        "() => { const m = document.querySelector('#outreach-map .js-plotly-plot')"
        "?._fullLayout?.map?._subplot?.map; return m && m.loaded(); }",
        timeout=60000,
    )
    page.screenshot(path=str(artifacts_dir / "outreach-all-polsek.png"), full_page=False)
    legend = page.locator("#outreach-legend").inner_text()
    if mine["nrp"].nunique() > 16:
        assert all(p in legend for p in polseks)
    assert page.get_by_role("button", name="Unduh rencana (XLSX)").is_enabled()
    with page.expect_download(timeout=90000) as info:
        page.get_by_role("button", name="Unduh rencana (XLSX)").click()
    assert info.value.suggested_filename.endswith("_semua_polsek.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert book.sheetnames[0] == "Ringkasan" and len(book.sheetnames) == len(polseks) + 4
    summary = list(book["Ringkasan"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in summary[:-1]] == polseks and summary[-1][0] == "Jumlah"
    assert summary[-1][2] == mine["nrp"].nunique()
    with page.expect_download(timeout=120000) as info:
        page.get_by_role("button", name="Unduh lembar briefing (PDF)").click()
    reader = PdfReader(io.BytesIO(Path(info.value.path()).read_bytes()))
    text = "".join(p.extract_text() for p in reader.pages)
    assert all(p in text for p in polseks)
    assert reader.metadata.title == f"Lembar pengarahan {polres} (semua Polsek)"
    assert not [w for w in warnings if "#94" in w or "#95" in w], warnings
