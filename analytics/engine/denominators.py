"""Estimated village denominators for users without village workforce figures.

Kabupaten/kota worker totals (for example from BPS Sakernas, with the formal/informal split)
are shared out to the villages of each kabupaten in proportion to a village weight, usually
the working-age population (15+). Shares are rounded by the largest-remainder method, so the
villages of a kabupaten add up exactly to its totals. Informal and formal workers are shared
out separately and ``workers = informal + formal`` in every village, so informal never
exceeds workers.

This is an estimate: it assumes every village of a kabupaten has the same share of its
working-age people at work and the same informal share. ``docs/methodology.md`` lists the
caveats.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from analytics.codes import normalize_village_codes
from analytics.errors import InputError
from analytics.io.tables import inspect_table, read_columns
from analytics.schemas import WorkforceSchema

TOTALS_COLUMNS: Final = ("kabupaten_code", "year", "workers", "informal_workers")
WEIGHTS_COLUMNS: Final = ("village_code", "weight")
METHOD: Final = "estimated: kabupaten totals allocated by village weight (largest remainder)"


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to ``weights`` that add up to ``total`` exactly.

    Each share gets the floor of its quota; the units left go to the largest remainders
    (ties to the earlier position). All-zero weights are an error.
    """
    weights = np.asarray(weights, dtype=float)
    if total < 0:
        raise ValueError("total must not be negative")
    if (weights < 0).any() or not np.isfinite(weights).all():
        raise ValueError("weights must be finite and not negative")
    weight_sum = weights.sum()
    if weight_sum <= 0:
        raise ValueError("weights add up to zero: nothing to allocate in proportion to")
    quotas = total * weights / weight_sum
    shares = np.floor(quotas).astype(np.int64)
    left = int(total - shares.sum())
    if left > 0:
        order = np.argsort(-(quotas - shares), kind="stable")
        shares[order[:left]] += 1
    return shares


def allocate_workforce(
    totals: pd.DataFrame, weights: pd.DataFrame, source: str = METHOD
) -> pd.DataFrame:
    """Village workforce (WorkforceSchema) from kabupaten ``totals`` and village ``weights``.

    ``totals``: ``kabupaten_code`` (dotted, ``34.71``), ``year``, ``workers``,
    ``informal_workers``. ``weights``: ``village_code`` (dotted), ``weight``. Villages of a
    kabupaten without totals get no row; a kabupaten with totals but no weighted village is
    an error, because its workers would be lost.
    """
    weights = weights.sort_values("village_code", ignore_index=True)
    kab_of_village = weights["village_code"].str.slice(0, 5)
    rows = []
    for total in totals.sort_values(["kabupaten_code", "year"]).to_dict("records"):
        in_kab = (kab_of_village == total["kabupaten_code"]).to_numpy()
        if not in_kab.any() or weights.loc[in_kab, "weight"].sum() <= 0:
            raise InputError(
                f"kabupaten {total['kabupaten_code']} ({total['year']}) has totals but no village "
                "with a weight above 0, so its workers cannot be allocated"
            )
        w = weights.loc[in_kab, "weight"].to_numpy(dtype=float)
        informal = largest_remainder(int(total["informal_workers"]), w)
        formal = largest_remainder(int(total["workers"]) - int(total["informal_workers"]), w)
        rows.append(
            pd.DataFrame(
                {
                    "village_code": weights.loc[in_kab, "village_code"].to_numpy(),
                    "year": int(total["year"]),
                    "workers": informal + formal,
                    "informal_workers": informal,
                    "source": source,
                }
            )
        )
    if not rows:
        raise InputError("the totals have no rows: nothing to allocate")
    return WorkforceSchema.validate(pd.concat(rows, ignore_index=True))


def _read_table(path: Path, columns: tuple[str, ...]) -> tuple[pd.DataFrame, np.ndarray]:
    """The ``columns`` of the file (headers matched trimmed and in any case) as text, read
    by :mod:`analytics.io.tables` (CSV with its encoding and delimiter, XLSX via calamine,
    Parquet; placeholder cells such as ``-`` or ``N/A`` empty), and the spreadsheet row
    number of each frame row."""
    source = inspect_table(path)
    headers: dict[str, str] = {}
    for header in source.headers:
        headers.setdefault(str(header).strip().lower(), header)
    missing = [c for c in columns if c not in headers]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; the file needs {', '.join(columns)}",
            file=path.name,
        )
    table = read_columns(source, {c: headers[c] for c in columns})
    frame = table.frame.reset_index(drop=True)
    return frame, table.source_row.to_numpy()


def _first(bad: pd.Series, rows: np.ndarray) -> int:
    """The spreadsheet row of the first ``bad`` frame row."""
    return int(rows[int(np.flatnonzero(bad.to_numpy())[0])])


def _numbers(frame: pd.DataFrame, column: str, file: str, rows: np.ndarray) -> pd.Series:
    values = pd.to_numeric(frame[column].str.strip(), errors="coerce")
    bad = values.isna() | (values < 0)
    if bad.any():
        at = int(np.flatnonzero(bad.to_numpy())[0])
        raw = frame[column].iloc[at]
        said = "the cell is empty (or a placeholder such as '-')" if pd.isna(raw) else repr(raw)
        raise InputError(
            f"{said}: not a number of 0 or more",
            file=file,
            row=int(rows[at]),
            column=column,
        )
    return values


def read_totals(path: Path) -> pd.DataFrame:
    """Read kabupaten totals (CSV or Excel) with columns :data:`TOTALS_COLUMNS`."""
    raw, rows = _read_table(path, TOTALS_COLUMNS)
    codes = (
        raw["kabupaten_code"].str.strip().str.replace(r"^(\d{2})\.?(\d{2})$", r"\1.\2", regex=True)
    )
    bad = ~codes.str.fullmatch(r"\d{2}\.\d{2}").fillna(False)
    if bad.any():
        row = _first(bad, rows)
        raise InputError(
            "not a kabupaten code like 34.71", file=path.name, row=row, column="kabupaten_code"
        )
    frame = pd.DataFrame(
        {
            "kabupaten_code": codes.astype("str"),
            "year": _numbers(raw, "year", path.name, rows).astype("int64"),
            "workers": _numbers(raw, "workers", path.name, rows).round().astype("int64"),
            "informal_workers": _numbers(raw, "informal_workers", path.name, rows)
            .round()
            .astype("int64"),
        }
    )
    over = frame["informal_workers"] > frame["workers"]
    if over.any():
        row = _first(over, rows)
        raise InputError(
            "informal_workers exceeds workers", file=path.name, row=row, column="informal_workers"
        )
    dup = frame.duplicated(["kabupaten_code", "year"])
    if dup.any():
        row = _first(dup, rows)
        raise InputError("a second row for the same kabupaten and year", file=path.name, row=row)
    return frame


def read_weights(path: Path) -> pd.DataFrame:
    """Read village weights (CSV or Excel) with columns :data:`WEIGHTS_COLUMNS`."""
    raw, rows = _read_table(path, WEIGHTS_COLUMNS)
    codes = normalize_village_codes(raw["village_code"])
    if codes.isna().any():
        row = _first(codes.isna(), rows)
        raise InputError(
            "not a village code like 34.71.01.1001", file=path.name, row=row, column="village_code"
        )
    frame = pd.DataFrame(
        {"village_code": codes.astype("str"), "weight": _numbers(raw, "weight", path.name, rows)}
    )
    dup = frame.duplicated("village_code")
    if dup.any():
        row = _first(dup, rows)
        raise InputError(
            "a second row for the same village", file=path.name, row=row, column="village_code"
        )
    return frame
