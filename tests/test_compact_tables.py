"""The build's compact forms: categorical coverage tables, batched Parquet, no ids kept."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from analytics.engine.coverage import (
    CATEGORICAL_COLUMNS,
    count_memberships,
    coverage_table,
    eligible_cube,
)
from analytics.intake.registries import ingest_registries
from analytics.store import writer as store_writer
from tests.test_coverage import AREAS, MONTHS, VILLAGES, members
from tests.test_intake import KEY, ROWS, _csv, make_villages

ROWS_BY_HAND = [
    ("34.71.01.1001", "PU", "2023-01-01", None),
    ("34.71.01.1001", "BPU", "2024-02-10", "2024-04-02"),
    ("34.71.01.1002", "JAKON", "2024-03-01", None),
    ("34.71.02.1001", "PMI", "2022-05-05", "2024-01-20"),
]
WORKFORCE = pd.DataFrame(
    {
        "village_code": ["34.71.01.1001", "34.71.02.1001"],
        "year": [2024, 2024],
        "workers": [100, 40],
        "informal_workers": [30, 10],
    }
)


def _tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    counts = count_memberships(members(ROWS_BY_HAND), VILLAGES, MONTHS)
    eligible = eligible_cube(WORKFORCE, VILLAGES, MONTHS)
    text = coverage_table(counts, eligible, AREAS)
    return text, coverage_table(counts, eligible, AREAS, categorical=True)


def test_categorical_table_holds_the_same_rows() -> None:
    text, compact = _tables()
    for column in CATEGORICAL_COLUMNS:
        assert isinstance(compact[column].dtype, pd.CategoricalDtype), column
        assert text[column].dtype == "str", column
    restored = compact.astype(dict.fromkeys(CATEGORICAL_COLUMNS, "str"))
    pd.testing.assert_frame_equal(restored, text)
    # Hand-checked cells: kecamatan 34.71.01 in March 2024 has the BPU and JAKON members
    # and the 2023 PU one; the provinsi row has no parent.
    march = compact[(compact["area_code"] == "34.71.01") & (compact["month"] == "2024-03-01")]
    assert march.set_index("segment")["active"].astype(int).to_dict() == {
        "ALL": 3,
        "PU": 1,
        "BPU": 1,
        "JAKON": 1,
        "PMI": 0,
    }
    assert compact.loc[compact["level"] == "provinsi", "parent_code"].isna().all()
    assert compact.memory_usage(deep=True).sum() < text.memory_usage(deep=True).sum()


def test_areas_must_name_every_area_once() -> None:
    counts = count_memberships(members(ROWS_BY_HAND), VILLAGES, MONTHS)
    eligible = eligible_cube(WORKFORCE, VILLAGES, MONTHS)
    with pytest.raises(ValueError, match=r"areas without a name: 34\.71\.02$"):
        coverage_table(counts, eligible, AREAS[AREAS["area_code"] != "34.71.02"])
    with pytest.raises(ValueError, match="more than one row"):
        coverage_table(counts, eligible, pd.concat([AREAS, AREAS.tail(1)]), categorical=True)


def test_categoricals_are_written_as_text_in_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, compact = _tables()
    monkeypatch.setattr(store_writer, "PARQUET_BATCH_ROWS", 100)
    store_writer.write_parquet(compact, tmp_path / "compact.parquet")
    store_writer.write_parquet(text, tmp_path / "text.parquet")
    back = pd.read_parquet(tmp_path / "compact.parquet")
    pd.testing.assert_frame_equal(back, pd.read_parquet(tmp_path / "text.parquet"))
    pd.testing.assert_frame_equal(back, text)
    metadata = pq.ParquetFile(tmp_path / "compact.parquet").metadata
    assert metadata.num_row_groups == int(np.ceil(len(compact) / 100))
    names = metadata.schema.names
    encodings = metadata.row_group(0).column(names.index("area_name")).encodings
    assert any("DICTIONARY" in e for e in encodings)


def test_an_empty_categorical_frame_is_written(tmp_path: Path) -> None:
    _, compact = _tables()
    store_writer.write_parquet(compact.iloc[:0], tmp_path / "empty.parquet")
    back = pd.read_parquet(tmp_path / "empty.parquet")
    assert back.empty
    assert list(back.columns) == list(compact.columns)


def test_memberships_without_ids_are_otherwise_the_same(tmp_path: Path) -> None:
    villages: gpd.GeoDataFrame = make_villages()
    path = _csv(tmp_path / "r.csv", ROWS)
    full = ingest_registries([path], villages, KEY)
    lean = ingest_registries([path], villages, KEY, member_ids=False)
    assert "member_id" not in lean.memberships
    pd.testing.assert_frame_equal(lean.memberships, full.memberships.drop(columns="member_id"))
    assert lean.reconciliation == full.reconciliation
