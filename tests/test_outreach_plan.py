"""Visit plans on tiny hand-made rosters."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.errors import InputError
from analytics.outreach.plan import (
    ConversionEstimate,
    alternatives_text,
    build_plan,
    conversion_text,
    estimate_conversion,
)

K1, K2 = "99.01.01", "99.01.02"
V = {i: f"{K1}.200{i}" for i in range(1, 6)}
V6 = f"{K2}.2006"
FIVE = ConversionEstimate(5.0, math.nan, math.nan, 0, True, "default")
START = pd.Timestamp("2025-03-03")


def priority_frame() -> pd.DataFrame:
    rows = [
        (V[1], "Satu", K1, 0.9, 8.0, 10.0),
        (V[2], "Dua", K1, 0.5, 100.0, 20.0),
        (V[3], "Tiga", K1, 0.5, 0.0, 100.0),
        (V[4], "Empat", K1, 0.3, 50.0, 40.0),
        (V[5], "Lima", K1, 0.8, 300.0, 5.0),
        (V6, "Enam", K2, 0.95, 900.0, 1.0),
    ]
    df = pd.DataFrame(
        rows,
        columns=[
            "village_code",
            "village_name",
            "kecamatan_code",
            "score",
            "uncovered",
            "coverage_pct",
        ],
    )
    return df.assign(
        rank=df["score"].rank(ascending=False, method="first").astype(int), explanation="x"
    )


def roster() -> pd.DataFrame:
    rows = [
        ("80000001", "Budi", "BRIPKA", "Polsek A", "Polres X", V[3]),
        ("80000001", "Budi", "BRIPKA", "Polsek A", "Polres X", V[1]),
        ("80000001", "Budi", "BRIPKA", "Polsek A", "Polres X", V[2]),
        ("80000002", "Siti", "BRIPTU", "Polsek A", "Polres X", V[4]),
        ("80000003", "Joko", "AIPTU", "Polsek B", "Polres X", V6),
    ]
    df = pd.DataFrame(rows, columns=["nrp", "name", "rank", "polsek", "polres", "village_code"])
    return df.assign(phone="0274-000")


def test_schedule_rotation_and_expected_registrations() -> None:
    neighbours = pd.DataFrame({"village_code": [V[5], V[4]], "neighbour_code": [V[4], V[5]]})
    plan = build_plan(
        priority_frame(),
        roster(),
        polsek="  polsek a ",
        weeks=3,
        visits_per_week=2,
        start=START,
        conversion=FIVE,
        neighbours=neighbours,
    )
    s = plan.schedule
    budi = s[s["nrp"] == "80000001"]
    # Score order V1 (0.9), then V2 and V3 tie at 0.5 -> by code; then rotation.
    assert budi.groupby("week")["village_code"].apply(list).to_dict() == {
        1: [V[1], V[2]],
        2: [V[3], V[1]],
        3: [V[2], V[3]],
    }
    assert budi["visit"].tolist() == [1, 1, 1, 2, 2, 2]
    # Each visit converts the same share of those still uncovered (share = 5 / uncovered):
    # V1 (8 uncovered): 5, then 5/8 of the 3 left = 1.875; V2 (100): 5, then 5% of 95 =
    # 4.75; V3 (0 uncovered): nothing.
    assert budi["expected_registrations"].tolist() == pytest.approx([5, 5, 0, 1.875, 4.75, 0])
    assert s["week_start"].drop_duplicates().tolist() == [
        START,
        START + pd.Timedelta(days=7),
        START + pd.Timedelta(days=14),
    ]
    siti = s[s["nrp"] == "80000002"]
    assert siti["village_code"].tolist() == [V[4]] * 3  # once a week, never twice
    assert "80000003" not in set(s["nrp"])  # other Polsek
    # Ranks within the scope: V1, V5, V2, V3, V4.
    assert budi.drop_duplicates("village_code")["priority_rank"].tolist() == [1, 3, 4]

    u = plan.unassigned
    assert u["village_code"].tolist() == [V[5]]
    row = u.iloc[0]
    assert (row["high_priority"], row["proposed_nrp"], row["basis"]) == (
        True,
        "80000002",
        "adjacent",
    )
    assert row["alternatives"] == "Budi (80000001)"

    summary = plan.summary.set_index("nrp")
    assert summary.loc[
        "80000001", ["capacity", "visits_planned", "first_visits", "spare", "reserved"]
    ].tolist() == [6, 6, 3, 0, 0]  # 6 of 6 planned: nothing left
    # Siti: one village, once a week (3), one slot reserved for V5: 6 - 3 - 1 = 2 left.
    assert summary.loc[
        "80000002", ["visits_planned", "first_visits", "spare", "reserved"]
    ].tolist() == [3, 1, 2, 1]
    assert summary.loc["80000001", "village_names"] == "Satu, Dua, Tiga"
    assert summary.loc["80000001", "expected_registrations"] == pytest.approx(16.625)


def test_one_village_four_weeks_running_is_not_credited_four_times() -> None:
    """The issue's case: 7.7 registrations per visit, one village with 155 uncovered."""
    rate = ConversionEstimate(7.7, math.nan, math.nan, 10, False, "x")
    prio = priority_frame().assign(uncovered=155.0)
    plan = build_plan(prio, roster(), polsek="Polsek A", weeks=4, start=START, conversion=rate)
    siti = plan.schedule[plan.schedule["nrp"] == "80000002"]["expected_registrations"]
    share = 7.7 / 155
    hand = [7.7 * (1 - share) ** k for k in range(4)]  # 7.7, 7.3175, 6.9540, 6.6085
    assert siti.tolist() == pytest.approx(hand)
    assert siti.sum() == pytest.approx(28.580, abs=1e-3) and siti.sum() < 4 * 7.7


def test_nearest_officer_by_distance_without_adjacency() -> None:
    points = pd.DataFrame(
        {
            "village_code": [V[5], V[1], V[4]],
            "lon": [110.0, 110.1, 110.3],
            "lat": [-7.0, -7.0, -7.0],
        }
    )
    plan = build_plan(
        priority_frame(),
        roster(),
        polres="Polres X",
        weeks=1,
        visits_per_week=3,
        start=START,
        conversion=FIVE,
        points=points,
    )
    u = plan.unassigned.set_index("village_code")
    assert set(u.index) == {V[5]}
    assert (u.loc[V[5], "proposed_nrp"], u.loc[V[5], "basis"]) == ("80000002", "distance")
    # Budi has 3 villages and 3 slots: no spare; Siti (30 km) and Joko (no point) do.
    assert u.loc[V[5], "distance_km"] == pytest.approx(
        0.3 * 111.195 * math.cos(math.radians(7)), rel=1e-3
    )
    assert u.loc[V[5], "alternatives"] == "Joko (80000003)"


def test_no_spare_capacity_means_no_proposal() -> None:
    officers = roster()[lambda d: d["nrp"] == "80000001"]
    plan = build_plan(
        priority_frame(), officers, weeks=1, visits_per_week=3, start=START, conversion=FIVE
    )
    u = plan.unassigned
    # V4 and V5 have no officer in this roster; nobody has spare capacity.
    assert u["village_code"].tolist() == [V[5], V[4]]
    assert u["proposed_nrp"].isna().all()


def test_unknown_scope_and_bad_capacity_are_clear_errors() -> None:
    with pytest.raises(InputError, match="Polsek Z"):
        build_plan(priority_frame(), roster(), polsek="Polsek Z", start=START, conversion=FIVE)
    with pytest.raises(InputError, match="visits per week"):
        build_plan(priority_frame(), roster(), visits_per_week=0, start=START, conversion=FIVE)


def test_conversion_estimate() -> None:
    est = estimate_conversion(pd.DataFrame({"registrations": [2, 4, 6]}))
    half = 1.959963984540054 * 2 / math.sqrt(3)
    assert (est.per_visit, est.n_events, est.is_default) == (4.0, 3, False)
    assert (est.low, est.high) == pytest.approx((4 - half, 4 + half))
    default = estimate_conversion(pd.DataFrame({"registrations": []}))
    assert (default.per_visit, default.is_default) == (5.0, True)
    assert "default (tidak ada data kegiatan)" in default.label
    # the basis sentence in the reader's language (4 +/- 2.26: 1.74-6.26)
    assert (
        conversion_text(est, "id")
        == est.label
        == ("4,0 pendaftaran per kunjungan (rata-rata 3 kegiatan, 95%: 1,7–6,3)")
    )
    assert conversion_text(est, "en") == (
        "4.0 registrations per visit (mean of 3 events, 95%: 1.7–6.3)"
    )
    assert conversion_text(default, "en") == (
        "5.0 registrations per visit — default (no outreach event data)"
    )


def test_alternatives_follow_the_language() -> None:
    others = [("Budi", "80000001", 5.24), ("Sari", "80000002", math.nan)]
    assert alternatives_text(others, "id") == "Budi (80000001), 5,2 km; Sari (80000002)"
    assert alternatives_text(others, "en") == "Budi (80000001), 5.2 km; Sari (80000002)"


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(0, 9), min_size=1, max_size=6, unique=True), min_size=1, max_size=4
    ),
    st.integers(1, 6),
    st.integers(1, 4),
)
def test_schedule_properties(assignments: list[list[int]], weeks: int, per_week: int) -> None:
    codes = [f"{K1}.{3000 + i}" for i in range(10)]
    prio = pd.DataFrame(
        {
            "village_code": codes,
            "village_name": codes,
            "kecamatan_code": K1,
            "score": [0.1 * (i % 4) for i in range(10)],
            "uncovered": 100.0,
            "coverage_pct": 10.0,
            "explanation": "",
        }
    )
    officers = pd.DataFrame(
        [
            (f"8000000{k}", f"P{k}", None, "Polsek A", "Polres X", codes[v])
            for k, vs in enumerate(assignments)
            for v in vs
        ],
        columns=["nrp", "name", "rank", "polsek", "polres", "village_code"],
    )
    plan = build_plan(
        prio, officers, weeks=weeks, visits_per_week=per_week, start=START, conversion=FIVE
    )
    s = plan.schedule
    own = set(zip(officers["nrp"], officers["village_code"], strict=True))
    assert set(zip(s["nrp"], s["village_code"], strict=True)) <= own
    assert (s.groupby(["nrp", "week"]).size() <= per_week).all()
    assert not s.duplicated(["nrp", "week", "village_code"]).any()
    summary = plan.summary.set_index("nrp")
    # Remaining capacity is what the plan leaves: capacity - planned - reserved >= 0.
    assert (summary["spare"] >= 0).all()
    assert (
        summary["spare"] == summary["capacity"] - summary["visits_planned"] - summary["reserved"]
    ).all()
    # A village never yields more than its uncovered workers, and repeat visits yield less.
    per_village = s.groupby("village_code")["expected_registrations"]
    assert (per_village.sum() <= 100.0 + 1e-9).all()
    assert per_village.apply(lambda e: bool((e.diff().dropna() <= 1e-12).all())).all()
    for nrp, g in s.groupby("nrp"):
        n_own = (officers["nrp"] == nrp).sum()
        reserved = int(summary.loc[nrp, "reserved"])
        assert len(g) == min(weeks * min(per_week, n_own), weeks * per_week - reserved)
        first_round = g["village_code"].head(n_own).tolist()
        # Every own village once before any revisit, in score order (code on ties).
        ranked = prio[
            prio["village_code"].isin(officers.loc[officers["nrp"] == nrp, "village_code"])
        ]
        expected = ranked.sort_values(["score", "village_code"], ascending=[False, True])[
            "village_code"
        ]
        assert first_round == expected.tolist()[: len(first_round)]
    assert set(plan.unassigned["village_code"]) == set(codes) - set(officers["village_code"])
    spare = plan.summary["spare"] + plan.summary["reserved"]
    assert (spare >= 0).all()
    assert plan.unassigned["proposed_nrp"].notna().sum() == plan.summary["reserved"].sum()


def test_neighbours_of_squares_and_points() -> None:
    import geopandas as gpd
    from shapely.geometry import box

    from analytics.outreach.neighbours import haversine_km, village_neighbours, village_points

    # A 2x2 grid of 0.01-degree squares plus one far away; corners touching count too.
    squares = {
        "99.01.01.2001": box(110.00, -7.00, 110.01, -6.99),
        "99.01.01.2002": box(110.01, -7.00, 110.02, -6.99),
        "99.01.01.2003": box(110.00, -7.01, 110.01, -7.00),
        "99.01.01.2004": box(110.0101, -7.01, 110.02, -7.0001),  # 11 m slivers of gap
        "99.01.01.2005": box(111.00, -7.00, 111.01, -6.99),
    }
    geo = gpd.GeoDataFrame(
        {"village_code": list(squares)}, geometry=list(squares.values()), crs="EPSG:4326"
    )
    pairs = village_neighbours(geo)
    got = set(zip(pairs["village_code"], pairs["neighbour_code"], strict=True))
    grid = ["99.01.01.2001", "99.01.01.2002", "99.01.01.2003", "99.01.01.2004"]
    assert got == {(a, b) for a in grid for b in grid if a != b}
    points = village_points(geo).set_index("village_code")
    inside = gpd.GeoSeries(
        gpd.points_from_xy(points["lon"], points["lat"]), index=geo.index, crs="EPSG:4326"
    )
    assert geo.geometry.contains(inside).all()
    # One degree of longitude at the equator.
    assert haversine_km(0, 0, 1, 0) == pytest.approx(111.195, rel=1e-4)


@pytest.mark.shared
def test_neighbours_on_real_villages(shared_data) -> None:  # type: ignore[no-untyped-def]
    import geopandas as gpd

    from analytics.outreach.neighbours import village_neighbours

    geo = gpd.read_file(shared_data / "diy" / "diy_desa_cahyadsn_kepmendagri2025.geojson")
    geo = geo.rename(columns={"kode": "village_code"})
    pairs = village_neighbours(geo[geo["kode_kab"] == "34.71"])  # Kota Yogyakarta, 45 kelurahan
    assert not (pairs["village_code"] == pairs["neighbour_code"]).any()
    forward = set(zip(pairs["village_code"], pairs["neighbour_code"], strict=True))
    assert forward == {(b, a) for a, b in forward}  # symmetric
    degree = pairs.groupby("village_code").size()
    assert len(degree) == 45 and degree.min() >= 1 and degree.median() >= 4
