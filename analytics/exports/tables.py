"""Tables as files people open in a spreadsheet: CSV and XLSX, exactly as shown.

The caller passes the rows in the order and with the filters of the screen, plus the
columns to write (field, Indonesian header, kind). Numbers stay numbers (never text with
thousands marks), rounded once from the exact value to the digits the screen shows
(:func:`analytics.formatting.rounded`: coverage ``15.2``, change ``0.1``); codes stay
text (``99.01`` is not the number 99.01), and any text cell beginning with ``=``, ``+``,
``-``, ``@`` (or a tab or carriage return) is prefixed with an apostrophe so a spreadsheet
shows it instead of running it (OWASP "CSV injection").

:func:`area_table` builds the ranked area table of the coverage map with small-count
protection (:mod:`analytics.exports.suppression`): the members count of a sub-area between 1 and
``threshold - 1`` is hidden, with its complements, and so are the values computed from it
(coverage, uncovered, change), since ``eligible - uncovered`` would give it back.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final, Literal

import pandas as pd

from analytics import formatting
from analytics.disclosure import FigureKey, LinkedSet, protect
from analytics.disclosure.coverage import CoverageFigures
from analytics.exports.suppression import MARK, footnote
from analytics.outreach.files import FORMULA_PREFIXES

Kind = Literal["text", "int", "float", "pct", "pp"]
#: How each kind is rounded: the digits the screen shows (analytics.formatting), rounded
#: once from the exact value; ``float`` keeps two digits.
_ROUNDING: Final[dict[str, formatting.Kind]] = {"int": "count", "pct": "percent", "pp": "pp"}


@dataclass(frozen=True)
class Column:
    """One exported column: the frame's field, its header and how to write it."""

    field: str
    header: str
    kind: Kind = "text"


#: The coverage map's area table, as on screen (layouts.core.components.table_columns).
AREA_COLUMNS: Final = (
    Column("rank", "Peringkat", "int"),
    Column("area_code", "Kode wilayah"),
    Column("area_name", "Nama wilayah"),
    Column("uncovered", "Pekerja belum terlindungi", "int"),
    Column("coverage_pct", "Cakupan (%)", "pct"),
    Column("active", "Peserta aktif", "int"),
    Column("eligible", "Pekerja (penyebut)", "int"),
    Column("change_yoy_pp", "Perubahan 12 bulan (pp)", "pp"),
    Column("flags_text", "Catatan data"),
)
#: Printed under a table whose parent total could give a hidden count away.
WITHHELD_NOTE: Final = (
    "Jumlah peserta {area} tidak boleh dipublikasikan bersama tabel ini: "
    "bersama tabel ini jumlah tersebut dapat membuka jumlah kecil."
)
#: The headers of :data:`AREA_COLUMNS` in English (the screen's own words).
AREA_HEADERS_EN: Final = {
    "rank": "Rank",
    "area_code": "Area code",
    "area_name": "Area name",
    "uncovered": "Workers not covered",
    "coverage_pct": "Coverage (%)",
    "active": "Active members",
    "eligible": "Workers (denominator)",
    "change_yoy_pp": "12-month change (pp)",
    "flags_text": "Data notes",
}


def area_columns(lang: str) -> tuple[Column, ...]:
    """:data:`AREA_COLUMNS` with the headers in ``lang`` (``id`` as defined, or ``en``)."""
    if formatting.lang_of(lang) != "en":
        return AREA_COLUMNS
    return tuple(Column(c.field, AREA_HEADERS_EN[c.field], c.kind) for c in AREA_COLUMNS)


#: Values computed from the members count: hidden with it.
DERIVED_FROM_ACTIVE: Final = ("uncovered", "coverage_pct", "change_yoy_pp", "rank")


def neutralise(value: Any) -> Any:
    """A cell value safe for a spreadsheet: numbers and dates as they are, empty as None,
    text starting with a formula character prefixed with an apostrophe."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalars -> Python numbers
    if isinstance(value, bool | int | float | date | datetime):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _typed(value: Any, kind: Kind) -> Any:
    if kind == "text" or value == MARK:
        return value
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind in _ROUNDING:
        return formatting.rounded(value, _ROUNDING[kind])
    return float(formatting.rounded_decimal(value, 2))  # type: ignore[arg-type]


def table_rows(frame: pd.DataFrame, columns: Sequence[Column]) -> list[list[Any]]:
    """The rows of ``frame`` (in its order) as neutralised, typed cell values."""
    missing = [c.field for c in columns if c.field not in frame.columns]
    if missing:
        raise KeyError(f"columns missing from the table: {missing}")
    records = frame[[c.field for c in columns]].itertuples(index=False)
    return [
        [neutralise(_typed(v, c.kind)) for v, c in zip(record, columns, strict=True)]
        for record in records
    ]


#: CSV dialect per language: Indonesian Excel splits on ``;`` and reads ``,`` as the
#: decimal mark; English Excel (and most programs) ``,`` and ``.`` (RFC 4180).
CSV_MARKS: Final[dict[str, tuple[str, str]]] = {"id": (";", ","), "en": (",", ".")}
#: Digits a CSV writes per column kind (as :func:`_typed` rounded them).
_CSV_DIGITS: Final[dict[str, int]] = {
    "pct": formatting.PERCENT_DIGITS,
    "pp": formatting.PP_DIGITS,
    "float": 2,
}


def _csv_cell(value: Any, kind: Kind, decimal_mark: str) -> Any:
    """A typed cell as CSV text: numbers with the language's decimal mark and no group
    marks (``1234567``, ``12,3``), rounded to the column's digits; text as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if isinstance(value, int) or kind == "int":
        return str(int(value))
    d = formatting.rounded_decimal(value, _CSV_DIGITS.get(kind, 2))
    return "" if d is None else f"{d:f}".replace(".", decimal_mark)


def to_csv_bytes(
    frame: pd.DataFrame,
    columns: Sequence[Column],
    notes: Sequence[str] = (),
    *,
    lang: str,
    metadata: Sequence[tuple[str, str]] = (),
) -> bytes:
    """CSV in UTF-8 with a byte-order mark (so Excel shows the accents), one header row.

    ``lang`` (required, so no caller forgets it) ``id``: ``;`` between fields and ``,`` as
    decimal mark, which an Indonesian Excel opens in columns with numbers as numbers;
    ``en``: RFC 4180's ``,`` and ``.``.
    ``metadata`` (label, value) pairs become trailing columns repeated on every row (area,
    month, source, data date...), so each row says what it is and the file stays one
    rectangular table any program reads; ``notes`` (legacy) are rows under the table.
    """
    separator, decimal_mark = CSV_MARKS.get(lang, CSV_MARKS["en"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    extra = [neutralise(value) for _, value in metadata]
    writer.writerow([c.header for c in columns] + [neutralise(k) for k, _ in metadata])
    kinds = [c.kind for c in columns]
    for row in table_rows(frame, columns):
        cells = [_csv_cell(v, k, decimal_mark) for v, k in zip(row, kinds, strict=True)]
        writer.writerow(cells + extra)
    for note in notes:
        writer.writerow([neutralise(note)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx_bytes(
    frame: pd.DataFrame,
    columns: Sequence[Column],
    *,
    sheet: str = "Tabel",
    title: str = "",
    notes: Sequence[str] = (),
    metadata: Sequence[tuple[str, str]] = (),
    metadata_sheet: str = "Keterangan",
) -> bytes:
    """An XLSX workbook: optional title row, bold header, typed cells, notes below; with
    ``metadata``, a second sheet ``metadata_sheet`` of (label, value) rows (area, month,
    segment, source, data date, export date, synthetic data...)."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet[:31]
    header_row = 1
    if title:
        ws.append([neutralise(title)])
        ws["A1"].font = Font(bold=True, size=13)
        header_row = 3
        ws.append([])
    ws.append([c.header for c in columns])
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for row in table_rows(frame, columns):
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever openpyxl guessed
    formats = {
        "int": "#,##0",
        "float": "0.00",
        "pct": "0." + "0" * formatting.PERCENT_DIGITS,
        "pp": "+0." + "0" * formatting.PP_DIGITS + ";-0." + "0" * formatting.PP_DIGITS + ";0.0",
    }
    for i, column in enumerate(columns, start=1):
        letter = get_column_letter(i)
        if column.kind in formats:
            for cell in ws[letter][header_row:]:
                cell.number_format = formats[column.kind]
        ws.column_dimensions[letter].width = max(12, len(column.header) + 2)
    if notes:
        ws.append([])
        for note in notes:
            ws.append([neutralise(note)])
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    if metadata:
        about = book.create_sheet(metadata_sheet[:31])
        for key, value in metadata:
            about.append([neutralise(key), neutralise(value)])
            about.cell(row=about.max_row, column=1).font = Font(bold=True)
            about.cell(row=about.max_row, column=2).data_type = "s"
        about.column_dimensions["A"].width = 28
        about.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class ProtectedTable:
    """A table ready to export: the rows, and the notes to print under it."""

    frame: pd.DataFrame
    notes: tuple[str, ...]
    suppressed: int
    #: Figures of the parent (its KPI cards) that must not be published with the table.
    withheld: frozenset[FigureKey] = frozenset()


def protect_area_rows(
    rows: pd.DataFrame,
    threshold: int | None,
    *,
    total_published: bool = True,
    coverage: pd.DataFrame | None = None,
    parent: str | None = None,
    segment: str = "ALL",
    month: pd.Timestamp | None = None,
    lang: str = "id",
) -> ProtectedTable:
    """Hide small ``active`` counts (and complements, and values derived from them).

    ``rows`` are *all* the sub-areas of the parent (the parent's total is published on the
    same page, hence ``total_published``); filter and order after protecting, never before,
    or a filtered-out complement would stop protecting. Hidden rows lose their rank and the
    visible rows are ranked among themselves (a gap in the ranks, or a hidden row's place
    in the ranking order, would bound its count); put hidden rows last when ordering.
    ``threshold=None`` turns the protection off (internal use).

    With ``coverage`` (the store's coverage rows of ``parent``), ``segment`` and ``month``,
    the table and the parent's KPI cards (members, coverage, change over 1 and 12 months)
    are protected as one linked set over village counts, the coverage % and the 12-month
    change included (:mod:`analytics.disclosure`). Without it, each row's members count is
    one figure and the parent's total their sum.
    """
    if threshold is None or rows.empty:
        return ProtectedTable(rows, (), 0)
    withheld: frozenset[FigureKey] = frozenset()
    if coverage is not None and month is not None:
        hidden, withheld = _linked_hidden(
            rows, threshold, coverage, parent, segment, pd.Timestamp(month)
        )
    else:
        values = pd.to_numeric(rows["active"], errors="coerce").fillna(0).round().astype(int)
        linked = LinkedSet(dict(enumerate(values.tolist())))
        keys = [linked.add([i]) for i in range(len(values))]
        if total_published:
            linked.add(range(len(values)))
        chosen = protect(linked, threshold)
        active_hidden = [k in chosen for k in keys]
        hidden = {c: active_hidden for c in ("active", *DERIVED_FROM_ACTIVE)}
    out = rows.copy()
    for column, mask in hidden.items():
        if column in out.columns:
            out[column] = (
                out[column].astype("object").where(~pd.Series(mask, index=out.index), MARK)
            )
    if "rank" in out.columns:
        shown = out["rank"].ne(MARK) & out["rank"].notna()
        order = pd.to_numeric(out["rank"].where(shown), errors="coerce")
        out.loc[shown, "rank"] = order[shown].rank(method="first").astype(int)
    n = int(pd.Series(hidden["active"]).sum())
    notes: tuple[str, ...] = (footnote(threshold, lang),) if (out == MARK).to_numpy().any() else ()
    if withheld:
        notes += (WITHHELD_NOTE.format(area=parent),)
    return ProtectedTable(out, notes, n, withheld)


def _linked_hidden(
    rows: pd.DataFrame,
    threshold: int,
    coverage: pd.DataFrame,
    parent: str | None,
    segment: str,
    month: pd.Timestamp,
) -> tuple[dict[str, list[bool]], frozenset[FigureKey]]:
    """Columns to blank per row when the rows and the parent's KPI cards are protected as
    one set of figures over village counts, and the parent's figures to withhold."""
    back = month - pd.DateOffset(months=12)
    months = [month, month - pd.DateOffset(months=1), back]
    figures = CoverageFigures(coverage, parent or "", months)  # "": the whole store
    per_row = []
    for _, r in rows.iterrows():
        code = str(r["area_code"])
        per_row.append(
            (
                figures.active(code, segment, month),
                figures.covered(code, segment, month) if pd.notna(r.get("coverage_pct")) else None,
                figures.covered(code, segment, back) if pd.notna(r.get("change_yoy_pp")) else None,
            )
        )
    page = []  # the KPI cards of the parent, printed beside the table without complements
    if parent:
        page = [figures.active(parent, segment, month)]
        page += [figures.covered(parent, segment, m) for m in months]
    kept = [k for k in page if k is not None]
    chosen = protect(figures.linked, threshold, keep=kept)

    def hit(key: object) -> bool:
        return key is not None and key in chosen

    active = [hit(a) for a, _, _ in per_row]
    covered = [hit(a) or hit(c) for a, c, _ in per_row]
    yoy = [c or hit(y) for c, (_, _, y) in zip(covered, per_row, strict=True)]
    blanks = {
        "active": active,
        "coverage_pct": covered,
        "uncovered": covered,
        "gap": covered,
        "rank": covered,
        "change_yoy_pp": yoy,
        "change_mom_pp": covered,
    }
    return blanks, frozenset(k for k in kept if k in chosen)
