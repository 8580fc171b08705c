"""The map page in headless Chromium on the real demo store."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from analytics import formatting as fmt

pytestmark = pytest.mark.browser

GD = "document.querySelector('#map .js-plotly-plot')"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def open_map(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_function(f"() => {GD}?.data?.[0]?.locations?.length > 0", timeout=60000)
    # the geometry arrives asynchronously: wait until MapLibre has drawn the layer
    page.wait_for_function(
        f"() => {{ const m = {GD}._fullLayout.map?._subplot?.map;"
        " return m && m.loaded() && m.getStyle().layers.length > 1; }",
        timeout=60000,
    )
    page.wait_for_timeout(500)


def locations(page: Any) -> list[str]:
    return page.evaluate(f"() => {GD}.data[0].locations")


def screen_xy(page: Any, lon: float, lat: float) -> tuple[float, float]:
    x, y = page.evaluate(
        f"([lon, lat]) => {{ const m = {GD}._fullLayout.map._subplot.map;"
        " const p = m.project([lon, lat]); const r = m.getCanvas().getBoundingClientRect();"
        " return [r.left + p.x, r.top + p.y]; }",
        [lon, lat],
    )
    return x, y


def table_rows(page: Any) -> list[dict[str, Any]]:
    return page.evaluate(
        "async () => { const api = await dash_ag_grid.getApiAsync('area-table');"
        " const out = []; api.forEachNodeAfterFilterAndSort(n => out.push(n.data)); return out; }"
    )


@pytest.fixture(scope="module")
def areas(demo_store: Path) -> pd.DataFrame:
    return pd.read_parquet(demo_store / "areas.parquet")


def first_kabupaten(areas: pd.DataFrame) -> pd.Series:
    return areas[areas["level"] == "kabupaten"].sort_values("area_code").iloc[0]


def test_map_draws_every_village_of_a_kabupaten(
    page: Any, app_url: str, areas: pd.DataFrame, artifacts_dir: Path
) -> None:
    kab = first_kabupaten(areas)
    open_map(page, f"{app_url}/?level=desa&area={kab.area_code}")
    villages = areas[
        (areas["level"] == "desa") & (areas["parent_code"].str.startswith(kab.area_code))
    ]
    assert sorted(locations(page)) == sorted(villages["area_code"])
    assert page.locator("#demo-badge").inner_text() == "Data sintetis (demo)"
    # KPI cards of the kabupaten, and whether it is on track
    assert "Proyeksi capai target" in page.locator("#kpis").inner_text()
    page.screenshot(path=str(artifacts_dir / "map-page.png"), full_page=False)
    docs = PROJECT_ROOT / "docs" / "img"
    docs.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(artifacts_dir / "map-page.png", docs / "map-page.png")


def test_clicking_an_area_drills_down_and_breadcrumb_goes_back(
    page: Any, app_url: str, areas: pd.DataFrame, artifacts_dir: Path
) -> None:
    open_map(page, f"{app_url}/")
    kabs = areas[areas["level"] == "kabupaten"].sort_values("area_code")
    assert locations(page) == kabs["area_code"].tolist()
    target = kabs.iloc[1]
    x, y = screen_xy(page, float(target.lon), float(target.lat))
    page.mouse.move(x, y)
    page.wait_for_timeout(200)
    page.mouse.click(x, y)
    page.wait_for_function(f"() => {GD}.data[0].locations[0].length === 8", timeout=20000)
    kec = areas[(areas["level"] == "kecamatan") & (areas["parent_code"] == target.area_code)]
    assert sorted(locations(page)) == sorted(kec["area_code"])
    assert target.area_name in page.locator("#breadcrumb").inner_text()
    search = page.evaluate("() => window.location.search")
    assert f"area={target.area_code}" in search and "level=kecamatan" in search
    page.screenshot(path=str(artifacts_dir / "map-drilled.png"))
    # back up with the breadcrumb
    page.locator("#breadcrumb button.crumb").first.click()
    page.wait_for_function(f"() => {GD}.data[0].locations[0].length === 5", timeout=20000)
    assert sorted(locations(page)) == kabs["area_code"].tolist()


def test_month_change_recolours_without_fetching_geometry(
    page: Any, app_url: str, areas: pd.DataFrame
) -> None:
    kab = first_kabupaten(areas)
    open_map(page, f"{app_url}/?level=desa&area={kab.area_code}&scheme=quantiles&month=2025-12")
    before = page.evaluate(f"() => JSON.stringify({GD}.data[0].hovertext)")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.locator("#month").click()
    page.get_by_placeholder("Cari").fill("Jan 2024")  # the dropdown search, in Indonesian
    page.get_by_text("Jan 2024", exact=True).click()
    page.wait_for_function(
        f"(b) => JSON.stringify({GD}.data[0].hovertext) !== b", arg=before, timeout=20000
    )
    page.wait_for_function("() => window.location.search.includes('month=2024-01')")
    assert page.locator("#month").inner_text().strip() == "Jan 2024"
    assert any("_dash-update-component" in u for u in requests)
    assert not [u for u in requests if "/geo/" in u], "a month change must not refetch geometry"


def test_language_switch_changes_labels(page: Any, app_url: str) -> None:
    open_map(page, f"{app_url}/")
    assert page.locator("#nav-map").inner_text() == "Peta cakupan"
    page.locator("#lang-en").click()
    page.wait_for_function("() => document.querySelector('#nav-map').innerText === 'Coverage map'")
    page.wait_for_function("() => document.querySelector('#kpis').innerText.includes('Coverage')")
    assert "lang=en" in page.evaluate("() => window.location.search")
    assert page.locator("#demo-badge").inner_text() == "Synthetic data (demo)"


def test_table_and_map_agree_and_row_click_highlights(
    page: Any, app_url: str, areas: pd.DataFrame, artifacts_dir: Path
) -> None:
    kab = first_kabupaten(areas)
    open_map(page, f"{app_url}/?level=desa&area={kab.area_code}")
    rows = table_rows(page)
    codes = locations(page)
    assert sorted(r["area_code"] for r in rows) == sorted(codes)
    uncovered = [r["uncovered"] for r in rows if r["uncovered"] is not None]
    assert uncovered == sorted(uncovered, reverse=True)  # ranked by uncovered workers
    hover = dict(zip(codes, page.evaluate(f"() => {GD}.data[0].hovertext"), strict=True))
    shown = page.evaluate(
        "() => [...document.querySelectorAll('#area-table .ag-center-cols-container .ag-row')]"
        ".map(r => [r.getAttribute('row-index'),"
        " r.querySelector('.ag-cell[col-id=\"coverage_pct\"]')?.innerText])"
    )
    assert len(shown) >= min(len(rows), 5)
    for index, cell in shown[:10]:
        row = rows[int(index)]
        # one formatter: the cell, the hover and formatting.percent of the exact value
        assert cell == row["coverage_pct_text"] == fmt.percent(row["coverage_pct"], "id")
        assert f": {cell}<br>" in hover[row["area_code"]]
    page.locator(".ag-center-cols-container .ag-row").first.locator(".ag-cell").first.click()
    page.wait_for_function(f"() => {GD}.data[2].locations.length === 1", timeout=20000)
    top = page.evaluate(f"() => {GD}.data[2].locations[0]")
    assert top == rows[0]["area_code"]
    page.screenshot(path=str(artifacts_dir / "map-highlight.png"))


def test_other_pages_render(page: Any, app_url: str, artifacts_dir: Path) -> None:
    page.goto(f"{app_url}/kualitas")
    page.wait_for_selector("#quality-files")
    assert "Total" in page.locator("#quality-files").inner_text()
    page.screenshot(path=str(artifacts_dir / "quality-page.png"), full_page=True)
    page.goto(f"{app_url}/tren")
    page.wait_for_function(
        "() => document.querySelector('#trend-main .js-plotly-plot')?.data?.length > 0",
        timeout=30000,
    )
    page.screenshot(path=str(artifacts_dir / "trends-page.png"), full_page=True)
    page.goto(f"{app_url}/metode#proyeksi")
    page.wait_for_selector("#proyeksi")
    assert "Laju" in page.locator("#proyeksi").inner_text()
    page.wait_for_function(  # the note linked from a KPI card is scrolled into view
        "() => Math.abs(document.getElementById('proyeksi').getBoundingClientRect().top) < 40"
    )


def test_no_chart_can_leave_without_the_export_menu(page: Any, app_url: str) -> None:
    """plotly.js's toolbar offers "Share chart..." (a chart sent to Plotly's cloud) and its
    own PNG download; both would skip the small-count protection and the audit log. The
    map and the trend charts show neither; the toolbar keeps zoom and pan."""
    checks = (
        ("/", "#map .js-plotly-plot"),
        ("/tren", "#trend-main .js-plotly-plot"),
    )
    for path, plot in checks:
        page.goto(f"{app_url}{path}")
        page.wait_for_function(f"() => document.querySelector('{plot}')?.data?.length > 0")
        page.hover(plot)
        titles = page.evaluate(
            f"() => [...document.querySelectorAll('{plot} .modebar-btn')]"
            ".map(b => b.getAttribute('data-title'))"
        )
        assert titles, path  # the toolbar is there
        assert not any("Share" in t or "Download" in t for t in titles), (path, titles)
