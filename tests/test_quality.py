"""Data-quality flags on a hand-made coverage table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.quality import quality_flags, unmatched_share_by_kabupaten
from analytics.store import QUALITY_COLUMNS


def test_flags_over_100_and_missing_denominator() -> None:
    jan, feb = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")
    coverage = pd.DataFrame(
        {
            "level": ["desa", "desa", "desa", "desa", "desa", "kecamatan"],
            "area_code": ["34.71.01.1001"] * 2 + ["34.71.01.1002"] * 3 + ["34.71.01"],
            "month": [jan, feb, jan, jan, jan, jan],
            "segment": ["ALL", "ALL", "ALL", "PU", "JAKON", "ALL"],
            "active": [120, 90, 5, 5, 7, 500],
            "eligible": [100.0, 100.0, np.nan, 0.0, np.nan, 100.0],
            "coverage_pct": [120.0, 90.0, np.nan, np.nan, np.nan, 500.0],
        }
    )
    flags = quality_flags(coverage)
    assert tuple(flags.columns) == QUALITY_COLUMNS
    got = list(
        zip(flags["village_code"], flags["month"], flags["flag"], flags["segment"], strict=True)
    )
    assert got == [
        ("34.71.01.1001", jan, "over_100", "ALL"),
        ("34.71.01.1002", jan, "missing_eligible", "ALL"),
        ("34.71.01.1002", jan, "missing_eligible", "PU"),
    ]  # JAKON has no denominator by design; kecamatan rows are not village flags
    # the numbers behind each flag, worded by the page in the reader's language
    assert flags["active"].tolist() == [120, 5, 5]
    assert flags["eligible"].tolist()[0] == 100.0 and flags["eligible"].isna().tolist() == [
        False,
        True,
        False,
    ]
    assert flags["eligible"].tolist()[2] == 0.0
    assert flags["coverage_pct"].tolist()[0] == 120.0


def test_unmatched_share_by_kabupaten() -> None:
    reconciliation = {
        "by_kabupaten": {
            "34.71": {"matched": 90, "unmatched": 10},
            "34.02": {"matched": 50, "unmatched": 50},
            "34.03": {"matched": 0, "unmatched": 0},
        }
    }
    table = unmatched_share_by_kabupaten(reconciliation)
    assert table["kabupaten_code"].tolist() == ["34.02", "34.71", "34.03"]
    assert table["unmatched_share_pct"].iloc[:2].tolist() == [50.0, 10.0]
    assert np.isnan(table["unmatched_share_pct"].iloc[2])
    assert unmatched_share_by_kabupaten({}).empty
