"""Outreach page (/penjangkauan): officers' villages on a map, the priority ranking, the
visit plan, the villages without an officer, the impact of past events, and the plan's
downloads (XLSX plan and PDF briefing sheet) for one Polsek.

The layout is here; the callbacks are in :mod:`layouts.outreach.callbacks`.
"""

from __future__ import annotations

from typing import Any, cast

import dash
import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, State, dcc, html

from analytics.access import Action, may
from analytics.outreach.priority import FACTORS, PriorityWeights
from layouts.core import components, ids, view_notice
from layouts.core.data_access import current_settings, current_store, current_user
from layouts.core.i18n import lang_or_default, t
from layouts.core.jobs import JOB_POLL_MS, setup_export_jobs
from layouts.core.page_titles import page_title
from layouts.outreach.callbacks import (
    PLAN_INPUTS,
    WEIGHT_IDS,
    download_callback,
    download_progress,
    first_value,
    page_state,
    polsek_choice_options,
    polsek_choices,
    update_impact,
    update_plan,
    view_query,
)
from layouts.outreach.columns import (
    impact_columns,
    plan_columns,
    priority_columns,
    unassigned_columns,
)
from layouts.outreach.data import read_outreach
from layouts.outreach.views import CAPACITY_RANGE, WEEK_CHOICES, polres_options

dash.register_page(
    __name__, path="/penjangkauan", name="Penjangkauan", title=page_title("nav.outreach")
)


def _control(label: str, child: Any) -> html.Div:
    return html.Div([html.Label(label, className="control-label"), child], className="control")


def _grid(
    grid_id: str, columns: list[dict[str, Any]], lang: str, page_size: int = 15
) -> dag.AgGrid:
    return dag.AgGrid(
        id=grid_id,
        columnDefs=columns,
        rowData=[],
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={
            "animateRows": False,
            "domLayout": "autoHeight",
            "pagination": True,
            "paginationPageSize": page_size,
            **components.grid_locale(lang),
            # AG Grid warns (#94/#95) and leaves the size box blank unless the selector
            # offers the page size in force.
            "paginationPageSizeSelector": sorted({page_size, 20, 50, 100}),
        },
        className="ag-theme-alpine",
        style={"width": "100%"},
    )


def _controls(state: dict[str, Any], officers: pd.DataFrame, lang: str) -> html.Div:
    defaults = PriorityWeights().as_dict()
    sliders = [
        _control(
            t(f"out.w.{factor}", lang),
            dcc.Slider(
                id=slider_id,
                min=0,
                max=1,
                step=0.05,
                value=round(defaults[factor], 2),
                marks={0: "0", 0.5: "0,5" if lang == "id" else "0.5", 1: "1"},
                updatemode="mouseup",
            ),
        )
        for factor, slider_id in zip(FACTORS, WEIGHT_IDS, strict=True)
    ]
    return html.Div(
        [
            _control(
                t("out.polres", lang),
                dcc.Dropdown(
                    id=ids.OUT_POLRES,
                    options=polres_options(officers),
                    value=state["polres"],
                    clearable=False,
                ),
            ),
            _control(
                t("out.polsek", lang),
                dcc.Dropdown(
                    id=ids.OUT_POLSEK,
                    options=polsek_choice_options(officers, state["polres"], lang),
                    value=state["polsek"] or "all",
                    clearable=False,
                ),
            ),
            _control(
                t("out.weeks", lang),
                dcc.RadioItems(
                    id=ids.OUT_WEEKS,
                    options=[
                        {"label": t("out.weeks_n", lang, n=n), "value": n} for n in WEEK_CHOICES
                    ],
                    value=state["weeks"],
                    className="radio",
                ),
            ),
            _control(
                t("out.capacity", lang),
                dcc.Dropdown(
                    id=ids.OUT_CAPACITY,
                    options=list(range(CAPACITY_RANGE[0], CAPACITY_RANGE[1] + 1)),
                    value=state["capacity"],
                    clearable=False,
                ),
            ),
            html.Div(t("out.weights", lang), className="legend-title"),
            *sliders,
            html.Div(id=ids.OUT_WEIGHTS_NOTE, className="hint"),
        ],
        className="controls",
    )


def layout(shown: object = None, **query: object) -> Any:
    settings, store = current_settings(), current_store()
    lang = lang_or_default(first_value(query.get("lang")))
    if not may(current_user(), Action.OUTREACH):
        return html.Div(t("out.not_allowed", lang), id=ids.OUT_MESSAGE, className="store-missing")
    if not store.exists():
        return components.store_missing(str(settings.store_dir), lang)
    data = read_outreach(store)
    if data is None:
        return html.Div(t("out.no_roster", lang), id=ids.OUT_MESSAGE, className="store-missing")
    state = page_state(dict(query), data.officers)
    here = view_query(state["polres"], state["polsek"], state["weeks"], state["capacity"], lang)
    if shown == dash.get_relative_path("/penjangkauan") + here:
        return dash.no_update  # Back/Forward or our own address update: this view is on screen
    notice = view_notice.notice(
        _address_reasons(query, state, lang), _unit_label(state, lang), lang
    )
    downloads = html.Div(
        [
            html.Div(t("out.downloads", lang), className="legend-title"),
            # a whole Polres's files take a few seconds: a spinner over the buttons meanwhile
            dcc.Loading(
                [
                    html.Button(
                        t("out.xlsx", lang), id=ids.OUT_XLSX_BUTTON, className="download-button"
                    ),
                    html.Button(
                        t("out.pdf", lang), id=ids.OUT_PDF_BUTTON, className="download-button"
                    ),
                    dcc.Download(id=ids.OUT_XLSX),
                    dcc.Download(id=ids.OUT_PDF),
                ],
                # Dash's generated type for this prop is an empty TypedDict
                target_components=cast(Any, {ids.OUT_XLSX: "data", ids.OUT_PDF: "data"}),
                delay_show=250,
                type="circle",
            ),
            html.Div(id=ids.OUT_DOWNLOAD_HINT, className="hint"),
            # a whole Polres's files are made in the background: progress, then the file
            html.Progress(id=ids.OUT_JOB_PROGRESS, max=100, value="0", hidden=True),
            html.Div(id=ids.OUT_JOB_STATUS, className="export-message", role="status"),
            dcc.Store(id=ids.OUT_JOB),
            dcc.Interval(id=ids.OUT_POLL, interval=JOB_POLL_MS, disabled=True),
            dcc.Download(id=ids.OUT_JOB_DOWNLOAD),
        ],
        className="panel outreach-downloads",
    )
    return html.Div(
        [
            dcc.Store(id=ids.OUT_LANG, data=lang),
            notice,
            html.H2(t("out.title", lang), className="page-title"),
            html.P(t("out.intro", lang), className="table-notes"),
            html.Div(
                [
                    _controls(state, data.officers, lang),
                    html.Div(
                        [
                            html.H3(t("out.map_title", lang), className="table-title"),
                            components.graph(
                                ids.OUT_MAP,
                                scroll_zoom=True,
                                style={"height": "520px"},
                            ),
                        ],
                        className="map-box",
                    ),
                    html.Div([html.Div(id=ids.OUT_LEGEND), downloads], className="outreach-side"),
                ],
                className="map-row outreach-row",
            ),
            html.H3(t("out.plan_title", lang), className="table-title"),
            html.Div(id=ids.OUT_SUMMARY, className="table-notes"),
            _grid(ids.OUT_PLAN, plan_columns(lang), lang, 20),
            html.H3(t("out.priority_title", lang), className="table-title"),
            html.Div(t("out.priority_note", lang), className="table-notes"),
            _grid(ids.OUT_PRIORITY, priority_columns(lang), lang),
            html.H3(t("out.unassigned_title", lang), className="table-title"),
            html.Div(t("out.unassigned_note", lang), className="table-notes"),
            _grid(ids.OUT_UNASSIGNED, unassigned_columns(lang), lang, 10),
            html.H3(t("out.impact_title", lang), className="table-title"),
            html.Div(id=ids.OUT_IMPACT_TEXT, className="panel impact-text"),
            html.H4(t("out.impact_polsek", lang)),
            _grid(ids.OUT_IMPACT_POLSEK, impact_columns(lang, "polsek"), lang, 10),
            html.H4(t("out.impact_officer", lang)),
            _grid(ids.OUT_IMPACT_OFFICER, impact_columns(lang, "officer"), lang, 10),
        ],
        className="outreach-page",
    )


def _address_reasons(query: dict[str, object], state: dict[str, Any], lang: str) -> list[str]:
    """Why the page shows another Polres, Polsek, horizon or capacity than its address
    named."""
    asked_polres = first_value(query.get("polres"))[:60]
    asked_polsek = first_value(query.get("polsek"))[:60]
    reasons = []
    if asked_polres and asked_polres != state["polres"]:
        reasons.append(t("view.unknown_polres", lang, name=asked_polres))
    elif asked_polsek and asked_polsek not in {"all", state["polsek"]}:
        reasons.append(t("view.unknown_polsek", lang, name=asked_polsek, polres=state["polres"]))
    for key in ("weeks", "capacity"):
        asked = first_value(query.get(key))[:20]
        if asked and asked != str(state[key]):
            reasons.append(t("view.bad.other", lang, value=asked, field=key))
    return reasons


def _unit_label(state: dict[str, Any], lang: str) -> str:
    polsek = state["polsek"] or t("out.all_polsek", lang)
    return f"{state['polres']} · {polsek}" if state["polres"] else polsek


def register_callbacks(app: dash.Dash) -> None:
    setup_export_jobs(app.server)  # a whole Polres's files are made as a background job
    app.callback(
        Output(ids.OUT_POLSEK, "options"),
        Output(ids.OUT_POLSEK, "value"),
        Input(ids.OUT_POLRES, "value"),
        State(ids.OUT_LANG, "data"),
        prevent_initial_call=True,
    )(polsek_choices)
    app.callback(
        Output(ids.OUT_MAP, "figure"),
        Output(ids.OUT_LEGEND, "children"),
        Output(ids.OUT_WEIGHTS_NOTE, "children"),
        Output(ids.OUT_SUMMARY, "children"),
        Output(ids.OUT_PRIORITY, "rowData"),
        Output(ids.OUT_PLAN, "rowData"),
        Output(ids.OUT_UNASSIGNED, "rowData"),
        Output(ids.OUT_DOWNLOAD_HINT, "children"),
        Output(ids.OUT_XLSX_BUTTON, "disabled"),
        Output(ids.OUT_PDF_BUTTON, "disabled"),
        Output(ids.VIEW_QUERY, "data", allow_duplicate=True),
        *[Input(i, "value") for i in PLAN_INPUTS],
        State(ids.OUT_LANG, "data"),
        prevent_initial_call="initial_duplicate",
    )(update_plan)
    app.callback(
        Output(ids.OUT_IMPACT_TEXT, "children"),
        Output(ids.OUT_IMPACT_POLSEK, "rowData"),
        Output(ids.OUT_IMPACT_OFFICER, "rowData"),
        Input(ids.OUT_POLRES, "value"),
        Input(ids.OUT_POLSEK, "value"),
        State(ids.OUT_LANG, "data"),
    )(update_impact)
    for kind, button, target in (
        ("xlsx", ids.OUT_XLSX_BUTTON, ids.OUT_XLSX),
        ("pdf", ids.OUT_PDF_BUTTON, ids.OUT_PDF),
    ):
        app.callback(
            Output(target, "data"),
            Output(ids.OUT_JOB, "data", allow_duplicate=True),
            Output(ids.OUT_POLL, "disabled", allow_duplicate=True),
            Output(ids.OUT_JOB_STATUS, "children", allow_duplicate=True),
            Output(ids.OUT_JOB_PROGRESS, "hidden", allow_duplicate=True),
            Input(button, "n_clicks"),
            State(ids.OUT_LANG, "data"),
            *[State(i, "value") for i in PLAN_INPUTS],
            prevent_initial_call=True,
        )(download_callback(kind))
    app.callback(
        Output(ids.OUT_JOB_PROGRESS, "value"),
        Output(ids.OUT_JOB_STATUS, "children", allow_duplicate=True),
        Output(ids.OUT_JOB_DOWNLOAD, "data"),
        Output(ids.OUT_POLL, "disabled", allow_duplicate=True),
        Output(ids.OUT_JOB_PROGRESS, "hidden", allow_duplicate=True),
        Input(ids.OUT_POLL, "n_intervals"),
        State(ids.OUT_JOB, "data"),
        State(ids.OUT_LANG, "data"),
        prevent_initial_call=True,
    )(download_progress)
