"""Trend page figures from the store: the area (and a comparison), target, projection,
the sub-area panels, and the options of the area dropdowns.

On a national store (91,000 areas, 16 million coverage rows) nothing here reads the whole
coverage table: the rows are asked of the store by area, level and segment
(``Store.coverage_rows``, a memory-mapped file shared by the workers), the sub-area
panels are capped at :data:`MAX_PANELS` (the lowest coverage first, with a note saying
so), and the dropdowns list provinces and kabupaten, finding kecamatan and villages by
search.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import pandas as pd
import plotly.graph_objects as go

from analytics import formatting as fmt
from analytics.codes import LEVEL_CODE_LENGTH, Level, child_level, level_of
from analytics.engine.indicators import area_series, sub_area_series
from analytics.engine.trends import (
    combined_coverage,
    lowest_latest,
    project,
)
from analytics.formatting import markup_text
from layouts.core.figures import small_multiples, trend_figure
from layouts.core.i18n import fmt_month, fmt_target, t
from layouts.core.store_access import StoreLike

#: Longest projection drawn (months after the latest month): 10 years, stated under the
#: chart (``trend.proj.horizon``) and in the legend of a line cut there.
PROJECTION_HORIZON: Final = 120
#: Sub-area panels drawn at most (the lowest coverage first when there are more).
MAX_PANELS: Final = 12
#: Stores with more areas than this list only provinces and kabupaten in the dropdowns
#: (plus the chosen area); kecamatan and villages are found by search.
MAX_AREA_OPTIONS: Final = 1000
#: Matches sent per search.
SEARCH_LIMIT: Final = 50
#: Levels always listed in a large store's dropdowns.
LISTED_LEVELS: Final = ("provinsi", "kabupaten")
_ROW_COLUMNS: Final = ["area_code", "segment", "month", "active", "coverage_pct"]


def projection_line(
    series: pd.Series, target_pct: float, horizon: int = PROJECTION_HORIZON
) -> tuple[list[pd.Timestamp], list[float]]:
    """Months and values of the straight line at the 12-month pace from the latest value,
    up to the projected month (:func:`analytics.engine.trends.project`, the KPI card's own), or
    ``horizon`` months when that is further; empty when there is no pace or the target is
    reached already."""
    p = project(series, target_pct)
    if p is None or p.pace is None or p.reached:
        return [], []
    ahead = p.months_ahead
    months_ahead = horizon if ahead is None else min(horizon, ahead)
    months = [p.latest_month + pd.DateOffset(months=m) for m in range(months_ahead + 1)]
    return months, [p.latest_pct + p.pace * m for m in range(months_ahead + 1)]


def projection_statement(series: pd.Series, label: str, target_pct: float, lang: str) -> str:
    """One sentence on where ``series`` is heading, in ``lang``: the projected month of
    reaching the target, "already reached" or "not at the current pace", with the latest
    coverage and the pace. The same projection as the map's KPI card."""
    p = project(series, target_pct)
    if p is None:
        return t("trend.proj.unknown", lang, label=label)
    values = {
        "label": label,
        "target": fmt.target(target_pct, lang),
        "pct": fmt.percent(p.latest_pct, lang),
        "latest": fmt.month(p.latest_month, lang, long=True),
        "pace": fmt.pp_per_month(p.pace, lang),
    }
    if p.reached:
        return t("trend.proj.reached", lang, **values)
    if p.month is None:
        return t("trend.proj.not", lang, **values)
    return t("trend.proj.month", lang, month=fmt.month(p.month, lang, long=True), **values)


def _line_label(code: str, seg: str, names: Mapping[str, str], lang: str) -> str:
    return f"{area_label(code, names, lang)} · {seg}"


def trend_statements(
    coverage: pd.DataFrame,
    names: Mapping[str, str],
    area: str,
    segment: str,
    compare_area: str | None,
    compare_segment: str | None,
    target_pct: float,
    lang: str,
) -> list[str]:
    """:func:`projection_statement` of every line :func:`trend_main` draws, in its order."""
    return [
        projection_statement(
            area_series(coverage, code, seg), _line_label(code, seg, names, lang), target_pct, lang
        )
        for code, seg in _wanted(area, segment, compare_area, compare_segment)
    ]


def area_label(code: str, names: Mapping[str, str], lang: str) -> str:
    """The name of ``code``; ``""`` (the whole store) is "All areas"."""
    return names.get(code, code) if code else t("all_areas", lang)


def _wanted(
    area: str, segment: str, compare_area: str | None, compare_segment: str | None
) -> list[tuple[str, str]]:
    wanted = [(area, segment)]
    if compare_area and compare_area != area:
        wanted.append((compare_area, segment))
    if compare_segment and compare_segment != segment:
        wanted.append((area, compare_segment))
    return wanted


def _rows_of(store: StoreLike, codes: Sequence[str], segment: str) -> pd.DataFrame:
    """Coverage rows of ``codes`` (any levels) in ``segment``, from the per-level slices."""
    return store.coverage_rows(codes=list(codes), segments=[segment])


def area_rows(store: StoreLike, area: str, segment: str, root_codes: Sequence[str]) -> pd.DataFrame:
    """Coverage rows (``_ROW_COLUMNS``) of one area and segment over time; the whole store
    (``area == ""``) is its top areas combined
    (:func:`analytics.engine.trends.combined_coverage`)."""
    if area:
        rows = _rows_of(store, [area], segment)
    else:
        rows = combined_coverage(_rows_of(store, root_codes, segment), "")
    return rows.loc[:, _ROW_COLUMNS].astype({"area_code": "str", "segment": "str"})


def trend_rows(
    store: StoreLike,
    area: str,
    segment: str,
    compare_area: str | None,
    compare_segment: str | None,
    root_codes: Sequence[str],
) -> pd.DataFrame:
    """The few coverage rows :func:`trend_main` draws (a few dozen, not the whole table)."""
    frames = [
        area_rows(store, code, seg, root_codes)
        for code, seg in _wanted(area, segment, compare_area, compare_segment)
    ]
    return pd.concat(frames, ignore_index=True)


def trend_main(
    coverage: pd.DataFrame,
    names: Mapping[str, str],
    area: str,
    segment: str,
    compare_area: str | None,
    compare_segment: str | None,
    target_pct: float,
    lang: str,
) -> go.Figure:
    """Coverage of ``area`` over time, with an optional second area or second segment.

    ``coverage`` holds the rows of the areas drawn: the store's table, or the few rows of
    :func:`trend_rows` (which also gives the whole store, ``area == ""``, as one area).
    """
    frames, projections = [], []
    for code, seg in _wanted(area, segment, compare_area, compare_segment):
        series = area_series(coverage, code, seg)
        label = _line_label(code, seg, names, lang)
        frames.append(
            pd.DataFrame({"label": label, "month": series.index, "coverage_pct": series.to_numpy()})
        )
        months, values = projection_line(series, target_pct)
        if months:
            projections.append((label, months, values))
    lines = pd.concat(frames, ignore_index=True)
    fig = trend_figure(lines, target_pct, projections, lang)
    years = PROJECTION_HORIZON // 12
    cut = {
        f"{markup_text(label)}: "
        for label, months, values in projections
        if len(months) > PROJECTION_HORIZON and values[-1] < target_pct - 1e-9
    }
    for trace in fig.data:  # a line stopped at the horizon says so in the legend
        if any(str(trace.name).startswith(c) for c in cut) and trace.line.dash == "dot":
            trace.name += f" ({t('trend.proj.legend_horizon', lang, years=years)})"
    # the target line's label with the target's own precision (52,15%, not 52,2%)
    fig.update_annotations(text=f"{t('target', lang)} {fmt_target(target_pct, lang)}")
    title = f"{t('trend.title', lang)}: {markup_text(area_label(area, names, lang))}"
    fig.update_layout(title_text=title)
    return fig


def sub_area_rows(
    store: StoreLike, area: str, segment: str, root_codes: Sequence[str]
) -> tuple[Level, pd.DataFrame]:
    """(level, rows) of the areas one level below ``area`` over time (long form: area_code,
    area_name, month, coverage_pct); below the whole store, its top areas; below a
    village, the villages of its kecamatan."""
    if not area:
        level = level_of(root_codes[0]) if root_codes else "provinsi"
        rows = _rows_of(store, root_codes, segment)
        sub = rows.loc[:, ["area_code", "area_name", "month", "coverage_pct"]]
        return level, sub.sort_values(["area_code", "month"], ignore_index=True)
    below = child_level(level_of(area))
    if below is None:
        below, area = "desa", area[:8]
    rows = store.coverage_rows(level=below, within=area, segments=[segment])
    return below, sub_area_series(rows, below, area, segment)


def trend_small(
    sub: pd.DataFrame, level: str, target_pct: float, lang: str, max_panels: int = MAX_PANELS
) -> go.Figure:
    """Small multiples of ``sub`` (from :func:`sub_area_rows`): every area when there are
    at most ``max_panels``, else the ``max_panels`` with the lowest latest coverage, with a
    note under the title saying how many of how many are drawn and why."""
    shown, total = lowest_latest(sub, max_panels)
    fig = small_multiples(shown, target_pct, lang, max_panels=max_panels)
    title = f"{t('trend.sub_areas', lang)} ({t('level.' + level, lang)})"
    if total > max_panels:
        note = t(
            "trend.sub_areas_capped",
            lang,
            shown=max_panels,
            total=total,
            month=fmt_month(sub["month"].max(), lang),
        )
        title += f"<br><sup>{note}</sup>"
        fig.update_layout(margin={"t": 84})
    fig.update_layout(title_text=title)
    return fig


# --- the area dropdowns ------------------------------------------------------------------
def _option(code: str, name: str, level: str, lang: str) -> dict[str, str]:
    return {"label": f"{name} ({code}) · {t('level.' + level, lang)}", "value": code}


def _options(rows: pd.DataFrame, lang: str, sort: bool = True) -> list[dict[str, str]]:
    rows = rows.sort_values("area_code") if sort else rows
    return [
        _option(code, name, level, lang)
        for code, name, level in zip(
            rows["area_code"].tolist(),
            rows["area_name"].tolist(),
            rows["level"].tolist(),
            strict=True,
        )
    ]


def _chain(codes: Sequence[str | None]) -> set[str]:
    """The codes and every area above them (so the chosen area stays listed)."""
    out = set()
    for code in codes:
        if code:
            out |= {code[:n] for n in LEVEL_CODE_LENGTH.values() if n <= len(code)}
    return out


def lists_every_area(areas: pd.DataFrame) -> bool:
    return len(areas) <= MAX_AREA_OPTIONS


def area_options(
    areas: pd.DataFrame, lang: str, keep: Sequence[str | None] = ()
) -> list[dict[str, str]]:
    """Options of the area dropdowns: every area of a small store; in a large one the
    provinces and kabupaten, plus ``keep`` (the chosen areas) and the areas above them."""
    if lists_every_area(areas):
        return _options(areas, lang)
    codes = areas["area_code"].astype("str")
    wanted = areas["level"].isin(LISTED_LEVELS) | codes.isin(_chain(keep))
    return _options(areas[wanted], lang)


def search_options(
    areas: pd.DataFrame,
    search: str,
    lang: str,
    keep: Sequence[str | None] = (),
    limit: int = SEARCH_LIMIT,
) -> list[dict[str, str]]:
    """The chosen areas (``keep``) and up to ``limit`` areas whose code starts with, or
    whose name contains, ``search`` (case-insensitive); higher levels first."""
    text = search.strip().casefold()
    codes = areas["area_code"].astype("str")
    names = areas["area_name"].astype("str").str.casefold()
    found = codes.str.startswith(text) | names.str.contains(text, regex=False)
    hits = areas[found].assign(_depth=codes[found].str.len())
    hits = hits.sort_values(["_depth", "area_code"]).head(limit)
    kept = areas[codes.isin([k for k in keep if k]) & ~codes.isin(hits["area_code"])]
    return _options(kept, lang) + _options(hits, lang, sort=False)
