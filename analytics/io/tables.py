"""Reading tabular exports: CSV, XLSX and Parquet, with header recognition.

Registry and workforce exports come from many offices and tools, so nothing about their
layout is assumed beyond "one header row, then one record per row":

- CSV: the encoding is detected (UTF-8, UTF-8 with BOM, else charset-normalizer's best
  guess among cp1252/Latin-1, falling back to cp1252 and then Latin-1, which never fails),
  and so is the delimiter (``csv.Sniffer`` over ``, ; tab |``, else the candidate that
  appears most often in the header line, else a comma).
- XLSX: read with openpyxl in read-only mode from the cached cell values; formulas are
  never evaluated. Real Excel dates become ISO dates. A *numeric* cell in a code or id
  column (``text_only``) is not turned back into text: a 16-digit NIK stored as a number
  has already lost digits, so the cell is treated as empty and counted.
- Parquet: only the needed columns are read; text columns with few distinct values are
  read dictionary-encoded (categorical). Integer id columns are exact and become text;
  floating-point id columns are refused cell by cell like numeric XLSX cells.

Headers are recognised through aliases, comparing them case-insensitively and ignoring
spaces, underscores, dots and hyphens (``No. KPJ`` = ``NO_KPJ`` = ``nokpj``). A mapping
file (YAML or TOML) names the header of any field the aliases do not cover.

Rows are numbered as a spreadsheet user sees them: the header is row 1, the first data
row is row 2. A row where every read column is empty carries nothing to count: it is
left out and reported as a blank row.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tomllib
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from analytics.errors import InputError

TableKind = Literal["csv", "xlsx", "parquet"]

_HEADER_NOISE: Final = re.compile(r"[\s_.\-/]+")
_DELIMITERS: Final = ",;\t|"
_SNIFF_BYTES: Final = 64 * 1024
_STR: Final = pd.StringDtype("pyarrow", na_value=np.nan)  # the default ``str`` dtype

#: Registry fields and the headers recognised for each (first match wins, in this order).
REGISTRY_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "kpj": ("NO_KPJ", "KPJ", "NOMOR_KPJ", "NO_PESERTA", "NOMOR_PESERTA"),
    "nik": ("NIK", "NIK_PESERTA", "NO_NIK", "NOMOR_NIK", "NO_KTP"),
    "village_code": (
        "KODE_DESA",
        "KODE_KELURAHAN",
        "KODE_WILAYAH",
        "KODE_DESA_KELURAHAN",
        "KODE_KALURAHAN",
        "KD_DESA",
    ),
    "desa": ("DESA", "KELURAHAN", "DESA_KELURAHAN", "KALURAHAN", "NAMA_DESA", "NAMA_KELURAHAN"),
    "kecamatan": ("KECAMATAN", "KAPANEWON", "KEMANTREN", "NAMA_KECAMATAN", "KAPANEWON_KEMANTREN"),
    "kabupaten": ("KABUPATEN", "KOTA", "KAB_KOTA", "KABUPATEN_KOTA", "NAMA_KABUPATEN"),
    "segment": ("SEGMEN", "SEGMENT", "SEGMEN_PESERTA", "KEPESERTAAN"),
    "registered_on": (
        "TGL_KEPESERTAAN",
        "TGL_DAFTAR",
        "TANGGAL_KEPESERTAAN",
        "TANGGAL_DAFTAR",
        "TGL_REGISTRASI",
    ),
    "ended_on": ("TGL_NONAKTIF", "TGL_BERHENTI", "TANGGAL_NONAKTIF", "TANGGAL_BERHENTI"),
    # Recognised only so that they are never read: personal data stays in the source file.
    "person_name": ("NAMA", "NAMA_PESERTA", "NAMA_LENGKAP", "NAMA_TENAGA_KERJA"),
    "address": ("ALAMAT", "ALAMAT_PESERTA", "ALAMAT_DOMISILI", "ALAMAT_KTP"),
}
#: Fields recognised in order to be dropped without reading.
DROPPED_FIELDS: Final = frozenset({"person_name", "address"})

#: Workforce (denominator) fields.
WORKFORCE_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "village_code": REGISTRY_ALIASES["village_code"],
    "year": ("TAHUN", "TAHUN_DATA"),
    "workers": ("JUMLAH_PEKERJA", "PEKERJA", "JUMLAH_TENAGA_KERJA"),
    "informal_workers": ("PEKERJA_INFORMAL", "JUMLAH_PEKERJA_INFORMAL"),
    "source": ("SUMBER", "SUMBER_DATA"),
}


def header_key(header: object) -> str:
    """The comparison key of a header: upper case, without spaces, ``_``, ``.``, ``-``, ``/``."""
    return _HEADER_NOISE.sub("", str(header).replace("\ufeff", "")).upper()


def canonical_field(name: str, aliases: Mapping[str, Sequence[str]]) -> str | None:
    """The field that ``name`` stands for: a field name itself or one of its aliases."""
    if name in aliases:
        return name
    key = header_key(name)
    for field_name, names in aliases.items():
        if key == header_key(field_name) or key in {header_key(a) for a in names}:
            return field_name
    return None


def resolve_columns(
    headers: Sequence[str],
    aliases: Mapping[str, Sequence[str]],
    mapping: Mapping[str, str] | None = None,
    *,
    file: str,
) -> dict[str, str]:
    """Map fields to the headers of one file: ``{field: header}`` for every field found.

    The mapping (``{field or alias: header}``) is applied first when its header is present
    in this file; the built-in aliases fill in the rest. A header is used at most once.
    """
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(header_key(header), header)
    found: dict[str, str] = {}
    used: set[str] = set()
    for name, header in (mapping or {}).items():
        field_name = canonical_field(name, aliases)
        if field_name is None:
            raise InputError(
                f"the mapping names an unknown field {name!r}; known fields: " + ", ".join(aliases),
                file=file,
            )
        actual = header if header in headers else by_key.get(header_key(header))
        if actual is not None and actual not in used:
            found[field_name] = actual
            used.add(actual)
    for field_name, names in aliases.items():
        if field_name in found:
            continue
        for alias in (field_name, *names):
            actual = by_key.get(header_key(alias))
            if actual is not None and actual not in used:
                found[field_name] = actual
                used.add(actual)
                break
    return found


def load_mapping(path: Path | None) -> dict[str, dict[str, str]]:
    """Read a header mapping file (YAML or TOML): ``{"registry": {field: header}, ...}``.

    ``None`` gives an empty mapping. Any other shape is an :class:`InputError`.
    """
    if path is None:
        return {}
    if not path.is_file():
        raise InputError("the mapping file does not exist", file=str(path))
    text = path.read_text(encoding="utf-8-sig")
    try:
        if path.suffix.lower() == ".toml":
            data: Any = tomllib.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text) or {}
    except Exception as exc:  # the parsers raise many types; the message is what matters
        raise InputError(f"cannot parse the mapping file: {exc}", file=str(path)) from exc
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise InputError(
            "the mapping must be sections of field: header pairs, e.g. "
            "'registry: {kpj: Nomor Peserta}'",
            file=str(path),
        )
    result: dict[str, dict[str, str]] = {}
    for section, pairs in data.items():
        bad = [k for k, v in pairs.items() if not isinstance(v, str)]
        if bad:
            raise InputError(
                f"section {section!r}: header of {bad[0]!r} must be text", file=path.name
            )
        result[str(section)] = {str(k): v for k, v in pairs.items()}
    return result


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


@dataclass(frozen=True)
class Table:
    """The needed columns of a table, renamed to their fields.

    ``frame`` holds text (``str`` or categorical of text) or, for typed Parquet date
    columns, datetimes. ``source_row`` is the spreadsheet row number of each frame row.
    """

    frame: pd.DataFrame
    source_row: pd.Series
    blank_rows: int = 0
    numeric_cells: dict[str, int] = field(default_factory=dict)


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


def inspect_table(
    path: Path, recognise: Callable[[Sequence[str]], bool] | None = None
) -> TableSource:
    """Detect the format and read the header row of ``path``.

    For a workbook with several sheets, the first sheet whose headers ``recognise``
    accepts is used (else the first sheet).
    """
    if not path.is_file():
        raise InputError("the file does not exist", file=str(path))
    kind = _kind_of(path)
    try:
        if kind == "csv":
            return _inspect_csv(path)
        if kind == "xlsx":
            return _inspect_xlsx(path, recognise)
        import pyarrow.parquet as pq

        return TableSource(path, kind, tuple(pq.read_schema(path).names))
    except InputError:
        raise
    except Exception as exc:  # every reader has its own errors; name the file, not a traceback
        raise InputError(f"cannot read the file as {kind.upper()}: {exc}", file=path.name) from exc


def _inspect_csv(path: Path) -> TableSource:
    with path.open("rb") as handle:
        raw = handle.read(_SNIFF_BYTES)
    if not raw.strip():
        raise InputError("the file is empty", file=path.name)
    encoding = detect_encoding(raw)
    # A multi-byte character may be cut at the end of the sample.
    sample = raw.decode(encoding, errors="ignore")
    delimiter = detect_delimiter(sample)
    headers = pd.read_csv(
        path, sep=delimiter, encoding=encoding, nrows=0, dtype=str, engine="c"
    ).columns
    return TableSource(path, "csv", tuple(str(h) for h in headers), encoding, delimiter)


def _open_workbook(path: Path) -> Any:
    import openpyxl

    # Cached values only: formulas are never evaluated.
    return openpyxl.load_workbook(path, read_only=True, data_only=True)


def _inspect_xlsx(
    path: Path, recognise: Callable[[Sequence[str]], bool] | None, workbook: Any = None
) -> TableSource:
    book = workbook if workbook is not None else _open_workbook(path)
    try:
        first: TableSource | None = None
        for sheet in book.worksheets:
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                if any(v is not None and str(v).strip() for v in row):
                    headers = tuple("" if v is None else str(v).strip() for v in row)
                    source = TableSource(
                        path, "xlsx", headers, sheet=sheet.title, header_row=number
                    )
                    if recognise is None or recognise(headers):
                        return source
                    first = first or source
                    break
        if first is None:
            raise InputError("the workbook has no header row in any sheet", file=path.name)
        return first
    finally:
        if workbook is None:
            book.close()


def read_table(
    path: Path,
    choose: Callable[[TableSource], Mapping[str, str]],
    *,
    recognise: Callable[[Sequence[str]], bool] | None = None,
    text_only: Collection[str] = (),
    categorical: Collection[str] = (),
) -> Table:
    """:func:`inspect_table`, then :func:`read_columns` of the columns ``choose`` picks.

    A workbook is opened once for both (openpyxl parses a whole sheet on opening when
    the file does not state its dimensions).
    """
    if not path.is_file() or _kind_of(path) != "xlsx":
        source = inspect_table(path, recognise)
        return read_columns(source, choose(source), text_only=text_only, categorical=categorical)
    try:
        workbook = _open_workbook(path)
    except Exception as exc:  # openpyxl and zipfile raise many types; name the file
        raise InputError(f"cannot read the file as XLSX: {exc}", file=path.name) from exc
    try:
        source = _inspect_xlsx(path, recognise, workbook)
        return read_columns(
            source,
            choose(source),
            text_only=text_only,
            categorical=categorical,
            workbook=workbook,
        )
    finally:
        workbook.close()


def read_columns(
    source: TableSource,
    columns: Mapping[str, str],
    *,
    text_only: Collection[str] = (),
    categorical: Collection[str] = (),
    workbook: Any = None,
) -> Table:
    """Read the ``columns`` (``{field: header}``) of ``source``, renamed to their fields.

    ``text_only`` fields hold codes or ids (numeric cells are refused); ``categorical``
    fields have few distinct values and are held as categories to save memory.
    """
    try:
        if source.kind == "csv":
            frame, numeric = _read_csv(source, columns), dict[str, int]()
        elif source.kind == "xlsx":
            frame, numeric = _read_xlsx(source, columns, text_only, workbook)
        else:
            frame, numeric = _read_parquet(source, columns, text_only, categorical)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"cannot read the data: {exc}", file=source.path.name) from exc
    first_data_row = source.header_row + 1 + source.rows_before
    rows = pd.Series(np.arange(first_data_row, first_data_row + len(frame)), index=frame.index)
    blank = frame.isna().all(axis=1) if len(frame.columns) else pd.Series(False, index=frame.index)
    frame, rows = frame.loc[~blank], rows.loc[~blank]
    for name in categorical:
        if name in frame and not isinstance(frame[name].dtype, pd.CategoricalDtype):
            if not pd.api.types.is_datetime64_any_dtype(frame[name]):
                frame[name] = frame[name].astype("category")
    return Table(
        frame.reset_index(drop=True),
        rows.reset_index(drop=True),
        blank_rows=int(blank.sum()),
        numeric_cells={k: v for k, v in numeric.items() if v},
    )


def _read_csv(source: TableSource, columns: Mapping[str, str]) -> pd.DataFrame:
    wanted = list(columns.values())
    frame = pd.read_csv(
        source.path,
        sep=source.delimiter,
        encoding=source.encoding,
        usecols=wanted,
        dtype=str,
        keep_default_na=False,
        na_values=[""],
        skip_blank_lines=False,
        engine="c",
    )
    frame = frame[wanted].rename(columns={h: f for f, h in columns.items()})
    return frame.apply(lambda s: s.str.strip().replace("", np.nan))


def _xlsx_cell_text(value: object, text_only: bool) -> tuple[str | None, bool]:
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


def _read_xlsx(
    source: TableSource, columns: Mapping[str, str], text_only: Collection[str], workbook: Any
) -> tuple[pd.DataFrame, dict[str, int]]:
    positions = {f: source.headers.index(h) for f, h in columns.items()}
    values: dict[str, list[object]] = {f: [] for f in columns}
    book = workbook if workbook is not None else _open_workbook(source.path)
    try:
        sheet = book[source.sheet or book.sheetnames[0]]
        for row in sheet.iter_rows(min_row=source.header_row + 1, values_only=True):
            for name, position in positions.items():
                values[name].append(row[position] if position < len(row) else None)
    finally:
        if workbook is None:
            book.close()
    data: dict[str, list[str | None]] = {}
    numeric: dict[str, int] = {}
    for name, cells in values.items():
        converted = [_xlsx_cell_text(v, name in text_only) for v in cells]
        data[name] = [text for text, _ in converted]
        numeric[name] = sum(refused for _, refused in converted)
    frame = pd.DataFrame({name: pd.Series(cells, dtype="str") for name, cells in data.items()})
    return frame, numeric


def _read_parquet(
    source: TableSource,
    columns: Mapping[str, str],
    text_only: Collection[str],
    categorical: Collection[str],
) -> tuple[pd.DataFrame, dict[str, int]]:
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
    numeric: dict[str, int] = {}
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
            numeric[name] = rows - column.null_count
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
    return pd.DataFrame(data, index=pd.RangeIndex(rows)), numeric
