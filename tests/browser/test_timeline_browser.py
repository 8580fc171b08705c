"""The map's timeline in headless Chromium on the real demo store: play the months, see
them change on the map, pause, and the page (month control, address bar) takes the month."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from test_map_page import GD, first_kabupaten, open_map

from analytics import formatting as fmt

pytestmark = pytest.mark.browser


def test_play_shows_the_months_and_pause_keeps_one(
    page: Any, app_url: str, demo_store: Path
) -> None:
    areas = pd.read_parquet(demo_store / "areas.parquet")
    months = sorted(
        pd.read_parquet(demo_store / "coverage.parquet", columns=["month"])["month"].unique()
    )
    kab = first_kabupaten(areas)
    open_map(page, f"{app_url}/?level=desa&area={kab.area_code}")
    label = page.locator("#timeline-label")
    assert label.inner_text() == fmt.month(months[-1], "id")  # the latest month, as the page
    # the slider's value is a month index: no number box beside it (it showed "35")
    assert page.locator("#timeline-slider input").count() == 0
    geometry = page.evaluate(f"() => {GD}.data[0].geojson")
    page.click("#timeline-play")  # at the last month: plays again from the first
    seen = [label.inner_text()]
    for _ in range(3):
        page.wait_for_function(
            "(last) => document.getElementById('timeline-label').innerText !== last",
            arg=seen[-1],
            timeout=15000,
        )
        seen.append(label.inner_text())
    # a frame carries that month's KPI cards with the map's values (read in one go)
    now, cards = page.evaluate(
        "() => [document.getElementById('timeline-label').innerText,"
        " document.getElementById('kpis').innerText]"
    )
    assert now in cards
    page.click("#timeline-play")  # pause
    page.wait_for_function(  # the button turns back to "Putar" once the pause is applied
        "() => document.getElementById('timeline-play').innerText.endsWith('Putar')",
        timeout=15000,
    )
    shown = label.inner_text()
    names = [fmt.month(m, "id") for m in months]
    # from the first month on, in order, one a step (under load the first frame may already
    # have replaced the latest month when the label is first read)
    played = seen[1:] if seen[0] == names[-1] else seen
    assert len(played) >= 3 and played == names[: len(played)]
    # paused: the page's month, the table title and the address bar follow
    month = pd.Timestamp(months[names.index(shown)]).strftime("%Y-%m")
    page.wait_for_function("(m) => window.location.search.includes('month=' + m)", arg=month)
    page.wait_for_function(
        "(s) => document.getElementById('area-table-title').innerText.endsWith(s)", arg=shown
    )
    assert page.locator("#month").inner_text().strip() == shown
    # the geometry never travelled again: the same URL, values patched
    assert page.evaluate(f"() => {GD}.data[0].geojson") == geometry
