"""Indicators on the hand-made store (numbers computed by hand in tests/store_factory.py)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from store_factory import coverage_frame

from analytics.engine.indicators import (
    area_kpis,
    areas_in_view,
    months_available,
    rank_by_uncovered,
    sub_area_series,
)

DEC = pd.Timestamp("2024-12-01")


@pytest.fixture(scope="module")
def cov() -> pd.DataFrame:
    return coverage_frame()


def test_villages_in_province_ranked_by_uncovered_informal_workers(cov: pd.DataFrame) -> None:
    view = areas_in_view(cov, "desa", "99", DEC, "BPU")
    ranked = rank_by_uncovered(view)
    # gaps: 2001 -> 1000-146 = 854, 2002(99.01.02) -> 800-10 = 790, 2002 -> 500-73 = 427,
    # Empat -> 400-223 = 177, Lima over 100 % -> 0, Enam has no denominator -> last
    assert ranked["area_name"].tolist() == [
        "Desa Satu",
        "Desa Tiga",
        "Desa Dua",
        "Desa Empat",
        "Kelurahan Lima",
        "Kelurahan Enam",
    ]
    assert ranked["uncovered"].tolist()[:5] == [854, 790, 427, 177, 0]
    assert ranked["rank"].tolist()[:5] == [1, 2, 3, 4, 5] and ranked["rank"].isna().iloc[-1]
    flags = dict(zip(ranked["area_name"], ranked["flags"], strict=True))
    assert flags["Kelurahan Lima"] == "over_100"
    assert flags["Kelurahan Enam"] == "missing_eligible"
    assert flags["Desa Satu"] == ""


def test_view_inside_a_kabupaten_only_holds_its_areas(cov: pd.DataFrame) -> None:
    view = areas_in_view(cov, "desa", "99.01", DEC, "BPU")
    assert view["area_code"].tolist() == [
        "99.01.01.2001",
        "99.01.01.2002",
        "99.01.02.2001",
        "99.01.02.2002",
    ]
    kec = areas_in_view(cov, "kecamatan", "99.02", DEC, "BPU")
    # one village lacks a denominator: partial, coverage from the other village only
    assert kec["flags"].tolist() == ["over_100 partial_eligible"]


def test_kabupaten_kpis(cov: pd.DataFrame) -> None:
    k = area_kpis(cov, "99.01", DEC, "BPU", target_pct=20.0)
    # active = 146 + 73 + 10 + 223 = 452; eligible = 1000 + 500 + 800 + 400 = 2700
    assert k.active == 452 and k.eligible == 2700
    assert k.coverage_pct == pytest.approx(100 * 452 / 2700)
    assert k.uncovered == 2248
    # each month adds 2 + 1 + 0 + 1 = 4 workers: +4/2700*100 pp per month
    assert k.change_mom_pp == pytest.approx(400 / 2700)
    assert k.change_yoy_pp == pytest.approx(12 * 400 / 2700)
    assert k.pace_pp_per_month == pytest.approx(400 / 2700)
    # 16.74 % -> 20 % at 0.148 pp/month: ceil((20 - 16.7407) / 0.148148) = 22 months
    assert k.projected_month == pd.Timestamp("2026-10-01")
    assert not k.target_reached


def test_kpis_of_an_area_over_100_and_partial_denominator(cov: pd.DataFrame) -> None:
    k = area_kpis(cov, "99.02", DEC, "BPU", target_pct=100.0)
    assert k.active == 150  # both villages
    assert k.coverage_pct == pytest.approx(120.0)  # 120 / 100: only the village with eligible
    assert k.uncovered == 0
    assert (k.villages, k.villages_with_eligible) == (2, 1)
    assert k.projected_month == DEC and k.target_reached


def test_kpis_without_denominator(cov: pd.DataFrame) -> None:
    k = area_kpis(cov, "99.02.01.1002", DEC, "BPU", target_pct=100.0)
    assert k.coverage_pct is None and k.eligible is None and k.uncovered is None
    assert k.projected_month is None


def test_kpis_of_first_month_have_no_change(cov: pd.DataFrame) -> None:
    k = area_kpis(cov, "99.01", pd.Timestamp("2023-01-01"), "BPU", target_pct=100.0)
    assert k.change_mom_pp is None and k.change_yoy_pp is None and k.pace_pp_per_month is None


def test_missing_row_is_a_key_error(cov: pd.DataFrame) -> None:
    with pytest.raises(KeyError):
        area_kpis(cov, "99.01", pd.Timestamp("2030-01-01"), "BPU", target_pct=100.0)


def test_months_and_series(cov: pd.DataFrame) -> None:
    months = months_available(cov)
    assert len(months) == 24 and months[0] == pd.Timestamp("2023-01-01")
    series = sub_area_series(cov, "kabupaten", "99", "BPU")
    assert series["area_code"].unique().tolist() == ["99.01", "99.02"]
    first = series.iloc[0]
    assert math.isclose(first["coverage_pct"], 100 * 360 / 2700)


def test_inputs_are_not_modified(cov: pd.DataFrame) -> None:
    before = cov.copy()
    rank_by_uncovered(areas_in_view(cov, "desa", None, DEC, "ALL"))
    pd.testing.assert_frame_equal(cov, before)
