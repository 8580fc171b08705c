"""The area report on the tiny hand-made store: content by hand, and the PDF's text layer.

The renderer gets small stand-in PNGs here (no browser); the real report with Kaleido's
figures for a demo kabupaten is built in tests/browser/test_downloads.py.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from required import require
from store_factory import write_outreach, write_store

from analytics.exports.suppression import MARK
from analytics.report.content import ReportContent, assemble_report
from analytics.report.pdf import render_report
from analytics.report.text import num, pct, pp
from analytics.store.reader import Store

DEC = pd.Timestamp("2024-12-01")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    root = write_store(tmp_path_factory.mktemp("report") / "processed")
    return Store(write_outreach(root))


def content(
    store: Store, threshold: int | None, segment: str = "BPU", lang: str = "id"
) -> ReportContent:
    return assemble_report(
        coverage=store.coverage(),
        areas=store.areas(),
        quality=store.quality(),
        reconciliation=store.reconciliation(),
        meta=store.meta(),
        area_code="99.01",
        month=DEC,
        segment=segment,
        target_pct=100.0,
        threshold=threshold,
        officers=store.officers(),
        events=store.events(),
        lang=lang,
    )


def test_kpis_and_ranking_by_hand(store: Store) -> None:
    c = content(store, None)
    # Dec 2024 (t = 23), BPU: Satu 146/1000, Dua 73/500, Tiga 10/800, Empat 223/400.
    assert c.kpis.active == 146 + 73 + 10 + 223
    assert c.kpis.eligible == 2700
    assert c.kpis.coverage_pct == pytest.approx(100 * 452 / 2700)
    assert c.top_villages["area_code"].tolist() == [
        "99.01.01.2001",  # 854 uncovered
        "99.01.02.2001",  # 790
        "99.01.01.2002",  # 427
        "99.01.02.2002",  # 177
    ]
    assert c.top_villages["uncovered"].tolist() == [854, 790, 427, 177]
    assert c.top_villages["class_label"].tolist()[1] == "[0; 10) %"
    assert c.sub_level == "kecamatan"
    assert c.sub_areas["active"].tolist() == [146 + 73, 10 + 223]


def test_small_counts_hidden_per_kecamatan_with_complements(store: Store) -> None:
    c = content(store, 15)
    # Desa Tiga (10) is small; its kecamatan's total is published, so the only other
    # village of that kecamatan, Desa Empat, is hidden too. Neither can be ranked.
    assert c.top_villages["area_code"].tolist() == ["99.01.01.2001", "99.01.01.2002"]
    assert c.footnotes and "1 sampai 14" in c.footnotes[0]
    # PMI: one member per village, two per kecamatan, four in the kabupaten: all < 5.
    pmi = content(store, 5, segment="PMI")
    assert pmi.kpis_hidden is True
    assert set(pmi.sub_areas["active"]) == {MARK}
    assert pmi.top_villages.empty


def test_segments_table_hides_a_small_segment_and_a_complement(store: Store) -> None:
    c = content(store, 5)
    seg = c.segments.set_index("segment")["active"]
    # Kabupaten Satu, Dec 2024: PU 1000, BPU 452, JAKON 4 x 5 = 20, PMI 4 x 1 = 4 (< 5).
    # ALL (the total) is published, so the smallest other part, JAKON 20, is hidden too.
    assert seg["PMI"] == MARK and seg["JAKON"] == MARK
    assert seg["BPU"] == 452 and seg["PU"] == 1000 and seg["ALL"] == 1476


def test_plan_summary_counts_officers_and_villages(store: Store) -> None:
    plan = content(store, 5).plan
    assert plan is not None
    assert (plan.officers, plan.polsek, plan.villages, plan.villages_with_officer) == (2, 2, 4, 3)
    # Desa Tiga has no officer: shown with "—" in the Polsek column
    no_officer = plan.priority.set_index("village_code").loc["99.01.02.2001", "polsek"]
    assert no_officer == "—"


def test_unknown_area_is_a_clear_error(store: Store) -> None:
    with pytest.raises(KeyError, match=r"99\.77"):
        assemble_report(
            coverage=store.coverage(),
            areas=store.areas(),
            quality=store.quality(),
            reconciliation={},
            meta={},
            area_code="99.77",
            month=DEC,
            segment="BPU",
            target_pct=100.0,
            threshold=5,
        )


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (120, 160, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_pdf_has_a4_pages_numbers_and_the_sections(store: Store, tmp_path: Path) -> None:
    from pypdf import PdfReader

    pdf = render_report(content(store, 15), _png(1123, 794), _png(1123, 794), "31-01-2025")
    reader = PdfReader(io.BytesIO(pdf))
    n = len(reader.pages)
    assert n >= 5
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Laporan Cakupan",
        "Kabupaten Satu",
        "Desember 2024",
        "Ringkasan",
        "Peta cakupan desa",
        "Tren cakupan",
        "desa dengan kesenjangan terbesar",
        "Rencana penjangkauan",
        "Kualitas data",
        "Catatan metode",
        "s = disembunyikan",
        f"Halaman 1 dari {n}",
        f"Halaman {n} dari {n}",
        "DATA SINTETIS",
    ):
        assert expected in text, expected
    assert "Budi Santoso" not in text  # officers appear as counts and Polsek only


def test_number_formats() -> None:
    assert num(1234567) == "1.234.567"
    assert pct(12.345) == "12,3%"
    assert pp(-0.26) == "-0,3 pp" and pp(1.5) == "+1,5 pp"
    assert num(MARK) == MARK and pct(MARK) == MARK
    assert num(float("nan")) == "—"  # formatting.MISSING, as on screen


#: Words of the Indonesian report that must not appear in the English one (and back).
INDONESIAN = (
    "Laporan Cakupan",
    "Ringkasan",
    "Peta cakupan",
    "Rencana penjangkauan",
    "Kualitas data",
    "Catatan metode",
    "Halaman",
    "disembunyikan",
    "Desember",
    "Peserta aktif",
    "belum terlindungi",
    "tanpa data",
    "DATA SINTETIS",
)
ENGLISH = (
    "Coverage Report",
    "Summary",
    "Village coverage map",
    "Outreach plan",
    "Data quality",
    "Method notes",
    "Page 1 of",
    "hidden to protect",
    "December 2024",
    "Active members",
    "not covered",
    "SYNTHETIC DATA",
)


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_report_in_english_has_no_indonesian_words(store: Store) -> None:
    c = content(store, 15, lang="en")
    assert c.lang == "en" and c.footnotes[0].startswith("s = hidden to protect")
    text = _pdf_text(render_report(c, _png(1123, 794), _png(1123, 794), "31-01-2025"))
    for word in ENGLISH:
        assert word in text, word
    for word in INDONESIAN:
        assert word not in text, word
    # numbers in the English locale: 16.7% coverage (452 / 2,700), not 16,7%
    assert "16.7%" in text and "16,7%" not in text
    id_text = _pdf_text(
        render_report(content(store, 15), _png(1123, 794), _png(1123, 794), "31-01-2025")
    )
    for word in ENGLISH:
        assert word not in id_text, word


def test_cli_report_lang(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    import layouts.exports.report_job
    from cli.main import app

    # The figures are drawn by Kaleido (Chromium) in tests/browser; here a plain PNG.
    monkeypatch.setattr(layouts.exports.report_job, "render", lambda *_a, **_k: _png(1123, 794))
    out = tmp_path / "report.pdf"
    args = ["report", "--area", "99.01", "--out", str(out), "--store", str(store.root)]
    result = CliRunner().invoke(app, [*args, "--lang", "en"])
    assert result.exit_code == 0, result.output
    text = _pdf_text(out.read_bytes())
    assert "Coverage Report" in text and "Laporan Cakupan" not in text
    result = CliRunner().invoke(app, args)  # default: Bahasa Indonesia
    assert result.exit_code == 0, result.output
    assert "Laporan Cakupan" in _pdf_text(out.read_bytes())
    bad = CliRunner().invoke(app, [*args, "--lang", "fr"])
    assert bad.exit_code != 0 and "--lang must be id or en" in bad.output


# --- print layout: type size and page fill (pypdf's content-stream visitor) ---------


def _times(a: list[float], b: list[float]) -> list[float]:
    """The product of two PDF matrices [a b c d e f]."""
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def page_layout(page: Any) -> tuple[list[float], list[float], list[tuple[float, float, int]]]:
    """(printed size of every text run in pt, baseline y of every run, (drawn width in pt,
    bottom y, pixel width) of every image) of one PDF page."""
    sizes: list[float] = []
    ys: list[float] = []
    images: list[tuple[float, float, int]] = []
    xobjects = page["/Resources"].get("/XObject", {})

    def text(t: str, cm: list[float], tm: list[float], _font: Any, size: float) -> None:
        if t.strip():
            m = _times(tm, cm)
            sizes.append(size * abs(m[3]))
            ys.append(m[5])

    def before(op: bytes, args: list[Any], cm: list[float], _tm: list[float]) -> None:
        if op == b"Do":
            xobject = xobjects[args[0]].get_object()
            if xobject.get("/Subtype") == "/Image":
                images.append((cm[0], cm[5], int(xobject["/Width"])))

    page.extract_text(visitor_text=text, visitor_operand_before=before)
    return sizes, ys, images


#: Below this (pt from the bottom) is the footer band: 18 mm bottom margin.
FOOTER_TOP_PT = 18 * 72 / 25.4


def assert_print_layout(pdf: bytes, figure_scale: float | None) -> int:
    """Every text ≥ 7 pt; every page but the cover and the last filled below its middle
    (no near-empty page); figures drawn so their smallest label (11 CSS px) prints ≥ 7 pt
    (``figure_scale``: the figures' pixels per CSS px). Returns the page count."""
    from pypdf import PdfReader

    from layouts.exports.rendering import MIN_FONT_PX

    reader = PdfReader(io.BytesIO(pdf))
    pages = reader.pages
    for number, page in enumerate(pages, start=1):
        sizes, ys, images = page_layout(page)
        assert min(sizes) >= 7, f"page {number}: text at {min(sizes):.1f} pt"
        lowest = min([y for y in ys if y > FOOTER_TOP_PT] + [bottom for _, bottom, _ in images])
        if 1 < number < len(pages):
            assert lowest < float(page.mediabox.height) / 2, f"page {number} is mostly empty"
        for drawn_pt, _, pixels in images:
            if figure_scale is not None:
                pt_per_css_px = drawn_pt / (pixels / figure_scale)
                assert MIN_FONT_PX * pt_per_css_px >= 7, f"page {number}: figure text shrunk"
    return len(pages)


def test_report_layout_on_the_tiny_store(store: Store) -> None:
    """Stand-in figures at the report's figure size: text ≥ 7 pt, pages filled."""
    from layouts.exports.rendering import SIZES

    size = SIZES["report"]
    png = _png(*size.pixels)
    pdf = render_report(content(store, 15), png, png, "31-01-2025")
    assert assert_print_layout(pdf, size.scale) >= 3


def test_demo_report_prints_readably(demo_store: Path) -> None:
    """The real report of a demo kabupaten with Kaleido's figures: every text and figure
    label ≥ 7 pt, no near-empty page, metadata set (the issue: ~4 pt legends, page 5
    holding 4 rows)."""
    from pypdf import PdfReader

    from analytics.report.job import ReportRequest
    from analytics.settings import Settings
    from layouts.exports.rendering import CHROMIUM, SIZES, stop_kaleido
    from layouts.exports.report_job import build_area_report

    require(CHROMIUM.exists(), str(CHROMIUM))
    demo = Store(demo_store)
    settings = Settings().with_(store_dir=demo_store)
    try:
        pdf = build_area_report(demo, settings, ReportRequest("99.01", "", "BPU", 5))
    finally:
        stop_kaleido()
    pages = assert_print_layout(pdf, SIZES["report"].scale)
    assert pages <= 6
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta.title.startswith("Laporan cakupan ") and meta.author == "Cakupan"
    assert meta.creator == "Cakupan" and "99.01" in meta.subject


def test_report_of_the_map_view_keeps_its_target(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The map page's report button sends the page's view state, target included (it was
    dropped before): the KPI target and the projection are those of the screen."""
    import layouts.exports.report_job as job
    from analytics.report.job import ReportRequest
    from analytics.settings import Settings
    from layouts.core import ids
    from layouts.exports.ui import MAP_STATES

    # the exports read the map's controls in state_from_controls's order, target last
    assert [(s.component_id, s.component_property) for s in MAP_STATES][-2:] == [
        (ids.MAP_TARGET, "value"),
        (ids.MAP_TARGET_CUSTOM, "value"),
    ]
    monkeypatch.setattr(job, "render", lambda *_a, **_k: _png(1123, 794))
    settings = Settings().with_(store_dir=store.root)
    view, pdf = job.area_report(store, settings, ReportRequest("99.01", "", "BPU", 5, "en", 52.15))
    assert view.target_pct == 52.15
    text = _pdf_text(pdf)
    assert "against a target of 52.2%" in text and "Projected to reach 52.2%" in text
    view, _ = job.area_report(store, settings, ReportRequest("99.01", "", "BPU", 5, "en"))
    assert view.target_pct == float(store.meta().get("target_pct") or settings.target_pct)


def test_cli_report_runs_without_dash_or_flask(store: Store, tmp_path: Path) -> None:
    """`cakupan report` draws the screen's figures but needs no web framework: in a process
    where importing dash, flask, flask_login, werkzeug or dash_ag_grid fails, it still
    writes the report (the import-linter contracts say the same of the import graph)."""
    import subprocess
    import sys

    script = f"""
import importlib.abc, sys
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in {{"dash", "flask", "flask_login", "werkzeug", "dash_ag_grid"}}:
            raise ImportError("refused: " + name)
        return None
sys.meta_path.insert(0, Refuse())
from typer.testing import CliRunner
import layouts.exports.report_job as job
sys.path.insert(0, {str(Path(__file__).parent)!r})
from test_report import _png
job.render = lambda *_a, **_k: _png(1123, 794)
from cli.main import app
out = {str(tmp_path / "report.pdf")!r}
result = CliRunner().invoke(app, ["report", "--area", "99.01", "--out", out,
                                  "--store", {str(store.root)!r}])
assert result.exit_code == 0, result.output
print(sorted(m for m in sys.modules if m.split(".")[0] in {{"dash", "flask", "werkzeug"}}))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert "Laporan Cakupan" in _pdf_text((tmp_path / "report.pdf").read_bytes())
