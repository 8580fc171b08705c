"""Vector tiles: one PMTiles archive per level, one layer named as the level, code + name."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyogrio
import pytest

from analytics.engine.geometry import clean_villages, dissolve_levels, web_geometry
from analytics.engine.tiles import TILE_PROPERTIES, TileWriter, tile_frame, write_level_tiles
from tests.test_geometry import tiny_villages


@pytest.fixture(scope="module")
def levels():
    return web_geometry(dissolve_levels(clean_villages(tiny_villages())))


@pytest.mark.parametrize(
    ("level", "codes", "names"),
    [
        (
            "desa",
            ["34.71.01.1001", "34.71.01.1002", "34.71.02.1001", "34.71.02.1002"],
            ["A", "B", "C", "D"],
        ),
        ("kecamatan", ["34.71.01", "34.71.02"], ["Satu", "Dua"]),
        ("kabupaten", ["34.71"], ["Kota Yogyakarta"]),
        ("provinsi", ["34"], ["DIY"]),
    ],
)
@pytest.mark.parametrize(("writer", "zooms"), [("tippecanoe", (4, 8)), ("gdal", (6, 8))])
def test_one_layer_named_as_the_level_with_code_and_name(
    levels,
    tmp_path: Path,
    level: str,
    codes: list[str],
    names: list[str],
    writer: TileWriter,
    zooms: tuple[int, ...],
) -> None:
    path = tmp_path / f"{level}.pmtiles"
    size = write_level_tiles(levels[level], level, path, zooms=(0, 8), writer=writer)
    assert size == path.stat().st_size > 0
    assert [name for name, _ in pyogrio.list_layers(path)] == [level]
    # Every area (1 km villages too) is in zoom 4 (the country's zoom) with tippecanoe;
    # GDAL's grid (~600 m at zoom 4) empties them below zoom 6.
    for zoom in zooms:
        read = pyogrio.read_dataframe(path, layer=level, ZOOM_LEVEL=str(zoom))
        # mvt_id is how GDAL reports a feature's MVT id, not a property
        assert [c for c in read.columns if c not in ("geometry", "mvt_id")] == list(TILE_PROPERTIES)
        pairs = sorted(set(zip(read["code"], read["name"], strict=True)))
        assert pairs == sorted(zip(codes, names, strict=True))
        assert read.crs.to_epsg() == 3857  # web mercator tiles from EPSG:4326 input


def test_tiles_cover_the_areas(levels, tmp_path: Path) -> None:
    path = tmp_path / "desa.pmtiles"
    write_level_tiles(levels["desa"], "desa", path, zooms=(0, 12))
    read = pyogrio.read_dataframe(path, layer="desa", ZOOM_LEVEL="12").to_crs(4326)
    drawn = read.dissolve("code").geometry
    source = tile_frame(levels["desa"]).set_index("code").geometry
    # At zoom 12 the grid is ~10 m: each village's tiles hold its area within 1 %.
    ratio = drawn.area.sort_index().to_numpy() / source.area.sort_index().to_numpy()
    assert np.allclose(ratio, 1.0, atol=0.01)


def test_rewrite_replaces_the_file(levels, tmp_path: Path) -> None:
    path = tmp_path / "tiles" / "kabupaten.pmtiles"
    write_level_tiles(levels["kabupaten"], "kabupaten", path, zooms=(0, 3))
    write_level_tiles(levels["kabupaten"], "kabupaten", path, zooms=(0, 3))
    read = pyogrio.read_dataframe(path, layer="kabupaten", ZOOM_LEVEL="3")
    assert set(read["code"]) == {"34.71"}
