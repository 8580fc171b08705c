"""Trends: changes, pace and projection, with hand-computed numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.engine.trends import add_changes, pace_per_month, projected_month
from analytics.settings import UCJ_TARGET_PCT


def monthly(values: list[float | None], start: str = "2023-01-01") -> pd.Series:
    index = pd.date_range(start, periods=len(values), freq="MS")
    return pd.Series([np.nan if v is None else v for v in values], index=index, dtype=float)


def test_add_changes_mom_and_yoy() -> None:
    months = pd.date_range("2023-01-01", periods=14, freq="MS")
    pct = [10.0 + i for i in range(14)]
    frame = pd.DataFrame(
        {
            "level": "desa",
            "area_code": "34.71.01.1001",
            "segment": "ALL",
            "month": months,
            "coverage_pct": pct,
        }
    )
    other = frame.assign(area_code="34.71.01.1002", coverage_pct=[50.0] * 14)
    # Shuffled input: matching is by month, not by row order.
    both = pd.concat([frame, other], ignore_index=True).sample(frac=1.0, random_state=3)
    out = add_changes(both).set_index(["area_code", "month"]).sort_index()
    first = out.loc["34.71.01.1001"]
    assert np.isnan(first["change_mom_pp"].iloc[0])
    assert first["change_mom_pp"].iloc[1:].tolist() == [1.0] * 13
    assert first["change_yoy_pp"].iloc[:12].isna().all()
    assert first["change_yoy_pp"].iloc[12:].tolist() == [12.0, 12.0]
    assert (out.loc["34.71.01.1002", "change_mom_pp"].iloc[1:] == 0).all()
    assert "change_mom_pp" not in both.columns  # the input is not changed


def test_add_changes_with_a_gap_and_empty_coverage() -> None:
    frame = pd.DataFrame(
        {
            "level": "desa",
            "area_code": "34.71.01.1001",
            "segment": "PU",
            "month": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-04-01"]),
            "coverage_pct": [10.0, 12.0, np.nan],
        }
    )
    out = add_changes(frame)
    # March has no February row: its change is empty, not the change since January.
    assert out["change_mom_pp"].isna().tolist() == [True, True, True]
    with pytest.raises(ValueError, match="more than one row"):
        add_changes(pd.concat([frame, frame]))


def test_pace_is_the_least_squares_slope_of_the_last_12_months() -> None:
    # 24 months: flat at 5 for a year, then +0.5 pp a month.
    values = [5.0] * 12 + [5.0 + 0.5 * (i + 1) for i in range(12)]
    assert pace_per_month(monthly(values)) == pytest.approx(0.5)
    # Noise around a line keeps the slope: 1, 3, 2, 4 -> slope 0.8 over x = 0..3.
    assert pace_per_month(monthly([1.0, 3.0, 2.0, 4.0]), window=4) == pytest.approx(0.8)
    # Empty months are skipped; fewer than 3 values give no pace.
    # x = 1, 3, 4; y = 2, 4, 6: sum(dx*dy) = 6, sum(dx^2) = 14/3, slope 9/7.
    assert pace_per_month(monthly([None, 2.0, None, 4.0, 6.0])) == pytest.approx(9 / 7)
    assert pace_per_month(monthly([None, 2.0, 4.0])) is None
    assert pace_per_month(monthly([])) is None


def test_pace_on_gapped_months_uses_month_distance() -> None:
    series = pd.Series(
        [10.0, 12.0, 16.0], index=pd.to_datetime(["2024-01-01", "2024-02-01", "2024-04-01"])
    )
    # x = 0, 1, 3; y = 10, 12, 16: slope = sum(dx*dy)/sum(dx^2) with mean x 4/3, mean y 38/3.
    x = np.array([0.0, 1.0, 3.0])
    y = np.array([10.0, 12.0, 16.0])
    expected = ((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum()
    assert pace_per_month(series) == pytest.approx(expected)
    assert expected == pytest.approx(2.0)


def test_projection_reached_not_reached_flat() -> None:
    june = pd.Timestamp("2025-06-01")
    assert projected_month(june, 101.0, 0.5, 100.0) == june  # already reached
    assert projected_month(june, 40.0, 2.0, 50.0) == pd.Timestamp("2025-11-01")  # 5 months
    assert projected_month(june, 40.0, 3.0, 50.0) == pd.Timestamp("2025-10-01")  # 3.33 -> 4
    assert projected_month(june, 40.0, 0.0, 50.0) is None  # flat
    assert projected_month(june, 40.0, -0.2, 50.0) is None  # falling
    assert projected_month(june, 40.0, None, 50.0) is None  # unknown pace
    assert projected_month(june, 10.0, 0.01, 100.0) is None  # 750 years away
    assert projected_month(june, float("nan"), 1.0, 50.0) is None
    # The UCJ target is a named option: 35.68% at +0.5 pp/month reaches 52.15% in 33 months.
    assert projected_month(june, 35.68, 0.5, UCJ_TARGET_PCT) == pd.Timestamp("2028-03-01")
