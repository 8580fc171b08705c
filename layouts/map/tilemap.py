"""The all-villages map's view model (``/semua-desa``): every village of the user's
territory, coloured like the per-kabupaten map, as values joined to vector tiles in the
browser.

Dash-free: functions of (store, state). The geometry is never sent by a callback: the
browser draws ``<store>/tiles/desa.pmtiles`` (served by :mod:`layouts.map.tile_routes`)
and fetches the list of village codes once per store version (:func:`village_codes`, a
cacheable URL). A change of month, segment or classification sends :func:`values_payload`:
per village (in the order of that list) a class index and an index into the distinct
coverage texts, each written by :mod:`analytics.formatting`.

The numbers are the per-kabupaten map's: :func:`village_view` is
:func:`layouts.map.view_model.view_rows` at village level over the whole territory, so a
village's active, eligible and coverage are the same rows, and the classification is the
same :func:`analytics.engine.classify.classify` (over all villages in view).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from analytics import formatting as fmt
from analytics.engine.classify import (
    NO_DATA_CLASS,
    NO_DATA_COLOR,
    OVER_100_CLASS,
    OVER_100_COLOR,
    Classification,
    classify,
)
from analytics.engine.indicators import rank_by_uncovered
from analytics.store.reader import COVERAGE_FILE
from layouts.core.i18n import flags_text, fmt_month, t
from layouts.core.store_access import StoreLike
from layouts.core.url_state import ViewState, to_query
from layouts.map.view_model import row_data, view_rows

#: Level the map colours (its tiles: ``tiles/desa.pmtiles``, layer ``desa``).
LEVEL: Final = "desa"
#: Levels whose tiles the store holds (contract with the build: tiles/<level>.pmtiles).
TILE_LEVELS: Final = ("provinsi", "kabupaten", "kecamatan", "desa")
#: Rows of the linked table: the villages with the most uncovered workers.
TABLE_ROWS: Final = 100


@dataclass(frozen=True)
class VillageValues:
    """Villages in view (the order of :func:`village_codes`) and their classification."""

    view: pd.DataFrame
    classification: Classification


def village_state(state: ViewState) -> ViewState:
    """``state`` at village level over the whole territory (what this map shows)."""
    return state.with_(level=LEVEL, area="")


def page_query(state: ViewState) -> str:
    """The page's address query: month, segment, classification and language (the level
    and area are this map's own, so links to the other pages carry the default ones)."""
    return to_query(state.with_(level=ViewState.level, area=""))


def village_codes(store: StoreLike) -> list[str]:
    """Village codes of the user's territory, sorted: the order of every values array."""
    areas = store.areas()
    return sorted(areas.loc[areas["level"] == LEVEL, "area_code"].astype(str).tolist())


def store_version(store: StoreLike) -> str:
    """Changes when the store is rebuilt (codes and tiles URLs carry it)."""
    return str((store.root / COVERAGE_FILE).stat().st_mtime_ns)


def village_values(store: StoreLike, state: ViewState) -> VillageValues:
    view, _ = view_rows(store, village_state(state))
    return VillageValues(view, classify(view["coverage_pct"], state.scheme, state.k))


def class_indexes(classification: Classification) -> list[int]:
    """Per village: its class 0..k-1, ``k`` above 100 %, ``k + 1`` no data."""
    k = classification.k
    classes = classification.classes.to_numpy(dtype="int64")
    out = np.where(classes == OVER_100_CLASS, k, np.where(classes == NO_DATA_CLASS, k + 1, classes))
    return [int(c) for c in out]


def class_colors(classification: Classification) -> list[str]:
    """Colour of each class index of :func:`class_indexes`."""
    return [*classification.colors, OVER_100_COLOR, NO_DATA_COLOR]


def class_labels(classification: Classification, lang: str) -> list[str]:
    return [*classification.labels(lang), t("over_100", lang), t("no_data", lang)]


def percent_texts(pct: pd.Series, lang: str) -> tuple[list[str], list[int]]:
    """(distinct coverage texts, per village the index of its text), each text written by
    :func:`analytics.formatting.percent`.

    83,402 villages hold about as many distinct values but only about a thousand distinct
    texts, and the formatter takes ~16 us a call (1.3 s for the country per change). A
    value at least 1e-6 of a step away from a rounding boundary gets the text of its
    rounded value (``floor(v * 10**d + 0.5)``: the formatter rounds half away from zero, and
    neither float error nor its 15 significant digits move such a value across the
    boundary); the others, and missing or negative values, are formatted one by one.
    ``tests/test_tilemap.py`` checks this against the formatter value by value."""
    values = pct.astype("float64").to_numpy()
    scale = 10.0 ** fmt.DIGITS["percent"]
    with np.errstate(invalid="ignore"):
        scaled = values * scale
        near = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
        one_by_one = ~np.isfinite(values) | (values < 0) | (values > 1e9) | near
    steps = np.floor(np.where(one_by_one, 0.0, scaled) + 0.5).astype("int64")
    step_text = {int(k): fmt.percent(k / scale, lang) for k in np.unique(steps[~one_by_one])}
    texts = [
        fmt.percent(None if np.isnan(v) else float(v), lang) if slow else step_text[int(k)]
        for v, k, slow in zip(values.tolist(), steps.tolist(), one_by_one.tolist(), strict=True)
    ]
    codes, uniques = pd.factorize(pd.Series(texts, dtype="object"))
    return [str(x) for x in uniques], [int(c) for c in codes]


def values_payload(
    values: VillageValues, state: ViewState, codes_url: str, version: str
) -> dict[str, Any]:
    """What the browser needs for a month/segment/classification: no geometry, no codes."""
    pct_text, pct = percent_texts(values.view["coverage_pct"], state.lang)
    c = values.classification
    return {
        "version": version,
        "codes_url": codes_url,
        "n": len(values.view),
        "cls": class_indexes(c),
        "colors": class_colors(c),
        "class_labels": class_labels(c, state.lang),
        "coverage_label": t("coverage", state.lang),
        "pct_text": pct_text,
        "pct": pct,
    }


def table_rows(store: StoreLike, view: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """The :data:`TABLE_ROWS` villages with the most uncovered workers, as the
    per-kabupaten table writes them, with ``lon``/``lat`` (the map flies there)."""
    top = rank_by_uncovered(view).head(TABLE_ROWS)
    rows = row_data(top, lang)
    areas = store.areas()
    villages = areas[areas["level"] == LEVEL].set_index("area_code")
    where = villages.loc[[r["area_code"] for r in rows], ["lon", "lat"]].round(5)
    for row, (lon, lat) in zip(rows, where.itertuples(index=False), strict=True):
        row["lon"], row["lat"] = float(lon), float(lat)
    return rows


def table_title(state: ViewState, rows: int) -> str:
    """The table's title: ``rows`` villages listed (:data:`TABLE_ROWS`, or fewer in a
    territory with fewer villages)."""
    month = pd.Timestamp(f"{state.month}-01")
    return (
        f"{t('tilemap.table_title', state.lang, n=rows)} · "
        f"{t('seg.' + state.segment, state.lang)} · {fmt_month(month, state.lang)}"
    )


def village_detail(view: pd.DataFrame, code: str, lang: str) -> list[tuple[str, str]] | None:
    """(label, text) lines of one village, written as the map's hover writes them; ``None``
    when the village is not in view (outside the territory or unknown)."""
    rows = view[view["area_code"] == code]
    if rows.empty:
        return None
    r = rows.iloc[0]
    lines = [
        (t("name", lang), f"{r['area_name']} ({code})"),
        (t("active", lang), fmt.count(r["active"], lang)),
        (t("eligible", lang), fmt.count(r["eligible"], lang)),
        (t("coverage", lang), fmt.percent(r["coverage_pct"], lang)),
        (t("uncovered", lang), fmt.count(r["uncovered"], lang)),
        (t("change_yoy", lang), fmt.pp(r["change_yoy_pp"], lang)),
    ]
    flags = flags_text(r["flags"], lang, r["active_covered"])
    if flags:
        lines.append((t("flags", lang), flags))
    return lines


def territory_bounds(store: StoreLike) -> list[list[float]]:
    """``[[west, south], [east, north]]`` of the villages' points (the first view)."""
    areas = store.areas()
    pts = areas.loc[areas["level"] == LEVEL, ["lon", "lat"]].dropna()
    if pts.empty:
        return [[95.0, -11.0], [141.0, 6.0]]  # Indonesia
    pad = 0.05
    return [
        [float(pts["lon"].min()) - pad, float(pts["lat"].min()) - pad],
        [float(pts["lon"].max()) + pad, float(pts["lat"].max()) + pad],
    ]
