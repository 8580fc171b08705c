"""The coverage target control: URL state, projected months, and what a change redraws.

Hand computation on the store factory (tests/store_factory.py), kecamatan ``99.01.01``,
segment BPU: villages 2001 (100 + 2t of 1000) and 2002 (50 + t of 500), so coverage is
(150 + 3t) / 1500 = 10 + 0.2t %. In 2024-12 (t = 23) it is 14.6 % and the 12-month pace is
exactly 0.2 pp/month. Months to a target T: ceil((T - 14.6) / 0.2):

* T = 100    -> 427 months = 35 years 7 months -> July 2060
* T = 52.15  -> 187.75, so 188 = 15 years 8 months -> August 2040
* T = 20     -> 27 = 2 years 3 months -> March 2027
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dash
import pandas as pd
import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict
from dash_helpers import find, page
from hypothesis import given
from hypothesis import strategies as st
from store_factory import write_store

from analytics.settings import UCJ_TARGET_PCT, Settings
from analytics.store.reader import Store
from layouts.core import components, ids
from layouts.core.data_access import resolve_state
from layouts.core.shell import shell_links
from layouts.core.url_state import (
    ViewState,
    effective_target,
    parse_query,
    parse_search,
    parse_target,
    target_choice,
    target_from_controls,
    to_query,
)
from layouts.map.callbacks import kpi_update, map_update
from layouts.trends.views import trend_main

KEC = "99.01.01"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[dash.Dash, Store, Settings]:
    from app import create_app

    root = write_store(tmp_path_factory.mktemp("store") / "processed")
    settings = Settings().with_(store_dir=root)
    return create_app(settings), Store(root), settings


@pytest.fixture
def env(built: tuple[dash.Dash, Store, Settings]) -> Iterator[tuple[dash.Dash, Store, Settings]]:
    import flask_login

    from analytics.access import Role, User
    from layouts.core.auth import LoginUser

    with built[0].server.test_request_context("/"):
        flask_login.login_user(LoginUser(User("admin", Role.ADMIN)))
        yield built


def _projection_card(kpis: list[Any]) -> tuple[str, str]:
    card = kpis[-1]  # the last card is "Proyeksi capai target"
    return card.children[1].children, card.children[2].children


# --- URL state -------------------------------------------------------------------------


def test_target_is_read_validated_and_round_trips() -> None:
    assert parse_search("?target=52.15").target == 52.15
    assert parse_search("?target=75.456").target == 75.46  # two decimals
    assert parse_search("?target=0").target == 0.0
    for bad in ("abc", "101", "-1", "nan", "inf", ""):
        assert parse_search(f"?target={bad}").target is None  # the configured target
    state = ViewState(area=KEC, target=UCJ_TARGET_PCT)
    assert "target=52.15" in to_query(state)
    assert parse_search(to_query(state)) == state
    assert "target=&" in to_query(ViewState()) + "&"  # empty: configured target


@given(st.one_of(st.floats(allow_nan=True), st.text(max_size=12), st.none(), st.booleans()))
def test_any_target_parses_and_round_trips(value: object) -> None:
    target = parse_target(value)
    assert target is None or 0.0 <= target <= 100.0
    state = ViewState(target=target)
    assert parse_search(to_query(state)) == state


def test_control_values_map_to_targets_and_back() -> None:
    assert target_from_controls("100", None) == 100.0
    assert target_from_controls("ucj", 10) == UCJ_TARGET_PCT
    assert target_from_controls("custom", 62.5) == 62.5
    assert target_from_controls("custom", "x") is None
    assert target_from_controls("custom", 150) is None
    assert target_from_controls(None, 62.5) is None
    assert target_choice(None, 100.0) == ("100", 100.0)
    assert target_choice(UCJ_TARGET_PCT, 100.0) == ("ucj", 52.15)
    assert target_choice(None, 80.0) == ("custom", 80.0)
    assert target_choice(62.5, 100.0) == ("custom", 62.5)
    assert effective_target(ViewState(), 80.0) == 80.0
    assert effective_target(ViewState(target=20.0), 80.0) == 20.0


def test_shell_links_carry_the_target_to_other_pages() -> None:
    links = shell_links("/", "?lang=en", f"?area={KEC}&target=52.15")
    assert all("target=52.15" in href for href in links["hrefs"])
    assert all("target=52.15" in href for href in links["lang_hrefs"])


# --- projected months ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "month_text", "note"),
    [
        (None, "Juli 2060", "Target 100%"),  # the configured target (store meta: 100)
        (100.0, "Juli 2060", "Target 100%"),
        (UCJ_TARGET_PCT, "Agustus 2040", "Target 52,15%"),
        (20.0, "Maret 2027", "Target 20%"),
        (10.0, "Sudah tercapai", "Target 10%"),
    ],
)
def test_projection_card_uses_the_chosen_target(
    env: tuple[dash.Dash, Store, Settings], target: float | None, month_text: str, note: str
) -> None:
    _, store, settings = env
    state = resolve_state(store, settings, ViewState(level="desa", area=KEC, target=target))
    assert state.month == "2024-12"
    value, detail = _projection_card(kpi_update(store, settings, state))
    assert value == month_text
    assert detail.startswith(note + " · ")
    # the full update shows the same card
    full = map_update(store, settings, state, full=True)
    assert _projection_card(full["kpis"]) == (value, detail)


def test_projection_card_in_english(env: tuple[dash.Dash, Store, Settings]) -> None:
    _, store, settings = env
    state = resolve_state(
        store, settings, ViewState(level="desa", area=KEC, target=UCJ_TARGET_PCT, lang="en")
    )
    value, detail = _projection_card(kpi_update(store, settings, state))
    assert value == "August 2040" and detail.startswith("Target 52.15% · ")


def test_trend_projection_stops_at_the_chosen_target(
    env: tuple[dash.Dash, Store, Settings],
) -> None:
    _, store, _ = env
    names = dict(zip(store.areas()["area_code"], store.areas()["area_name"], strict=True))
    fig = trend_main(store.coverage(), names, KEC, "BPU", None, None, UCJ_TARGET_PCT, "id")
    projection = next(tr for tr in fig.data if "proyeksi" in tr.name)
    assert pd.Timestamp(projection.x[0]) == pd.Timestamp("2024-12-01")
    # 188 months away: drawn up to the 10-year horizon only (trend_views.PROJECTION_HORIZON),
    # and the legend says so
    assert pd.Timestamp(projection.x[-1]) == pd.Timestamp("2034-12-01")
    assert projection.y[-1] == pytest.approx(14.6 + 120 * 0.2)
    assert projection.name.endswith("(10 tahun pertama)")
    assert fig.layout.shapes[0].y0 == UCJ_TARGET_PCT
    assert fig.layout.annotations[0].text == "Target 52,15%"
    fig20 = trend_main(store.coverage(), names, KEC, "BPU", None, None, 20.0, "en")
    projection = next(tr for tr in fig20.data if "projection" in tr.name)
    assert pd.Timestamp(projection.x[-1]) == pd.Timestamp("2027-03-01")  # 27 months
    assert projection.y[-1] == pytest.approx(20.0)


# --- the page's controls and callbacks -------------------------------------------------


def test_pages_show_the_target_of_the_url(env: tuple[dash.Dash, Store, Settings]) -> None:
    home = page("/")
    layout = home.layout(area=KEC, level="desa", target="52.15", lang="en")
    assert find(layout, ids.MAP_TARGET).value == "ucj"
    assert find(layout, ids.MAP_TARGET).options[1]["label"] == "UCJ target (52.15%)"
    custom = home.layout(area=KEC, level="desa", target="62.5")
    assert find(custom, ids.MAP_TARGET).value == "custom"
    assert find(custom, ids.MAP_TARGET_CUSTOM).value == 62.5
    trends = page("/tren").layout(area=KEC, target="52.15")
    assert find(trends, ids.TREND_TARGET).value == "ucj"
    assert find(trends, ids.TREND_TARGET).options[1]["label"] == "Target UCJ (52,15%)"


def _callback(app: dash.Dash, output: str) -> Any:
    key = next(k for k in app.callback_map if k.startswith(output) or f"..{output}" in k)
    return app.callback_map[key]["callback"].__wrapped__


def _triggered(prop_id: str) -> None:
    context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop_id, "value": 1}]))


def test_target_change_only_redraws_the_kpi_cards(env: tuple[dash.Dash, Store, Settings]) -> None:
    app, _, _ = env
    update_map = _callback(app, f"{ids.MAP}.figure")
    view = {"level": "desa", "area": KEC}
    args = (view, "2024-12", "BPU", "targets", 5, "coverage", [])
    _triggered(f"{ids.MAP_TARGET}.value")
    out = update_map(*args, "ucj", None, None, "id", None)
    figure, legend, kpis, rows, title, crumbs, query = out
    assert all(x is dash.no_update for x in (figure, legend, rows, title, crumbs))
    assert _projection_card(kpis)[0] == "Agustus 2040"
    assert parse_search(query) == parse_query(
        {"level": "desa", "area": KEC, "month": "2024-12", "target": "52.15"}
    )
    # a hot change still patches values only, and keeps the chosen target
    _triggered(f"{ids.MONTH}.value")
    out = update_map(*args, "custom", 20, None, "id", None)
    assert isinstance(out[0], dash.Patch)
    assert _projection_card(out[2])[0] == "Maret 2027"
    assert "target=20.0" in out[-1]


def test_trend_callback_uses_the_target(env: tuple[dash.Dash, Store, Settings]) -> None:
    app, _, _ = env
    update_trends = _callback(app, f"{ids.TREND_MAIN}.figure")
    _triggered(f"{ids.TREND_TARGET}.value")
    main, small, words, query = update_trends(KEC, "BPU", None, None, "ucj", None, "?lang=id")
    assert main.layout.shapes[0].y0 == UCJ_TARGET_PCT
    assert small.layout.shapes[0].y0 == UCJ_TARGET_PCT
    # the projected month in words, as on the map's KPI card (Agustus 2040)
    assert "tercapai Agustus 2040" in str(words)
    assert "target=52.15" in query


def test_kpi_cards_without_area_are_empty(env: tuple[dash.Dash, Store, Settings]) -> None:
    _, store, settings = env
    assert kpi_update(store, settings, ViewState(month="2024-12")) == []
    assert components.target_control("a", "b", None, 100.0, "id").children[1].value == "100"
