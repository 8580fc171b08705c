"""Roster and event-log intake: every row accounted for, with a reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analytics.errors import InputError
from analytics.intake.outreach_rosters import ingest_events, ingest_roster

VILLAGES = pd.DataFrame({"village_code": ["99.01.01.2001", "99.01.01.2002", "99.01.02.2001"]})


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_roster_reconciliation(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bhabin.csv",
        "NRP;NAMA;PANGKAT;POLSEK;POLRES;KODE_DESA;NO_HP_KANTOR\n"
        "80010001;Budi Santoso;Bripka;Polsek Satu;Polres Contoh;9901012001;0274-511\n"  # 2
        "8001 0001;Budi Santoso;Bripka;Polsek Satu;Polres Contoh;99.01.01.2002;0274-511\n"  # 3
        "80010001;Budi Santoso;Bripka;Polsek Satu;Polres Contoh;99 01 01 2001;0274-511\n"  # 4 dup
        "1234;Siti;Briptu;Polsek Satu;Polres Contoh;9901012001;\n"  # 5 invalid NRP
        "80010002;;Briptu;Polsek Satu;Polres Contoh;9901012001;\n"  # 6 no name
        "80010003;Joko;Aiptu;;Polres Contoh;9901022001;\n"  # 7 no polsek
        "80010004;Rina;Aiptu;Polsek Dua;Polres Contoh;99.01.02;\n"  # 8 bad code
        "80010005;Wati;Aiptu;Polsek Dua;Polres Contoh;9901029999;\n"  # 9 unknown village
        ";;;;;;\n"  # blank
        "80010006;Andi;;Polsek Dua;Polres Contoh;9901022001;0274-522\n",  # 11
    )
    result = ingest_roster(path, VILLAGES)
    rec = result.reconciliation
    assert (rec["rows_in"], rec["accepted"], rec["rejected"], rec["duplicates"]) == (9, 3, 5, 1)
    assert rec["rows_in"] == rec["accepted"] + rec["rejected"] + rec["duplicates"]
    assert rec["reasons"] == {
        "invalid_nrp": 1,
        "missing_name": 1,
        "missing_polsek": 1,
        "invalid_village_code": 1,
        "unknown_village": 1,
    }
    assert rec["blank_rows"] == 1
    rej = result.rejected.set_index("source_row")
    assert rej.loc[4, "reason"] == "duplicate" and rej.loc[4, "first_row"] == 2
    assert rej.loc[9, ["reason", "village_code_raw"]].tolist() == ["unknown_village", "9901029999"]
    assert "name" not in result.rejected.columns  # no officer names in reports
    frame = result.frame
    assert frame[["nrp", "village_code"]].to_numpy().tolist() == [
        ["80010001", "99.01.01.2001"],
        ["80010001", "99.01.01.2002"],
        ["80010006", "99.01.02.2001"],
    ]
    assert frame["phone"].tolist() == ["0274-511", "0274-511", "0274-522"]
    assert frame["rank"].isna().tolist() == [False, False, True]


def test_events_reconciliation_and_unknown_officer(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "kegiatan.csv",
        "TANGGAL,KODE_DESA,NRP,JUMLAH_PESERTA,PENDAFTARAN\n"
        "15/03/2025,9901012001,80010001,40,12\n"  # 2 ok
        "15/03/2025,99.01.01.2001,80010001,40,12\n"  # 3 duplicate of 2
        ",9901012001,80010001,40,12\n"  # 4 missing date
        "31/02/2025,9901012001,80010001,40,12\n"  # 5 invalid date
        "2025-04-01,9901012002,80019999,30,5\n"  # 6 ok, unknown officer (kept)
        "2025-04-02,9901012002,80010001,10,11\n"  # 7 registrations > attendees
        "2025-04-03,9901012002,80010001,banyak,1\n"  # 8 invalid attendees
        "2025-04-04,9901019999,80010001,10,1\n"  # 9 unknown village
        "2025-04-05,9901012002,80010001,1.000,0\n",  # 10 ok, thousands separator
    )
    officers = pd.DataFrame({"nrp": ["80010001"]})
    result = ingest_events(path, VILLAGES, officers=officers)
    rec = result.reconciliation
    assert (rec["rows_in"], rec["accepted"], rec["rejected"], rec["duplicates"]) == (9, 3, 5, 1)
    assert rec["reasons"] == {
        "missing_date": 1,
        "invalid_date": 1,
        "registrations_exceed_attendees": 1,
        "invalid_attendees": 1,
        "unknown_village": 1,
    }
    assert rec["warnings"] == {"unknown_officer": 1}
    assert rec["registrations"] == 17
    frame = result.frame
    assert (
        frame["event_date"].tolist()
        == pd.to_datetime(["2025-03-15", "2025-04-01", "2025-04-05"]).tolist()
    )
    assert frame["attendees"].tolist() == [40, 30, 1000]
    assert result.rejected.set_index("source_row").loc[5, "event_date_raw"] == "31/02/2025"


def test_events_from_xlsx_with_aliases_and_real_dates(tmp_path: Path) -> None:
    path = tmp_path / "kegiatan.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Tgl Kegiatan", "Kode Kelurahan", "No. NRP", "Jml Peserta", "Jumlah Pendaftaran"])
    sheet.append([dt.datetime(2025, 5, 6), "99.01.02.2001", 80010006, 25, 4])
    sheet.append([dt.datetime(2025, 5, 7), 9901022001, 80010006, 25, 4])  # numeric code refused
    book.save(path)
    result = ingest_events(path, VILLAGES)
    assert result.frame["nrp"].tolist() == ["80010006"]
    assert result.frame["event_date"].iloc[0] == pd.Timestamp("2025-05-06")
    assert result.reconciliation["reasons"] == {"invalid_village_code": 1}


def test_missing_column_is_a_clear_error(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "kegiatan.csv", "TANGGAL,KODE_DESA,NRP\n01/01/2025,9901012001,80010001\n"
    )
    with pytest.raises(InputError, match=r"kegiatan\.csv.*attendees"):
        ingest_events(path, VILLAGES)


def test_mapping_names_an_unusual_header(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "roster.csv",
        "ID Polisi,NAMA,POLSEK,POLRES,KODE_DESA\n"
        "80010001,Budi,Polsek Satu,Polres Contoh,9901012001\n",
    )
    result = ingest_roster(path, VILLAGES, {"nrp": "ID Polisi"})
    assert result.frame["nrp"].tolist() == ["80010001"]


def test_placeholders_are_empty_in_the_roster(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bhabin.csv",
        "NRP;NAMA;POLSEK;POLRES;KODE_DESA\n"
        "80010001;Budi;Polsek Satu;Polres Contoh;9901012001\n"  # 2 accepted
        "80010002;-;Polsek Satu;Polres Contoh;9901012002\n"  # 3 missing_name
        "80010003;Siti;N/A;Polres Contoh;9901012002\n"  # 4 missing_polsek
        "-;-;-;-;-\n",  # 5 placeholders only: a blank row
    )
    rec = ingest_roster(path, VILLAGES).reconciliation
    assert (rec["rows_in"], rec["accepted"], rec["rejected"], rec["blank_rows"]) == (3, 1, 2, 1)
    assert rec["reasons"] == {"missing_name": 1, "missing_polsek": 1}
    # A mapping file may say "-" is a real value: then row 5 is a row (and rejected).
    mine = ingest_roster(path, VILLAGES, placeholders={"", "n/a"}).reconciliation
    assert (mine["rows_in"], mine["accepted"], mine["blank_rows"]) == (4, 2, 0)
