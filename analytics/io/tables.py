"""Reading tabular exports: CSV, XLSX and Parquet, whole or in chunks of rows.

Registry and workforce exports come from many offices and tools, so nothing about their
layout is assumed beyond "a header row, then one record per row":

- CSV: the encoding is detected (UTF-8, UTF-8 with BOM, else charset-normalizer's best
  guess among cp1252/Latin-1, falling back to cp1252 and then Latin-1, which never fails),
  and so is the delimiter (``csv.Sniffer`` over ``, ; tab |``, else the candidate that
  appears most often in the header line, else a comma). The header is the first line or,
  when the caller says what a header looks like (``recognise``) and the first line is not
  one, the first recognised line among the next ones (a title line above the header).
- XLSX: read with python-calamine from the cached cell values; formulas are never
  evaluated (a formula saved without a cached value is an empty cell). Real Excel dates
  become ISO dates. A *numeric* cell in a code or id column (``text_only``) is not turned
  back into text: a 16-digit NIK stored as a number has already lost digits (Excel keeps
  15), so the cell is refused: empty, counted, and marked (:attr:`Table.refused`). The
  header row is found as in a CSV, in the first sheet that has one ``recognise`` accepts.
- Parquet: only the needed columns are read; text columns with few distinct values are
  read dictionary-encoded (categorical). Integer id columns are exact and become text;
  floating-point id columns are refused cell by cell like numeric XLSX cells.

Headers are matched to fields by :mod:`analytics.io.headers`; the per-format readers are in
:mod:`analytics.io.readers`. :func:`read_table_chunks` streams a file in chunks of rows
(Parquet by runs of row groups, :func:`parquet_parts`), so memory does not grow with it.

Rows are numbered as a spreadsheet user sees them: the header is row 1 (or the line it is
on), the first data row the next one. Placeholder cells (``-``, ``N/A``, ``0000-00-00``,
..., :data:`analytics.io.values.PLACEHOLDERS` or the caller's set) are made empty here, the one
place where cells are read, for every field and format. A row where every read column is
empty (and no cell was refused) carries nothing to count: it is left out and reported as a
blank row.

Why one module of ~400 lines: detection (encoding, delimiter, header row) and chunked
reading share the ``TableSource`` they produce and the row numbering; the per-format
readers are already apart in :mod:`analytics.io.readers`.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TypeVar

import numpy as np
import pandas as pd

from analytics.errors import InputError
from analytics.io.readers import (
    TableKind,
    TableSource,
    Workbook,
    csv_frames,
    open_workbook,
    read_parquet,
    xlsx_frames,
)
from analytics.io.values import PLACEHOLDERS, without_placeholders

Recognise = Callable[[Sequence[str]], bool]

_DELIMITERS: Final = ",;\t|"
_SNIFF_BYTES: Final = 64 * 1024
#: How many lines of a CSV (non-empty rows of a sheet) are searched for a recognised header.
_HEADER_SEARCH_LINES: Final = 30
_T = TypeVar("_T")


@dataclass(frozen=True)
class Table:
    """The needed columns of a table, renamed to their fields.

    ``frame`` holds text (``str`` or categorical of text) or, for typed Parquet date
    columns, datetimes. ``source_row`` is the spreadsheet row number of each frame row.
    ``refused`` marks, per field that has any, the rows whose cell was a refused numeric
    cell (empty in ``frame``); ``numeric_cells`` counts them.
    """

    frame: pd.DataFrame
    source_row: pd.Series
    blank_rows: int = 0
    numeric_cells: dict[str, int] = field(default_factory=dict)
    refused: dict[str, np.ndarray] = field(default_factory=dict)


def detect_encoding(raw: bytes) -> str:
    """The encoding of CSV bytes: ``utf-8-sig``, ``utf-8``, ``cp1252`` or ``latin-1``.

    UTF-8 is tried first because it almost never decodes text written in another encoding;
    otherwise charset-normalizer's guess is used when it is one of the single-byte Western
    encodings registries are written in, else cp1252, else Latin-1 (which decodes anything).
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    guess = best.encoding if best is not None else None
    candidates = [guess] if guess in {"cp1252", "latin_1", "iso8859_15"} else []
    for encoding in [*candidates, "cp1252"]:
        try:
            raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return "latin-1"


def detect_delimiter(sample: str) -> str:
    """The delimiter of CSV text (see the module docstring for the order of attempts)."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in _DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] > 0 else ","


def _kind_of(path: Path) -> TableKind:
    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt", ".tsv"}:
        return "csv"
    if suffix in {".xlsx", ".xlsm"}:
        return "xlsx"
    if suffix in {".parquet", ".pq"}:
        return "parquet"
    raise InputError(
        f"unsupported file type {suffix or '(none)'!r}: use CSV, XLSX or Parquet", file=path.name
    )


def inspect_table(path: Path, recognise: Recognise | None = None) -> TableSource:
    """Detect the format and read the header row of ``path``.

    The header is the first non-empty row; when ``recognise`` is given and does not accept
    it, the first row below it that it accepts (title lines above the header), searching the
    sheets of a workbook in order; else the first non-empty row (of the first sheet).
    """
    if not path.is_file():
        raise InputError("the file does not exist", file=str(path))
    kind = _kind_of(path)
    try:
        if kind == "csv":
            return _inspect_csv(path, recognise)
        if kind == "xlsx":
            return _inspect_xlsx(path, recognise)
        import pyarrow.parquet as pq

        return TableSource(path, kind, tuple(pq.read_schema(path).names))
    except InputError:
        raise
    except Exception as exc:  # every reader has its own errors; name the file, not a traceback
        raise InputError(f"cannot read the file as {kind.upper()}: {exc}", file=path.name) from exc


def _inspect_csv(path: Path, recognise: Recognise | None) -> TableSource:
    with path.open("rb") as handle:
        raw = handle.read(_SNIFF_BYTES)
    if not raw.strip():
        raise InputError("the file is empty", file=path.name)
    encoding = detect_encoding(raw)
    # A multi-byte character may be cut at the end of the sample.
    sample = raw.decode(encoding, errors="ignore")
    delimiter = detect_delimiter(sample)
    source = _csv_source(path, encoding, delimiter, header_row=1)
    if recognise is None or recognise(source.headers):
        return source
    lines = sample.split("\n")[:_HEADER_SEARCH_LINES]
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        below = "\n".join(lines[number - 1 :])
        delimiter_below = detect_delimiter(below)
        cells = next(csv.reader([line.rstrip("\r")], delimiter=delimiter_below), [])
        if recognise([c.strip() for c in cells]):
            return _csv_source(path, encoding, delimiter_below, header_row=number)
    return source


def _csv_source(path: Path, encoding: str, delimiter: str, *, header_row: int) -> TableSource:
    headers = pd.read_csv(
        path,
        sep=delimiter,
        encoding=encoding,
        skiprows=header_row - 1,
        nrows=0,
        dtype=str,
        engine="c",
    ).columns
    return TableSource(
        path, "csv", tuple(str(h) for h in headers), encoding, delimiter, header_row=header_row
    )


def _inspect_xlsx(
    path: Path, recognise: Recognise | None, workbook: Workbook | None = None
) -> TableSource:
    book = workbook if workbook is not None else _open_xlsx(path)
    try:
        first: TableSource | None = None
        for name in book.sheet_names:
            seen = 0
            for number, row in enumerate(book.rows(name), start=1):
                if not any(v is not None and str(v).strip() for v in row):
                    continue
                headers = tuple("" if v is None else str(v).strip() for v in row)
                source = TableSource(path, "xlsx", headers, sheet=name, header_row=number)
                if recognise is None or recognise(headers):
                    return source
                first, seen = first or source, seen + 1
                if seen == _HEADER_SEARCH_LINES:
                    break
        if first is None:
            raise InputError("the workbook has no header row in any sheet", file=path.name)
        return first
    finally:
        if workbook is None:
            book.close()


def read_table_chunks(
    path: Path,
    choose: Callable[[TableSource], Mapping[str, str]],
    *,
    chunk_rows: int,
    recognise: Recognise | None = None,
    text_only: Collection[str] = (),
    categorical: Collection[str] = (),
    placeholders: Collection[str] = PLACEHOLDERS,
) -> Iterator[Table]:
    """:func:`inspect_table`, then the columns ``choose`` picks, ``chunk_rows`` rows at a time.

    Joined, the chunks are :func:`read_columns`'s table: the same rows, row numbers, blank
    row and refused cell counts (each chunk counts its own; a chunk holds at most
    ``chunk_rows`` rows before blank ones go). A workbook is opened once and its sheet
    parsed once (calamine parses a whole sheet), and closed when the iteration ends or is
    abandoned. At least one (maybe empty) table comes.
    """
    if not path.is_file() or _kind_of(path) != "xlsx":
        source = inspect_table(path, recognise)
        yield from read_column_chunks(
            source,
            choose(source),
            chunk_rows=chunk_rows,
            text_only=text_only,
            categorical=categorical,
            placeholders=placeholders,
        )
        return
    workbook = _open_xlsx(path)
    try:
        source = _inspect_xlsx(path, recognise, workbook)
        yield from read_column_chunks(
            source,
            choose(source),
            chunk_rows=chunk_rows,
            text_only=text_only,
            categorical=categorical,
            workbook=workbook,
            placeholders=placeholders,
        )
    finally:
        workbook.close()


def _open_xlsx(path: Path) -> Workbook:
    try:
        return open_workbook(path)
    except Exception as exc:  # calamine raises several types; name the file
        raise InputError(f"cannot read the file as XLSX: {exc}", file=path.name) from exc


def read_columns(
    source: TableSource,
    columns: Mapping[str, str],
    *,
    text_only: Collection[str] = (),
    categorical: Collection[str] = (),
    workbook: Workbook | None = None,
    placeholders: Collection[str] = PLACEHOLDERS,
) -> Table:
    """Read the ``columns`` (``{field: header}``) of ``source``, renamed to their fields.

    ``text_only`` fields hold codes or ids (numeric cells are refused); ``categorical``
    fields have few distinct values and are held as categories to save memory;
    ``placeholders`` are the cell texts that mean "empty".
    """
    if source.kind == "csv":
        parts: Iterator[tuple[pd.DataFrame, dict[str, np.ndarray]]] = (
            (frame, {}) for frame in csv_frames(source, columns, None)
        )
    elif source.kind == "xlsx":
        parts = xlsx_frames(source, columns, text_only, workbook, None)
    else:
        parts = _lazily(read_parquet, source, columns, text_only, categorical)
    frame, refused = next(_guarded(parts, source))
    first_row = source.header_row + 1 + source.rows_before
    return _table(frame, refused, first_row, categorical, placeholders)


def read_column_chunks(
    source: TableSource,
    columns: Mapping[str, str],
    *,
    chunk_rows: int,
    text_only: Collection[str] = (),
    categorical: Collection[str] = (),
    workbook: Workbook | None = None,
    placeholders: Collection[str] = PLACEHOLDERS,
) -> Iterator[Table]:
    """:func:`read_columns` in tables of at most ``chunk_rows`` rows (see read_table_chunks)."""
    if source.kind == "parquet":
        for part in parquet_parts(source, chunk_rows):
            yield read_columns(
                part,
                columns,
                text_only=text_only,
                categorical=categorical,
                placeholders=placeholders,
            )
        return
    if source.kind == "csv":
        parts: Iterator[tuple[pd.DataFrame, dict[str, np.ndarray]]] = (
            (frame, {}) for frame in csv_frames(source, columns, chunk_rows)
        )
    else:
        parts = xlsx_frames(source, columns, text_only, workbook, chunk_rows)
    first_row = source.header_row + 1 + source.rows_before
    for frame, refused in _guarded(parts, source):
        yield _table(frame, refused, first_row, categorical, placeholders)
        first_row += len(frame)


def parquet_parts(source: TableSource, chunk_rows: int) -> Iterator[TableSource]:
    """``source`` as runs of whole row groups of at least ``chunk_rows`` rows (the last fewer).

    Each part knows the data rows before it (``rows_before``), so row numbers stay those
    of the whole file. A file without row groups is one part.
    """
    import pyarrow.parquet as pq

    metadata = pq.ParquetFile(source.path).metadata
    sizes = [metadata.row_group(g).num_rows for g in range(metadata.num_row_groups)]
    groups: list[int] = []
    before = taken = 0
    for group, size in enumerate(sizes):
        groups.append(group)
        taken += size
        if taken >= chunk_rows or group == len(sizes) - 1:
            yield dataclasses.replace(source, row_groups=tuple(groups), rows_before=before)
            before, taken, groups = before + taken, 0, []
    if not sizes:
        yield source


def _lazily(read: Callable[..., _T], *args: Any) -> Iterator[_T]:
    """``read(*args)`` when first asked for (so that :func:`_guarded` sees its errors)."""
    yield read(*args)


def _guarded(items: Iterator[_T], source: TableSource) -> Iterator[_T]:
    """``items``, with a reader's own error turned into an InputError naming the file."""
    while True:
        try:
            item = next(items)
        except StopIteration:
            return
        except InputError:
            raise
        except Exception as exc:  # every reader has its own errors; name the file
            raise InputError(f"cannot read the data: {exc}", file=source.path.name) from exc
        yield item


def _table(
    frame: pd.DataFrame,
    refused: Mapping[str, np.ndarray],
    first_row: int,
    categorical: Collection[str],
    placeholders: Collection[str],
) -> Table:
    """The read rows numbered from ``first_row``, placeholders made empty, without the blank
    ones (counted). A refused cell is not blank: its row has an unusable value."""
    rows = pd.Series(np.arange(first_row, first_row + len(frame)), index=frame.index)
    for name in categorical:
        if name in frame and not isinstance(frame[name].dtype, pd.CategoricalDtype):
            if not pd.api.types.is_datetime64_any_dtype(frame[name]):
                frame[name] = frame[name].astype("category")
    for name in frame.columns:
        frame[name] = without_placeholders(frame[name], placeholders)
    if len(frame.columns):
        blank = frame.isna().all(axis=1).to_numpy(copy=True)
    else:
        blank = np.zeros(len(frame), dtype=bool)
    for mask in refused.values():
        blank &= ~mask
    frame, rows = frame.loc[~blank], rows.loc[~blank]
    kept = {k: v[~blank] for k, v in refused.items() if v.any()}
    return Table(
        frame.reset_index(drop=True),
        rows.reset_index(drop=True),
        blank_rows=int(blank.sum()),
        numeric_cells={k: int(v.sum()) for k, v in kept.items()},
        refused=kept,
    )
