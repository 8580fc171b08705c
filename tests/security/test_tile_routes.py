"""The all-villages map's routes (layouts/map/tile_routes.py): tiles by byte range behind
the log-in, the village codes and the values of the user's territory only."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import dash
import geopandas as gpd
import pytest
from conftest import callback_key, callback_payload
from flask.testing import FlaskClient
from store_factory import VILLAGES, village_square, write_store

from analytics.engine.tiles import write_level_tiles
from analytics.settings import Settings
from layouts.core import ids


@pytest.fixture(scope="module")
def tiled_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_store(tmp_path_factory.mktemp("tiled") / "processed")
    villages = gpd.GeoDataFrame(
        {"area_code": list(VILLAGES), "area_name": [v[0] for v in VILLAGES.values()]},
        geometry=[village_square(c) for c in VILLAGES],
        crs="EPSG:4326",
    )
    write_level_tiles(villages, "desa", root / "tiles" / "desa.pmtiles", zooms=(0, 8))
    return root


@pytest.fixture
def settings(settings: Settings, tiled_store: Path) -> Settings:
    return settings.with_(store_dir=tiled_store)


def test_tiles_need_a_log_in(app: dash.Dash) -> None:
    client = app.server.test_client()
    assert client.get("/geo/tiles/desa.pmtiles").status_code == 401
    assert client.get("/geo/codes/desa.json").status_code == 401


def test_tiles_by_byte_range_for_every_role(
    client_for: Callable[[str], FlaskClient], tiled_store: Path
) -> None:
    whole = (tiled_store / "tiles" / "desa.pmtiles").read_bytes()
    for name in ("admin", "cabang", "polres", "tamu"):  # boundaries are public geography
        response = client_for(name).get(
            "/geo/tiles/desa.pmtiles?v=1", headers={"Range": "bytes=0-126"}
        )
        assert response.status_code == 206
        assert response.data == whole[:127] and response.data[:7] == b"PMTiles"
        assert response.headers["ETag"]
        assert "private" in response.headers["Cache-Control"]
    client = client_for("admin")
    assert client.get("/geo/tiles/kecamatan.pmtiles").status_code == 404  # not built
    assert client.get("/geo/tiles/negara.pmtiles").status_code == 404  # not a level


def test_codes_are_the_territory_villages(client_for: Callable[[str], FlaskClient]) -> None:
    assert json.loads(client_for("admin").get("/geo/codes/desa.json").data) == sorted(VILLAGES)
    cabang = client_for("cabang")
    response = cabang.get("/geo/codes/desa.json?v=1")
    assert json.loads(response.data) == [c for c in sorted(VILLAGES) if c.startswith("99.01.")]
    assert "Cookie" in response.headers["Vary"]
    again = cabang.get(
        "/geo/codes/desa.json?v=1", headers={"If-None-Match": response.headers["ETag"].strip('"')}
    )
    assert again.status_code == 304


def test_values_callback_sends_the_territory_only(
    app: dash.Dash, client_for: Callable[[str], FlaskClient]
) -> None:
    key = callback_key(app, f"{ids.TM_VALUES}.data")
    body = callback_payload(
        app,
        key,
        {
            f"{ids.TM_MONTH}.value": "2024-12",
            f"{ids.TM_SEGMENT}.value": "BPU",
            f"{ids.TM_SCHEME}.value": "targets",
            f"{ids.TM_K}.value": 5,
            f"{ids.TM_LANG}.data": "id",
        },
    )
    response = client_for("cabang").post("/_dash-update-component", json=body)
    assert response.status_code == 200
    out = response.get_json()["response"]
    values = out[ids.TM_VALUES]["data"]
    assert values["cls"] == [1, 1, 0, 3]  # the four villages of 99.01 (tests/test_tilemap.py)
    rows = out[ids.TM_TABLE]["rowData"]
    assert {r["area_code"][:6] for r in rows} == {"99.01."}
    assert "99.02" not in json.dumps(out)
