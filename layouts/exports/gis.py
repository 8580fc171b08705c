"""The map view as GeoPackage or GeoJSON (for QGIS users), beside the map's other exports.

The file is rebuilt on the server from the page's controls through ``current_store()``
(the user's territory: another area is refused with a logged 403 by ``resolve_state``),
with the same rows and the same small-count protection as the area table's export; the
writer is :mod:`analytics.exports.gis`. Every download is audit-logged.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import dash
import pandas as pd
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update

from analytics.engine.classify import NO_DATA_CLASS, OVER_100_CLASS, classify
from analytics.exports.gis import coverage_layer, metadata, to_geojson, to_geopackage
from analytics.settings import Settings
from layouts.core import components, ids
from layouts.core.data_access import audit_event
from layouts.core.i18n import t
from layouts.core.store_access import StoreLike, store_facts
from layouts.core.url_state import ViewState, geo_parent
from layouts.exports.files import file_stem, protected_area_table, threshold_of
from layouts.exports.ui import MAP_STATES, map_view
from layouts.map.view_model import view_rows

GIS_FORMATS: Final = ("gpkg", "geojson")
MEDIA: Final = {"gpkg": "application/geopackage+sqlite3", "geojson": "application/geo+json"}


def gis_menu(lang: str) -> html.Details:
    """The "GIS download" menu: two buttons and the protection switch."""
    return html.Details(
        [
            html.Summary(t("gis.download", lang)),
            html.Div(
                [
                    html.Button(
                        t(f"gis.{fmt}", lang),
                        id={"type": ids.GIS_BUTTON, "fmt": fmt},
                        className="export-button",
                        n_clicks=0,
                    )
                    for fmt in GIS_FORMATS
                ],
                className="export-buttons",
            ),
            components.protection_controls(ids.GIS_PROTECT, ids.GIS_THRESHOLD, lang),
            html.Div(id=ids.GIS_MESSAGE, className="export-message"),
            dcc.Download(id=ids.GIS_DOWNLOAD),
        ],
        className="gis-menu",
    )


def class_labels(coverage_pct: pd.Series, state: ViewState) -> pd.Series:
    """The legend label of each area's class, as the map's legend shows it."""
    classification = classify(coverage_pct, state.scheme, state.k)
    labels = classification.labels(state.lang)
    special = {OVER_100_CLASS: t("over_100", state.lang), NO_DATA_CLASS: t("no_data", state.lang)}
    return pd.Series(
        [
            special.get(int(c), labels[int(c)] if int(c) >= 0 else "")
            for c in classification.classes
        ],
        index=coverage_pct.index,
        dtype="object",
    )


def gis_file(
    store: StoreLike,
    settings: Settings,
    state: ViewState,
    fmt: str,
    threshold: int | None,
    today: date,
) -> tuple[bytes, str, str]:
    """(bytes, file name, media type) of the view ``state`` (resolved) as ``fmt``."""
    import geopandas as gpd

    view, _ = view_rows(store, state)
    # the rows and the protection of the area table's export, so both files hide the
    # same cells; the class label of each area as the map's legend shows it
    labels = dict(zip(view["area_code"], class_labels(view["coverage_pct"], state), strict=True))
    table = protected_area_table(store, state, threshold).frame
    rows = table.assign(class_label=table["area_code"].map(labels))
    facts = store_facts(store, settings)
    parent = geo_parent(state.level, state.area, facts.root_codes)
    boundaries = gpd.read_file(store.geojson_path(state.level, parent))
    layer = coverage_layer(
        boundaries,
        rows,
        level=state.level,
        month=state.month,
        segment=state.segment,
    )
    meta = store.meta()
    info = metadata(
        source=f"Cakupan; {meta.get('workforce_source') or ''}".strip("; "),
        data_until=str(meta.get("data_until") or ""),
        exported_on=today,
        demo=bool(meta.get("demo")),
        threshold=threshold,
        area=state.area,
        level=state.level,
        month=state.month,
        segment=state.segment,
    )
    stem = file_stem(state.level, state)
    if fmt == "gpkg":
        return to_geopackage(layer, info), f"{stem}.gpkg", MEDIA["gpkg"]
    return to_geojson(layer, info), f"{stem}.geojson", MEDIA["geojson"]


def register_gis_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(ids.GIS_DOWNLOAD, "data"),
        Output(ids.GIS_MESSAGE, "children"),
        Input({"type": ids.GIS_BUTTON, "fmt": ALL}, "n_clicks"),
        *MAP_STATES,
        State(ids.GIS_PROTECT, "value"),
        State(ids.GIS_THRESHOLD, "value"),
        prevent_initial_call=True,
    )
    def download_gis(
        _c, view, month, segment, scheme, k, layer, labels, lang, target, custom, protect, thr
    ):
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not (ctx.triggered and ctx.triggered[0]["value"]):
            return no_update, no_update
        fmt = str(trigger.get("fmt"))
        if fmt not in GIS_FORMATS:
            return no_update, no_update
        settings, store, state = map_view(
            view, month, segment, scheme, k, layer, labels, lang, target, custom
        )
        threshold = threshold_of(protect, thr)
        try:
            data, name, media = gis_file(store, settings, state, fmt, threshold, date.today())
        except ValueError as exc:
            return no_update, t("gis.failed", state.lang, msg=str(exc))
        audit_event(
            "export", "ok", {"what": f"map.{fmt}", "area": state.area, "threshold": threshold}
        )
        return dcc.send_bytes(data, name, type=media), ""
