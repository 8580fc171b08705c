"""Geometry: levels by dissolving villages, topology-keeping simplification, compact GeoJSON."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon

from analytics.engine.geometry import (
    area_table,
    clean_villages,
    dissolve_levels,
    gzipped_size,
    simplify_for_web,
    write_geojson,
)
from analytics.schemas import VillageSchema


def _wiggle(n: int = 40) -> list[tuple[float, float]]:
    """A wiggly vertical edge x = 1 + small noise, from y = 0 to y = 1."""
    return [(1.0 + 0.00002 * np.sin(i), i / n) for i in range(n + 1)]


def tiny_villages() -> gpd.GeoDataFrame:
    """Four villages in two kecamatan of one kabupaten: [A|B] over [C|D], wiggly edges."""
    edge = _wiggle()
    a = Polygon([(0, 0), *edge, (0, 1)])
    b = Polygon([*edge, (2, 1), (2, 0)][::-1])
    c = shapely.affinity.translate(a, 0, 1)
    d = shapely.affinity.translate(b, 0, 1)
    scale = 0.01  # about 1 km
    geoms = [shapely.affinity.scale(g, scale, scale, origin=(0, 0)) for g in (a, b, c, d)]
    geoms = [shapely.affinity.translate(g, 110.0, -7.8) for g in geoms]
    frame = gpd.GeoDataFrame(
        {
            "village_code": ["34.71.01.1001", "34.71.01.1002", "34.71.02.1001", "34.71.02.1002"],
            "village_name": ["A", "B", "C", "D"],
            "kind": ["kelurahan"] * 4,
            "kecamatan_code": ["34.71.01", "34.71.01", "34.71.02", "34.71.02"],
            "kecamatan_name": ["Satu", "Satu", "Dua", "Dua"],
            "kabupaten_code": ["34.71"] * 4,
            "kabupaten_name": ["Kota Yogyakarta"] * 4,
            "province_code": ["34"] * 4,
            "province_name": ["DIY"] * 4,
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
    return VillageSchema.validate(frame)


def overlap_area(geoms: np.ndarray) -> float:
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = left < right
    return float(shapely.area(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]])).sum())


def test_dissolved_levels_tile_the_same_area() -> None:
    villages = tiny_villages()
    levels = dissolve_levels(clean_villages(villages))
    assert [len(levels[k]) for k in ("provinsi", "kabupaten", "kecamatan", "desa")] == [1, 1, 2, 4]
    total = float(shapely.area(villages.geometry.to_numpy()).sum())
    for level in ("provinsi", "kabupaten", "kecamatan"):
        assert float(shapely.area(levels[level].geometry.to_numpy()).sum()) == pytest.approx(
            total, rel=1e-9
        )
    kec = levels["kecamatan"].set_index("area_code")
    assert kec.loc["34.71.01", "geometry"].area == pytest.approx(2e-4, rel=1e-9)
    assert kec.loc["34.71.02", "parent_code"] == "34.71"
    assert kec.loc["34.71.01", "villages"] == 2
    assert levels["kabupaten"]["kind"].tolist() == ["kota"]
    assert levels["provinsi"].geometry.iloc[0].geom_type == "Polygon"  # no slivers inside


def test_area_table_points_lie_inside() -> None:
    levels = dissolve_levels(clean_villages(tiny_villages()))
    areas = area_table(levels)
    assert len(areas) == 8
    assert areas.loc[areas["level"] == "desa", "kind"].eq("kelurahan").all()
    for level, frame in levels.items():
        rows = areas[areas["level"] == level].set_index("area_code")
        for code, geom in zip(frame["area_code"], frame.geometry, strict=True):
            point = shapely.Point(rows.loc[code, "lon"], rows.loc[code, "lat"])
            assert geom.buffer(1e-5).contains(point)


def test_simplification_keeps_shared_edges_shared() -> None:
    geoms = tiny_villages().geometry.to_numpy()
    simplified = simplify_for_web(geoms, 0.0005)
    assert shapely.is_valid(simplified).all()
    assert shapely.get_num_coordinates(simplified).sum() < shapely.get_num_coordinates(geoms).sum()
    assert overlap_area(simplified) < 1e-14
    assert shapely.union_all(simplified).area == pytest.approx(4e-4, rel=1e-3)


def test_invalid_simplification_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    square = shapely.box(2, 2, 3, 3)
    monkeypatch.setattr(shapely, "coverage_simplify", lambda g, t: np.array([bowtie, square]))
    result = simplify_for_web(np.array([shapely.box(0, 0, 1, 1), square]), 0.1)
    assert result[0].equals(shapely.box(0, 0, 1, 1))
    assert shapely.is_valid(result).all()


def test_geojson_files_are_compact(tmp_path: Path) -> None:
    levels = dissolve_levels(clean_villages(tiny_villages()))
    sizes = write_geojson(levels, tmp_path)
    expected = {
        "provinsi/all",
        "kabupaten/all",
        "kabupaten/34",
        "kecamatan/all",
        "kecamatan/34.71",
        "desa/all",
        "desa/34.71",
        "desa/34.71.01",
        "desa/34.71.02",
    }
    assert set(sizes) == expected
    text = (tmp_path / "desa" / "34.71.01.geojson").read_text(encoding="utf-8")
    assert " " not in text and "\n" not in text
    data = json.loads(text)
    assert [f["id"] for f in data["features"]] == ["34.71.01.1001", "34.71.01.1002"]
    assert data["features"][0]["properties"] == {"name": "A"}
    coords = np.array(data["features"][0]["geometry"]["coordinates"][0])
    assert np.allclose(coords, np.round(coords, 5))


@pytest.mark.shared
def test_real_diy_villages(shared_data: Path, tmp_path: Path) -> None:
    raw = gpd.read_file(shared_data / "diy" / "diy_desa_cahyadsn_kepmendagri2025.geojson")
    villages = gpd.GeoDataFrame(
        {
            "village_code": raw["kode"],
            "village_name": raw["nama"],
            "kind": np.where(raw["jenis"].eq("kelurahan"), "kelurahan", "kalurahan"),
            "kecamatan_code": raw["kode_kec"],
            "kecamatan_name": raw["nama_kec"],
            "kabupaten_code": raw["kode_kab"],
            "kabupaten_name": raw["nama_kab"],
            "province_code": raw["kode_prov"],
            "province_name": raw["nama_prov"],
        },
        geometry=raw.geometry,
        crs=raw.crs,
    )
    assert not shapely.coverage_is_valid(villages.geometry.to_numpy())  # slivers in the source
    clean = clean_villages(villages)
    geoms = clean.geometry.to_numpy()
    assert shapely.coverage_is_valid(geoms)
    assert shapely.is_valid(geoms).all()
    levels = dissolve_levels(clean)
    assert [len(levels[k]) for k in ("provinsi", "kabupaten", "kecamatan", "desa")] == [
        1,
        5,
        78,
        438,
    ]
    village_area = float(shapely.area(geoms).sum())
    for level in ("provinsi", "kabupaten", "kecamatan"):
        assert float(shapely.area(levels[level].geometry.to_numpy()).sum()) == pytest.approx(
            village_area, rel=1e-6
        )
    simplified = simplify_for_web(geoms, 0.0005)
    assert shapely.is_valid(simplified).all()
    assert overlap_area(simplified) < 1e-9 * village_area
    sizes = write_geojson(levels, tmp_path)
    gz = gzipped_size(tmp_path / "desa" / "all.geojson")
    assert gz <= 1_500_000, (sizes["desa/all"], gz)
