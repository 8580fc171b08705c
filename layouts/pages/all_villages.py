"""All villages on one map (``/semua-desa``): every village of the user's territory drawn
from vector tiles by MapLibre, coloured by the month, segment and classification chosen.

The page only lays out and wires: the values come from :mod:`layouts.map.tilemap` (Dash-
free), the tiles, codes list and script bundle from :mod:`layouts.map.tile_routes`. The
bundle is loaded by this page's clientside glue (:data:`GLUE_JS`), never by other pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash
from dash import Input, Output, State, dcc, html, no_update

from layouts.core import components, ids, view_notice
from layouts.core.data_access import current_settings, current_store, resolve_state
from layouts.core.glyphs import GLYPH_FONT, glyphs_url
from layouts.core.i18n import t
from layouts.core.page_titles import page_title
from layouts.core.url_state import parse_query
from layouts.map import controls as map_controls
from layouts.map import tile_routes
from layouts.map import tilemap as tm
from layouts.profile.link import profile_href

PATH = "/semua-desa"
dash.register_page(__name__, path=PATH, name="Semua desa", title=page_title("nav.tilemap"))

#: Clientside glue: load the bundle once (script + css), draw the map into its element,
#: apply each new values payload. ``config`` is null when tiles or bundle are missing.
GLUE_JS = """
function(values, config) {
    const dc = window.dash_clientside;
    const el = document.getElementById("MAP_ID");
    if (!config || !el) { return dc.no_update; }
    const run = () => {
        const tm = window.cakupanTilemap;
        tm.mount(el, config);
        if (values) { tm.setValues(values); }
    };
    if (window.cakupanTilemap) { run(); return dc.no_update; }
    if (!window.cakupanTilemapLoading) {
        window.cakupanTilemapLoading = new Promise((resolve, reject) => {
            const css = document.createElement("link");
            css.rel = "stylesheet";
            css.href = config.css;
            document.head.appendChild(css);
            const js = document.createElement("script");
            js.src = config.script;
            js.onload = resolve;
            js.onerror = reject;
            document.head.appendChild(js);
        });
    }
    window.cakupanTilemapLoading.then(run);
    return dc.no_update;
}
""".replace("MAP_ID", ids.TM_MAP)

#: A row of the table clicked: select its village (outline, fly there, details).
ROW_JS = """
function(cell, rows) {
    const dc = window.dash_clientside;
    const code = cell && cell.rowId;
    if (!code) { return dc.no_update; }
    const row = (rows || []).find((r) => r.area_code === code);
    if (window.cakupanTilemap) {
        window.cakupanTilemap.select(code, row && row.lon, row && row.lat);
    }
    return {code: code, t: Date.now()};
}
"""


def _controls(
    months: Sequence[str], month: str, segment: str, scheme: str, k: int, lang: str
) -> Any:
    return html.Div(
        [
            map_controls.month_control(ids.TM_MONTH, months, month, lang),
            map_controls.segment_control(ids.TM_SEGMENT, segment, lang),
            map_controls.scheme_control(ids.TM_SCHEME, scheme, lang),
            map_controls.classes_control(ids.TM_K, k, lang),
        ],
        className="controls tilemap-controls",
    )


def _config(store: Any, facts: Any) -> dict[str, Any] | None:
    """What the browser needs to draw (URLs, first view, territory); ``None`` when the
    store has no tiles or the bundle was not built."""
    store_dir = current_settings().store_dir
    urls = {
        "script": tile_routes.static_url("tilemap.js"),
        "css": tile_routes.static_url("maplibre-gl.css"),
        "desa": tile_routes.tile_url(store_dir, "desa"),
        "kabupaten": tile_routes.tile_url(store_dir, "kabupaten"),
    }
    if not all(urls.values()):
        return None
    return {
        "script": urls["script"],
        "css": urls["css"],
        "tiles": {"desa": urls["desa"], "kabupaten": urls["kabupaten"]},
        "bounds": tm.territory_bounds(store),
        # a branch user's villages only (the tiles hold the country's)
        "roots": list(facts.root_codes) if store.restricted else [],
        "selectedId": ids.TM_SELECTED,
        # village names when zoomed in, drawn from the app's own glyphs (never the internet)
        "glyphs": glyphs_url(),
        "font": GLYPH_FONT,
    }


def layout(shown: object = None, **query: object) -> Any:
    view = view_notice.open_view({**query, "level": "desa", "area": ""})
    if not isinstance(view, view_notice.PageView):
        return view  # no store: the page says so
    store, facts, reasons = view.store, view.facts, view.reasons
    state = tm.village_state(view.state)
    lang = state.lang
    if isinstance(shown, str) and shown == dash.get_relative_path(PATH) + tm.page_query(state):
        return no_update  # Back/Forward or our own address update: this view is on screen
    config = _config(store, facts)
    missing = None if config else html.Div(t("tilemap.no_tiles", lang), className="store-missing")
    return html.Div(
        [
            dcc.Store(id=ids.TM_LANG, data=lang),
            dcc.Store(id=ids.TM_CONFIG, data=config),
            dcc.Store(id=ids.TM_VALUES),
            dcc.Store(id=ids.TM_SELECTED),
            html.Div(id=ids.TM_STATUS, hidden=True),
            view_notice.notice(reasons, t("all_areas", lang), lang),
            html.H2(t("tilemap.title", lang), className="page-title"),
            html.P(t("tilemap.intro", lang), className="hint"),
            missing,
            html.Div(
                [
                    _controls(
                        facts.months, state.month, state.segment, state.scheme, state.k, lang
                    ),
                    html.Div(
                        [
                            html.Div(id=ids.TM_MAP, className="tilemap"),
                            html.Div(t("tilemap.click_hint", lang), className="hint"),
                            html.Div(id=ids.TM_DETAIL, className="tilemap-detail"),
                        ],
                        className="map-box",
                    ),
                    html.Div(id=ids.TM_LEGEND, className="legend"),
                ],
                className="map-row",
            ),
            html.H3(id=ids.TM_TABLE_TITLE, className="table-title"),
            components.area_grid(
                ids.TM_TABLE, lang, rowSelection={"mode": "singleRow", "checkboxes": False}
            ),
        ],
        className="tilemap-page",
    )


def register_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(ids.TM_VALUES, "data"),
        Output(ids.TM_LEGEND, "children"),
        Output(ids.TM_TABLE, "rowData"),
        Output(ids.TM_TABLE_TITLE, "children"),
        Output(ids.VIEW_QUERY, "data", allow_duplicate=True),
        Input(ids.TM_MONTH, "value"),
        Input(ids.TM_SEGMENT, "value"),
        Input(ids.TM_SCHEME, "value"),
        Input(ids.TM_K, "value"),
        State(ids.TM_LANG, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def update_values(month, segment, scheme, k, lang):
        settings, store = current_settings(), current_store()
        state = parse_query(
            {
                "level": "desa",
                "month": month or "",
                "segment": segment or "",
                "scheme": scheme or "",
                "k": str(k),
                "lang": lang or "",
            }
        )
        state = tm.village_state(resolve_state(store, settings, state))
        values = tm.village_values(store, state)
        version = tm.store_version(store)
        codes_url = dash.get_relative_path("/geo/codes/desa.json") + f"?v={version}"
        legend = components.legend(values.classification, state.lang, "coverage", None)
        rows = tm.table_rows(store, values.view, state.lang)
        return (
            tm.values_payload(values, state, codes_url, version),
            legend,
            rows,
            tm.table_title(state, len(rows)),
            tm.page_query(state),
        )

    @app.callback(
        Output(ids.TM_DETAIL, "children"),
        Output(ids.TM_TABLE, "selectedRows"),
        Input(ids.TM_SELECTED, "data"),
        State(ids.TM_MONTH, "value"),
        State(ids.TM_SEGMENT, "value"),
        State(ids.TM_LANG, "data"),
        prevent_initial_call=True,
    )
    def show_village(selected, month, segment, lang):
        code = str((selected or {}).get("code") or "")
        if not code:
            return no_update, no_update
        settings, store = current_settings(), current_store()
        state = parse_query({"month": month or "", "segment": segment or "", "lang": lang or ""})
        state = tm.village_state(resolve_state(store, settings, state))
        view = tm.village_values(store, state).view
        lines = tm.village_detail(view, code, state.lang)
        if lines is None:
            return None, {"ids": []}
        href = profile_href(
            {"level": "desa"},
            {"points": [{"location": code}]},
            state.month,
            state.segment,
            state.lang,
            dash.get_relative_path("/desa"),
        )
        return (
            html.Div(
                [
                    html.Dl([x for label, text in lines for x in (html.Dt(label), html.Dd(text))]),
                    dcc.Link(
                        t("tilemap.open_profile", state.lang), href=href or "", id=ids.TM_PROFILE
                    ),
                ]
            ),
            {"ids": [code]},
        )

    app.clientside_callback(
        GLUE_JS,
        Output(ids.TM_STATUS, "children"),
        Input(ids.TM_VALUES, "data"),
        State(ids.TM_CONFIG, "data"),
    )
    app.clientside_callback(
        ROW_JS,
        Output(ids.TM_SELECTED, "data"),
        Input(ids.TM_TABLE, "cellClicked"),
        State(ids.TM_TABLE, "rowData"),
        prevent_initial_call=True,
    )
