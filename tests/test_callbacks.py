"""Dash callbacks called as functions on the hand-made store (tests/store_factory.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dash
import pandas as pd
import pytest
from dash_helpers import find, page
from store_factory import write_store

from analytics.settings import Settings
from analytics.store.reader import Store
from layouts.core import ids
from layouts.core.data_access import resolve_state
from layouts.core.shell import shell_links
from layouts.core.url_state import ViewState, parse_query, to_query
from layouts.map.callbacks import highlight_patch, map_update
from layouts.map.view_model import next_view
from layouts.quality.views import file_rows, flagged_villages, kabupaten_rows
from layouts.trends.views import projection_line, trend_main

ROOTS = ["99"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[dash.Dash, Store, Settings]:
    from app import create_app

    root = write_store(tmp_path_factory.mktemp("store") / "processed")
    settings = Settings().with_(store_dir=root)
    return create_app(settings), Store(root), settings


@pytest.fixture
def env(built: tuple[dash.Dash, Store, Settings]) -> Iterator[tuple[dash.Dash, Store, Settings]]:
    """The app, its store and settings, inside a request context (as a callback runs)."""
    with built[0].server.test_request_context("/"):
        login_admin()
        yield built


def login_admin() -> None:
    """Every read needs a logged-in user (layouts/core/data_access.py): an admin sees it all."""
    import flask_login

    from analytics.access import Role, User
    from layouts.core.auth import LoginUser

    flask_login.login_user(LoginUser(User("admin", Role.ADMIN)))


def patch_paths(patch: dash.Patch) -> list[str]:
    return [".".join(map(str, op["location"])) for op in patch.to_plotly_json()["operations"]]


def test_full_map_of_villages_in_the_province(env: tuple[dash.Dash, Store, Settings]) -> None:
    _, store, settings = env
    state = resolve_state(store, settings, ViewState(level="desa", area="99"))
    assert state.month == "2024-12" and state.segment == "BPU"
    out = map_update(store, settings, state, full=True)
    fig = out["figure"]
    choro = fig["data"][0]
    assert choro["type"] == "choroplethmap"
    assert choro["geojson"].startswith("/geo/desa/all.geojson?v=")
    assert choro["locations"] == [
        "99.01.01.2001",
        "99.01.01.2002",
        "99.01.02.2001",
        "99.01.02.2002",
        "99.02.01.1001",
        "99.02.01.1002",
    ]
    # target bands: 14.6 -> [10; 25), 1.25 -> [0; 10), 55.75 -> [50; 75), 120 -> >100 (5),
    # no denominator -> no data (6)
    assert choro["z"] == [1, 1, 0, 3, 5, 6]
    # no tiles by default, and label glyphs from the app itself: works offline
    style = fig["layout"]["map"]["style"]
    assert style["layers"][0]["type"] == "background" and not style["sources"].keys() - {"blank"}
    assert style["glyphs"] == "http://localhost/glyphs/{fontstack}/{range}.pbf"
    assert fig["data"][1]["geojson"].startswith("/geo/kecamatan/all.geojson")  # parent outline
    assert "Desa Satu</b> (99.01.01.2001)" in choro["hovertext"][0]
    assert "Cakupan: 14,6%" in choro["hovertext"][0]
    ranked = [row["area_name"] for row in out["rows"]]
    assert ranked == [
        "Desa Satu",
        "Desa Tiga",
        "Desa Dua",
        "Desa Empat",
        "Kelurahan Lima",
        "Kelurahan Enam",
    ]
    assert out["rows"][0]["uncovered"] == 854 and out["rows"][-1]["uncovered"] is None
    assert out["rows"][-1]["flags_text"] == "tanpa penyebut"


def test_hot_change_sends_values_not_geometry(env: tuple[dash.Dash, Store, Settings]) -> None:
    _, store, settings = env
    state = resolve_state(store, settings, ViewState(level="desa", area="99", month="2023-01"))
    out = map_update(store, settings, state.with_(scheme="equal_interval", k=3), full=False)
    paths = patch_paths(out["figure"])
    assert "data.0.z" in paths and "data.0.colorscale" in paths
    assert not any("geojson" in p or "locations" in p or "layout" in p for p in paths)
    z = next(
        op
        for op in out["figure"].to_plotly_json()["operations"]
        if op["location"] == ["data", 0, "z"]
    )["params"]["value"]
    # Jan 2023: 10, 10, 1.25, 50 % (+ >100, no data); equal intervals over [1.2; 50]
    assert z == [0, 0, 0, 2, 3, 4]


def test_kpis_for_the_kabupaten_in_view(env: tuple[dash.Dash, Store, Settings]) -> None:
    _, store, settings = env
    state = resolve_state(store, settings, ViewState(level="desa", area="99.01"))
    out = map_update(store, settings, state, full=True)
    text = str(out["kpis"])
    assert "16,7%" in text  # 452 / 2700
    assert "2.248" in text  # uncovered
    assert "+0,1 pp" in text  # +4 workers of 2700 per month
    assert len(out["rows"]) == 4
    crumbs = str(out["breadcrumb"])
    assert "Provinsi Uji" in crumbs and "Kabupaten Satu" in crumbs


def test_drill_down_and_breadcrumb() -> None:
    click = {"points": [{"location": "99.01", "curveNumber": 0}]}
    view = {"level": "kabupaten", "area": "99"}
    assert next_view(
        view, triggered="map", click_data=click, level_value=None, root_codes=ROOTS
    ) == {"area": "99.01", "level": "kecamatan"}
    click = {"points": [{"location": "99.01.02", "curveNumber": 0}]}
    assert next_view(
        {"level": "kecamatan", "area": "99.01"},
        triggered="map",
        click_data=click,
        level_value=None,
        root_codes=ROOTS,
    ) == {"area": "99.01.02", "level": "desa"}
    village = {"points": [{"location": "99.01.02.2001"}]}
    assert (
        next_view(
            {"level": "desa", "area": "99.01.02"},
            triggered="map",
            click_data=village,
            level_value=None,
            root_codes=ROOTS,
        )
        is None
    )
    crumb = {"type": ids.CRUMB_TYPE, "code": "99"}
    assert next_view(
        {"level": "desa", "area": "99.01.02"},
        triggered=crumb,
        click_data=None,
        level_value=None,
        root_codes=ROOTS,
    ) == {"area": "99", "level": "kabupaten"}
    assert next_view(
        {"level": "kabupaten", "area": "99"},
        triggered="level",
        click_data=None,
        level_value="desa",
        root_codes=ROOTS,
    ) == {"area": "99", "level": "desa"}


def test_highlight_patch_outlines_one_area() -> None:
    ops = highlight_patch("99.01.01.2001").to_plotly_json()["operations"]
    assert {tuple(op["location"]): op["params"]["value"] for op in ops} == {
        ("data", 2, "locations"): ["99.01.01.2001"],
        ("data", 2, "z"): [0],
    }


def test_url_state_reopens_the_view(env: tuple[dash.Dash, Store, Settings]) -> None:
    layout = page("/").layout(
        level="desa",
        area="99.01",
        month="2024-03",
        segment="PU",
        scheme="quantiles",
        k="4",
        layer="gap",
        labels="1",
        lang="en",
    )
    assert find(layout, ids.MAP_VIEW).data == {"level": "desa", "area": "99.01"}
    assert find(layout, ids.MONTH).value == "2024-03"
    assert find(layout, ids.SEGMENT).value == "PU"
    assert find(layout, ids.SCHEME).value == "quantiles"
    assert find(layout, ids.K).value == 4
    assert find(layout, ids.LAYER).value == "gap"
    assert find(layout, ids.LABELS).value == ["1"]
    assert find(layout, ids.MAP_LANG).data == "en"
    # garbage falls back to defaults (BPU preselected, latest month), never a crash
    layout = page("/").layout(level="x", area="12.34.56.7890", month="2031-01", segment="?")
    assert find(layout, ids.MAP_VIEW).data == {"level": "kabupaten", "area": "99"}
    assert find(layout, ids.MONTH).value == "2024-12"
    assert find(layout, ids.SEGMENT).value == "BPU"


def test_missing_store_shows_how_to_build_it(tmp_path: Path) -> None:
    from app import create_app

    app = create_app(Settings().with_(store_dir=tmp_path / "nothing"))
    with app.server.test_request_context("/"):
        login_admin()
        for path in ("/", "/tren", "/kualitas"):
            layout = page(path).layout()
            assert "make run" in str(layout) and "cakupan build" in str(layout)


def test_shell_links_keep_the_state_and_switch_language() -> None:
    links = shell_links("/", "?lang=en", "?level=desa&area=99.01&lang=id&segment=PU")
    assert links["hrefs"][2].startswith("/tren?") and "area=99.01" in links["hrefs"][2]
    assert links["hrefs"][1].startswith("/semua-desa?")
    assert "lang=en" in links["hrefs"][0]
    assert links["labels"] == [
        "Coverage map",
        "All villages",
        "Trends",
        "Data quality",
        "Outreach",
        "Method",
        "Upload data",
    ]
    assert links["lang_hrefs"] == [
        "/?level=desa&area=99.01&lang=id&segment=PU",
        "/?level=desa&area=99.01&lang=en&segment=PU",
    ]
    assert links["badge"] == "Synthetic data (demo)"


def test_quality_tables(env: tuple[dash.Dash, Store, Settings]) -> None:
    _, store, _ = env
    rows = file_rows(store.reconciliation(), "id")
    assert [r["file"] for r in rows] == ["registry_a.csv", "registry_b.xlsx", "Total"]
    assert rows[-1]["rows_in"] == 30 and all(r["ok"] for r in rows)
    # most frequent first, ties by reason code
    assert rows[0]["reasons"] == "tanpa KPJ/NIK: 2; kode desa tidak dikenal: 2; nama desa ambigu: 1"
    kab = kabupaten_rows(store.reconciliation(), {"99.01": "Kabupaten Satu"}, "id")
    assert kab[0]["code"] == "99.01" and kab[0]["share_text"] == "6,25%"  # 1 of 16
    names = dict(zip(store.areas()["area_code"], store.areas()["area_name"], strict=True))
    flagged = flagged_villages(store.quality(), names, "id")
    by = {(r.village_code, r.flag): r for r in flagged.itertuples()}
    assert by[("99.02.01.1001", "> 100%")].months == 24
    assert by[("99.02.01.1001", "> 100%")].segments == "BPU"
    assert by[("99.02.01.1002", "tanpa penyebut")].segments == "ALL, BPU, PU"


def test_trend_figure_and_projection(env: tuple[dash.Dash, Store, Settings]) -> None:
    _, store, _ = env
    cov = store.coverage()
    names = dict(zip(store.areas()["area_code"], store.areas()["area_name"], strict=True))
    series = cov[(cov["area_code"] == "99.01") & (cov["segment"] == "BPU")].set_index("month")
    months, values = projection_line(series["coverage_pct"], target_pct=20.0)
    assert months[0] == pd.Timestamp("2024-12-01") and months[-1] == pd.Timestamp("2026-10-01")
    assert values[-1] == pytest.approx(100 * 452 / 2700 + 22 * 400 / 2700)
    fig = trend_main(cov, names, "99.01", "BPU", "99.02", "PU", 20.0, "id")
    assert [tr.name for tr in fig.data][:3] == [
        "Kabupaten Satu · BPU",
        "Kota Dua · BPU",
        "Kabupaten Satu · PU",
    ]
    assert fig.layout.shapes[0].y0 == 20.0  # the target line


def test_query_round_trip() -> None:
    state = ViewState(level="desa", area="99.01", month="2024-03", segment="PU", labels=True)
    assert parse_query(dict(p.split("=") for p in to_query(state)[1:].split("&"))) == state
