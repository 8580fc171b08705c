"""The store is read in the background at start-up when asked (CAKUPAN_WARM)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from store_factory import write_store

from analytics import store as store_module
from analytics.settings import Settings
from analytics.store import Store
from layouts.data_access import warm_store


def test_the_warm_thread_fills_the_cache_the_requests_use(tmp_path: Path) -> None:
    root = write_store(tmp_path / "processed")
    cache = store_module._read_parquet_categorical
    before = cache.cache_info()
    warm_store(root).join(timeout=60)
    after_warm = cache.cache_info()
    assert after_warm.misses == before.misses + 1  # the warm thread read coverage.parquet
    Store(root).coverage()  # what the first request does
    assert cache.cache_info().hits == after_warm.hits + 1
    assert cache.cache_info().misses == after_warm.misses


def test_a_missing_store_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="layouts.data_access"):
        warm_store(tmp_path / "nothing-here").join(timeout=60)
    assert any("store not warmed" in r.getMessage() for r in caplog.records)


def test_cakupan_warm_is_read_from_the_environment() -> None:
    assert Settings.from_env({"CAKUPAN_WARM": "1"}).warm is True
    assert Settings.from_env({}).warm is False
