"""One figure everywhere: an area's coverage reads the same on the map hover, in the table,
in the CSV/XLSX export, in the PDF area report and on the KPI card.

The store is the tiny hand-made one with Kecamatan Satu changed so that its BPU coverage
in December 2024 is 77 / 505 = 15,2475...%: "15,2%" when rounded once, "15,3%" when an
already-rounded 15,25 is rounded again (the defect this guards against). Its name holds
markup, which every hover must show as text.
"""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pandas as pd
import pytest
import store_factory
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import formatting as fmt
from analytics.engine.indicators import AreaKpis
from analytics.exports.tables import AREA_COLUMNS, to_csv_bytes, to_xlsx_bytes
from analytics.report.content import assemble_report
from analytics.report.pdf import render_report
from analytics.report.text import pct
from analytics.settings import Settings
from analytics.store.reader import Store
from layouts.core import components
from layouts.core.data_access import resolve_state
from layouts.core.figures import hover_texts
from layouts.core.url_state import ViewState
from layouts.map.callbacks import kpi_update, map_update
from layouts.map.view_model import row_data

KEC = "99.01.01"
NAME = "Kecamatan <b>Satu</b> & Co"
EXACT = 100 * 77 / 505


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    mp = pytest.MonkeyPatch()
    # BPU in Dec 2024 (t = 23, slope 0): Desa Satu 40 of 300, Desa Dua 37 of 205.
    villages = dict(store_factory.VILLAGES)
    villages["99.01.01.2001"] = ("Desa Satu", "desa", 0, 0, 40, 0, 300, 300, 1500)
    villages["99.01.01.2002"] = ("Desa Dua", "desa", 1, 0, 37, 0, 205, 200, 800)
    mp.setattr(store_factory, "VILLAGES", villages)
    mp.setitem(store_factory.KECAMATAN, KEC, NAME)
    try:
        root = store_factory.write_store(tmp_path_factory.mktemp("one-figure") / "processed")
    finally:
        mp.undo()
    return Store(root)


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (120, 160, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_same_coverage_string_on_every_surface(store: Store) -> None:
    import flask_login

    from analytics.access import Role, User
    from app import create_app
    from layouts.core.auth import LoginUser

    expected = {"id": "15,2%", "en": "15.2%"}
    assert fmt.percent(EXACT, "id") == expected["id"]
    cfg = Settings().with_(store_dir=store.root)
    with create_app(cfg).server.test_request_context("/"):
        flask_login.login_user(LoginUser(User("admin", Role.ADMIN)))
        _check_every_surface(store, cfg, expected)


def _check_every_surface(store: Store, cfg: Settings, expected: dict[str, str]) -> None:
    from pypdf import PdfReader

    for lang in ("id", "en"):
        state = resolve_state(
            store,
            cfg,
            ViewState(level="kecamatan", area="99.01", month="2024-12", segment="BPU", lang=lang),
        )
        out = map_update(store, cfg, state, full=True)
        choro = out["figure"]["data"][0]
        hover = choro["hovertext"][choro["locations"].index(KEC)]
        # the map hover: the name as text, the coverage rounded once
        assert hover.startswith(f"<b>{fmt.markup_text(NAME)}</b> ({KEC})")
        assert "<b>Satu</b>" not in hover
        label = {"id": "Cakupan", "en": "Coverage"}[lang]
        assert f"{label}: {expected[lang]}<br>" in hover
        # the table: the exact value for sorting, the shown text from the same formatter
        row = next(r for r in out["rows"] if r["area_code"] == KEC)
        assert row["coverage_pct"] == pytest.approx(EXACT)
        assert row["coverage_pct_text"] == expected[lang]
        column = next(c for c in components.table_columns(lang) if c["field"] == "coverage_pct")
        assert column["valueFormatter"]["function"] == "params.data['coverage_pct_text']"
        # the KPI card of the kecamatan itself
        inside = resolve_state(store, cfg, state.with_(level="desa", area=KEC))
        cards = kpi_update(store, cfg, inside)
        assert (
            next(
                c for c in cards[0].children if getattr(c, "className", "") == "kpi-value"
            ).children
            == expected[lang]
        )

    # CSV and XLSX of the table as on screen: the number rounded once (15.2), which a
    # spreadsheet shows with the digit the screen shows
    view_state = resolve_state(
        store, cfg, ViewState(level="kecamatan", area="99.01", month="2024-12", segment="BPU")
    )
    rows = pd.DataFrame(map_update(store, cfg, view_state, full=False)["rows"])
    header = [c.header for c in AREA_COLUMNS]
    table = list(
        csv.reader(io.StringIO(to_csv_bytes(rows, AREA_COLUMNS, lang="en").decode("utf-8-sig")))
    )
    assert table[0] == header
    cell = next(r for r in table[1:] if r[1] == KEC)[header.index("Cakupan (%)")]
    assert cell == "15.2"
    assert fmt.percent(float(cell), "id") == expected["id"]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(rows, AREA_COLUMNS)))
    sheet = book.active
    xlsx_row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == KEC)
    xcell = xlsx_row[header.index("Cakupan (%)")]
    assert (xcell.value, xcell.number_format) == (15.2, "0.0")

    # the PDF area report of the kecamatan (Bahasa Indonesia), read back with pypdf
    month = pd.Timestamp("2024-12-01")
    content = assemble_report(
        coverage=store.coverage(),
        areas=store.areas(),
        quality=store.quality(),
        reconciliation=store.reconciliation(),
        meta=store.meta(),
        area_code=KEC,
        month=month,
        segment="BPU",
        target_pct=100.0,
        threshold=None,
        officers=None,
        events=None,
    )
    assert content.kpis.coverage_pct == pytest.approx(EXACT)
    pdf = render_report(content, _png(), _png(), "31-01-2025")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Cakupan 15,2% dari target" in text
    assert re.search(r"Cakupan\s+15,2%", text)
    assert "15,3%" not in text
    assert NAME in text  # the name as written, escaped for reportlab's markup


def _view(numerator: int, denominator: int, name: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": ["99.01"],
            "area_name": [name],
            "active": [numerator],
            "active_covered": [numerator],
            "eligible": [float(denominator)],
            "coverage_pct": [100 * numerator / denominator],
            "uncovered": [float(max(denominator - numerator, 0))],
            "change_yoy_pp": [0.0],
            "flags": [""],
        }
    )


@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 10**6),
    st.integers(1, 10**6),
    st.text(alphabet="<>&ab /", max_size=12),
    st.sampled_from(["id", "en"]),
)
def test_every_surface_prints_formatting_percent_of_the_exact_value(
    numerator: int, denominator: int, name: str, lang: str
) -> None:
    exact = 100 * numerator / denominator
    shown = fmt.percent(exact, lang)
    view = _view(numerator, denominator, name)
    # map hover
    (hover,) = hover_texts(view, lang)
    assert f": {shown}<br>" in hover
    assert "<" not in fmt.markup_text(name) and f"<b>{fmt.markup_text(name)}</b>" in hover
    # table
    (row,) = row_data(view, lang)
    assert row["coverage_pct_text"] == shown
    # CSV export: the number rounded once, which formats back to the same string
    exported = to_csv_bytes(pd.DataFrame([row]), AREA_COLUMNS, lang="en").decode("utf-8-sig")
    (record,) = list(csv.reader(io.StringIO(exported)))[1:]
    assert fmt.percent(float(record[4]), lang) == shown
    assert float(record[4]) == fmt.rounded(exact, "percent")
    # PDF report text (Indonesian)
    assert pct(exact) == fmt.percent(exact, "id")
    # KPI card
    kpis = AreaKpis(
        area_code="99.01",
        area_name=name,
        month=pd.Timestamp("2024-12-01"),
        segment="BPU",
        coverage_pct=exact,
        active=numerator,
        eligible=float(denominator),
        uncovered=float(max(denominator - numerator, 0)),
        change_mom_pp=None,
        change_yoy_pp=None,
        pace_pp_per_month=None,
        target_pct=100.0,
        projected_month=None,
        villages=1,
        villages_with_eligible=1,
    )
    card = components.kpi_cards(kpis, lang)[0]
    value = next(c for c in card.children if getattr(c, "className", "") == "kpi-value")
    assert value.children == shown


def test_plotly_trend_hovers_use_the_formatter_not_d3() -> None:
    from layouts.core.figures import small_multiples, trend_figure

    months = pd.to_datetime(["2025-11-01", "2025-12-01"])
    lines = pd.DataFrame(
        {"label": ["<i>A</i>"] * 2, "month": months, "coverage_pct": [EXACT, 0.25]}
    )
    fig = trend_figure(lines, 100.0, [], "id")
    trace = fig.data[0]
    # [name (escaped, in full), month, value] per point
    assert [list(c)[1:] for c in trace.customdata] == [
        ["Nov 2025", "15,2%"],
        ["Des 2025", "0,3%"],
    ]
    assert trace.customdata[0][0] == "&lt;i&gt;A&lt;/i&gt;"
    assert "%{y" not in trace.hovertemplate and "%{x|" not in trace.hovertemplate
    assert trace.name == "&lt;i&gt;A&lt;/i&gt;"
    assert list(fig.layout.xaxis.ticktext) == ["Nov 2025", "Des 2025"]
    assert fig.layout.xaxis.hoverformat == "%m/%Y"  # no d3 English month in the header
    sub = lines.assign(area_code="99.01", area_name="<b>X</b>")
    small = small_multiples(sub, 100.0, "id")
    assert small.layout.annotations[0].text == "&lt;b&gt;X&lt;/b&gt;"
    assert [list(c) for c in small.data[0].customdata][1] == [
        "&lt;b&gt;X&lt;/b&gt;",
        "Des 2025",
        "0,3%",
    ]


def test_store_fixture_really_has_the_half_way_case(store: Store) -> None:
    cov = store.coverage()
    row = cov[
        (cov["area_code"] == KEC)
        & (cov["segment"] == "BPU")
        & (cov["month"] == pd.Timestamp("2024-12-01"))
    ].iloc[0]
    assert (row["active"], row["eligible"]) == (77, 505)
    assert round(row["coverage_pct"], 2) == 15.25  # rounding this again gives 15,3


def test_a_partial_denominator_says_what_the_coverage_counts() -> None:
    """Kabupaten with 3,574 actives, 3,547 of them in villages with workforce data: the
    coverage is 3,547 / 21,501; the hover and the table say so where they show 3,574."""
    view = pd.DataFrame(
        {
            "area_code": ["99.02"],
            "area_name": ["Kabupaten Dua"],
            "active": [3574],
            "active_covered": [3547],
            "eligible": [21501.0],
            "coverage_pct": [100 * 3547 / 21501],
            "uncovered": [21501.0 - 3547],
            "change_yoy_pp": [0.0],
            "flags": ["partial_eligible"],
        }
    )
    (hover,) = hover_texts(view, "id")
    assert "Cakupan: 16,5%" in hover and "Peserta aktif: 3.574" in hover
    assert "cakupan dihitung dari 3.547 peserta aktif di desa yang punya data" in hover
    (row,) = row_data(view, "en")
    assert row["uncovered"] == 17954
    assert row["flags_text"].startswith("partial denominator: coverage counts the 3,547 active")
