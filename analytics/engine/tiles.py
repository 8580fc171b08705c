"""Vector tiles of the boundaries: one PMTiles archive per level.

Each archive holds one Mapbox Vector Tile layer named as the level (``desa``, ...); each
feature carries two properties, ``code`` (the dotted area code, as ``area_code`` in the
area table) and ``name`` (the area's name), nothing else. Geometry goes in as EPSG:4326 and
the tiles are in web mercator, as map clients expect. The map joins coverage values to the
features in the browser by ``code``, so the tiles never change with the data.

The archives are written by GDAL's PMTiles driver through pyogrio (the MVT writer:
features are clipped to each tile, quantised to the tile grid and gzip-compressed).
Geometry should be the web-simplified coverage (:func:`analytics.engine.geometry.web_levels`):
shared edges stay identical after quantisation, so neighbours keep no gaps between them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import geopandas as gpd
import pyogrio

from analytics.codes import Level
from analytics.schemas import WGS84

#: Zoom range written per level (MapLibre over-zooms past the last one). Zoom 4 shows
#: the whole of Indonesia in a ~1280 px wide map; every area is in every zoom.
TILE_ZOOMS: Final[dict[Level, tuple[int, int]]] = {
    "provinsi": (0, 8),
    "kabupaten": (0, 9),
    "kecamatan": (0, 10),
    "desa": (0, 12),
}
#: Largest compressed tile GDAL may write (bytes); above it GDAL would reduce precision or
#: drop features, which the map must not do (every village is drawn at every zoom).
MAX_TILE_BYTES: Final = 5_000_000
#: Most features GDAL may put in one tile (the country has 83,402 villages).
MAX_TILE_FEATURES: Final = 1_000_000
#: The feature properties of every tile layer, in order.
TILE_PROPERTIES: Final = ("code", "name")


def tile_frame(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``code``, ``name`` and the geometry (EPSG:4326) of ``areas`` (columns ``area_code``,
    ``area_name``), sorted by code: what one tile layer carries."""
    ordered = areas.to_crs(WGS84).sort_values("area_code", ignore_index=True)
    return gpd.GeoDataFrame(
        {
            "code": ordered["area_code"].astype("str").to_numpy(dtype=object),
            "name": ordered["area_name"].astype("str").to_numpy(dtype=object),
        },
        geometry=ordered.geometry.to_numpy(),
        crs=WGS84,
    )


def write_level_tiles(
    areas: gpd.GeoDataFrame,
    level: Level,
    path: Path,
    zooms: tuple[int, int] | None = None,
) -> int:
    """Write the areas of one ``level`` as a PMTiles archive at ``path``; its size in bytes.

    One layer named ``level``; properties :data:`TILE_PROPERTIES`; zooms ``zooms`` (default
    :data:`TILE_ZOOMS`). No simplification beyond the tile grid (the input is simplified
    already), so every area with a polygon is in every zoom unless it is smaller than
    the grid's cell there.
    """
    low, high = zooms if zooms is not None else TILE_ZOOMS[level]
    frame = tile_frame(areas)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    pyogrio.write_dataframe(
        frame,
        path,
        layer=level,
        driver="PMTiles",
        dataset_options={
            "NAME": level,
            "DESCRIPTION": f"Cakupan boundaries: {level}",
            "MINZOOM": str(low),
            "MAXZOOM": str(high),
            "MAX_SIZE": str(MAX_TILE_BYTES),
            "MAX_FEATURES": str(MAX_TILE_FEATURES),
        },
        layer_options={"MINZOOM": str(low), "MAXZOOM": str(high)},
    )
    return path.stat().st_size
