"""Reading village boundaries: formats, layers, field names, CRS, geometry repair."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Polygon, box

from analytics.errors import InputError
from analytics.io.boundaries import polygonal, read_villages
from analytics.schemas import VillageSchema

BOWTIE = Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])


def _frame(**columns: list) -> gpd.GeoDataFrame:
    geometry = [box(110 + i * 0.01, -7.8, 110.01 + i * 0.01, -7.79) for i in range(3)]
    return gpd.GeoDataFrame(columns, geometry=geometry, crs="EPSG:4326")


def _bps_style() -> gpd.GeoDataFrame:
    """Field names as BIG/RBI shapefiles have them; codes plain, no kecamatan name."""
    return _frame(
        KDEPUM=["3471011001", "3471011002", "3302012001"],
        WADMKD=["Bener", "Kricak", "Cilongok"],
        WADMKK=["Kota Yogyakarta", "Kota Yogyakarta", "Kabupaten Banyumas"],
    )


@pytest.mark.shared
def test_diy_geojson(shared_data: Path) -> None:
    villages = read_villages(shared_data / "diy" / "diy_desa_cahyadsn_kepmendagri2025.geojson")
    assert len(villages) == 438
    assert villages.crs.to_epsg() == 4326
    assert villages["kind"].value_counts().to_dict() == {"kalurahan": 392, "kelurahan": 46}
    assert villages["kecamatan_code"].nunique() == 78
    assert villages["kabupaten_code"].nunique() == 5
    row = villages.set_index("village_code").loc["34.01.01.2001"]
    assert (row["village_name"], row["kecamatan_name"], row["kabupaten_name"]) == (
        "Jangkaran",
        "Temon",
        "Kabupaten Kulon Progo",
    )
    assert villages.attrs["repaired_geometries"] == 0


@pytest.mark.shared
def test_diy_gpkg_finds_the_village_layer(shared_data: Path) -> None:
    path = shared_data / "diy" / "diy_boundaries_cahyadsn_kepmendagri2025.gpkg"
    villages = read_villages(path)
    assert len(villages) == 438
    assert read_villages(f"{path}:desa_kelurahan")["village_code"].equals(villages["village_code"])
    with pytest.raises(InputError, match="no column holds village codes; columns found: kode"):
        read_villages(f"{path}:kecamatan")
    with pytest.raises(InputError, match="no layer 'desa'; layers found: desa_kelurahan"):
        read_villages(f"{path}:desa")


def test_shapefile_folder_and_zip(tmp_path: Path) -> None:
    folder = tmp_path / "shp"
    folder.mkdir()
    _bps_style().to_file(folder / "desa.shp")
    from_folder = read_villages(folder)
    archive = tmp_path / "desa.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, f"batas/{part.name}")
    from_zip = read_villages(archive)
    for villages in (from_folder, from_zip):
        assert villages["village_code"].tolist() == [
            "34.71.01.1001",
            "34.71.01.1002",
            "33.02.01.2001",
        ]
        assert villages["kind"].tolist() == ["kelurahan", "kelurahan", "desa"]
        assert villages["kabupaten_name"].tolist()[2] == "Kabupaten Banyumas"
        assert villages["kecamatan_name"].tolist() == [
            "Kecamatan 34.71.01",
            "Kecamatan 34.71.01",
            "Kecamatan 33.02.01",
        ]
        assert villages["province_name"].tolist()[0] == "Provinsi 34"
        assert any(
            "no kecamatan name for 2 kecamatan codes" in w for w in villages.attrs["warnings"]
        )


def test_geoparquet_reprojected_with_adm_pcodes_and_kinds(tmp_path: Path) -> None:
    frame = _frame(
        ADM4_PCODE=["ID3404072001", "ID3404071001", "ID3302012001"],
        ADM4_EN=["Caturtunggal", "Kota Baru", "Cilongok"],
        nama_kec=["Depok", "Depok", "Cilongok"],
        jenis=["desa/kalurahan", "kelurahan", "something"],
    ).to_crs("EPSG:32749")
    path = tmp_path / "desa.parquet"
    frame.to_parquet(path)
    villages = read_villages(path)
    assert villages.crs.to_epsg() == 4326
    assert villages["village_code"].tolist() == ["34.04.07.2001", "34.04.07.1001", "33.02.01.2001"]
    assert villages["kind"].tolist() == ["kalurahan", "kelurahan", "desa"]
    assert villages.geometry.iloc[0].bounds == pytest.approx((110.0, -7.8, 110.01, -7.79), abs=1e-6)


def test_invalid_geometries_are_made_valid_and_counted(tmp_path: Path) -> None:
    frame = _frame(kode=["34.71.01.1001", "34.71.01.1002", "34.71.01.1003"], nama=["A", "B", "C"])
    frame.loc[1, "geometry"] = BOWTIE
    path = tmp_path / "desa.geojson"
    frame.to_file(path)
    villages = read_villages(path)
    assert villages.attrs["repaired_geometries"] == 1
    assert villages.geometry.is_valid.all()
    assert villages.geometry.iloc[1].area == pytest.approx(0.5)
    assert any("1 invalid geometries made valid" in w for w in villages.attrs["warnings"])
    VillageSchema.validate(villages)


def test_polygonal_keeps_polygon_parts_and_drops_lines() -> None:
    from shapely.geometry import LineString

    fixed, repaired = polygonal(
        gpd.GeoSeries([BOWTIE, box(0, 0, 1, 1), LineString([(0, 0), (1, 1)])]).to_numpy()
    )
    assert repaired == 1
    assert [g.geom_type if g is not None else None for g in fixed] == [
        "MultiPolygon",
        "Polygon",
        None,
    ]


def test_rows_without_code_are_left_out_with_a_warning(tmp_path: Path) -> None:
    frame = _frame(kode=["34.71.01.1001", "34.71.01.1002", "bad"], nama=["A", "B", "C"])
    path = tmp_path / "desa.geojson"
    frame.to_file(path)
    villages = read_villages(path)
    assert len(villages) == 2
    assert any("1 features left out" in w for w in villages.attrs["warnings"])


def test_no_code_column_names_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "desa.geojson"
    _frame(nama=["A", "B", "C"], luas=[1, 2, 3]).to_file(path)
    with pytest.raises(InputError, match="columns found: nama, luas") as info:
        read_villages(path)
    assert info.value.file == "desa.geojson"


@pytest.mark.parametrize(("name", "content"), [("desa.geojson", b"{not json"), ("desa.gpkg", b"x")])
def test_unreadable_file(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match="cannot read the boundaries") as info:
        read_villages(path)
    assert info.value.file == name


def test_missing_file_and_unsupported_format(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_villages(str(tmp_path / "absent.gpkg"))
    (tmp_path / "desa.csv").write_text("kode\n")
    with pytest.raises(InputError, match="unsupported boundaries format"):
        read_villages(tmp_path / "desa.csv")


def test_repeated_codes_are_merged(tmp_path: Path) -> None:
    frame = _frame(kode=["34.71.01.1001", "34.71.01.1001", "34.71.01.1002"], nama=["A", "A", "B"])
    path = tmp_path / "desa.geojson"
    frame.to_file(path)
    villages = read_villages(path)
    assert villages["village_code"].tolist() == ["34.71.01.1001", "34.71.01.1002"]
    merged = villages.set_index("village_code").geometry.loc["34.71.01.1001"]
    assert merged.area == pytest.approx(2e-4)
    assert isinstance(villages, gpd.GeoDataFrame)
    assert pd.api.types.is_string_dtype(villages["village_code"])
