"""The pages on a phone (390 x 844, as officers and commanders open links) in headless
Chromium on the real demo store: nothing wider than the screen, the map first and fitted
to the area, its legend on it, the filters in a drawer, the plan's village names in view."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from test_map_page import GD, first_kabupaten, open_map
from test_outreach_browser import grid_rows

pytestmark = pytest.mark.browser

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT = 390, 844


@pytest.fixture
def phone(browser: Any, app_url: str) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=3,
    )
    pg = context.new_page()
    pg.goto(f"{app_url}/masuk")
    pg.fill("#username", "admin")
    pg.fill("#password", "cakupan-admin")
    with pg.expect_navigation():
        pg.click("button[type=submit]")
    yield pg
    context.close()


@pytest.fixture(scope="module")
def areas(demo_store: Path) -> pd.DataFrame:
    return pd.read_parquet(demo_store / "areas.parquet")


def page_width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["x"] >= outer["x"] - 0.5
        and inner["y"] >= outer["y"] - 0.5
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5
    )


def test_map_page_on_a_phone(
    phone: Any, app_url: str, areas: pd.DataFrame, artifacts_dir: Path
) -> None:
    kab = first_kabupaten(areas)
    open_map(phone, f"{app_url}/?level=desa&area={kab.area_code}")
    assert page_width(phone) <= WIDTH
    # the nav fits: every link on the screen
    for box in (link.bounding_box() for link in phone.locator(".nav-link").all()):
        if box:  # hidden links (a role's) have none
            assert 0 <= box["x"] and box["x"] + box["width"] <= WIDTH
    # the map first, within the first screen
    the_map = phone.locator("#map").bounding_box()
    assert the_map["y"] <= 300 and the_map["width"] >= WIDTH - 30
    # the legend on the map
    assert inside(phone.locator("#legend").bounding_box(), the_map)
    assert "Cakupan" in phone.locator("#legend").inner_text()
    # the whole kabupaten in view: the bounds of the drawn geometry inside the map's bounds
    fits = phone.evaluate(
        f"""async () => {{
            const gd = {GD};
            const geo = await (await fetch(gd.data[0].geojson)).json();
            let w = 180, s = 90, e = -180, n = -90;
            const walk = (c) => {{
                if (typeof c[0] === "number") {{
                    w = Math.min(w, c[0]); e = Math.max(e, c[0]);
                    s = Math.min(s, c[1]); n = Math.max(n, c[1]);
                }} else {{ c.forEach(walk); }}
            }};
            const codes = new Set(gd.data[0].locations);
            geo.features.filter(f => codes.has(f.id)).forEach(f => walk(f.geometry.coordinates));
            const b = gd._fullLayout.map._subplot.map.getBounds();
            return [w >= b.getWest(), e <= b.getEast(), s >= b.getSouth(), n <= b.getNorth()];
        }}"""
    )
    assert fits == [True, True, True, True]
    # the filters in a drawer: off screen, opened by the button, closed by its own
    drawer = phone.locator("#map-controls")
    assert drawer.bounding_box()["x"] + drawer.bounding_box()["width"] <= 0
    phone.screenshot(path=str(artifacts_dir / "map-phone.png"))
    docs = PROJECT_ROOT / "docs" / "img"
    docs.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(artifacts_dir / "map-phone.png", docs / "map-phone.png")
    phone.click("#drawer-open")
    phone.wait_for_function(
        "() => document.getElementById('map-controls').getBoundingClientRect().left >= 0"
    )
    assert phone.locator("#month").is_visible()
    phone.screenshot(path=str(artifacts_dir / "map-phone-drawer.png"))
    # a filter changed in the drawer recolours the map behind it
    before = phone.evaluate(f"() => {GD}.data[0].hovertext[0]")
    phone.locator("#segment").get_by_text("PU (penerima upah)", exact=True).click()
    phone.wait_for_function(f"(b) => {GD}.data[0].hovertext[0] !== b", arg=before)
    phone.click("#drawer-close")
    phone.wait_for_function(
        "() => document.getElementById('map-controls').getBoundingClientRect().right <= 0"
    )
    assert page_width(phone) <= WIDTH


@pytest.mark.parametrize(
    "path", ["/", "/semua-desa", "/tren", "/kualitas", "/penjangkauan", "/metode", "/unggah"]
)
def test_no_page_is_wider_than_a_phone(phone: Any, app_url: str, path: str) -> None:
    phone.goto(f"{app_url}{path}")
    phone.wait_for_load_state("networkidle")
    phone.wait_for_function("() => document.querySelector('.content')?.innerText.length > 20")
    phone.wait_for_timeout(500)  # grids and figures size themselves after their data
    assert page_width(phone) <= WIDTH


def test_plan_table_shows_the_village_on_a_phone(phone: Any, app_url: str) -> None:
    phone.goto(f"{app_url}/penjangkauan")
    phone.wait_for_function(
        "() => { try { let n = 0; dash_ag_grid.getApi('outreach-plan').forEachNode(() => n++);"
        " return n > 0; } catch (e) { return false; } }",
        timeout=60000,
    )
    assert page_width(phone) <= WIDTH
    # the map before the filters
    the_map = phone.locator("#outreach-map").bounding_box()
    assert the_map["y"] < phone.locator("#outreach-polres").bounding_box()["y"]
    first = grid_rows(phone, "outreach-plan")[0]
    cell = phone.locator(
        "#outreach-plan .ag-pinned-left-cols-container [col-id=village_name]"
    ).first
    cell.scroll_into_view_if_needed()
    box = cell.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    assert cell.inner_text() == first["village_name"]
    # scrolling the table sideways keeps the village in place
    phone.evaluate(
        "() => { const v = document.querySelector('#outreach-plan .ag-center-cols-viewport');"
        " v.scrollLeft = 600; }"
    )
    phone.wait_for_timeout(300)
    assert cell.bounding_box()["x"] == pytest.approx(box["x"], abs=1)
    assert page_width(phone) <= WIDTH
