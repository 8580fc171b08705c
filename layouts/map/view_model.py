"""The coverage map's view model, with no web framework: the areas in view with their
values, the outline above them, the table's rows, the breadcrumb trail, the page's
controls as a :class:`ViewState` and where a click leads (the store's facts are
:func:`layouts.core.store_access.store_facts`).

The screen (:mod:`layouts.map.callbacks`, which turns these into a figure or a ``Patch``),
the exports and the report's figures (``cakupan report``, without Dash) all read these
functions, so each shows the same areas and numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from analytics import formatting as fmt
from analytics.codes import LEVEL_CODE_LENGTH, level_of, parent_level
from analytics.engine.indicators import areas_in_view, rank_by_uncovered
from layouts.core.i18n import flags_text, t
from layouts.core.store_access import StoreFacts, StoreLike
from layouts.core.url_state import (
    ViewState,
    allowed_levels,
    drill_target,
    geo_parent,
    parse_query,
    target_from_controls,
)

#: Number columns of the area table and how :mod:`analytics.formatting` writes them; each
#: row carries the exact value (sorting, filtering) and ``<field>_text``, what is shown.
TABLE_NUMBERS: Final = {
    "uncovered": fmt.count,
    "coverage_pct": fmt.percent,
    "active": fmt.count,
    "eligible": fmt.count,
    "change_yoy_pp": fmt.pp,
}


def state_from_controls(
    view: dict[str, str],
    month: str,
    segment: str,
    scheme: str,
    k: int,
    layer: str,
    labels: list[str] | None,
    lang: str,
    target_choice: str | None = None,
    target_custom: object = None,
) -> ViewState:
    """The page's controls as a validated :class:`ViewState`."""
    target = target_from_controls(target_choice, target_custom)
    return parse_query(
        {
            "level": view.get("level", ""),
            "area": view.get("area", ""),
            "month": month or "",
            "segment": segment or "",
            "scheme": scheme or "",
            "k": str(k),
            "layer": layer or "",
            "labels": "1" if labels else "0",
            "lang": lang or "",
            "target": "" if target is None else repr(target),
        }
    )


def trail(area: str, facts: StoreFacts, lang: str) -> list[tuple[str, str]]:
    """Breadcrumb entries from the top down to ``area``."""
    out: list[tuple[str, str]] = []
    if len(facts.root_codes) > 1 or not area:
        out.append(("", t("all_areas", lang)))
    if area:
        lengths = [n for n in LEVEL_CODE_LENGTH.values() if n <= len(area)]
        # only areas the store (view) holds: never the province above a branch's kabupaten
        out += [(area[:n], facts.names[area[:n]]) for n in lengths if area[:n] in facts.names]
    return out


def view_rows(store: StoreLike, state: ViewState) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(areas in view with values, their points), aligned on the store's list of areas."""
    areas = store.areas()
    inside = areas[(areas["level"] == state.level)]
    if state.area:
        inside = inside[inside["area_code"].str.startswith(state.area + ".")]
    inside = inside.sort_values("area_code", ignore_index=True)
    month = pd.Timestamp(f"{state.month}-01")
    rows = store.coverage_rows(
        level=state.level, within=state.area, segments=[state.segment], months=[month]
    )
    view = areas_in_view(
        rows,
        state.level,
        state.area or None,
        month,
        state.segment,
    )
    # Align on the store's list of areas (one row each, same order as the geometry's
    # points); reindex raises on duplicate codes, like merge(validate="one_to_one").
    aligned = (
        view.drop(columns="area_name")
        .set_index("area_code")
        .reindex(inside["area_code"])
        .reset_index()
    )
    aligned.insert(1, "area_name", inside["area_name"].to_numpy())
    aligned["flags"] = aligned["flags"].fillna("missing_eligible")
    return aligned, inside[["lon", "lat", "area_name"]]


def outline(
    store: StoreLike, state: ViewState, root_codes: Sequence[str]
) -> tuple[tuple[str, str] | None, list[str]]:
    """Level and parent of the boundaries one level above the areas drawn, and their codes
    (the screen turns them into a URL, the exports into an embedded key)."""
    above = parent_level(state.level)  # type: ignore[arg-type]
    if above is None:
        return None, []
    area_level = level_of(state.area) if state.area else None
    if above == area_level:
        up = parent_level(above)
        parent_code = state.area[: LEVEL_CODE_LENGTH[up]] if up else ""
        return (above, geo_parent(above, parent_code, root_codes)), [state.area]
    areas = store.areas()
    codes = areas.loc[areas["level"] == above, "area_code"]
    if state.area:
        codes = codes[codes.str.startswith(state.area + ".")]
    return (above, geo_parent(above, state.area, root_codes)), sorted(codes)


def row_data(view: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """The table's rows: each number exact (for sorting and filtering, never rounded here)
    and, beside it, ``<field>_text`` as :mod:`analytics.formatting` writes it."""
    ranked = rank_by_uncovered(view)
    columns: dict[str, list[Any]] = {}
    for col in ("rank", "uncovered", "coverage_pct", "active", "eligible", "change_yoy_pp"):
        values = ranked[col].to_numpy(dtype="float64", na_value=np.nan)
        whole = col not in {"coverage_pct", "change_yoy_pp"}
        columns[col] = [None if np.isnan(v) else (int(v) if whole else float(v)) for v in values]
        if col in TABLE_NUMBERS:
            format_value = TABLE_NUMBERS[col]
            columns[f"{col}_text"] = [format_value(v, lang) for v in columns[col]]
    columns = {
        "area_code": ranked["area_code"].tolist(),
        "area_name": ranked["area_name"].tolist(),
        **columns,
    }
    columns["flags_text"] = [
        flags_text(flags, lang, counted)
        for flags, counted in zip(ranked["flags"], ranked["active_covered"], strict=True)
    ]
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def next_view(
    current: dict[str, str],
    *,
    triggered: str | dict[str, str] | None,
    click_data: dict[str, Any] | None,
    level_value: str | None,
    root_codes: list[str],
) -> dict[str, str] | None:
    """The new ``{level, area}`` after a map click, a breadcrumb click or a level choice;
    ``None`` when nothing changes (e.g. a click on a village)."""
    level, area = current.get("level", "kabupaten"), current.get("area", "")
    if triggered == "map":
        points = (click_data or {}).get("points") or []
        code = points[0].get("location") or points[0].get("customdata") if points else None
        if not isinstance(code, str):
            return None
        target = drill_target(code, level)
        if target is None:
            return None
        area, level = target
    elif isinstance(triggered, dict):  # a breadcrumb button {"type": "crumb", "code": ...}
        area = triggered.get("code", "")
        levels = allowed_levels(area, root_codes)
        level = levels[0] if levels else level
    elif triggered == "level" and level_value:
        level = level_value
    else:
        return None
    if level not in allowed_levels(area, root_codes):
        level = allowed_levels(area, root_codes)[0]
    if {"level": level, "area": area} == {
        "level": current.get("level"),
        "area": current.get("area"),
    }:
        return None
    return {"level": level, "area": area}


def level_options(area: str, root_codes: Sequence[str], lang: str) -> list[dict[str, str]]:
    return [
        {"label": t(f"level.{lvl}", lang), "value": lvl} for lvl in allowed_levels(area, root_codes)
    ]
