"""Download menus beside the map, the area table and the trend chart, and their callbacks.

The menus are small ``<details>`` panels: PNG (screen), PNG (print, 300 dpi), SVG and PDF
for figures; CSV and XLSX for tables; the small-count protection switch (on by default)
with its threshold; on the map, the one-click area report, which runs as a background job
(:mod:`layouts.core.jobs`) with a progress bar. Every export is rebuilt on the server
from the page's controls through ``current_store()`` (the user's territory), never from
figures or rows the browser sends: the table's on-screen order and filter come from the
grid's ``virtualRowData``, used only as a list of codes. Every export is audit-logged.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

import dash
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update

from analytics.access import Action
from analytics.report.job import (
    STEP_LABELS,
    STEP_LABELS_EN,
    ReportRequest,
    report_file_name,
)
from analytics.settings import Settings
from layouts.core import components, ids
from layouts.core.data_access import (
    audit_event,
    current_settings,
    current_store,
    require,
    resolve_state,
)
from layouts.core.jobs import (
    JOB_POLL_MS,
    current_jobs,
    failure_reason,
    job_progress,
    setup_export_jobs,
)
from layouts.core.store_access import StoreLike
from layouts.core.url_state import ViewState, parse_search
from layouts.exports.files import (
    figure_file,
    label,
    table_file,
    threshold_of,
)
from layouts.exports.rendering import ExportError
from layouts.exports.report_job import build_area_report
from layouts.map.controls import control_states
from layouts.map.view_model import state_from_controls

FIGURE_FORMATS: Final = ("png-screen", "png-print", "svg", "pdf")
TABLE_FORMATS: Final = ("csv", "xlsx")


def export_menu(target: str, lang: str, formats: tuple[str, ...], report: bool = False) -> Any:
    """The download menu of one chart, map or table (``target``: map, trend, table)."""
    buttons = [
        html.Button(
            label(fmt, lang),
            id={"type": ids.EXPORT_BUTTON, "target": target, "fmt": fmt},
            className="export-button",
            n_clicks=0,
        )
        for fmt in formats
    ]
    protection = components.protection_controls(
        {"type": ids.EXPORT_PROTECT, "target": target},
        {"type": ids.EXPORT_THRESHOLD, "target": target},
        lang,
    )
    children: list[Any] = [
        html.Summary(label("download", lang)),
        html.Div(buttons, className="export-buttons"),
        protection,
        html.Div(id={"type": ids.EXPORT_MESSAGE, "target": target}, className="export-message"),
        dcc.Download(id={"type": ids.EXPORT_DOWNLOAD, "target": target}),
    ]
    if report:
        children += [
            html.Button(label("report", lang), id=ids.REPORT_BUTTON, n_clicks=0),
            html.Progress(id=ids.REPORT_PROGRESS, max=100, value="0", hidden=True),
            html.Div(id=ids.REPORT_STATUS, className="export-message"),
            dcc.Store(id=ids.REPORT_JOB),
            dcc.Interval(id=ids.REPORT_POLL, interval=JOB_POLL_MS, disabled=True),
            dcc.Download(id=ids.REPORT_DOWNLOAD),
        ]
    return html.Details(children, className="export-menu")


MAP_STATES: Final = control_states()
"""The map page's controls (:data:`layouts.map.controls.MAP_CONTROLS`): every export of the
map reads the view state the screen shows, target included."""


def map_view(view: dict[str, str] | None, *controls: Any) -> tuple[Settings, StoreLike, ViewState]:
    """The map page's view state from the values of :data:`MAP_STATES`, as the screen reads
    it (:func:`layouts.map.view_model.state_from_controls`) and fitted to the user's
    territory: what every export of the map reads. Requires the export right."""
    require(Action.EXPORT)
    settings, store = current_settings(), current_store()
    return (
        settings,
        store,
        resolve_state(store, settings, state_from_controls(view or {}, *controls)),
    )


def _clicked() -> str | None:
    """The format of the button that fired (``None`` when no button was clicked)."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not (ctx.triggered and ctx.triggered[0]["value"]):
        return None
    return str(trigger.get("fmt"))


def _target(target: str) -> dict[str, Any]:
    return {"target": target}


def register_export_callbacks(app: dash.Dash) -> None:
    """Attach the job runner and the export callbacks to ``app``."""
    setup_export_jobs(app.server)

    def outputs(target: str) -> list[Output]:
        return [
            Output({"type": ids.EXPORT_DOWNLOAD, **_target(target)}, "data"),
            Output({"type": ids.EXPORT_MESSAGE, **_target(target)}, "children"),
        ]

    def protection(target: str) -> list[State]:
        return [
            State({"type": ids.EXPORT_PROTECT, **_target(target)}, "value"),
            State({"type": ids.EXPORT_THRESHOLD, **_target(target)}, "value"),
        ]

    @app.callback(
        *outputs("map"),
        Input({"type": ids.EXPORT_BUTTON, "target": "map", "fmt": ALL}, "n_clicks"),
        *MAP_STATES,
        *protection("map"),
        prevent_initial_call=True,
    )
    def download_map(
        _c, view, month, segment, scheme, k, layer, labels, lang, target, custom, protect, thr
    ):
        fmt = _clicked()
        if fmt is None:
            return no_update, no_update
        settings, store, state = map_view(
            view, month, segment, scheme, k, layer, labels, lang, target, custom
        )
        threshold = threshold_of(protect, thr)
        try:
            data = figure_file(store, settings, "map", fmt, state, threshold, date.today())
        except ExportError as exc:
            return no_update, label("failed", state.lang, msg=str(exc))
        audit_event(
            "export", "ok", {"what": f"map.{fmt}", "area": state.area, "threshold": threshold}
        )
        return data, ""

    @app.callback(
        *outputs("table"),
        Input({"type": ids.EXPORT_BUTTON, "target": "table", "fmt": ALL}, "n_clicks"),
        *MAP_STATES,
        State(ids.TABLE, "virtualRowData"),
        State(ids.TABLE, "columnState"),
        *protection("table"),
        prevent_initial_call=True,
    )
    def download_table(
        _c,
        view,
        month,
        segment,
        scheme,
        k,
        layer,
        labels,
        lang,
        target,
        custom,
        shown,
        columns,
        protect,
        thr,
    ):
        fmt = _clicked()
        if fmt is None:
            return no_update, no_update
        _settings, store, state = map_view(
            view, month, segment, scheme, k, layer, labels, lang, target, custom
        )
        codes = None if shown is None else [str(r.get("area_code")) for r in shown]
        threshold = threshold_of(protect, thr)
        data = table_file(store, state, fmt, threshold, codes, columns)
        audit_event(
            "export", "ok", {"what": f"table.{fmt}", "area": state.area, "threshold": threshold}
        )
        return data, ""

    @app.callback(
        *outputs("trend"),
        Input({"type": ids.EXPORT_BUTTON, "target": "trend", "fmt": ALL}, "n_clicks"),
        State(ids.TREND_AREA, "value"),
        State(ids.TREND_SEGMENT, "value"),
        State(ids.TREND_COMPARE, "value"),
        State(ids.TREND_COMPARE_SEGMENT, "value"),
        State(ids.TREND_LANG, "data"),
        *protection("trend"),
        prevent_initial_call=True,
    )
    def download_trend(_c, area, segment, compare, compare_segment, page_query, protect, thr):
        fmt = _clicked()
        if fmt is None:
            return no_update, no_update
        require(Action.EXPORT)
        settings, store = current_settings(), current_store()
        base = parse_search(page_query)
        state = resolve_state(store, settings, base.with_(area=area or "", segment=segment))
        if compare:
            resolve_state(store, settings, base.with_(area=compare))  # territory check
        threshold = threshold_of(protect, thr)
        try:
            data = figure_file(
                store,
                settings,
                "trend",
                fmt,
                state,
                threshold,
                date.today(),
                (compare, compare_segment),
            )
        except ExportError as exc:
            return no_update, label("failed", state.lang, msg=str(exc))
        audit_event(
            "export", "ok", {"what": f"trend.{fmt}", "area": state.area, "threshold": threshold}
        )
        return data, ""

    @app.callback(
        Output(ids.REPORT_JOB, "data"),
        Output(ids.REPORT_POLL, "disabled"),
        Output(ids.REPORT_STATUS, "children"),
        Output(ids.REPORT_PROGRESS, "hidden"),
        Input(ids.REPORT_BUTTON, "n_clicks"),
        *MAP_STATES,
        *protection("map"),
        prevent_initial_call=True,
    )
    def start_report(
        n, view, month, segment, scheme, k, layer, labels, lang, target, custom, protect, thr
    ):
        if not n:
            return no_update, no_update, no_update, no_update
        settings, store, state = map_view(
            view, month, segment, scheme, k, layer, labels, lang, target, custom
        )
        busy = current_jobs().wait_text(state.lang)  # the user's own jobs first (limit)
        if busy:
            return no_update, True, busy, True
        request = ReportRequest(
            state.area,
            state.month,
            state.segment,
            threshold_of(protect, thr),
            state.lang,
            state.target,
        )
        name = report_file_name(state.area, state.month, state.segment, state.lang)

        def work(progress):
            return build_area_report(store, settings, request, progress=progress)

        job = current_jobs().submit(work, name)
        audit_event(
            "export",
            "ok",
            {"what": "report.pdf", "area": state.area, "threshold": request.threshold},
        )
        return job, False, label("report_running", state.lang), False

    @app.callback(
        Output(ids.REPORT_PROGRESS, "value"),
        Output(ids.REPORT_STATUS, "children", allow_duplicate=True),
        Output(ids.REPORT_DOWNLOAD, "data"),
        Output(ids.REPORT_POLL, "disabled", allow_duplicate=True),
        Input(ids.REPORT_POLL, "n_intervals"),
        State(ids.REPORT_JOB, "data"),
        State(ids.MAP_LANG, "data"),
        prevent_initial_call=True,
    )
    def poll_report(_n, job, lang):
        return report_progress(job, lang or "id")


def failure_text(message: str, lang: str) -> str:
    """A failed report's message in the user's language (markers translated)."""
    return label("report_failed", lang, msg=failure_reason(message, lang))


def report_progress(job: str | None, lang: str) -> tuple[Any, Any, Any, Any]:
    """(progress value, status text, download data, poll disabled) of a report job."""
    return job_progress(
        job,
        lang,
        running=label("report_running", lang),
        done=label("report_done", lang),
        failed=lambda reason: label("report_failed", lang, msg=reason),
        steps=STEP_LABELS if lang == "id" else STEP_LABELS_EN,
    )
