"""Workforce intake: denominators (workers and informal workers) per village and year.

Every row with anything in a read column ends accepted or rejected with a reason (see
:func:`ingest_workforce`); ``rows_in = accepted + rejected``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from analytics.codes import normalize_village_codes
from analytics.errors import InputError
from analytics.intake.outcomes import TableIntake
from analytics.io.headers import WORKFORCE_ALIASES, resolve_columns
from analytics.io.tables import inspect_table, read_columns
from analytics.io.values import PLACEHOLDERS, blank, parse_counts

__all__ = ["WORKFORCE_REJECTION_REASONS", "ingest_workforce"]

WORKFORCE_REJECTION_REASONS: Final = (
    "invalid_code",
    "unknown_code",
    "invalid_year",
    "invalid_workers",
    "invalid_informal_workers",
    "informal_exceeds_workers",
    "duplicate",
)


def ingest_workforce(
    path: Path,
    villages: gpd.GeoDataFrame,
    mapping: Mapping[str, str] | None = None,
    placeholders: Collection[str] = PLACEHOLDERS,
) -> TableIntake:
    """Read workforce denominators per village and year.

    Rows are rejected (first reason that applies) for an ``invalid_code``, an
    ``unknown_code`` (not in the boundaries), an ``invalid_year`` (not 1990-2100),
    ``invalid_workers`` / ``invalid_informal_workers`` (not a whole number),
    ``informal_exceeds_workers``, or as a ``duplicate`` of an earlier row for the same
    village and year. ``source`` is the ``SUMBER`` value, else the file name.
    ``placeholders`` are the cell texts that mean "empty".
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
            code="missing_column",
            params={
                "name": file,
                "field": "workforce",
                "example": ", ".join(wanted.values()),
                "found": found,
            },
        )
    table = read_columns(source, columns, text_only=("village_code",), placeholders=placeholders)
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
    return TableIntake(out, rejected, reconciliation)
