"""De-duplication of accepted registry rows: the same membership written twice.

A row repeats an earlier one when its identity (the whole 128-bit pseudonym, held as two
64-bit keys ``id_high``/``id_low``), segment and registration date are equal; "earlier" is
the order of the rows (files in the given order, then rows). The first one counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["duplicate_rows", "first_rows"]


def first_rows(accepted: pd.DataFrame) -> np.ndarray:
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


def duplicate_rows(accepted: pd.DataFrame, names: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Mask of rows repeating an earlier row, and the duplicates table.

    ``accepted`` holds ``file_no`` (position in ``names``), ``source_row``, ``id_high``,
    ``id_low``, ``segment`` (categorical) and ``registered_on``. The table names each
    repeat (``source_file``, ``source_row``) and the row it repeats (``first_file``,
    ``first_row``).
    """
    first = first_rows(accepted)
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
