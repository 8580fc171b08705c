"""The all-villages map (/semua-desa) in headless Chromium on the demo store: it draws every
village of the user's territory from the store's vector tiles, a month change repaints with
values only, a click opens the village profile, a table row selects its village, and the
page asks no host but the app's own (it works offline)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

pytestmark = pytest.mark.browser

TM = "window.cakupanTilemap"
LEVELS = ("provinsi", "kabupaten", "kecamatan", "desa")


@pytest.fixture(scope="module")
def tiles(demo_store: Path) -> Path:
    """The store's tiles, written by the build (``tiles/<level>.pmtiles``)."""
    folder = demo_store / "tiles"
    assert all((folder / f"{level}.pmtiles").is_file() for level in LEVELS), folder
    return folder


@pytest.fixture(scope="module")
def areas(demo_store: Path) -> pd.DataFrame:
    return pd.read_parquet(demo_store / "areas.parquet")


def log_in(browser: Any, app_url: str, user: str) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{app_url}/masuk")
    page.fill("#username", user)
    page.fill("#password", f"cakupan-{user}")
    with page.expect_navigation():
        page.click("button[type=submit]")
    return page


@pytest.fixture
def hosts(app_url: str) -> Iterator[set[str]]:
    seen: set[str] = set()
    yield seen
    # offline: every request of the page went to the app itself
    assert seen == {urlsplit(app_url).netloc}, seen


#: Schemes that never leave the browser (MapLibre's worker is a blob: URL).
LOCAL_SCHEMES = frozenset({"data", "blob"})


def watch(page: Any, seen: set[str]) -> list[Any]:
    requests: list[Any] = []

    def on_request(request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in LOCAL_SCHEMES:
            seen.add(parts.netloc)
        requests.append(request)

    page.on("request", on_request)
    return requests


def open_tilemap(page: Any, url: str, applied: int = 1) -> None:
    page.goto(url)
    wait_applied(page, applied)


def wait_applied(page: Any, applied: int) -> None:
    page.wait_for_function(
        f"() => {{ const d = {TM}?.debug(); return d && d.applied >= {applied} && d.map.loaded()"
        " && !d.map.isMoving() && d.map.areTilesLoaded(); }",
        timeout=60000,
    )
    page.wait_for_timeout(300)


def rendered(page: Any) -> dict[str, str]:
    """Code -> fill colour (feature state) of the villages drawn on screen."""
    return page.evaluate(
        f"() => {{ const m = {TM}.debug().map; const out = {{}};"
        " for (const f of m.queryRenderedFeatures({layers: ['desa-fill']}))"
        "   out[f.properties.code] = (f.state || {}).fill || null;"
        " return out; }"
    )


def screen_xy(page: Any, lon: float, lat: float) -> tuple[float, float]:
    return page.evaluate(
        f"([lon, lat]) => {{ const m = {TM}.debug().map; const p = m.project([lon, lat]);"
        " const r = m.getCanvas().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }",
        [lon, lat],
    )


def code_at(page: Any, x: float, y: float) -> str | None:
    return page.evaluate(
        f"([x, y]) => {{ const m = {TM}.debug().map;"
        " const r = m.getCanvas().getBoundingClientRect();"
        " const f = m.queryRenderedFeatures([x - r.left, y - r.top], {layers: ['desa-fill']});"
        " return f.length ? String(f[0].properties.code) : null; }",
        [x, y],
    )


def test_admin_sees_every_village_and_a_month_change_sends_values_only(
    browser: Any, app_url: str, tiles: Path, areas: pd.DataFrame, hosts: set[str],
    artifacts_dir: Path,
) -> None:  # fmt: skip
    page = log_in(browser, app_url, "admin")
    requests = watch(page, hosts)
    open_tilemap(page, f"{app_url}/semua-desa?month=2025-12&segment=BPU")
    villages = set(areas.loc[areas["level"] == "desa", "area_code"])
    drawn = rendered(page)
    assert set(drawn) == villages  # every village of the country (the demo's province)
    assert all(drawn.values()), "every village carries a colour"
    page.screenshot(path=str(artifacts_dir / "tilemap-admin.png"))
    assert any("/geo/tiles/desa.pmtiles" in r.url for r in requests)
    # a month change: one callback answer with values, no geometry, no tiles again
    requests.clear()
    page.click("#tm-month")
    page.get_by_role("option", name="Jan 2023").click()
    wait_applied(page, 2)
    after = rendered(page)
    assert set(after) == villages and after != drawn  # repainted with other classes
    assert parse_qs(urlsplit(page.url).query)["month"] == ["2023-01"]
    asked = [urlsplit(r.url).path for r in requests]
    assert "/_dash-update-component" in asked
    assert not [p for p in asked if p.startswith("/geo/")], asked  # no tiles, no codes
    answers = [r.response().text() for r in requests if "_dash-update" in r.url]
    assert not any('"coordinates"' in a for a in answers)
    page.context.close()


def test_click_opens_the_profile_and_the_table_selects_the_village(
    browser: Any, app_url: str, tiles: Path, areas: pd.DataFrame, hosts: set[str]
) -> None:
    page = log_in(browser, app_url, "admin")
    watch(page, hosts)
    open_tilemap(page, f"{app_url}/semua-desa?lang=en")
    # a table row: its village is outlined (and the map flies there)
    first = page.locator("#tm-table .ag-row[row-index='0'] .ag-cell[col-id='area_name']")
    row_code = page.locator("#tm-table .ag-row[row-index='0'] .ag-cell[col-id='area_code']")
    code = row_code.inner_text().strip()
    first.click()
    page.wait_for_function(
        f"(c) => JSON.stringify({TM}.debug().map.getFilter('highlight')).includes(c)", arg=code
    )
    page.wait_for_selector(f"#tm-detail >> text=({code})")
    # a click on a village: its numbers, its row selected, and a link to its profile
    wait_applied(page, 1)
    village = areas[areas["area_code"] == code].iloc[0]
    x, y = screen_xy(page, float(village.lon), float(village.lat))
    clicked = code_at(page, x, y)
    assert clicked, "a village under its point"
    # hover: name, code, coverage and class, as the server wrote them
    page.mouse.move(x, y)
    popup = page.locator(".maplibregl-popup-content")
    popup.wait_for(timeout=10000)
    text = popup.inner_text()
    assert f"({clicked})" in text and "Coverage: " in text and "%" in text
    page.mouse.click(x, y)
    page.wait_for_selector(f"#tm-detail >> text=({clicked})")
    assert "Coverage" in page.locator("#tm-detail").inner_text()
    page.click("#tm-profile")
    page.wait_for_url("**/desa?**")
    query = parse_qs(urlsplit(page.url).query)
    assert query["area"] == [clicked] and query["lang"] == ["en"]
    page.context.close()


def test_branch_user_sees_their_territory_only(
    browser: Any, app_url: str, tiles: Path, areas: pd.DataFrame, hosts: set[str]
) -> None:
    page = log_in(browser, app_url, "cabang")  # branch head of kabupaten 99.01 (README)
    watch(page, hosts)
    open_tilemap(page, f"{app_url}/semua-desa")
    mine = set(
        areas.loc[
            (areas["level"] == "desa") & areas["area_code"].str.startswith("99.01."), "area_code"
        ]
    )
    # zoomed out: the tiles hold the whole province, only the territory is drawn
    page.evaluate(f"() => {TM}.debug().map.jumpTo({{zoom: 6}})")
    wait_applied(page, 1)
    drawn = rendered(page)
    assert set(drawn) == mine
    rows = page.evaluate(
        "async () => { const api = await dash_ag_grid.getApiAsync('tm-table');"
        " const out = []; api.forEachNode(n => out.push(n.data.area_code)); return out; }"
    )
    assert rows and all(c.startswith("99.01.") for c in rows)
    page.context.close()


def test_phone_shows_the_map_first_and_no_wider_page(
    browser: Any, app_url: str, tiles: Path, hosts: set[str], artifacts_dir: Path
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    watch(page, hosts)
    page.goto(f"{app_url}/masuk")
    page.fill("#username", "admin")
    page.fill("#password", "cakupan-admin")
    with page.expect_navigation():
        page.click("button[type=submit]")
    open_tilemap(page, f"{app_url}/semua-desa")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    box = page.locator("#tm-map").bounding_box()
    assert box and box["width"] >= 300 and box["height"] >= 300
    controls = page.locator(".tilemap-controls").bounding_box()
    assert controls and controls["y"] > box["y"]  # the map first, the filters below it
    assert len(rendered(page)) > 0
    page.screenshot(path=str(artifacts_dir / "tilemap-phone.png"))
    context.close()


def test_village_names_draw_from_the_apps_own_glyphs(
    browser: Any, app_url: str, tiles: Path, areas: pd.DataFrame, hosts: set[str]
) -> None:
    page = log_in(browser, app_url, "admin")
    requests = watch(page, hosts)
    open_tilemap(page, f"{app_url}/semua-desa")
    village = areas[areas["level"] == "desa"].iloc[0]
    page.evaluate(
        f"([lon, lat]) => {TM}.debug().map.jumpTo({{center: [lon, lat], zoom: 13}})",
        [float(village["lon"]), float(village["lat"])],
    )
    page.wait_for_function(
        f"() => {TM}.debug().map.queryRenderedFeatures({{layers: ['desa-label']}}).length > 0",
        timeout=60000,
    )
    glyphs = [r for r in requests if "/glyphs/" in r.url]
    assert glyphs, "no glyph was asked for"
    assert all(r.response() is not None and r.response().status == 200 for r in glyphs)
    assert all(urlsplit(r.url).netloc == urlsplit(app_url).netloc for r in glyphs)
    page.context.close()
