"""CSV and XLSX registries are read in chunks of rows: the outcome is the same as whole.

Fixtures are hand-computed: a title line above the header, blank lines, a duplicate pair
whose halves fall in different chunks and a rejected row in a later chunk, read three rows
at a time (``CHUNK_ROWS`` = 3).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import python_calamine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import analytics.intake.registries
import analytics.io.tables
from analytics.intake.registries import IntakeResult, ingest_registries
from analytics.io.tables import Table, inspect_table, read_table_chunks
from tests.test_intake import KEY, make_villages

HEADER = ["Nomor Anggota", "NIK", "NAMA", "Kode Desa", "DESA", "SEGMEN", "Tgl Kepesertaan"]
MAPPING = {"kpj": "Nomor Anggota"}  # not a built-in alias: only the mapping names it
#: Data lines from spreadsheet row 3 (the title is row 1, the header row 2).
CSV_ROWS = [
    "K1;;Budi;34.71.01.1001;;PU;2023-01-05",  # 3 matched by code
    "",  # 4 blank line
    "K2;;Sri Wahyuni;;Kricak;BPU;2023-02-01",  # 5 matched by name
    "K3;;Dési;34.71.01.1002;;PU;2023-03-01",  # 6 matched by code   (chunk 2)
    "K1;;Budi;34.71.01.1001;;PU;2023-01-05",  # 7 duplicate of row 3 (chunk 1)
    "K4;;Tono;34.71.01.1001;;PU;31/02/2023",  # 8 invalid_registration_date
    "",  # 9 blank line                                                     (chunk 3)
    ";;Hadi;;Bener;PU;2023-01-05",  # 10 no_identity
    ";;Rina;;;;",  # 11 only a name, which is never read: a blank row
    "K6;;Eka;;Sérang;BPU;2023-04-01",  # 12 unknown_name                      (chunk 4)
    "K2;;Sri;;Kricak;BPU;2023-02-01",  # 13 duplicate of row 5 (chunk 2)
]


@pytest.fixture(scope="module")
def villages() -> gpd.GeoDataFrame:
    return make_villages()


def _write_csv(path: Path, rows: list[str], *, title: bool = True) -> Path:
    lines = (["Daftar Peserta – Kota Yogyakarta"] if title else []) + [";".join(HEADER), *rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def _ingest(
    paths: list[Path], villages: gpd.GeoDataFrame, chunk_rows: int, mp: pytest.MonkeyPatch
) -> IntakeResult:
    mp.setattr("analytics.intake.registries.CHUNK_ROWS", chunk_rows)
    return ingest_registries(paths, villages, KEY, MAPPING)


def _spy_chunks(mp: pytest.MonkeyPatch) -> list[list[int]]:
    """Record the source rows of each chunk table the intake reads."""
    chunks: list[list[int]] = []

    def spy(*args: Any, **kwargs: Any) -> Iterator[Table]:
        for table in read_table_chunks(*args, **kwargs):
            chunks.append(table.source_row.tolist())
            yield table

    mp.setattr("analytics.intake.registries.read_table_chunks", spy)
    return chunks


def assert_same_intake(left: IntakeResult, right: IntakeResult) -> None:
    pd.testing.assert_frame_equal(left.memberships, right.memberships)
    for name in ("unmatched", "rejected", "duplicates"):
        pd.testing.assert_frame_equal(getattr(left, name), getattr(right, name))
    assert left.reconciliation == right.reconciliation
    assert left.data_until == right.data_until


def _outcomes(frame: pd.DataFrame) -> list[tuple[int, str]]:
    return list(zip(frame["source_row"].astype(int), frame["reason"], strict=True))


def test_csv_in_chunks_of_three_rows(
    tmp_path: Path, villages: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write_csv(tmp_path / "r.csv", CSV_ROWS)
    source = inspect_table(path, lambda headers: "Nomor Anggota" in headers)
    assert (source.header_row, source.delimiter) == (2, ";")
    assert source.encoding in {"cp1252", "latin_1", "iso8859_15"}
    whole = _ingest([path], villages, 10**9, monkeypatch)
    chunks = _spy_chunks(monkeypatch)
    chunked = _ingest([path], villages, 3, monkeypatch)
    # Three lines per chunk, blank ones included; blank rows leave no row behind.
    assert chunks == [[3, 5], [6, 7, 8], [10], [12, 13]]
    assert_same_intake(chunked, whole)
    members = chunked.memberships
    assert members["source_row"].tolist() == [3, 5, 6]
    assert members["match_method"].astype(str).tolist() == ["code", "name", "code"]
    assert members["village_code"].astype(str).tolist() == [
        "34.71.01.1001",
        "34.71.01.1002",
        "34.71.01.1002",
    ]
    assert _outcomes(chunked.rejected) == [(8, "invalid_registration_date"), (10, "no_identity")]
    assert _outcomes(chunked.unmatched) == [(12, "unknown_name")]
    assert chunked.unmatched["desa"].tolist() == ["Sérang"]  # decoded as cp1252
    pairs = chunked.duplicates[["source_row", "first_row"]].to_numpy().tolist()
    assert pairs == [[7, 3], [13, 5]]
    rec = chunked.reconciliation
    counts = {k: rec[k] for k in ("rows_in", "matched", "unmatched", "rejected", "duplicates")}
    assert counts == {"rows_in": 8, "matched": 3, "unmatched": 1, "rejected": 2, "duplicates": 2}
    assert (rec["matched_by_code"], rec["matched_by_name"]) == (2, 1)
    assert rec["warnings"] == {"nik_invalid": 0, "numeric_id_cells": 0, "blank_rows": 3}


def test_xlsx_in_chunks_of_three_rows(
    tmp_path: Path, villages: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Daftar Peserta – Kota Yogyakarta"])
    sheet.append(HEADER)
    rows: list[list[object]] = [
        ["K1", None, "Budi", "34.71.01.1001", None, "PU", dt.datetime(2023, 1, 5)],  # 3 code
        [],  # 4 blank
        ["K2", None, "Sri", None, "Kricak", "BPU", "2023-02-01"],  # 5 name
        # 6 code; the NIK stored as a number has lost digits: refused, counted
        ["K3", 3471010101900001, "Dési", "34.71.01.1002", None, "PU", dt.date(2023, 3, 1)],
        ["K1", None, "Budi", "34.71.01.1001", None, "PU", "05/01/2023"],  # 7 dup of row 3
        [12345, None, "Tono", "34.71.01.1001", None, "PU", "2023-01-05"],  # 8 refused KPJ
        [],  # 9 blank
        ["K4", None, "Hadi", "34.71.01.1001", None, "PU", "31/02/2023"],  # 10 invalid date
        [None, None, "Rina"],  # 11 only a name: blank
        ["K6", None, "Eka", None, "Sérang", "BPU", "2023-04-01"],  # 12 unknown_name
        ["K2", None, "Sri", None, "Kricak", "BPU", dt.datetime(2023, 2, 1)],  # 13 dup of row 5
    ]
    for row in rows:
        sheet.append(row)
    path = tmp_path / "r.xlsx"
    book.save(path)
    whole = _ingest([path], villages, 10**9, monkeypatch)
    chunks = _spy_chunks(monkeypatch)
    chunked = _ingest([path], villages, 3, monkeypatch)
    assert chunks == [[3, 5], [6, 7, 8], [10], [12, 13]]
    assert_same_intake(chunked, whole)
    assert chunked.memberships["source_row"].tolist() == [3, 5, 6]
    # Row 8's only identifier is a numeric cell: there, but not an identity.
    assert _outcomes(chunked.rejected) == [
        (8, "invalid_identity"),
        (10, "invalid_registration_date"),
    ]
    assert chunked.rejected["offending_value"].tolist() == ["KPJ (numeric cell)", "31/02/2023"]
    assert _outcomes(chunked.unmatched) == [(12, "unknown_name")]
    pairs = chunked.duplicates[["source_row", "first_row"]].to_numpy().tolist()
    assert pairs == [[7, 3], [13, 5]]
    rec = chunked.reconciliation
    counts = {k: rec[k] for k in ("rows_in", "matched", "unmatched", "rejected", "duplicates")}
    assert counts == {"rows_in": 8, "matched": 3, "unmatched": 1, "rejected": 2, "duplicates": 2}
    # The refused cells of each chunk add up: the NIK of row 6 and the KPJ of row 8.
    assert rec["warnings"] == {"nik_invalid": 1, "numeric_id_cells": 2, "blank_rows": 3}


def test_abandoned_xlsx_chunks_close_the_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = openpyxl.Workbook()
    for row in [["KPJ", "DESA"], *[[f"K{i}", "Bener"] for i in range(5)]]:
        book.active.append(row)
    path = tmp_path / "r.xlsx"
    book.save(path)
    opened: list[Any] = []
    real_open = analytics.io.tables.open_workbook

    def tracked(*args: Any, **kwargs: Any) -> Any:
        opened.append(real_open(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(analytics.io.tables, "open_workbook", tracked)
    chunks = read_table_chunks(path, lambda s: {"kpj": "KPJ"}, chunk_rows=2)
    assert next(chunks).source_row.tolist() == [2, 3]
    chunks.close()  # abandoned after one chunk
    assert len(opened) == 1  # opened once for the header and the rows
    # calamine's workbook is closed: asking it for a sheet again fails.
    with pytest.raises(python_calamine.WorkbookClosed):
        opened[0]._book.get_sheet_by_name("Sheet")


def test_a_csv_that_breaks_in_a_later_chunk_names_the_file(
    tmp_path: Path, villages: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [*CSV_ROWS[:6], 'K9;;"X;34.71.01.1001;;PU;2023-01-05']  # a quote left open
    path = _write_csv(tmp_path / "broken.csv", rows)
    with pytest.raises(
        analytics.intake.registries.InputError, match="cannot read the data"
    ) as info:
        _ingest([path], villages, 3, monkeypatch)
    assert info.value.file == "broken.csv"


_IDS = st.sampled_from(["K1", "K2", "K3", "", "3471014101900001"])
_LOCATIONS = st.sampled_from(
    [
        ("34.71.01.1001", ""),
        ("3471011002", ""),
        ("", "Kricak"),
        ("", "Argomulyo"),  # ambiguous
        ("", ""),
        ("34.99.01.1001", ""),
        ("", "Sérang"),
    ]
)
_SEGMENTS = st.sampled_from(["PU", "BPU", "Penerima Upah", "PNS", ""])
_DATES = st.sampled_from(["2023-01-05", "05/01/2023", "2023-02-01", "31/02/2023", ""])
_ROW = st.one_of(
    st.just(""),  # a blank line
    st.tuples(_IDS, _LOCATIONS, _SEGMENTS, _DATES).map(
        lambda r: f"{r[0]};;Nama;{r[1][0]};{r[1][1]};{r[2]};{r[3]}"
    ),
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    files=st.lists(st.lists(_ROW, min_size=0, max_size=10), min_size=1, max_size=2),
    chunk_rows=st.integers(1, 7),
    title=st.booleans(),
)
def test_any_chunk_size_gives_the_whole_file_outcome(
    villages: gpd.GeoDataFrame, files: list[list[str]], chunk_rows: int, title: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as mp:
        paths = [
            _write_csv(Path(folder) / f"r{n}.csv", rows, title=title)
            for n, rows in enumerate(files)
        ]
        whole = _ingest(paths, villages, 10**9, mp)
        chunked = _ingest(paths, villages, chunk_rows, mp)
    assert_same_intake(chunked, whole)
    rec = chunked.reconciliation
    parts = rec["matched"] + rec["unmatched"] + rec["rejected"] + rec["duplicates"]
    assert rec["rows_in"] == parts == sum(1 for rows in files for r in rows if r)
