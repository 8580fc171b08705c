"""Tables as files people open in a spreadsheet: CSV and XLSX, exactly as shown.

The caller passes the rows in the order and with the filters of the screen, plus the
columns to write (field, Indonesian header, kind). Numbers stay numbers (never text with
thousands marks), rounded once from the exact value to the digits the screen shows
(:func:`analytics.formatting.rounded`: coverage ``15.2``, change ``0.1``); codes stay
text (``99.01`` is not the number 99.01), and any text cell beginning with ``=``, ``+``,
``-``, ``@`` (or a tab or carriage return) is prefixed with an apostrophe so a spreadsheet
shows it instead of running it (OWASP "CSV injection").

:func:`area_table` builds the ranked area table of the coverage map with small-count
protection (:mod:`analytics.suppression`): the members count of a sub-area between 1 and
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
from analytics.outreach.files import FORMULA_PREFIXES
from analytics.suppression import MARK, footnote, suppress_list

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


#: The coverage map's area table, as on screen (layouts.components.table_columns).
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


def to_csv_bytes(
    frame: pd.DataFrame, columns: Sequence[Column], notes: Sequence[str] = ()
) -> bytes:
    """RFC 4180 CSV (comma separated, dot decimal mark, so every program reads the numbers
    as numbers) in UTF-8 with a byte-order mark so Excel shows the accents. For people
    opening the file in an Indonesian Excel, the XLSX is the better choice."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    writer.writerows(table_rows(frame, columns))
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
) -> bytes:
    """An XLSX workbook: optional title row, bold header, typed cells, notes below."""
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
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class ProtectedTable:
    """A table ready to export: the rows, and the notes to print under it."""

    frame: pd.DataFrame
    notes: tuple[str, ...]
    suppressed: int


def protect_area_rows(
    rows: pd.DataFrame,
    threshold: int | None,
    *,
    total_published: bool = True,
    lang: str = "id",
) -> ProtectedTable:
    """Hide small ``active`` counts (and complements, and values derived from them).

    ``rows`` are *all* the sub-areas of the parent (the parent's total is published on the
    same page, hence ``total_published``); filter and order after protecting, never before,
    or a filtered-out complement would stop protecting. ``threshold=None`` turns the
    protection off (internal use).
    """
    if threshold is None or rows.empty:
        return ProtectedTable(rows, (), 0)
    result = suppress_list(rows["active"], threshold, total=total_published)
    hidden = result.hidden.to_numpy()
    out = rows.copy()
    for column in ("active", *DERIVED_FROM_ACTIVE):
        if column in out.columns:
            out[column] = out[column].astype("object").where(~hidden, MARK)
    n = int(hidden.sum())
    notes = (footnote(threshold, lang),) if n else ()
    return ProtectedTable(out, notes, n)
