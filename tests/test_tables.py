"""Reading CSV/XLSX/Parquet exports: detection, header aliases, mapping files, cell rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analytics.errors import InputError
from analytics.io.headers import REGISTRY_ALIASES, header_key, load_mapping, resolve_columns
from analytics.io.tables import detect_delimiter, detect_encoding, inspect_table, read_columns

ROWS = [["K1", "Désa Sérang", "05/01/2023"], ["K2", "Ngampilan", "2023-02-01"]]


def _write_csv(path: Path, delimiter: str, encoding: str) -> Path:
    lines = [delimiter.join(["NO KPJ", "Desa", "tgl.kepesertaan"])]
    lines += [delimiter.join(row) for row in ROWS]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_encoding_and_delimiter_are_detected(
    tmp_path: Path, delimiter: str, encoding: str
) -> None:
    path = _write_csv(tmp_path / "r.csv", delimiter, encoding)
    source = inspect_table(path)
    assert source.delimiter == delimiter
    assert source.headers == ("NO KPJ", "Desa", "tgl.kepesertaan")  # no BOM left in the header
    columns = resolve_columns(source.headers, REGISTRY_ALIASES, file="r.csv")
    assert columns == {"kpj": "NO KPJ", "desa": "Desa", "registered_on": "tgl.kepesertaan"}
    table = read_columns(source, columns, text_only=("kpj",), categorical=("desa",))
    assert table.frame["desa"].astype(str).tolist() == ["Désa Sérang", "Ngampilan"]
    assert table.frame["registered_on"].tolist() == ["05/01/2023", "2023-02-01"]
    assert table.source_row.tolist() == [2, 3]


def test_detect_encoding_is_deterministic() -> None:
    assert detect_encoding(b"a,b\n") == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbfa,b\n") == "utf-8-sig"
    assert detect_encoding("Désa,Sérang\n".encode("cp1252")) in {"cp1252", "latin_1"}
    # 0x81 is undefined in cp1252: only Latin-1 can decode it.
    assert detect_encoding(b"a\x81b,c\xe9\n" * 3) == "latin-1"


def test_detect_delimiter_falls_back_to_the_header_count_then_comma() -> None:
    assert detect_delimiter("a;b;c") == ";"
    assert detect_delimiter("single") == ","


def test_codes_and_ids_stay_text_in_csv(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("NIK,KODE_DESA\n0034710101900001,3471011001\n")
    source = inspect_table(path)
    table = read_columns(source, {"nik": "NIK", "village_code": "KODE_DESA"})
    assert table.frame.iloc[0].tolist() == ["0034710101900001", "3471011001"]


def test_blank_rows_keep_row_numbers_and_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("KPJ,DESA,NAMA\nK1,A,x\n\nK3,,y\n,,z\n")
    source = inspect_table(path)
    table = read_columns(source, {"kpj": "KPJ", "desa": "DESA"})
    assert table.source_row.tolist() == [2, 4]
    assert table.blank_rows == 2  # the empty line and the row with only a name


def test_header_key_ignores_case_spaces_underscores_dots() -> None:
    assert header_key("No. KPJ") == header_key("no_kpj") == header_key("NOKPJ") == "NOKPJ"
    assert header_key("\ufeffKODE-DESA") == "KODEDESA"


def test_resolve_columns_with_aliases_and_mapping() -> None:
    headers = [
        "Nomor Peserta",
        "Kode Wilayah",
        "Kapanewon",
        "Kab/Kota",
        "Nama Peserta",
        "Tgl Daftar",
    ]
    found = resolve_columns(headers, REGISTRY_ALIASES, {"kpj": "nomor peserta"}, file="f")
    assert found == {
        "kpj": "Nomor Peserta",
        "village_code": "Kode Wilayah",
        "kecamatan": "Kapanewon",
        "kabupaten": "Kab/Kota",
        "person_name": "Nama Peserta",
        "registered_on": "Tgl Daftar",
    }
    # A mapping key can be an alias too; a header not in this file falls back to aliases.
    found = resolve_columns(["KPJ", "X"], REGISTRY_ALIASES, {"NO_KPJ": "absent"}, file="f")
    assert found == {"kpj": "KPJ"}


def test_resolve_columns_refuses_unknown_mapping_fields() -> None:
    with pytest.raises(InputError, match="unknown field 'gaji'") as info:
        resolve_columns(["A"], REGISTRY_ALIASES, {"gaji": "A"}, file="f.csv")
    assert info.value.file == "f.csv"


def test_load_mapping_yaml_and_toml(tmp_path: Path) -> None:
    yaml_file = tmp_path / "m.yaml"
    yaml_file.write_text("registry:\n  kpj: Nomor Peserta\nworkforce:\n  workers: Jml\n")
    toml_file = tmp_path / "m.toml"
    toml_file.write_text('[registry]\nkpj = "Nomor Peserta"\n[workforce]\nworkers = "Jml"\n')
    expected = {"registry": {"kpj": "Nomor Peserta"}, "workforce": {"workers": "Jml"}}
    assert load_mapping(yaml_file) == expected
    assert load_mapping(toml_file) == expected
    assert load_mapping(None) == {}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("registry: [a, b]\n", "sections"),
        ("registry:\n  kpj: 5\n", "must be text"),
        (": :\n", "parse"),
    ],
)
def test_load_mapping_errors_name_the_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        load_mapping(path)


def test_xlsx_real_dates_numbers_and_numeric_ids(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["NO_KPJ", "NIK", "KODE_DESA", "TGL_KEPESERTAAN", "JUMLAH"])
    sheet.append(["K1", 3471010101900001, "34.71.01.1001", dt.datetime(2023, 1, 5), 12.0])
    sheet.append([12345, "3471010101900002", 3471011001, "05/01/2023", 7])
    sheet.append([None, None, None, None, None])
    sheet.append(["K4", None, "3471011002", 44927, "=1+1"])
    workbook.save(path)
    source = inspect_table(path)
    columns = {
        "kpj": "NO_KPJ",
        "nik": "NIK",
        "village_code": "KODE_DESA",
        "registered_on": "TGL_KEPESERTAAN",
        "workers": "JUMLAH",
    }
    table = read_columns(source, columns, text_only=("kpj", "nik", "village_code"))
    frame = table.frame
    assert table.source_row.tolist() == [2, 3, 5]
    assert table.blank_rows == 1
    assert frame["kpj"].fillna("-").tolist() == ["K1", "-", "K4"]  # the numeric KPJ is refused
    assert frame["nik"].fillna("-").tolist() == ["-", "3471010101900002", "-"]
    assert frame["village_code"].fillna("-").tolist() == ["34.71.01.1001", "-", "3471011002"]
    assert frame["registered_on"].tolist() == ["2023-01-05", "05/01/2023", "44927"]
    # Formulas are not evaluated: without a cached value the cell is empty.
    assert frame["workers"].fillna("-").tolist() == ["12", "7", "-"]
    assert table.numeric_cells == {"kpj": 1, "nik": 1, "village_code": 1}


def test_xlsx_picks_the_sheet_with_recognised_headers(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["Catatan"])
    data = workbook.create_sheet("data")
    data.append([])
    data.append(["KPJ", "DESA"])
    data.append(["K1", "Bener"])
    workbook.save(path)
    source = inspect_table(path, recognise=lambda h: "KPJ" in h)
    assert (source.sheet, source.header_row) == ("data", 2)
    table = read_columns(source, {"kpj": "KPJ", "desa": "DESA"})
    assert table.source_row.tolist() == [3]


def test_parquet_types(tmp_path: Path) -> None:
    path = tmp_path / "r.parquet"
    table = pa.table(
        {
            "NIK": pa.array([3471010101900001, None], pa.int64()),
            "KPJ": pa.array([1.5e10, 2.0], pa.float64()),
            "DESA": pa.array(["Bener", " Bener "]),
            "TGL": pa.array([dt.date(2023, 1, 5), None], pa.date32()),
            "TGL2": pa.array([dt.datetime(2023, 1, 5, 10, 0), None], pa.timestamp("us")),
        }
    )
    pq.write_table(table, path)
    source = inspect_table(path)
    columns = {
        "nik": "NIK",
        "kpj": "KPJ",
        "desa": "DESA",
        "registered_on": "TGL",
        "ended_on": "TGL2",
    }
    read = read_columns(source, columns, text_only=("nik", "kpj"), categorical=("desa",))
    frame = read.frame
    assert frame["nik"].fillna("-").tolist() == ["3471010101900001", "-"]
    assert frame["kpj"].isna().all()
    assert read.numeric_cells == {"kpj": 2}
    assert isinstance(frame["desa"].dtype, pd.CategoricalDtype)
    assert frame["registered_on"].iloc[0] == pd.Timestamp("2023-01-05")
    assert frame["ended_on"].iloc[0] == pd.Timestamp("2023-01-05")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("r.ods", b"x", "unsupported file type"),
        ("r.csv", b"", "empty"),
        ("r.xlsx", b"not a zip", "cannot read the file as XLSX"),
        ("r.parquet", b"nope", "cannot read the file as PARQUET"),
    ],
)
def test_unusable_files_raise_input_errors(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        inspect_table(path)
    assert info.value.file == name


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        inspect_table(tmp_path / "absent.csv")


def _with_cached_formula(path: Path) -> Path:
    """A workbook whose B2 holds the formula ``1+1`` with the cached value 5 (as if the
    sheet was saved after the inputs changed): a reader that evaluated it would say 2."""
    import zipfile

    workbook = openpyxl.Workbook()
    workbook.active.append(["KPJ", "JUMLAH"])
    workbook.active.append(["K1", "=1+1"])
    plain = path.with_suffix(".plain.xlsx")
    workbook.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index('<c r="B2"')
                end = text.index("</c>", start) + len("</c>")
                text = text[:start] + '<c r="B2"><f>1+1</f><v>5</v></c>' + text[end:]
                data = text.encode()
            dst.writestr(item, data)
    return path


def test_xlsx_formulas_give_their_cached_value_never_evaluated(tmp_path: Path) -> None:
    path = _with_cached_formula(tmp_path / "f.xlsx")
    table = read_columns(inspect_table(path), {"kpj": "KPJ", "workers": "JUMLAH"})
    assert table.frame["workers"].tolist() == ["5"]


def test_placeholders_are_empty_in_every_format(tmp_path: Path) -> None:
    csv_path = tmp_path / "r.csv"
    csv_path.write_text("KPJ;TGL\nK1;-\nK2;N/A\n-;#N/A\nK4;2024-01-05\n", encoding="utf-8")
    book = openpyxl.Workbook()
    for row in [["KPJ", "TGL"], ["K1", "-"], ["K2", " n/a "], ["-", "#N/A"], ["K4", "2024-01-05"]]:
        book.active.append(row)
    book.save(tmp_path / "r.xlsx")
    pq.write_table(
        pa.table({"KPJ": ["K1", "K2", "-", "K4"], "TGL": ["-", "NULL", "#N/A", "2024-01-05"]}),
        tmp_path / "r.parquet",
    )
    for name in ("r.csv", "r.xlsx", "r.parquet"):
        table = read_columns(
            inspect_table(tmp_path / name),
            {"kpj": "KPJ", "ended_on": "TGL"},
            categorical=["ended_on"],
        )
        # The third row holds only placeholders: a blank row, counted as such.
        assert table.source_row.tolist() == [2, 3, 5], name
        assert table.blank_rows == 1, name
        assert table.frame["ended_on"].astype(object).where(
            table.frame["ended_on"].notna(), None
        ).tolist() == [None, None, "2024-01-05"], name


def test_placeholders_in_the_mapping_file(tmp_path: Path) -> None:
    from analytics.io.headers import load_placeholders
    from analytics.io.values import PLACEHOLDERS

    assert load_placeholders(None) == PLACEHOLDERS
    changed = tmp_path / "m.yaml"
    changed.write_text(
        "placeholders:\n  add: [' Tidak Ada ']\n  remove: [NA]\nregistry:\n  kpj: X\n"
    )
    assert load_placeholders(changed) == (PLACEHOLDERS | {"tidak ada"}) - {"na"}
    assert load_mapping(changed) == {"registry": {"kpj": "X"}}  # not a header section
    replaced = tmp_path / "m.toml"
    replaced.write_text('placeholders = ["-", "?"]\n[registry]\nkpj = "X"\n')
    assert load_placeholders(replaced) == {"", "-", "?"}
    assert load_mapping(replaced) == {"registry": {"kpj": "X"}}
    wrong = tmp_path / "w.yaml"
    wrong.write_text("placeholders:\n  also: ['-']\n")
    with pytest.raises(InputError, match="placeholders must be a list"):
        load_placeholders(wrong)
    wrong.write_text("placeholders: [1, 2]\n")
    with pytest.raises(InputError, match="list of texts"):
        load_placeholders(wrong)
