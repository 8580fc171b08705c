"""Registry intake: from users' exports to pseudonymous, placed rows.

Every input row (a row with anything in a read column) lands in exactly one outcome, in
this order of precedence:

1. **rejected**, with the first reason that applies: ``no_identity`` (neither KPJ nor
   NIK), ``invalid_identity`` (a KPJ or NIK is there but none is an identity: scientific
   notation, a decimal part, a numeric spreadsheet cell, a NIK that is not 16 digits with
   a possible birth date), ``missing_registration_date``, ``invalid_registration_date``,
   ``unknown_segment``, ``invalid_end_date``, ``end_before_registration``;
2. **duplicate**: identity, segment and registration date equal to an earlier row's
   (earlier file in the given order, then earlier row); it counts once;
3. **matched** by code or by name, else **unmatched** with ``unknown_code``,
   ``unknown_name``, ``ambiguous_name`` or ``no_location`` (see :mod:`analytics.intake.matching`).

So ``rows_in = matched + unmatched + rejected + duplicates`` per file and in total.
An identifier that is not an identity is never used to de-duplicate or to place: the row
uses its other identifier (KPJ, else NIK) when that one is usable, else it is rejected.
Placeholder cells (``-``, ``N/A``, ``0000-00-00``, ...) are empty (:mod:`analytics.io.tables`):
a placeholder end date means "still active", a placeholder registration date is missing.

Registries are read in chunks of about :data:`CHUNK_ROWS` rows (Parquet by runs of row
groups, CSV and XLSX by rows), each reduced to compact columns before the next is read;
de-duplication (:mod:`analytics.intake.dedup`) runs over all chunks and files at the end.
Outcome tables and counts are built by :mod:`analytics.intake.outcomes`; the workforce
intake is :mod:`analytics.intake.workforce`.

Privacy: names and addresses are recognised and never read; KPJ and NIK become keyed
pseudonyms (:mod:`analytics.intake.pseudonym`) right after reading and are dropped. The outcome
tables carry file, row, location, segment and date fields only.

Why one module of ~470 lines: the registry intake (read, pseudonymise, place, count
per file and in total) keeps the reconciliation identity in one place; its steps live in
``values``, ``pseudonym``, ``matching``, ``dedup`` and ``outcomes``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd

from analytics.errors import InputError
from analytics.intake.dedup import duplicate_rows
from analytics.intake.matching import UNMATCHED_REASONS, Gazetteer, build_gazetteer, place_rows
from analytics.intake.outcomes import (
    COUNT_KEYS,
    REJECTION_REASONS,
    by_kabupaten,
    concat_outcomes,
    file_counts,
    file_names,
    loss_examples,
    outcome_rows,
)
from analytics.intake.pseudonym import (
    pseudonym_key_pairs,
    pseudonymize_identity,
    pseudonyms_from_key_pairs,
)
from analytics.io.headers import DROPPED_FIELDS, REGISTRY_ALIASES, resolve_columns
from analytics.io.tables import (
    Table,
    TableSource,
    read_table_chunks,
)
from analytics.io.values import (
    PLACEHOLDERS,
    blank,
    identifier_problem,
    identifier_shape,
    normalize_identifiers,
    normalize_segments,
    parse_dates,
    unusable_identifiers,
)
from analytics.progress import Progress
from analytics.schemas import SEGMENTS

__all__ = [
    "CHUNK_ROWS",
    "REJECTION_REASONS",
    "UNMATCHED_REASONS",
    "IntakeResult",
    "ingest_registries",
]

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
#: Registries are read about this many rows at a time (Parquet by whole row groups): each
#: chunk is reduced to what counting and de-duplication need before the next one is read.
CHUNK_ROWS: Final = 2_000_000

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


def _registry_columns(source: TableSource, mapping: Mapping[str, str] | None) -> dict[str, str]:
    """The registry fields of ``source`` to read; an InputError when a required one is absent."""
    file = source.path.name
    columns = resolve_columns(source.headers, REGISTRY_ALIASES, mapping, file=file)
    found = ", ".join(h for h in source.headers if h) or "(none)"
    required = {  # field (the app's catalog upload.field.<key>), label, an example header
        "identity": ("membership id (KPJ, e.g. NO_KPJ, or NIK)", {"kpj", "nik"}, "NO_KPJ, NIK"),
        "registered_on": (
            "registration date (e.g. TGL_KEPESERTAAN)",
            {"registered_on"},
            "TGL_KEPESERTAAN",
        ),
        "location": ("location (KODE_DESA or DESA)", {"village_code", "desa"}, "KODE_DESA"),
        "segment": ("segment (SEGMEN)", {"segment"}, "SEGMEN"),
    }
    for key, (label, fields, example) in required.items():
        if not fields & set(columns):
            raise InputError(
                f"no recognisable {label} column; columns found: {found}. "
                "Name the header in a --mapping file if it is there under another name.",
                file=file,
                column=label.split(" (")[0],
                code="missing_column",
                params={"name": file, "field": key, "example": example, "found": found},
            )
    return {f: h for f, h in columns.items() if f not in DROPPED_FIELDS}


def _read_registry(
    path: Path,
    file: str,
    mapping: Mapping[str, str] | None,
    placeholders: Collection[str] = PLACEHOLDERS,
) -> Iterator[Table]:
    """The registry's rows in tables of about :data:`CHUNK_ROWS` rows (at least one table).

    Parquet comes by runs of row groups, CSV and XLSX by rows; row numbers, blank rows and
    refused cells are those of the whole file, counted chunk by chunk.
    """

    def has_identity(headers: Sequence[str]) -> bool:
        found = resolve_columns(headers, REGISTRY_ALIASES, mapping, file=file)
        return bool({"kpj", "nik"} & set(found))

    yield from read_table_chunks(
        path,
        lambda source: _registry_columns(source, mapping),
        chunk_rows=CHUNK_ROWS,
        recognise=has_identity,
        text_only=_TEXT_ONLY,
        categorical=_CATEGORICAL,
        placeholders=placeholders,
    )


def _pseudonymous_ids(table: Table, key: bytes) -> tuple[pd.Series, pd.Series, int]:
    """Member ids (pseudonym of the usable KPJ, else of the usable NIK), the shape of the
    unusable identifiers of rows left without one (missing elsewhere), and the count of
    NIKs that are not 16 digits with a possible birth date (numeric cells included)."""
    frame = table.frame
    none = np.zeros(len(frame), dtype=bool)
    missing = pd.Series(pd.NA, index=frame.index, dtype="string[pyarrow]")
    raw = {k: normalize_identifiers(frame[k]) if k in frame else missing for k in ("kpj", "nik")}
    bad = {k: unusable_identifiers(v, k).to_numpy() for k, v in raw.items()}
    refused = {k: table.refused.get(k, none) for k in raw}
    usable = {k: v.mask(bad[k]) if bad[k].any() else v for k, v in raw.items()}
    member_id = pseudonymize_identity(usable["kpj"], usable["nik"], key)
    unusable = member_id.isna().to_numpy() & (
        bad["kpj"] | bad["nik"] | refused["kpj"] | refused["nik"]
    )
    shapes: dict[int, str] = {}
    for row in np.flatnonzero(unusable):
        said = []
        for kind in ("kpj", "nik"):
            if bad[kind][row]:
                text = str(raw[kind].iloc[row])
                problem = identifier_problem(text, kind) or "length"
                said.append(identifier_shape(text, kind, problem))
            elif refused[kind][row]:
                said.append(identifier_shape(None, kind, "numeric_cell"))
        shapes[int(row)] = "; ".join(said)
    said_of = np.full(len(frame), None, dtype=object)
    said_of[list(shapes)] = list(shapes.values())
    shape = pd.Series(said_of, index=frame.index, dtype="str")
    nik_invalid = int(bad["nik"].sum() + refused["nik"].sum())
    return member_id, shape, nik_invalid


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
    placeholders: Collection[str] = PLACEHOLDERS,
) -> _FileIntake:
    """The file's outcome, chunk by chunk (accepted rows hold only compact columns)."""
    parts = [
        _ingest_table(table, file, file_no, key, gazetteer, progress)
        for table in _read_registry(path, file, mapping, placeholders)
    ]
    if len(parts) == 1:
        return parts[0]
    warnings: dict[str, int] = {}
    for part in parts:
        for name, value in part.warnings.items():
            warnings[name] = warnings.get(name, 0) + value
    return _FileIntake(
        _concat_columns([p.accepted for p in parts]),
        concat_outcomes([p.unmatched for p in parts]),
        concat_outcomes([p.rejected for p in parts]),
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
    member_id, identity_shape, nik_invalid = _pseudonymous_ids(table, key)
    frame = table.frame.drop(columns=["kpj", "nik"], errors="ignore")  # raw ids end here
    table = Table(frame, table.source_row, table.blank_rows, table.numeric_cells)
    segment = normalize_segments(frame["segment"]).cat.set_categories(SEGMENTS)
    registered = parse_dates(frame["registered_on"])
    if "ended_on" in frame:
        ended, end_blank = parse_dates(frame["ended_on"]), blank(frame["ended_on"])
    else:
        ended = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        end_blank = pd.Series(True, index=frame.index)
    no_id = member_id.isna().to_numpy()
    reason = np.select(
        [
            no_id & identity_shape.isna().to_numpy(),
            no_id,
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
    rejected = outcome_rows(table, ~ok, reasons, file, identity_shape)
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
    unmatched = outcome_rows(table, not_placed, unmatched_reason, file)
    warnings = {
        "nik_invalid": nik_invalid,
        "numeric_id_cells": sum(table.numeric_cells.get(c, 0) for c in _TEXT_ONLY),
        "blank_rows": table.blank_rows,
    }
    return _FileIntake(accepted, unmatched, rejected, len(frame), warnings)


def _rows(values: pd.Series, mask: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """The values where ``mask`` holds, without a copy when it holds everywhere."""
    return values.array if mask.all() else values.loc[mask].array


def ingest_registries(
    paths: Sequence[Path],
    villages: gpd.GeoDataFrame,
    key: bytes,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    map_files: FileMapper | None = None,
    *,
    member_ids: bool = True,
    placeholders: Collection[str] = PLACEHOLDERS,
) -> IntakeResult:
    """Read, normalise, pseudonymise, de-duplicate and place the rows of the registries.

    Files are read one after the other, or by ``map_files`` (each file is independent until
    de-duplication, which always runs here).

    ``memberships`` holds ``member_id`` (str; left out with ``member_ids=False``, which
    the build uses: counting needs no identity), ``village_code``, ``segment``,
    ``source_file`` and ``match_method`` as categoricals of text, ``registered_on``/
    ``ended_on`` as datetimes and ``source_row`` as int. Files are read in chunks of about
    :data:`CHUNK_ROWS` rows (Parquet by row groups), each chunk reduced to compact columns
    (the pseudonym as two 64-bit keys) before the next is read. ``placeholders`` are the
    cell texts that mean "empty" (:data:`analytics.io.values.PLACEHOLDERS` unless the mapping
    file says otherwise). Each file's reconciliation carries ``examples``: up to three
    offending values per reason (:func:`analytics.intake.outcomes.loss_examples`).
    """
    if not paths:
        raise InputError("no registry file given (--registry)")
    gazetteer = build_gazetteer(villages)
    names = file_names(paths)
    jobs = [
        (
            Path(path),
            name,
            number,
            mapping,
            key,
            gazetteer,
            None if map_files else progress,
            frozenset(placeholders),
        )
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
    dup, duplicates = duplicate_rows(accepted, names)
    if progress:
        progress("deduplicate", 1, 1)
    kept = accepted.loc[~dup, ["file_no", "match_method", "reason", "kabupaten_code"]]
    files: dict[str, dict] = {}
    unmatched_parts = []
    for number, (part, name) in enumerate(zip(parts, names, strict=True)):
        repeated = duplicates.loc[duplicates["source_file"] == name, "source_row"]
        unmatched = part.unmatched.loc[~part.unmatched["source_row"].isin(repeated)]
        unmatched_parts.append(unmatched)
        in_file = kept.loc[kept["file_no"] == number] if len(parts) > 1 else kept
        counts = file_counts(part.rows_in, in_file, part.rejected, len(repeated))
        examples = loss_examples(concat_outcomes([part.rejected, unmatched]))
        files[name] = {**counts, "warnings": part.warnings, "examples": examples}
    totals: dict[str, Any] = {k: sum(f[k] for f in files.values()) for k in COUNT_KEYS}
    for section in ("reasons", "warnings"):
        merged: dict[str, int] = {}
        for f in files.values():
            for k, v in f[section].items():
                merged[k] = merged.get(k, 0) + v
        totals[section] = dict(sorted(merged.items())) if section == "reasons" else merged
    reconciliation = {
        **totals,
        "files": files,
        "by_kabupaten": by_kabupaten(kept["kabupaten_code"], kept["match_method"]),
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
        unmatched=concat_outcomes(unmatched_parts),
        rejected=concat_outcomes([p.rejected for p in parts]),
        duplicates=duplicates,
        reconciliation=reconciliation,
        data_until=None if pd.isna(latest) else pd.Timestamp(latest),
    )


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
