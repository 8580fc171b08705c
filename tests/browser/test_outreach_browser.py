"""The outreach page in headless Chromium on the real demo store (built with its roster and
event log): pick a Polsek, see its plan, take both downloads."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from outreach_helpers import wait_for_polsek_count

pytestmark = pytest.mark.browser

GD = "document.querySelector('#outreach-map .js-plotly-plot')"


def grid_rows(page: Any, grid_id: str) -> list[dict[str, Any]]:
    return page.evaluate(
        "async (id) => { const api = await dash_ag_grid.getApiAsync(id);"
        " const out = []; api.forEachNodeAfterFilterAndSort(n => out.push(n.data)); return out; }",
        grid_id,
    )


def wait_for_plan_of(page: Any, polsek: str) -> None:
    # synchronous on purpose: wait_for_function takes a returned Promise as a true value
    page.wait_for_function(
        "(p) => { let api; try { api = dash_ag_grid.getApi('outreach-plan'); }"
        " catch (e) { return false; }"
        " const rows = []; api.forEachNode(n => rows.push(n.data));"
        " return rows.length > 0 && rows.every(r => r.polsek === p); }",
        arg=polsek,
        timeout=60000,
    )


def choose(page: Any, dropdown_id: str, label: str) -> None:
    page.locator(f"#{dropdown_id}").click()
    page.get_by_placeholder("Search").fill(label)
    page.get_by_role("option", name=label, exact=True).click()


@pytest.fixture(scope="module")
def roster(demo_store: Path) -> pd.DataFrame:
    officers = pd.read_parquet(demo_store / "officers.parquet")
    areas = pd.read_parquet(demo_store / "areas.parquet")
    names = areas[areas["level"] == "desa"].set_index("area_code")["area_name"]
    return officers.assign(village_name=officers["village_code"].map(names))


def test_a_polsek_plan_and_its_downloads(
    page: Any, app_url: str, roster: pd.DataFrame, artifacts_dir: Path
) -> None:
    import openpyxl
    from pypdf import PdfReader

    page.goto(f"{app_url}/penjangkauan")
    # a plan is shown at once for the first Polres and its first Polsek
    polres = sorted(roster["polres"].unique())[0]
    polseks = sorted(roster.loc[roster["polres"] == polres, "polsek"].unique())
    wait_for_plan_of(page, polseks[0])
    assert page.locator("#nav-outreach").inner_text() == "Penjangkauan"

    # pick another Polsek of the Polres (the one with the most officers)
    counts = roster[roster["polres"] == polres].groupby("polsek")["nrp"].nunique()
    polsek = counts.drop(polseks[0]).sort_values(ascending=False, kind="stable").index[0]
    choose(page, "outreach-polsek", polsek)
    wait_for_plan_of(page, polsek)
    mine = roster[roster["polsek"] == polsek]
    # 4 weeks, 2 visits a week, never the same village twice in a week
    villages = mine.groupby("nrp")["village_code"].nunique()
    plan = grid_rows(page, "outreach-plan")
    assert len(plan) == int(4 * villages.clip(upper=2).sum())
    assert {r["village_code"] for r in plan} == set(mine["village_code"])
    assert {r["week"] for r in plan} == {1, 2, 3, 4}
    assert "polsek=" in page.evaluate("() => window.location.search")

    # the map: every village of the Polsek's kecamatan, coloured by officer
    page.wait_for_function(
        f"(codes) => {{ const d = {GD}?.data?.[0];"
        " return d && codes.every(c => d.locations.includes(c)); }",
        arg=sorted(mine["village_code"]),
        timeout=30000,
    )
    page.wait_for_function(
        f"() => {{ const m = {GD}._fullLayout.map?._subplot?.map;"
        " return m && m.loaded() && m.getStyle().layers.length > 2; }",
        timeout=60000,
    )
    ranking = grid_rows(page, "outreach-priority")
    assert [r["rank"] for r in ranking] == list(range(1, len(ranking) + 1))
    assert all(r["explanation"].startswith("Skor ") for r in ranking)
    assert "Selang kepercayaan 95%" in page.locator("#outreach-impact-text").inner_text()

    with page.expect_download() as xlsx_info:
        page.get_by_role("button", name="Unduh rencana (XLSX)").click()
    xlsx = Path(xlsx_info.value.path()).read_bytes()
    assert xlsx_info.value.suggested_filename.startswith("rencana_polsek-")
    assert xlsx[:2] == b"PK" and zipfile.is_zipfile(io.BytesIO(xlsx))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx))["Jadwal"]
    names = {row[5] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == set(mine["village_name"])

    with page.expect_download() as pdf_info:
        page.get_by_role("button", name="Unduh lembar briefing (PDF)").click()
    pdf = Path(pdf_info.value.path()).read_bytes()
    assert pdf[:4] == b"%PDF"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    first = mine.sort_values("nrp").iloc[0]
    assert first["name"] in text and polsek in text

    page.screenshot(path=str(artifacts_dir / "outreach-page.png"), full_page=False)

    # every Polsek of the Polres: the files are made in the background, with progress,
    # and the download arrives without another click
    choose(page, "outreach-polsek", "(semua Polsek)")
    wait_for_polsek_count(page, len(polseks))
    with page.expect_download(timeout=120000) as all_info:
        page.get_by_role("button", name="Unduh rencana (XLSX)").click()
        page.wait_for_selector("#outreach-job-status:has-text('Menyusun berkas')")
    assert all_info.value.suggested_filename.endswith("_semua_polsek.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(Path(all_info.value.path()).read_bytes()))
    assert set(polseks) <= set(book.sheetnames)
    page.wait_for_selector("#outreach-job-status:has-text('Berkas siap diunduh.')")


def test_choosing_a_polres_lists_only_its_polsek(
    page: Any, app_url: str, roster: pd.DataFrame
) -> None:
    page.goto(f"{app_url}/penjangkauan?lang=en")
    polres = sorted(roster["polres"].unique())[-1]
    choose(page, "outreach-polres", polres)
    expected = sorted(roster.loc[roster["polres"] == polres, "polsek"].unique())
    wait_for_plan_of(page, expected[0])
    page.locator("#outreach-polsek").click()
    options = page.locator(".dash-dropdown-options [role=option]").all_inner_texts()
    assert options == ["(all Polsek)", *expected]
