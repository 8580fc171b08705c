"""The all-villages map's values (layouts/map/tilemap.py) on the hand-made store
(tests/store_factory.py): hand-computed, and the same numbers as the per-kabupaten map's
view model for the same villages."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from store_factory import VILLAGES, write_store

from analytics import formatting as fmt
from analytics.access import Role, Territory, User
from analytics.engine.classify import NO_DATA_COLOR, OVER_100_COLOR, PALETTE, classify
from analytics.settings import Settings
from analytics.store.reader import Store
from analytics.store.territory import TerritoryStore
from layouts.core.data_access import resolve_state
from layouts.core.url_state import ViewState
from layouts.map import tilemap as tm
from layouts.map.view_model import view_rows

ADMIN = User("admin", Role.ADMIN)
BRANCH = User("cabang", Role.BRANCH, Territory(frozenset({"99.01"})))


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_store(tmp_path_factory.mktemp("store") / "processed")


def _state(store: TerritoryStore, **kw: object) -> ViewState:
    settings = Settings().with_(store_dir=store.root)
    return tm.village_state(resolve_state(store, settings, ViewState(**kw)))  # type: ignore[arg-type]


def test_admin_gets_every_village_with_hand_computed_classes(store_dir: Path) -> None:
    store = TerritoryStore(Store(store_dir), ADMIN)
    state = _state(store, month="2024-12", segment="BPU")
    assert (state.level, state.area, state.scheme, state.k) == ("desa", "", "targets", 5)
    values = tm.village_values(store, state)
    payload = tm.values_payload(values, state, "/geo/codes/desa.json?v=1", "1")
    assert tm.village_codes(store) == sorted(VILLAGES)
    assert values.view["area_code"].tolist() == sorted(VILLAGES)
    # Dec 2024 (t = 23), BPU over informal workers: 146/1000 = 14.6 %, 73/500 = 14.6 %,
    # 10/800 = 1.25 %, 223/400 = 55.75 %, 120/100 = 120 % (above 100: class k = 5), no
    # denominator (no data: class k + 1 = 6); target bands [0;10) [10;25) [25;50) [50;75) [75;100]
    assert payload["cls"] == [1, 1, 0, 3, 5, 6]
    assert payload["colors"] == [*values.classification.colors, OVER_100_COLOR, NO_DATA_COLOR]
    assert len(payload["colors"]) == 7 and set(payload["colors"][:5]) <= set(PALETTE)
    # each distinct text once, written by analytics.formatting (1.25 -> 1,3 %: half away)
    assert payload["pct_text"] == ["14,6%", "1,3%", "55,8%", "120,0%", "—"]
    assert payload["pct"] == [0, 0, 1, 2, 3, 4]
    assert payload["class_labels"][:2] == ["[0; 10) %", "[10; 25) %"]
    assert payload["class_labels"][5:] == ["> 100% (periksa data)", "Tidak ada data"]
    assert payload["n"] == 6 and payload["codes_url"] == "/geo/codes/desa.json?v=1"
    # values only: no codes, names or geometry in what a change sends
    assert set(payload) == {
        "version", "codes_url", "n", "cls", "colors", "class_labels",
        "coverage_label", "pct_text", "pct",
    }  # fmt: skip


def test_branch_user_gets_their_villages_only(store_dir: Path) -> None:
    store = TerritoryStore(Store(store_dir), BRANCH)
    state = _state(store, month="2024-12", segment="BPU")
    values = tm.village_values(store, state)
    codes = tm.village_codes(store)
    assert codes == ["99.01.01.2001", "99.01.01.2002", "99.01.02.2001", "99.01.02.2002"]
    payload = tm.values_payload(values, state, "u", "v")
    assert payload["cls"] == [1, 1, 0, 3] and payload["n"] == len(codes)
    assert tm.village_detail(values.view, "99.02.01.1001", "id") is None  # outside: nothing


@pytest.mark.parametrize("segment", ["BPU", "PU", "ALL"])
@pytest.mark.parametrize("month", ["2023-01", "2024-06", "2024-12"])
@pytest.mark.parametrize("user", [ADMIN, BRANCH], ids=["admin", "branch"])
def test_same_numbers_as_the_per_kabupaten_map(
    store_dir: Path, user: User, month: str, segment: str
) -> None:
    """Each village's numbers and (fixed-band) class equal those of the per-kabupaten map's
    view model at village level for its kabupaten."""
    store = TerritoryStore(Store(store_dir), user)
    state = _state(store, month=month, segment=segment)
    values = tm.village_values(store, state)
    payload = tm.values_payload(values, state, "u", "v")
    all_view = values.view.set_index("area_code")
    for kab in ("99.01", "99.02"):
        if user is BRANCH and kab != "99.01":
            continue
        kab_state = state.with_(level="desa", area=kab)
        kab_view, _ = view_rows(store, kab_state)
        columns = ["area_name", "active", "eligible", "coverage_pct", "uncovered", "flags"]
        pd.testing.assert_frame_equal(
            all_view.loc[kab_view["area_code"], columns].reset_index(drop=True),
            kab_view[columns].reset_index(drop=True),
        )
        kab_classes = tm.class_indexes(classify(kab_view["coverage_pct"], "targets", 5))
        positions = [tm.village_codes(store).index(c) for c in kab_view["area_code"]]
        assert [payload["cls"][i] for i in positions] == kab_classes


def test_detail_lines_are_the_hover_numbers(store_dir: Path) -> None:
    store = TerritoryStore(Store(store_dir), ADMIN)
    state = _state(store, month="2024-12", segment="BPU", lang="en")
    lines = dict(
        tm.village_detail(tm.village_values(store, state).view, "99.01.02.2002", "en") or []
    )
    assert lines["Name"] == "Desa Empat (99.01.02.2002)"
    assert lines["Coverage"] == "55.8%"
    assert lines["Uncovered"] == "177"  # 400 - 223


def test_table_rows_are_the_most_uncovered_with_their_points(store_dir: Path) -> None:
    store = TerritoryStore(Store(store_dir), ADMIN)
    state = _state(store, month="2024-12", segment="BPU")
    rows = tm.table_rows(store, tm.village_values(store, state).view, "id")
    # uncovered: 854, 790 (10 of 800), 427, 177, 0 (120 %), none
    assert [r["area_code"] for r in rows][:3] == ["99.01.01.2001", "99.01.02.2001", "99.01.01.2002"]
    assert rows[0]["uncovered"] == 854 and rows[0]["uncovered_text"] == "854"
    assert rows[0]["lon"] == pytest.approx(110.05) and rows[0]["lat"] == pytest.approx(-6.95)


_BOUNDARY = st.integers(0, 20_000).map(lambda k: k / 10 + 0.05)  # x.x5: the rounding step
_VALUES = st.one_of(
    # coverage, even over a broken denominator (the formatter itself stops near 1e26)
    st.floats(-1e6, 1e6),
    st.sampled_from([math.nan, math.inf, -math.inf]),
    st.floats(0, 200),
    _BOUNDARY,
    _BOUNDARY.flatmap(lambda b: st.sampled_from([b - 1e-9, b + 1e-9, b - 1e-12, b + 1e-12])),
)


@given(st.lists(_VALUES, max_size=60), st.sampled_from(["id", "en"]))
@settings(max_examples=300, deadline=None)
def test_percent_texts_are_the_formatters_value_by_value(values: list[float], lang: str) -> None:
    texts, index = tm.percent_texts(pd.Series(values, dtype="float64"), lang)
    expected = [fmt.percent(None if math.isnan(v) else v, lang) for v in values]
    assert [texts[i] for i in index] == expected
    assert len(set(texts)) == len(texts)  # each distinct text once
