"""Trend page figures from the store: the area (and a comparison), target, projection."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics.codes import child_level, level_of
from analytics.indicators import area_series, sub_area_series
from analytics.trends import pace_per_month, projected_month
from layouts.figures import small_multiples, trend_figure
from layouts.i18n import fmt_target, t

#: Longest projection drawn (months after the latest month).
PROJECTION_HORIZON = 36


def projection_line(
    series: pd.Series, target_pct: float, horizon: int = PROJECTION_HORIZON
) -> tuple[list[pd.Timestamp], list[float]]:
    """Months and values of the straight line at the 12-month pace from the latest value,
    up to the projected month (or ``horizon`` months); empty when there is no pace."""
    values = series.dropna()
    if values.empty:
        return [], []
    pace = pace_per_month(values)
    latest_month, latest = pd.Timestamp(values.index[-1]), float(values.iloc[-1])
    if pace is None or latest >= target_pct:
        return [], []
    reached = projected_month(latest_month, latest, pace, target_pct)
    months_ahead = horizon
    if reached is not None:
        months_ahead = min(
            horizon, (reached.year - latest_month.year) * 12 + reached.month - latest_month.month
        )
    months = [latest_month + pd.DateOffset(months=m) for m in range(months_ahead + 1)]
    return months, [latest + pace * m for m in range(months_ahead + 1)]


def trend_main(
    coverage: pd.DataFrame,
    names: dict[str, str],
    area: str,
    segment: str,
    compare_area: str | None,
    compare_segment: str | None,
    target_pct: float,
    lang: str,
) -> go.Figure:
    """Coverage of ``area`` over time, with an optional second area or second segment."""
    wanted = [(area, segment)]
    if compare_area and compare_area != area:
        wanted.append((compare_area, segment))
    if compare_segment and compare_segment != segment:
        wanted.append((area, compare_segment))
    frames, projections = [], []
    for code, seg in wanted:
        series = area_series(coverage, code, seg)
        label = f"{names.get(code, code)} · {seg}"
        frames.append(
            pd.DataFrame({"label": label, "month": series.index, "coverage_pct": series.to_numpy()})
        )
        months, values = projection_line(series, target_pct)
        if months:
            projections.append((label, months, values))
    lines = pd.concat(frames, ignore_index=True)
    fig = trend_figure(lines, target_pct, projections, lang)
    # the target line's label with the target's own precision (52,15%, not 52,2%)
    fig.update_annotations(text=f"{t('target', lang)} {fmt_target(target_pct, lang)}")
    fig.update_layout(title_text=f"{t('trend.title', lang)}: {names.get(area, area)}")
    return fig


def trend_small(
    coverage: pd.DataFrame, area: str, segment: str, target_pct: float, lang: str
) -> go.Figure:
    """Small multiples of the sub-areas one level below ``area``."""
    below = child_level(level_of(area))
    if below is None:
        below = "desa"
        area = area[:8]
    sub = sub_area_series(coverage, below, area, segment)
    fig = small_multiples(sub, target_pct, lang)
    fig.update_layout(title_text=f"{t('trend.sub_areas', lang)} ({t('level.' + below, lang)})")
    return fig
