"""Outcome tables and reconciliation counts of the registry intake.

Rows that are rejected or not placed are reported in the outcome-table shape
(:data:`OUTCOME_COLUMNS`, the privacy allow-list :data:`analytics.schemas.ROW_REPORT_COLUMNS`:
file, row, reason, location, segment and date fields only, never an identity);
``offending_value`` is the raw value the reason is about (the end date of an
``invalid_end_date``, the code of an ``unknown_code``, ...; for ``invalid_identity`` the
identifier's shape, never its digits). The reconciliation counts every row once per file
and in total, with up to :data:`EXAMPLES_PER_REASON` offending values per reason and file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from analytics.io.tables import Table
from analytics.schemas import ROW_REPORT_COLUMNS


@dataclass(frozen=True)
class TableIntake:
    """An ingested table (workforce, roster, events): the canonical rows, the rows set
    aside with their reasons (outcome-table shape), and the reconciliation counts."""

    frame: pd.DataFrame
    rejected: pd.DataFrame
    reconciliation: dict[str, Any]


REJECTION_REASONS: Final = (
    "no_identity",
    "invalid_identity",
    "missing_registration_date",
    "invalid_registration_date",
    "unknown_segment",
    "invalid_end_date",
    "end_before_registration",
)
OUTCOME_COLUMNS: Final = ROW_REPORT_COLUMNS
#: The field whose raw value a reason is about (the identity's shape comes from the intake;
#: names are the raw village, kecamatan and kabupaten written in the row).
OFFENDING_FIELD: Final[dict[str, str]] = {
    "invalid_registration_date": "registered_on",
    "unknown_segment": "segment",
    "invalid_end_date": "ended_on",
    "end_before_registration": "ended_on",
    "unknown_code": "village_code",
}
_NAME_REASONS: Final = ("unknown_name", "ambiguous_name")
#: Offending values kept per reason and file in the reconciliation (distinct, row order).
EXAMPLES_PER_REASON: Final = 3
#: The per-file counts that add up to the totals.
COUNT_KEYS: Final = (
    "rows_in",
    "matched",
    "matched_by_code",
    "matched_by_name",
    "unmatched",
    "rejected",
    "duplicates",
)


def _display(values: pd.Series) -> pd.Series:
    """Values as text for the outcome tables (dates as ISO)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.strftime("%Y-%m-%d").astype("str")
    return values.astype("str")


def offending_values(
    frame: pd.DataFrame, reasons: pd.Series, identity: pd.Series | None = None
) -> pd.Series:
    """The raw value each row's reason is about (text; missing when there is none).

    ``frame`` holds the rows' read fields, ``reasons`` their reasons (aligned); the
    identity's shape, for ``invalid_identity``, comes in ``identity``.
    """
    why = reasons.astype("str").to_numpy()
    out = pd.Series(np.nan, index=frame.index, dtype="str")
    for reason, field_name in OFFENDING_FIELD.items():
        chosen = why == reason
        if chosen.any() and field_name in frame:
            out[chosen] = _display(frame[field_name].loc[chosen]).to_numpy()
    names = np.isin(why, _NAME_REASONS)
    if names.any():
        parts = [
            frame[c].loc[names].astype("str").where(frame[c].loc[names].notna(), "")
            for c in ("desa", "kecamatan", "kabupaten")
            if c in frame
        ]
        if parts:
            joined = pd.concat(parts, axis=1).apply(
                lambda row: " / ".join(v for v in row if v), axis=1
            )
            out[names] = joined.astype("str").to_numpy()
    if identity is not None:
        chosen = why == "invalid_identity"
        if chosen.any():
            out[chosen] = identity.loc[chosen].astype("str").to_numpy()
    return out.where(out != "")


def outcome_rows(
    table: Table,
    mask: np.ndarray,
    reasons: pd.Series,
    file: str,
    identity: pd.Series | None = None,
) -> pd.DataFrame:
    """Rows of ``table`` selected by ``mask`` in the outcome-table shape (``identity``: the
    shape of an unusable identifier, for ``invalid_identity`` rows)."""
    frame = table.frame.loc[mask]
    empty = pd.Series(np.nan, index=frame.index, dtype="str")
    column_of = {"village_code_raw": "village_code", "registered_on_raw": "registered_on"}
    why = reasons.loc[mask].astype("str")
    data = {
        "source_file": pd.Series(file, index=frame.index, dtype="str"),
        "source_row": table.source_row.loc[mask].astype("int64"),
        "reason": why,
    }
    for name in OUTCOME_COLUMNS[3:-1]:
        source = column_of.get(name, name)
        data[name] = _display(frame[source]) if source in frame else empty
    shapes = identity.loc[mask] if identity is not None else None
    data["offending_value"] = offending_values(frame, why, shapes)
    return pd.DataFrame(data).reset_index(drop=True)


def loss_examples(outcomes: pd.DataFrame) -> dict[str, list[str]]:
    """Up to :data:`EXAMPLES_PER_REASON` distinct offending values per reason, in row order."""
    examples: dict[str, list[str]] = {}
    if outcomes.empty:
        return examples
    present = outcomes.loc[outcomes["offending_value"].notna(), ["reason", "offending_value"]]
    for reason, value in present.drop_duplicates().itertuples(index=False):
        kept = examples.setdefault(str(reason), [])
        if len(kept) < EXAMPLES_PER_REASON:
            kept.append(str(value))
    return dict(sorted(examples.items()))


def empty_outcome() -> pd.DataFrame:
    """An outcome table without rows."""
    frame = pd.DataFrame({c: pd.Series(dtype="str") for c in OUTCOME_COLUMNS})
    return frame.astype({"source_row": "int64"})


def concat_outcomes(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The outcome tables one after the other (an empty outcome table when all are empty)."""
    frames = [p for p in parts if len(p)]
    return pd.concat(frames, ignore_index=True) if frames else empty_outcome()


def file_counts(
    rows_in: int, accepted: pd.DataFrame, rejected: pd.DataFrame, dup: int
) -> dict[str, Any]:
    """Reconciliation counts of one file from its kept accepted rows and its rejected rows."""
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


def by_kabupaten(kabupaten: pd.Series, method: pd.Series) -> dict[str, dict[str, int]]:
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


def file_names(paths: Sequence[Path]) -> list[str]:
    """The names files are reported under: their own, numbered when two share one."""
    names: list[str] = []
    for path in paths:
        name, n = Path(path).name, 1
        while name in names:
            n += 1
            name = f"{Path(path).name} ({n})"
        names.append(name)
    return names
