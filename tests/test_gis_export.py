"""The map view as GeoPackage and GeoJSON (analytics/exports/gis.py, layouts/exports/gis.py):
read back with geopandas/pyogrio, rows, attributes, CRS, metadata and small-count
protection as in the table export."""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import box
from store_factory import write_store

from analytics.exports.gis import ATTRIBUTES, coverage_layer, metadata, to_geojson, to_geopackage
from analytics.exports.tables import protect_area_rows
from analytics.settings import Settings
from analytics.store.reader import Store
from layouts.core.url_state import ViewState
from layouts.exports.files import table_file
from layouts.exports.gis import gis_file

TODAY = date(2025, 1, 31)


def squares(codes: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": codes, "name": codes},
        geometry=[box(i, 0, i + 1, 1) for i in range(len(codes))],
        crs="EPSG:4326",
    )


def rows(active: list[int]) -> pd.DataFrame:
    """Villages A, B, C... with eligible 100 each (so coverage = active %)."""
    codes = [f"99.01.01.200{i + 1}" for i in range(len(active))]
    return pd.DataFrame(
        {
            "area_code": codes,
            "area_name": [f"Desa {c[-1]}" for c in codes],
            "active": active,
            "eligible": 100.0,
            "coverage_pct": [float(a) for a in active],
            "gap": [100.0 - a for a in active],
            "uncovered": [100.0 - a for a in active],
            "change_yoy_pp": 1.0,
            "class_label": "[0; 25) %",
            "flags_text": "",
        }
    )


def layer_of(active: list[int], threshold: int | None) -> gpd.GeoDataFrame:
    """The layer of these villages, protected as the table export protects its rows."""
    view = protect_area_rows(rows(active), threshold).frame
    return coverage_layer(
        squares(view["area_code"].tolist()),
        view,
        level="desa",
        month="2024-12",
        segment="BPU",
    )


def meta(threshold: int | None = 5) -> dict[str, object]:
    return metadata(
        source="Cakupan; Data uji",
        data_until="2024-12-20",
        exported_on=TODAY,
        demo=True,
        threshold=threshold,
        area="99.01.01",
        level="desa",
        month="2024-12",
        segment="BPU",
    )


def test_small_counts_are_null_with_a_flag_as_in_the_table_export() -> None:
    # 3 is small; its complement is the smallest other non-zero count (20), since the
    # kecamatan total is published; 0 is not hidden (it identifies nobody).
    layer = layer_of([3, 20, 0, 60], 5).set_index("area_code")
    assert layer["suppressed"].tolist() == [True, True, False, False]
    hidden = layer[layer["suppressed"]]
    for column in ("active", "coverage_pct", "gap", "class_label"):
        assert hidden[column].isna().all(), column
    assert hidden["eligible"].tolist() == [100.0, 100.0]  # denominators stay
    shown = layer.loc["99.01.01.2004"]
    assert (shown["active"], shown["coverage_pct"], shown["gap"]) == (60, 60.0, 40)
    assert layer.loc["99.01.01.2003", "active"] == 0
    off = layer_of([3, 20, 0, 60], None)
    assert not off["suppressed"].any() and off["active"].tolist() == [3, 20, 0, 60]


def test_geopackage_reads_back_with_rows_attributes_crs_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "view.gpkg"
    path.write_bytes(to_geopackage(layer_of([3, 20, 0, 60], 5), meta()))
    assert [name for name, _ in pyogrio.list_layers(path)] == ["cakupan", "metadata"]
    back = gpd.read_file(path, layer="cakupan")
    assert back.crs.to_epsg() == 4326 and len(back) == 4
    assert list(back.columns) == [*ATTRIBUTES, "geometry"]
    assert back["month"].unique().tolist() == ["2024-12"] and set(back["level"]) == {"desa"}
    assert back["suppressed"].tolist() == [True, True, False, False]
    assert back["active"].isna().tolist() == [True, True, False, False]
    assert back.geometry.area.tolist() == pytest.approx([1.0] * 4)
    table = gpd.read_file(path, layer="metadata")
    info = dict(zip(table["key"], table["value"], strict=True))
    assert info["synthetic_data"] == "True" and info["suppression_threshold"] == "5"
    assert info["exported_on"] == "2025-01-31" and info["data_until"] == "2024-12-20"
    assert info["source"] == "Cakupan; Data uji"
    description = pyogrio.read_info(path, layer="cakupan")["layer_metadata"]["DESCRIPTION"]
    assert "suppression_threshold=5" in description


def test_geojson_carries_metadata_as_top_level_members() -> None:
    data = json.loads(to_geojson(layer_of([3, 20, 0, 60], 5), meta()))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 4
    assert data["synthetic_data"] is True and data["suppression_threshold"] == 5
    assert data["exported_on"] == "2025-01-31" and data["crs"] == "EPSG:4326"
    first = data["features"][0]["properties"]
    assert first["area_code"] == "99.01.01.2001" and first["active"] is None
    assert first["suppressed"] is True and first["eligible"] == 100.0
    assert data["features"][3]["properties"]["active"] == 60


def test_an_area_without_a_boundary_is_an_error_not_dropped() -> None:
    view = rows([10, 20])
    with pytest.raises(ValueError, match=r"99\.01\.01\.2002"):
        coverage_layer(
            squares(["99.01.01.2001"]), view, level="desa", month="2024-12", segment="BPU"
        )


def test_map_view_of_the_tiny_store(tmp_path: Path) -> None:
    store = Store(write_store(tmp_path / "processed"))
    settings = Settings().with_(store_dir=store.root)
    state = ViewState(level="desa", area="99.01", month="2024-12", segment="BPU", lang="en")
    data, name, media = gis_file(store, settings, state, "geojson", 5, TODAY)
    assert name == "cakupan_desa_99-01_2024-12_BPU.geojson" and media == "application/geo+json"
    got = json.loads(data)
    props = {f["properties"]["area_code"]: f["properties"] for f in got["features"]}
    # Dec 2024 BPU: Satu 146/1000, Dua 73/500, Tiga 10/800, Empat 223/400; none small
    assert {c: p["active"] for c, p in props.items()} == {
        "99.01.01.2001": 146,
        "99.01.01.2002": 73,
        "99.01.02.2001": 10,
        "99.01.02.2002": 223,
    }
    assert props["99.01.02.2002"]["coverage_pct"] == pytest.approx(55.75)
    assert props["99.01.02.2002"]["gap"] == 177
    assert props["99.01.01.2001"]["class_label"]  # the legend's label of its class
    assert got["source"] == "Cakupan; Data uji (tenaga kerja per desa)"
    gpkg, name, _ = gis_file(store, settings, state, "gpkg", None, TODAY)
    path = tmp_path / name
    path.write_bytes(gpkg)
    back = gpd.read_file(path, layer="cakupan")
    assert len(back) == 4 and not back["suppressed"].any()


def test_gis_and_table_exports_hide_the_same_cells(tmp_path: Path) -> None:
    """Two exports of one view must hide the same cells, or together they would give a
    hidden count back: the complement of a tie is chosen in the table's order."""
    root = write_store(tmp_path / "processed")
    cov = pd.read_parquet(root / "coverage.parquet")
    # Dec 2024 BPU: Satu 3 (small), Dua 20 and Tiga 20 (a tie for the complement), Empat 60
    new = {"99.01.01.2001": 3, "99.01.01.2002": 20, "99.01.02.2001": 20, "99.01.02.2002": 60}
    at = (cov["month"] == "2024-12-01") & (cov["segment"] == "BPU") & cov["area_code"].isin(new)
    cov.loc[at, "active"] = cov.loc[at, "area_code"].map(new)
    cov.loc[at, "active_covered"] = cov.loc[at, "active"]
    cov.loc[at, "gap"] = cov.loc[at, "eligible"] - cov.loc[at, "active"]
    cov.loc[at, "coverage_pct"] = 100 * cov.loc[at, "active"] / cov.loc[at, "eligible"]
    cov.to_parquet(root / "coverage.parquet", index=False)
    store = Store(root)
    settings = Settings().with_(store_dir=root)
    state = ViewState(level="desa", area="99.01", month="2024-12", segment="BPU")
    data, _, _ = gis_file(store, settings, state, "geojson", 5, TODAY)
    hidden_gis = {
        f["properties"]["area_code"]
        for f in json.loads(data)["features"]
        if f["properties"]["suppressed"]
    }
    table = table_file(store, state, "csv", 5, None)
    text = base64.b64decode(table["content"]).decode("utf-8-sig")  # dcc.send_bytes
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))  # Indonesian CSV
    hidden_table = {r[1] for r in lines[1:] if len(r) > 5 and r[5] == "s"}
    # uncovered: Satu 997, Tiga 780, Dua 480: the table ranks Tiga before Dua
    assert hidden_gis == hidden_table == {"99.01.01.2001", "99.01.02.2001"}
