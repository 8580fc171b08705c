"""The store is read in the background at start-up when asked (CAKUPAN_WARM)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from store_factory import write_store

from analytics.settings import Settings
from analytics.store import reader as store_module
from analytics.store.cache import DATA
from analytics.store.reader import Store
from layouts.core.data_access import settings_store, warm_store


def test_the_warm_thread_opens_the_coverage_file_the_requests_use(tmp_path: Path) -> None:
    root = write_store(tmp_path / "processed")
    settings = Settings(store_dir=root, cache_dir=tmp_path / "cache")
    before = DATA.computed("coverage_file")
    warm_store(settings).join(timeout=60)
    assert DATA.computed("coverage_file") == before + 1  # the warm thread mapped the file
    # what the first request does (current_store: the same store, the same cache folder)
    settings_store(settings).coverage_rows(codes=["99"])
    assert DATA.computed("coverage_file") == before + 1  # no second open
    assert [p.name for p in (tmp_path / "cache" / "coverage").iterdir() if p.is_dir()]


def test_a_request_during_the_warm_up_waits_for_it_instead_of_opening_again(
    tmp_path: Path,
) -> None:
    root = write_store(tmp_path / "processed")
    before = DATA.computed("coverage_file")
    thread = warm_store(Settings(store_dir=root))
    opened = Store(root).coverage_file()  # most likely while the thread opens it
    thread.join(timeout=60)
    assert DATA.computed("coverage_file") == before + 1
    assert Store(root).coverage_file() is opened


def test_a_rebuilt_store_replaces_the_version_held(tmp_path: Path) -> None:
    root = write_store(tmp_path / "processed")
    path = root / "coverage.parquet"
    old = Store(root).coverage_file()
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a rebuild
    new = Store(root).coverage_file()
    assert new is not old
    versions = [v for (p, _), v in DATA.held("coverage_file").items() if p == path]
    assert versions == [store_module.file_stamp(path)]


def test_a_missing_store_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="layouts.core.data_access"):
        warm_store(Settings(store_dir=tmp_path / "nothing-here")).join(timeout=60)
    assert any("store not warmed" in r.getMessage() for r in caplog.records)


def test_cakupan_warm_is_read_from_the_environment() -> None:
    assert Settings.from_env({"CAKUPAN_WARM": "1"}).warm is True
    assert Settings.from_env({}).warm is False
