"""The map's cached slices are shared by users who see the same rows, and only by them."""

from __future__ import annotations

from pathlib import Path

from store_factory import write_store

from analytics.access import Role, Territory, User
from analytics.store.reader import Store
from analytics.store.territory import TerritoryStore
from layouts.core.data_access import level_coverage


def view(root: Path, name: str, role: Role, areas: set[str] | None = None) -> TerritoryStore:
    territory = Territory(frozenset(areas or ()))
    return TerritoryStore(Store(root), User(name, role, territory))


def test_admins_share_one_slice(tmp_path: Path) -> None:
    root = write_store(tmp_path / "processed")
    first = level_coverage(view(root, "admin1", Role.ADMIN), "ALL", "desa")
    second = level_coverage(view(root, "admin2", Role.ADMIN), "ALL", "desa")
    assert second is first
    assert set(first["area_code"].astype(str).str[:5]) == {"99.01", "99.02"}


def test_one_territory_shares_and_another_territory_does_not(tmp_path: Path) -> None:
    root = write_store(tmp_path / "processed")
    kota = level_coverage(view(root, "cabang", Role.BRANCH, {"99.02"}), "ALL", "desa")
    colleague = level_coverage(view(root, "cabang2", Role.BRANCH, {"99.02"}), "ALL", "desa")
    other = level_coverage(view(root, "cabang3", Role.BRANCH, {"99.01"}), "ALL", "desa")
    assert colleague is kota
    assert set(kota["area_code"].astype(str).str[:5]) == {"99.02"}
    assert set(other["area_code"].astype(str).str[:5]) == {"99.01"}
