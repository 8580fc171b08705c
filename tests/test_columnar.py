"""The shared Arrow coverage file answers exactly what filtering coverage.parquet answers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from store_factory import write_store

from analytics.store import columnar
from analytics.store.reader import Store, file_stamp

KEYS = ["level", "area_code", "segment", "month"]


def _expected(cov: pd.DataFrame, query: dict[str, Any]) -> pd.DataFrame:
    keep = pd.Series(True, index=cov.index)
    if query.get("level"):
        keep &= cov["level"] == query["level"]
    if query.get("within"):
        keep &= cov["area_code"].str.startswith(query["within"] + ".")
    if query.get("codes") is not None:
        keep &= cov["area_code"].isin(query["codes"])
    if query.get("segments") is not None:
        keep &= cov["segment"].isin(query["segments"])
    if query.get("months") is not None:
        keep &= cov["month"].dt.strftime("%Y-%m").isin(query["months"])
    return _sorted(cov[keep])


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.sort_values(KEYS, ignore_index=True)
    return out.astype({c: "str" for c in columnar.TEXT_COLUMNS}).astype({"parent_code": object})


QUERIES = [
    {"level": "desa", "within": "99.01", "segments": ["BPU"], "months": ["2024-05"]},
    {"codes": ["99.01", "99.02.01", "99.02.01.1002"], "segments": ["ALL", "PU"]},
    {"level": "kabupaten"},
    {"within": "99.01"},
    {"level": "kecamatan", "within": "99.02", "months": ["2023-01", "2024-12"]},
    {"codes": ["98.01", "99.01.01.2001"], "level": "desa", "within": "99.01.01"},
    {"segments": ["NOPE"]},
    {},
]


@pytest.mark.parametrize("query", QUERIES)
def test_rows_equal_the_parquet_filtered(tmp_path: Path, query: dict[str, Any]) -> None:
    root = write_store(tmp_path / "processed")
    cov = pd.read_parquet(root / "coverage.parquet")
    got = Store(root, cache_dir=tmp_path / "cache").coverage_rows(**query)
    pd.testing.assert_frame_equal(_sorted(got), _expected(cov, query), check_dtype=False)


def test_areas_missing_some_months_are_answered_too(tmp_path: Path) -> None:
    root = write_store(tmp_path / "processed")
    cov = pd.read_parquet(root / "coverage.parquet")
    gone = (cov["area_code"] == "99.01.02.2001") & (cov["month"] == pd.Timestamp("2023-03-01"))
    cov = cov[~gone].reset_index(drop=True)
    folder = tmp_path / "arrow"
    columnar.write_coverage_file(cov, folder, source_size=0)
    opened = columnar.CoverageFile.open(folder / columnar.ARROW_FILE, folder / columnar.INDEX_FILE)
    query = {"level": "desa", "months": ["2023-03", "2023-04"], "segments": ["BPU"]}
    got = opened.rows(**query)
    assert "99.01.02.2001" in set(got["area_code"])  # its 2023-04 row
    pd.testing.assert_frame_equal(_sorted(got), _expected(cov, query), check_dtype=False)


def test_an_older_store_gets_its_file_made_once_per_version(tmp_path: Path) -> None:
    root = write_store(tmp_path / "processed")
    parquet = root / "coverage.parquet"
    cache = tmp_path / "cache"
    first = columnar.ensure_coverage_file(parquet, file_stamp(parquet), cache)
    assert first.parent == cache and (first / columnar.ARROW_FILE).is_file()
    made = (first / columnar.ARROW_FILE).stat().st_mtime_ns
    again = columnar.ensure_coverage_file(parquet, file_stamp(parquet), cache)
    assert again == first and (again / columnar.ARROW_FILE).stat().st_mtime_ns == made
    stat = parquet.stat()
    os.utime(parquet, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a rebuild
    newer = columnar.ensure_coverage_file(parquet, file_stamp(parquet), cache)
    assert newer != first and not first.exists()  # the older version is removed
    assert (cache.stat().st_mode & 0o777) == 0o700


def test_a_store_with_its_own_matching_file_is_used_as_it_is(tmp_path: Path) -> None:
    root = write_store(tmp_path / "processed")
    parquet = root / "coverage.parquet"
    cov = pd.read_parquet(parquet)
    columnar.write_coverage_file(cov, root, source_size=parquet.stat().st_size)
    assert columnar.ensure_coverage_file(parquet, file_stamp(parquet), tmp_path / "c") == root
    columnar.write_coverage_file(cov, root, source_size=1)  # made from another parquet
    assert columnar.ensure_coverage_file(parquet, file_stamp(parquet), tmp_path / "c") != root
