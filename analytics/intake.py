"""Registry and workforce intake: from users' exports to pseudonymous, placed rows.

Every input row (a row with anything in a read column) lands in exactly one outcome, in
this order of precedence:

1. **rejected**, with the first reason that applies: ``no_identity`` (neither KPJ nor a
   usable NIK), ``missing_registration_date``, ``invalid_registration_date``,
   ``unknown_segment``, ``invalid_end_date``, ``end_before_registration``;
2. **duplicate**: identity, segment and registration date equal to an earlier row's
   (earlier file in the given order, then earlier row); it counts once;
3. **matched** by code or by name, else **unmatched** with ``unknown_code``,
   ``unknown_name``, ``ambiguous_name`` or ``no_location`` (see :mod:`analytics.matching`).

So ``rows_in = matched + unmatched + rejected + duplicates`` per file and in total.

Privacy: names and addresses are recognised and never read; KPJ and NIK become keyed
pseudonyms (:mod:`analytics.pseudonym`) right after reading and are dropped. The outcome
tables carry file, row, location, segment and date fields only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd

from analytics.codes import normalize_village_codes
from analytics.errors import InputError
from analytics.io.tables import (
    DROPPED_FIELDS,
    REGISTRY_ALIASES,
    WORKFORCE_ALIASES,
    Table,
    TableSource,
    inspect_table,
    load_mapping,
    read_columns,
    read_table,
    resolve_columns,
)
from analytics.matching import UNMATCHED_REASONS, Gazetteer, build_gazetteer, place_rows
from analytics.pseudonym import (
    pseudonym_key_pairs,
    pseudonymize_identity,
    pseudonyms_from_key_pairs,
)
from analytics.schemas import SEGMENTS
from analytics.values import (
    blank,
    nik_structure_valid,
    normalize_identifiers,
    normalize_segments,
    parse_counts,
    parse_dates,
)

__all__ = [
    "UNMATCHED_REASONS",
    "IntakeResult",
    "WorkforceIntake",
    "ingest_registries",
    "ingest_workforce",
    "load_mapping",
]

REJECTION_REASONS: Final = (
    "no_identity",
    "missing_registration_date",
    "invalid_registration_date",
    "unknown_segment",
    "invalid_end_date",
    "end_before_registration",
)
OUTCOME_COLUMNS: Final = (
    "source_file",
    "source_row",
    "reason",
    "village_code_raw",
    "desa",
    "kecamatan",
    "kabupaten",
    "segment",
    "registered_on_raw",
)
WORKFORCE_REJECTION_REASONS: Final = (
    "invalid_code",
    "unknown_code",
    "invalid_year",
    "invalid_workers",
    "invalid_informal_workers",
    "informal_exceeds_workers",
    "duplicate",
)
_TEXT_ONLY: Final = ("kpj", "nik", "village_code")
_CATEGORICAL: Final = (
    "village_code",
    "desa",
    "kecamatan",
    "kabupaten",
    "segment",
    "registered_on",
    "ended_on",
)
_COUNT_KEYS: Final = (
    "rows_in",
    "matched",
    "matched_by_code",
    "matched_by_name",
    "unmatched",
    "rejected",
    "duplicates",
)
#: Parquet registries are read by row groups, about this many rows at a time: each chunk is
#: reduced to what counting and de-duplication need before the next one is read.
CHUNK_ROWS: Final = 2_000_000

Progress = Callable[[str, int, int], None]
#: Runs ``function(*arguments)`` for each tuple of arguments, in order (e.g. on a Dask cluster).
FileMapper = Callable[[Callable[..., Any], list[tuple[Any, ...]]], list[Any]]


@dataclass(frozen=True)
class IntakeResult:
    """Outcome of reading the registries (see the module docstring)."""

    memberships: pd.DataFrame
    unmatched: pd.DataFrame
    rejected: pd.DataFrame
    duplicates: pd.DataFrame
    reconciliation: dict[str, Any]
    data_until: pd.Timestamp | None


@dataclass(frozen=True)
class WorkforceIntake:
    """Workforce denominators (WorkforceSchema), rejected rows with reasons, counts."""

    frame: pd.DataFrame
    rejected: pd.DataFrame
    reconciliation: dict[str, Any]


def _display(values: pd.Series) -> pd.Series:
    """Values as text for the outcome tables (dates as ISO)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.strftime("%Y-%m-%d").astype("str")
    return values.astype("str")


def _outcome(table: Table, mask: np.ndarray, reasons: pd.Series, file: str) -> pd.DataFrame:
    """Rows of ``table`` selected by ``mask`` in the outcome-table shape."""
    frame = table.frame.loc[mask]
    empty = pd.Series(np.nan, index=frame.index, dtype="str")
    column_of = {"village_code_raw": "village_code", "registered_on_raw": "registered_on"}
    data = {
        "source_file": pd.Series(file, index=frame.index, dtype="str"),
        "source_row": table.source_row.loc[mask].astype("int64"),
        "reason": reasons.loc[mask].astype("str"),
    }
    for name in OUTCOME_COLUMNS[3:]:
        source = column_of.get(name, name)
        data[name] = _display(frame[source]) if source in frame else empty
    return pd.DataFrame(data).reset_index(drop=True)


def _empty_outcome() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="str") for c in OUTCOME_COLUMNS})
    return frame.astype({"source_row": "int64"})


def _registry_columns(source: TableSource, mapping: Mapping[str, str] | None) -> dict[str, str]:
    """The registry fields of ``source`` to read; an InputError when a required one is absent."""
    file = source.path.name
    columns = resolve_columns(source.headers, REGISTRY_ALIASES, mapping, file=file)
    found = ", ".join(h for h in source.headers if h) or "(none)"
    required = {
        "membership id (KPJ, e.g. NO_KPJ, or NIK)": {"kpj", "nik"},
        "registration date (e.g. TGL_KEPESERTAAN)": {"registered_on"},
        "location (KODE_DESA or DESA)": {"village_code", "desa"},
        "segment (SEGMEN)": {"segment"},
    }
    for label, fields in required.items():
        if not fields & set(columns):
            raise InputError(
                f"no recognisable {label} column; columns found: {found}. "
                "Name the header in a --mapping file if it is there under another name.",
                file=file,
                column=label.split(" (")[0],
            )
    return {f: h for f, h in columns.items() if f not in DROPPED_FIELDS}


def _read_registry(path: Path, file: str, mapping: Mapping[str, str] | None) -> Iterator[Table]:
    """The registry's rows as tables: Parquet by runs of row groups, other formats whole."""

    def has_identity(headers: Sequence[str]) -> bool:
        found = resolve_columns(headers, REGISTRY_ALIASES, mapping, file=file)
        return bool({"kpj", "nik"} & set(found))

    options = {"text_only": _TEXT_ONLY, "categorical": _CATEGORICAL}
    if not path.is_file() or path.suffix.lower() not in {".parquet", ".pq"}:
        yield read_table(
            path,
            lambda source: _registry_columns(source, mapping),
            recognise=has_identity,
            **options,
        )
        return
    source = inspect_table(path, has_identity)
    columns = _registry_columns(source, mapping)
    import pyarrow.parquet as pq

    metadata = pq.ParquetFile(path).metadata
    sizes = [metadata.row_group(g).num_rows for g in range(metadata.num_row_groups)]
    groups: list[int] = []
    before = taken = 0
    for group, size in enumerate(sizes):
        groups.append(group)
        taken += size
        if taken >= CHUNK_ROWS or group == len(sizes) - 1:
            part = dataclasses.replace(source, row_groups=tuple(groups), rows_before=before)
            yield read_columns(part, columns, **options)
            before, taken, groups = before + taken, 0, []
    if not sizes:
        yield read_columns(source, columns, **options)


def _pseudonymous_ids(frame: pd.DataFrame, key: bytes) -> tuple[pd.Series, int]:
    """Member ids (KPJ pseudonym, else NIK pseudonym) and the count of structurally invalid NIKs."""
    missing = pd.Series(pd.NA, index=frame.index, dtype="string[pyarrow]")
    kpj = normalize_identifiers(frame["kpj"]) if "kpj" in frame else missing
    nik = normalize_identifiers(frame["nik"]) if "nik" in frame else missing
    nik_invalid = int((nik.notna() & ~nik_structure_valid(nik)).sum())
    return pseudonymize_identity(kpj, nik, key), nik_invalid


@dataclass(frozen=True)
class _FileIntake:
    accepted: pd.DataFrame  # file_no, source_row, id_high/id_low, segment, dates, placement
    unmatched: pd.DataFrame  # outcome rows of accepted rows not placed (duplicates included)
    rejected: pd.DataFrame
    rows_in: int
    warnings: dict[str, int]


def _ingest_file(
    path: Path,
    file: str,
    file_no: int,
    mapping: Mapping[str, str] | None,
    key: bytes,
    gazetteer: Gazetteer,
    progress: Progress | None,
) -> _FileIntake:
    """The file's outcome, chunk by chunk (accepted rows hold only compact columns)."""
    parts = [
        _ingest_table(table, file, file_no, key, gazetteer, progress)
        for table in _read_registry(path, file, mapping)
    ]
    if len(parts) == 1:
        return parts[0]
    warnings: dict[str, int] = {}
    for part in parts:
        for name, value in part.warnings.items():
            warnings[name] = warnings.get(name, 0) + value
    return _FileIntake(
        _concat_columns([p.accepted for p in parts]),
        _concat_outcomes([p.unmatched for p in parts]),
        _concat_outcomes([p.rejected for p in parts]),
        sum(p.rows_in for p in parts),
        warnings,
    )


def _ingest_table(
    table: Table,
    file: str,
    file_no: int,
    key: bytes,
    gazetteer: Gazetteer,
    progress: Progress | None,
) -> _FileIntake:
    member_id, nik_invalid = _pseudonymous_ids(table.frame, key)
    frame = table.frame.drop(columns=["kpj", "nik"], errors="ignore")  # raw ids end here
    table = Table(frame, table.source_row, table.blank_rows, table.numeric_cells)
    segment = normalize_segments(frame["segment"]).cat.set_categories(SEGMENTS)
    registered = parse_dates(frame["registered_on"])
    if "ended_on" in frame:
        ended, end_blank = parse_dates(frame["ended_on"]), blank(frame["ended_on"])
    else:
        ended = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        end_blank = pd.Series(True, index=frame.index)
    reason = np.select(
        [
            member_id.isna().to_numpy(),
            blank(frame["registered_on"]).to_numpy(),
            registered.isna().to_numpy(),
            segment.isna().to_numpy(),
            (~end_blank & ended.isna()).to_numpy(),
            (ended < registered).to_numpy(dtype=bool, na_value=False),
        ],
        range(len(REJECTION_REASONS)),
        default=-1,
    )
    ok = reason < 0
    reasons = pd.Series(
        pd.Categorical.from_codes(reason, pd.Index(REJECTION_REASONS)), index=frame.index
    )
    rejected = _outcome(table, ~ok, reasons, file)
    location_columns = [c for c in ("village_code", "desa", "kecamatan", "kabupaten") if c in frame]
    locations = frame.loc[ok, location_columns]
    placed = place_rows(
        locations.rename(columns={"village_code": "village_code_raw"}), gazetteer, progress
    )
    id_high, id_low = pseudonym_key_pairs(member_id.loc[ok])
    del member_id
    accepted = pd.DataFrame(
        {
            "file_no": np.full(int(ok.sum()), file_no, dtype=np.int32),
            "source_row": table.source_row.loc[ok].to_numpy(dtype=np.int64),
            "id_high": id_high,
            "id_low": id_low,
            "segment": _rows(segment, ok),
            "registered_on": _rows(registered, ok),
            "ended_on": _rows(ended, ok),
            **{name: placed[name].array for name in placed.columns},
        }
    )
    not_placed = np.zeros(len(frame), dtype=bool)
    not_placed[ok] = placed["village_code"].isna().to_numpy()
    unmatched_reason = pd.Series(pd.NA, index=frame.index, dtype="str")
    unmatched_reason[not_placed] = placed["reason"].dropna().astype("str").to_numpy()
    unmatched = _outcome(table, not_placed, unmatched_reason, file)
    warnings = {
        "nik_invalid": nik_invalid + table.numeric_cells.get("nik", 0),
        "numeric_id_cells": sum(table.numeric_cells.get(c, 0) for c in _TEXT_ONLY),
        "blank_rows": table.blank_rows,
    }
    return _FileIntake(accepted, unmatched, rejected, len(frame), warnings)


def _rows(values: pd.Series, mask: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """The values where ``mask`` holds, without a copy when it holds everywhere."""
    return values.array if mask.all() else values.loc[mask].array


def _counts(rows_in: int, accepted: pd.DataFrame, rejected: pd.DataFrame, dup: int) -> dict:
    method = accepted["match_method"].value_counts()
    reasons = rejected["reason"].value_counts().to_dict()
    unmatched = accepted["reason"].value_counts()
    reasons.update(unmatched.to_dict())
    return {
        "rows_in": rows_in,
        "matched": int(method.sum()),
        "matched_by_code": int(method.get("code", 0)),
        "matched_by_name": int(method.get("name", 0)),
        "unmatched": int(unmatched.sum()),
        "rejected": len(rejected),
        "duplicates": dup,
        "reasons": {str(k): int(v) for k, v in sorted(reasons.items()) if v},
    }


def _file_names(paths: Sequence[Path]) -> list[str]:
    names: list[str] = []
    for path in paths:
        name, n = Path(path).name, 1
        while name in names:
            n += 1
            name = f"{Path(path).name} ({n})"
        names.append(name)
    return names


def _first_rows(accepted: pd.DataFrame) -> np.ndarray:
    """Position of the first row with the same identity, segment and registration date.

    Rows are sorted by the whole 128-bit pseudonym (two 64-bit keys), the segment, the
    date and the position (a stable sort, no hash table of millions of strings), so equal
    keys are equal identities: exact, across chunks and files.
    """
    n = len(accepted)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    segment = accepted["segment"].cat.codes.to_numpy().astype(np.int64)
    day = accepted["registered_on"].to_numpy(dtype="datetime64[D]").view("int64")
    when = day * 8 + segment  # fewer than 8 segments
    high, low = accepted["id_high"].to_numpy(), accepted["id_low"].to_numpy()
    order = np.lexsort((when, low, high))
    same = (high[order][1:] == high[order][:-1]) & (low[order][1:] == low[order][:-1])
    when = when[order]
    same &= when[1:] == when[:-1]
    del when
    run_start = np.maximum.accumulate(np.where(np.r_[True, ~same], np.arange(n), 0))
    first = np.empty(n, dtype=np.int64)
    # np.lexsort is stable: within a run of equal keys the earliest row comes first.
    first[order] = order[run_start]
    return first


def _duplicates(accepted: pd.DataFrame, names: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Mask of rows repeating an earlier row, and the duplicates table."""
    first = _first_rows(accepted)
    dup = first != np.arange(len(accepted))
    file_names = np.asarray(names, dtype=object)
    file_no = accepted["file_no"].to_numpy()
    rows = accepted["source_row"].to_numpy()
    table = pd.DataFrame(
        {
            "source_file": pd.array(file_names[file_no[dup]], dtype="str"),
            "source_row": rows[dup],
            "first_file": pd.array(file_names[file_no[first[dup]]], dtype="str"),
            "first_row": rows[first[dup]],
        }
    )
    return dup, table


def ingest_registries(
    paths: Sequence[Path],
    villages: gpd.GeoDataFrame,
    key: bytes,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    map_files: FileMapper | None = None,
    *,
    member_ids: bool = True,
) -> IntakeResult:
    """Read, normalise, pseudonymise, de-duplicate and place the rows of the registries.

    Files are read one after the other, or by ``map_files`` (each file is independent until
    de-duplication, which always runs here).

    ``memberships`` holds ``member_id`` (str; left out with ``member_ids=False``, which
    the build uses: counting needs no identity), ``village_code``, ``segment``,
    ``source_file`` and ``match_method`` as categoricals of text, ``registered_on``/
    ``ended_on`` as datetimes and ``source_row`` as int. Parquet files are read by row
    groups (:data:`CHUNK_ROWS`), each chunk reduced to compact columns (the pseudonym as
    two 64-bit keys) before the next is read.
    """
    if not paths:
        raise InputError("no registry file given (--registry)")
    gazetteer = build_gazetteer(villages)
    names = _file_names(paths)
    jobs = [
        (Path(path), name, number, mapping, key, gazetteer, None if map_files else progress)
        for number, (path, name) in enumerate(zip(paths, names, strict=True))
    ]
    parts: list[_FileIntake] = []
    if map_files is not None:
        parts = list(map_files(_ingest_file, jobs))
    for number, job in enumerate(jobs if map_files is None else []):
        if progress:
            progress("read", number, len(paths))
        parts.append(_ingest_file(*job))
    if progress:
        progress("read", len(paths), len(paths))
        progress("deduplicate", 0, 1)
    accepted = (
        parts[0].accepted if len(parts) == 1 else _concat_columns([p.accepted for p in parts])
    )
    dup, duplicates = _duplicates(accepted, names)
    if progress:
        progress("deduplicate", 1, 1)
    kept = accepted.loc[~dup, ["file_no", "match_method", "reason", "kabupaten_code"]]
    files: dict[str, dict] = {}
    unmatched_parts = []
    for number, (part, name) in enumerate(zip(parts, names, strict=True)):
        repeated = duplicates.loc[duplicates["source_file"] == name, "source_row"]
        unmatched_parts.append(part.unmatched.loc[~part.unmatched["source_row"].isin(repeated)])
        in_file = kept.loc[kept["file_no"] == number] if len(parts) > 1 else kept
        counts = _counts(part.rows_in, in_file, part.rejected, len(repeated))
        files[name] = {**counts, "warnings": part.warnings}
    totals: dict[str, Any] = {k: sum(f[k] for f in files.values()) for k in _COUNT_KEYS}
    for section in ("reasons", "warnings"):
        merged: dict[str, int] = {}
        for f in files.values():
            for k, v in f[section].items():
                merged[k] = merged.get(k, 0) + v
        totals[section] = dict(sorted(merged.items())) if section == "reasons" else merged
    reconciliation = {
        **totals,
        "files": files,
        "by_kabupaten": _by_kabupaten(kept["kabupaten_code"], kept["match_method"]),
    }
    del kept
    latest = max(
        accepted["registered_on"].loc[~dup].max(),
        accepted["ended_on"].loc[~dup].max(),
        key=_date_order,
    )
    memberships = _placed_memberships(accepted, ~dup, names, member_ids=member_ids)
    del accepted
    return IntakeResult(
        memberships=memberships,
        unmatched=_concat_outcomes(unmatched_parts),
        rejected=_concat_outcomes([p.rejected for p in parts]),
        duplicates=duplicates,
        reconciliation=reconciliation,
        data_until=None if pd.isna(latest) else pd.Timestamp(latest),
    )


def _by_kabupaten(kabupaten: pd.Series, method: pd.Series) -> dict[str, dict[str, int]]:
    """Matched and unmatched kept rows per kabupaten (rows of no known kabupaten left out)."""
    known = kabupaten.cat.codes.to_numpy() >= 0
    cell = kabupaten.cat.codes.to_numpy()[known].astype(np.int64) * 2
    cell += method.isna().to_numpy()[known]  # 0 matched, 1 unmatched
    counts = np.bincount(cell, minlength=2 * len(kabupaten.cat.categories)).reshape(-1, 2)
    return {
        str(code): {"matched": int(matched), "unmatched": int(unmatched)}
        for code, (matched, unmatched) in zip(kabupaten.cat.categories, counts, strict=True)
        if matched or unmatched
    }


def _placed_memberships(
    accepted: pd.DataFrame, kept: np.ndarray, names: list[str], *, member_ids: bool
) -> pd.DataFrame:
    """The kept, placed rows as memberships, taken a column at a time (no second copy)."""
    rows = np.flatnonzero(kept & accepted["village_code"].notna().to_numpy())

    def take(column: str) -> Any:
        return accepted[column].take(rows).array

    identity = {}
    if member_ids:
        high, low = (accepted[c].to_numpy()[rows] for c in ("id_high", "id_low"))
        identity = {"member_id": pseudonyms_from_key_pairs(high, low).array}
    return pd.DataFrame(
        {
            **identity,
            "village_code": pd.Series(take("village_code")).cat.remove_unused_categories().array,
            "segment": take("segment"),
            "registered_on": take("registered_on"),
            "ended_on": take("ended_on"),
            "source_file": pd.Categorical.from_codes(
                accepted["file_no"].to_numpy()[rows], categories=pd.Index(names)
            ),
            "source_row": take("source_row"),
            "match_method": take("match_method"),
        }
    )


def _concat_columns(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """``pd.concat`` of frames with the same columns, one column at a time.

    Each column is removed from the (internal) input frames once joined, so the peak is the
    result plus one column rather than twice the whole.
    """
    columns = list(frames[0].columns)
    joined = {}
    for column in columns:
        joined[column] = pd.concat([f.pop(column) for f in frames], ignore_index=True)
    return pd.DataFrame(joined)


def _date_order(value: Any) -> pd.Timestamp:
    return pd.Timestamp.min if pd.isna(value) else pd.Timestamp(value)


def _concat_outcomes(parts: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [p for p in parts if len(p)]
    return pd.concat(frames, ignore_index=True) if frames else _empty_outcome()


def ingest_workforce(
    path: Path, villages: gpd.GeoDataFrame, mapping: Mapping[str, str] | None = None
) -> WorkforceIntake:
    """Read workforce denominators per village and year.

    Rows are rejected (first reason that applies) for an ``invalid_code``, an
    ``unknown_code`` (not in the boundaries), an ``invalid_year`` (not 1990-2100),
    ``invalid_workers`` / ``invalid_informal_workers`` (not a whole number),
    ``informal_exceeds_workers``, or as a ``duplicate`` of an earlier row for the same
    village and year. ``source`` is the ``SUMBER`` value, else the file name.
    """
    path = Path(path)
    file = path.name
    source = inspect_table(path)
    columns = resolve_columns(source.headers, WORKFORCE_ALIASES, mapping, file=file)
    missing = [
        f for f in ("village_code", "year", "workers", "informal_workers") if f not in columns
    ]
    if missing:
        found = ", ".join(h for h in source.headers if h) or "(none)"
        wanted = {f: WORKFORCE_ALIASES[f][0] for f in missing}
        raise InputError(
            f"no recognisable {', '.join(wanted.values())} column; columns found: {found}",
            file=file,
            column=next(iter(wanted.values())),
        )
    table = read_columns(source, columns, text_only=("village_code",))
    frame = table.frame
    codes = normalize_village_codes(frame["village_code"])
    year = parse_counts(frame["year"])
    workers = parse_counts(frame["workers"])
    informal = parse_counts(frame["informal_workers"])
    known = set(villages["village_code"])
    checks = [
        codes.isna(),
        ~codes.isin(known).fillna(False).astype(bool),
        ~year.between(1990, 2100).fillna(False).astype(bool),
        workers.isna(),
        informal.isna(),
        (informal > workers).fillna(False).astype(bool),
    ]
    reason = np.select(
        [c.to_numpy(dtype=bool) for c in checks], WORKFORCE_REJECTION_REASONS[:-1], ""
    )
    ok = reason == ""
    keys = pd.DataFrame({"code": codes, "year": year}).loc[ok]
    repeated = keys.duplicated(keep="first")
    reason[np.flatnonzero(ok)[repeated.to_numpy()]] = "duplicate"
    ok = reason == ""
    given_source = frame["source"] if "source" in frame else pd.Series(np.nan, index=frame.index)
    out = pd.DataFrame(
        {
            "village_code": codes.loc[ok].astype("str"),
            "year": year.loc[ok].astype("int64"),
            "workers": workers.loc[ok].astype("int64"),
            "informal_workers": informal.loc[ok].astype("int64"),
            "source": given_source.loc[ok].astype("str").where(~blank(given_source).loc[ok], file),
        }
    ).reset_index(drop=True)
    rejected = pd.DataFrame(
        {
            "source_file": pd.Series(file, index=frame.index[~ok], dtype="str"),
            "source_row": table.source_row.loc[~ok].astype("int64"),
            "reason": pd.Series(reason[~ok], index=frame.index[~ok], dtype="str"),
            "village_code_raw": frame["village_code"].loc[~ok].astype("str"),
            "year": frame["year"].loc[~ok].astype("str"),
            "workers": frame["workers"].loc[~ok].astype("str"),
            "informal_workers": frame["informal_workers"].loc[~ok].astype("str"),
        }
    ).reset_index(drop=True)
    reasons = rejected["reason"].value_counts()
    reconciliation = {
        "rows_in": len(frame),
        "accepted": len(out),
        "rejected": len(rejected),
        "reasons": {str(k): int(v) for k, v in sorted(reasons.items())},
        "warnings": {
            "numeric_id_cells": table.numeric_cells.get("village_code", 0),
            "blank_rows": table.blank_rows,
        },
    }
    return WorkforceIntake(out, rejected, reconciliation)
