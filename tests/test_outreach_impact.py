"""Impact of outreach: difference in differences on tiny and synthetic weekly data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.outreach.impact import event_impact

MONDAY = pd.Timestamp("2024-01-01")  # a Monday


def weekly_frame(matrix: dict[str, list[float]]) -> pd.DataFrame:
    rows = [
        {
            "village_code": code,
            "segment": "BPU",
            "week": MONDAY + pd.Timedelta(weeks=i),
            "registrations": r,
        }
        for code, regs in matrix.items()
        for i, r in enumerate(regs)
        if r
    ]
    other = [
        {"village_code": c, "segment": "PU", "week": MONDAY, "registrations": 99} for c in matrix
    ]
    return pd.DataFrame(rows + other)


def test_hand_computed_single_event() -> None:
    k = "99.01.01"
    # Weeks 0..4; event in week 2 (a Wednesday); window 2 weeks: before = weeks 0-1, after = 3-4.
    weekly = weekly_frame(
        {
            f"{k}.2001": [1, 3, 50, 6, 8],  # treated: before 2, after 7 -> +5
            f"{k}.2002": [2, 2, 0, 3, 3],  # control: +1
            f"{k}.2003": [0, 0, 0, 3, 1],  # control: +2
            f"{k}.2004": [9, 9, 9, 9, 9],  # control but far in coverage: not chosen
        }
    )
    villages = pd.DataFrame(
        {
            "village_code": [f"{k}.200{i}" for i in range(1, 5)],
            "coverage_pct": [10.0, 12.0, 9.0, 80.0],
        }
    )
    events = pd.DataFrame(
        {
            "event_date": [MONDAY + pd.Timedelta(days=16)],
            "village_code": [f"{k}.2001"],
            "nrp": ["80000001"],
            "attendees": [40],
            "registrations": [12],
        }
    )
    officers = pd.DataFrame(
        {
            "nrp": ["80000001"],
            "name": ["Budi"],
            "polsek": ["Polsek A"],
            "village_code": [f"{k}.2001"],
        }
    )
    result = event_impact(
        weekly, events, villages, window_weeks=2, officers=officers, max_controls=2
    )
    e = result.per_event.iloc[0]
    assert bool(e["used"]) and e["control_codes"] == f"{k}.2003,{k}.2002"
    assert (e["before_mean"], e["after_mean"], e["control_change"]) == (2.0, 7.0, 1.5)
    assert e["did"] == pytest.approx(3.5)
    assert e["se"] == pytest.approx(np.std([1.0, 2.0], ddof=1) * np.sqrt(1.5))
    assert e["registrations_on_day"] == 12
    overall = result.overall.iloc[0]
    assert (overall["n_events"], overall["did"], bool(overall["small_sample"])) == (1, 3.5, True)
    assert np.isnan(overall["se"])  # one village: no interval, and flagged
    assert result.per_polsek["polsek"].tolist() == ["Polsek A"]
    assert result.per_officer[["nrp", "name"]].iloc[0].tolist() == ["80000001", "Budi"]


def test_excluded_events_keep_their_reason() -> None:
    k = "99.01.01"
    weekly = weekly_frame({f"{k}.2001": [1] * 10, f"{k}.2002": [1] * 10, "99.02.01.2001": [1] * 10})
    villages = pd.DataFrame({"village_code": [f"{k}.2001", f"{k}.2002", "99.02.01.2001"]})
    events = pd.DataFrame(
        {
            "event_date": pd.to_datetime(["2024-01-01", "2024-02-05", "2024-02-12", "2024-02-05"]),
            "village_code": [f"{k}.2001", f"{k}.2002", f"{k}.2002", "99.02.01.2001"],
            "nrp": ["80000001"] * 4,
            "attendees": [1] * 4,
            "registrations": [0] * 4,
        }
    )
    result = event_impact(weekly, events, villages, window_weeks=2)
    reasons = result.per_event.set_index(["village_code", "event_date"])["reason"]
    assert reasons[(f"{k}.2001", pd.Timestamp("2024-01-01"))] == "window_outside_data"
    assert reasons[(f"{k}.2002", pd.Timestamp("2024-02-05"))] == "overlapping_event"
    assert reasons[("99.02.01.2001", pd.Timestamp("2024-02-05"))] == "no_controls"
    assert not result.per_event["used"].any()
    assert result.overall["n_events"].iloc[0] == 0
    assert result.per_polsek["polsek"].tolist() == []


def synthetic(
    effect: float, seed: int, window: int = 4
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """30 villages in 3 kecamatan, 60 weeks of Poisson registrations; 12 events in 12 villages."""
    rng = np.random.default_rng(seed)
    codes = [f"99.01.0{1 + i // 10}.{2001 + i}" for i in range(30)]
    rate = rng.uniform(2, 5, size=30)
    counts = rng.poisson(rate, size=(60, 30)).astype(float)
    treated = [i for i in range(30) if i % 10 < 4]  # 4 per kecamatan
    event_weeks = {i: 8 + 4 * j for j, i in enumerate(treated)}  # staggered, weeks 8..52
    for i, w0 in event_weeks.items():
        counts[w0 + 1 : w0 + 1 + window, i] += rng.poisson(effect, size=window) if effect else 0
    weekly = pd.DataFrame(
        [
            {
                "village_code": c,
                "week": MONDAY + pd.Timedelta(weeks=w),
                "registrations": counts[w, i],
            }
            for w in range(60)
            for i, c in enumerate(codes)
        ]
    )
    events = pd.DataFrame(
        {
            "event_date": [MONDAY + pd.Timedelta(weeks=w, days=2) for w in event_weeks.values()],
            "village_code": [codes[i] for i in event_weeks],
            "nrp": [f"8000000{i % 3}" for i in event_weeks],
            "attendees": 30,
            "registrations": 4,
        }
    )
    villages = pd.DataFrame({"village_code": codes, "coverage_pct": rate * 10})
    return weekly, events, villages


def test_planted_effect_is_recovered_within_its_interval() -> None:
    result = event_impact(*synthetic(effect=3.0, seed=11), window_weeks=4)
    overall = result.overall.iloc[0]
    assert overall["n_events"] == 12 and overall["n_villages"] == 12
    assert overall["ci_low"] <= 3.0 <= overall["ci_high"]
    assert overall["ci_low"] > 0  # clearly detected
    assert not overall["small_sample"]
    assert result.per_event["used"].all()


def test_no_effect_interval_covers_zero() -> None:
    result = event_impact(*synthetic(effect=0.0, seed=5), window_weeks=4)
    overall = result.overall.iloc[0]
    assert overall["ci_low"] <= 0 <= overall["ci_high"]
    assert abs(overall["did"]) < 1.5


def test_interval_coverage_over_seeds() -> None:
    """Across 20 independent data sets, the 95% interval covers the planted value mostly."""
    covered = 0
    for seed in range(20):
        o = event_impact(*synthetic(effect=2.0, seed=100 + seed), window_weeks=4).overall.iloc[0]
        covered += o["ci_low"] <= 2.0 <= o["ci_high"]
    assert covered >= 16
