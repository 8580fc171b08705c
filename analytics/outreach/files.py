"""The plan as files people use: an XLSX workbook and a printable PDF briefing sheet.

Both take a :class:`~analytics.outreach.plan.Plan` and one Polsek and return bytes; nothing
here writes to disk. Only officers, villages and aggregates appear, never participants.
"""

from __future__ import annotations

import io
import math
import re
from datetime import date
from typing import Any, Final

import pandas as pd

from analytics import formatting
from analytics.outreach.plan import Plan

#: Leading characters that make a spreadsheet treat text as a formula (OWASP CSV injection).
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")

SCHEDULE_HEADERS: Final = {
    "week": "Minggu ke",
    "week_start": "Mulai minggu",
    "nrp": "NRP",
    "name": "Nama Bhabinkamtibmas",
    "village_code": "Kode desa",
    "village_name": "Desa/kelurahan",
    "visit": "Kunjungan ke",
    "priority_rank": "Peringkat prioritas",
    "score": "Skor prioritas (0-100)",
    "uncovered": "Pekerja informal belum terlindungi",
    "coverage_pct": "Cakupan BPU (%)",
    "expected_registrations": "Perkiraan pendaftaran",
}
SUMMARY_HEADERS: Final = {
    "nrp": "NRP",
    "name": "Nama",
    "rank": "Pangkat",
    "polsek": "Polsek",
    "phone": "Telepon kantor Polsek",
    "villages": "Jumlah desa binaan",
    "village_names": "Desa binaan",
    "capacity": "Kapasitas kunjungan",
    "visits_planned": "Kunjungan direncanakan",
    "first_visits": "Kunjungan pertama",
    "spare": "Kapasitas tersisa",
    "reserved": "Dicadangkan untuk desa tanpa Bhabin",
    "expected_registrations": "Perkiraan pendaftaran",
}
UNASSIGNED_HEADERS: Final = {
    "village_code": "Kode desa",
    "village_name": "Desa/kelurahan",
    "priority_rank": "Peringkat prioritas",
    "score": "Skor prioritas (0-100)",
    "uncovered": "Pekerja informal belum terlindungi",
    "coverage_pct": "Cakupan BPU (%)",
    "high_priority": "Prioritas tinggi",
    "proposed_nrp": "Usulan NRP",
    "proposed_name": "Usulan Bhabinkamtibmas",
    "basis": "Dasar usulan",
    "distance_km": "Jarak (km)",
    "alternatives": "Alternatif",
    "explanation": "Alasan prioritas",
}
#: Numbers written as the page shows them (analytics.formatting): the priority score on
#: 0-100, coverage and rates with one digit, each rounded once from the exact value.
NUMBER_KINDS: Final[dict[str, formatting.Kind]] = {
    "score": "score",
    "coverage_pct": "percent",
    "expected_registrations": "rate",
    "distance_km": "rate",
}
BASIS_LABELS: Final = {
    "adjacent": "desa bersebelahan",
    "distance": "jarak terdekat",
    "capacity": "kapasitas tersisa",
}


def _same(values: pd.Series, wanted: str) -> pd.Series:
    key = values.astype("string").str.split().str.join(" ").str.casefold()
    return (key == " ".join(wanted.split()).casefold()).fillna(False)


def plan_for_polsek(plan: Plan, polsek: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The schedule, summary and unassigned villages that concern one Polsek.

    Unassigned villages concern a Polsek when they lie in a kecamatan of its officers'
    villages or when one of its officers is proposed for them.
    """
    schedule = plan.schedule[_same(plan.schedule["polsek"], polsek)]
    summary = plan.summary[_same(plan.summary["polsek"], polsek)]
    kecamatan = set(schedule["village_code"].str.slice(0, 8))
    u = plan.unassigned
    mine = u["village_code"].str.slice(0, 8).isin(kecamatan) | u["proposed_nrp"].isin(
        set(summary["nrp"])
    )
    return schedule, summary, u[mine]


def _safe_cell(value: Any) -> Any:
    """Numbers and dates as they are; text neutralised against formula injection."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().date()
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalars -> Python numbers
    if isinstance(value, bool | int | float | date):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _write_sheet(book: Any, title: str, frame: pd.DataFrame, headers: dict[str, str]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    columns = [c for c in headers if c in frame.columns]
    sheet.append([headers[c] for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    kinds = [NUMBER_KINDS.get(c) for c in columns]
    for row in frame[columns].itertuples(index=False):
        sheet.append(
            [
                _safe_cell(v if kind is None else formatting.rounded(v, kind))
                for v, kind in zip(row, kinds, strict=True)
            ]
        )
    for i, column in enumerate(columns, start=1):
        if column in ("week_start",):
            for cell in sheet[get_column_letter(i)][1:]:
                cell.number_format = "DD/MM/YYYY"
        kind = NUMBER_KINDS.get(column)
        if kind is not None and kind != "count":
            for cell in sheet[get_column_letter(i)][1:]:
                cell.number_format = "0." + "0" * formatting.DIGITS[kind]
        sheet.column_dimensions[get_column_letter(i)].width = max(12, len(headers[column]) + 2)
    sheet.freeze_panes = "A2"


def plan_to_xlsx(plan: Plan, polsek: str) -> bytes:
    """The plan of one Polsek as a workbook: Jadwal, Ringkasan, Desa tanpa Bhabin, Keterangan."""
    import openpyxl

    schedule, summary, unassigned = plan_for_polsek(plan, polsek)
    unassigned = unassigned.assign(basis=unassigned["basis"].map(BASIS_LABELS))
    book = openpyxl.Workbook()
    book.remove(book.active)
    _write_sheet(book, "Jadwal", schedule, SCHEDULE_HEADERS)
    _write_sheet(book, "Ringkasan", summary, SUMMARY_HEADERS)
    _write_sheet(book, "Desa tanpa Bhabin", unassigned, UNASSIGNED_HEADERS)
    notes = book.create_sheet("Keterangan")
    for key, value in (
        ("Polsek", polsek),
        ("Cakupan rencana", plan.scope),
        ("Mulai", plan.start.date()),
        ("Jumlah minggu", plan.weeks),
        ("Kunjungan per Bhabinkamtibmas per minggu", plan.visits_per_week),
        ("Perkiraan pendaftaran per kunjungan", plan.conversion.label),
        ("Metode", "Lihat docs/outreach.md: skor prioritas, aturan jadwal, perkiraan dampak."),
    ):
        notes.append([key, _safe_cell(value)])
    notes.column_dimensions["A"].width = 42
    notes.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


#: Characters Excel refuses in a sheet name, and its length limit.
_SHEET_FORBIDDEN: Final = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX: Final = 31
POLRES_SHEETS: Final = ("Ringkasan", "Petugas", "Desa tanpa Bhabin", "Keterangan")
POLSEK_SUMMARY_HEADERS: Final = {
    "polsek": "Polsek",
    "sheet": "Lembar",
    "officers": "Bhabinkamtibmas",
    "villages": "Desa binaan",
    "visits_planned": "Kunjungan direncanakan",
    "first_visits": "Kunjungan pertama",
    "expected_registrations": "Perkiraan pendaftaran",
    "unassigned": "Desa tanpa Bhabin (di kecamatan Polsek)",
}


def sheet_names(names: list[str], reserved: tuple[str, ...] = ()) -> dict[str, str]:
    """An Excel-safe sheet name per name: forbidden characters (``[]:*?/\\``) replaced,
    no leading or trailing apostrophe, at most 31 characters, unique ignoring case (Excel
    compares sheet names case-insensitively) and distinct from ``reserved``; a clash gets
    a ``~2``, ``~3`` suffix within the 31 characters."""
    taken = {r.casefold() for r in reserved} | {"history"}  # "History" is Excel's own
    out: dict[str, str] = {}
    for name in names:
        base = _SHEET_FORBIDDEN.sub("_", " ".join(str(name).split())).strip("'").strip()
        base = base or "Polsek"
        candidate, n = base[:SHEET_NAME_MAX], 1
        while candidate.casefold() in taken:
            n += 1
            suffix = f"~{n}"
            candidate = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        taken.add(candidate.casefold())
        out[name] = candidate
    return out


def plan_polseks(plan: Plan) -> list[str]:
    """The Polsek of the plan's officers, sorted."""
    return sorted(set(plan.summary["polsek"].dropna().astype(str)), key=str.casefold)


def polsek_totals(plan: Plan, sheets: dict[str, str]) -> pd.DataFrame:
    """One row per Polsek of the plan: officers, villages, visits, expected registrations,
    and unassigned villages in its kecamatan (each from :func:`plan_for_polsek`)."""
    rows = []
    for polsek in plan_polseks(plan):
        schedule, summary, unassigned = plan_for_polsek(plan, polsek)
        rows.append(
            {
                "polsek": polsek,
                "sheet": sheets[polsek],
                "officers": summary["nrp"].nunique(),
                "villages": int(summary["villages"].sum()),
                "visits_planned": int(summary["visits_planned"].sum()),
                "first_visits": int(summary["first_visits"].sum()),
                "expected_registrations": float(schedule["expected_registrations"].sum()),
                "unassigned": len(unassigned),
            }
        )
    return pd.DataFrame(rows, columns=list(POLSEK_SUMMARY_HEADERS))


def polres_plan_to_xlsx(plan: Plan, polres: str) -> bytes:
    """The plan of a whole Polres as one workbook: Ringkasan (a row per Polsek and the
    total), one sheet per Polsek with its schedule (as the Jadwal of
    :func:`plan_to_xlsx`), Petugas, Desa tanpa Bhabin and Keterangan."""
    import openpyxl
    from openpyxl.styles import Font

    polseks = plan_polseks(plan)
    sheets = sheet_names(polseks, POLRES_SHEETS)
    totals = polsek_totals(plan, sheets)
    book = openpyxl.Workbook()
    book.remove(book.active)
    _write_sheet(book, "Ringkasan", totals, POLSEK_SUMMARY_HEADERS)
    summary_sheet = book["Ringkasan"]
    summary_sheet.append(
        [
            "Jumlah",
            None,
            int(totals["officers"].sum()),
            int(totals["villages"].sum()),
            int(totals["visits_planned"].sum()),
            int(totals["first_visits"].sum()),
            formatting.rounded(plan.schedule["expected_registrations"].sum(), "rate"),
            len(plan.unassigned),
        ]
    )
    for cell in summary_sheet[summary_sheet.max_row]:
        cell.font = Font(bold=True)
    summary_sheet.cell(row=summary_sheet.max_row, column=7).number_format = "0.0"
    for polsek in polseks:
        schedule, _, _ = plan_for_polsek(plan, polsek)
        _write_sheet(book, sheets[polsek], schedule, SCHEDULE_HEADERS)
    _write_sheet(book, "Petugas", plan.summary, SUMMARY_HEADERS)
    unassigned = plan.unassigned.assign(basis=plan.unassigned["basis"].map(BASIS_LABELS))
    _write_sheet(book, "Desa tanpa Bhabin", unassigned, UNASSIGNED_HEADERS)
    notes = book.create_sheet("Keterangan")
    for key, value in (
        ("Polres", polres),
        ("Cakupan rencana", plan.scope),
        ("Mulai", plan.start.date()),
        ("Jumlah minggu", plan.weeks),
        ("Kunjungan per Bhabinkamtibmas per minggu", plan.visits_per_week),
        ("Perkiraan pendaftaran per kunjungan", plan.conversion.label),
        (
            "Lembar per Polsek",
            "Bagian Polsek itu dari rencana Polres (peringkat prioritas di seluruh Polres), "
            "sama dengan tabel halaman Penjangkauan untuk (semua Polsek).",
        ),
        ("Metode", "Lihat docs/outreach.md: skor prioritas, aturan jadwal, perkiraan dampak."),
    ):
        notes.append([key, _safe_cell(value)])
    notes.column_dimensions["A"].width = 42
    notes.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def polres_briefing_pdf(plan: Plan, polres: str, meta: dict[str, Any]) -> bytes:
    """Every Polsek's briefing in one PDF: a cover page listing the Polsek, then each
    Polsek's pages as :func:`briefing_pdf` prints them."""
    from analytics.outreach.briefing import render_polres_briefing

    polseks = plan_polseks(plan)
    parts = [(p, *plan_for_polsek(plan, p)) for p in polseks]
    totals = polsek_totals(plan, {p: p for p in polseks})
    return render_polres_briefing(plan, polres, parts, totals, meta)


def briefing_pdf(plan: Plan, polsek: str, meta: dict[str, Any]) -> bytes:
    """A printable A4 briefing: one page per officer, then the villages without an officer.

    ``meta``: ``data_until`` (ISO date of the data) and ``demo`` (bool) for the footer.
    """
    from analytics.outreach.briefing import render_briefing

    schedule, summary, unassigned = plan_for_polsek(plan, polsek)
    return render_briefing(plan, polsek, schedule, summary, unassigned, meta)
