"""Data-quality page: the reconciliation of the last build and the villages flagged."""

from __future__ import annotations

from typing import Any

import dash
import dash_ag_grid as dag
from dash import html

from analytics.store import StoreError
from layouts import components, ids
from layouts.data_access import current_settings, current_store
from layouts.i18n import fmt_int, t
from layouts.quality_views import COUNT_KEYS, file_rows, flagged_villages, kabupaten_rows
from layouts.url_state import parse_query

dash.register_page(__name__, path="/kualitas", name="Kualitas data", title="Cakupan · Kualitas")


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


def layout(**query: object) -> html.Div:
    settings, store = current_settings(), current_store()
    lang = parse_query(query).lang
    if not store.exists():
        return components.store_missing(str(settings.store_dir), lang)
    try:
        rec = store.reconciliation()
    except StoreError as exc:
        return html.Div(str(exc), className="store-missing")
    areas = store.areas()
    names = dict(zip(areas["area_code"], areas["area_name"], strict=True))
    files = file_rows(rec, lang)
    file_table = _table(
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
    kab_table = _table(
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
    flagged = flagged_villages(store.quality(), names, lang)
    workforce = rec.get("workforce") or {}
    sections: list[Any] = [
        html.H2(
            [t("quality.title", lang), " ", components.info_link("kualitas", lang)],
            className="page-title",
        ),
        html.P(t("quality.identity", lang)),
        html.Div([html.H3(t("quality.files", lang)), file_table], className="panel"),
        html.Div([html.H3(t("quality.kabupaten", lang)), kab_table], className="panel"),
    ]
    if workforce:
        sections.append(
            html.Div(
                [
                    html.H3(t("eligible", lang)),
                    html.P(
                        ", ".join(
                            f"{k}: {v}" for k, v in workforce.items() if not isinstance(v, dict)
                        )
                    ),
                ],
                className="panel",
            )
        )
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
                        {"field": "detail", "headerName": "Detail"},
                    ],
                    defaultColDef={"sortable": True, "filter": True, "resizable": True},
                    dashGridOptions={
                        "domLayout": "autoHeight",
                        "pagination": True,
                        "paginationPageSize": 20,
                    },
                    className="ag-theme-alpine",
                ),
            ],
            className="panel",
        )
    )
    return html.Div(sections)
