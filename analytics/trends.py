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
