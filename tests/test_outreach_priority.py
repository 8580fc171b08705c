"""Priority scores, hand-computed on four villages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.outreach.priority import PRIORITY_COLUMNS, PriorityWeights, village_priority

KEC = "99.01.01"


def coverage_rows(rows: list[tuple[str, str, str, int, float | None]]) -> pd.DataFrame:
    """(code, name, month, active, eligible) -> coverage.parquet-like village rows."""
    out = []
    for code, name, month, active, eligible in rows:
        pct = None if not eligible else active / eligible * 100
        out.append(
            {
                "level": "desa",
                "area_code": code,
                "area_name": name,
                "parent_code": KEC,
                "month": pd.Timestamp(month),
                "segment": "BPU",
                "active": active,
                "eligible": eligible,
                "coverage_pct": pct,
                "gap": None if eligible is None else eligible - active,
            }
        )
    return pd.DataFrame(out)


@pytest.fixture
def four_villages() -> pd.DataFrame:
    rows = [
        (f"{KEC}.2001", "Alpha", "2024-01-01", 100, 1000.0),
        (f"{KEC}.2001", "Alpha", "2025-01-01", 200, 1000.0),
        (f"{KEC}.2002", "Beta", "2024-01-01", 100, 500.0),
        (f"{KEC}.2002", "Beta", "2025-01-01", 100, 500.0),
        (f"{KEC}.2003", "Gamma", "2024-01-01", 100, 200.0),
        (f"{KEC}.2003", "Gamma", "2025-01-01", 180, 200.0),
        (f"{KEC}.2004", "Delta", "2025-01-01", 50, None),
    ]
    cov = coverage_rows(rows)
    # Rows of other segments and levels must be ignored.
    other = cov.assign(segment="PU", active=0)
    return pd.concat([cov, other], ignore_index=True)


@pytest.fixture
def events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event_date": pd.to_datetime(["2024-10-15", "2025-01-15", "2025-03-01"]),
            "village_code": [f"{KEC}.2002", f"{KEC}.2003", f"{KEC}.2001"],
            "nrp": ["80010001"] * 3,
            "attendees": [30, 20, 10],
            "registrations": [5, 2, 1],
        }
    )


def test_hand_computed_scores(four_villages: pd.DataFrame, events: pd.DataFrame) -> None:
    result = village_priority(
        four_villages, events, pd.Timestamp("2025-01-15"), PriorityWeights()
    ).set_index("village_code")
    assert list(result.columns) == [c for c in PRIORITY_COLUMNS if c != "village_code"]
    a, b, g, d = (result.loc[f"{KEC}.{n}"] for n in ("2001", "2002", "2003", "2004"))
    # Alpha: gap 800/800, coverage 1-0.2, 8 years to close -> 0.8, never visited (the
    # 2025-03 event is after as_of) -> 1.
    assert (a["uncovered"], a["net_growth_12m"], a["years_to_close"]) == (800, 100, 8)
    assert a[["gap_norm", "coverage_norm", "pace_norm", "recency_norm"]].tolist() == pytest.approx(
        [1.0, 0.8, 0.8, 1.0]
    )
    assert a["score"] == pytest.approx(0.5 + 0.16 + 0.12 + 0.15)
    # Beta: 400/800; no growth -> pace 1; last visit 92 days ago.
    recency_b = 92 / 30.4375 / 12
    assert b["pace_norm"] == 1.0 and np.isnan(b["years_to_close"])
    assert b["recency_norm"] == pytest.approx(recency_b)
    assert b["score"] == pytest.approx(0.25 + 0.16 + 0.15 + 0.15 * recency_b)
    # Gamma: 20/800; 90% covered; 0.25 years -> 0.025; visited on as_of.
    assert g["score"] == pytest.approx(0.5 * 0.025 + 0.2 * 0.1 + 0.15 * 0.025 + 0.0)
    # Delta: no denominator and one month of history -> neutral 0.5 on three factors.
    assert d["score"] == pytest.approx(0.5 * 0.5 + 0.2 * 0.5 + 0.15 * 0.5 + 0.15)
    assert result["rank"].to_dict() == {
        f"{KEC}.2001": 1,
        f"{KEC}.2002": 2,
        f"{KEC}.2004": 3,
        f"{KEC}.2003": 4,
    }
    assert a["explanation"] == (
        "Skor 93,0: 800 pekerja informal belum terlindungi; cakupan BPU 20,0%"
    )
    assert "tidak diketahui" in d["explanation"]
    assert "belum pernah ada sosialisasi" in d["explanation"]


def test_weights_change_the_order(four_villages: pd.DataFrame, events: pd.DataFrame) -> None:
    only_recency = PriorityWeights(gap=0, coverage=0, pace=0, recency=2)
    assert only_recency.as_dict() == {"gap": 0, "coverage": 0, "pace": 0, "recency": 1}
    result = village_priority(four_villages, events, pd.Timestamp("2025-01-15"), only_recency)
    # Alpha and Delta were never visited (score 1, tie broken by code), then Beta, Gamma.
    assert result["village_code"].str.slice(-4).tolist() == ["2001", "2004", "2002", "2003"]


@pytest.mark.parametrize(
    "weights", [{"gap": -1.0}, {"gap": 0, "coverage": 0, "pace": 0, "recency": 0}, {"pace": np.nan}]
)
def test_invalid_weights_are_refused(weights: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="weight"):
        PriorityWeights(**weights)


def test_ties_are_broken_by_village_code() -> None:
    cov = coverage_rows(
        [(f"{KEC}.{n}", n, "2025-01-01", 10, 100.0) for n in ("2009", "2003", "2005")]
    )
    result = village_priority(cov, pd.DataFrame(), pd.Timestamp("2025-02-01"), PriorityWeights())
    assert result["village_code"].tolist() == [f"{KEC}.2003", f"{KEC}.2005", f"{KEC}.2009"]
    assert result["rank"].tolist() == [1, 2, 3]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5000), st.integers(0, 5000), st.integers(0, 5000)),
        min_size=1,
        max_size=8,
    ),
    st.lists(st.floats(0, 5), min_size=4, max_size=4).filter(lambda w: sum(w) > 0),
)
def test_scores_are_bounded_and_ranks_complete(
    villages: list[tuple[int, int, int]], weights: list[float]
) -> None:
    rows = []
    for i, (past, now, eligible) in enumerate(villages):
        code = f"{KEC}.{2001 + i}"
        rows += [
            (code, "x", "2024-01-01", past, float(eligible)),
            (code, "x", "2025-01-01", now, float(eligible)),
        ]
    cov = coverage_rows(rows).assign(coverage_pct=lambda d: d["active"] / d["eligible"] * 100)
    result = village_priority(
        cov, pd.DataFrame(), pd.Timestamp("2025-01-31"), PriorityWeights(*weights)
    )
    assert len(result) == len(villages)
    assert result["score"].between(0, 1).all()
    for f in ("gap", "coverage", "pace", "recency"):
        assert result[f"{f}_norm"].between(0, 1).all()
    assert sorted(result["rank"]) == list(range(1, len(villages) + 1))
    assert result["score"].is_monotonic_decreasing
