"""The build pipeline on a tiny hand-made set of files, with every number computed by hand.

Villages (one kabupaten 34.71, two kecamatan): A 34.71.01.1001, B 34.71.01.1002,
C 34.71.02.1001, D 34.71.02.1002. Registry rows (months 2024-01..2024-03):

row 2  KPJ 1  A PU    2024-01-10            active Jan-Mar, registered Jan
row 3  KPJ 2  A PU    2023-05-01-2024-02-29 active Jan only (ends on the last day of Feb)
row 4  KPJ 3  B BPU   2024-02-29            active Feb-Mar (registered on the last day)
row 5  KPJ 4  C JAKON 2023-01-01            active Jan-Mar
row 6  KPJ 1  A PU    2024-01-10            duplicate of row 2
row 7  KPJ 5  ? PU    code 34.71.09.9999    unmatched (unknown_code)
row 8  KPJ 6  A PU    no registration date  rejected
row 9  KPJ 7  D PMI   2024-03-01-2024-04-01 active Mar (ends on the first of April)
row 10 (none) A PU    2024-01-01            rejected (no_identity)

Workforce: A 2023 (10, 4) and 2024 (20, 5); B 2024 (8, 8); C none; D 2025 (4, 1).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from analytics.build.pipeline import BuildInputs, build_store
from analytics.errors import InputError
from analytics.settings import Settings
from analytics.store.reader import Store

NIKS = ("3471015501900001", "3471015501900002")
PERSON = "Siti Rahayu Contoh"


def write_tiny_inputs(folder: Path) -> dict[str, Path]:
    """Write boundaries, a registry, a workforce file, a roster and events into ``folder``."""
    import geopandas as gpd

    folder.mkdir(parents=True, exist_ok=True)
    cells = [box(110.0, -7.8, 110.01, -7.79), box(110.01, -7.8, 110.02, -7.79)]
    cells += [box(110.0, -7.79, 110.01, -7.78), box(110.01, -7.79, 110.02, -7.78)]
    boundaries = gpd.GeoDataFrame(
        {
            "kode": ["34.71.01.1001", "34.71.01.1002", "34.71.02.1001", "34.71.02.1002"],
            "nama": ["Alpha", "Bravo", "Charlie", "Delta"],
            "jenis": ["kelurahan"] * 4,
            "kode_kec": ["34.71.01", "34.71.01", "34.71.02", "34.71.02"],
            "nama_kec": ["Satu", "Satu", "Dua", "Dua"],
            "kode_kab": ["34.71"] * 4,
            "nama_kab": ["Kota Yogyakarta"] * 4,
            "kode_prov": ["34"] * 4,
            "nama_prov": ["DI Yogyakarta"] * 4,
        },
        geometry=cells,
        crs="EPSG:4326",
    )
    paths = {
        "boundaries": folder / "desa.geojson",
        "registry": folder / "kepesertaan.csv",
        "workforce": folder / "tenaga_kerja.csv",
        "roster": folder / "bhabin.csv",
        "events": folder / "kegiatan.csv",
    }
    boundaries.to_file(paths["boundaries"], driver="GeoJSON")
    paths["registry"].write_text(
        "NO_KPJ,NIK,NAMA,KODE_DESA,SEGMEN,TGL_KEPESERTAAN,TGL_NONAKTIF\n"
        f"00000000001,{NIKS[0]},{PERSON},3471011001,PU,2024-01-10,\n"
        f"00000000002,{NIKS[1]},Budi,34.71.01.1001,PU,2023-05-01,2024-02-29\n"
        "00000000003,,Cici,34.71.01.1002,BPU,2024-02-29,\n"
        "00000000004,,Dodi,34.71.02.1001,JAKON,2023-01-01,\n"
        f"00000000001,{NIKS[0]},{PERSON},3471011001,PU,2024-01-10,\n"
        "00000000005,,Eko,34.71.09.9999,PU,2024-01-01,\n"
        "00000000006,,Fani,34.71.01.1001,PU,,\n"
        "00000000007,,Gita,34.71.02.1002,PMI,2024-03-01,2024-04-01\n"
        ",,Hadi,34.71.01.1001,PU,2024-01-01,\n",
        encoding="utf-8",
    )
    paths["workforce"].write_text(
        "KODE_DESA,TAHUN,JUMLAH_PEKERJA,PEKERJA_INFORMAL\n"
        "34.71.01.1001,2023,10,4\n34.71.01.1001,2024,20,5\n"
        "34.71.01.1002,2024,8,8\n34.71.02.1002,2025,4,1\n",
        encoding="utf-8",
    )
    paths["roster"].write_text(
        "NRP,NAMA,PANGKAT,POLSEK,POLRES,KODE_DESA\n"
        "81010001,Bripka Satu,BRIPKA,Polsek Satu,Polresta Yogyakarta,34.71.01.1001\n"
        "81010001,Bripka Satu,BRIPKA,Polsek Satu,Polresta Yogyakarta,34.71.01.1002\n",
        encoding="utf-8",
    )
    paths["events"].write_text(
        "TANGGAL,KODE_DESA,NRP,JUMLAH_PESERTA,PENDAFTARAN\n"
        "2024-02-10,34.71.01.1001,81010001,30,4\n2024-02-11,34.71.01.1002,81010001,5,9\n",
        encoding="utf-8",
    )
    return paths


def tiny_build_inputs(paths: dict[str, Path], out: Path, **extra: object) -> BuildInputs:
    return BuildInputs(
        boundaries=paths["boundaries"],
        registries=(paths["registry"],),
        workforce=paths["workforce"],
        out=out,
        start=pd.Timestamp("2024-01-01"),
        end=pd.Timestamp("2024-03-01"),
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    folder = tmp_path_factory.mktemp("tiny")
    paths = write_tiny_inputs(folder / "in")
    inputs = tiny_build_inputs(
        paths, folder / "store", roster=paths["roster"], events=paths["events"]
    )
    result = build_store(inputs, Settings(demo=True))
    return folder / "store", result


def _row(cov: pd.DataFrame, code: str, segment: str, month: str) -> pd.Series:
    hit = cov[
        (cov["area_code"] == code)
        & (cov["segment"] == segment)
        & (cov["month"] == pd.Timestamp(month))
    ]
    assert len(hit) == 1
    return hit.iloc[0]


def test_reconciliation_identity_and_reasons(built: tuple[Path, object]) -> None:
    store_dir, result = built
    rec = Store(store_dir).reconciliation()
    assert rec == json.loads(json.dumps(result.reconciliation))  # type: ignore[attr-defined]
    assert (rec["rows_in"], rec["matched"], rec["unmatched"]) == (9, 5, 1)
    assert (rec["rejected"], rec["duplicates"]) == (2, 1)
    assert rec["rows_in"] == rec["matched"] + rec["unmatched"] + rec["rejected"] + rec["duplicates"]
    assert rec["reasons"]["unknown_code"] == 1
    assert rec["workforce"]["rows_in"] == 4
    assert rec["outreach"]["roster"]["rows_in"] == 2
    assert rec["outreach"]["events"]["rows_in"] == 2
    unmatched = Store(store_dir).unmatched()
    assert unmatched["source_row"].tolist() == ["7"]
    assert unmatched["reason"].tolist() == ["unknown_code"]
    rejected = Store(store_dir).rejected()
    assert sorted(rejected["source_row"].astype(int)) == [8, 10]
    assert (store_dir / "rejected.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_village_numbers_by_hand(built: tuple[Path, object]) -> None:
    cov = Store(built[0]).coverage()
    a_all = [_row(cov, "34.71.01.1001", "ALL", f"2024-0{m}-01") for m in (1, 2, 3)]
    assert [r["active"] for r in a_all] == [2, 1, 1]
    assert [r["coverage_pct"] for r in a_all] == pytest.approx([10.0, 5.0, 5.0])
    assert [r["exits"] for r in a_all] == [0, 1, 0]
    a_pu = _row(cov, "34.71.01.1001", "PU", "2024-01-01")
    assert (a_pu["active"], a_pu["eligible"]) == (2, 15.0)
    assert a_pu["registrations"] == 1
    b_bpu = [_row(cov, "34.71.01.1002", "BPU", f"2024-0{m}-01") for m in (1, 2, 3)]
    assert [r["coverage_pct"] for r in b_bpu] == pytest.approx([0.0, 12.5, 12.5])
    assert np.isnan(_row(cov, "34.71.01.1002", "PU", "2024-02-01")["coverage_pct"])  # 0 eligible
    c_jakon = _row(cov, "34.71.02.1001", "JAKON", "2024-02-01")
    assert c_jakon["active"] == 1
    assert np.isnan(c_jakon["eligible"])
    d_all = _row(cov, "34.71.02.1002", "ALL", "2024-03-01")
    assert (d_all["active"], d_all["eligible"], d_all["coverage_pct"]) == (1, 4.0, 25.0)
    b_mom = _row(cov, "34.71.01.1002", "BPU", "2024-02-01")["change_mom_pp"]
    assert b_mom == pytest.approx(12.5)


def test_rollups_by_hand(built: tuple[Path, object]) -> None:
    cov = Store(built[0]).coverage()
    kab = _row(cov, "34.71", "ALL", "2024-03-01")
    assert (kab["active"], kab["active_covered"], kab["eligible"]) == (4, 3, 32.0)
    assert kab["coverage_pct"] == pytest.approx(9.375)
    assert kab["gap"] == 29.0
    assert (kab["villages"], kab["villages_with_eligible"]) == (4, 3)
    kec = _row(cov, "34.71.01", "ALL", "2024-01-01")
    assert (kec["active"], kec["eligible"]) == (2, 28.0)
    prov = _row(cov, "34", "ALL", "2024-03-01")
    assert prov["registrations"] == 1  # row 9 (PMI, 2024-03-01) is the only one in March
    assert prov["parent_code"] is None or pd.isna(prov["parent_code"])
    assert len(cov) == (1 + 1 + 2 + 4) * 5 * 3


def test_other_files(built: tuple[Path, object]) -> None:
    store = Store(built[0])
    meta = store.meta()
    assert (meta["start_month"], meta["end_month"]) == ("2024-01", "2024-03")
    assert meta["data_until"] == "2024-04-01"
    assert meta["root_codes"] == ["34"]
    weekly = store.registrations_weekly()
    got = sorted(zip(weekly["village_code"], weekly["segment"], weekly["week"], strict=True))
    assert got == [
        ("34.71.01.1001", "PU", pd.Timestamp("2024-01-08")),
        ("34.71.01.1002", "BPU", pd.Timestamp("2024-02-26")),
        ("34.71.02.1002", "PMI", pd.Timestamp("2024-02-26")),
    ]
    assert weekly["registrations"].tolist() == [1, 1, 1]
    quality = store.quality()
    c_missing = quality[(quality["village_code"] == "34.71.02.1001")]
    assert len(c_missing) == 3 * 3  # ALL, PU, BPU for 3 months
    areas = store.areas()
    assert sorted(areas["level"].value_counts().to_dict().items()) == [
        ("desa", 4),
        ("kabupaten", 1),
        ("kecamatan", 2),
        ("provinsi", 1),
    ]
    desa = json.loads(store.geojson_path("desa", "34.71.01").read_text(encoding="utf-8"))
    assert [f["id"] for f in desa["features"]] == ["34.71.01.1001", "34.71.01.1002"]
    province = json.loads(store.geojson_path("provinsi", "all").read_text(encoding="utf-8"))
    assert shapely.geometry.shape(province["features"][0]["geometry"]).area == pytest.approx(
        4e-4, rel=1e-6
    )
    officers = pd.read_parquet(built[0] / "officers.parquet")
    assert officers["village_code"].tolist() == ["34.71.01.1001", "34.71.01.1002"]
    events = pd.read_parquet(built[0] / "events.parquet")
    assert len(events) == 1  # the second has more registrations than attendees


def test_no_personal_data_in_the_store(built: tuple[Path, object]) -> None:
    for path in built[0].rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in (*NIKS, PERSON, "Budi", "00000000001"):
                assert secret.encode() not in data, (secret, path.name)


def test_timings_and_no_staging_left(built: tuple[Path, object]) -> None:
    store_dir, result = built
    timings = result.timings  # type: ignore[attr-defined]
    assert {"registries", "count", "coverage", "geometry", "write"} <= set(timings)
    assert result.count_seconds == timings["count"]  # type: ignore[attr-defined]
    assert not [p for p in store_dir.parent.iterdir() if p.name.startswith(".")]


def test_failed_build_leaves_the_old_store(tmp_path: Path) -> None:
    paths = write_tiny_inputs(tmp_path / "in")
    out = tmp_path / "store"
    build_store(tiny_build_inputs(paths, out), Settings(demo=True))
    before = (out / "meta.json").read_text(encoding="utf-8")
    paths["workforce"].write_text("something,else\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError):
        build_store(tiny_build_inputs(paths, out), Settings(demo=True))
    assert (out / "meta.json").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "store"]


def test_refuses_to_replace_a_folder_that_is_not_a_store(tmp_path: Path) -> None:
    paths = write_tiny_inputs(tmp_path / "in")
    with pytest.raises(InputError, match="not empty"):
        build_store(tiny_build_inputs(paths, tmp_path / "in"), Settings(demo=True))
    assert (tmp_path / "in" / "kepesertaan.csv").is_file()
