"""Home page: the coverage map with drill-down, KPI cards, legend and the ranked table."""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update

from layouts.core import components, ids, view_notice
from layouts.core.data_access import current_settings, current_store, resolve_state
from layouts.core.i18n import t
from layouts.core.page_titles import page_title
from layouts.core.shell import REPLACE_MARK
from layouts.core.store_access import store_facts
from layouts.core.url_state import LAYERS, to_query
from layouts.exports import ui as export_ui
from layouts.exports.gis import gis_menu, register_gis_callbacks
from layouts.map import controls as map_controls
from layouts.map import drawer as map_drawer
from layouts.map import timeline
from layouts.map.callbacks import HOT_INPUTS, TARGET_INPUTS, highlight_patch, kpi_update, map_update
from layouts.map.view_model import level_options, next_view, state_from_controls

dash.register_page(__name__, path="/", name="Peta cakupan", title=page_title("nav.map"))


def layout(shown: object = None, **query: object) -> Any:
    view = view_notice.open_view(query)
    if not isinstance(view, view_notice.PageView):
        return view  # no store: the page says so
    facts, state, reasons = view.facts, view.state, view.reasons
    lang = state.lang
    if view_notice.already_shown("/", state, shown):
        return no_update  # Back/Forward or our own address update: this view is on screen
    controls = html.Div(
        [
            map_drawer.close_button(lang),  # a phone's drawer only (CSS)
            map_controls.month_control(ids.MONTH, facts.months, state.month, lang),
            map_controls.segment_control(ids.SEGMENT, state.segment, lang),
            map_controls.control(
                t("level", lang),
                dcc.RadioItems(
                    id=ids.LEVEL,
                    options=level_options(state.area, facts.root_codes, lang),
                    value=state.level,
                    className="radio",
                ),
            ),
            map_controls.scheme_control(ids.SCHEME, state.scheme, lang),
            map_controls.classes_control(ids.K, state.k, lang),
            map_controls.control(
                t("layer", lang),
                dcc.RadioItems(
                    id=ids.LAYER,
                    options=[{"label": t(f"layer.{x}", lang), "value": x} for x in LAYERS],
                    value=state.layer,
                    className="radio",
                ),
                "kesenjangan",
                lang,
            ),
            dcc.Checklist(
                id=ids.LABELS,
                options=[{"label": t("labels", lang), "value": "1"}],
                value=["1"] if state.labels else [],
            ),
            components.target_control(
                ids.MAP_TARGET, ids.MAP_TARGET_CUSTOM, state.target, facts.target_pct, lang
            ),
        ],
        id=ids.MAP_CONTROLS,
        className=map_drawer.DRAWER_CLASS,
    )
    return html.Div(
        [
            dcc.Store(id=ids.MAP_VIEW, data={"level": state.level, "area": state.area}),
            dcc.Store(id=ids.MAP_LANG, data=lang),
            view_notice.notice(
                reasons, view_notice.area_label(state.area, facts.names, lang), lang
            ),
            dcc.Location(id=ids.PROFILE_LINK, refresh="callback-nav"),  # village -> /desa
            dcc.Store(id=ids.MAP_SIZE),
            html.Div(id=ids.BREADCRUMB, className="breadcrumb"),
            html.Div(id=ids.KPIS, className="kpis"),
            html.Div(
                [
                    controls,
                    html.Div(
                        [
                            map_drawer.open_button(lang),  # a phone only (CSS)
                            components.graph(
                                ids.MAP,
                                scroll_zoom=True,
                                style={"height": "560px"},
                            ),
                            timeline.timeline_bar(facts.months, state.month, lang),
                            html.Div(t("click_hint", lang), className="hint"),
                            export_ui.export_menu(
                                "map", lang, export_ui.FIGURE_FORMATS, report=True
                            ),
                            gis_menu(lang),  # GeoPackage / GeoJSON of this view
                        ],
                        className="map-box",
                    ),
                    html.Div(id=ids.LEGEND, className="legend"),
                ],
                className="map-row",
            ),
            html.H3(id=ids.TABLE_TITLE, className="table-title"),
            export_ui.export_menu("table", lang, export_ui.TABLE_FORMATS),
            html.Div(
                [
                    components.info_link("kesenjangan", lang),
                    " ",
                    t("uncovered", lang),
                    " · ",
                    components.info_link("cakupan", lang),
                    " ",
                    t("coverage", lang),
                    " · ",
                    components.info_link("kualitas", lang),
                    " ",
                    t("flags", lang),
                ],
                className="table-notes",
            ),
            components.area_grid(ids.TABLE, lang),
        ],
        className="map-page",
    )


def register_callbacks(app: dash.Dash) -> None:
    register_gis_callbacks(app)

    @app.callback(
        Output(ids.MAP, "figure"),
        Output(ids.LEGEND, "children"),
        Output(ids.KPIS, "children"),
        Output(ids.TABLE, "rowData"),
        Output(ids.TABLE_TITLE, "children"),
        Output(ids.BREADCRUMB, "children"),
        Output(ids.VIEW_QUERY, "data", allow_duplicate=True),
        Input(ids.MAP_VIEW, "data"),
        Input(ids.MONTH, "value"),
        Input(ids.SEGMENT, "value"),
        Input(ids.SCHEME, "value"),
        Input(ids.K, "value"),
        Input(ids.LAYER, "value"),
        Input(ids.LABELS, "value"),
        Input(ids.MAP_TARGET, "value"),
        Input(ids.MAP_TARGET_CUSTOM, "value"),
        Input(ids.MAP_SIZE, "data"),  # set once, at load (layouts/map/drawer.py)
        State(ids.MAP_LANG, "data"),
        State(ids.TIMELINE_TICK, "disabled"),
        prevent_initial_call="initial_duplicate",
    )
    def update_map(
        view, month, segment, scheme, k, layer, labels, target, custom, size, lang, paused
    ):
        settings, store = current_settings(), current_store()
        state = state_from_controls(
            view or {}, month, segment, scheme, k, layer, labels, lang, target, custom
        )
        state = resolve_state(store, settings, state)
        # while the timeline plays, its months replace one history entry (layouts/core/shell.py)
        query = (REPLACE_MARK if paused is False else "") + to_query(state)
        if ctx.triggered_id in TARGET_INPUTS:  # only the projection changes
            kpis = kpi_update(store, settings, state)
            return (*[no_update] * 2, kpis, *[no_update] * 3, query)
        full = ctx.triggered_id not in HOT_INPUTS
        out = map_update(store, settings, state, full=full, size=map_drawer.map_size(size))
        return (
            out["figure"],
            out["legend"],
            out["kpis"],
            out["rows"],
            out["title"],
            out.get("breadcrumb", no_update),
            query,
        )

    @app.callback(
        Output(ids.MAP_VIEW, "data"),
        Output(ids.LEVEL, "options"),
        Output(ids.LEVEL, "value"),
        Input(ids.MAP, "clickData"),
        Input({"type": ids.CRUMB_TYPE, "code": ALL}, "n_clicks"),
        Input(ids.LEVEL, "value"),
        State(ids.MAP_VIEW, "data"),
        State(ids.MAP_LANG, "data"),
        prevent_initial_call=True,
    )
    def drill(click_data, crumb_clicks, level_value, view, lang):
        triggered = ctx.triggered_id
        if isinstance(triggered, dict) and not (ctx.triggered and ctx.triggered[0]["value"]):
            return no_update, no_update, no_update  # crumbs were just drawn, not clicked
        settings, store = current_settings(), current_store()
        facts = store_facts(store, settings)
        new = next_view(
            view or {},
            triggered=triggered,
            click_data=click_data,
            level_value=level_value,
            root_codes=facts.root_codes,
        )
        if new is None:
            return no_update, no_update, no_update
        return new, level_options(new["area"], facts.root_codes, lang), new["level"]

    @app.callback(
        Output(ids.MAP, "figure", allow_duplicate=True),
        Input(ids.TABLE, "cellClicked"),
        prevent_initial_call=True,
    )
    def highlight(cell):
        return highlight_patch((cell or {}).get("rowId"))

    # after the page's own: tests and benchmarks find "map.figure" callbacks in this order
    map_drawer.register_drawer_callbacks(app)
    timeline.register_timeline_callbacks(app)
