"""Adversarial uploads: traversal, absolute paths, links, zip bombs, too many entries,
wrong types, wrong encodings, spreadsheet formulas and ids that went through Excel as
numbers. Each is refused with a readable message and leaves nothing written."""

from __future__ import annotations

import random
import stat
import zipfile
from pathlib import Path

import openpyxl
import pytest

from analytics.errors import InputError
from analytics.io.safe_zip import ZipLimits, safe_extract
from analytics.io.tables import inspect_table, read_columns
from analytics.io.upload_checks import accept_upload, check_content

MB = 1024 * 1024


def _zip(path: Path, entries: dict[str, bytes], *, link: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return path


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize(
    ("entries", "link", "message"),
    [
        ({"../../evil.csv": b"a,b\n"}, None, "leaves the archive"),
        ({"ok.csv": b"a\n", "sub/../../x.csv": b"a\n"}, None, "leaves the archive"),
        ({"/etc/cron.d/evil.csv": b"a\n"}, None, "absolute path"),
        ({"ok.csv": b"a\n"}, "link.csv", "link or special file"),
        ({"run.exe": b"MZ"}, None, "not an expected file type"),
        ({"bomb.csv": b"0" * (5 * MB)}, None, "compressed suspiciously well"),
        ({f"f{i}.csv": b"a\n" for i in range(30)}, None, "entries, more than"),
    ],
)
def test_unsafe_archives_are_refused_and_leave_nothing(
    tmp_path: Path, entries: dict[str, bytes], link: str | None, message: str
) -> None:
    source = _zip(tmp_path / "in.zip", entries, link=link)
    out = tmp_path / "out"
    out.mkdir()
    before = _tree(tmp_path)
    with pytest.raises(InputError, match=message):
        safe_extract(source, out / "x", ZipLimits(max_entries=20))
    assert _tree(tmp_path) == before  # no partial extraction, no temporary folder left
    assert not (tmp_path.parent / "evil.csv").exists()


def test_total_size_limit_counts_the_real_bytes(tmp_path: Path) -> None:
    data = random.Random(7).randbytes(MB)  # 1 MiB that does not compress
    source = _zip(tmp_path / "in.zip", {"a.csv": data, "b.csv": data[::-1]})
    with pytest.raises(InputError, match="uncompressed"):
        safe_extract(source, tmp_path / "x", ZipLimits(max_total_bytes=MB + 10))
    assert not (tmp_path / "x").exists()


def test_a_safe_archive_is_extracted(tmp_path: Path) -> None:
    source = _zip(tmp_path / "in.zip", {"shp/a.shp": b"x" * 10, "shp/a.dbf": b"y"})
    files = safe_extract(source, tmp_path / "x")
    assert sorted(p.name for p in files) == ["a.dbf", "a.shp"]
    assert (tmp_path / "x" / "shp" / "a.shp").read_bytes() == b"x" * 10


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "fake.zip"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n....")
    with pytest.raises(InputError, match="not a readable zip"):
        safe_extract(fake, tmp_path / "x")


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 50
EXE = b"MZ\x90\x00" + b"\x00" * 50


@pytest.mark.parametrize(
    ("name", "data", "kind", "message"),
    [
        ("kepesertaan.csv", EXE, "registry", "not a text file"),
        ("kepesertaan.xlsx", PNG, "registry", "wrong type renamed"),
        ("batas.gpkg", b"not sqlite", "boundaries", "wrong type renamed"),
        ("kepesertaan.exe", EXE, "registry", "must be one of"),
        ("kepesertaan.csv", b"a,b\n" * 400, "registry", "more than the limit"),
        ("desa.geojson", '{"name": "Désa"}'.encode("cp1252"), "boundaries", "UTF-8"),
        ("kepesertaan.csv", b"", "registry", "empty"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_written(
    tmp_path: Path, name: str, data: bytes, kind: str, message: str
) -> None:
    uploads = tmp_path / "uploads"
    with pytest.raises(InputError, match=message):
        accept_upload(name, data, kind, uploads, max_bytes=1000)
    assert not uploads.exists()


def test_same_file_twice_is_kept_once(tmp_path: Path) -> None:
    data = b"KPJ,KODE_DESA\n12345678901,34.71.01.1001\n"
    first = accept_upload("a.csv", data, "registry", tmp_path, max_bytes=MB)
    second = accept_upload("copy of a.csv", data, "registry", tmp_path, max_bytes=MB)
    assert first.new and not second.new and first.path == second.path
    assert first.path.name == f"{first.sha256}.csv"
    assert [p.name for p in (tmp_path / "registry").iterdir()] == [first.path.name]


def test_oversized_request_body_is_refused(app, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("admin")
    big = b"x" * (3 * MB)  # the test app allows a 1 MB file: 1.33 MB of base64 + 1 MB
    response = client.post("/_dash-update-component", data=big, content_type="application/json")
    assert response.status_code == 200  # a message for the page, never the body's content
    assert "lebih besar dari batas 1 MB" in str(response.get_json()["sideUpdate"])
    response = client.post("/keluar", data=big, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413 and response.mimetype == "text/plain"


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_spreadsheet_formulas_are_never_evaluated(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "f.xlsx",
        [["KPJ", "NAMA"], ['=HYPERLINK("http://evil","x")', '=cmd|" /C calc"!A0']],
    )
    assert check_content("f.xlsx", path.read_bytes(), "registry", MB) == ".xlsx"
    table = read_columns(inspect_table(path), {"kpj": "KPJ", "name": "NAMA"}, text_only=["kpj"])
    # openpyxl reads cached values only (data_only=True): a formula never computed by
    # Excel has none, so nothing runs and no formula text comes through as data
    values = [str(v) for v in table.frame.to_numpy().ravel() if v is not None]
    assert not any(v.startswith("=") for v in values)


def test_a_nik_exported_as_a_number_is_refused_not_repaired(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "n.xlsx", [["NIK", "KODE_DESA"], [3471010101900001.0, "34.71.01.1001"]]
    )
    table = read_columns(
        inspect_table(path), {"nik": "NIK", "village": "KODE_DESA"}, text_only=["nik"]
    )
    assert table.frame["nik"].isna().all()  # not "3471010101900000"
    assert table.numeric_cells.get("nik") == 1
