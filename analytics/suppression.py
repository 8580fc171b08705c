"""Small-count protection for tables that leave the organisation.

A count of members between 1 and ``threshold - 1`` (default 5) could point at identifiable
people in a small village, so exports and reports *suppress* it: the cell is replaced by
:data:`MARK` and a footnote explains why. Zero is **not** suppressed, neither as a small
count nor as a complement: it says that nobody is registered, which identifies no one, and a
reader may therefore take every ``s`` as at least 1. Counts of ``threshold`` and above are
shown, unless they are needed as complements.

This module keeps the table-shaped entry points (:func:`suppress_table`,
:func:`suppress_list`); the work is done by :mod:`analytics.disclosure`, which protects
every figure published together (a report, an export) as one set of linked tables: a
table's cells, its row and column totals and its grand total are figures, small totals are
hidden like small cells, and complements are chosen until no hidden small count can be
shown, from the published figures, to be below the threshold (docs/exports.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from analytics.disclosure import LinkedSet, protect

DEFAULT_THRESHOLD: Final = 5
#: What a suppressed cell shows (same mark for primary and complementary cells, so the
#: mark itself does not say which cell is small).
MARK: Final = "s"


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
    the result says which of them may still be published (a small total, or one needed as
    a complement, is withheld). A one-way list with a total is a one-column table with
    ``row_totals=False`` (see :func:`suppress_list`). Missing values (NaN) are published
    blanks: never hidden, never used as complements.
    """
    if threshold < 1:
        raise ValueError(f"threshold must be at least 1, got {threshold}")
    values = table.apply(pd.to_numeric, errors="coerce").to_numpy(dtype="float64")
    primary = primary_cells(table, threshold).to_numpy()
    n_rows, n_cols = values.shape
    base = {
        (i, j): 0 if np.isnan(values[i, j]) else round(values[i, j])
        for i in range(n_rows)
        for j in range(n_cols)
    }
    linked = LinkedSet(base)
    cells = [[linked.add([(i, j)]) for j in range(n_cols)] for i in range(n_rows)]
    row_keys = (
        [linked.add((i, j) for j in range(n_cols)) for i in range(n_rows)] if row_totals else []
    )
    col_keys = (
        [linked.add((i, j) for i in range(n_rows)) for j in range(n_cols)] if col_totals else []
    )
    grand_key = linked.add(base) if grand_total and base else None
    hidden_keys = protect(linked, threshold)
    hidden = np.array([[k in hidden_keys for k in row] for row in cells], dtype=bool).reshape(
        values.shape
    )
    rows = np.array([k not in hidden_keys for k in row_keys], dtype=bool)
    cols = np.array([k not in hidden_keys for k in col_keys], dtype=bool)
    return Suppression(
        hidden=pd.DataFrame(hidden, index=table.index, columns=table.columns),
        primary=pd.DataFrame(primary, index=table.index, columns=table.columns),
        row_totals=pd.Series(rows if row_totals else np.zeros(n_rows, bool), index=table.index),
        col_totals=pd.Series(cols if col_totals else np.zeros(n_cols, bool), index=table.columns),
        grand_total=grand_key is not None and grand_key not in hidden_keys,
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
