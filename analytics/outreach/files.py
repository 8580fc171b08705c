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
from analytics.outreach import file_text
from analytics.outreach.plan import Plan, conversion_text

#: Leading characters that make a spreadsheet treat text as a formula (OWASP CSV injection).
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")

#: The Indonesian headers (kept for callers); the files take theirs from
#: :func:`analytics.outreach.file_text.headers` in the chosen language.
SCHEDULE_HEADERS: Final = file_text.headers("schedule", "id")
SUMMARY_HEADERS: Final = file_text.headers("summary", "id")
UNASSIGNED_HEADERS: Final = file_text.headers("unassigned", "id")
#: Numbers written as the page shows them (analytics.formatting): the priority score on
#: 0-100, coverage and rates with one digit, each rounded once from the exact value.
NUMBER_KINDS: Final[dict[str, formatting.Kind]] = {
    "score": "score",
    "coverage_pct": "percent",
    "expected_registrations": "rate",
    "distance_km": "rate",
}
BASIS_LABELS: Final = file_text.basis_labels("id")


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


def _unassigned_in(unassigned: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The unassigned villages with the basis, explanation and alternatives in ``lang``."""
    out = unassigned.assign(basis=unassigned["basis"].map(file_text.basis_labels(lang)))
    if formatting.lang_of(lang) == "en":
        for column in ("explanation", "alternatives"):
            if f"{column}_en" in out.columns:
                out[column] = out[f"{column}_en"]
    return out


def _notes(book: Any, rows: list[tuple[str, Any]]) -> None:
    notes = book.create_sheet(rows[0][0])
    for key, value in rows[1:]:
        notes.append([key, _safe_cell(value)])
    notes.column_dimensions["A"].width = 42
    notes.column_dimensions["B"].width = 80


def _plan_notes(plan: Plan, unit_key: str, unit: str, lang: str) -> list[tuple[str, Any]]:
    """The notes sheet's title, then (label, value) rows, in ``lang``."""
    w = file_text.words
    return [
        (w("sheet.notes", lang), None),
        (unit_key, unit),
        (w("note.scope", lang), plan.scope),
        (w("note.start", lang), plan.start.date()),
        (w("note.weeks", lang), plan.weeks),
        (w("note.capacity", lang), plan.visits_per_week),
        (w("note.conversion", lang), conversion_text(plan.conversion, lang)),
    ]


def plan_to_xlsx(plan: Plan, polsek: str, lang: str = file_text.LANG) -> bytes:
    """The plan of one Polsek as a workbook: Jadwal, Ringkasan, Desa tanpa Bhabin, Keterangan
    (Schedule, Summary, Unassigned villages, Notes with ``lang="en"``)."""
    import openpyxl

    w = file_text.words
    schedule, summary, unassigned = plan_for_polsek(plan, polsek)
    book = openpyxl.Workbook()
    book.remove(book.active)
    _write_sheet(book, w("sheet.schedule", lang), schedule, file_text.headers("schedule", lang))
    _write_sheet(book, w("sheet.summary", lang), summary, file_text.headers("summary", lang))
    _write_sheet(
        book,
        w("sheet.unassigned", lang),
        _unassigned_in(unassigned, lang),
        file_text.headers("unassigned", lang),
    )
    notes = _plan_notes(plan, "Polsek", polsek, lang)
    _notes(book, [*notes, (w("note.method", lang), w("note.method_text", lang))])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


#: Characters Excel refuses in a sheet name, and its length limit.
_SHEET_FORBIDDEN: Final = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX: Final = 31
POLRES_SHEETS: Final = ("Ringkasan", "Petugas", "Desa tanpa Bhabin", "Keterangan")
POLSEK_SUMMARY_HEADERS: Final = file_text.headers("polsek_summary", "id")


def polres_sheets(lang: str = file_text.LANG) -> tuple[str, ...]:
    """The Polres workbook's own sheets in ``lang`` (Polsek sheets must not take them)."""
    keys = ("sheet.summary", "sheet.officers", "sheet.unassigned", "sheet.notes")
    return tuple(file_text.words(k, lang) for k in keys)


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


def polres_plan_to_xlsx(plan: Plan, polres: str, lang: str = file_text.LANG) -> bytes:
    """The plan of a whole Polres as one workbook: Ringkasan (a row per Polsek and the
    total), one sheet per Polsek with its schedule (as the Jadwal of
    :func:`plan_to_xlsx`), Petugas, Desa tanpa Bhabin and Keterangan (in ``lang``)."""
    import openpyxl
    from openpyxl.styles import Font

    w = file_text.words
    polseks = plan_polseks(plan)
    sheets = sheet_names(polseks, polres_sheets(lang))
    totals = polsek_totals(plan, sheets)
    book = openpyxl.Workbook()
    book.remove(book.active)
    summary_title = w("sheet.summary", lang)
    _write_sheet(book, summary_title, totals, file_text.headers("polsek_summary", lang))
    summary_sheet = book[summary_title]
    summary_sheet.append(
        [
            w("total", lang),
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
        _write_sheet(book, sheets[polsek], schedule, file_text.headers("schedule", lang))
    _write_sheet(book, w("sheet.officers", lang), plan.summary, file_text.headers("summary", lang))
    _write_sheet(
        book,
        w("sheet.unassigned", lang),
        _unassigned_in(plan.unassigned, lang),
        file_text.headers("unassigned", lang),
    )
    notes = _plan_notes(plan, "Polres", polres, lang)
    _notes(
        book,
        [
            *notes,
            (w("note.per_polsek", lang), w("note.per_polsek_text", lang)),
            (w("note.method", lang), w("note.method_text", lang)),
        ],
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def polres_briefing_pdf(
    plan: Plan, polres: str, meta: dict[str, Any], lang: str = file_text.LANG
) -> bytes:
    """Every Polsek's briefing in one PDF: a cover page listing the Polsek, then each
    Polsek's pages as :func:`briefing_pdf` prints them (in ``lang``)."""
    from analytics.outreach.briefing import render_polres_briefing

    polseks = plan_polseks(plan)
    parts = [(p, *plan_for_polsek(plan, p)) for p in polseks]
    totals = polsek_totals(plan, {p: p for p in polseks})
    return render_polres_briefing(plan, polres, parts, totals, meta, lang)


def briefing_pdf(
    plan: Plan, polsek: str, meta: dict[str, Any], lang: str = file_text.LANG
) -> bytes:
    """A printable A4 briefing: one page per officer, then the villages without an officer.

    ``meta``: ``data_until`` (ISO date of the data) and ``demo`` (bool) for the footer;
    ``lang``: ``id`` (default) or ``en``.
    """
    from analytics.outreach.briefing import render_briefing

    schedule, summary, unassigned = plan_for_polsek(plan, polsek)
    return render_briefing(plan, polsek, schedule, summary, unassigned, meta, lang)
