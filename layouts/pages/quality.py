"""Data-quality page: the reconciliation of the last build, the villages flagged, and
the unmatched and rejected rows a person must fix (with CSV/XLSX downloads)."""

from __future__ import annotations

from datetime import date
from typing import Any

import dash
import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, State, ctx, dcc, html, no_update

from analytics.access import AccessDenied, Action, may
from analytics.exports.tables import to_csv_bytes, to_xlsx_bytes
from analytics.store.reader import StoreError
from layouts.core import components, ids, store_notice
from layouts.core.data_access import (
    audit_event,
    current_settings,
    current_store,
    current_user,
    require,
)
from layouts.core.i18n import fmt_int, t
from layouts.core.page_titles import page_title
from layouts.core.url_state import parse_query
from layouts.exports import ui as export_ui
from layouts.quality.views import (
    COUNT_KEYS,
    ROW_LISTS,
    file_rows,
    flagged_villages,
    kabupaten_rows,
    loss_warnings,
    other_input_rows,
    row_export_columns,
    row_grid_columns,
    rows_to_fix,
    shown_rows,
)

XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

dash.register_page(
    __name__, path="/kualitas", name="Kualitas data", title=page_title("nav.quality")
)


def _table(
    headers: list[str], rows: list[list[Any]], numeric: set[int], table_id: str
) -> html.Table:
    return html.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(h, className="num" if i in numeric else "")
                        for i, h in enumerate(headers)
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(cell, className="num" if i in numeric else "")
                            for i, cell in enumerate(row)
                        ]
                    )
                    for row in rows
                ]
            ),
        ],
        id=table_id,
        className="simple-table",
    )


def read_row_lists(store: Any) -> dict[str, pd.DataFrame] | None:
    """The store's unmatched/rejected lists the user may see (``{}`` entries are skipped
    when a build has no such file); ``None`` when the user's role may not see row lists."""
    if not may(current_user(), Action.ROW_DETAILS):
        return None
    lists: dict[str, pd.DataFrame] = {}
    for name in ROW_LISTS:
        read = (lambda n=name: getattr(store, n)()) if "." not in name else None
        try:
            lists[name] = read() if read else store.row_report(name)
        except StoreError:
            continue  # not in this build (an optional input)
        except AccessDenied:
            if name in ("unmatched", "rejected"):
                return None
            continue  # a list that cannot be limited to the user's territory
    return lists


def area_names(store: Any) -> dict[str, str]:
    """Area code -> name (``tolist`` first: iterating 91,000 Arrow strings takes ~0.3 s)."""
    areas = store.areas()
    return dict(zip(areas["area_code"].tolist(), areas["area_name"].tolist(), strict=True))


def table_of_rows(
    store: Any, lang: str, names: dict[str, str] | None = None
) -> pd.DataFrame | None:
    lists = read_row_lists(store)
    if lists is None:
        return None
    return rows_to_fix(lists, names if names is not None else area_names(store), lang)


def _rows_section(store: Any, lang: str, names: dict[str, str]) -> html.Div:
    table = table_of_rows(store, lang, names)
    title = t("quality.rows.title", lang)
    if table is None:
        return html.Div(
            [html.H3(title), html.P(t("quality.rows.refused", lang), id=ids.QUALITY_ROWS)],
            className="panel",
        )
    buttons = html.Div(
        [
            html.Span(f"{export_ui.label('download', lang)}: "),
            html.Button(
                export_ui.label("csv", lang), id=ids.QUALITY_ROWS_CSV, className="export-button"
            ),
            html.Button(
                export_ui.label("xlsx", lang), id=ids.QUALITY_ROWS_XLSX, className="export-button"
            ),
            dcc.Download(id=ids.QUALITY_ROWS_DOWNLOAD),
        ],
        className="export-menu",
    )
    return html.Div(
        [
            html.H3(f"{title} ({fmt_int(len(table), lang)})"),
            html.P(t("quality.rows.intro", lang) if len(table) else t("quality.rows.none", lang)),
            dcc.Store(id=ids.QUALITY_ROWS_LANG, data=lang),
            buttons,
            dag.AgGrid(
                id=ids.QUALITY_ROWS,
                rowData=table.to_dict("records"),
                columnDefs=row_grid_columns(lang),
                getRowId="params.data.key",
                defaultColDef={
                    "sortable": True,
                    "filter": True,
                    "floatingFilter": True,
                    "resizable": True,
                },
                dashGridOptions={
                    "domLayout": "autoHeight",
                    "pagination": True,
                    "paginationPageSize": 20,
                    **components.grid_locale(lang),
                },
                className="ag-theme-alpine",
            ),
        ],
        className="panel",
    )


def _loss_section(rec: dict[str, Any], lang: str) -> html.Div | None:
    """The loud warning at the top: files losing more than 5 % of their rows."""
    warnings = loss_warnings(rec, lang)
    if not warnings:
        return None
    blocks = []
    for warning in warnings:
        items = [
            html.Li(
                [
                    html.Strong(f"{r['label']}: {r['count']}"),
                    f" ({t('quality.loss.examples', lang)} {r['examples']})"
                    if r["examples"]
                    else "",
                ]
            )
            for r in warning["reasons"]
        ]
        blocks.append(
            html.Div(
                [
                    html.H3(warning["title"]),
                    html.P(warning["body"]),
                    html.Ul(items),
                    html.P(t("quality.loss.fix", lang)),
                ],
                className="loss-warning",
            )
        )
    return html.Div(blocks, id=ids.QUALITY_LOSS, className="panel warning", role="alert")


def _other_inputs_section(rec: dict[str, Any], lang: str) -> html.Div | None:
    rows = other_input_rows(rec, lang)
    if not rows:
        return None
    numeric = ("rows_in", "accepted", "rejected", "duplicates")
    table = _table(
        [
            t("quality.rec.input", lang),
            t("file", lang),
            t("rows_in", lang),
            t("quality.rec.accepted", lang),
            t("rejected", lang),
            t("duplicates", lang),
            t("reasons", lang),
            t("quality.rec.note", lang),
            "=",
        ],
        [
            [
                r["input"],
                r["file"],
                *[fmt_int(r[k], lang) for k in numeric],
                r["reasons"],
                r["note"],
                "✓" if r["ok"] else "✗",
            ]
            for r in rows
        ],
        numeric={2, 3, 4, 5},
        table_id=ids.QUALITY_OTHER,
    )
    return html.Div([html.H3(t("quality.rec.title", lang)), table], className="panel")


def layout(**query: object) -> html.Div:
    settings, store = current_settings(), current_store()
    lang = parse_query(query).lang
    if not store.exists():
        return components.store_missing(str(settings.store_dir), lang)
    try:
        rec = store.reconciliation()
    except StoreError as exc:
        return store_notice.notice(exc, lang)  # the path for admins only
    names = area_names(store)
    files = file_rows(rec, lang)
    file_table: html.Table | html.P = _table(
        [t("file", lang), *[t(k, lang) for k in COUNT_KEYS], t("reasons", lang), "="],
        [
            [
                r["file"],
                *[fmt_int(r[k], lang) for k in COUNT_KEYS],
                r["reasons"],
                "✓" if r["ok"] else "✗",
            ]
            for r in files
        ],
        numeric=set(range(1, len(COUNT_KEYS) + 1)),
        table_id=ids.QUALITY_FILES,
    )
    kab = kabupaten_rows(rec, names, lang)
    kab_table: html.Table | html.P = _table(
        [
            t("code", lang),
            t("name", lang),
            t("matched", lang),
            t("unmatched", lang),
            t("unmatched_share", lang),
        ],
        [
            [
                r["code"],
                r["name"],
                fmt_int(r["matched"], lang),
                fmt_int(r["unmatched"], lang),
                r["share_text"],
            ]
            for r in kab
        ],
        numeric={2, 3, 4},
        table_id=ids.QUALITY_KAB,
    )
    if "rows_in" not in rec:  # a territory's view: no province-wide per-file counts
        file_table = html.P(t("quality.files_province", lang), id=ids.QUALITY_FILES)
    if not kab:
        kab_table = html.P(t("quality.kabupaten_none", lang), id=ids.QUALITY_KAB)
    flagged = flagged_villages(store.quality(), names, lang)
    other_inputs = _other_inputs_section(rec, lang)
    loss = _loss_section(rec, lang)
    sections: list[Any] = [
        html.H2(
            [t("quality.title", lang), " ", components.info_link("kualitas", lang)],
            className="page-title",
        ),
        *([loss] if loss is not None else []),
        html.P(t("quality.identity", lang)),
        html.Div([html.H3(t("quality.files", lang)), file_table], className="panel"),
        html.Div([html.H3(t("quality.kabupaten", lang)), kab_table], className="panel"),
    ]
    if other_inputs is not None:
        sections.append(other_inputs)
    sections.append(
        html.Div(
            [
                html.H3([t("quality.flags", lang), f" ({len(flagged)})"]),
                dag.AgGrid(
                    id=ids.QUALITY_FLAGS,
                    rowData=flagged.to_dict("records"),
                    columnDefs=[
                        {"field": "village_code", "headerName": t("code", lang)},
                        {"field": "name", "headerName": t("name", lang)},
                        {"field": "kabupaten", "headerName": t("level.kabupaten", lang)},
                        {"field": "flag", "headerName": t("flag", lang)},
                        {
                            "field": "months",
                            "headerName": t("months_flagged", lang),
                            "type": "numericColumn",
                        },
                        {"field": "segments", "headerName": t("segments", lang)},
                        {"field": "latest", "headerName": t("month", lang)},
                        {"field": "detail", "headerName": t("quality.detail.header", lang)},
                    ],
                    defaultColDef={"sortable": True, "filter": True, "resizable": True},
                    dashGridOptions={
                        "domLayout": "autoHeight",
                        "pagination": True,
                        "paginationPageSize": 20,
                        **components.grid_locale(lang),
                    },
                    className="ag-theme-alpine",
                ),
            ],
            className="panel",
        )
    )
    sections.append(_rows_section(store, lang, names))
    return html.Div(sections)


def rows_file(store: Any, fmt: str, lang: str, shown_keys: list[str] | None) -> dict[str, Any]:
    """The rows-to-fix table as CSV or XLSX, rebuilt on the server from the store, in the
    order and filter of the screen (``shown_keys`` only selects rows)."""
    table = table_of_rows(store, lang)
    if table is None:
        raise AccessDenied("row lists are not available to this role")
    frame = shown_rows(table, shown_keys)
    columns = row_export_columns(lang)
    notes = (f"{t('quality.rows.title', lang)}; {date.today():%d-%m-%Y}",)
    name = f"baris-perlu-diperbaiki-{date.today():%Y%m%d}"
    if fmt == "csv":
        return dcc.send_bytes(
            to_csv_bytes(frame, columns, notes, lang=lang), f"{name}.csv", type="text/csv"
        )
    data = to_xlsx_bytes(
        frame, columns, sheet="Baris", title=t("quality.rows.title", lang), notes=notes
    )
    return dcc.send_bytes(data, f"{name}.xlsx", type=XLSX_MEDIA)


def register_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(ids.QUALITY_ROWS_DOWNLOAD, "data"),
        Input(ids.QUALITY_ROWS_CSV, "n_clicks"),
        Input(ids.QUALITY_ROWS_XLSX, "n_clicks"),
        State(ids.QUALITY_ROWS, "virtualRowData"),
        State(ids.QUALITY_ROWS_LANG, "data"),
        prevent_initial_call=True,
    )
    def download_rows(_csv, _xlsx, shown, lang):
        fmt = {ids.QUALITY_ROWS_CSV: "csv", ids.QUALITY_ROWS_XLSX: "xlsx"}.get(
            str(ctx.triggered_id)
        )
        if fmt is None:
            return no_update
        require(Action.EXPORT)
        require(Action.ROW_DETAILS)
        keys = None if shown is None else [str(r.get("key")) for r in shown]
        data = rows_file(current_store(), fmt, lang or "id", keys)
        audit_event("export", "ok", {"what": f"quality_rows.{fmt}", "rows": len(keys or [])})
        return data
