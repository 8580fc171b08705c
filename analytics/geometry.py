"""Boundaries for every level, simplified for the web, and the area table.

Higher levels are never read from other files: a kecamatan, kabupaten/kota or province is
the union of its villages, so the levels always tile the same ground. Public village data
has slivers of overlap and gap between neighbours; :func:`clean_villages` first turns the
villages into a clean coverage (no overlaps, shared edges identical, gaps narrower than
:data:`GAP_WIDTH_DEG` given to a neighbour), which lets the union and the topology-keeping
simplification (``shapely.coverage_union_all``, ``shapely.coverage_simplify``) work.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

from analytics.codes import LEVEL_CODE_LENGTH, LEVELS, Level, parent_level
from analytics.schemas import WGS84

#: Gaps between villages narrower than this (degrees, ~22 m) are slivers, not land.
GAP_WIDTH_DEG: Final = 0.0002
#: Simplification tolerance per level, in degrees (1e-3 deg is about 110 m).
TOLERANCE_DEG: Final[dict[Level, float]] = {
    "desa": 0.0005,
    "kecamatan": 0.001,
    "kabupaten": 0.002,
    "provinsi": 0.004,
}
#: Decimals kept in GeoJSON coordinates (5 decimals is about 1 m).
DECIMALS: Final = 5

_NAME_COLUMN: Final[dict[Level, str]] = {
    "provinsi": "province_name",
    "kabupaten": "kabupaten_name",
    "kecamatan": "kecamatan_name",
    "desa": "village_name",
}
_CODE_COLUMN: Final[dict[Level, str]] = {
    "provinsi": "province_code",
    "kabupaten": "kabupaten_code",
    "kecamatan": "kecamatan_code",
    "desa": "village_code",
}


def clean_villages(villages: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of ``villages`` whose polygons form a clean coverage (sorted by code).

    Overlaps go to the neighbour with the longest shared border, small gaps are filled and
    shared edges made identical (``shapely.coverage_clean``). A village that the cleaning
    would empty or break keeps its original polygon.
    """
    ordered = villages.sort_values("village_code", ignore_index=True)
    original = ordered.geometry.to_numpy()
    try:
        cleaned = shapely.coverage_clean(original, gap_width=GAP_WIDTH_DEG)
    except shapely.errors.GEOSException:  # keep the source polygons rather than fail the build
        return ordered
    bad = shapely.is_empty(cleaned) | ~shapely.is_valid(cleaned)
    bad |= ~np.isin(shapely.get_type_id(cleaned), [3, 6])  # Polygon, MultiPolygon
    cleaned = np.where(bad, original, cleaned)
    return ordered.set_geometry(gpd.GeoSeries(cleaned, crs=villages.crs, index=ordered.index))


def _kind(level: Level, name: str) -> str:
    if level == "kabupaten":
        return "kota" if name.lower().startswith("kota") else "kabupaten"
    return level


def dissolve_levels(villages: gpd.GeoDataFrame) -> dict[Level, gpd.GeoDataFrame]:
    """Areas of every level as ``area_code``, ``area_name``, ``parent_code``, ``kind``,
    ``villages``, ``geometry``, from clean villages (see :func:`clean_villages`).

    Villages keep their polygon; each higher area is the coverage union of its villages.
    """
    result: dict[Level, gpd.GeoDataFrame] = {}
    for level in LEVELS:
        code_col, name_col = _CODE_COLUMN[level], _NAME_COLUMN[level]
        parent = parent_level(level)
        parent_col = _CODE_COLUMN[parent] if parent else None
        groups = villages.groupby(code_col, sort=True)
        codes = list(groups.groups)
        first = groups.first()
        if level == "desa":
            geoms = villages.set_index("village_code").geometry.reindex(codes).to_numpy()
            kinds = first["kind"].to_numpy()
        else:
            geoms = np.array(
                [_union(villages.geometry.to_numpy()[groups.indices[c]]) for c in codes],
                dtype=object,
            )
            kinds = np.array([_kind(level, n) for n in first[name_col]], dtype=object)
        result[level] = gpd.GeoDataFrame(
            {
                "area_code": pd.array(codes, dtype="str"),
                "area_name": first[name_col].astype("str").to_numpy(),
                "parent_code": (first[parent_col].astype("str").to_numpy() if parent_col else None),
                "kind": pd.array(kinds, dtype="str"),
                "villages": groups.size().to_numpy(dtype=np.int64),
            },
            geometry=gpd.GeoSeries(geoms, crs=villages.crs),
        )
    return result


def _union(parts: np.ndarray) -> shapely.Geometry:
    """Union of village polygons: fast coverage union, exact union when that fails."""
    try:
        merged = shapely.coverage_union_all(parts)
        if merged.is_valid and not merged.is_empty:
            return merged
    except shapely.errors.GEOSException:
        pass
    return shapely.union_all(shapely.make_valid(parts))


def area_table(levels: dict[Level, gpd.GeoDataFrame]) -> pd.DataFrame:
    """One row per area of every level (``analytics.store.AREA_COLUMNS``), with a point
    inside each area (``lon``, ``lat``) for labels and symbols."""
    frames = []
    for level in LEVELS:
        areas = levels[level]
        points = shapely.point_on_surface(areas.geometry.to_numpy())
        frames.append(
            pd.DataFrame(
                {
                    "level": level,
                    "area_code": areas["area_code"].to_numpy(),
                    "area_name": areas["area_name"].to_numpy(),
                    "parent_code": areas["parent_code"].to_numpy(),
                    "kind": areas["kind"].to_numpy(),
                    "lon": np.round(shapely.get_x(points), DECIMALS),
                    "lat": np.round(shapely.get_y(points), DECIMALS),
                    "villages": areas["villages"].to_numpy(),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    return table.astype(
        {"level": "str", "area_code": "str", "area_name": "str", "kind": "str", "villages": "int64"}
    )


def _round(geoms: np.ndarray) -> np.ndarray:
    return shapely.transform(geoms, lambda xy: np.round(xy, DECIMALS))


def simplify_for_web(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify a coverage keeping shared edges shared, and round to :data:`DECIMALS`.

    Any polygon that comes out invalid or empty falls back to its unsimplified (rounded,
    or if that is invalid too, exact) geometry.
    """
    geoms = np.asarray(geoms, dtype=object)
    try:
        simplified = shapely.coverage_simplify(geoms, tolerance)
    except shapely.errors.GEOSException:
        simplified = shapely.simplify(geoms, tolerance, preserve_topology=True)
    result = _round(simplified)
    bad = ~shapely.is_valid(result) | shapely.is_empty(result)
    if bad.any():
        rounded = _round(geoms[bad])
        fallback = np.where(shapely.is_valid(rounded), rounded, geoms[bad])
        result[bad] = fallback
    return result


def feature_collection(codes: pd.Series, names: pd.Series, geoms: np.ndarray) -> str:
    """Compact GeoJSON text: no whitespace, feature ``id`` = area code, property ``name``."""
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {"name": name},
            "geometry": mapping(geom),
        }
        for code, name, geom in zip(codes, names, geoms, strict=True)
    ]
    return json.dumps(
        {"type": "FeatureCollection", "features": features},
        separators=(",", ":"),
        ensure_ascii=False,
    )


def _files(level: Level, areas: pd.DataFrame) -> Iterator[tuple[str, np.ndarray]]:
    """(file key, row mask) pairs for one level's GeoJSON files."""
    codes = areas["area_code"]
    yield "all", np.ones(len(areas), dtype=bool)
    if level == "provinsi":
        return
    parents: list[Level] = ["provinsi"] if level == "kabupaten" else ["kabupaten"]
    if level == "desa":
        parents = ["kabupaten", "kecamatan"]
    for parent in parents:
        prefix = codes.str.slice(0, LEVEL_CODE_LENGTH[parent])
        for code in prefix.unique():
            yield str(code), (prefix == code).to_numpy()


def write_geojson(levels: dict[Level, gpd.GeoDataFrame], geo_dir: Path) -> dict[str, int]:
    """Write ``geo/<level>/<parent>.geojson`` for every level; returns bytes per file.

    Files: ``provinsi/all``, ``kabupaten/all`` and per province, ``kecamatan/all`` and per
    kabupaten, ``desa/all`` and per kabupaten and per kecamatan.
    """
    sizes: dict[str, int] = {}
    for level in LEVELS:
        areas = levels[level].to_crs(WGS84)
        simplified = simplify_for_web(areas.geometry.to_numpy(), TOLERANCE_DEG[level])
        (geo_dir / level).mkdir(parents=True, exist_ok=True)
        for key, mask in _files(level, areas):
            text = feature_collection(
                areas["area_code"][mask], areas["area_name"][mask], simplified[mask]
            )
            path = geo_dir / level / f"{key}.geojson"
            path.write_text(text, encoding="utf-8")
            sizes[f"{level}/{key}"] = len(text.encode("utf-8"))
    return sizes


def gzipped_size(path: Path) -> int:
    """Bytes ``path`` takes on the wire with gzip (what the app's compression sends)."""
    return len(gzip.compress(path.read_bytes(), compresslevel=6))
