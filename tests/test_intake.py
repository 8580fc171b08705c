"""Registry and workforce intake: outcomes, reasons, reconciliation, pseudonyms, privacy."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from analytics.errors import InputError
from analytics.intake.pseudonym import pseudonymize
from analytics.intake.registries import ingest_registries
from analytics.intake.workforce import ingest_workforce
from analytics.schemas import MembershipSchema, VillageSchema, WorkforceSchema

KEY = b"test-key"
HEADER = (
    "NO_KPJ;NIK;NAMA;ALAMAT;KODE_DESA;DESA;KECAMATAN;KABUPATEN;SEGMEN;TGL_KEPESERTAAN;TGL_NONAKTIF"
)
#: One row per rule; the comment is the expected outcome.
ROWS = [
    "K1;3471014101900001;Budi Santoso;Jl Mawar 1;34.71.01.1001;;;;PU;2023-01-05;",  # code
    "K2;;Ani;Jl Melati 2;3471011002;;;;penerima upah;05/01/2023;",  # code (plain)
    # name, with DIY-style prefixes:
    ";3471010101900002;Citra;Jl Kenanga;;Kalurahan Caturtunggal;Kapanewon Depok;Sleman;"
    "BPU;05-01-2023;",
    "K4;;Dedi;;;Argomulyo;;;BPU;2023-02-01;",  # ambiguous_name
    "K5;;Eka;;;Caturtunggl;Depok;;Bukan Penerima Upah;2023-03-01;2023-06-30",  # name (typo)
    "K6;;Fajar;;34.99.01.1001;;;;BPU;2023-01-05;",  # unknown_code
    "K7;;Gita;;;;;;JAKON;2023-01-05;",  # no_location
    ";;Hadi;;34.71.01.1001;;;;BPU;2023-01-05;",  # no_identity
    "K9;;Indra;;34.71.01.1001;;;;PU;31/02/2023;",  # invalid_registration_date
    "K10;;Joko;;34.71.01.1001;;;;PNS;2023-01-05;",  # unknown_segment
    "K11;;Kiki;;34.71.01.1001;;;;PU;2023-01-05;2022-01-01",  # end_before_registration
    "K1;;Budi Santoso;;34.71.01.1002;;;;PU;2023-01-05;",  # duplicate of row 2
    "K12;;Lina;;34.71.01.1001;;;;PU;;",  # missing_registration_date
    "K13;12345;Mira;;34.71.01.1001;;;;PU;2023-01-05;kemarin",  # invalid_end_date
    "K14;;Nina;;;Wonosari;;;PMI;44927;",  # invalid_registration_date (serial number)
    "K15;;Oki;;;Bener;;Sleman;PU;2023-01-05;",  # unknown_name (Bener is not in Sleman)
]
PERSONAL = ["K1", "K2", "K4", "3471014101900001", "3471010101900002", "Budi Santoso", "Jl Mawar 1"]


def make_villages() -> gpd.GeoDataFrame:
    rows = [
        (
            "34.71.01.1001",
            "Bener",
            "34.71.01",
            "Tegalrejo",
            "34.71",
            "Kota Yogyakarta",
            "kelurahan",
        ),
        (
            "34.71.01.1002",
            "Kricak",
            "34.71.01",
            "Tegalrejo",
            "34.71",
            "Kota Yogyakarta",
            "kelurahan",
        ),
        (
            "34.04.07.2001",
            "Caturtunggal",
            "34.04.07",
            "Depok",
            "34.04",
            "Kabupaten Sleman",
            "kalurahan",
        ),
        (
            "34.04.01.2001",
            "Argomulyo",
            "34.04.01",
            "Cangkringan",
            "34.04",
            "Kabupaten Sleman",
            "kalurahan",
        ),
        (
            "34.02.01.2001",
            "Argomulyo",
            "34.02.01",
            "Sedayu",
            "34.02",
            "Kabupaten Bantul",
            "kalurahan",
        ),
    ]
    columns = ["village_code", "village_name", "kecamatan_code", "kecamatan_name"]
    columns += ["kabupaten_code", "kabupaten_name", "kind"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["province_code"] = "34"
    frame["province_name"] = "Daerah Istimewa Yogyakarta"
    geometry = [box(110 + i * 0.01, -7.8, 110.01 + i * 0.01, -7.79) for i in range(len(rows))]
    return VillageSchema.validate(gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326"))


@pytest.fixture(scope="module")
def villages() -> gpd.GeoDataFrame:
    return make_villages()


def _csv(path: Path, rows: list[str], header: str = HEADER, encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return path


def _outcome(frame: pd.DataFrame) -> list[tuple[int, str]]:
    return sorted(zip(frame["source_row"].astype(int), frame["reason"], strict=True))


def test_every_rule_on_a_hand_checked_file(tmp_path: Path, villages: gpd.GeoDataFrame) -> None:
    result = ingest_registries([_csv(tmp_path / "r.csv", ROWS)], villages, KEY)
    members = result.memberships
    assert list(
        zip(members["source_row"], members["village_code"], members["match_method"], strict=True)
    ) == [
        (2, "34.71.01.1001", "code"),
        (3, "34.71.01.1002", "code"),
        (4, "34.04.07.2001", "name"),
        (6, "34.04.07.2001", "name"),
    ]
    assert members["segment"].tolist() == ["PU", "PU", "BPU", "BPU"]
    assert members["registered_on"].tolist() == [
        pd.Timestamp(d) for d in ["2023-01-05"] * 3 + ["2023-03-01"]
    ]
    assert members["ended_on"].isna().tolist() == [True, True, True, False]
    assert members["source_file"].astype(str).unique().tolist() == ["r.csv"]
    assert members["member_id"].str.fullmatch(r"[0-9a-f]{32}").all()
    MembershipSchema.validate(members)
    assert _outcome(result.unmatched) == [
        (5, "ambiguous_name"),
        (7, "unknown_code"),
        (8, "no_location"),
        (17, "unknown_name"),
    ]
    assert _outcome(result.rejected) == [
        (9, "no_identity"),
        (10, "invalid_registration_date"),
        (11, "unknown_segment"),
        (12, "end_before_registration"),
        (14, "missing_registration_date"),
        (15, "invalid_end_date"),
        (16, "invalid_registration_date"),
    ]
    assert result.duplicates.to_dict("records") == [
        {"source_file": "r.csv", "source_row": 13, "first_file": "r.csv", "first_row": 2}
    ]
    unknown_code = result.unmatched.set_index("source_row").loc[7]
    assert (unknown_code["village_code_raw"], unknown_code["segment"]) == ("34.99.01.1001", "BPU")
    rec = result.reconciliation
    expected_counts = {
        "rows_in": 16,
        "matched": 4,
        "matched_by_code": 2,
        "matched_by_name": 2,
        "unmatched": 4,
        "rejected": 7,
        "duplicates": 1,
    }
    assert {k: rec[k] for k in expected_counts} == expected_counts
    assert rec["reasons"] == {
        "ambiguous_name": 1,
        "end_before_registration": 1,
        "invalid_end_date": 1,
        "invalid_registration_date": 2,
        "missing_registration_date": 1,
        "no_identity": 1,
        "no_location": 1,
        "unknown_code": 1,
        "unknown_name": 1,
        "unknown_segment": 1,
    }
    assert {k: rec["files"]["r.csv"][k] for k in expected_counts} == expected_counts
    # NIK "12345" on row 15 is not 16 digits; the women's day 41 on row 2 is fine.
    assert rec["warnings"] == {"nik_invalid": 1, "numeric_id_cells": 0, "blank_rows": 0}
    # Row 17 names Sleman, so its kabupaten is known although its village is not.
    assert rec["by_kabupaten"] == {
        "34.04": {"matched": 2, "unmatched": 1},
        "34.71": {"matched": 2, "unmatched": 0},
    }
    assert result.data_until == pd.Timestamp("2023-06-30")


def test_identity_is_kpj_else_nik_with_separate_namespaces(
    tmp_path: Path, villages: gpd.GeoDataFrame
) -> None:
    rows = [
        "K1;3471010101900001;;;34.71.01.1001;;;;PU;2023-01-05;",
        ";3471010101900001;;;34.71.01.1001;;;;PU;2023-01-05;",  # NIK identity: not the same as K1
        "3471010101900001;;;;34.71.01.1001;;;;PU;2023-01-05;",  # a KPJ equal to that NIK
        ";3471010101900001;;;34.71.01.1002;;;;PU;2023-01-05;",  # duplicate of row 3
    ]
    result = ingest_registries([_csv(tmp_path / "r.csv", rows)], villages, KEY)
    ids = result.memberships["member_id"].tolist()
    assert ids == [
        pseudonymize(pd.Series(["K1"]), KEY, "kpj").iloc[0],
        pseudonymize(pd.Series(["3471010101900001"]), KEY, "nik").iloc[0],
        pseudonymize(pd.Series(["3471010101900001"]), KEY, "kpj").iloc[0],
    ]
    assert len(set(ids)) == 3
    assert result.duplicates["first_row"].tolist() == [3]


def test_duplicates_across_files_and_an_xlsx_with_real_dates_and_float_nik(
    tmp_path: Path, villages: gpd.GeoDataFrame
) -> None:
    first = _csv(
        tmp_path / "pu.csv",
        [
            "K1;;;;34.71.01.1001;;;;PU;2023-01-05;",
            "K2;;;;34.71.01.1001;;;;PU;2023-01-05;",
        ],
        encoding="cp1252",
    )
    path = tmp_path / "bpu.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["No. KPJ", "NIK", "Nama Peserta", "Kode Desa", "Segmen", "Tgl Kepesertaan"])
    sheet.append(["K1", None, "Budi", "34.71.01.1002", "PU", dt.datetime(2023, 1, 5)])  # dup
    sheet.append(["K1", None, "Budi", "34.71.01.1002", "BPU", dt.datetime(2023, 1, 5)])  # new
    sheet.append([None, 3471010101900003, "Citra", "34.71.01.1002", "BPU", dt.datetime(2023, 2, 1)])
    sheet.append(["K2", None, "Dedi", "34.71.01.1002", "PU", "06/01/2023"])  # other date: new
    workbook.save(path)
    result = ingest_registries([first, path], villages, KEY)
    rec = result.reconciliation
    assert rec["files"]["pu.csv"]["matched"] == 2
    xlsx = rec["files"]["bpu.xlsx"]
    assert {k: xlsx[k] for k in ("rows_in", "matched", "rejected", "duplicates")} == {
        "rows_in": 4,
        "matched": 2,
        "rejected": 1,
        "duplicates": 1,
    }
    # The numeric NIK cell is not repaired: the row has an identifier that is no identity.
    assert xlsx["reasons"] == {"invalid_identity": 1}
    assert xlsx["examples"] == {"invalid_identity": ["NIK (numeric cell)"]}
    assert xlsx["warnings"] == {"nik_invalid": 1, "numeric_id_cells": 1, "blank_rows": 0}
    assert result.duplicates.to_dict("records") == [
        {"source_file": "bpu.xlsx", "source_row": 2, "first_file": "pu.csv", "first_row": 2}
    ]
    xlsx_members = result.memberships.loc[result.memberships["source_file"] == "bpu.xlsx"]
    assert xlsx_members["registered_on"].tolist() == [
        pd.Timestamp("2023-01-05"),
        pd.Timestamp("2023-01-06"),
    ]
    assert rec["rows_in"] == 6
    assert rec["matched"] + rec["unmatched"] + rec["rejected"] + rec["duplicates"] == 6


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("NAMA;KODE_DESA;SEGMEN;TGL_DAFTAR", "membership id"),
        ("KPJ;KODE_DESA;SEGMEN;TANGGAL", "registration date"),
        ("KPJ;KECAMATAN;SEGMEN;TGL_DAFTAR", "location"),
        ("KPJ;DESA;TGL_DAFTAR", "segment"),
    ],
)
def test_unusable_registries_name_file_and_column(
    tmp_path: Path, villages: gpd.GeoDataFrame, header: str, column: str
) -> None:
    path = _csv(tmp_path / "r.csv", ["a;b;c;d"], header=header)
    with pytest.raises(InputError, match="columns found:") as info:
        ingest_registries([path], villages, KEY)
    assert (info.value.file, info.value.column) == ("r.csv", column)


def test_missing_registry_file(tmp_path: Path, villages: gpd.GeoDataFrame) -> None:
    with pytest.raises(InputError, match="does not exist"):
        ingest_registries([tmp_path / "absent.csv"], villages, KEY)


def test_mapping_names_other_headers(tmp_path: Path, villages: gpd.GeoDataFrame) -> None:
    path = _csv(tmp_path / "r.csv", ["K1;3471011001;PU;2023-01-05"], header="ID;WIL;JENIS;MULAI")
    mapping = {"kpj": "ID", "village_code": "WIL", "segment": "JENIS", "TGL_KEPESERTAAN": "MULAI"}
    result = ingest_registries([path], villages, KEY, mapping=mapping)
    assert result.memberships["village_code"].tolist() == ["34.71.01.1001"]


def test_no_personal_data_in_any_output(tmp_path: Path, villages: gpd.GeoDataFrame) -> None:
    result = ingest_registries([_csv(tmp_path / "r.csv", ROWS)], villages, KEY)
    frames = [result.memberships, result.unmatched, result.rejected, result.duplicates]
    cells = {str(v) for f in frames for v in f.astype(object).to_numpy().ravel()}
    text = " ".join(f.to_csv() for f in frames) + json.dumps(result.reconciliation)
    kpjs = {row.split(";")[0] for row in ROWS} - {""}
    niks = {row.split(";")[1] for row in ROWS} - {""}
    names = {row.split(";")[2] for row in ROWS} - {""}
    addresses = {row.split(";")[3] for row in ROWS} - {""}
    assert len(kpjs) == 13 and len(niks) == 3 and len(addresses) == 3
    assert not (kpjs | niks | names | addresses) & cells
    for value in niks | names | addresses:
        if len(value) >= 8:  # long enough to search for as a substring
            assert value not in text
    for frame in frames:
        assert not {"kpj", "nik", "NAMA", "ALAMAT", "person_name", "address"} & set(frame.columns)


def test_progress_is_reported(tmp_path: Path, villages: gpd.GeoDataFrame) -> None:
    calls: list[tuple[str, int, int]] = []
    ingest_registries(
        [_csv(tmp_path / "a.csv", ROWS[:2]), _csv(tmp_path / "b.csv", ROWS[2:4])],
        villages,
        KEY,
        progress=lambda stage, done, total: calls.append((stage, done, total)),
    )
    assert ("read", 0, 2) in calls and ("read", 2, 2) in calls
    assert calls[-1] == ("deduplicate", 1, 1)


_GOOD_ID = st.sampled_from(["K1", "K2", "K3", "3471010101900001;"])
_ROW = st.tuples(
    st.sampled_from(["K1;", "K2;", ";3471010101900001", ";", "K3;12"]),
    st.sampled_from(["34.71.01.1001", "3471011002", "99.99.99.9999", "", "x"]),
    st.sampled_from(["", "Argomulyo", "Caturtunggal", "Kricak", "Nowhere"]),
    st.sampled_from(["", "Depok", "Sedayu"]),
    st.sampled_from(["PU", "bpu", "Jasa Konstruksi", "", "??"]),
    st.sampled_from(["2023-01-05", "05/01/2023", "2023-02-30", "", "01-02-2023"]),
    st.sampled_from(["", "2022-12-31", "2024-01-01", "bad"]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_ROW, min_size=1, max_size=12), min_size=1, max_size=3))
def test_reconciliation_identity_holds_for_any_mix(files: list[list[tuple]]) -> None:
    villages = make_villages()
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number, rows in enumerate(files):
            lines = [
                ";".join([ident, "", "", code, desa, kec, "", seg, reg, end])
                for ident, code, desa, kec, seg, reg, end in rows
            ]
            paths.append(_csv(Path(folder) / f"f{number}.csv", lines))
        result = ingest_registries(paths, villages, KEY)
    rec = result.reconciliation
    outcomes = [
        *zip(
            result.memberships["source_file"].astype(str),
            result.memberships["source_row"],
            strict=True,
        ),
        *zip(result.unmatched["source_file"], result.unmatched["source_row"], strict=True),
        *zip(result.rejected["source_file"], result.rejected["source_row"], strict=True),
        *zip(result.duplicates["source_file"], result.duplicates["source_row"], strict=True),
    ]
    expected = [(f"f{n}.csv", row + 2) for n, rows in enumerate(files) for row in range(len(rows))]
    assert sorted((f, int(r)) for f, r in outcomes) == sorted(expected)  # each row exactly once
    for counts in [rec, *rec["files"].values()]:
        assert counts["rows_in"] == (
            counts["matched"] + counts["unmatched"] + counts["rejected"] + counts["duplicates"]
        )
        assert counts["matched"] == counts["matched_by_code"] + counts["matched_by_name"]
        assert sum(counts["reasons"].values()) == counts["unmatched"] + counts["rejected"]
    assert rec["rows_in"] == sum(len(rows) for rows in files)
    assert len(result.memberships) == rec["matched"]


def test_workforce(tmp_path: Path, villages: gpd.GeoDataFrame) -> None:
    path = tmp_path / "tk.csv"
    path.write_text(
        "KODE_DESA,TAHUN,JUMLAH_PEKERJA,PEKERJA_INFORMAL,SUMBER\n"
        "34.71.01.1001,2024,1.200,700,Sakernas\n"  # accepted, thousands grouped
        "3471011002,2024,900,450,\n"  # accepted, source = file name
        "34.71.01.1001,2024,1000,500,x\n"  # duplicate
        "34.99.01.1001,2024,10,5,\n"  # unknown_code
        "3471,2024,10,5,\n"  # invalid_code
        "34.71.01.1002,1800,10,5,\n"  # invalid_year
        "34.71.01.1002,2023,banyak,5,\n"  # invalid_workers
        "34.71.01.1002,2023,10,,\n"  # invalid_informal_workers
        "34.71.01.1002,2022,10,11,\n"  # informal_exceeds_workers
    )
    result = ingest_workforce(path, villages)
    WorkforceSchema.validate(result.frame)
    assert result.frame.to_dict("records") == [
        {
            "village_code": "34.71.01.1001",
            "year": 2024,
            "workers": 1200,
            "informal_workers": 700,
            "source": "Sakernas",
        },
        {
            "village_code": "34.71.01.1002",
            "year": 2024,
            "workers": 900,
            "informal_workers": 450,
            "source": "tk.csv",
        },
    ]
    assert _outcome(result.rejected) == [
        (4, "duplicate"),
        (5, "unknown_code"),
        (6, "invalid_code"),
        (7, "invalid_year"),
        (8, "invalid_workers"),
        (9, "invalid_informal_workers"),
        (10, "informal_exceeds_workers"),
    ]
    assert result.reconciliation["rows_in"] == 9
    assert result.reconciliation["accepted"] + result.reconciliation["rejected"] == 9


def test_workforce_missing_column(tmp_path: Path, villages: gpd.GeoDataFrame) -> None:
    path = tmp_path / "tk.csv"
    path.write_text("KODE_DESA,TAHUN,JUMLAH_PEKERJA\n34.71.01.1001,2024,10\n")
    with pytest.raises(InputError, match="PEKERJA_INFORMAL") as info:
        ingest_workforce(path, villages)
    assert info.value.file == "tk.csv"


def test_pseudonyms_are_keyed_and_stable() -> None:
    values = pd.Series(["123", None, "123", "456"], dtype="str")
    first = pseudonymize(values, b"a", "kpj")
    assert first.iloc[0] == first.iloc[2] and first.iloc[0] != first.iloc[3]
    assert pd.isna(first.iloc[1])
    assert first.iloc[0] != pseudonymize(values, b"b", "kpj").iloc[0]
    assert first.iloc[0] != pseudonymize(values, b"a", "nik").iloc[0]
    import hashlib
    import hmac

    assert first.iloc[0] == hmac.new(b"a", b"kpj:123", hashlib.sha256).hexdigest()[:32]
    with pytest.raises(ValueError, match="key"):
        pseudonymize(values, b"", "kpj")


def test_duplicate_detection_is_exact_even_if_short_keys_collide(
    tmp_path: Path, villages: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        "K1;;;;34.71.01.1001;;;;PU;2023-01-05;",
        "K2;;;;34.71.01.1001;;;;PU;2023-01-05;",
        "K2;;;;34.71.01.1002;;;;PU;2023-01-05;",  # duplicate of row 3
        "K1;;;;34.71.01.1001;;;;PU;2023-01-06;",
    ]
    path = _csv(tmp_path / "r.csv", rows)
    expected = ingest_registries([path], villages, KEY).duplicates
    # Every pseudonym gets the same high 64-bit key: the low half must still tell them apart.
    from analytics.intake.pseudonym import pseudonym_key_pairs

    def same_high(ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros(len(ids), np.int64), pseudonym_key_pairs(ids)[1]

    monkeypatch.setattr("analytics.intake.registries.pseudonym_key_pairs", same_high)
    result = ingest_registries([path], villages, KEY)
    assert result.duplicates.equals(expected)
    assert result.duplicates[["source_row", "first_row"]].to_numpy().tolist() == [[4, 3]]
    assert result.reconciliation["matched"] == 3
