"""Geometry at national scale, on real villages of two provinces (DKI Jakarta and DIY).

The per-group path (clean and simplify per kabupaten) normally starts above 250,000
vertices; the tests lower the threshold so two small provinces take it and stay fast.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from analytics.engine import geometry
from analytics.engine.geometry import area_table, clean_villages, dissolve_levels, write_geojson
from analytics.io.boundaries import read_villages

PROVINCES = ("31", "34")


@pytest.fixture(scope="module")
def villages(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> gpd.GeoDataFrame:
    national = shared_data / "national" / "idn_desa_cahyadsn.parquet"
    assert national.is_file(), f"{national} is part of ../shared/data and must be present"
    frame = gpd.read_parquet(national)
    two = frame[frame["kode_prov"].isin(PROVINCES)]
    path = tmp_path_factory.mktemp("national") / "two.parquet"
    two.to_parquet(path)
    return read_villages(path)


@pytest.fixture(scope="module")
def built(villages: gpd.GeoDataFrame, tmp_path_factory: pytest.TempPathFactory) -> dict:
    patch = pytest.MonkeyPatch()
    patch.setattr(geometry, "WHOLE_COVERAGE_MAX_VERTICES", 10_000)
    try:
        clean = clean_villages(villages)
        levels = dissolve_levels(clean)
        geo = tmp_path_factory.mktemp("geo")
        sizes = write_geojson(levels, geo)
    finally:
        patch.undo()
    return {"clean": clean, "levels": levels, "geo": geo, "sizes": sizes}


def _overlap(geoms: np.ndarray) -> float:
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = left < right
    return float(shapely.area(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]])).sum())


def test_cleaned_per_kabupaten_keeps_every_village(villages: gpd.GeoDataFrame, built: dict) -> None:
    clean = built["clean"]
    assert len(clean) == len(villages)
    geoms = clean.geometry.to_numpy()
    assert shapely.is_valid(geoms).all() and not shapely.is_empty(geoms).any()
    # Inside one kabupaten the villages no longer overlap.
    kab = clean[clean["kabupaten_code"] == "34.04"].geometry.to_numpy()
    assert _overlap(kab) < 1e-9


def test_higher_levels_are_unions_of_the_level_below(built: dict) -> None:
    levels = built["levels"]
    assert sorted(levels["provinsi"]["area_code"]) == list(PROVINCES)
    assert list(levels["provinsi"]["villages"]) == [
        int((built["clean"]["province_code"] == p).sum()) for p in PROVINCES
    ]
    for level, below in (("kabupaten", "kecamatan"), ("provinsi", "kabupaten")):
        upper, lower = levels[level], levels[below]
        assert shapely.is_valid(upper.geometry.to_numpy()).all()
        for code, geom in zip(upper["area_code"], upper.geometry, strict=True):
            parts = lower[lower["area_code"].str.startswith(code + ".")].geometry
            assert geom.area == pytest.approx(shapely.union_all(parts.to_numpy()).area, rel=1e-6)
    areas = area_table(levels)
    assert set(areas["level"]) == {"provinsi", "kabupaten", "kecamatan", "desa"}


def test_files_for_the_national_map(built: dict) -> None:
    geo, sizes = built["geo"], built["sizes"]
    # Several provinces: no file of every village or kecamatan.
    assert "desa/all" not in sizes and "kecamatan/all" not in sizes
    assert not (geo / "desa" / "all.geojson").exists()
    assert "kabupaten/all" in sizes and "provinsi/all" in sizes
    kabupaten = sorted(built["levels"]["kabupaten"]["area_code"])
    for code in kabupaten:
        path = geo / "desa" / f"{code}.geojson"
        collection = json.loads(path.read_text(encoding="utf-8"))
        expected = built["levels"]["desa"]["area_code"].str.startswith(code + ".").sum()
        assert len(collection["features"]) == expected
        assert geometry.gzipped_size(path) <= 400_000, code
    assert geometry.gzipped_size(geo / "kabupaten" / "all.geojson") <= 1_000_000


def test_simplified_villages_share_edges_inside_a_kabupaten(built: dict) -> None:
    collection = json.loads((built["geo"] / "desa" / "34.04.geojson").read_text(encoding="utf-8"))
    geoms = np.array([shapely.geometry.shape(f["geometry"]) for f in collection["features"]])
    assert shapely.is_valid(geoms).all()
    original = built["clean"][built["clean"]["kabupaten_code"] == "34.04"].geometry
    assert (
        shapely.get_num_coordinates(geoms).sum()
        < shapely.get_num_coordinates(original.to_numpy()).sum()
    )
    assert _overlap(geoms) < 1e-7  # coverage simplification keeps the tiling


def test_country_view_is_coarser_and_complete(built: dict) -> None:
    geo = built["geo"]
    country = json.loads((geo / "kabupaten" / "all.geojson").read_text(encoding="utf-8"))
    codes = sorted(built["levels"]["kabupaten"]["area_code"])
    assert sorted(f["id"] for f in country["features"]) == codes
    shapes = np.array([shapely.geometry.shape(f["geometry"]) for f in country["features"]])
    assert shapely.is_valid(shapes).all() and not shapely.is_empty(shapes).any()
    per_province = [
        shapely.geometry.shape(f["geometry"])
        for p in PROVINCES
        for f in json.loads((geo / "kabupaten" / f"{p}.geojson").read_text())["features"]
    ]
    assert (
        shapely.get_num_coordinates(shapes).sum()
        < shapely.get_num_coordinates(np.array(per_province)).sum()
    )
    coords = np.array(shapely.get_coordinates(shapes))
    assert np.allclose(coords, np.round(coords, geometry.NATIONAL_DECIMALS))


def test_small_islands_are_dropped_but_never_the_largest_part() -> None:
    from shapely.geometry import MultiPolygon, box

    island = box(0, 0, 0.01, 0.01)  # 1e-4 deg2: below the threshold
    mainland = box(1, 1, 2, 2)
    only_small = box(5, 5, 5.01, 5.01)
    kept = geometry._drop_small_parts(
        np.array([MultiPolygon([mainland, island]), only_small], dtype=object), 5e-4
    )
    assert kept[0].equals(mainland)
    assert kept[1].equals(only_small)
