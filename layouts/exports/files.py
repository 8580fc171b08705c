"""The files behind the download menus (:mod:`layouts.exports.ui`): the map or trend figure
in a format, the area table as CSV or XLSX with its metadata, the protection threshold in
force; and the menus' words. Built from a resolved view state; the callbacks check the
user's rights and territory first."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

import pandas as pd
from dash import dcc

from analytics import formatting
from analytics.exports.suppression import DEFAULT_THRESHOLD, MARK
from analytics.exports.tables import (
    ProtectedTable,
    area_columns,
    protect_area_rows,
    to_csv_bytes,
    to_xlsx_bytes,
)
from analytics.report.job import area_coverage
from analytics.settings import Settings
from layouts.core import components
from layouts.core.store_access import StoreLike
from layouts.core.url_state import ViewState
from layouts.exports.figures import map_export, trend_export
from layouts.exports.rendering import MEDIA_TYPES, Size, export_figure
from layouts.map.view_model import row_data, view_rows

LABELS: Final[dict[str, dict[str, str]]] = {
    "download": {"id": "Unduh", "en": "Download"},
    "png-screen": {"id": "PNG (layar)", "en": "PNG (screen)"},
    "png-print": {"id": "PNG cetak 300 dpi", "en": "PNG print 300 dpi"},
    "svg": {"id": "SVG", "en": "SVG"},
    "pdf": {"id": "PDF", "en": "PDF"},
    "csv": {"id": "CSV", "en": "CSV"},
    "xlsx": {"id": "XLSX (Excel)", "en": "XLSX (Excel)"},
    "report": {"id": "Laporan PDF wilayah ini", "en": "PDF report of this area"},
    # words of the exported files' names
    "file.map": {"id": "peta", "en": "map"},
    "file.trend": {"id": "tren", "en": "trend"},
    "file.table": {"id": "tabel", "en": "table"},
    "file.all": {"id": "semua", "en": "all"},
    "file.print": {"id": "cetak", "en": "print"},
    "report_running": {"id": "Menyusun laporan…", "en": "Preparing the report…"},
    "report_done": {"id": "Laporan siap diunduh.", "en": "The report is ready."},
    "report_failed": {"id": "Laporan gagal dibuat: {msg}", "en": "The report failed: {msg}"},
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


def threshold_of(protect: list[str] | None, threshold: object) -> int | None:
    """The threshold in force: ``None`` when protection is off; invalid input -> default."""
    if not protect:
        return None
    try:
        value = int(threshold)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return DEFAULT_THRESHOLD
    return value if 2 <= value <= 100 else DEFAULT_THRESHOLD


def file_stem(kind: str, state: ViewState) -> str:
    """``cakupan_<kind>_<area>_<month>_<segment>`` in the view's language: ``kind`` is
    ``map``, ``trend``, ``table`` or a level (``desa``, ``kecamatan``: the same word in both);
    the whole store is ``semua`` / ``all``."""
    word = label(f"file.{kind}", state.lang) if f"file.{kind}" in LABELS else kind
    area = (state.area or label("file.all", state.lang)).replace(".", "-")
    return f"cakupan_{word}_{area}_{state.month}_{state.segment}"


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
    suffix = f"_{label('file.print', state.lang)}" if size == "print" else ""
    return dcc.send_bytes(
        data, f"{file_stem(kind, state)}{suffix}.{file_fmt}", type=MEDIA_TYPES[file_fmt]
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
    name = file_stem("table", state)
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
