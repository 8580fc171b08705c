"""Trends: month-on-month and year-on-year change, pace and projected month to a target.

* **Change** (``change_mom_pp``, ``change_yoy_pp``): coverage minus the coverage of the month
  before / of the same month a year earlier, in percentage points; empty when either is.
* **Pace**: the least-squares slope of coverage over the last 12 months (percentage points
  per month). A slope uses every month of the window, so one unusual month moves it less
  than the two-point difference (latest - 12 months earlier) / 12 would.
* **Projection**: the first month at which the latest coverage plus pace x months reaches
  the target; ``None`` ("not reached at this pace") when the pace is flat, falling or
  unknown, or when the month is more than :data:`MAX_PROJECTION_MONTHS` away.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

#: Fewest months with a coverage figure in the window for a pace to be computed.
MIN_PACE_POINTS: Final = 3
#: Projections further away than this (50 years) are reported as not reached.
MAX_PROJECTION_MONTHS: Final = 600
_KEYS: Final = ("level", "area_code", "segment")


def _month_number(months: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    index = pd.DatetimeIndex(months)
    return (index.year * 12 + index.month - 1).to_numpy(dtype=np.int64)


def add_changes(coverage: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``coverage`` with ``change_mom_pp`` and ``change_yoy_pp`` added.

    Rows are matched to the row of the same ``level``, ``area_code`` and ``segment`` one and
    twelve months earlier (by month, not by position, so a missing month gives an empty
    change rather than a wrong one). Raises ``ValueError`` on duplicate rows.
    """
    if coverage.empty:
        return coverage.assign(
            change_mom_pp=pd.Series(dtype=float), change_yoy_pp=pd.Series(dtype=float)
        )
    keys = [k for k in _KEYS if k in coverage.columns]
    group = coverage.groupby(keys, sort=False, observed=True).ngroup().to_numpy(dtype=np.int64)
    month = _month_number(coverage["month"])
    span = int(month.max() - month.min()) + 13
    key = group * span + (month - month.min() + 12)
    pct = pd.Series(coverage["coverage_pct"].to_numpy(dtype=float), index=key)
    if not pct.index.is_unique:
        raise ValueError("coverage has more than one row per area, segment and month")
    current = pct.to_numpy()
    mom = current - pct.reindex(key - 1).to_numpy()
    yoy = current - pct.reindex(key - 12).to_numpy()
    return coverage.assign(change_mom_pp=mom, change_yoy_pp=yoy)


def pace_per_month(series: pd.Series, window: int = 12) -> float | None:
    """Least-squares slope (pp per month) of coverage over the last ``window`` months.

    ``series`` holds coverage_pct indexed by month (Timestamp), sorted. The window is the
    latest month and the ``window - 1`` months before it; empty values are skipped. ``None``
    when fewer than :data:`MIN_PACE_POINTS` months have a value.
    """
    values = series.dropna()
    if values.empty:
        return None
    month = _month_number(pd.DatetimeIndex(values.index))
    in_window = month > month.max() - window
    if int(in_window.sum()) < MIN_PACE_POINTS:
        return None
    x = month[in_window].astype(float)
    y = values.to_numpy(dtype=float)[in_window]
    x_centred = x - x.mean()
    slope = float((x_centred * (y - y.mean())).sum() / (x_centred**2).sum())
    return slope


def projected_month(
    latest_month: pd.Timestamp, latest_pct: float, pace: float | None, target_pct: float
) -> pd.Timestamp | None:
    """The month coverage reaches ``target_pct`` at ``pace`` pp/month from ``latest_pct``.

    ``latest_month`` when the target is already reached; ``None`` when it is not reached at
    this pace (pace unknown, flat or falling, or more than 50 years away) or when the latest
    coverage itself is unknown.
    """
    if latest_pct is None or not math.isfinite(latest_pct):
        return None
    if latest_pct >= target_pct:
        return pd.Timestamp(latest_month)
    if pace is None or not math.isfinite(pace) or pace <= 0:
        return None
    months = math.ceil((target_pct - latest_pct) / pace - 1e-9)
    if months > MAX_PROJECTION_MONTHS:
        return None
    return pd.Timestamp(latest_month).to_period("M").to_timestamp() + pd.DateOffset(months=months)


@dataclass(frozen=True)
class Projection:
    """Where one coverage series is heading: what the map's KPI card and the trend page
    both say ("reached", the projected month, or "not at the current pace")."""

    latest_month: pd.Timestamp
    latest_pct: float
    pace: float | None  # pp per month over the last 12 months; None when unknown
    target_pct: float
    month: pd.Timestamp | None  # the month the target is reached; None: not at this pace

    @property
    def reached(self) -> bool:
        """The target is reached already (in the latest month)."""
        return self.latest_pct >= self.target_pct

    @property
    def months_ahead(self) -> int | None:
        """Months from the latest month to :attr:`month`; ``None`` when not reached."""
        if self.month is None:
            return None
        stamps = pd.DatetimeIndex([self.month, self.latest_month])
        ahead, latest = _month_number(stamps)
        return int(ahead - latest)


def project(
    series: pd.Series, target_pct: float, as_of: pd.Timestamp | None = None
) -> Projection | None:
    """The projection of ``series`` (coverage_pct by month) to ``target_pct`` from its latest
    month with a value up to ``as_of`` (all months when ``None``): the 12-month pace
    (:func:`pace_per_month`) and the month of reaching the target
    (:func:`projected_month`). ``None`` when no month up to ``as_of`` has a value."""
    values = series.dropna()
    if as_of is not None:
        values = values[pd.DatetimeIndex(values.index) <= pd.Timestamp(as_of)]
    if values.empty:
        return None
    latest_month, latest = pd.Timestamp(values.index[-1]), float(values.iloc[-1])
    pace = pace_per_month(values)
    return Projection(
        latest_month=latest_month,
        latest_pct=latest,
        pace=pace,
        target_pct=float(target_pct),
        month=projected_month(latest_month, latest, pace, target_pct),
    )


def combined_coverage(rows: pd.DataFrame, area_code: str = "") -> pd.DataFrame:
    """Coverage of several areas together, per segment and month, as one area ``area_code``.

    ``rows`` are coverage rows of areas that do not overlap (e.g. every province of the
    store, or a branch's kabupaten). As at every level, the numerator is the actives of
    villages with a denominator (``active_covered``) and the denominator the sum of the
    known ``eligible``; coverage is empty when no area has a denominator. Columns
    ``area_code``, ``segment``, ``month``, ``active``, ``active_covered``, ``eligible``,
    ``coverage_pct``, ordered by segment and month.
    """
    sums = (
        rows.astype({"segment": "str"})
        .groupby(["segment", "month"], sort=True)
        .agg(
            active=("active", "sum"),
            active_covered=("active_covered", "sum"),
            eligible=("eligible", lambda s: s.sum(min_count=1)),
        )
        .reset_index()
    )
    eligible = sums["eligible"].astype("float64")
    pct = (100.0 * sums["active_covered"] / eligible.where(eligible > 0)).astype("float64")
    return sums.assign(eligible=eligible, coverage_pct=pct).assign(area_code=area_code)[
        ["area_code", "segment", "month", "active", "active_covered", "eligible", "coverage_pct"]
    ]


def lowest_latest(sub: pd.DataFrame, n: int) -> tuple[pd.DataFrame, int]:
    """The rows of the ``n`` areas with the lowest coverage in the latest month, and how
    many areas ``sub`` holds.

    ``sub`` is long form (``area_code``, ``month``, ``coverage_pct``, ...). The areas come
    lowest first (ties by code); areas without a value in the latest month come last, so
    areas that can be ranked are never pushed out by ones that cannot. With ``n`` or fewer
    areas every area is kept, in the order of ``sub``.
    """
    codes = sub["area_code"].astype("str")
    total = int(codes.nunique())
    if total <= n:
        return sub, total
    latest = sub.loc[sub["month"] == sub["month"].max(), ["area_code", "coverage_pct"]]
    order = (
        pd.DataFrame({"area_code": codes.unique()})
        .merge(
            latest.astype({"area_code": "str"}),
            on="area_code",
            how="left",
            validate="one_to_one",
        )
        .sort_values(["coverage_pct", "area_code"], na_position="last", ignore_index=True)
    )
    chosen = order["area_code"].head(n).tolist()
    rank = {code: i for i, code in enumerate(chosen)}
    picked = sub.loc[codes.isin(rank)]
    position = picked["area_code"].astype("str").map(rank)
    out = picked.assign(_rank=position.to_numpy()).sort_values(["_rank", "month"], kind="stable")
    return out.drop(columns="_rank").reset_index(drop=True), total
