"""Geometry reused across builds with the same boundaries (analytics.build.geometry_cache)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest

from analytics.build.geometry_cache import boundaries_hash, geometry_files
from analytics.build.pipeline import build_store
from analytics.io.boundaries import read_villages
from analytics.settings import Settings
from analytics.store.reader import Store, StoreError
from tests.test_pipeline import tiny_build_inputs, write_tiny_inputs


def _bytes(store: Path) -> dict[str, bytes]:
    return {name: (store / name).read_bytes() for name in geometry_files(store)}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("geocache")
    paths = write_tiny_inputs(folder / "in")
    out = folder / "store"
    first = build_store(tiny_build_inputs(paths, out), Settings(demo=True))
    first_files = _bytes(out)
    first_meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    # The same villages saved again in another format: other bytes, same boundaries.
    resaved = folder / "in" / "desa.gpkg"
    gpd.read_file(paths["boundaries"]).to_file(resaved, driver="GPKG")
    paths = {**paths, "boundaries": resaved}
    second = build_store(tiny_build_inputs(paths, out), Settings(demo=True))
    return {
        "folder": folder,
        "paths": paths,
        "out": out,
        "first": first,
        "second": second,
        "first_files": first_files,
        "first_meta": first_meta,
    }


def test_first_build_writes_tiles_and_manifest(two_builds: dict[str, object]) -> None:
    out = two_builds["out"]
    assert not two_builds["first"].geometry_reused  # type: ignore[attr-defined]
    assert {"geometry", "geojson", "tiles"} <= set(two_builds["first"].timings)  # type: ignore[attr-defined]
    files = two_builds["first_files"]
    assert {"areas.parquet", "geo/desa/all.geojson"} <= set(files)  # type: ignore[operator]
    assert {
        f"tiles/{lvl}.pmtiles" for lvl in ("provinsi", "kabupaten", "kecamatan", "desa")
    } <= set(
        files  # type: ignore[arg-type]
    )
    manifest = json.loads((out / "geometry.json").read_text(encoding="utf-8"))  # type: ignore[operator]
    assert manifest["boundaries_hash"] == two_builds["first_meta"]["boundaries_hash"]  # type: ignore[index]
    assert set(manifest["files"]) == set(files)  # type: ignore[arg-type]
    assert two_builds["first_meta"]["geometry_reused"] is False  # type: ignore[index]


def test_store_tiles_path(two_builds: dict[str, object]) -> None:
    store = Store(two_builds["out"])  # type: ignore[arg-type]
    path = store.tiles_path("desa")
    assert path == two_builds["out"] / "tiles" / "desa.pmtiles"  # type: ignore[operator]
    read = pyogrio.read_dataframe(path, layer="desa", ZOOM_LEVEL="12", read_geometry=False)
    assert sorted(set(zip(read["code"], read["name"], strict=True))) == [
        ("34.71.01.1001", "Alpha"),
        ("34.71.01.1002", "Bravo"),
        ("34.71.02.1001", "Charlie"),
        ("34.71.02.1002", "Delta"),
    ]
    with pytest.raises(StoreError):
        store.tiles_path("../meta")


def test_second_build_with_resaved_boundaries_reuses_the_geometry(
    two_builds: dict[str, object],
) -> None:
    second, out = two_builds["second"], two_builds["out"]
    assert second.geometry_reused  # type: ignore[attr-defined]
    assert not {"geometry", "geojson", "tiles"} & set(second.timings)  # type: ignore[attr-defined]
    assert _bytes(out) == two_builds["first_files"]  # type: ignore[arg-type]
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))  # type: ignore[operator]
    assert meta["geometry_reused"] is True
    assert meta["boundaries_hash"] == two_builds["first_meta"]["boundaries_hash"]  # type: ignore[index]
    # The file hashes differ (GeoJSON then GeoPackage); the boundaries' hash does not.
    shas = [s["sha256"] for s in meta["sources"] if s["kind"] == "boundaries"]
    old = [s["sha256"] for s in two_builds["first_meta"]["sources"] if s["kind"] == "boundaries"]  # type: ignore[index]
    assert shas != old


def test_changed_boundaries_are_not_reused(two_builds: dict[str, object], tmp_path: Path) -> None:
    paths = dict(two_builds["paths"])  # type: ignore[call-overload]
    frame = gpd.read_file(paths["boundaries"])
    frame.loc[frame["kode"] == "34.71.01.1001", "nama"] = "Alfa"
    renamed = tmp_path / "desa_renamed.gpkg"
    frame.to_file(renamed, driver="GPKG")
    assert boundaries_hash(read_villages(renamed)) != boundaries_hash(
        read_villages(paths["boundaries"])
    )
    out = tmp_path / "store"
    # Start from a copy of the reused store, so a stale cache is right there to be misused.
    build_store(tiny_build_inputs(paths, out), Settings(demo=True))
    result = build_store(
        tiny_build_inputs({**paths, "boundaries": renamed}, out), Settings(demo=True)
    )
    assert not result.geometry_reused
    read = pyogrio.read_dataframe(
        Store(out).tiles_path("desa"), layer="desa", ZOOM_LEVEL="12", read_geometry=False
    )
    assert "Alfa" in set(read["name"]) and "Alpha" not in set(read["name"])
    assert "Alfa" in Store(out).areas()["area_name"].tolist()


def test_damaged_live_store_falls_back_to_a_kept_version_then_rebuilds(tmp_path: Path) -> None:
    paths = write_tiny_inputs(tmp_path / "in")
    out = tmp_path / "store"
    settings = Settings(demo=True)
    build_store(tiny_build_inputs(paths, out), settings)
    good = _bytes(out)
    # A damaged live store (a tile file truncated): the kept version of the first build is
    # intact and reused instead. Files are linked, so copy before damaging.
    second = build_store(tiny_build_inputs(paths, out), settings)
    assert second.geometry_reused
    tiles = out / "tiles" / "desa.pmtiles"
    data = tiles.read_bytes()
    tiles.unlink()
    tiles.write_bytes(data[: len(data) // 2])
    third = build_store(tiny_build_inputs(paths, out), settings)
    assert third.geometry_reused and _bytes(out) == good
    # Every store damaged (the manifest unreadable) or gone: the geometry is made again.
    for store in [out, *(out.parent / ".store.versions").iterdir()]:
        manifest = store / "geometry.json"
        manifest.unlink()
        manifest.write_text("{not json", encoding="utf-8")
    fourth = build_store(tiny_build_inputs(paths, out), settings)
    assert not fourth.geometry_reused and _bytes(out) == good
