"""Small-count protection: hand-made tables, and proof that nothing hidden can be recovered.

The proof is independent of the implementation's null-space test: for every hidden cell a
linear programme finds its smallest and largest value consistent with the published totals,
the visible cells and non-negativity. If the two differ, the published table does not
give the value away.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from analytics.suppression import (
    MARK,
    footnote,
    mark,
    primary_cells,
    recoverable,
    suppress_list,
    suppress_table,
)


def value_ranges(
    values: np.ndarray, hidden: np.ndarray, rows: np.ndarray, cols: np.ndarray, grand: bool
) -> list[tuple[float, float]]:
    """(min, max) of every hidden cell over all non-negative tables with the published
    totals and visible cells (row-major order of the hidden cells)."""
    cells = [tuple(c) for c in np.argwhere(hidden)]
    index = {c: k for k, c in enumerate(cells)}
    equations, targets = [], []

    def add(members: list[tuple[int, int]], total: float) -> None:
        row = np.zeros(len(cells))
        known = 0.0
        for cell in members:
            if cell in index:
                row[index[cell]] = 1.0
            else:
                known += values[cell]
        if row.any():
            equations.append(row)
            targets.append(total - known)

    n_rows, n_cols = values.shape
    for i in range(n_rows):
        if rows[i]:
            add([(i, j) for j in range(n_cols)], values[i].sum())
    for j in range(n_cols):
        if cols[j]:
            add([(i, j) for i in range(n_rows)], values[:, j].sum())
    if grand:
        add([(i, j) for i in range(n_rows) for j in range(n_cols)], values.sum())
    out = []
    for k in range(len(cells)):
        c = np.zeros(len(cells))
        c[k] = 1.0
        kwargs = {"bounds": [(0, None)] * len(cells), "method": "highs"}
        if equations:
            kwargs |= {"A_eq": np.array(equations), "b_eq": np.array(targets)}
        low = linprog(c, **kwargs)
        high = linprog(-c, **kwargs)
        top = np.inf if high.status == 3 else -high.fun  # 3 = unbounded
        out.append((low.fun, top))
    return out


def assert_protected(table: pd.DataFrame, threshold: int, **published: bool) -> pd.DataFrame:
    result = suppress_table(table, threshold, **published)
    values = table.to_numpy(dtype="float64")
    hidden = result.hidden.to_numpy()
    # every small count is hidden, zeros and large counts only as complements
    assert (hidden | ~primary_cells(table, threshold).to_numpy()).all()
    for low, high in value_ranges(
        values,
        hidden,
        result.row_totals.to_numpy(),
        result.col_totals.to_numpy(),
        result.grand_total,
    ):
        assert high - low > 0.5, f"a hidden value is pinned to {low}"
    return result.hidden


def test_primary_cells_are_one_to_threshold_minus_one() -> None:
    table = pd.DataFrame({"a": [0, 1, 4, 5, np.nan]})
    assert primary_cells(table, 5)["a"].tolist() == [False, True, True, False, False]


def test_list_with_total_hides_the_next_smallest_nonzero_count() -> None:
    # 3 is small; with the total published it would be total - others, so 7 (the smallest
    # non-zero visible count; the zero would not protect it) is hidden too.
    result = suppress_list(pd.Series([3, 10, 0, 7, 20]), 5)
    assert result.hidden.tolist() == [True, False, False, True, False]
    assert result.total_published
    # without a published total nothing needs a complement
    alone = suppress_list(pd.Series([3, 10, 0, 7, 20]), 5, total=False)
    assert alone.hidden.tolist() == [True, False, False, False, False]


def test_a_list_of_one_small_count_withholds_its_total() -> None:
    result = suppress_list(pd.Series([3]), 5)
    assert result.hidden.tolist() == [True]
    assert not result.total_published


def test_two_way_table_by_hand() -> None:
    # Small counts: a0 = 3, c2 = 2. Rule 1 hides, in order: b0 (row 0: smallest visible),
    # a2 (row 2), b1 (column b), c0 (column c), a1 (row 1). Hand-checked pattern below.
    table = pd.DataFrame({"a": [3, 10, 20], "b": [12, 8, 30], "c": [40, 50, 2]})
    hidden = assert_protected(table, 5)
    expected = pd.DataFrame(
        {"a": [True, True, True], "b": [True, True, False], "c": [True, False, True]}
    )
    pd.testing.assert_frame_equal(hidden, expected)


def test_a_bridge_between_protected_blocks_is_found_and_protected() -> None:
    # Two blocks of small counts (rows 0-1 x cols 0-1, rows 2-3 x cols 2-3) joined by the
    # small count at (0, 2). Every row and column holds two or more hidden cells, so rule 1
    # is satisfied, yet (0, 2) = (rows 0+1 totals) - (cols 0+1 totals) - known cells.
    small = 2
    values = np.full((4, 4), 50)
    for i, j in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)]:
        values[i, j] = small
    table = pd.DataFrame(values)
    primary = primary_cells(table, 5).to_numpy()
    cells, _, _ = recoverable(primary, np.ones(4, bool), np.ones(4, bool), True)
    assert np.argwhere(cells).tolist() == [[0, 2]]
    hidden = assert_protected(table, 5)
    assert hidden.to_numpy().sum() > primary.sum()  # a complement was added


def test_nothing_small_means_nothing_hidden() -> None:
    table = pd.DataFrame({"a": [0, 10], "b": [5, 0]})
    result = suppress_table(table, 5)
    assert not result.hidden.to_numpy().any()
    assert not result.any


def test_mark_and_footnote() -> None:
    shown = mark(pd.Series([3, 10]), pd.Series([True, False]))
    assert shown.tolist() == [MARK, 10]
    assert "1 sampai 4" in footnote(5)


def test_invalid_threshold() -> None:
    with pytest.raises(ValueError, match="threshold"):
        suppress_table(pd.DataFrame({"a": [1]}), 0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(2, 5).flatmap(
        lambda n_rows: st.integers(2, 4).flatmap(
            lambda n_cols: st.lists(
                st.lists(st.integers(0, 25), min_size=n_cols, max_size=n_cols),
                min_size=n_rows,
                max_size=n_rows,
            )
        )
    ),
    st.integers(2, 8),
)
def test_no_hidden_value_is_recoverable_from_published_totals(
    rows: list[list[int]], threshold: int
) -> None:
    assert_protected(pd.DataFrame(rows), threshold)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=12), st.integers(2, 8))
def test_lists_with_a_total_are_protected(counts: list[int], threshold: int) -> None:
    result = suppress_list(pd.Series(counts), threshold)
    table = pd.DataFrame({"count": counts})
    values = table.to_numpy(dtype="float64")
    hidden = result.hidden.to_numpy()[:, None]
    assert (hidden[:, 0] | ~primary_cells(table, threshold)["count"].to_numpy()).all()
    ranges = value_ranges(
        values, hidden, np.zeros(len(counts), bool), np.array([result.total_published]), False
    )
    assert all(high - low > 0.5 for low, high in ranges)


def test_the_checker_catches_primary_suppression_alone() -> None:
    # Hiding only the small count of a list with a published total gives it away: the
    # linear programme must pin it to its value (so the tests above can fail).
    values = np.array([[3.0], [10.0]])
    hidden = np.array([[True], [False]])
    ((low, high),) = value_ranges(values, hidden, np.zeros(2, bool), np.array([True]), False)
    assert low == pytest.approx(3) and high == pytest.approx(3)
