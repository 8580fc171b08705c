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

    from cli.main import app
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
    priority = pd.read_csv(
        out / "prioritas.csv", sep=";", decimal=",", dtype={"Kode desa": str}, encoding="utf-8-sig"
    )
    # Indonesian headers and explanation, ranked 1..n, numbers as numbers
    assert list(priority.columns[:3]) == ["Peringkat prioritas", "Kode desa", "Desa/kelurahan"]
    assert list(priority["Peringkat prioritas"]) == [1, 2, 3, 4]
    assert priority["Skor prioritas (0-100)"].dtype.kind == "f"
    assert priority["Alasan prioritas"].notna().all()
    # The Polres works in kecamatan 99.01.01 and 99.01.02: four villages ranked.
    assert sorted(priority["Kode desa"]) == [
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
    # --lang en: the same plan's files in English; another language is refused.
    en_out = tmp_path / "en"
    en_args = [*args[:-6], "--polsek", "Polsek Dua", "--start", "2025-01-06"]
    english = CliRunner().invoke(app, [*en_args, "--out", str(en_out), "--lang", "en"])
    assert english.exit_code == 0, english.output
    english_priority = pd.read_csv(en_out / "prioritas.csv", encoding="utf-8-sig")
    assert list(english_priority.columns[:2]) == ["Priority rank", "Village code"]
    assert "Why this priority" in english_priority.columns
    book = openpyxl.load_workbook(en_out / "rencana_polsek-dua.xlsx")
    assert book.sheetnames == ["Schedule", "Summary", "Unassigned villages", "Notes"]
    assert [r["Village code"] for r in sheet_rows(book, "Unassigned villages")] == ["99.01.02.2002"]
    text = "".join(p.extract_text() for p in PdfReader(en_out / "briefing_polsek-dua.pdf").pages)
    assert "Siti Aminah" in text and "SYNTHETIC DATA (demo)" in text and "Page 1 of" in text
    wrong = CliRunner().invoke(app, [*en_args, "--out", str(en_out), "--lang", "fr"])
    assert wrong.exit_code != 0 and "--lang must be id or en" in wrong.output
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


#: Words that only the Indonesian files use, and only the English ones (whole words,
#: case-insensitive); village, officer and Polsek names of the fixture contain none.
INDONESIAN = (
    "minggu desa jumlah perkiraan kunjungan halaman lembar ringkasan jadwal keterangan "
    "petugas pendaftaran terlindungi tanggal catatan usulan sintetis peringkat binaan "
    "kapasitas mulai metode lihat dari tanpa alasan"
).split()
ENGLISH = (
    "week weeks village villages total expected registrations page of schedule summary "
    "notes officers visit visits date note proposed synthetic rank assigned capacity start "
    "method see without why"
).split()


def _words_in(text: str) -> set[str]:
    import re

    return set(re.findall(r"[a-z]+", text.casefold()))


def _xlsx_text(data: bytes) -> tuple[list[str], str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [
        str(v)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for v in row
        if isinstance(v, str)
    ]
    return book.sheetnames, "\n".join([*book.sheetnames, *cells])


def _two_polsek(plan: Plan) -> Plan:
    moved = plan.summary["nrp"] == "80010003"
    other = "Polsek Lain"
    return dataclasses.replace(
        plan,
        summary=plan.summary.assign(polsek=plan.summary["polsek"].mask(moved, other)),
        schedule=plan.schedule.assign(
            polsek=plan.schedule["polsek"].mask(plan.schedule["nrp"] == "80010003", other)
        ),
    )


def test_english_xlsx_headers_sheets_and_notes(plan: Plan) -> None:
    from analytics.outreach.files import polres_plan_to_xlsx

    book = openpyxl.load_workbook(io.BytesIO(plan_to_xlsx(plan, "Polsek Contoh", "en")))
    assert book.sheetnames == ["Schedule", "Summary", "Unassigned villages", "Notes"]
    first = sheet_rows(book, "Schedule")[0]
    assert list(first)[:4] == ["Week", "Week starting", "NRP", "Bhabinkamtibmas name"]
    assert first["Village"] == "Sukamaju" and first["Informal workers not covered"] == 1234
    assert first["Expected registrations"] == 5.0  # the same number as in Indonesian
    assert list(sheet_rows(book, "Summary")[0])[5] == "Assigned villages"
    unassigned = sheet_rows(book, "Unassigned villages")
    assert (unassigned[0]["Proposed NRP"], unassigned[0]["Basis of proposal"]) == (
        "80010001",
        "spare capacity",
    )
    notes = dict(book["Notes"].iter_rows(values_only=True))
    assert notes["Polsek"] == "Polsek Contoh" and notes["Weeks"] == 4
    assert notes["Visits per officer per week"] == 2
    # Mean of 3, 5 and 7 registrations in English marks (a point, not a comma).
    assert notes["Expected registrations per visit"].startswith("5.0 registrations per visit")
    whole = openpyxl.load_workbook(
        io.BytesIO(polres_plan_to_xlsx(_two_polsek(plan), "Polres Uji", "en"))
    )
    assert whole.sheetnames == [
        "Summary",
        "Polsek Contoh",
        "Polsek Lain",
        "Officers",
        "Unassigned villages",
        "Notes",
    ]
    rows = sheet_rows(whole, "Summary")
    assert [(r["Polsek"], r["Sheet"], r["Visits planned"]) for r in rows] == [
        ("Polsek Contoh", "Polsek Contoh", 11),
        ("Polsek Lain", "Polsek Lain", 4),
        ("Total", None, 15),
    ]
    assert dict(whole["Notes"].iter_rows(values_only=True))["Polres"] == "Polres Uji"


def test_indonesian_xlsx_is_the_default_and_explicit(plan: Plan) -> None:
    assert plan_to_xlsx(plan, "Polsek Contoh") != b""
    book = openpyxl.load_workbook(io.BytesIO(plan_to_xlsx(plan, "Polsek Contoh", "id")))
    assert book.sheetnames == ["Jadwal", "Ringkasan", "Desa tanpa Bhabin", "Keterangan"]
    notes = dict(book["Keterangan"].iter_rows(values_only=True))
    assert notes["Perkiraan pendaftaran per kunjungan"].startswith("5,0 pendaftaran per kunjungan")


def test_english_briefing_pdf_text_and_page_numbers(plan: Plan) -> None:
    from analytics.outreach.files import polres_briefing_pdf

    meta = {"data_until": "2025-05-31", "demo": True}
    reader = PdfReader(io.BytesIO(briefing_pdf(plan, "Polsek Contoh", meta, "en")))
    assert len(reader.pages) == 4
    text = "\n".join(page.extract_text() for page in reader.pages)
    for needle in (
        "Bhabinkamtibmas Briefing — Polsek Contoh",
        "Contact:",
        "Polsek office phone 0274-555123",
        "Assigned villages:",
        "4 weeks from 02/06/2025, 2 visits per week. Expected: 5.0 registrations per visit",
        "Villages without a Bhabinkamtibmas — Polsek Contoh",
        "Proposed officer",
        "1,234",  # English thousands mark
        "12.5%",
        "SYNTHETIC DATA (demo)",
        "Data as of 31/05/2025",
        "Page 1 of 4",
        "Page 4 of 4",
    ):
        assert needle in text, needle
    assert reader.metadata.title == "Briefing Polsek Contoh"
    assert reader.metadata.subject.startswith("Outreach plan ")
    whole = PdfReader(io.BytesIO(polres_briefing_pdf(_two_polsek(plan), "Polres Uji", meta, "en")))
    cover = whole.pages[0].extract_text()
    assert "2 Polsek." in cover and "Total" in cover and "Polsek Lain" in cover
    assert whole.metadata.title == "Briefing Polres Uji (all Polsek)"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_files_carry_no_word_of_the_other_language(plan: Plan, lang: str) -> None:
    from analytics.outreach.files import polres_briefing_pdf, polres_plan_to_xlsx

    meta = {"data_until": "2025-05-31", "demo": True}
    two = _two_polsek(plan)
    texts = [
        _xlsx_text(plan_to_xlsx(plan, "Polsek Contoh", lang))[1],
        _xlsx_text(polres_plan_to_xlsx(two, "Polres Uji", lang))[1],
    ]
    pdfs = (
        briefing_pdf(plan, "Polsek Contoh", meta, lang),
        polres_briefing_pdf(two, "Polres Uji", meta, lang),
    )
    texts += ["\n".join(p.extract_text() for p in PdfReader(io.BytesIO(b)).pages) for b in pdfs]
    own, other = (ENGLISH, INDONESIAN) if lang == "en" else (INDONESIAN, ENGLISH)
    for text in texts:
        found = _words_in(text)
        assert not found & set(other), sorted(found & set(other))
        assert len(found & set(own)) >= 5  # the check reads the files' words at all
