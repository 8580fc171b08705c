"""Exports: tables (CSV/XLSX, neutralised, protected) and figures rendered by Kaleido.

The figure tests start one Chromium for the session (Kaleido's sync server) and render the
tiny hand-made store's map and trend: dimensions from the PNG header, text in SVG and PDF,
and pixels of the class colours in the map.
"""

from __future__ import annotations

import base64
import csv
import io
import re
import struct
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from required import require
from store_factory import write_store

from analytics.engine.classify import OVER_100_COLOR, classify
from analytics.exports.suppression import MARK
from analytics.exports.tables import (
    AREA_COLUMNS,
    Column,
    area_columns,
    neutralise,
    protect_area_rows,
    to_csv_bytes,
    to_xlsx_bytes,
)
from analytics.settings import Settings
from analytics.store.reader import Store
from layouts.core.data_access import resolve_state
from layouts.core.url_state import ViewState
from layouts.exports.rendering import CHROMIUM, SIZES, export_figure, stop_kaleido

TODAY = date(2025, 1, 31)


@pytest.fixture(scope="module", autouse=True)
def _close_browser() -> Any:
    yield
    stop_kaleido()  # before interpreter exit, so Chromium's profile folder is removed cleanly


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return Store(write_store(tmp_path_factory.mktemp("exports") / "processed"))


@pytest.fixture(scope="module")
def settings(store: Store) -> Settings:
    return Settings().with_(store_dir=store.root)


def _decode(download: dict[str, Any]) -> bytes:
    return base64.b64decode(download["content"])


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# --- tables ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+62 812", "'+62 812"),
        ("-1+1", "'-1+1"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("Desa Satu", "Desa Satu"),
        ("99.01", "99.01"),
        (-5, -5),
        (12.5, 12.5),
        (np.int64(7), 7),
        (float("nan"), None),
        (None, None),
    ],
)
def test_neutralise(value: object, expected: object) -> None:
    assert neutralise(value) == expected


COLUMNS = (
    Column("area_code", "Kode wilayah"),
    Column("area_name", "Nama wilayah"),
    Column("active", "Peserta aktif", "int"),
    Column("coverage_pct", "Cakupan (%)", "pct"),
)
FRAME = pd.DataFrame(
    {
        "area_code": ["99.01", "99.02"],
        "area_name": ['=HYPERLINK("http://x")', "Kota Dua"],
        "active": [1234567, MARK],
        "coverage_pct": [12.3456, np.nan],
    }
)


def test_xlsx_round_trips_numbers_and_neutralises_formulas() -> None:
    import openpyxl

    data = to_xlsx_bytes(FRAME, COLUMNS, title="Judul", notes=("catatan",))
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book.active
    assert ws["A1"].value == "Judul"
    assert [c.value for c in ws[3]] == [
        "Kode wilayah",
        "Nama wilayah",
        "Peserta aktif",
        "Cakupan (%)",
    ]
    row = ws[4]
    assert row[0].value == "99.01" and row[0].data_type == "s"  # a code stays text
    assert row[1].value == '\'=HYPERLINK("http://x")' and row[1].data_type == "s"
    assert row[2].value == 1234567 and row[2].data_type == "n"
    assert row[3].value == 12.3  # the digits the screen shows (15,2% on screen -> 15.2)
    assert [c.value for c in ws[5]] == ["99.02", "Kota Dua", MARK, None]
    assert ws["A7"].value == "catatan"
    # nothing in the workbook is a formula
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)


def test_csv_is_parseable_with_numbers_as_numbers() -> None:
    data = to_csv_bytes(FRAME, COLUMNS, notes=("=catatan",), lang="en")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Kode wilayah", "Nama wilayah", "Peserta aktif", "Cakupan (%)"]
    assert rows[1] == ["99.01", '\'=HYPERLINK("http://x")', "1234567", "12.3"]
    assert float(rows[1][2]) == 1234567
    assert rows[2] == ["99.02", "Kota Dua", MARK, ""]
    assert rows[3] == ["'=catatan"]


def test_protected_rows_hide_small_counts_complements_and_derived_values() -> None:
    rows = pd.DataFrame(
        {
            "area_code": ["a", "b", "c"],
            "active": [3, 40, 9],
            "eligible": [100.0, 200.0, 50.0],
            "coverage_pct": [3.0, 20.0, 18.0],
            "uncovered": [97.0, 160.0, 41.0],
        }
    )
    out = protect_area_rows(rows, 5)
    # 3 is small, 9 its complement (smallest other), and coverage/uncovered with them;
    # eligible (the denominator) stays published.
    assert out.frame["active"].tolist() == [MARK, 40, MARK]
    assert out.frame["coverage_pct"].tolist() == [MARK, 20.0, MARK]
    assert out.frame["uncovered"].tolist() == [MARK, 160.0, MARK]
    assert out.frame["eligible"].tolist() == [100.0, 200.0, 50.0]
    assert out.suppressed == 2 and out.notes
    assert protect_area_rows(rows, None).frame is rows  # protection off


def test_table_file_keeps_screen_order_filter_and_protects(
    store: Store, settings: Settings
) -> None:
    import openpyxl

    from layouts.exports.files import table_file

    state = resolve_state(store, settings, ViewState(level="desa", area="99.01", segment="BPU"))
    # On screen: sorted by name descending and filtered to three villages.
    shown = ["99.01.02.2002", "99.01.02.2001", "99.01.01.2002"]
    download = table_file(store, state, "xlsx", 15, shown)
    assert download["filename"].endswith(".xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(_decode(download))).active
    header = [c.value for c in ws[3]]
    assert header == [c.header for c in AREA_COLUMNS]
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=6)]
    assert [r[1] for r in body] == shown
    # Dec 2024 BPU: Desa Tiga 10 (< 15, hidden) and, as its complement, the smallest other
    # count of the kabupaten list, Desa Dua 73; Desa Empat 223 stays.
    active = {r[1]: r[5] for r in body}
    assert active == {"99.01.02.2002": 223, "99.01.02.2001": MARK, "99.01.01.2002": MARK}
    eligible = {r[1]: r[6] for r in body}
    assert eligible["99.01.02.2001"] == 800
    csv_rows = list(
        csv.reader(
            io.StringIO(_decode(table_file(store, state, "csv", None, None)).decode("utf-8-sig")),
            delimiter=";",  # Indonesian CSV (state.lang "id")
        )
    )
    # protection off, all four villages in ranking order (uncovered: 854, 790, 427, 177)
    assert [r[1] for r in csv_rows[1:5]] == [
        "99.01.01.2001",
        "99.01.02.2001",
        "99.01.01.2002",
        "99.01.02.2002",
    ]
    assert [int(r[3]) for r in csv_rows[1:5]] == [854, 790, 427, 177]


def test_table_file_follows_the_language(store: Store, settings: Settings) -> None:
    import openpyxl

    from layouts.exports.files import table_file

    state = resolve_state(
        store, settings, ViewState(level="desa", area="99.01", segment="BPU", lang="en")
    )
    book = openpyxl.load_workbook(io.BytesIO(_decode(table_file(store, state, "xlsx", 15, None))))
    ws = book.active
    assert ws.title == "Areas"
    assert ws.cell(1, 1).value.startswith("Areas by uncovered workers (rank) · Kabupaten Satu")
    header = [c.value for c in ws[3]]
    assert header[:5] == ["Rank", "Area code", "Area name", "Workers not covered", "Coverage (%)"]
    assert header == [c.header for c in area_columns("en")]
    cells = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "s = hidden to protect confidentiality" in cells  # the small-count note too
    for word in ("Peringkat", "Wilayah", "Segmen", "diekspor", "Cakupan", "disembunyikan"):
        assert not re.search(rf"\b{word}\b", cells), word
    id_state = resolve_state(store, settings, ViewState(level="desa", area="99.01", segment="BPU"))
    id_book = openpyxl.load_workbook(
        io.BytesIO(_decode(table_file(store, id_state, "xlsx", 15, None)))
    )
    assert next(c.value for c in id_book.active[3]) == "Peringkat"


# --- figures (Kaleido) ------------------------------------------------------------


@pytest.fixture
def chromium() -> None:
    """Kaleido needs Debian's chromium: skip locally without it, fail in CI (``CI=true``)."""
    require(CHROMIUM.exists(), str(CHROMIUM))


needs_chromium = pytest.mark.usefixtures("chromium")


@pytest.fixture(scope="module")
def map_state(store: Store, settings: Settings) -> ViewState:
    return resolve_state(store, settings, ViewState(level="desa", area="", segment="BPU"))


@pytest.fixture(scope="module")
def map_fig(store: Store, settings: Settings, map_state: ViewState) -> Any:
    from layouts.exports.figures import map_export

    return map_export(store, settings, map_state, threshold=5, exported_on=TODAY)


@needs_chromium
def test_map_png_has_screen_size_and_draws_the_classes(
    map_fig: Any, store: Store, map_state: ViewState, artifacts_dir: Path
) -> None:
    from layouts.map.view_model import view_rows

    data = export_figure(map_fig, "png", "screen")
    (artifacts_dir / "export-map.png").write_bytes(data)
    assert png_size(data) == (SIZES["screen"].width, SIZES["screen"].height)
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)
    h, w, _ = pixels.shape
    map_area = pixels[110 : h - 60, : int(w * 0.7)]
    non_white = (np.abs(map_area - 255).sum(axis=2) > 30).mean()
    assert non_white > 0.15, "the map is (nearly) empty"
    view, _ = view_rows(store, map_state)
    c = classify(view["coverage_pct"], map_state.scheme, map_state.k)

    def share(color: str) -> float:
        rgb = np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)])
        blended = 0.85 * rgb + 0.15 * 255  # the choropleth's opacity over white
        return float((np.abs(map_area - blended).sum(axis=2) < 24).mean())

    # Desa Satu and Dua (14.6 %) are in class [10; 25); Kelurahan Lima is above 100 %.
    assert share(c.colors[1]) > 0.02
    assert share(OVER_100_COLOR) > 0.005


@needs_chromium
def test_map_svg_and_pdf_carry_title_legend_and_source(map_fig: Any) -> None:
    from pypdf import PdfReader

    svg = export_figure(map_fig, "svg").decode("utf-8")
    for text in ("Peta cakupan", "Provinsi Uji (99)", "Desember 2024", "[10; 25) %", "Sumber"):
        assert text in svg
    assert "Diekspor 31/01/2025" in svg
    pdf = export_figure(map_fig, "pdf")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    page_text = reader.pages[0].extract_text()
    for text in ("Peta cakupan", "Pita target", "Tidak ada data"):
        assert text in page_text


@needs_chromium
def test_trend_print_png_is_300_dpi_a4(
    store: Store, settings: Settings, artifacts_dir: Path
) -> None:
    from layouts.exports.figures import trend_export

    state = resolve_state(store, settings, ViewState(area="99.01", segment="BPU"))
    fig = trend_export(store, settings, state, threshold=5, exported_on=TODAY, size="print")
    data = export_figure(fig, "png", "print")
    (artifacts_dir / "export-trend-print.png").write_bytes(data)
    assert png_size(data) == SIZES["print"].pixels == (3509, 2481)
    assert phys_chunk(data) == (11811, 11811, 1)  # 300 dpi: A4 at its printed size
    assert phys_chunk(export_figure(fig, "png", "screen")) == (3780, 3780, 1)  # 96 dpi
    svg = export_figure(fig, "svg").decode("utf-8")
    assert "Tren cakupan" in svg and "Target 100%" in svg and "Kabupaten Satu" in svg
    from pypdf import PdfReader

    meta = PdfReader(io.BytesIO(export_figure(fig, "pdf"))).metadata
    assert meta.title == "Tren cakupan" and meta.subject.startswith("Kabupaten Satu (99.01)")


# --- print files: vector maps, DPI, metadata ----------------------------------------


def phys_chunk(png: bytes) -> tuple[int, int, int] | None:
    """The (x, y, unit) of the PNG's pHYs chunk, read from the bytes (None: no chunk)."""
    pos = 8
    while pos < len(png):
        length = struct.unpack(">I", png[pos : pos + 4])[0]
        if png[pos + 4 : pos + 8] == b"pHYs":
            return struct.unpack(">IIB", png[pos + 8 : pos + 17])
        pos += 12 + length
    return None


def test_png_with_dpi_writes_and_replaces_the_phys_chunk() -> None:
    from PIL import Image

    from layouts.exports.rendering import png_with_dpi

    buffer = io.BytesIO()
    Image.new("RGB", (3, 2), "white").save(buffer, format="PNG", dpi=(72, 72))
    plain = buffer.getvalue()
    assert phys_chunk(plain) == (2835, 2835, 1)  # Pillow's 72 dpi
    out = png_with_dpi(plain, 300)
    assert phys_chunk(out) == (11811, 11811, 1)  # 300 / 0.0254 = 11811.02 px per metre
    assert out.count(b"pHYs") == 1  # replaced, not added twice
    image = Image.open(io.BytesIO(out))
    assert image.size == (3, 2) and image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    assert np.asarray(image.convert("RGB")).min() == 255  # pixels untouched


def test_figure_titles_read_the_title_block() -> None:
    from layouts.exports.rendering import figure_titles

    fig = {"layout": {"title": {"text": "<b>Peta &amp; cakupan</b><br><span>A · B</span>"}}}
    assert figure_titles(fig) == ("Peta & cakupan", "A · B")
    assert figure_titles({"layout": {}}) == ("", "")


@needs_chromium
def test_map_svg_and_pdf_are_vectors_with_metadata(
    store: Store, settings: Settings, map_state: ViewState, map_fig: Any, artifacts_dir: Path
) -> None:
    from pypdf import PdfReader

    from layouts.exports.figures import map_export
    from layouts.map.view_model import view_rows

    fig = map_export(store, settings, map_state, threshold=5, exported_on=TODAY, vector=True)
    view, _ = view_rows(store, map_state)
    outline = fig["data"][1]["locations"]
    svg = export_figure(fig, "svg").decode("utf-8")
    (artifacts_dir / "export-map-vector.svg").write_text(svg, encoding="utf-8")
    # one <path> per village drawn and per outlined parent area; no raster anywhere
    assert svg.count('class="choroplethlocation"') == len(view) + len(outline)
    assert "<image" not in svg
    # the WebGL map of the screen is a raster in an SVG: the check above can fail
    assert "<image" in export_figure(map_fig, "svg").decode("utf-8")
    c = classify(view["coverage_pct"], map_state.scheme, map_state.k)
    rgb = ", ".join(str(int(c.colors[1][i : i + 2], 16)) for i in (1, 3, 5))
    assert f"fill: rgb({rgb})" in svg  # class [10; 25) keeps its screen colour
    for text in ("Peta cakupan", "[10; 25) %", "Tidak ada data", "Sumber"):
        assert text in svg
    reader = PdfReader(io.BytesIO(export_figure(fig, "pdf")))
    page = reader.pages[0]
    assert len(page.images) == 0  # no image XObject: the polygons are vector paths
    assert "Pita target" in page.extract_text()
    meta = reader.metadata
    assert meta.title == "Peta cakupan · Desa/kelurahan"
    assert meta.subject == "Provinsi Uji (99) · Desember 2024 · BPU (bukan penerima upah)"
    assert meta.author == "Cakupan" and meta.creator == "Cakupan"
    assert "Kaleido-fier" not in str(dict(meta)) and "HeadlessChrome" not in str(dict(meta))


def test_table_files_say_what_they_hold_and_follow_the_locale(
    store: Store, settings: Settings
) -> None:
    """Area, month, segment, sort, source, data date, export date and the synthetic-data
    flag in the XLSX (a "Keterangan"/"About" sheet) and the CSV (trailing columns); the
    CSV in Indonesian with ``;`` and decimal ``,``, in English with ``,`` and ``.``."""
    import openpyxl

    from layouts.exports.files import table_file

    state = resolve_state(store, settings, ViewState(level="desa", area="99.01", segment="BPU"))
    by_coverage = [{"colId": "coverage_pct", "sort": "desc", "sortIndex": 0}, {"colId": "rank"}]
    shown = ["99.01.02.2002", "99.01.01.2001"]
    xlsx = _decode(table_file(store, state, "xlsx", None, shown, by_coverage, TODAY))
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["Wilayah", "Keterangan"]
    assert book["Wilayah"]["A1"].value == (
        "Wilayah menurut Cakupan (turun) · Kabupaten Satu (99.01) · Desember 2024"
    )
    about = {r[0]: r[1] for r in book["Keterangan"].iter_rows(values_only=True)}
    assert about == {
        "Judul": "Wilayah menurut Cakupan (turun)",
        "Wilayah": "Kabupaten Satu (99.01)",
        "Bulan": "Desember 2024",
        "Segmen": "BPU (bukan penerima upah)",
        "Urutan": "Cakupan (turun)",
        "Baris": "2 dari 4 wilayah (difilter)",
        "Sumber": "Sumber: registri kepesertaan BPJS Ketenagakerjaan; penyebut: "
        "Data uji (tenaga kerja per desa)",
        "Data sampai": "20/12/2024",
        "Diekspor": "31/01/2025",
        "Data sintetis (demo)": "ya",
        "Perlindungan jumlah kecil": "tidak aktif",
        "Catatan": None,
    }
    # no sort on screen: the default ranking is named
    default = openpyxl.load_workbook(
        io.BytesIO(_decode(table_file(store, state, "xlsx", 5, None, None, TODAY)))
    )
    assert default["Wilayah"]["A1"].value.startswith(
        "Wilayah menurut pekerja belum terlindungi (peringkat) · "
    )
    assert dict(default["Keterangan"].iter_rows(values_only=True))["Perlindungan jumlah kecil"] == (
        "aktif, ambang 5 (jumlah 1-4 disembunyikan)"
    )

    id_csv = _decode(table_file(store, state, "csv", None, shown, by_coverage, TODAY))
    assert id_csv.startswith("\ufeff".encode())
    text = id_csv.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = rows[0]
    assert header[: len(AREA_COLUMNS)] == [c.header for c in AREA_COLUMNS]
    assert header[len(AREA_COLUMNS) :] == list(about)
    desa_empat = dict(zip(header, rows[1], strict=True))
    # Desa Empat: 223 of 400 = 55.75 % -> 55,8 (one digit, decimal comma); no group marks
    assert desa_empat["Cakupan (%)"] == "55,8" and desa_empat["Peserta aktif"] == "223"
    assert desa_empat["Bulan"] == "Desember 2024" and desa_empat["Data sintetis (demo)"] == "ya"
    assert desa_empat["Data sampai"] == "20/12/2024" and desa_empat["Diekspor"] == "31/01/2025"
    assert len(rows) == 3  # header and the two rows shown, no trailing note rows

    en_state = state.with_(lang="en")
    en_csv = _decode(table_file(store, en_state, "csv", None, shown, by_coverage, TODAY))
    en_rows = list(csv.reader(io.StringIO(en_csv.decode("utf-8-sig"))))
    en = dict(zip(en_rows[0], en_rows[1], strict=True))
    assert en["Coverage (%)"] == "55.8" and en["Month"] == "December 2024"
    assert en["Sort"] == "Coverage (descending)" and en["Synthetic data (demo)"] == "yes"
    en_book = openpyxl.load_workbook(
        io.BytesIO(_decode(table_file(store, en_state, "xlsx", None, None, None, TODAY)))
    )
    assert en_book.sheetnames == ["Areas", "About"]
    assert en_book["Areas"]["A1"].value.startswith("Areas by uncovered workers (rank) · ")


def test_file_names_speak_the_pages_language() -> None:
    """A download's name is in the page's language (Indonesian pages gave ``cakupan_map_``
    beside ``cakupan_tabel_``); level names are the same word in both."""
    from analytics.report.job import report_file_name
    from layouts.core.url_state import ViewState
    from layouts.exports.files import file_stem

    ind = ViewState(level="desa", area="99.01.02", month="2025-12", segment="BPU", lang="id")
    eng = ind.with_(lang="en")
    assert [file_stem(k, ind) for k in ("map", "trend", "table", "desa")] == [
        "cakupan_peta_99-01-02_2025-12_BPU",
        "cakupan_tren_99-01-02_2025-12_BPU",
        "cakupan_tabel_99-01-02_2025-12_BPU",
        "cakupan_desa_99-01-02_2025-12_BPU",
    ]
    assert file_stem("map", eng) == "cakupan_map_99-01-02_2025-12_BPU"
    assert file_stem("table", eng.with_(area="")) == "cakupan_table_all_2025-12_BPU"
    assert report_file_name("99.02", "2025-12", "BPU", "id") == "laporan_99-02_2025-12_BPU.pdf"
    assert report_file_name("", "2025-12", "PU", "en") == "report_all_2025-12_PU.pdf"
