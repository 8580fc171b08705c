"""Small-count protection: hand-made tables, and proof that nothing hidden can be narrowed.

The proof is independent of the implementation: for every hidden cell an integer programme
finds its largest value consistent with the published totals, the visible cells, and what
the docs tell a reader (cells are whole numbers ≥ 0, a hidden cell or total is ≥ 1 since
zeros are never hidden). Every hidden small count must be able to reach the threshold, so
the table does not even tell that it is small (docs/exports.md, "What is checked").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from analytics.suppression import (
    MARK,
    Suppression,
    footnote,
    mark,
    primary_cells,
    suppress_list,
    suppress_table,
)


def value_ranges(
    values: np.ndarray,
    hidden: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    grand: bool,
    floor: int = 1,
    totals: tuple[bool, bool, bool] = (True, True, True),
) -> list[tuple[float, float]]:
    """(min, max) of every hidden cell (row-major order) over all tables of whole numbers
    ≥ 0 with the visible cells and published totals, hidden cells and hidden totals ≥ floor.

    ``rows``/``cols``/``grand`` say which totals are published; ``totals`` which totals
    the table has at all (a withheld one is known to be ≥ floor)."""
    n_rows, n_cols = values.shape
    cells = [tuple(c) for c in np.argwhere(hidden)]
    index = {c: k for k, c in enumerate(cells)}
    matrix, low, high = [], [], []

    def add(members: list[tuple[int, int]], published: bool) -> None:
        row = np.zeros(len(cells))
        known = 0.0
        for cell in members:
            if cell in index:
                row[index[cell]] = 1.0
            else:
                known += values[cell]
        if not row.any():
            return
        total = sum(values[c] for c in members)
        matrix.append(row)
        low.append(total - known if published else floor - known)
        high.append(total - known if published else np.inf)

    if totals[0]:
        for i in range(n_rows):
            add([(i, j) for j in range(n_cols)], bool(rows[i]))
    if totals[1]:
        for j in range(n_cols):
            add([(i, j) for i in range(n_rows)], bool(cols[j]))
    if totals[2]:
        add([(i, j) for i in range(n_rows) for j in range(n_cols)], grand)
    out = []
    cap = 10 * (values.sum() + 10)
    for k in range(len(cells)):
        c = np.zeros(len(cells))
        c[k] = 1.0
        kwargs = {
            "integrality": np.ones(len(cells)),
            "bounds": Bounds(floor, cap),
        }
        if matrix:
            kwargs["constraints"] = LinearConstraint(np.array(matrix), low, high)
        lo = milp(c, **kwargs)
        hi = milp(-c, **kwargs)
        assert lo.status == 0 and hi.status == 0
        out.append((lo.fun, -hi.fun))
    return out


def assert_protected(table: pd.DataFrame, threshold: int, **published: bool) -> pd.DataFrame:
    result = suppress_table(table, threshold, **published)
    values = table.to_numpy(dtype="float64")
    hidden = result.hidden.to_numpy()
    primary = primary_cells(table, threshold).to_numpy()
    # every small count is hidden; zeros never are
    assert (hidden | ~primary).all()
    assert not (hidden & (values == 0)).any()
    _assert_small_totals_withheld(values, result, threshold, **published)
    ranges = value_ranges(
        values,
        hidden,
        result.row_totals.to_numpy(),
        result.col_totals.to_numpy(),
        result.grand_total,
        totals=(
            published.get("row_totals", True),
            published.get("col_totals", True),
            published.get("grand_total", True),
        ),
    )
    for (low, high), small in zip(ranges, primary[hidden], strict=True):
        assert high > low, f"a hidden value is pinned to {low}"
        if small:
            assert high >= threshold, f"a small count is shown to be in [{low}, {high}]"
    return result.hidden


def _assert_small_totals_withheld(
    values: np.ndarray, result: Suppression, threshold: int, **published: bool
) -> None:
    def small(total: float) -> bool:
        return 0 < total < threshold

    rows = values.sum(axis=1)
    cols = values.sum(axis=0)
    if published.get("row_totals", True):
        assert not any(small(t) and ok for t, ok in zip(rows, result.row_totals, strict=True))
    if published.get("col_totals", True):
        assert not any(small(t) and ok for t, ok in zip(cols, result.col_totals, strict=True))
    if published.get("grand_total", True):
        assert not (small(values.sum()) and result.grand_total)


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
    # small count at (0, 2). Every row and column holds two or more hidden cells, yet
    # (0, 2) = (rows 0+1 totals) - (cols 0+1 totals) - known cells: the checker pins it.
    small = 2
    values = np.full((4, 4), 50)
    for i, j in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)]:
        values[i, j] = small
    table = pd.DataFrame(values)
    primary = primary_cells(table, 5).to_numpy()
    everything = np.ones(4, bool)
    ranges = value_ranges(values.astype(float), primary, everything, everything, True)
    assert (2.0, 2.0) in ranges
    hidden = assert_protected(table, 5)
    assert hidden.to_numpy().sum() > primary.sum()  # complements were added


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
    assert_protected(
        pd.DataFrame({"count": counts}), threshold, row_totals=False, grand_total=False
    )


def test_the_checker_catches_primary_suppression_alone() -> None:
    # Hiding only the small count of a list with a published total gives it away: the
    # integer programme must pin it to its value (so the tests above can fail).
    values = np.array([[3.0], [10.0]])
    hidden = np.array([[True], [False]])
    ((low, high),) = value_ranges(values, hidden, np.zeros(2, bool), np.array([True]), False)
    assert low == pytest.approx(3) and high == pytest.approx(3)


# Issue 15, "Suppressed small counts can be recovered": each of these failed before.


def test_small_totals_are_withheld() -> None:
    # 2 and 1 are hidden; a published total of 3 would tell both are small (old: published).
    result = suppress_list(pd.Series([2, 1, 0]), 5)
    assert result.hidden.tolist() == [True, True, False]
    assert not result.total_published


def test_zeros_are_never_complements() -> None:
    # Old: the zero was hidden as the complement of 3 (and the reader, told zeros are never
    # hidden, would have read 3 + 0 = 3). Now the total is withheld instead.
    result = suppress_list(pd.Series([3, 0]), 5)
    assert result.hidden.tolist() == [True, False]
    assert not result.total_published


def test_five_hidden_cells_under_a_total_of_five() -> None:
    # Kecamatan x segment registrations: five PMI counts of 1 under a published PMI total of
    # 5. Read as whole numbers >= 1, each hidden cell was exactly 1.
    table = pd.DataFrame({"PU": [40, 52, 61, 38, 45], "PMI": [1, 1, 1, 1, 1]})
    old_pattern = np.column_stack([np.zeros(5, bool), np.ones(5, bool)])
    everything = np.ones(5, bool)
    ranges = value_ranges(table.to_numpy(float), old_pattern, everything, np.ones(2, bool), True)
    assert all(r == (1.0, 1.0) for r in ranges)  # the old publication gives them away
    assert_protected(table, 5)


def test_two_hidden_cells_under_a_total_that_leaves_two() -> None:
    # The kabupaten -> kecamatan PMI list of the 99.01 report: two "s" under a total that
    # leaves 2, so both are 1.
    counts = pd.Series([1, 1, 30, 12, 25])
    ranges = value_ranges(
        counts.to_numpy(float)[:, None],
        np.array([[True], [True], [False], [False], [False]]),
        np.zeros(5, bool),
        np.array([True]),
        False,
        totals=(False, True, False),
    )
    assert ranges == [(1.0, 1.0), (1.0, 1.0)]
    assert_protected(counts.to_frame("n"), 5, row_totals=False, grand_total=False)
