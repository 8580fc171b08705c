"""Boundaries for every level, simplified for the web, and the area table.

Higher levels are never read from other files: a kecamatan, kabupaten/kota or province is
the union of its villages, so the levels always tile the same ground. Public village data
has slivers of overlap and gap between neighbours; :func:`clean_villages` first turns the
villages into a clean coverage (no overlaps, shared edges identical, gaps narrower than
:data:`GAP_WIDTH_DEG` given to a neighbour), which lets the union and the topology-keeping
simplification (``shapely.coverage_union_all``, ``shapely.coverage_simplify``) work.

National scale: cleaning and simplifying a coverage cost more than linearly in its
vertices (the whole country has 8.8 million), so above :data:`WHOLE_COVERAGE_MAX_VERTICES`
both run per group: villages are cleaned per kabupaten, villages and kecamatan are
simplified per kabupaten, kabupaten per province. Each higher area is then the union of
the areas one level below it, and no file holding every village or kecamatan of several
provinces is written (the map shows kabupaten nationally and villages per kabupaten).
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
#: The country-wide views (``provinsi/all`` and ``kabupaten/all`` with several provinces) are
#: drawn at a coarser level of detail: tolerance per level in degrees, parts (islands)
#: smaller than :data:`NATIONAL_MIN_PART_DEG2` dropped (never an area's largest part), and
#: coordinates rounded to :data:`NATIONAL_DECIMALS` (3 decimals is about 110 m).
NATIONAL_TOLERANCE_DEG: Final[dict[Level, float]] = {"kabupaten": 0.01, "provinsi": 0.02}
NATIONAL_MIN_PART_DEG2: Final = 5e-4
NATIONAL_DECIMALS: Final = 3
#: Coverages up to this many vertices are cleaned and simplified whole, larger ones per group.
WHOLE_COVERAGE_MAX_VERTICES: Final = 250_000
#: The group (a coarser level) each level is simplified in when its coverage is large.
SIMPLIFY_GROUP: Final[dict[Level, Level | None]] = {
    "desa": "kabupaten",
    "kecamatan": "kabupaten",
    "kabupaten": "provinsi",
    "provinsi": None,
}

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
    cleaned = original.copy()
    for rows in _groups(original, ordered["village_code"], "kabupaten"):
        try:
            cleaned[rows] = shapely.coverage_clean(original[rows], gap_width=GAP_WIDTH_DEG)
        except shapely.errors.GEOSException:  # keep the source polygons, don't fail the build
            continue
    bad = shapely.is_empty(cleaned) | ~shapely.is_valid(cleaned)
    bad |= ~np.isin(shapely.get_type_id(cleaned), [3, 6])  # Polygon, MultiPolygon
    cleaned = np.where(bad, original, cleaned)
    return ordered.set_geometry(gpd.GeoSeries(cleaned, crs=villages.crs, index=ordered.index))


def _groups(geoms: np.ndarray, codes: pd.Series, group: Level | None) -> list[np.ndarray]:
    """Row positions to process together: all rows when the coverage is small (or no
    ``group``), else one array per ``group`` area (codes sorted or not)."""
    every = np.arange(len(geoms))
    if group is None or shapely.get_num_coordinates(geoms).sum() <= WHOLE_COVERAGE_MAX_VERTICES:
        return [every]
    prefix = codes.astype("str").str.slice(0, LEVEL_CODE_LENGTH[group]).to_numpy()
    indices = pd.Series(every).groupby(prefix, sort=True).indices
    return [np.asarray(rows) for rows in indices.values()]


def _kind(level: Level, name: str) -> str:
    if level == "kabupaten":
        return "kota" if name.lower().startswith("kota") else "kabupaten"
    return level


def dissolve_levels(villages: gpd.GeoDataFrame) -> dict[Level, gpd.GeoDataFrame]:
    """Areas of every level as ``area_code``, ``area_name``, ``parent_code``, ``kind``,
    ``villages``, ``geometry``, from clean villages (see :func:`clean_villages`).

    Villages keep their polygon; each higher area is the union of its areas one level
    down (so of its villages).
    """
    result: dict[Level, gpd.GeoDataFrame] = {}
    for level in reversed(LEVELS):
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
            below = result[LEVELS[LEVELS.index(level) + 1]]
            prefix = below["area_code"].str.slice(0, LEVEL_CODE_LENGTH[level]).to_numpy()
            parts = pd.Series(np.arange(len(below))).groupby(prefix, sort=True).indices
            below_geoms = below.geometry.to_numpy()
            geoms = np.array([_union(below_geoms[parts[c]]) for c in codes], dtype=object)
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
    return {level: result[level] for level in LEVELS}


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
    """One row per area of every level (``analytics.store.reader.AREA_COLUMNS``), with a point
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


def _drop_small_parts(geoms: np.ndarray, min_area: float) -> np.ndarray:
    """Each geometry without its parts smaller than ``min_area`` (its largest part stays)."""
    parts, owner = shapely.get_parts(geoms, return_index=True)
    area = shapely.area(parts)
    largest = pd.Series(area).groupby(owner).transform("max").to_numpy()
    keep = (area >= min_area) | (area == largest)
    grouped = pd.Series(np.arange(len(parts))[keep]).groupby(owner[keep]).agg(list)
    return np.array(
        [
            parts[rows[0]] if len(rows) == 1 else shapely.multipolygons(parts[rows])
            for rows in grouped
        ],
        dtype=object,
    )


def national_view(geoms: np.ndarray, tolerance: float, fallback: np.ndarray) -> np.ndarray:
    """Coarse geometry for a country-wide map: small islands dropped, coverage simplified
    with ``tolerance``, snapped to a grid of :data:`NATIONAL_DECIMALS`; an area that comes
    out empty or invalid takes its ``fallback`` geometry."""
    kept = _drop_small_parts(np.asarray(geoms, dtype=object), NATIONAL_MIN_PART_DEG2)
    try:
        simplified = shapely.coverage_simplify(kept, tolerance)
    except shapely.errors.GEOSException:
        simplified = shapely.simplify(kept, tolerance, preserve_topology=True)
    # Snapping to the grid (GEOS precision model) rounds and keeps the polygons valid.
    result = shapely.set_precision(simplified, 10.0**-NATIONAL_DECIMALS)
    bad = ~shapely.is_valid(result) | shapely.is_empty(result)
    result[bad] = np.asarray(fallback, dtype=object)[bad]
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


def _provinces(areas: pd.DataFrame) -> int:
    return areas["area_code"].str.slice(0, LEVEL_CODE_LENGTH["provinsi"]).nunique()


def _files(level: Level, areas: pd.DataFrame) -> Iterator[tuple[str, np.ndarray]]:
    """(file key, row positions) pairs for one level's GeoJSON files.

    With several provinces, kecamatan and villages have no ``all`` file: the country's
    83,000 villages would be a 73 MB download the map never asks for.
    """
    codes = areas["area_code"]
    if level in ("provinsi", "kabupaten") or _provinces(areas) <= 1:
        yield "all", np.arange(len(areas))
    if level == "provinsi":
        return
    parents: list[Level] = ["provinsi"] if level == "kabupaten" else ["kabupaten"]
    if level == "desa":
        parents = ["kabupaten", "kecamatan"]
    for parent in parents:
        prefix = codes.str.slice(0, LEVEL_CODE_LENGTH[parent])
        for code, rows in (
            pd.Series(np.arange(len(areas))).groupby(prefix.to_numpy()).indices.items()
        ):
            yield str(code), np.asarray(rows)


def web_geometry(levels: dict[Level, gpd.GeoDataFrame]) -> dict[Level, gpd.GeoDataFrame]:
    """Each level's areas (EPSG:4326) with their polygons simplified for the web
    (:func:`simplify_for_web` at :data:`TOLERANCE_DEG`, per :data:`SIMPLIFY_GROUP` group when
    the coverage is large): what the GeoJSON files and the vector tiles draw."""
    result: dict[Level, gpd.GeoDataFrame] = {}
    for level in LEVELS:
        areas = levels[level].to_crs(WGS84)
        geoms = areas.geometry.to_numpy()
        simplified = np.empty(len(geoms), dtype=object)
        for rows in _groups(geoms, areas["area_code"], SIMPLIFY_GROUP[level]):
            simplified[rows] = simplify_for_web(geoms[rows], TOLERANCE_DEG[level])
        result[level] = areas.set_geometry(gpd.GeoSeries(simplified, crs=WGS84, index=areas.index))
    return result


def write_geojson(
    levels: dict[Level, gpd.GeoDataFrame],
    geo_dir: Path,
    web: dict[Level, gpd.GeoDataFrame] | None = None,
) -> dict[str, int]:
    """Write ``geo/<level>/<parent>.geojson`` for every level; returns bytes per file.

    Files: ``provinsi/all``, ``kabupaten/all`` and per province, ``kecamatan/all`` and per
    kabupaten, ``desa/all`` and per kabupaten and per kecamatan (no ``kecamatan/all`` or
    ``desa/all`` with several provinces, see :func:`_files`). With several provinces,
    ``provinsi/all`` and ``kabupaten/all`` are drawn by :func:`national_view`. ``web`` is
    :func:`web_geometry` of ``levels`` when the caller has it already.
    """
    web = web if web is not None else web_geometry(levels)
    sizes: dict[str, int] = {}
    for level in LEVELS:
        areas = levels[level].to_crs(WGS84)
        geoms = areas.geometry.to_numpy()
        simplified = web[level].geometry.to_numpy()
        (geo_dir / level).mkdir(parents=True, exist_ok=True)
        national = level in NATIONAL_TOLERANCE_DEG and _provinces(areas) > 1
        for key, rows in _files(level, areas):
            shapes = simplified[rows]
            if national and key == "all":
                shapes = national_view(geoms[rows], NATIONAL_TOLERANCE_DEG[level], shapes)
            text = feature_collection(
                areas["area_code"].iloc[rows], areas["area_name"].iloc[rows], shapes
            )
            path = geo_dir / level / f"{key}.geojson"
            path.write_text(text, encoding="utf-8")
            sizes[f"{level}/{key}"] = len(text.encode("utf-8"))
    return sizes


def gzipped_size(path: Path) -> int:
    """Bytes ``path`` takes on the wire with gzip (what the app's compression sends)."""
    return len(gzip.compress(path.read_bytes(), compresslevel=6))
