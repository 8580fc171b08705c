"""The coverage engine: hand-computed counts on tiny fixtures, and properties on random data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.engine.coverage import (
    OUTPUT_SEGMENTS,
    count_memberships,
    coverage_table,
    default_months,
    eligible_by_year,
    eligible_cube,
    month_range,
)
from analytics.schemas import SEGMENTS

VILLAGES = np.array(["34.71.01.1001", "34.71.01.1002", "34.71.02.1001"], dtype=object)
AREAS = pd.DataFrame(
    {
        "level": ["provinsi", "kabupaten", "kecamatan", "kecamatan", "desa", "desa", "desa"],
        "area_code": ["34", "34.71", "34.71.01", "34.71.02", *VILLAGES],
        "area_name": ["DIY", "Kota Yogyakarta", "Mantrijeron", "Kraton", "A", "B", "C"],
        "parent_code": [None, "34", "34.71", "34.71", "34.71.01", "34.71.01", "34.71.02"],
    }
)
MONTHS = month_range(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-04-30"))


def members(rows: list[tuple[str, str, str, str | None]]) -> pd.DataFrame:
    """Memberships from (village, segment, registered_on, ended_on) tuples."""
    return pd.DataFrame(
        {
            "member_id": [f"{i:032x}" for i in range(len(rows))],
            "village_code": [r[0] for r in rows],
            "segment": [r[1] for r in rows],
            "registered_on": pd.to_datetime([r[2] for r in rows]),
            "ended_on": pd.to_datetime([r[3] for r in rows]),
        }
    )


def series(counts: np.ndarray, village: int, segment: str) -> list[int]:
    return counts[village, SEGMENTS.index(segment)].tolist()


def test_month_range_and_default_window() -> None:
    assert list(MONTHS.strftime("%Y-%m")) == ["2024-01", "2024-02", "2024-03", "2024-04"]
    window = default_months(pd.Timestamp("2025-06-17"))
    assert len(window) == 36
    assert window[0] == pd.Timestamp("2022-07-01")
    assert window[-1] == pd.Timestamp("2025-06-01")
    with pytest.raises(ValueError, match="before the start"):
        month_range(pd.Timestamp("2024-05-01"), pd.Timestamp("2024-01-01"))


def test_active_boundaries_by_hand() -> None:
    frame = members(
        [
            ("34.71.01.1001", "PU", "2024-02-29", None),  # registered on the last day of Feb
            ("34.71.01.1001", "PU", "2023-06-01", "2024-03-31"),  # ends on the last day of Mar
            ("34.71.01.1001", "PU", "2023-06-01", "2024-04-01"),  # ends on the first of Apr
            ("34.71.01.1001", "PU", "2024-03-15", "2024-03-20"),  # in and out within March
            ("34.71.01.1001", "PU", "2024-05-01", None),  # after the window
            ("34.71.01.1001", "PU", "2020-01-01", "2022-01-01"),  # gone before the window
            ("34.71.01.1002", "BPU", "2024-01-01", None),
            ("34.71.02.1001", "JAKON", "2023-12-31", "2024-02-10"),
        ]
    )
    counts = count_memberships(frame, VILLAGES, MONTHS)
    # Jan: the two 2023 memberships; Feb: + the Feb 29 one; Mar: the one ending 03-31 is out.
    assert series(counts.active, 0, "PU") == [2, 3, 2, 1]
    assert series(counts.registrations, 0, "PU") == [0, 1, 1, 0]
    assert series(counts.exits, 0, "PU") == [0, 0, 2, 1]
    assert series(counts.active, 1, "BPU") == [1, 1, 1, 1]
    assert series(counts.registrations, 1, "BPU") == [1, 0, 0, 0]
    assert series(counts.active, 2, "JAKON") == [1, 0, 0, 0]
    assert series(counts.exits, 2, "JAKON") == [0, 1, 0, 0]
    assert counts.active[:, SEGMENTS.index("PMI")].sum() == 0


def test_unknown_village_is_a_bug_not_a_silent_drop() -> None:
    frame = members([("34.71.09.9999", "PU", "2024-01-01", None)])
    with pytest.raises(ValueError, match="not in the list"):
        count_memberships(frame, VILLAGES, MONTHS)


def test_categorical_codes_count_like_text() -> None:
    frame = members(
        [("34.71.01.1002", "PU", "2024-01-05", None), ("34.71.02.1001", "PMI", "2024-03-01", None)]
    )
    as_category = frame.astype({"village_code": "category", "segment": "category"})
    plain = count_memberships(frame, VILLAGES, MONTHS)
    categorical = count_memberships(as_category, VILLAGES, MONTHS)
    np.testing.assert_array_equal(plain.active, categorical.active)
    assert series(categorical.active, 2, "PMI") == [0, 0, 1, 1]


def test_eligible_year_fallback_both_directions() -> None:
    workforce = pd.DataFrame(
        {
            "village_code": ["34.71.01.1001", "34.71.01.1001"],
            "year": [2022, 2024],
            "workers": [100, 200],
            "informal_workers": [40, 50],
        }
    )
    chosen = eligible_by_year(workforce, [2021, 2022, 2023, 2024, 2026])
    assert chosen["year"].tolist() == [2021, 2022, 2023, 2024, 2026]
    # 2021: earliest (2022); 2023: latest earlier (2022); 2026: latest earlier (2024).
    assert chosen["source_year"].tolist() == [2022, 2022, 2022, 2024, 2024]
    assert chosen["workers"].tolist() == [100, 100, 100, 200, 200]


def test_eligible_segments() -> None:
    workforce = pd.DataFrame(
        {
            "village_code": ["34.71.01.1001"],
            "year": [2024],
            "workers": [100],
            "informal_workers": [40],
        }
    )
    cube = eligible_cube(workforce, VILLAGES, MONTHS)
    jan = {seg: cube[0, i, 0] for i, seg in enumerate(OUTPUT_SEGMENTS)}
    assert jan["ALL"] == 100
    assert jan["PU"] == 60
    assert jan["BPU"] == 40
    assert np.isnan(jan["JAKON"])
    assert np.isnan(jan["PMI"])
    assert np.isnan(cube[1]).all()  # no workforce row: no denominator


def _table(frame: pd.DataFrame, workforce: pd.DataFrame) -> pd.DataFrame:
    counts = count_memberships(frame, VILLAGES, MONTHS)
    return coverage_table(counts, eligible_cube(workforce, VILLAGES, MONTHS), AREAS)


def test_rollup_with_a_village_lacking_a_denominator() -> None:
    rows = [("34.71.01.1001", "PU", "2023-01-01", None)] * 30
    rows += [("34.71.01.1002", "BPU", "2023-01-01", None)] * 10
    rows += [("34.71.02.1001", "PU", "2023-01-01", None)] * 5
    workforce = pd.DataFrame(
        {
            "village_code": ["34.71.01.1001", "34.71.01.1002"],
            "year": [2024, 2024],
            "workers": [100, 50],
            "informal_workers": [20, 50],
        }
    )
    table = _table(members(rows), workforce).set_index(["level", "area_code", "segment", "month"])
    jan = pd.Timestamp("2024-01-01")
    kab = table.loc[("kabupaten", "34.71", "ALL", jan)]
    assert kab["active"] == 45
    assert kab["active_covered"] == 40  # the village without a denominator is left out
    assert kab["eligible"] == 150
    assert kab["coverage_pct"] == pytest.approx(100 * 40 / 150)
    assert kab["gap"] == 110
    assert (kab["villages"], kab["villages_with_eligible"]) == (3, 2)
    kec = table.loc[("kecamatan", "34.71.02", "ALL", jan)]
    assert kec["active"] == 5
    assert np.isnan(kec["eligible"])
    assert np.isnan(kec["coverage_pct"])
    assert kec["villages_with_eligible"] == 0
    pu = table.loc[("kecamatan", "34.71.01", "PU", jan)]
    assert (pu["active"], pu["eligible"]) == (30, 80)  # PU eligible 80 + 0
    assert pu["coverage_pct"] == pytest.approx(37.5)
    bpu_b = table.loc[("desa", "34.71.01.1002", "BPU", jan)]
    assert bpu_b["coverage_pct"] == pytest.approx(20.0)
    pu_b = table.loc[("desa", "34.71.01.1002", "PU", jan)]
    assert pu_b["eligible"] == 0
    assert np.isnan(pu_b["coverage_pct"])  # zero denominator: no percentage
    assert table.loc[("desa", "34.71.01.1001", "JAKON", jan), "villages_with_eligible"] == 0
    assert table.loc[("provinsi", "34", "ALL", jan), "area_name"] == "DIY"
    assert table.loc[("desa", "34.71.01.1001", "ALL", jan), "parent_code"] == "34.71.01"


def test_every_area_month_segment_is_present_and_over_100_flagged() -> None:
    rows = [("34.71.01.1001", "PU", "2023-01-01", None)] * 3
    workforce = pd.DataFrame(
        {"village_code": ["34.71.01.1001"], "year": [2024], "workers": [2], "informal_workers": [0]}
    )
    table = _table(members(rows), workforce)
    assert len(table) == (1 + 1 + 2 + 3) * len(OUTPUT_SEGMENTS) * len(MONTHS)
    village = table[(table["area_code"] == "34.71.01.1001") & (table["segment"] == "ALL")]
    assert village["coverage_pct"].tolist() == [150.0] * 4
    assert village["over_100"].all()
    assert village["gap"].tolist() == [-1.0] * 4
    empty = table[table["area_code"] == "34.71.02.1001"]
    assert (empty["active"] == 0).all()


MEMBERSHIP = st.tuples(
    st.integers(0, len(VILLAGES) - 1),
    st.sampled_from(SEGMENTS),
    st.integers(0, 3 * 365),  # registered: days after 2022-06-01
    st.one_of(st.none(), st.integers(0, 700)),  # days until the end, or no end
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MEMBERSHIP, max_size=60))
def test_cumsum_counting_equals_brute_force(drawn: list[tuple[int, str, int, int | None]]) -> None:
    base = pd.Timestamp("2022-06-01")
    rows = [
        (
            str(VILLAGES[v]),
            seg,
            str((base + pd.Timedelta(days=r)).date()),
            None if e is None else str((base + pd.Timedelta(days=r + e)).date()),
        )
        for v, seg, r, e in drawn
    ]
    frame = members(rows)
    months = month_range(pd.Timestamp("2023-01-01"), pd.Timestamp("2024-06-01"))
    counts = count_memberships(frame, VILLAGES, months)
    village = np.searchsorted(VILLAGES, frame["village_code"].to_numpy())
    segment = np.array([SEGMENTS.index(s) for s in frame["segment"]], dtype=int)
    registered = frame["registered_on"].to_numpy()
    ended = frame["ended_on"].to_numpy()
    for m_i, month in enumerate(months):
        last_day = (month + pd.offsets.MonthEnd(0)).to_datetime64()
        # The rule, literally: registered <= last day and (no end or end > last day).
        active = (registered <= last_day) & (np.isnat(ended) | (ended > last_day))
        new = frame["registered_on"].dt.to_period("M").eq(month.to_period("M")).to_numpy()
        gone = frame["ended_on"].dt.to_period("M").eq(month.to_period("M")).to_numpy()
        for name, mask in (("active", active), ("registrations", new), ("exits", gone)):
            expected = np.zeros((len(VILLAGES), len(SEGMENTS)), dtype=int)
            np.add.at(expected, (village[mask], segment[mask]), 1)
            np.testing.assert_array_equal(getattr(counts, name)[:, :, m_i], expected, name)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MEMBERSHIP, max_size=40))
def test_rollups_sum_village_actives(drawn: list[tuple[int, str, int, int | None]]) -> None:
    base = pd.Timestamp("2022-06-01")
    rows = [
        (
            str(VILLAGES[v]),
            seg,
            str((base + pd.Timedelta(days=r)).date()),
            None if e is None else str((base + pd.Timedelta(days=r + e)).date()),
        )
        for v, seg, r, e in drawn
    ]
    workforce = pd.DataFrame(
        {"village_code": ["34.71.01.1002"], "year": [2024], "workers": [9], "informal_workers": [4]}
    )
    table = _table(members(rows), workforce)
    villages = table[table["level"] == "desa"]
    for level, length in (("kecamatan", 8), ("kabupaten", 5), ("provinsi", 2)):
        summed = (
            villages.assign(parent=villages["area_code"].str.slice(0, length))
            .groupby(["parent", "month", "segment"])[["active", "registrations", "exits"]]
            .sum()
        )
        higher = table[table["level"] == level].set_index(["area_code", "month", "segment"])
        higher.index = higher.index.set_names(["parent", "month", "segment"])
        pd.testing.assert_frame_equal(
            summed.sort_index(),
            higher[["active", "registrations", "exits"]].sort_index(),
            check_dtype=False,
        )
    all_segments = villages[villages["segment"] == "ALL"].set_index(["area_code", "month"])
    each = villages[villages["segment"] != "ALL"].groupby(["area_code", "month"])["active"].sum()
    assert (all_segments["active"] == each.reindex(all_segments.index)).all()
