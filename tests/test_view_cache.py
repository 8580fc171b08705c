"""The app's coverage queries (``coverage_rows``) are limited to the user's territory."""

from __future__ import annotations

from pathlib import Path

from store_factory import write_store

from analytics.access import Role, Territory, User
from analytics.store.reader import Store
from analytics.store.territory import TerritoryStore


def view(root: Path, name: str, role: Role, areas: set[str] | None = None) -> TerritoryStore:
    territory = Territory(frozenset(areas or ()))
    return TerritoryStore(Store(root), User(name, role, territory))


def test_admins_see_every_village(tmp_path: Path) -> None:
    root = write_store(tmp_path / "processed")
    rows = view(root, "admin1", Role.ADMIN).coverage_rows(level="desa", segments=["ALL"])
    assert set(rows["area_code"].str[:5]) == {"99.01", "99.02"}


def test_a_territory_sees_its_own_rows_whatever_it_asks(tmp_path: Path) -> None:
    root = write_store(tmp_path / "processed")
    kota = view(root, "cabang", Role.BRANCH, {"99.02"})
    other = view(root, "cabang3", Role.BRANCH, {"99.01"})
    assert set(kota.coverage_rows(level="desa")["area_code"].str[:5]) == {"99.02"}
    assert set(other.coverage_rows(level="desa")["area_code"].str[:5]) == {"99.01"}
    # asked by code, by area or for the whole store: nothing outside the territory
    assert kota.coverage_rows(codes=["99.01", "99.01.01"]).empty
    assert kota.coverage_rows(level="desa", within="99.01").empty
    assert set(kota.coverage_rows()["area_code"].str[:5]) == {"99.02"}
