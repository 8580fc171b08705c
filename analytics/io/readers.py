"""Format readers: the needed columns of a CSV, XLSX or Parquet file as frames of text.

These are the per-format halves of :mod:`analytics.io.tables`, which detects the format and
header row, numbers the rows and counts blank ones. CSV and XLSX can be read in chunks of
rows (``chunk_rows``) so that memory does not grow with the file; Parquet is read by row
groups (:attr:`TableSource.row_groups`; :mod:`analytics.io.tables` fills it in).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

_STR: Final = pd.StringDtype("pyarrow", na_value=np.nan)  # the default ``str`` dtype

TableKind = Literal["csv", "xlsx", "parquet"]


@dataclass(frozen=True)
class TableSource:
    """A tabular file whose format and header row are known, before its data is read."""

    path: Path
    kind: TableKind
    headers: tuple[str, ...]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int = 1
    #: Parquet only: read just these row groups, which follow ``rows_before`` data rows.
    row_groups: tuple[int, ...] | None = None
    rows_before: int = 0


class Workbook:
    """An XLSX workbook read with python-calamine (Rust): cached cell values only.

    calamine reads the value Excel stored with each formula (``<v>``) and never evaluates
    a formula; a formula saved without a cached value reads as an empty cell. A sheet is
    parsed whole when first asked for (calamine has no streaming reader) and the last one
    is kept, so finding the header and reading the rows parse it once.
    """

    def __init__(self, path: Any) -> None:
        from python_calamine import CalamineWorkbook

        self._book = CalamineWorkbook.from_path(str(path))
        self._sheet: tuple[str, Any] | None = None

    @property
    def sheet_names(self) -> list[str]:
        """The worksheets, in workbook order (chart and macro sheets left out)."""
        from python_calamine import SheetTypeEnum

        return [m.name for m in self._book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]

    def rows(self, name: str) -> Iterator[Sequence[object]]:
        """The rows of sheet ``name`` from its first row (row 1), empty cells as ``""``."""
        if self._sheet is None or self._sheet[0] != name:
            self._sheet = None  # free the previous sheet before parsing the next
            self._sheet = (name, self._book.get_sheet_by_name(name))
        rows: Iterator[Sequence[object]] = self._sheet[1].iter_rows()
        return rows

    def close(self) -> None:
        """Release the sheet and the file (idempotent)."""
        self._sheet = None
        try:
            self._book.close()
        except Exception:
            pass


def open_workbook(path: Any) -> Workbook:
    """The workbook at ``path`` (see :class:`Workbook`)."""
    return Workbook(path)


def csv_frames(
    source: TableSource, columns: Mapping[str, str], chunk_rows: int | None
) -> Iterator[pd.DataFrame]:
    """The ``columns`` (``{field: header}``) of a CSV, ``chunk_rows`` rows at a time (or whole).

    Every row below the header is kept, blank lines included (as all-empty rows), so row
    positions stay line positions. Cells are stripped text; empty cells are NaN.
    """
    options: dict[str, Any] = {
        "sep": source.delimiter,
        "encoding": source.encoding,
        "usecols": list(columns.values()),
        "dtype": str,
        "keep_default_na": False,
        "na_values": [""],
        "skip_blank_lines": False,
        "skiprows": source.header_row - 1,
        "engine": "c",
    }
    if chunk_rows is None:
        yield _stripped(pd.read_csv(source.path, **options), columns)
        return
    with pd.read_csv(source.path, chunksize=chunk_rows, **options) as reader:
        for frame in reader:
            yield _stripped(frame, columns)


def _stripped(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """The columns renamed to their fields, stripped, with empty text as NaN."""
    data = {}
    for name, header in columns.items():
        text = frame[header].str.strip()
        data[name] = text.where(text != "")
    return pd.DataFrame(data, index=frame.index)


def xlsx_cell_text(value: object, text_only: bool) -> tuple[str | None, bool]:
    """The text of one cell and whether it was a refused numeric cell."""
    if value is None:
        return None, False
    if isinstance(value, str):
        text = value.strip()
        return (text or None), False
    if isinstance(value, bool):
        return (None, True) if text_only else (str(value).upper(), False)
    if isinstance(value, dt.datetime | dt.date):
        if text_only:
            return None, True
        day = value.date() if isinstance(value, dt.datetime) else value
        return day.isoformat(), False
    if isinstance(value, int | float):
        if text_only:
            return None, True
        if isinstance(value, float) and value.is_integer():
            return str(int(value)), False
        return str(value), False
    return str(value), False


def xlsx_frames(
    source: TableSource,
    columns: Mapping[str, str],
    text_only: Collection[str],
    workbook: Workbook | None,
    chunk_rows: int | None,
) -> Iterator[tuple[pd.DataFrame, dict[str, np.ndarray]]]:
    """The ``columns`` of a sheet and their refused numeric cells, ``chunk_rows`` rows at a time.

    The sheet's rows are taken ``chunk_rows`` at a time from calamine's parsed sheet; a
    workbook opened here is closed when the iteration ends or is abandoned. At least one
    (maybe empty) frame comes.
    """
    positions = {f: source.headers.index(h) for f, h in columns.items()}
    book = workbook if workbook is not None else open_workbook(source.path)
    try:
        rows = book.rows(source.sheet or book.sheet_names[0])
        for _ in range(source.header_row):
            next(rows, None)
        values: dict[str, list[object]] = {f: [] for f in columns}
        taken, yielded = 0, False
        for row in rows:
            width = len(row)
            for name, position in positions.items():
                values[name].append(row[position] if position < width else None)
            taken += 1
            if taken == chunk_rows:
                yield _xlsx_frame(values, text_only)
                values, taken, yielded = {f: [] for f in columns}, 0, True
        if taken or not yielded:
            yield _xlsx_frame(values, text_only)
    finally:
        if workbook is None:
            book.close()


def _xlsx_frame(
    values: Mapping[str, list[object]], text_only: Collection[str]
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    data: dict[str, pd.Series] = {}
    refused: dict[str, np.ndarray] = {}
    for name, cells in values.items():
        if all(type(v) is str for v in cells):
            # The common case (a text column): stripped by pandas, not cell by cell.
            text = pd.Series(cells, dtype="str").str.strip()
            data[name] = text.where(text != "")
            continue
        converted = [xlsx_cell_text(v, name in text_only) for v in cells]
        data[name] = pd.Series([text for text, _ in converted], dtype="str")
        mask = np.fromiter((r for _, r in converted), dtype=bool, count=len(converted))
        if mask.any():
            refused[name] = mask
    return pd.DataFrame(data), refused


def read_parquet(
    source: TableSource,
    columns: Mapping[str, str],
    text_only: Collection[str],
    categorical: Collection[str],
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The ``columns`` of a Parquet file (its ``row_groups`` only, when set), one at a time.

    Integer id columns are exact and become text; floating-point id columns (``text_only``)
    are refused and counted; text columns in ``categorical`` are read dictionary-encoded.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pq.read_schema(source.path)

    def is_text(header: str) -> bool:
        kind = schema.field(header).type
        return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))

    metadata = pq.ParquetFile(source.path).metadata
    groups = source.row_groups
    if groups is None:
        rows = metadata.num_rows
    else:
        rows = sum(metadata.row_group(g).num_rows for g in groups)
    data: dict[str, pd.Series] = {}
    refused: dict[str, np.ndarray] = {}
    for name, header in columns.items():
        # One column at a time: the Arrow buffers of a column are freed once converted.
        read_dictionary = [header] if name in categorical and is_text(header) else None
        if groups is None:
            table = pq.read_table(source.path, columns=[header], read_dictionary=read_dictionary)
        else:
            parquet = pq.ParquetFile(source.path, read_dictionary=read_dictionary)
            table = parquet.read_row_groups(list(groups), columns=[header])
        column = table.column(0)
        kind = column.type
        if pa.types.is_floating(kind) and name in text_only:
            # A float has lost digits (or leading zeros) of a code or id: refuse, count.
            refused[name] = column.is_valid().to_numpy(zero_copy_only=False)
            series = pd.Series(np.nan, index=pd.RangeIndex(rows), dtype="str")
        elif pa.types.is_integer(kind):
            series = pd.Series(pd.array(column.cast(pa.large_string()), dtype=_STR))
        elif pa.types.is_floating(kind):
            values = column.to_pandas()
            integral = values.notna() & (values == values.round())
            series = values.astype("str").where(~integral, values.astype("Int64").astype("str"))
        elif pa.types.is_date(kind) or pa.types.is_timestamp(kind):
            series = pd.to_datetime(column.to_pandas()).dt.tz_localize(None)
            series = series.dt.normalize() if pa.types.is_timestamp(kind) else series
        elif isinstance(kind, pa.DictionaryType):
            series = column.to_pandas()
        else:
            # Whitespace and empty text are left to the value normalisers: copying ten
            # million ids to trim them here would double the memory needed.
            series = pd.Series(pd.array(column.cast(pa.large_string()), dtype=_STR))
        del table, column
        data[name] = series.reset_index(drop=True)
    return pd.DataFrame(data, index=pd.RangeIndex(rows)), refused
