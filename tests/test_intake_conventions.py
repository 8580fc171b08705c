"""Files written in other people's conventions give the counts a person would expect.

Each fixture is tiny and hand-computed, built through ``cakupan build`` (typer's CliRunner)
on the four villages of ``test_pipeline.write_tiny_inputs``: A 34.71.01.1001 and B
34.71.01.1002 in kecamatan Satu, C 34.71.02.1001 and D 34.71.02.1002 in Dua. Plus the
property that people sharing a mangled NIK never become duplicates, and the loud
warning (``file_losses``, ``--strict``) for a file that loses more than 5 % of its rows.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_pipeline import write_tiny_inputs
from typer.testing import CliRunner

from analytics.intake.loss import FileLoss, file_losses
from analytics.intake.registries import ingest_registries
from analytics.store.reader import Store
from cli.main import EXIT_LOSS, app
from tests.test_intake import KEY, make_villages

COUNTS = ("rows_in", "matched", "unmatched", "rejected", "duplicates")
HEADER = "NO_KPJ,NIK,NAMA,KODE_DESA,SEGMEN,TGL_KEPESERTAAN,TGL_NONAKTIF"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_tiny_inputs(tmp_path_factory.mktemp("tiny"))


def _build(
    tiny: dict[str, Path], registry: Path, out: Path, *extra: str
) -> tuple[Any, dict[str, Any]]:
    args = ["build", "--boundaries", str(tiny["boundaries"]), "--registry", str(registry)]
    args += ["--workforce", str(tiny["workforce"]), "--out", str(out), *extra]
    result = CliRunner().invoke(app, [*args, "--start", "2024-01", "--end", "2024-03"])
    rec = Store(out).reconciliation() if (out / "reconciliation.json").is_file() else {}
    return result, rec


def _counts(rec: dict[str, Any]) -> dict[str, int]:
    return {k: rec[k] for k in COUNTS}


def _rows(path: Path) -> list[tuple[int, str, str]]:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return list(
        zip(
            frame["source_row"].astype(int),
            frame["reason"],
            frame["offending_value"],
            strict=True,
        )
    )


def _active(out: Path) -> list[int]:
    cov = Store(out).coverage()
    kab = cov[(cov["level"] == "kabupaten") & (cov["segment"] == "ALL")]
    return kab.sort_values("month")["active"].tolist()


def test_dash_and_other_placeholder_end_dates_are_active_members(
    tiny: dict[str, Path], tmp_path: Path
) -> None:
    registry = tmp_path / "cabang.csv"
    registry.write_text(
        "\n".join(
            [
                HEADER,
                "00000000001,,A,3471011001,PU,2024-01-10,-",  # 2 active
                "00000000002,,B,3471011001,PU,2024-01-10,–",  # 3 active (en dash)
                "00000000003,,C,3471011002,BPU,2024-01-10,N/A",  # 4 active
                "00000000004,,D,3471011002,BPU,2024-01-10,#N/A",  # 5 active
                "00000000005,,E,3471021001,PU,2024-01-10,0000-00-00",  # 6 active
                "00000000006,,F,3471021001,PU,2024-01-10,00/00/0000",  # 7 active
                "00000000007,,G,3471021002,PU,2024-01-10, null ",  # 8 active
                "00000000008,,H,3471021002,PU,2024-01-10,2024-02-15",  # 9 ended in Feb
                "00000000009,,I,3471021002,PU,2024-01-10,2023-02-31",  # 10 invalid_end_date
                "00000000010,,J,3471021002,PU,-,",  # 11 missing_registration_date
                "00000000011,,K,-,PU,2024-01-10,",  # 12 no location: unmatched
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "store"
    result, rec = _build(tiny, registry, out)
    assert result.exit_code == 0, result.output
    assert _counts(rec) == {
        "rows_in": 11,
        "matched": 8,
        "unmatched": 1,
        "rejected": 2,
        "duplicates": 0,
    }
    assert rec["reasons"] == {
        "invalid_end_date": 1,
        "missing_registration_date": 1,
        "no_location": 1,
    }
    # A real impossible date is still refused, and the row report says which.
    assert _rows(out / "rejected.csv") == [
        (10, "invalid_end_date", "2023-02-31"),
        (11, "missing_registration_date", ""),
    ]
    assert _rows(out / "unmatched.csv") == [(12, "no_location", "")]
    assert _active(out) == [8, 7, 7]  # H ends in February
    # 3 of 11 rows lost (27 %): the summary says so loudly, with the example.
    assert "warning: cabang.csv loses 27.3% of its rows" in result.output
    assert "'2023-02-31'" in result.output


def test_a_workbook_with_title_rows_above_the_header(tiny: dict[str, Path], tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["LAPORAN KEPESERTAAN BPU"])  # 1
    sheet.append(["Cabang Yogyakarta, per 31/03/2024"])  # 2
    sheet.append([])  # 3
    sheet.append(HEADER.split(","))  # 4
    sheet.append(["00000000021", None, "A", "34.71.01.1001", "BPU", dt.datetime(2024, 1, 5), "-"])
    sheet.append(["00000000022", None, "B", "34.71.01.1002", "BPU", dt.date(2024, 2, 5), None])
    sheet.append([])  # 7: blank
    sheet.append(["00000000023", None, "C", "34.71.02.1001", "BPU", "05/03/2024", None])
    sheet.append(["00000000024", None, "D", "34.71.02.1002", "BPU", "2024-01-05", "2024-02-29"])
    path = tmp_path / "bpu.xlsx"
    book.save(path)
    out = tmp_path / "store"
    result, rec = _build(tiny, path, out)
    assert result.exit_code == 0, result.output
    assert _counts(rec) == {
        "rows_in": 4,
        "matched": 4,
        "unmatched": 0,
        "rejected": 0,
        "duplicates": 0,
    }
    assert rec["warnings"]["blank_rows"] == 1
    assert _active(out) == [2, 2, 3]  # A, D; A, B (D ends on Feb 29); A, B, C
    assert "warning" not in result.output


def test_a_cp1252_semicolon_csv(tiny: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "manual.csv"
    lines = [
        "NO_KPJ;NIK;NAMA;DESA;KECAMATAN;SEGMEN;TGL_KEPESERTAAN;TGL_NONAKTIF",
        "00000000031;;José;Alpha;Satu;PU;05/01/2024;",  # 2 matched by name
        "00000000032;;Désiré;Kel. Bravo;Kec. Satu;BPU;06/01/2024;—",  # 3 by name, em dash
        "00000000033;;Ñoño;Sérang;Dua;PU;07/01/2024;",  # 4 unknown_name
        "00000000034;;Zoë;Charlie;Dua;PU;31/02/2024;",  # 5 invalid_registration_date
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    out = tmp_path / "store"
    result, rec = _build(tiny, path, out)
    assert result.exit_code == 0, result.output
    assert _counts(rec) == {
        "rows_in": 4,
        "matched": 2,
        "unmatched": 1,
        "rejected": 1,
        "duplicates": 0,
    }
    assert (rec["matched_by_name"], rec["matched_by_code"]) == (2, 0)
    assert _rows(out / "unmatched.csv") == [(4, "unknown_name", "Sérang / Dua")]
    assert _rows(out / "rejected.csv") == [(5, "invalid_registration_date", "31/02/2024")]
    assert rec["files"]["manual.csv"]["examples"] == {
        "invalid_registration_date": ["31/02/2024"],
        "unknown_name": ["Sérang / Dua"],
    }


MANGLED_ROWS = [
    ",3.47101E+15,A,3471011001,PU,2024-01-10,",  # 2 invalid_identity
    ",3.47101E+15,B,3471011001,PU,2024-01-10,",  # 3 invalid_identity, not a duplicate of 2
    ',"3,47101E+15",C,3471011002,PU,2024-01-10,',  # 4 invalid_identity
    ",3471010101900001.0,D,3471011002,PU,2024-01-10,",  # 5 invalid_identity (decimal part)
    ",347101010190000,E,3471021001,PU,2024-01-10,",  # 6 invalid_identity (15 digits)
    ",3471010101900002,F,3471021001,PU,2024-01-10,",  # 7 matched by its NIK
    "00000000041,3.47101E+15,G,3471021002,PU,2024-01-10,",  # 8 matched by its KPJ
    "00000000041,3.47101E+15,G,3471021002,PU,2024-01-10,",  # 9 duplicate of 8
    "4.1E+10,3471010101900003,H,3471021002,BPU,2024-01-10,",  # 10 matched by its NIK
]


def test_mangled_niks_are_rejected_never_merged(tiny: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_text("\n".join([HEADER, *MANGLED_ROWS]) + "\n", encoding="utf-8")
    out = tmp_path / "store"
    result, rec = _build(tiny, path, out, "--strict")
    assert _counts(rec) == {
        "rows_in": 9,
        "matched": 3,
        "unmatched": 0,
        "rejected": 5,
        "duplicates": 1,
    }
    assert rec["reasons"] == {"invalid_identity": 5}
    sci = "NIK 9.99999E+99 (scientific notation, 11 characters)"
    assert _rows(out / "rejected.csv") == [
        (2, "invalid_identity", sci),
        (3, "invalid_identity", sci),
        (4, "invalid_identity", "NIK 9,99999E+99 (scientific notation, 11 characters)"),
        (5, "invalid_identity", "NIK 9999999999999999.9 (decimal part, 18 characters)"),
        (6, "invalid_identity", "NIK 999999999999999 (not 16 digits, 15 characters)"),
    ]
    assert rec["files"]["excel.csv"]["examples"]["invalid_identity"] == [
        sci,
        "NIK 9,99999E+99 (scientific notation, 11 characters)",
        "NIK 9999999999999999.9 (decimal part, 18 characters)",
    ]
    report = (out / "rejected.csv").read_text(encoding="utf-8-sig")
    for raw in ("E+15", "3471010101900001", "347101010190000"):
        assert raw not in report  # the shape, never the value
    # 5 of 9 rows lost: --strict makes a scheduled job fail, the store is written anyway.
    assert result.exit_code == EXIT_LOSS, result.output
    assert "invalid_identity: 5" in result.output


def test_a_file_losing_ten_percent_fails_strict_builds(
    tiny: dict[str, Path], tmp_path: Path
) -> None:
    good = [f"{i:011d},,P{i},3471011001,PU,2024-01-10," for i in range(1, 20)]
    segment = "00000000098,,S,3471011001,PNS,2024-01-10,"  # unknown_segment
    date = "00000000099,,T,3471011001,PU,2024-13-01,"  # invalid_registration_date
    rows = [*good[:18], segment, date]
    path = tmp_path / "ten.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    result, rec = _build(tiny, path, tmp_path / "plain")
    assert result.exit_code == 0, result.output
    assert file_losses(rec) == [
        FileLoss(
            "ten.csv",
            20,
            2,
            0.1,
            (("invalid_registration_date", 1, ("2024-13-01",)), ("unknown_segment", 1, ("PNS",))),
        )
    ]
    result, _ = _build(tiny, path, tmp_path / "strict", "--strict")
    assert result.exit_code == EXIT_LOSS
    assert "ten.csv loses 10.0% of its rows" in result.output
    # One row in twenty (5 %) is not more than 5 %: no warning, strict passes.
    path.write_text("\n".join([HEADER, *good, segment]) + "\n", encoding="utf-8")
    result, rec = _build(tiny, path, tmp_path / "five", "--strict")
    assert result.exit_code == 0, result.output
    assert (rec["rows_in"], rec["rejected"], file_losses(rec)) == (20, 1, [])


def test_file_losses_hand_checked() -> None:
    rec = {
        "files": {
            "a.csv": {
                "rows_in": 100,
                "unmatched": 3,
                "rejected": 4,
                "duplicates": 50,
                "reasons": {"unknown_code": 3, "no_identity": 2, "invalid_end_date": 1, "x": 1},
                "examples": {"unknown_code": ["1", "2", "3", "4"], "invalid_end_date": ["-1"]},
            },
            "b.csv": {"rows_in": 100, "unmatched": 5, "rejected": 0, "duplicates": 40},
            "empty.csv": {"rows_in": 0, "unmatched": 0, "rejected": 0},
        }
    }
    assert file_losses(rec) == [
        FileLoss(
            "a.csv",
            100,
            7,
            0.07,
            (
                ("unknown_code", 3, ("1", "2", "3")),
                ("no_identity", 2, ()),
                ("invalid_end_date", 1, ("-1",)),
            ),
        )
    ]
    assert [loss.file for loss in file_losses(rec, threshold=0.04)] == ["a.csv", "b.csv"]


def test_placeholders_from_the_mapping_file(tiny: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "\n".join(
            [
                HEADER,
                "00000000001,,A,3471011001,PU,2024-01-10,belum",  # active with the mapping
                "00000000002,,B,3471011001,PU,2024-01-10,-",  # "-" removed: invalid end date
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "m.yaml"
    mapping.write_text("placeholders:\n  add: [Belum]\n  remove: ['-']\n", encoding="utf-8")
    result, rec = _build(tiny, path, tmp_path / "store", "--mapping", str(mapping))
    assert result.exit_code == 0, result.output
    assert (rec["matched"], rec["reasons"]) == (1, {"invalid_end_date": 1})
    assert rec["files"]["r.csv"]["examples"] == {"invalid_end_date": ["-"]}


# --- property: people sharing a mangled identifier never become duplicates ---------------

_MANGLED = st.one_of(
    st.integers(10**14, 10**16 - 1).map(lambda n: f"{n:.5E}"),
    st.integers(10**14, 10**16 - 1).map(lambda n: f"{n:.5e}".replace(".", ",")),
    st.integers(10**15, 10**16 - 1).map(lambda n: f"{n}.0"),
    st.text("0123456789", min_size=1, max_size=15),
    st.text("0123456789", min_size=17, max_size=20),
)
_VILLAGES = ("34.71.01.1001", "34.71.01.1002", "34.04.07.2001")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    value=_MANGLED,
    people=st.lists(
        st.tuples(st.sampled_from(_VILLAGES), st.sampled_from(["PU", "BPU"])),
        min_size=2,
        max_size=40,
    ),
    with_kpj=st.booleans(),
)
def test_people_sharing_a_mangled_nik_never_become_duplicates(
    value: str, people: list[tuple[str, str]], with_kpj: bool
) -> None:
    villages: gpd.GeoDataFrame = make_villages()
    lines = ["NO_KPJ;NIK;KODE_DESA;SEGMEN;TGL_KEPESERTAAN"]
    lines += [
        f"{f'K{i}' if with_kpj else ''};{value};{code};{segment};2024-01-10"
        for i, (code, segment) in enumerate(people)
    ]
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        rec = ingest_registries([path], villages, KEY).reconciliation
    n = len(people)
    assert rec["duplicates"] == 0
    assert rec["rows_in"] == rec["matched"] + rec["unmatched"] + rec["rejected"] == n
    if with_kpj:  # each person has their own KPJ: all counted
        assert rec["matched"] == n
    else:  # nothing identifies them: all rejected with the reason
        assert (rec["rejected"], rec["reasons"]) == (n, {"invalid_identity": n})
        examples = rec["files"]["r.csv"]["examples"]["invalid_identity"]
        assert len(examples) == 1
        # the example gives the identifier's shape (every digit a 9), never its digits
        masked = examples[0].split(" (")[0].removeprefix("NIK ")
        assert len(masked) == len(value) and set(re.findall(r"\d", masked)) <= {"9"}


def test_reconciliation_json_carries_examples_without_identifiers(
    tiny: dict[str, Path], tmp_path: Path
) -> None:
    path = tmp_path / "excel.csv"
    path.write_text("\n".join([HEADER, *MANGLED_ROWS]) + "\n", encoding="utf-8")
    out = tmp_path / "store"
    _build(tiny, path, out)
    text = (out / "reconciliation.json").read_text(encoding="utf-8")
    assert "E+15" not in text and "3471010101900001" not in text
    assert json.loads(text)["files"]["excel.csv"]["examples"]["invalid_identity"][0].startswith(
        "NIK 9.99999E+99"
    )
