"""Plan files: the XLSX round-trips its numbers safely; the PDF briefing prints right."""

from __future__ import annotations

import dataclasses
import io
import math

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from analytics import formatting
from analytics.outreach.files import briefing_pdf, plan_to_xlsx
from analytics.outreach.plan import Plan, build_plan, estimate_conversion

K = "99.01.01"


@pytest.fixture
def plan() -> Plan:
    priority = pd.DataFrame(
        {
            "village_code": [f"{K}.200{i}" for i in range(1, 6)],
            "village_name": ["Sukamaju", "-Mundur", "Tegalrejo", "Wonosari", "Karanganyar"],
            "kecamatan_code": K,
            "score": [0.9, 0.7, 0.5, 0.4, 0.8],
            "uncovered": [1234.0, 300.0, 2.0, 50.0, 800.0],
            "coverage_pct": [12.5, 30.0, 99.0, 60.0, 8.0],
            "explanation": ["=1+1", "x", "x", "x", "@SUM(A1)"],
        }
    )
    officers = pd.DataFrame(
        [
            ("80010001", "Budi Santoso", "Bripka", "Polsek Contoh", "Polres Uji", f"{K}.2001"),
            ("80010001", "Budi Santoso", "Bripka", "Polsek Contoh", "Polres Uji", f"{K}.2002"),
            ("80010002", '=HYPERLINK("x")', "Briptu", "Polsek Contoh", "Polres Uji", f"{K}.2003"),
            ("80010003", "Siti Aminah", "Aiptu", "Polsek Contoh", "Polres Uji", f"{K}.2004"),
        ],
        columns=["nrp", "name", "rank", "polsek", "polres", "village_code"],
    ).assign(phone="0274-555123")
    events = pd.DataFrame({"registrations": [3, 5, 7]})
    return build_plan(
        priority,
        officers,
        polsek="Polsek Contoh",
        weeks=4,
        visits_per_week=2,
        start=pd.Timestamp("2025-06-02"),
        conversion=estimate_conversion(events),
    )


def sheet_rows(book: openpyxl.Workbook, title: str) -> list[dict[str, object]]:
    rows = list(book[title].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_xlsx_round_trip_and_formula_neutralisation(plan: Plan) -> None:
    book = openpyxl.load_workbook(io.BytesIO(plan_to_xlsx(plan, "polsek contoh")))
    assert book.sheetnames == ["Jadwal", "Ringkasan", "Desa tanpa Bhabin", "Keterangan"]
    jadwal = sheet_rows(book, "Jadwal")
    # Budi's last slot is reserved for Karanganyar (no officer), so 2 * 4 - 1 are his.
    assert len(jadwal) == len(plan.schedule) == 2 * 4 - 1 + 4 + 4
    first = jadwal[0]
    assert first["Desa/kelurahan"] == "Sukamaju"
    assert first["Pekerja informal belum terlindungi"] == 1234  # a number, not text
    assert first["Perkiraan pendaftaran"] == 5.0
    assert first["Mulai minggu"].date() == pd.Timestamp("2025-06-02").date()
    expected = plan.schedule["expected_registrations"].sum()
    # Each cell is the exact value rounded once to the digit the page shows.
    assert [r["Perkiraan pendaftaran"] for r in jadwal] == [
        float(formatting.rounded(e, "rate")) for e in plan.schedule["expected_registrations"]
    ]
    assert sum(r["Perkiraan pendaftaran"] for r in jadwal) == pytest.approx(expected, abs=0.05 * 15)
    # The priority score on 0-100, as on the page (0.873 -> 87.3), not 0..1.
    assert [r["Skor prioritas (0-100)"] for r in jadwal] == [
        float(formatting.rounded(v, "score")) for v in plan.schedule["score"]
    ]
    assert max(r["Skor prioritas (0-100)"] for r in jadwal) > 1
    # Text that a spreadsheet would run is prefixed with a quote.
    names = {r["Nama Bhabinkamtibmas"] for r in jadwal}
    assert '\'=HYPERLINK("x")' in names
    assert "'-Mundur" in {r["Desa/kelurahan"] for r in jadwal}
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert not (isinstance(value, str) and value[:1] in "=+-@"), value
    ringkasan = sheet_rows(book, "Ringkasan")
    assert [r["Kunjungan direncanakan"] for r in ringkasan] == [7, 4, 4]
    # Remaining capacity is what the plan leaves: Budi 8 - 7 - 1 reserved = 0.
    assert next(r["Kapasitas tersisa"] for r in ringkasan) == 0
    tanpa = sheet_rows(book, "Desa tanpa Bhabin")
    assert [r["Desa/kelurahan"] for r in tanpa] == ["Karanganyar"]
    assert tanpa[0]["Alasan prioritas"] == "'@SUM(A1)"
    # Everyone has spare capacity and there is no location data: the lowest NRP.
    assert (tanpa[0]["Usulan NRP"], tanpa[0]["Dasar usulan"]) == ("80010001", "kapasitas tersisa")


def test_briefing_pdf_pages_size_and_text(plan: Plan) -> None:
    pdf = briefing_pdf(plan, "Polsek Contoh", {"data_until": "2025-05-31", "demo": True})
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3 + 1  # one per officer, one for villages without officer
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert math.isclose(width, 595.2756, abs_tol=0.5) and math.isclose(
            height, 841.8898, abs_tol=0.5
        )
    text = "\n".join(page.extract_text() for page in reader.pages)
    for needle in (
        "Budi Santoso",
        "Siti Aminah",
        "NRP 80010001",
        "Sukamaju",
        "Tegalrejo",
        "Wonosari",
        "Karanganyar",
        "0274-555123",
        "1.234",
        "12,5%",
        "DATA SINTETIS (demo)",
        "Data per 31/05/2025",
        "Halaman 4 dari 4",
    ):
        assert needle in text, needle
    page1 = reader.pages[0].extract_text()
    assert "Budi Santoso" in page1 and "Siti Aminah" not in page1


def test_briefing_without_demo_flag_has_no_demo_footer(plan: Plan) -> None:
    pdf = briefing_pdf(plan, "Polsek Contoh", {"data_until": "2025-05-31", "demo": False})
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "SINTETIS" not in text


def test_cli_plan_writes_files_per_polsek(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from analytics.cli import app
    from tests.store_factory import write_store

    store = write_store(tmp_path / "store")
    roster = tmp_path / "bhabinkamtibmas.csv"
    roster.write_text(
        "NRP,NAMA,PANGKAT,POLSEK,POLRES,KODE_DESA,NO_HP_KANTOR\n"
        "80010001,Budi Santoso,Bripka,Polsek Satu,Polres Satu,9901012001,0274-1\n"
        "80010001,Budi Santoso,Bripka,Polsek Satu,Polres Satu,9901012002,0274-1\n"
        "80010002,Siti Aminah,Briptu,Polsek Dua,Polres Satu,9901022001,0274-2\n"
        "80010003,Joko,Aiptu,Polsek Tiga,Polresta Dua,9902011001,0274-3\n",
        encoding="utf-8",
    )
    events = tmp_path / "kegiatan.csv"
    events.write_text(
        "TANGGAL,KODE_DESA,NRP,JUMLAH_PESERTA,PENDAFTARAN\n"
        "10/10/2024,9901012001,80010001,30,6\n"
        "11/10/2024,9901012001,80010001,30,60\n",  # rejected: more registrations than people
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["plan", "--store", str(store), "--roster", str(roster), "--events", str(events)]
    args += ["--polres", "Polres Satu", "--start", "2025-01-06", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "events: 2 rows = 1 accepted + 1 rejected + 0 duplicates" in result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "briefing_polres-satu_semua_polsek.pdf",
        "briefing_polsek-dua.pdf",
        "briefing_polsek-satu.pdf",
        "prioritas.csv",
        "rencana_polres-satu_semua_polsek.xlsx",
        "rencana_polsek-dua.xlsx",
        "rencana_polsek-satu.xlsx",
    ]
    whole = openpyxl.load_workbook(out / "rencana_polres-satu_semua_polsek.xlsx")
    assert whole.sheetnames[:3] == ["Ringkasan", "Polsek Dua", "Polsek Satu"]
    priority = pd.read_csv(out / "prioritas.csv", dtype={"village_code": str})
    # The Polres works in kecamatan 99.01.01 and 99.01.02: four villages ranked.
    assert sorted(priority["village_code"]) == [
        "99.01.01.2001",
        "99.01.01.2002",
        "99.01.02.2001",
        "99.01.02.2002",
    ]
    book = openpyxl.load_workbook(out / "rencana_polsek-dua.xlsx")
    tanpa = sheet_rows(book, "Desa tanpa Bhabin")
    assert [r["Kode desa"] for r in tanpa] == ["99.01.02.2002"]
    text = "".join(p.extract_text() for p in PdfReader(out / "briefing_polsek-satu.pdf").pages)
    assert "Budi Santoso" in text and "Desa Satu" in text and "DATA SINTETIS (demo)" in text
    assert "6 pendaftaran per kunjungan" in text.replace("6,0", "6")

    bad = CliRunner().invoke(app, [*args[:-6], "--polsek", "Polsek Z", "--out", str(out)])
    assert bad.exit_code == 2
    assert "Polsek Z" in bad.output and "Traceback" not in bad.output


def test_briefing_survives_a_10000_character_village_name(plan: Plan) -> None:
    """A hostile or broken name is cut in the PDF, never a reportlab LayoutError."""
    long_name = "Desa <b>" + "x" * 10_000
    plan = dataclasses.replace(
        plan,
        schedule=plan.schedule.assign(village_name=long_name),
        unassigned=plan.unassigned.assign(village_name=long_name),
    )
    pdf = briefing_pdf(plan, "Polsek Contoh", {"data_until": "2025-05-31", "demo": True})
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = text.replace("\n", "")
    assert "Desa <b>xxx" in text  # markup in a name is printed as text
    assert "x" * 300 not in text


def test_sheet_names_are_excel_safe_unique_and_short() -> None:
    from analytics.outreach.files import POLRES_SHEETS, sheet_names

    long = "Polsek Kecamatan Sangat Panjang Sekali Namanya"
    names = sheet_names(
        [long, long + " Dua", "Polsek A/B [x]?", "'Kutip'", "ringkasan", "POLSEK A_B _X__"],
        POLRES_SHEETS,
    )
    assert names[long] == long[:31] == "Polsek Kecamatan Sangat Panjang"
    assert names[long + " Dua"] == "Polsek Kecamatan Sangat Panja~2"  # 29 + 2
    assert names["Polsek A/B [x]?"] == "Polsek A_B _x__"
    assert names["'Kutip'"] == "Kutip"
    assert names["ringkasan"] == "ringkasan~2"  # "Ringkasan" is the summary sheet
    assert names["POLSEK A_B _X__"] == "POLSEK A_B _X__~2"  # Excel ignores case


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=60), min_size=1, max_size=30, unique=True))
def test_sheet_names_property(raw: list[str]) -> None:
    import re

    from analytics.outreach.files import POLRES_SHEETS, sheet_names

    names = sheet_names(raw, POLRES_SHEETS)
    values = list(names.values())
    assert len(values) == len(raw)
    assert len({v.casefold() for v in values} | {r.casefold() for r in POLRES_SHEETS}) == len(
        values
    ) + len(POLRES_SHEETS)
    for v in values:
        assert 1 <= len(v) <= 31 and not re.search(r"[\[\]:*?/\\]", v)
        assert not v.startswith("'") and not v.endswith("'") and v.casefold() != "history"
    # openpyxl accepts every name (it raises on forbidden characters)
    book = openpyxl.Workbook()
    for v in values:
        book.create_sheet(v)


def test_polres_files_split_the_plan_by_polsek(plan: Plan) -> None:
    """The single-Polsek fixture plan, its officers spread over two Polsek (one with a
    33-character name): a summary row each that adds up, a schedule sheet each."""
    from analytics.outreach.files import polres_briefing_pdf, polres_plan_to_xlsx

    other = "Polsek Nama Yang Panjang: Sekali!"
    moved = plan.summary["nrp"] == "80010003"
    two = dataclasses.replace(
        plan,
        summary=plan.summary.assign(polsek=plan.summary["polsek"].mask(moved, other)),
        schedule=plan.schedule.assign(
            polsek=plan.schedule["polsek"].mask(plan.schedule["nrp"] == "80010003", other)
        ),
    )
    book = openpyxl.load_workbook(io.BytesIO(polres_plan_to_xlsx(two, "Polres Uji")))
    sheet = "Polsek Nama Yang Panjang_ Sekal"
    assert book.sheetnames == [
        "Ringkasan",
        "Polsek Contoh",
        sheet,
        "Petugas",
        "Desa tanpa Bhabin",
        "Keterangan",
    ]
    summary = sheet_rows(book, "Ringkasan")
    # Siti (80010003): one village, 4 visits (the plan above); Budi 7 (one slot kept for
    # Karanganyar) and the second officer 4 stay in Polsek Contoh
    assert [(r["Polsek"], r["Lembar"], r["Kunjungan direncanakan"]) for r in summary] == [
        ("Polsek Contoh", "Polsek Contoh", 11),
        (other, sheet, 4),
        ("Jumlah", None, 15),
    ]
    assert len(sheet_rows(book, sheet)) == 4 and len(sheet_rows(book, "Polsek Contoh")) == 11
    assert summary[-1]["Perkiraan pendaftaran"] == pytest.approx(
        float(formatting.rounded(plan.schedule["expected_registrations"].sum(), "rate"))
    )
    reader = PdfReader(io.BytesIO(polres_briefing_pdf(two, "Polres Uji", {"demo": True})))
    first = reader.pages[0].extract_text()
    assert "Polres Uji" in first and "Polsek Contoh" in first and "Jumlah" in first
    assert reader.metadata.title == "Lembar pengarahan Polres Uji (semua Polsek)"
    assert reader.metadata.author == "Cakupan" and reader.metadata.creator == "Cakupan"
    assert "DATA SINTETIS" in reader.pages[-1].extract_text()
