"""Small-count protection for tables that leave the organisation.

A count of members between 1 and ``threshold - 1`` (default 5) could point at identifiable
people in a small village, so exports and reports can *suppress* it: the cell is replaced by
:data:`MARK` and a footnote explains why. Zero is **not** suppressed: it says that nobody is
registered, which identifies no one (and suppressing zeros would hide most of the PMI and
JAKON tables). Counts of ``threshold`` and above are shown.

Hiding the small cells alone is not enough when totals are published: in a column whose
total is shown, one hidden cell is the total minus the others. So a *complementary*
suppression follows, until no hidden cell (and no hidden total) is determined by the
published totals:

1. every published line (row or column total, or the grand total) with exactly one hidden
   cell gets a second one: the smallest non-zero visible cell of that line (the smallest, so
   the least information is lost; non-zero, so the hidden sum is not just the small cell);
   a line with no other cell hides its total instead;
2. rule 1 is not sufficient in two-way tables (a hidden cell joining two otherwise protected
   blocks is the difference of their totals), so the whole system is checked: a hidden
   value is recoverable exactly when its coefficient vector lies in the row space of the
   published constraints, i.e. it is orthogonal to the null space (computed with SciPy). Each
   recoverable cell gets a complement in its row or column, and the check repeats.

The guarantee is about *exact* recovery from the published totals of this one table
(linear equations). Bounds remain (a hidden cell is at most its line's hidden sum); the
tests check with a linear programme that every hidden value can still take at least two
values. Totals published in *other* tables (another segment, another level) are outside
this guarantee: publish one segment and one level per export, as the report does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
from scipy.linalg import null_space

DEFAULT_THRESHOLD: Final = 5
#: What a suppressed cell shows (same mark for primary and complementary cells, so the
#: mark itself does not say which cell is small).
MARK: Final = "s"
#: Tolerance of the null-space test (counts are integers; the null space has unit norm).
_TOL: Final = 1e-9


def footnote(threshold: int, lang: str = "id") -> str:
    """The footnote printed under every table with suppressed cells, in ``lang``."""
    if lang == "en":
        return (
            f"{MARK} = hidden to protect confidentiality: counts of 1 to {threshold - 1} "
            "people, or complementary cells that could reveal such a small count from a total."
        )
    return (
        f"{MARK} = disembunyikan untuk melindungi kerahasiaan: jumlah 1 sampai {threshold - 1} "
        "orang, atau sel pelengkap yang dapat membuka nilai kecil tersebut dari jumlah total."
    )


@dataclass(frozen=True)
class Suppression:
    """The result of :func:`suppress_table`.

    ``hidden`` has the shape of the table (True = suppressed); ``primary`` marks the small
    counts; ``row_totals``/``col_totals`` say which totals may still be published and
    ``grand_total`` whether the grand total may be.
    """

    hidden: pd.DataFrame
    primary: pd.DataFrame
    row_totals: pd.Series
    col_totals: pd.Series
    grand_total: bool

    @property
    def any(self) -> bool:
        return bool(self.hidden.to_numpy().any()) or not (
            self.row_totals.all() and self.col_totals.all() and self.grand_total
        )


def primary_cells(values: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Counts with ``0 < value < threshold`` (missing values are not counts: never hidden)."""
    numbers = values.apply(pd.to_numeric, errors="coerce").astype("float64")
    return (numbers > 0) & (numbers < threshold)


def _lines(
    shape: tuple[int, int], rows: np.ndarray, cols: np.ndarray, grand: bool
) -> list[tuple[str, int, np.ndarray]]:
    """Published constraints as (kind, index, boolean cell mask)."""
    n_rows, n_cols = shape
    out: list[tuple[str, int, np.ndarray]] = []
    for i in range(n_rows):
        if rows[i]:
            mask = np.zeros(shape, dtype=bool)
            mask[i, :] = True
            out.append(("row", i, mask))
    for j in range(n_cols):
        if cols[j]:
            mask = np.zeros(shape, dtype=bool)
            mask[:, j] = True
            out.append(("col", j, mask))
    if grand:
        out.append(("grand", 0, np.ones(shape, dtype=bool)))
    return out


def recoverable(
    hidden: np.ndarray, rows: np.ndarray, cols: np.ndarray, grand: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which hidden cells, hidden row totals and hidden column totals are determined exactly
    by the published totals (given every visible cell).

    Unknowns are the hidden cells; each published total is one equation over them. A linear
    function ``v . x`` of the unknowns is determined iff ``v`` is orthogonal to the null
    space of the equations.
    """
    n_rows, n_cols = hidden.shape
    unknown = np.flatnonzero(hidden.ravel())
    cells = np.zeros(hidden.shape, dtype=bool)
    row_out = np.zeros(n_rows, dtype=bool)
    col_out = np.zeros(n_cols, dtype=bool)
    if unknown.size == 0:
        return cells, row_out, col_out
    lines = _lines(hidden.shape, rows, cols, grand)
    if lines:
        a = np.array([m.ravel()[unknown] for _, _, m in lines], dtype="float64")
        basis = null_space(a)  # columns span {x : A x = 0}
    else:
        basis = np.eye(unknown.size)
    position = {cell: k for k, cell in enumerate(unknown)}

    def determined(vector: np.ndarray) -> bool:
        return bool(basis.shape[1] == 0 or np.all(np.abs(vector @ basis) < _TOL))

    for k, cell in enumerate(unknown):
        unit = np.zeros(unknown.size)
        unit[k] = 1.0
        cells.flat[cell] = determined(unit)
    for i in range(n_rows):
        members = [position[c] for c in unknown if c // n_cols == i]
        if not rows[i] and members:
            v = np.zeros(unknown.size)
            v[members] = 1.0
            row_out[i] = determined(v)
    for j in range(n_cols):
        members = [position[c] for c in unknown if c % n_cols == j]
        if not cols[j] and members:
            v = np.zeros(unknown.size)
            v[members] = 1.0
            col_out[j] = determined(v)
    return cells, row_out, col_out


def _complement(values: np.ndarray, hidden: np.ndarray, line: np.ndarray) -> tuple[int, ...] | None:
    """The visible cell of ``line`` to hide next: smallest non-zero, else smallest."""
    candidates = np.argwhere(line & ~hidden & ~np.isnan(values))
    if candidates.size == 0:
        return None
    vals = np.array([values[tuple(c)] for c in candidates])
    order = np.lexsort((vals, vals <= 0))  # non-zero first, then by value
    return tuple(int(x) for x in candidates[order[0]])


def _line_mask(shape: tuple[int, int], kind: str, index: int) -> np.ndarray:
    mask = np.zeros(shape, dtype=bool)
    if kind == "row":
        mask[index, :] = True
    elif kind == "col":
        mask[:, index] = True
    else:
        mask[:] = True
    return mask


def _single_hidden_line(
    hidden: np.ndarray, rows: np.ndarray, cols: np.ndarray, grand: bool
) -> tuple[str, int] | None:
    """A published line holding exactly one hidden cell (rule 1), if any."""
    row_hits = np.flatnonzero(rows & (hidden.sum(axis=1) == 1))
    if row_hits.size:
        return "row", int(row_hits[0])
    col_hits = np.flatnonzero(cols & (hidden.sum(axis=0) == 1))
    if col_hits.size:
        return "col", int(col_hits[0])
    if grand and int(hidden.sum()) == 1:
        return "grand", 0
    return None


def suppress_table(
    table: pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    row_totals: bool = True,
    col_totals: bool = True,
    grand_total: bool = True,
) -> Suppression:
    """Primary and complementary suppression of a table of counts (rows x columns).

    ``row_totals``/``col_totals``/``grand_total`` say which totals the export publishes;
    the result says which of them may still be published. A one-way list with a total is a
    one-column table with ``row_totals=False`` (see :func:`suppress_list`). Missing values
    (NaN) are published blanks, never hidden and never used as complements.
    """
    if threshold < 1:
        raise ValueError(f"threshold must be at least 1, got {threshold}")
    values = table.apply(pd.to_numeric, errors="coerce").to_numpy(dtype="float64")
    primary = primary_cells(table, threshold).to_numpy()
    hidden = primary.copy()
    rows = np.full(values.shape[0], row_totals)
    cols = np.full(values.shape[1], col_totals)
    grand = grand_total
    while True:
        line = _single_hidden_line(hidden, rows, cols, grand)
        if line is not None:
            kind, index = line
            cell = _complement(values, hidden, _line_mask(values.shape, kind, index))
            if cell is not None:
                hidden[cell] = True
            elif kind == "row":
                rows[index] = False
            elif kind == "col":
                cols[index] = False
            else:
                grand = False
            continue
        cells, row_out, col_out = recoverable(hidden, rows, cols, grand)
        if cells.any():
            i, j = (int(x) for x in np.argwhere(cells)[0])
            cell = _complement(values, hidden, _line_mask(values.shape, "row", i))
            cell = cell or _complement(values, hidden, _line_mask(values.shape, "col", j))
            if cell is not None:
                hidden[cell] = True
            elif rows[i]:
                rows[i] = False
            elif cols[j]:
                cols[j] = False
            else:
                grand = False
        elif row_out.any() or col_out.any():
            # a hidden total is the grand total minus the others: withhold the grand total
            grand = False
        else:
            break
    return Suppression(
        hidden=pd.DataFrame(hidden, index=table.index, columns=table.columns),
        primary=pd.DataFrame(primary, index=table.index, columns=table.columns),
        row_totals=pd.Series(rows, index=table.index),
        col_totals=pd.Series(cols, index=table.columns),
        grand_total=grand,
    )


@dataclass(frozen=True)
class ListSuppression:
    """Hidden flags of a one-way list and whether its total may still be published."""

    hidden: pd.Series
    total_published: bool


def suppress_list(
    counts: pd.Series, threshold: int = DEFAULT_THRESHOLD, *, total: bool = True
) -> ListSuppression:
    """Hidden flags for a one-way list of counts whose total is published (``total``).

    With a published total, one hidden count would be the total minus the others, so a
    second (the smallest non-zero visible) count is hidden too; a list of one count hides
    its total instead.
    """
    result = suppress_table(
        counts.to_frame("count"), threshold, row_totals=False, col_totals=total, grand_total=False
    )
    return ListSuppression(result.hidden["count"], bool(total and result.col_totals.iloc[0]))


def mark(values: pd.Series, hidden: pd.Series) -> pd.Series:
    """``values`` as objects with hidden cells replaced by :data:`MARK`."""
    out = values.astype("object")
    return out.where(~hidden.to_numpy(), MARK)
