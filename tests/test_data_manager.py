"""The data manager (analytics/store/cache.py): one key recipe, sizes from Settings,
answers a caller cannot change for the next one, one computation at a time."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from store_factory import write_store

from analytics.access import Role, Territory, User
from analytics.settings import Settings
from analytics.store.cache import DATA, CacheSizes, DataManager
from analytics.store.reader import Store
from analytics.store.territory import TerritoryStore


def test_changing_a_returned_frame_or_dict_does_not_change_the_next_answer(
    tmp_path: Path,
) -> None:
    store = Store(write_store(tmp_path / "processed"))
    areas = store.areas()
    first_name = areas.loc[0, "area_name"]
    areas.loc[0, "area_name"] = "Diubah"
    areas["extra"] = 1
    assert store.areas().loc[0, "area_name"] == first_name
    assert "extra" not in store.areas().columns

    coverage = store.coverage()
    active = int(coverage.loc[0, "active"])
    coverage.loc[0, "active"] = -1
    assert int(store.coverage().loc[0, "active"]) == active

    meta = store.meta()
    meta["root_codes"].append("00")
    meta["demo"] = "changed"
    assert "00" not in store.meta()["root_codes"]
    assert store.meta()["demo"] != "changed"


def test_a_territory_copy_is_shared_but_not_changeable(tmp_path: Path) -> None:
    root = write_store(tmp_path / "processed")
    branch = User("cabang", Role.BRANCH, Territory(frozenset({"99.02"})))
    view = TerritoryStore(Store(root), branch)
    mine = view.coverage()
    assert set(mine["area_code"].astype(str).str[:5]) <= {"99", "99.02"}
    mine.loc[mine.index[0], "coverage_pct"] = 999.0
    assert view.coverage()["coverage_pct"].max() < 999.0
    allowed = view.allowed_codes()
    assert allowed is not None and "99.01" not in allowed


def test_a_new_file_version_replaces_the_old_one(tmp_path: Path) -> None:
    root = write_store(tmp_path / "processed")
    path = root / "areas.parquet"
    Store(root).areas()
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a rebuild
    Store(root).areas()
    held = [version for ident, version in DATA.held("table").items() if ident == path]
    assert len(held) == 1 and held[0][0] == stat.st_mtime_ns + 1_000_000_000


def test_failures_are_not_kept_and_one_caller_computes_while_others_wait() -> None:
    manager = DataManager(CacheSizes())
    calls: list[int] = []

    def slow() -> pd.DataFrame:
        calls.append(1)
        time.sleep(0.2)
        return pd.DataFrame({"a": [1, 2]})

    answers: list[pd.DataFrame] = []
    threads = [
        threading.Thread(target=lambda: answers.append(manager.get("table", "k", 1, slow)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(calls) == 1 and len(answers) == 4
    assert all(a["a"].tolist() == [1, 2] for a in answers)

    def broken() -> int:
        raise OSError("disk")

    with pytest.raises(OSError):
        manager.get("table", "bad", 1, broken)
    assert manager.get("table", "bad", 1, lambda: 7) == 7  # the failure was not kept


def test_sizes_come_from_settings_and_bound_each_kind() -> None:
    settings = Settings.from_env({"CAKUPAN_CACHE_VIEWS": "2", "CAKUPAN_CACHE_TABLES": "5"})
    assert settings.cache_sizes == CacheSizes(tables=5, views=2)
    manager = DataManager(settings.cache_sizes)
    for i in range(4):
        manager.get("bounds", f"file{i}", 1, lambda i=i: (i, i, i, i))
    assert list(manager.held("bounds")) == ["file2", "file3"]  # least recently used out
    manager.configure(CacheSizes(views=1))
    assert list(manager.held("bounds")) == ["file3"]
    with pytest.raises(KeyError):
        manager.get("no-such-kind", "x", 1, lambda: 1)


def test_a_bad_cache_size_is_a_clear_settings_error() -> None:
    from analytics.settings import SettingsError

    with pytest.raises(SettingsError, match="CAKUPAN_CACHE_VIEWS must be a whole number"):
        Settings.from_env({"CAKUPAN_CACHE_VIEWS": "abc"})
    with pytest.raises(SettingsError, match="at least 1"):
        Settings.from_env({"CAKUPAN_CACHE_TABLES": "0"})
