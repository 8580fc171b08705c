"""Small reusable UI pieces: KPI cards, legend, breadcrumb, info links, table columns."""

from __future__ import annotations

from typing import Any, Final

from dash import dcc, html

from analytics import formatting as fmt
from analytics.engine.classify import (
    NO_DATA_CLASS,
    NO_DATA_COLOR,
    OVER_100_CLASS,
    OVER_100_COLOR,
    Classification,
)
from analytics.engine.indicators import AreaKpis
from analytics.exports.suppression import DEFAULT_THRESHOLD
from analytics.settings import UCJ_TARGET_PCT
from layouts.core import ids
from layouts.core.i18n import t
from layouts.core.url_state import TARGET_RANGE, target_choice


def info_link(anchor: str, lang: str) -> dcc.Link:
    """A small "ⓘ" link to the method note of an indicator."""
    return dcc.Link(
        "i",
        href=f"/metode?lang={lang}#{anchor}",
        className="info-link",
        title=t("method_link", lang),
    )


def target_control(
    choice_id: str, custom_id: str, target: float | None, default: float, lang: str
) -> html.Div:
    """The coverage target choice: 100 %, the UCJ target, or a number typed in 0..100."""
    choice, value = target_choice(target, default)
    return html.Div(
        [
            html.Label(
                [t("target.control", lang), " ", info_link("proyeksi", lang)],
                className="control-label",
            ),
            dcc.RadioItems(
                id=choice_id,
                options=[
                    {"label": t("target.full", lang), "value": "100"},
                    {
                        "label": t("target.ucj", lang, pct=fmt.target(UCJ_TARGET_PCT, lang)),
                        "value": "ucj",
                    },
                    {"label": t("target.custom", lang), "value": "custom"},
                ],
                value=choice,
                className="radio",
            ),
            dcc.Input(
                id=custom_id,
                type="number",
                min=TARGET_RANGE[0],
                max=TARGET_RANGE[1],
                step=0.01,
                value=value,
                debounce=True,
                className="target-input",
                placeholder=t("target.custom", lang),
            ),
        ],
        className="control",
    )


def _card(title: str, value: str, note: str, anchor: str, lang: str, tone: str = "") -> html.Div:
    return html.Div(
        [
            html.Div([title, " ", info_link(anchor, lang)], className="kpi-title"),
            html.Div(value, className="kpi-value"),
            html.Div(note, className="kpi-note"),
        ],
        className=f"kpi-card {tone}".strip(),
    )


def projection_text(k: AreaKpis, lang: str) -> tuple[str, str]:
    """(value, tone) of the projection card."""
    if k.coverage_pct is None:
        return t("unknown", lang), ""
    if k.target_reached:
        return t("reached", lang), "good"
    if k.projected_month is None:
        return t("not_reached", lang), "bad"
    return fmt.month(k.projected_month, lang, long=True), "ok"


def kpi_cards(k: AreaKpis, lang: str) -> list[html.Div]:
    projected, tone = projection_text(k, lang)
    pace = fmt.pp_per_month(k.pace_pp_per_month, lang)
    villages = t("villages_note", lang, n=k.villages_with_eligible, total=k.villages)
    return [
        _card(t("coverage", lang), fmt.percent(k.coverage_pct, lang), villages, "cakupan", lang),
        _card(
            t("active", lang), fmt.count(k.active, lang), fmt.month(k.month, lang), "aktif", lang
        ),
        _card(
            t("eligible", lang),
            fmt.count(k.eligible, lang),
            t(f"seg.{k.segment}", lang),
            "eligible",
            lang,
        ),
        _card(t("uncovered", lang), fmt.count(k.uncovered, lang), "", "kesenjangan", lang),
        _card(
            t("vs_prev_month", lang),
            fmt.pp(k.change_mom_pp, lang),
            f"{t('vs_prev_year', lang)}: {fmt.pp(k.change_yoy_pp, lang)}",
            "perubahan",
            lang,
        ),
        _card(
            t("projection", lang),
            projected,
            f"{t('target', lang)} {fmt.target(k.target_pct, lang)} · {t('pace', lang)} {pace}",
            "proyeksi",
            lang,
            tone,
        ),
    ]


def _swatch(color: str, label: str, count: int, shape: str = "swatch") -> html.Div:
    return html.Div(
        [
            html.Span(className=shape, style={"backgroundColor": color}),
            html.Span(label),
            html.Span(f"({count})", className="legend-count"),
        ],
        className="legend-row",
    )


def legend(c: Classification, lang: str, layer: str, max_uncovered: float | None) -> list[Any]:
    counts = c.counts()
    rows: list[Any] = [
        html.Div([t("legend", lang), " ", info_link("kelas", lang)], className="legend-title")
    ]
    labels = c.labels(lang)
    rows += [_swatch(c.colors[i], labels[i], counts[i]) for i in range(c.k)]
    rows.append(_swatch(OVER_100_COLOR, t("over_100", lang), counts[OVER_100_CLASS]))
    rows.append(_swatch(NO_DATA_COLOR, t("no_data", lang), counts[NO_DATA_CLASS]))
    if layer == "gap" and max_uncovered:
        rows.append(
            html.Div(
                [
                    html.Span(className="bubble"),
                    f"{t('uncovered', lang)}: ≤ {fmt.count(max_uncovered, lang)}",
                    " ",
                    info_link("kesenjangan", lang),
                ],
                className="legend-row",
            )
        )
    return rows


def breadcrumb(trail: list[tuple[str, str]], lang: str) -> list[Any]:
    """Buttons for each area above the view (``(code, name)``, the last one is current)."""
    out: list[Any] = []
    for i, (code, name) in enumerate(trail):
        if i:
            out.append(html.Span("›", className="crumb-sep"))
        if i == len(trail) - 1:
            out.append(html.Span(name, className="crumb-current"))
        else:
            out.append(
                html.Button(
                    name, id={"type": ids.CRUMB_TYPE, "code": code}, className="crumb", n_clicks=0
                )
            )
    return out


#: Every chart's plotly.js options: no "Share chart" (it would send the figure to Plotly's
#: cloud) and no toolbar image download (it would bypass the small-count protection and
#: the audit log of the export menu, which gives the same image properly).
GRAPH_CONFIG: Final[dict[str, Any]] = {
    "displaylogo": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "modeBarButtonsToRemove": ["toImage", "sendDataToCloud"],
}


def graph(component_id: str, *, scroll_zoom: bool = False, **props: Any) -> dcc.Graph:
    """A chart with :data:`GRAPH_CONFIG` (maps zoom with the wheel: ``scroll_zoom``)."""
    config: Any = {**GRAPH_CONFIG, "scrollZoom": scroll_zoom}  # Dash types it as a TypedDict
    return dcc.Graph(id=component_id, config=config, **props)


def table_columns(lang: str) -> list[dict[str, Any]]:
    """dash-ag-grid column definitions. A number column sorts and filters on the exact
    value and shows the text the server formatted (``<field>_text``), so the table, the
    hover, the exports and the report print the same digits."""

    def num(field: str, header: str, width: int = 130) -> dict[str, Any]:
        return {
            "field": field,
            "headerName": header,
            "type": "numericColumn",
            "filter": "agNumberColumnFilter",
            "valueFormatter": {"function": f"params.data['{field}_text']"},
            "width": width,
        }

    return [
        {"field": "rank", "headerName": "#", "width": 70, "type": "numericColumn"},
        {"field": "area_name", "headerName": t("name", lang), "width": 190, "pinned": "left"},
        {"field": "area_code", "headerName": t("code", lang), "width": 140},
        num("uncovered", t("uncovered", lang), 150),
        num("coverage_pct", t("coverage", lang)),
        num("active", t("active", lang)),
        num("eligible", t("eligible", lang), 160),
        num("change_yoy_pp", t("change_yoy", lang), 160),
        {"field": "flags_text", "headerName": t("flags", lang), "width": 200},
    ]


def store_missing(path: str, lang: str) -> html.Div:
    """The no-store notice; the store folder ``path`` is shown to admins only (the notice
    reads it from the settings: layouts/core/store_notice.py)."""
    from layouts.core.store_notice import notice

    return notice(None, lang)


#: AG Grid's built-in texts in Indonesian (pagination, filters, empty grid); English is
#: the grid's own default.
GRID_LOCALE_ID: Final = {
    "page": "Halaman",
    "of": "dari",
    "to": "sampai",
    "more": "lebih",
    "pageSizeSelectorLabel": "Baris per halaman:",
    "ariaPageSizeSelectorLabel": "Baris per halaman",
    "firstPage": "Halaman pertama",
    "previousPage": "Halaman sebelumnya",
    "nextPage": "Halaman berikutnya",
    "lastPage": "Halaman terakhir",
    "pageLastRowUnknown": "?",
    "noRowsToShow": "Tidak ada baris",
    "loadingOoo": "Memuat…",
    "filterOoo": "Saring…",
    "equals": "Sama dengan",
    "notEqual": "Tidak sama dengan",
    "contains": "Memuat",
    "notContains": "Tidak memuat",
    "startsWith": "Diawali",
    "endsWith": "Diakhiri",
    "blank": "Kosong",
    "notBlank": "Tidak kosong",
    "lessThan": "Kurang dari",
    "greaterThan": "Lebih dari",
    "lessThanOrEqual": "Kurang dari atau sama dengan",
    "greaterThanOrEqual": "Lebih dari atau sama dengan",
    "inRange": "Di antara",
    "inRangeStart": "Dari",
    "inRangeEnd": "Sampai",
    "andCondition": "DAN",
    "orCondition": "ATAU",
    "applyFilter": "Terapkan",
    "resetFilter": "Atur ulang",
    "clearFilter": "Hapus",
    "cancelFilter": "Batal",
    "textFilter": "Saringan teks",
    "numberFilter": "Saringan angka",
    "dateFilter": "Saringan tanggal",
    "empty": "Pilih satu",
    "before": "Sebelum",
    "after": "Sesudah",
    "dateFormatOoo": "tttt-bb-hh",
    "noMatchingRows": "Tidak ada baris yang cocok",
    "exportingOoo": "Mengekspor…",
    "invalidNumber": "Angka tidak valid",
    "invalidDate": "Tanggal tidak valid",
    "blanks": "(Kosong)",
    "selectAll": "(Pilih semua)",
    "searchOoo": "Cari…",
    "noMatches": "Tidak ada yang cocok",
    "ariaFilterInput": "Isian saringan",
    "ariaFilterValue": "Nilai saringan",
    "ariaFilteringOperator": "Operator saringan",
    "ariaFilterColumnsInput": "Isian saringan kolom",
    "ariaRowSelect": "Tekan SPASI untuk memilih baris ini",
    "ariaSearch": "Cari",
    "ariaSortableColumn": "Tekan ENTER untuk mengurutkan",
    "ariaChecked": "dicentang",
    "ariaUnchecked": "tidak dicentang",
    "sortAscending": "Urutkan naik",
    "sortDescending": "Urutkan turun",
    "sortUnSort": "Hapus urutan",
    "pinColumn": "Sematkan kolom",
    "pinLeft": "Sematkan kiri",
    "pinRight": "Sematkan kanan",
    "noPin": "Tanpa sematan",
    "autosizeThisColumn": "Ukuran otomatis kolom ini",
    "autosizeAllColumns": "Ukuran otomatis semua kolom",
    "resetColumns": "Atur ulang kolom",
    "columnFilter": "Saringan kolom",
    "columnChooser": "Pilih kolom",
    "chooseColumns": "Pilih kolom",
    "columns": "Kolom",
    "filters": "Saringan",
    "hideColumn": "Sembunyikan kolom",
    "true": "Ya",
    "false": "Tidak",
}


def area_grid(component_id: str, lang: str, **options: Any) -> Any:
    """The ranked area table of a map page (AG Grid, :func:`table_columns`), paged by 20,
    in ``lang``; ``options`` are extra grid options (e.g. row selection)."""
    import dash_ag_grid as dag

    return dag.AgGrid(
        id=component_id,
        columnDefs=table_columns(lang),
        rowData=[],
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        getRowId="params.data.area_code",
        dashGridOptions={
            "animateRows": False,
            "domLayout": "autoHeight",
            "pagination": True,
            "paginationPageSize": 20,
            **options,
            **grid_locale(lang),
        },
        className="ag-theme-alpine",
        style={"width": "100%"},
    )


def grid_locale(lang: str) -> dict[str, Any]:
    """``dashGridOptions`` entries that translate AG Grid's own texts for ``lang``."""
    return {"localeText": dict(GRID_LOCALE_ID)} if lang == "id" else {}


#: dcc.Dropdown's own texts (Dash 4 ``labels`` prop) in Indonesian.
DROPDOWN_LABELS_ID: Final[dcc.Dropdown.Labels] = {
    "select_all": "Pilih semua",
    "deselect_all": "Batalkan semua",
    "selected_count": "{num_selected} dipilih",
    "search": "Cari",
    "clear_search": "Hapus pencarian",
    "clear_selection": "Hapus pilihan",
    "no_options_found": "Tidak ada pilihan",
}


def dropdown_labels(lang: str) -> dcc.Dropdown.Labels:
    """``labels=`` for a ``dcc.Dropdown`` in ``lang`` (English: Dash's defaults)."""
    return DROPDOWN_LABELS_ID.copy() if lang == "id" else {}


def protection_controls(protect_id: Any, threshold_id: Any, lang: str) -> html.Div:
    """The small-count protection switch and threshold of every download menu."""
    return html.Div(
        [
            dcc.Checklist(
                id=protect_id,
                options=[{"label": t("protect.small_counts", lang), "value": "on"}],
                value=["on"],
                inline=True,
            ),
            html.Span(f" {t('protect.threshold', lang)} "),
            dcc.Input(
                id=threshold_id,
                type="number",
                min=2,
                max=100,
                step=1,
                value=DEFAULT_THRESHOLD,
                style={"width": "4em"},
            ),
        ],
        className="export-protect",
    )
