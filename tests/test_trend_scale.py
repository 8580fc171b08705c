"""The trend page at national scale, on tiny fixtures: the whole store as one series, the
capped sub-area panels with their note, the area dropdowns of a large store, and the
territory view's cached copies (tests/store_factory.py)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from store_factory import write_store

from analytics.access import Role, Territory, User
from analytics.engine.trends import combined_coverage, lowest_latest
from analytics.io.user_store import add_user
from analytics.settings import Settings
from analytics.store.cache import DATA
from analytics.store.reader import Store
from analytics.store.territory import TerritoryStore, in_codes
from layouts.trends.views import (
    MAX_AREA_OPTIONS,
    area_options,
    search_options,
    sub_area_rows,
    trend_main,
    trend_rows,
    trend_small,
)

BOTH = User("dua", Role.BRANCH, Territory(frozenset({"99.01", "99.02"})))
PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_store(tmp_path_factory.mktemp("store") / "processed")


# --- the whole store as one area ---------------------------------------------------------
def test_combined_coverage_sums_numerators_and_known_denominators() -> None:
    month = pd.Timestamp("2024-01-01")
    rows = pd.DataFrame(
        {
            "area_code": ["11", "12", "13"],
            "segment": ["BPU", "BPU", "BPU"],
            "month": [month] * 3,
            "active": [15, 30, 7],
            "active_covered": [10, 30, 0],  # 13 has no denominator at all
            "eligible": [100.0, 100.0, np.nan],
        }
    )
    out = combined_coverage(rows)
    assert out.loc[0, "active"] == 52 and out.loc[0, "eligible"] == 200.0
    assert out.loc[0, "coverage_pct"] == pytest.approx(20.0)  # (10 + 30) / 200
    assert out.loc[0, "area_code"] == ""
    none = combined_coverage(rows.iloc[[2]])
    assert np.isnan(none.loc[0, "eligible"]) and np.isnan(none.loc[0, "coverage_pct"])


def test_two_kabupaten_together_equal_their_province(store_dir: Path) -> None:
    """A branch user with 99.01 and 99.02 sees "all areas": the sum of both, which is the
    province's own row (BPU, 2023-01: 480 covered / 2,800 eligible = 17.14 %)."""
    view = TerritoryStore(Store(store_dir), BOTH)
    rows = trend_rows(view, "", "BPU", None, None, ["99.01", "99.02"])
    first = rows.sort_values("month").iloc[0]
    assert first["coverage_pct"] == pytest.approx(100 * 480 / 2800)
    assert rows.sort_values("month").iloc[-1]["coverage_pct"] == pytest.approx(100 * 572 / 2800)
    full = Store(store_dir).coverage()
    province = full[(full["area_code"] == "99") & (full["segment"] == "BPU")]
    np.testing.assert_allclose(
        rows.sort_values("month")["coverage_pct"].to_numpy(),
        province.sort_values("month")["coverage_pct"].to_numpy(),
    )
    fig = trend_main(rows, {}, "", "BPU", None, None, 100.0, "id")
    assert fig.layout.title.text == "Tren cakupan: Semua wilayah"
    level, sub = sub_area_rows(view, "", "BPU", ["99.01", "99.02"])
    assert level == "kabupaten" and set(sub["area_code"].astype("str")) == {"99.01", "99.02"}


# --- sub-area panels ---------------------------------------------------------------------
def _long(latest: dict[str, float | None]) -> pd.DataFrame:
    months = pd.date_range("2024-01-01", periods=3, freq="MS")
    rows = []
    for code, last in latest.items():
        for i, month in enumerate(months):
            value = (last if last is not None else np.nan) if i == 2 else 50.0
            rows.append((code, f"Area {code}", month, value))
    return pd.DataFrame(rows, columns=["area_code", "area_name", "month", "coverage_pct"])


def test_lowest_latest_picks_the_lowest_in_the_latest_month() -> None:
    sub = _long({"11": 30.0, "12": 5.0, "13": None, "14": 20.0, "15": 5.0})
    shown, total = lowest_latest(sub, 3)
    assert total == 5
    # 12 and 15 tie at 5 % (code breaks the tie), then 14; 13 has no value: last, left out
    assert shown["area_code"].drop_duplicates().tolist() == ["12", "15", "14"]
    assert len(shown) == 9  # every month of each chosen area
    everything, total = lowest_latest(sub, 5)
    assert total == 5 and everything is sub  # nothing to cap: as given


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.none(), st.floats(0, 200, allow_nan=False)), min_size=1, max_size=30
    ),
    n=st.integers(1, 12),
)
def test_lowest_latest_never_skips_a_lower_area(values: list[float | None], n: int) -> None:
    sub = _long({f"{i + 10:02d}": v for i, v in enumerate(values)})
    shown, total = lowest_latest(sub, n)
    kept = set(shown["area_code"])
    assert total == len(values) and len(kept) == min(n, len(values))
    latest = sub[sub["month"] == sub["month"].max()].set_index("area_code")["coverage_pct"]
    if len(values) > n:
        worst_kept = latest[list(kept)].max()  # NaN when an empty area had to be kept
        left_out = latest.drop(list(kept))
        assert not (left_out.dropna() < worst_kept).any()
        if latest[list(kept)].isna().any():
            assert left_out.notna().sum() == 0


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("id", "12 dari 14 dengan cakupan terendah pada Mar 2024, terendah lebih dulu"),
        ("en", "the 12 of 14 with the lowest coverage in Mar 2024, lowest first"),
    ],
)
def test_small_multiples_are_capped_with_a_note(lang: str, note: str) -> None:
    sub = _long({f"{i + 10}": float(i) for i in range(14)})
    fig = trend_small(sub, "kabupaten", 40.0, lang)
    assert len(fig.data) == 12
    assert note in fig.layout.title.text
    titles = [a.text for a in fig.layout.annotations][:12]
    assert titles[0] == "Area 10" and titles[-1] == "Area 21"  # lowest (0 %) first
    assert [s.y0 for s in fig.layout.shapes] == [40.0] * 12
    few = trend_small(_long({"11": 1.0, "12": 2.0}), "kabupaten", 40.0, lang)
    assert len(few.data) == 2 and "<sup>" not in few.layout.title.text


# --- area dropdowns ----------------------------------------------------------------------
def _national_areas() -> pd.DataFrame:
    rows = [("provinsi", "35", "Jawa Timur")]
    rows += [("kabupaten", f"35.{k:02d}", f"Kab {k}") for k in range(1, 4)]
    for k in range(1, 4):
        for c in range(1, 5):
            kec = f"35.{k:02d}.{c:02d}"
            rows.append(("kecamatan", kec, f"Kec {k}-{c}"))
            rows += [("desa", f"{kec}.{v:04d}", f"Desa {k}-{c}-{v}") for v in range(1, 100)]
    rows.append(("desa", "35.03.04.2001", "Sukamaju"))
    frame = pd.DataFrame(rows, columns=["level", "area_code", "area_name"])
    assert len(frame) > MAX_AREA_OPTIONS
    return frame


def test_large_store_lists_provinces_and_kabupaten_plus_the_chosen_area() -> None:
    areas = _national_areas()
    values = [o["value"] for o in area_options(areas, "id", keep=["35.02.03.0007"])]
    assert values == ["35", "35.01", "35.02", "35.02.03", "35.02.03.0007", "35.03"]
    assert area_options(areas, "en")[1]["label"] == "Kab 1 (35.01) · Regency/city"
    small = areas[areas["level"] != "desa"]
    assert len(area_options(small, "id")) == len(small)  # a small store: every area


def test_search_finds_names_and_codes_and_keeps_the_chosen_area() -> None:
    areas = _national_areas()
    found = [o["value"] for o in search_options(areas, "SUKA", "id", keep=["35.01"])]
    assert found == ["35.01", "35.03.04.2001"]
    by_code = [o["value"] for o in search_options(areas, "35.02.0", "id", limit=3)]
    assert by_code == ["35.02.01", "35.02.02", "35.02.03"]  # higher levels first


# --- the territory view ------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(
    codes=st.lists(st.sampled_from(["a", "b", "c", "d", None]), min_size=0, max_size=40),
    allowed=st.frozensets(st.sampled_from(["a", "b", "x"])),
)
def test_in_codes_on_categories_equals_text_isin(
    codes: list[str | None], allowed: frozenset[str]
) -> None:
    text = pd.Series(codes, dtype="str")
    expected = np.array([c is not None and c in allowed for c in codes], dtype=bool)
    np.testing.assert_array_equal(in_codes(text.astype("category"), allowed), expected)
    np.testing.assert_array_equal(in_codes(text, allowed), expected)


def test_territory_copies_are_cached_and_hold_only_the_territory(store_dir: Path) -> None:
    store = Store(store_dir)
    branch = User("cabang", Role.BRANCH, Territory(frozenset({"99.02"})))
    first = TerritoryStore(store, branch).coverage()
    made = DATA.computed("territory_table")
    again = TerritoryStore(store, branch).coverage()  # a new view per request, as the app
    assert DATA.computed("territory_table") == made  # limited once, then kept
    assert again is not first  # each caller its own (copy-on-write) frame
    pd.testing.assert_frame_equal(again, first)
    assert set(first["area_code"].astype("str")) == {
        "99.02",
        "99.02.01",
        "99.02.01.1001",
        "99.02.01.1002",
    }
    assert len(first) == 4 * 24 * 5  # 4 areas x 24 months x 5 segments
    colleague = User("cabang2", Role.BRANCH, Territory(frozenset({"99.02"})))
    TerritoryStore(store, colleague).coverage()
    assert DATA.computed("territory_table") == made  # one copy per territory


# --- through the app ---------------------------------------------------------------------
def test_trend_callback_answers_for_the_whole_territory(store_dir: Path, tmp_path: Path) -> None:
    from dash_helpers import callback_request

    from app import create_app

    users = tmp_path / "users.json"
    add_user(users, "dua", Role.BRANCH, PASSWORD, areas=frozenset({"99.01", "99.02"}))
    app = create_app(
        Settings().with_(
            store_dir=store_dir,
            users_path=users,
            audit_path=tmp_path / "audit.jsonl",
            uploads_dir=tmp_path / "uploads",
        )
    )
    client = app.server.test_client()
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    form = {"username": "dua", "password": PASSWORD, "csrf_token": token.group(1), "next": "/"}
    assert client.post("/masuk", data=form).status_code == 302
    key = next(k for k in app.callback_map if "trend-main.figure" in k)
    spec = app.callback_map[key]
    values = {
        "trend-area.value": None,
        "trend-segment.value": "BPU",
        "trend-target.value": "100",
        "trend-lang.data": "?lang=en",
    }
    body = callback_request(key, spec["inputs"], spec["state"], values)
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.data[:300]
    figures = response.get_json()["response"]
    assert figures["trend-main"]["figure"]["layout"]["title"]["text"].endswith("All areas")
    small = figures["trend-small"]["figure"]
    assert [a["text"] for a in small["layout"]["annotations"]] == ["Kabupaten Satu", "Kota Dua"]
