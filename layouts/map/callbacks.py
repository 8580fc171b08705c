"""The coverage map's callback bodies, as functions of (store, settings, state): the view
model (:mod:`layouts.map.view_model`, Dash-free) turned into figures, Patches and Dash
components.

The page module wires them to Dash; tests call them directly. A change of level or area
returns a whole (small: the geometry is a URL) figure; a change of month, segment,
classification, layer or labels returns a ``Patch`` with new values only; a change of the
coverage target only recomputes the KPI cards (:func:`kpi_update`); a timeline frame sends
the same ``Patch`` with the legend and KPI cards, and no table (:func:`timeline_frame`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import Patch

from analytics.engine.classify import Classification, classify
from analytics.engine.indicators import area_kpis
from analytics.settings import Settings
from analytics.store.reader import Store
from layouts.core import components, ids
from layouts.core.data_access import geo_url
from layouts.core.figures import HIGHLIGHT, apply_map_values, fit_view, map_figure, map_values
from layouts.core.glyphs import glyphs_url
from layouts.core.i18n import fmt_month, t
from layouts.core.store_access import StoreLike, geojson_bounds, store_facts
from layouts.core.url_state import ViewState, effective_target, geo_parent
from layouts.map.view_model import outline, row_data, trail, view_rows

#: Inputs whose change only needs new values (a Patch), not a new figure.
HOT_INPUTS = frozenset({ids.MONTH, ids.SEGMENT, ids.SCHEME, ids.K, ids.LAYER, ids.LABELS})
#: Inputs whose change only needs new KPI cards (the projection), nothing on the map.
TARGET_INPUTS = frozenset({ids.MAP_TARGET, ids.MAP_TARGET_CUSTOM})


def kpi_update(store: StoreLike, settings: Settings, state: ViewState) -> list[Any]:
    """The KPI cards of ``state`` (already resolved); none for the whole store."""
    if not state.area:
        return []
    facts = store_facts(store, settings)
    k = area_kpis(
        store.coverage_rows(codes=[state.area], segments=[state.segment]),
        state.area,
        pd.Timestamp(f"{state.month}-01"),
        state.segment,
        effective_target(state, facts.target_pct),
    )
    return components.kpi_cards(k, state.lang)


def _legend(view: pd.DataFrame, classification: Classification, state: ViewState) -> list[Any]:
    max_unc = view["uncovered"].max()
    return components.legend(
        classification, state.lang, state.layer, None if pd.isna(max_unc) else float(max_unc)
    )


def timeline_frame(store: StoreLike, settings: Settings, state: ViewState) -> dict[str, Any]:
    """One frame of the timeline (``state.month`` played on the map): a ``Patch`` with the
    new values only (as a month change), the legend and the KPI cards; no table rows."""
    view, _ = view_rows(store, state)
    classification = classify(view["coverage_pct"], state.scheme, state.k)
    patch = Patch()
    apply_map_values(patch, map_values(view, classification, state.lang, state.layer, state.labels))
    return {
        "figure": patch,
        "legend": _legend(view, classification, state),
        "kpis": kpi_update(store, settings, state),
    }


def map_update(
    store: Store,
    settings: Settings,
    state: ViewState,
    *,
    full: bool,
    size: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """Outputs of the map page for ``state`` (already resolved): ``figure`` (dict or Patch),
    ``legend``, ``kpis``, ``rows``, ``title``, ``breadcrumb``. ``size`` is the map's
    ``(width, height)`` in the browser (px): a new figure is fitted to it (a phone's map is
    narrower and taller than the desktop's)."""
    facts = store_facts(store, settings)
    lang = state.lang
    view, points = view_rows(store, state)
    classification = classify(view["coverage_pct"], state.scheme, state.k)
    values = map_values(view, classification, lang, state.layer, state.labels)
    month = pd.Timestamp(f"{state.month}-01")
    kpis = kpi_update(store, settings, state)
    out: dict[str, Any] = {
        "legend": _legend(view, classification, state),
        "kpis": kpis,
        "rows": row_data(view, lang),
        "title": f"{t('table_title', lang)} · {t('level.' + state.level, lang)} · "
        f"{t('seg.' + state.segment, lang)} · {fmt_month(month, lang)}",
    }
    if not full:
        patch = Patch()
        apply_map_values(patch, values)
        out["figure"] = patch
        return out
    parent = geo_parent(state.level, state.area, facts.root_codes)
    bounds = geojson_bounds(store.geojson_path(state.level, parent))
    center, zoom = fit_view(bounds, *size) if size else fit_view(bounds)
    where, outline_codes = outline(store, state, facts.root_codes)
    outline_url = geo_url(store, *where) if where else None
    out["figure"] = map_figure(
        view=view,
        points=points,
        values=values,
        geojson_url=geo_url(store, state.level, parent),
        outline_url=outline_url,
        outline_locations=outline_codes,
        center=center,
        zoom=zoom,
        lang=lang,
        basemap_tiles=settings.basemap_tiles,
        uirevision=f"{state.level}/{state.area}",
        glyphs=glyphs_url(),
    )
    out["breadcrumb"] = components.breadcrumb(trail(state.area, facts, lang), lang)
    return out


def highlight_patch(code: str | None) -> Patch:
    """Outline one area on the map (the row clicked in the table)."""
    patch = Patch()
    patch["data"][HIGHLIGHT]["locations"] = [code] if code else []
    patch["data"][HIGHLIGHT]["z"] = [0] if code else []
    return patch
