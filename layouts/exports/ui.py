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
import pandas as pd
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update

from analytics import formatting
from analytics.access import Action
from analytics.exports.suppression import DEFAULT_THRESHOLD, MARK
from analytics.exports.tables import (
    ProtectedTable,
    area_columns,
    protect_area_rows,
    to_csv_bytes,
    to_xlsx_bytes,
)
from analytics.settings import Settings
from layouts.core import components, ids
from layouts.core.data_access import (
    StoreLike,
    audit_event,
    current_settings,
    current_store,
    require,
)
from layouts.core.jobs import (
    INTERNAL_FAILURE,
    STORE_FAILURE,
    current_jobs,
    setup_export_jobs,
)
from layouts.core.store_notice import notice_text
from layouts.core.url_state import ViewState, parse_query
from layouts.exports.figures import map_export, trend_export
from layouts.exports.rendering import MEDIA_TYPES, ExportError, Size, export_figure
from layouts.exports.report_job import (
    STEP_LABELS,
    STEP_LABELS_EN,
    ReportRequest,
    area_coverage,
    build_area_report,
    report_file_name,
)
from layouts.map.callbacks import resolve_state, row_data, view_rows

FIGURE_FORMATS: Final = ("png-screen", "png-print", "svg", "pdf")
TABLE_FORMATS: Final = ("csv", "xlsx")
POLL_MS: Final = 700
LABELS: Final[dict[str, dict[str, str]]] = {
    "download": {"id": "Unduh", "en": "Download"},
    "png-screen": {"id": "PNG (layar)", "en": "PNG (screen)"},
    "png-print": {"id": "PNG cetak 300 dpi", "en": "PNG print 300 dpi"},
    "svg": {"id": "SVG", "en": "SVG"},
    "pdf": {"id": "PDF", "en": "PDF"},
    "csv": {"id": "CSV", "en": "CSV"},
    "xlsx": {"id": "XLSX (Excel)", "en": "XLSX (Excel)"},
    "report": {"id": "Laporan PDF wilayah ini", "en": "PDF report of this area"},
    "report_running": {"id": "Menyusun laporan…", "en": "Preparing the report…"},
    "report_done": {"id": "Laporan siap diunduh.", "en": "The report is ready."},
    "report_failed": {"id": "Laporan gagal dibuat: {msg}", "en": "The report failed: {msg}"},
    "report_internal": {
        "id": "kesalahan di server (sudah dicatat); coba lagi atau hubungi admin",
        "en": "an error on the server (logged); try again or ask the admin",
    },
    "failed": {"id": "Ekspor gagal: {msg}", "en": "Export failed: {msg}"},
    # the table files' title and metadata (XLSX "Keterangan" sheet, CSV trailing columns)
    "table.title": {"id": "Wilayah menurut {sort}", "en": "Areas by {sort}"},
    "table.default_sort": {
        "id": "pekerja belum terlindungi (peringkat)",
        "en": "uncovered workers (rank)",
    },
    "table.asc": {"id": "naik", "en": "ascending"},
    "table.desc": {"id": "turun", "en": "descending"},
    "table.filtered": {
        "id": "{n} dari {total} wilayah (difilter)",
        "en": "{n} of {total} areas (filtered)",
    },
    "meta.sheet": {"id": "Keterangan", "en": "About"},
    "meta.title": {"id": "Judul", "en": "Title"},
    "meta.area": {"id": "Wilayah", "en": "Area"},
    "meta.month": {"id": "Bulan", "en": "Month"},
    "meta.segment": {"id": "Segmen", "en": "Segment"},
    "meta.sort": {"id": "Urutan", "en": "Sort"},
    "meta.rows": {"id": "Baris", "en": "Rows"},
    "meta.source": {"id": "Sumber", "en": "Source"},
    "meta.data_until": {"id": "Data sampai", "en": "Data until"},
    "meta.exported": {"id": "Diekspor", "en": "Exported"},
    "meta.synthetic": {"id": "Data sintetis (demo)", "en": "Synthetic data (demo)"},
    "meta.protection": {"id": "Perlindungan jumlah kecil", "en": "Small-count protection"},
    "meta.notes": {"id": "Catatan", "en": "Notes"},
    "yes": {"id": "ya", "en": "yes"},
    "no": {"id": "tidak", "en": "no"},
    "protection.on": {
        "id": "aktif, ambang {n} (jumlah 1-{m} disembunyikan)",
        "en": "on, threshold {n} (counts 1-{m} hidden)",
    },
    "protection.off": {"id": "tidak aktif", "en": "off"},
}


def label(key: str, lang: str, **values: object) -> str:
    text = LABELS[key].get(lang, LABELS[key]["id"])
    return text.format(**values) if values else text


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
            dcc.Interval(id=ids.REPORT_POLL, interval=POLL_MS, disabled=True),
            dcc.Download(id=ids.REPORT_DOWNLOAD),
        ]
    return html.Details(children, className="export-menu")


def threshold_of(protect: list[str] | None, threshold: object) -> int | None:
    """The threshold in force: ``None`` when protection is off; invalid input -> default."""
    if not protect:
        return None
    try:
        value = int(threshold)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return DEFAULT_THRESHOLD
    return value if 2 <= value <= 100 else DEFAULT_THRESHOLD


def _file_stem(kind: str, state: ViewState) -> str:
    area = (state.area or "semua").replace(".", "-")
    return f"cakupan_{kind}_{area}_{state.month}_{state.segment}"


def figure_file(
    store: StoreLike,
    settings: Settings,
    kind: str,
    fmt: str,
    state: ViewState,
    threshold: int | None,
    today: date,
    compare: tuple[str | None, str | None] = (None, None),
) -> dict[str, Any]:
    """The ``dcc.Download`` data of the map or trend figure of ``state`` (resolved)."""
    file_fmt, _, wanted = fmt.partition("-")
    size: Size = "print" if wanted == "print" else "screen"
    if kind == "map":
        fig = map_export(
            store,
            settings,
            state,
            threshold=threshold,
            exported_on=today,
            size=size,
            vector=file_fmt in ("svg", "pdf"),
        )
    else:
        fig = trend_export(
            store,
            settings,
            state,
            threshold=threshold,
            exported_on=today,
            size=size,
            compare_area=compare[0],
            compare_segment=compare[1],
        )
    data = export_figure(fig, file_fmt, size)  # type: ignore[arg-type]
    suffix = "_cetak" if size == "print" else ""
    return dcc.send_bytes(
        data, f"{_file_stem(kind, state)}{suffix}.{file_fmt}", type=MEDIA_TYPES[file_fmt]
    )


def protected_area_table(
    store: StoreLike, state: ViewState, threshold: int | None
) -> ProtectedTable:
    """The area table of ``state`` (all rows, ranking order) with small counts protected:
    what the table export writes, and what the GIS download of the view writes."""
    view, _ = view_rows(store, state)
    rows = pd.DataFrame(row_data(view, state.lang))
    return protect_area_rows(
        rows,
        threshold,
        coverage=area_coverage(store, state.area) if state.area else None,
        parent=state.area or None,
        segment=state.segment,
        month=pd.Timestamp(f"{state.month}-01"),
        lang=state.lang,
    )


def sort_label(column_state: list[dict[str, Any]] | None, lang: str) -> str:
    """The grid's sort in words ("Cakupan (%) (turun)"), from its ``columnState``; the
    default ranking when no column is sorted."""
    sorted_columns = [
        c for c in column_state or [] if isinstance(c, dict) and c.get("sort") in ("asc", "desc")
    ]
    if not sorted_columns:
        return label("table.default_sort", lang)
    first = min(sorted_columns, key=lambda c: c.get("sortIndex") or 0)
    headers = {c["field"]: c["headerName"] for c in components.table_columns(lang)}
    name = headers.get(str(first.get("colId")), str(first.get("colId")))
    return f"{name} ({label('table.' + first['sort'], lang)})"


def table_metadata(
    store: StoreLike,
    state: ViewState,
    *,
    title: str,
    sort: str,
    rows: str,
    threshold: int | None,
    notes: tuple[str, ...],
    today: date,
) -> dict[str, str]:
    """What a table file holds, keyed ``meta.*`` (see :data:`LABELS`): title, area, month,
    segment, sort, rows, source, data date, export date, synthetic-data flag, protection
    and notes, as text in the state's language."""
    from layouts.exports.figures import export_header

    lang = state.lang
    header = export_header(
        store,
        title=title,
        area_code=state.area,
        month=state.month,
        segment=state.segment,
        lang=lang,
        exported_on=today,
    )
    meta = store.meta()
    until = meta.get("data_until")
    protection = (
        label("protection.off", lang)
        if threshold is None
        else label("protection.on", lang, n=threshold, m=threshold - 1)
    )
    return {
        "meta.title": title,
        "meta.area": header.area,
        "meta.month": header.month,
        "meta.segment": header.segment,
        "meta.sort": sort,
        "meta.rows": rows,
        "meta.source": header.source,
        "meta.data_until": formatting.day(until, lang) if until else formatting.MISSING,
        "meta.exported": formatting.day(today, lang),
        "meta.synthetic": label("yes" if meta.get("demo") else "no", lang),
        "meta.protection": protection,
        "meta.notes": " ".join(notes),
    }


def table_file(
    store: StoreLike,
    state: ViewState,
    fmt: str,
    threshold: int | None,
    shown_codes: list[str] | None,
    column_state: list[dict[str, Any]] | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """The area table of ``state`` as CSV or XLSX, in the order and filter of the screen
    (``shown_codes``; ``None`` = all rows in ranking order), titled with the screen's sort
    (``column_state``, the grid's) and carrying what it is (:func:`table_metadata`): XLSX
    in a "Keterangan"/"About" sheet, CSV in trailing columns. The CSV follows the language:
    ``;`` and decimal ``,`` in Indonesian, ``,`` and ``.`` in English."""
    today = today or date.today()
    lang = state.lang
    protected = protected_area_table(store, state, threshold)
    frame = protected.frame
    total = len(frame)
    if shown_codes is not None:
        by_code = frame.set_index("area_code", drop=False)
        frame = by_code.loc[[c for c in shown_codes if c in by_code.index]].reset_index(drop=True)
    # a hidden row's place in the ranking would bound its count: hidden rows go last
    frame = pd.concat([frame[frame["rank"].ne(MARK)], frame[frame["rank"].eq(MARK)]])
    sort = sort_label(column_state, lang)
    n, of = formatting.count(len(frame), lang), formatting.count(total, lang)
    info = table_metadata(
        store,
        state,
        title=label("table.title", lang, sort=sort),
        sort=sort,
        rows=of if len(frame) == total else label("table.filtered", lang, n=n, total=of),
        threshold=threshold,
        notes=protected.notes,
        today=today,
    )
    metadata = [(label(key, lang), value) for key, value in info.items()]
    name = _file_stem("tabel", state)
    if fmt == "csv":
        data = to_csv_bytes(frame, area_columns(lang), lang=lang, metadata=metadata)
        return dcc.send_bytes(data, f"{name}.csv", type="text/csv")
    title = " · ".join(v for v in (info["meta.title"], info["meta.area"], info["meta.month"]) if v)
    dates = (
        f"{label('meta.data_until', lang)} {info['meta.data_until']} · "
        f"{label('meta.exported', lang)} {info['meta.exported']}"
    )
    data = to_xlsx_bytes(
        frame,
        area_columns(lang),
        title=title,
        notes=(*protected.notes, f"{info['meta.source']} · {dates}"),
        sheet="Wilayah" if lang == "id" else "Areas",
        metadata=metadata,
        metadata_sheet=label("meta.sheet", lang),
    )
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return dcc.send_bytes(data, f"{name}.xlsx", type=media)


def _map_state(view, month, segment, scheme, k, layer, labels, lang) -> ViewState:
    return parse_query(
        {
            "level": (view or {}).get("level", ""),
            "area": (view or {}).get("area", ""),
            "month": month or "",
            "segment": segment or "",
            "scheme": scheme or "",
            "k": str(k),
            "layer": layer or "",
            "labels": "1" if labels else "0",
            "lang": lang or "",
        }
    )


MAP_STATES: Final = [
    State(ids.MAP_VIEW, "data"),
    State(ids.MONTH, "value"),
    State(ids.SEGMENT, "value"),
    State(ids.SCHEME, "value"),
    State(ids.K, "value"),
    State(ids.LAYER, "value"),
    State(ids.LABELS, "value"),
    State(ids.MAP_LANG, "data"),
]


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
    def download_map(_clicks, view, month, segment, scheme, k, layer, labels, lang, protect, thr):
        fmt = _clicked()
        if fmt is None:
            return no_update, no_update
        require(Action.EXPORT)
        settings, store = current_settings(), current_store()
        state = resolve_state(
            store, settings, _map_state(view, month, segment, scheme, k, layer, labels, lang)
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
        _c, view, month, segment, scheme, k, layer, labels, lang, shown, columns, protect, thr
    ):
        fmt = _clicked()
        if fmt is None:
            return no_update, no_update
        require(Action.EXPORT)
        settings, store = current_settings(), current_store()
        state = resolve_state(
            store, settings, _map_state(view, month, segment, scheme, k, layer, labels, lang)
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
        from urllib.parse import parse_qsl

        settings, store = current_settings(), current_store()
        base = parse_query(dict(parse_qsl((page_query or "").lstrip("?"))))
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
    def start_report(n, view, month, segment, scheme, k, layer, labels, lang, protect, thr):
        if not n:
            return no_update, no_update, no_update, no_update
        require(Action.EXPORT)
        settings, store = current_settings(), current_store()
        state = resolve_state(
            store, settings, _map_state(view, month, segment, scheme, k, layer, labels, lang)
        )
        busy = current_jobs().wait_text(state.lang)  # the user's own jobs first (limit)
        if busy:
            return no_update, True, busy, True
        request = ReportRequest(
            state.area, state.month, state.segment, threshold_of(protect, thr), state.lang
        )
        name = report_file_name(state.area or "semua", state.month, state.segment)

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
    """A failed job's message in the user's language (markers translated)."""
    if message == STORE_FAILURE:
        return label("report_failed", lang, msg=notice_text(None, lang))
    if message == INTERNAL_FAILURE:
        return label("report_failed", lang, msg=label("report_internal", lang))
    return label("report_failed", lang, msg=message)


def report_progress(job: str | None, lang: str) -> tuple[Any, Any, Any, Any]:
    """(progress value, status text, download data, poll disabled) of a report job."""
    jobs = current_jobs()
    st = jobs.state(job)
    if st.state == "done" and job:
        data = jobs.result(job)
        if data is None:
            return 0, label("report_failed", lang, msg="expired"), no_update, True
        download = dcc.send_bytes(data, st.filename, type="application/pdf")
        return 100, label("report_done", lang), download, True
    if st.state in ("failed", "unknown"):
        return 0, failure_text(st.message or st.state, lang), no_update, True
    step = (STEP_LABELS if lang == "id" else STEP_LABELS_EN).get(st.step, "")
    return st.percent, f"{label('report_running', lang)} {step}".strip(), no_update, False
