"""The village profile in headless Chromium on the demo store, as the branch head
(``cabang``, kabupaten 99.01): drill to the villages, click one, read its profile, press
Back and land on the same village map."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from test_map_page import GD, locations, open_map, screen_xy

pytestmark = pytest.mark.browser


@pytest.fixture
def cabang(browser: Any, app_url: str) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.goto(f"{app_url}/masuk")
    pg.fill("#username", "cabang")
    pg.fill("#password", "cakupan-cabang")
    with pg.expect_navigation():
        pg.click("button[type=submit]")
    yield pg
    context.close()


def click_area(page: Any, row: pd.Series) -> None:
    x, y = screen_xy(page, float(row.lon), float(row.lat))
    page.mouse.move(x, y)
    page.wait_for_timeout(200)
    page.mouse.click(x, y)


def test_branch_head_opens_a_village_profile_and_goes_back(
    cabang: Any, app_url: str, demo_store: Path, artifacts_dir: Path
) -> None:
    areas = pd.read_parquet(demo_store / "areas.parquet")
    open_map(cabang, f"{app_url}/")  # the branch's top: the kecamatan of 99.01
    kec = areas[(areas["level"] == "kecamatan") & (areas["parent_code"] == "99.01")]
    assert sorted(locations(cabang)) == sorted(kec["area_code"])
    # a village with an officer of the roster, and its kecamatan
    officers = pd.read_parquet(demo_store / "officers.parquet")
    mine = officers[officers["village_code"].str.startswith("99.01.")].sort_values("village_code")
    officer = mine.iloc[0]
    target = kec.set_index("area_code", drop=False).loc[officer.village_code[:8]]
    click_area(cabang, target)
    cabang.wait_for_function(f"() => {GD}.data[0].locations[0].length === 13", timeout=20000)
    villages = areas[(areas["level"] == "desa") & (areas["parent_code"] == target.area_code)]
    assert sorted(locations(cabang)) == sorted(villages["area_code"])
    map_url = cabang.url
    assert "level=desa" in map_url and f"area={target.area_code}" in map_url
    # the GIS download of this village map: the GeoPackage reads back with every village
    gis = cabang.locator("details.gis-menu")
    gis.locator("summary").click()
    with cabang.expect_download(timeout=60000) as info:
        gis.get_by_role("button", name="GeoPackage (QGIS)").click()
    assert info.value.suggested_filename.endswith(".gpkg")
    layer = gpd.read_file(info.value.path(), layer="cakupan")
    assert sorted(layer["area_code"]) == sorted(villages["area_code"])
    assert layer.crs.to_epsg() == 4326 and set(layer["segment"]) == {"BPU"}
    gis.locator("summary").click()
    cabang.wait_for_timeout(500)
    village = villages.set_index("area_code", drop=False).loc[officer.village_code]
    click_area(cabang, village)
    cabang.wait_for_selector(".profile-page", timeout=20000)
    assert f"/desa?area={village.area_code}" in cabang.url
    title = cabang.locator(".profile-page h2").inner_text()
    assert village.area_name in title and village.area_code in title
    text = cabang.locator(".profile-page").inner_text()
    assert "Cakupan per segmen" in text and "Bhabinkamtibmas" in text
    assert f"{officer['name']} ({officer.nrp})" in text and str(officer.polsek) in text
    assert str(officer.phone) not in text  # the outreach page shows no phone either
    cabang.wait_for_selector("#profile-trend .js-plotly-plot", timeout=20000)
    cabang.screenshot(path=str(artifacts_dir / "village-profile.png"), full_page=True)
    docs = Path(__file__).resolve().parents[2] / "docs" / "img"
    docs.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(artifacts_dir / "village-profile.png", docs / "village-profile.png")
    # every button of the download menu gives its file (the PDF once gave nothing)
    cabang.locator(".profile-menu summary").click()
    for fmt, magic in (("xlsx", b"PK"), ("csv", b""), ("pdf", b"%PDF")):
        with cabang.expect_download(timeout=60000) as info:
            cabang.locator(f'button[id*=\'"fmt":"{fmt}"\']').click()
        assert info.value.suggested_filename.endswith(f".{fmt}")
        assert Path(info.value.path()).read_bytes().startswith(magic)
    cabang.go_back()
    cabang.wait_for_function(f"() => {GD}?.data?.[0]?.locations?.length > 0", timeout=30000)
    assert sorted(locations(cabang)) == sorted(villages["area_code"])
    assert "level=desa" in cabang.url and f"area={target.area_code}" in cabang.url
