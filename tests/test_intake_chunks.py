"""Parquet registries are read by row groups: the outcome is the same as reading them whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import analytics.io.tables
from analytics.intake.registries import IntakeResult, ingest_registries
from analytics.io.tables import Table, TableSource
from tests.test_intake import HEADER, KEY, ROWS, make_villages


@pytest.fixture(scope="module")
def villages() -> gpd.GeoDataFrame:
    return make_villages()


def _parquet(path: Path, rows: list[str], row_group_size: int) -> Path:
    """The rows as an all-text Parquet file (empty cells as nulls)."""
    cells = [[cell or None for cell in row.split(";")] for row in rows]
    columns = HEADER.split(";")
    table = pa.table(
        {c: pa.array([r[i] for r in cells], pa.string()) for i, c in enumerate(columns)}
    )
    pq.write_table(table, path, row_group_size=row_group_size)
    return path


def _ingest(
    path: Path, villages: gpd.GeoDataFrame, chunk_rows: int, monkeypatch: pytest.MonkeyPatch
) -> IntakeResult:
    monkeypatch.setattr("analytics.intake.registries.CHUNK_ROWS", chunk_rows)
    return ingest_registries([path], villages, KEY)


def test_reading_by_row_groups_changes_nothing(
    tmp_path: Path, villages: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 3-row groups read 2 groups (6 rows) at a time: 16 rows make 3 chunks. Row 13 repeats
    # row 2 from another chunk, so de-duplication has to see across chunks.
    path = _parquet(tmp_path / "r.parquet", ROWS, row_group_size=3)
    assert pq.ParquetFile(path).metadata.num_row_groups == 6
    whole = _ingest(path, villages, 10**9, monkeypatch)
    read_columns, chunks = analytics.io.tables.read_columns, []

    def counted(source: TableSource, *args: Any, **kwargs: Any) -> Table:  # a spy
        chunks.append(source.row_groups)
        return read_columns(source, *args, **kwargs)

    monkeypatch.setattr("analytics.io.tables.read_columns", counted)  # chunks read
    chunked = _ingest(path, villages, 6, monkeypatch)
    assert chunks == [(0, 1), (2, 3), (4, 5)]
    pd.testing.assert_frame_equal(chunked.memberships, whole.memberships)
    for name in ("unmatched", "rejected", "duplicates"):
        pd.testing.assert_frame_equal(getattr(chunked, name), getattr(whole, name))
    assert chunked.reconciliation == whole.reconciliation
    assert chunked.data_until == whole.data_until
    # Hand-checked: the same outcome as the CSV export of test_intake.
    assert chunked.duplicates[["source_row", "first_row"]].to_numpy().tolist() == [[13, 2]]
    assert chunked.memberships["source_row"].tolist() == [2, 3, 4, 6]
    assert chunked.rejected["source_row"].tolist() == [9, 10, 11, 12, 14, 15, 16]
    counts = {k: chunked.reconciliation[k] for k in ("rows_in", "matched", "duplicates")}
    assert counts == {"rows_in": 16, "matched": 4, "duplicates": 1}


def test_duplicates_across_many_chunks_and_files(
    tmp_path: Path, villages: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 40 memberships, each written twice in a shuffled order, split over two files of
    # 1-row groups read 7 rows at a time: every first occurrence is kept, every repeat found.
    rng = np.random.default_rng(3)
    ids = [f"K{i}" for i in range(40)] * 2
    order = rng.permutation(len(ids))
    rows = [f"{ids[i]};;;;34.71.01.1001;;;;PU;2023-01-05;" for i in order]
    first = _parquet(tmp_path / "a.parquet", rows[:50], row_group_size=1)
    second = _parquet(tmp_path / "b.parquet", rows[50:], row_group_size=1)
    monkeypatch.setattr("analytics.intake.registries.CHUNK_ROWS", 7)
    result = ingest_registries([first, second], villages, KEY)
    assert result.reconciliation["rows_in"] == 80
    assert result.reconciliation["matched"] == 40
    assert result.reconciliation["duplicates"] == 40
    assert result.memberships["member_id"].nunique() == 40
    seen: dict[str, tuple[str, int]] = {}
    expected = []
    for position, kpj in enumerate(ids[i] for i in order):
        file, row = ("a.parquet", position + 2) if position < 50 else ("b.parquet", position - 48)
        if kpj in seen:
            expected.append((file, row, *seen[kpj]))
        else:
            seen[kpj] = (file, row)
    got = result.duplicates[["source_file", "source_row", "first_file", "first_row"]]
    assert sorted(map(tuple, got.to_numpy().tolist())) == sorted(expected)
