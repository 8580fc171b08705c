"""Trends page: coverage over time, target, projection, comparison, sub-area panels."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, dcc, html, no_update

from analytics import formatting as fmt
from analytics.schemas import COVERAGE_SEGMENTS
from layouts.core import components, ids, view_notice
from layouts.core.data_access import current_settings, current_store, require_area, resolve_state
from layouts.core.i18n import t
from layouts.core.page_titles import page_title
from layouts.core.store_access import store_facts
from layouts.core.url_state import (
    effective_target,
    parse_search,
    target_from_controls,
    to_query,
)
from layouts.exports import ui as export_ui
from layouts.trends.views import (
    PROJECTION_HORIZON,
    area_options,
    lists_every_area,
    search_options,
    sub_area_rows,
    trend_main,
    trend_rows,
    trend_small,
    trend_statements,
)

dash.register_page(__name__, path="/tren", name="Tren", title=page_title("nav.trends"))


def layout(shown: object = None, **query: object) -> Any:
    view = view_notice.open_view(query)
    if not isinstance(view, view_notice.PageView):
        return view  # no store: the page says so
    store, facts, state, reasons = view.store, view.facts, view.state, view.reasons
    lang = state.lang
    if view_notice.already_shown("/tren", state, shown):
        return no_update  # Back/Forward or our own address update: this view is on screen
    areas = store.areas()
    options = area_options(areas, lang, keep=[state.area])
    hint = (
        []
        if lists_every_area(areas)
        else [html.Small(t("trend.search_hint", lang), className="control-hint")]
    )
    default_target = facts.target_pct
    segments = [{"label": t(f"seg.{s}", lang), "value": s} for s in COVERAGE_SEGMENTS]
    return html.Div(
        [
            dcc.Store(id=ids.TREND_LANG, data=to_query(state)),
            view_notice.notice(
                reasons, view_notice.area_label(state.area, facts.names, lang), lang
            ),
            html.H2(
                [t("trend.title", lang), " ", components.info_link("proyeksi", lang)],
                className="page-title",
            ),
            html.Div(
                [
                    html.Div(
                        [
                            html.Label(t("trend.area", lang), className="control-label"),
                            dcc.Dropdown(
                                id=ids.TREND_AREA,
                                labels=components.dropdown_labels(lang),
                                options=options,
                                value=state.area or None,
                                clearable=False,
                            ),
                            *hint,
                        ]
                    ),
                    html.Div(
                        [
                            html.Label(t("segment", lang), className="control-label"),
                            dcc.Dropdown(
                                id=ids.TREND_SEGMENT,
                                labels=components.dropdown_labels(lang),
                                options=segments,
                                value=state.segment,
                                clearable=False,
                            ),
                        ]
                    ),
                    html.Div(
                        [
                            html.Label(t("trend.compare", lang), className="control-label"),
                            dcc.Dropdown(
                                id=ids.TREND_COMPARE,
                                labels=components.dropdown_labels(lang),
                                options=options,
                                value=None,
                                placeholder=t("trend.none", lang),
                            ),
                        ]
                    ),
                    html.Div(
                        [
                            html.Label(t("trend.compare_segment", lang), className="control-label"),
                            dcc.Dropdown(
                                id=ids.TREND_COMPARE_SEGMENT,
                                labels=components.dropdown_labels(lang),
                                options=segments,
                                value=None,
                                placeholder=t("trend.none", lang),
                            ),
                        ]
                    ),
                    components.target_control(
                        ids.TREND_TARGET,
                        ids.TREND_TARGET_CUSTOM,
                        state.target,
                        default_target,
                        lang,
                    ),
                ],
                className="trend-controls panel",
            ),
            html.Div(
                [
                    export_ui.export_menu("trend", lang, export_ui.FIGURE_FORMATS),
                    components.graph(ids.TREND_MAIN),
                    html.Div(id=ids.TREND_PROJECTIONS, className="trend-projections"),
                ],
                className="panel",
            ),
            html.Div(components.graph(ids.TREND_SMALL), className="panel"),
        ]
    )


def register_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(ids.TREND_MAIN, "figure"),
        Output(ids.TREND_SMALL, "figure"),
        Output(ids.TREND_PROJECTIONS, "children"),
        Output(ids.VIEW_QUERY, "data", allow_duplicate=True),
        Input(ids.TREND_AREA, "value"),
        Input(ids.TREND_SEGMENT, "value"),
        Input(ids.TREND_COMPARE, "value"),
        Input(ids.TREND_COMPARE_SEGMENT, "value"),
        Input(ids.TREND_TARGET, "value"),
        Input(ids.TREND_TARGET_CUSTOM, "value"),
        State(ids.TREND_LANG, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def update_trends(area, segment, compare, compare_segment, choice, custom, page_query):
        settings, store = current_settings(), current_store()
        require_area(compare)  # the compared area too: 403 + audit outside the territory
        base = parse_search(page_query)
        target = target_from_controls(choice, custom)
        state = resolve_state(
            store, settings, base.with_(area=area or "", segment=segment, target=target)
        )
        facts = store_facts(store, settings)
        target_pct = effective_target(state, facts.target_pct)
        rows = trend_rows(
            store, state.area, state.segment, compare, compare_segment, facts.root_codes
        )
        main = trend_main(
            rows,
            facts.names,
            state.area,
            state.segment,
            compare,
            compare_segment,
            target_pct,
            state.lang,
        )
        statements = trend_statements(
            rows,
            facts.names,
            state.area,
            state.segment,
            compare,
            compare_segment,
            target_pct,
            state.lang,
        )
        level, sub = sub_area_rows(store, state.area, state.segment, facts.root_codes)
        small = trend_small(sub, level, target_pct, state.lang)
        return main, small, projection_block(statements, target_pct, state.lang), to_query(state)

    for dropdown in (ids.TREND_AREA, ids.TREND_COMPARE):
        _register_search(app, dropdown)


def _register_search(app: dash.Dash, dropdown: str) -> None:
    """A large store's dropdown lists provinces and kabupaten; typing finds the others."""

    @app.callback(
        Output(dropdown, "options"),
        Input(dropdown, "search_value"),
        State(dropdown, "value"),
        State(ids.TREND_LANG, "data"),
        prevent_initial_call=True,
    )
    def search_areas(search, value, page_query):
        areas = current_store().areas()
        if lists_every_area(areas):
            return no_update  # every area is listed already
        lang = parse_search(page_query).lang
        if not search:
            return area_options(areas, lang, keep=[value])
        return search_options(areas, str(search)[:80], lang, keep=[value])


def projection_block(statements: list[str], target_pct: float, lang: str) -> list[Any]:
    """The projected month of every line in words, and the horizon of the drawn lines."""
    heading = t("trend.proj.heading", lang, target=fmt.target(target_pct, lang))
    note = t("trend.proj.horizon", lang, years=PROJECTION_HORIZON // 12)
    return [
        html.H4(heading),
        html.Ul([html.Li(s) for s in statements]),
        html.Small(note, className="control-hint"),
    ]
