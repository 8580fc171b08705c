"""The disk caches live in one folder, Settings.cache_dir (CAKUPAN_CACHE_DIR), made for this
user only: the Arrow coverage file of a store built without one, and territory copies of
boundary files. Another user's folder is refused at start, in one line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from store_factory import write_store

from analytics.access import Role, Territory, User
from analytics.settings import Settings, SettingsError, check_cache_dir
from analytics.store import cache
from analytics.store.cache import DEFAULT_CACHE_DIR, CacheDirError, private_dir
from analytics.store.reader import Store
from analytics.store.territory import TerritoryStore
from layouts.core.auth import check_production

BRANCH = User("cabang", Role.BRANCH, Territory(frozenset({"99.01"})))


def test_the_folder_comes_from_the_environment(tmp_path: Path) -> None:
    assert Settings.from_env({}).cache_dir == DEFAULT_CACHE_DIR == Store(tmp_path).cache_dir
    got = Settings.from_env({"CAKUPAN_CACHE_DIR": str(tmp_path / "c")})
    assert got.cache_dir == tmp_path / "c"


def test_the_folder_is_made_for_this_user_only(tmp_path: Path) -> None:
    folder = private_dir(tmp_path / "a" / "b")
    assert folder.is_dir() and folder.stat().st_mode & 0o077 == 0
    wide = tmp_path / "wide"
    wide.mkdir(mode=0o777)
    wide.chmod(0o777)
    assert private_dir(wide).stat().st_mode & 0o777 == 0o700  # narrowed before use


def test_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(CacheDirError, match="symbolic link"):
        private_dir(tmp_path / "link")


def test_an_empty_setting_is_the_default() -> None:
    assert Settings.from_env({"CAKUPAN_CACHE_DIR": ""}).cache_dir == DEFAULT_CACHE_DIR


def test_another_users_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    monkeypatch.setattr(cache.os, "getuid", lambda: os.stat(folder).st_uid + 1)
    with pytest.raises(CacheDirError, match="belongs to another user"):
        private_dir(folder)
    # at start, in every mode: one line naming the setting
    settings = Settings(cache_dir=folder, demo=True)
    with pytest.raises(SettingsError, match="CAKUPAN_CACHE_DIR") as refused:
        check_production(settings, {})
    assert "\n" not in str(refused.value)


def test_a_folder_that_cannot_be_made_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"cannot be made .*CAKUPAN_CACHE_DIR"):
        check_cache_dir(Settings(cache_dir=blocker / "cache"))


def test_the_store_keeps_its_files_under_its_cache_dir(tmp_path: Path) -> None:
    root = write_store(tmp_path / "processed")
    folder = tmp_path / "cache"
    store = Store(root, cache_dir=folder)
    assert not (root / "coverage.arrow").exists()  # a store built without the Arrow file
    store.coverage_rows(codes=["99.01"])
    assert [p.name for p in (folder / "coverage").iterdir() if p.is_dir()]  # made there
    # a branch user's kecamatan of the whole store: a copy with their own only, in geo-views/
    path = TerritoryStore(store, BRANCH).geojson_path("kecamatan", "all")
    assert path.parent == folder / "geo-views"
    codes = [f["id"] for f in json.loads(path.read_text(encoding="utf-8"))["features"]]
    assert codes and all(c.startswith("99.01.") for c in codes)
