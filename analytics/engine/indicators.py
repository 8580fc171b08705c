"""Numbers the dashboard shows: areas in view, their ranking, and the KPI cards.

Pure functions over the store's ``coverage.parquet`` frame (see analytics/store/reader.py). They
never modify their inputs. *Uncovered workers* is ``gap`` (eligible minus the active of
villages with a denominator) clipped at zero: an area above 100 % has no uncovered workers,
it has a data-quality problem, flagged separately.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from analytics.codes import code_mask
from analytics.engine.trends import pace_per_month, project

#: Data-quality flags attached to areas in view (the UI translates them).
FLAG_OVER_100: Final = "over_100"
FLAG_NO_ELIGIBLE: Final = "missing_eligible"
FLAG_PARTIAL_ELIGIBLE: Final = "partial_eligible"

VIEW_COLUMNS: Final = (
    "area_code",
    "area_name",
    "active",
    "active_covered",  # the actives of the villages with a denominator: coverage's numerator
    "eligible",
    "coverage_pct",
    "gap",
    "uncovered",
    "change_mom_pp",
    "change_yoy_pp",
    "villages",
    "villages_with_eligible",
    "flags",
)


def _in_area(codes: pd.Series, area_code: str | None) -> pd.Series:
    """Whether each code lies inside ``area_code`` (every code when ``None``)."""
    if not area_code:
        return pd.Series(True, index=codes.index)
    prefix = area_code + "."
    return pd.Series(code_mask(codes, lambda c: c.str.startswith(prefix)), index=codes.index)


def months_available(coverage: pd.DataFrame) -> list[pd.Timestamp]:
    """Months present in the store, oldest first."""
    return sorted(pd.Timestamp(m) for m in coverage["month"].unique())


def area_flags(view: pd.DataFrame) -> pd.Series:
    """Space-separated flag codes per row: over 100 %, no denominator, partial denominator."""
    over = (view["coverage_pct"] > 100).to_numpy()
    none = view["eligible"].isna().to_numpy()
    partial = (~none) & (view["villages_with_eligible"] < view["villages"]).to_numpy()
    flags = [
        " ".join(
            name
            for name, on in ((FLAG_OVER_100, o), (FLAG_NO_ELIGIBLE, n), (FLAG_PARTIAL_ELIGIBLE, p))
            if on
        )
        for o, n, p in zip(over, none, partial, strict=True)
    ]
    return pd.Series(flags, index=view.index, dtype="str")


def areas_in_view(
    coverage: pd.DataFrame, level: str, area_code: str | None, month: pd.Timestamp, segment: str
) -> pd.DataFrame:
    """The areas of ``level`` inside ``area_code`` (all when ``None``) for one month and segment.

    Columns :data:`VIEW_COLUMNS`, ordered by area code.
    """
    # One combined mask, so only the rows in view are copied (millions at village level).
    rows = coverage[
        (coverage["level"] == level)
        & (coverage["month"] == pd.Timestamp(month))
        & (coverage["segment"] == segment)
        & _in_area(coverage["area_code"], area_code)
    ]
    view = rows.assign(uncovered=rows["gap"].clip(lower=0))
    view = view.assign(flags=area_flags(view))
    return view.loc[:, list(VIEW_COLUMNS)].sort_values("area_code", ignore_index=True)


def rank_by_uncovered(view: pd.DataFrame) -> pd.DataFrame:
    """Areas ranked by uncovered workers, largest first; areas without a denominator last.

    Ties are broken by area code so the order is stable. Adds ``rank`` (1-based; empty for
    areas without a denominator).
    """
    ranked = view.sort_values(
        ["uncovered", "area_code"], ascending=[False, True], na_position="last", ignore_index=True
    )
    has_value = ranked["uncovered"].notna()
    rank = pd.Series(np.arange(1, len(ranked) + 1), dtype="Int64").where(has_value, pd.NA)
    return ranked.assign(rank=rank)


@dataclass(frozen=True)
class AreaKpis:
    """The KPI cards for one area, month and segment."""

    area_code: str
    area_name: str
    month: pd.Timestamp
    segment: str
    coverage_pct: float | None
    active: int
    eligible: float | None
    uncovered: float | None
    change_mom_pp: float | None
    change_yoy_pp: float | None
    pace_pp_per_month: float | None
    target_pct: float
    projected_month: pd.Timestamp | None
    villages: int
    villages_with_eligible: int

    @property
    def target_reached(self) -> bool:
        return self.coverage_pct is not None and self.coverage_pct >= self.target_pct


def _opt(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def area_series(coverage: pd.DataFrame, area_code: str, segment: str) -> pd.Series:
    """coverage_pct of one area and segment, indexed by month, oldest first."""
    rows = coverage[(coverage["area_code"] == area_code) & (coverage["segment"] == segment)]
    return rows.set_index("month")["coverage_pct"].sort_index().astype("float64")


def area_kpis(
    coverage: pd.DataFrame,
    area_code: str,
    month: pd.Timestamp,
    segment: str,
    target_pct: float,
) -> AreaKpis:
    """KPI values for ``area_code`` at ``month``; pace from the 12 months up to ``month``.

    Raises ``KeyError`` when the store has no row for the area, month and segment.
    """
    month = pd.Timestamp(month)
    series = area_series(coverage, area_code, segment)
    rows = coverage[
        (coverage["area_code"] == area_code)
        & (coverage["segment"] == segment)
        & (coverage["month"] == month)
    ]
    if rows.empty:
        raise KeyError(f"no coverage for {area_code} {segment} {month:%Y-%m}")
    row = rows.iloc[0]
    pct = _opt(row["coverage_pct"])
    # The same projection as the trend page's (analytics.engine.trends.project), from this month.
    projection = None if pct is None else project(series, target_pct, as_of=month)
    pace = pace_per_month(series[series.index <= month])
    projected = None if projection is None else projection.month
    gap = _opt(row["gap"])
    return AreaKpis(
        area_code=area_code,
        area_name=str(row["area_name"]),
        month=month,
        segment=segment,
        coverage_pct=pct,
        active=int(row["active"]),
        eligible=_opt(row["eligible"]),
        uncovered=None if gap is None else max(gap, 0.0),
        change_mom_pp=_opt(row["change_mom_pp"]),
        change_yoy_pp=_opt(row["change_yoy_pp"]),
        pace_pp_per_month=pace,
        target_pct=target_pct,
        projected_month=projected,
        villages=int(row["villages"]),
        villages_with_eligible=int(row["villages_with_eligible"]),
    )


def sub_area_series(
    coverage: pd.DataFrame, level: str, area_code: str | None, segment: str
) -> pd.DataFrame:
    """coverage_pct over time of the areas of ``level`` inside ``area_code`` (long form)."""
    rows = coverage[(coverage["level"] == level) & (coverage["segment"] == segment)]
    rows = rows[_in_area(rows["area_code"], area_code)]
    return rows.loc[:, ["area_code", "area_name", "month", "coverage_pct"]].sort_values(
        ["area_code", "month"], ignore_index=True
    )
