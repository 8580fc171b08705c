"""The map's timeline (layouts/map/timeline.py) and the phone's map size (layouts/map/drawer.py):
the step logic, one frame as a function, and one frame through the app's HTTP endpoint."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import dash
import pytest
from dash_helpers import callback_request
from hypothesis import given, settings
from hypothesis import strategies as st
from store_factory import write_store

from analytics.access import Role
from analytics.io.user_store import add_user
from analytics.settings import Settings
from analytics.store.reader import Store
from layouts.core import ids
from layouts.core.data_access import resolve_state
from layouts.core.figures import fit_view
from layouts.core.url_state import ViewState
from layouts.map.callbacks import map_update, timeline_frame
from layouts.map.drawer import map_size
from layouts.map.timeline import Step, timeline_step

PASSWORD = "correct-horse-battery"
TICK, PLAY, SLIDER, MONTH = ids.TIMELINE_TICK, ids.TIMELINE_PLAY, ids.TIMELINE_SLIDER, ids.MONTH


# --- the steps ---------------------------------------------------------------------------
def test_play_from_the_last_month_starts_again_at_the_first() -> None:
    assert timeline_step(PLAY, playing=False, index=23, n_months=24) == Step(0, True, True, False)


def test_play_from_an_earlier_month_waits_for_the_first_tick() -> None:
    assert timeline_step(PLAY, playing=False, index=5, n_months=24) == Step(5, True, False, False)


def test_ticks_move_one_month_and_stop_at_the_last() -> None:
    assert timeline_step(TICK, playing=True, index=5, n_months=24) == Step(6, True, True, False)
    # the last month: stop, and the page's month takes it (table, URL)
    assert timeline_step(TICK, playing=True, index=22, n_months=24) == Step(23, False, False, True)


def test_pause_hands_the_month_shown_to_the_page() -> None:
    assert timeline_step(PLAY, playing=True, index=7, n_months=24) == Step(7, False, False, True)


def test_a_late_tick_after_pause_changes_nothing() -> None:
    assert timeline_step(TICK, playing=False, index=7, n_months=24) == Step(7, False, False, False)


def test_dragging_the_slider_stops_and_sets_the_month() -> None:
    assert timeline_step(SLIDER, playing=True, index=3, n_months=24) == Step(3, False, False, True)


def test_picking_a_month_by_hand_stops_and_follows() -> None:
    assert timeline_step(MONTH, playing=True, index=9, n_months=24) == Step(9, False, False, False)


def test_one_month_never_plays() -> None:
    assert timeline_step(PLAY, playing=False, index=0, n_months=1) == Step(0, False, False, False)


@settings(deadline=None)  # trivial steps; a shared, busy machine is no finding
@given(
    st.sampled_from([TICK, PLAY, SLIDER, MONTH, None]),
    st.booleans(),
    st.integers(-5, 60),
    st.integers(1, 48),
)
def test_a_step_stays_in_range_and_a_frame_only_while_playing(
    trigger: str | None, playing: bool, index: int, n: int
) -> None:
    step = timeline_step(trigger, playing=playing, index=index, n_months=n)
    assert 0 <= step.index < n
    assert not step.frame or step.playing  # frames only while playing
    assert not (step.set_month and step.playing)  # the page's month changes only when stopped
    if trigger == TICK and playing:  # a tick never goes back, never skips
        assert step.index == min(max(index, 0) + 1, n - 1)


# --- one frame ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_store(tmp_path_factory.mktemp("store") / "processed")


@pytest.fixture(scope="module")
def app_and_client(store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from app import create_app

    work = tmp_path_factory.mktemp("timeline-app")
    users = work / "users.json"
    add_user(users, "admin", Role.ADMIN, PASSWORD)
    app = create_app(
        Settings().with_(
            store_dir=store_dir,
            users_path=users,
            audit_path=work / "audit.jsonl",
            uploads_dir=work / "uploads",
        )
    )
    client = app.server.test_client()
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    form = {"username": "admin", "password": PASSWORD, "csrf_token": token.group(1), "next": "/"}
    assert client.post("/masuk", data=form).status_code == 302
    return app, client


def _paths(patch: dash.Patch) -> list[str]:
    return [".".join(map(str, op["location"])) for op in patch.to_plotly_json()["operations"]]


def test_a_frame_is_a_patch_of_values(store_dir: Path) -> None:
    store, settings = Store(store_dir), Settings().with_(store_dir=store_dir)
    state = resolve_state(store, settings, ViewState(level="desa", area="99", month="2023-01"))
    frame = timeline_frame(store, settings, state)
    assert isinstance(frame["figure"], dash.Patch)
    paths = _paths(frame["figure"])
    assert "data.0.z" in paths and "data.0.hovertext" in paths
    assert not any("geojson" in p or "locations" in p or "layout" in p for p in paths)
    # the same values a month change sends (one code path for both)
    same = map_update(store, settings, state, full=False)["figure"]
    assert frame["figure"].to_plotly_json() == same.to_plotly_json()
    z = next(
        op["params"]["value"]
        for op in frame["figure"].to_plotly_json()["operations"]
        if op["location"] == ["data", 0, "z"]
    )
    # Jan 2023, target bands: 10 %, 10 % -> [10; 25), 1.25 % -> [0; 10), 50 % -> [50; 75),
    # >100 % (class 5), no denominator (6)
    assert z == [1, 1, 0, 3, 5, 6]
    assert "[10; 25) %" in str(frame["legend"])


def _post(app: dash.Dash, client: Any, output: str, values: dict[str, Any]) -> Any:
    key = next(k for k in app.callback_map if output in k)
    spec = app.callback_map[key]
    response = client.post(
        "/_dash-update-component", json=callback_request(key, spec["inputs"], spec["state"], values)
    )
    assert response.status_code == 200, response.data[:300]
    return response


CONTROLS = {
    "map-view.data": {"level": "desa", "area": "99"},
    "segment.value": "BPU",
    "scheme.value": "target",
    "k.value": 5,
    "layer.value": "coverage",
    "labels.value": [],
    "map-target.value": "100",
    "map-lang.data": "id",
}


def test_a_frame_through_the_app_sends_values_only(app_and_client: Any) -> None:
    app, client = app_and_client
    # playing, the slider at 2023-01 (index 0): the tick shows 2023-02
    response = _post(
        app,
        client,
        "timeline-label.children",
        {
            "timeline-tick.n_intervals": 1,
            "timeline-slider.value": 0,
            "month.value": "2023-01",
            "timeline-tick.disabled": False,
            **CONTROLS,
        },
    )
    out = response.get_json()["response"]
    assert out["timeline-slider"]["value"] == 1
    assert out["timeline-label"]["children"] == "Feb 2023"
    assert "month" not in out  # playing: the page's month (and the URL) stay
    figure = out["map"]["figure"]
    assert figure["__dash_patch_update"] == "__dash_patch_update"
    text = json.dumps(figure)
    assert "geojson" not in text and "locations" not in text
    # the whole figure of the same view, for scale: a frame is smaller
    full = _post(
        app,
        client,
        "..map.figure...",  # the page's own callback (not an allow_duplicate one)
        {"map-view.data": CONTROLS["map-view.data"], "month.value": "2023-02", **CONTROLS},
    )
    assert len(response.data) < len(full.data)


def test_the_last_tick_stops_and_sets_the_month(app_and_client: Any) -> None:
    app, client = app_and_client
    response = _post(
        app,
        client,
        "timeline-label.children",
        {
            "timeline-tick.n_intervals": 9,
            "timeline-slider.value": 22,
            "month.value": "2024-10",
            "timeline-tick.disabled": False,
            **CONTROLS,
        },
    )
    out = response.get_json()["response"]
    assert out["month"]["value"] == "2024-12"  # the month control: URL and table follow
    assert out["timeline-tick"]["disabled"] is True
    assert out["timeline-play"]["children"] == "▶ Putar"
    assert "map" not in out  # the month change redraws the map, not the timeline


# --- the map's size ------------------------------------------------------------------------
def test_map_size_is_read_or_ignored() -> None:
    assert map_size({"w": 372, "h": 506}) == (372.0, 506.0)
    assert map_size(None) is None
    assert map_size({"w": "x", "h": 5}) is None
    assert map_size({"w": 0, "h": 506}) is None  # a hidden map
    assert map_size({"w": 1e9, "h": 506}) is None


def test_a_phone_map_zooms_out_to_fit_its_width() -> None:
    # one degree square at the equator spans 1/360 of the world both ways (Mercator);
    # zoom z shows 512 * 2**z px for the world, less a margin of 0.3
    bounds = (110.0, -0.5, 111.0, 0.5)
    _, desk = fit_view(bounds, 760, 560)
    _, phone = fit_view(bounds, 372, 506)
    assert desk == pytest.approx(8.32, abs=0.006)  # log2(560 / 512 * 360) - 0.3: height binds
    assert phone == pytest.approx(7.73, abs=0.006)  # log2(372 / 512 * 360) - 0.3: width binds
