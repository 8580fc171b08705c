"""The printable briefing sheet (PDF, A4) an officer carries: reportlab, grayscale only.

Called through :func:`analytics.outreach.files.briefing_pdf`. One page per officer (more
when his list is long): who he is, whom to call, which villages in which order, and the
numbers to reach. A last page lists the Polsek's villages without an officer.
"""

from __future__ import annotations

import io
from typing import Any, Final

import pandas as pd

from analytics import formatting
from analytics.outreach.plan import Plan
from analytics.pdf_pages import numbered_canvas
from analytics.pdf_pages import pdf_text as esc

GRAY: Final = 0.85


def _num(value: Any, digits: int = 0) -> str:
    """A number as Indonesians write it (:func:`analytics.formatting.number`)."""
    return formatting.number(value, "id", digits)


def _date(value: Any) -> str:
    return formatting.day(value, "id")


def _village_cell(name: str, code: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(f"{esc(name)}<br/><font size=7>{code}</font>", style)


def _visit_row(v: Any, style: Any) -> list[Any]:
    return [
        str(v.week),
        _date(v.week_start),
        _village_cell(v.village_name, v.village_code, style),
        str(v.visit),
        _num(v.uncovered),
        formatting.percent(v.coverage_pct, "id"),
        _num(v.expected_registrations, 1),
    ]


def _footer_text(meta: dict[str, Any]) -> str:
    parts = []
    if meta.get("data_until"):
        parts.append(f"Data per {_date(meta['data_until'])}")
    if meta.get("demo"):
        parts.append("DATA SINTETIS (demo)")
    return " · ".join(parts) or "Cakupan"


def _styles() -> tuple[Any, Any, Any, Any]:
    """(sample styles, body, small, table style) shared by every briefing."""
    from reportlab.lib import colors
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import TableStyle

    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=8, leading=10)
    table_style = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(GRAY, GRAY, GRAY)),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (3, 1), (-1, -1), "RIGHT"),
        ]
    )
    return styles, body, small, table_style


def polsek_story(
    plan: Plan,
    polsek: str,
    schedule: pd.DataFrame,
    summary: pd.DataFrame,
    unassigned: pd.DataFrame,
) -> list[Any]:
    """The flowables of one Polsek's briefing (a page per officer, then the villages
    without an officer); no trailing page break."""
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, Spacer, Table

    styles, body, small, table_style = _styles()
    story: list[Any] = []
    header = (
        f"{plan.weeks} minggu mulai {_date(plan.start)}, "
        f"{plan.visits_per_week} kunjungan per minggu. Perkiraan: {plan.conversion.label}."
    )
    officer: Any  # itertuples rows: attributes are the columns
    for officer in summary.itertuples(index=False):
        mine = schedule[schedule["nrp"] == officer.nrp]
        rank = "" if pd.isna(officer.rank) else f"{officer.rank} "
        phone = formatting.MISSING if pd.isna(officer.phone) else str(officer.phone)
        story += [
            Paragraph(f"Lembar Pengarahan Bhabinkamtibmas — {esc(polsek)}", styles["Title"]),
            Paragraph(f"<b>{esc(rank + officer.name)}</b> · NRP {officer.nrp}", styles["Heading2"]),
            Paragraph(esc(f"{officer.polsek}, {officer.polres}"), body),
            Paragraph(f"<b>Kontak:</b> telepon kantor Polsek {esc(phone)}", body),
            Paragraph(f"<b>Desa binaan:</b> {esc(officer.village_names)}", body),
            Paragraph(esc(header), small),
            Spacer(1, 4 * mm),
        ]
        rows = [
            [
                "Minggu",
                "Tanggal",
                "Desa/kelurahan",
                "Kunj.",
                "Pekerja informal\nbelum terlindungi",
                "Cakupan\nBPU",
                "Perkiraan\npendaftaran",
            ]
        ]
        rows += [_visit_row(v, small) for v in mine.itertuples(index=False)]
        rows.append(["", "", "Jumlah", "", "", "", _num(mine["expected_registrations"].sum(), 1)])
        widths = [14 * mm, 22 * mm, 58 * mm, 12 * mm, 30 * mm, 20 * mm, 24 * mm]
        story += [
            Table(rows, colWidths=widths, repeatRows=1, style=table_style),
            Spacer(1, 4 * mm),
            Paragraph(
                "Catatan: kunjungi desa sesuai urutan; desa dikunjungi ulang hanya setelah semua "
                "desa binaan dikunjungi. Jangan mencatat data pribadi peserta pada lembar ini.",
                small,
            ),
            PageBreak(),
        ]
    if len(unassigned):
        story.append(Paragraph(f"Desa tanpa Bhabinkamtibmas — {esc(polsek)}", styles["Title"]))
        rows = [["Desa/kelurahan", "Peringkat", "Belum\nterlindungi", "Cakupan", "Usulan petugas"]]
        u: Any
        for u in unassigned.itertuples(index=False):
            if isinstance(u.proposed_name, str):
                basis = {
                    "adjacent": "bersebelahan",
                    "distance": f"{_num(u.distance_km, 1)} km",
                    "capacity": "kapasitas tersisa",
                }
                proposal = f"{esc(u.proposed_name)} ({u.proposed_nrp}), {basis.get(u.basis, '')}"
            elif u.high_priority:
                proposal = "tidak ada petugas dengan kapasitas tersisa"
            else:
                proposal = "prioritas rendah (tidak diusulkan)"
            rows.append(
                [
                    _village_cell(u.village_name, u.village_code, small),
                    str(u.priority_rank),
                    _num(u.uncovered),
                    formatting.percent(u.coverage_pct, "id"),
                    Paragraph(proposal, small),
                ]
            )
        widths = [50 * mm, 20 * mm, 24 * mm, 20 * mm, 66 * mm]
        story.append(Table(rows, colWidths=widths, repeatRows=1, style=table_style))
    elif story:
        story.pop()  # no trailing empty page
    if not story:
        story.append(Paragraph(f"Tidak ada rencana untuk {esc(polsek)}.", body))
    return story


def _build(story: list[Any], meta: dict[str, Any], title: str, subject: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="Cakupan",
        creator="Cakupan",
        subject=subject,
    )
    doc.build(story, canvasmaker=numbered_canvas(_footer_text(meta)))
    return buffer.getvalue()


def render_briefing(
    plan: Plan,
    polsek: str,
    schedule: pd.DataFrame,
    summary: pd.DataFrame,
    unassigned: pd.DataFrame,
    meta: dict[str, Any],
) -> bytes:
    """The PDF bytes (see the module docstring)."""
    story = polsek_story(plan, polsek, schedule, summary, unassigned)
    subject = f"Rencana penjangkauan {plan.scope}, {plan.weeks} minggu mulai {_date(plan.start)}"
    return _build(story, meta, f"Lembar pengarahan {polsek}", subject)


def render_polres_briefing(
    plan: Plan,
    polres: str,
    parts: list[tuple[str, pd.DataFrame, pd.DataFrame, pd.DataFrame]],
    totals: pd.DataFrame,
    meta: dict[str, Any],
) -> bytes:
    """Every Polsek's briefing in one PDF: a cover listing the Polsek (officers, visits,
    expected registrations), then each Polsek from a new page."""
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, Spacer, Table

    styles, body, small, table_style = _styles()
    story: list[Any] = [
        Paragraph(f"Lembar Pengarahan Bhabinkamtibmas — {esc(polres)}", styles["Title"]),
        Paragraph(
            esc(
                f"{len(parts)} Polsek. {plan.weeks} minggu mulai {_date(plan.start)}, "
                f"{plan.visits_per_week} kunjungan per minggu. "
                f"Perkiraan: {plan.conversion.label}."
            ),
            body,
        ),
        Spacer(1, 4 * mm),
    ]
    rows: list[list[Any]] = [
        ["Polsek", "Bhabin-\nkamtibmas", "Desa\nbinaan", "Kunjungan", "Perkiraan\npendaftaran"]
    ]
    rows += [
        [
            Paragraph(esc(r.polsek), small),
            _num(r.officers),
            _num(r.villages),
            _num(r.visits_planned),
            _num(r.expected_registrations, 1),
        ]
        for r in totals.itertuples(index=False)
    ]
    rows.append(
        [
            "Jumlah",
            _num(totals["officers"].sum()),
            _num(totals["villages"].sum()),
            _num(totals["visits_planned"].sum()),
            _num(totals["expected_registrations"].sum(), 1),
        ]
    )
    widths = [70 * mm, 26 * mm, 22 * mm, 26 * mm, 30 * mm]
    story.append(Table(rows, colWidths=widths, repeatRows=1, style=table_style))
    for polsek, schedule, summary, unassigned in parts:
        story += [PageBreak(), *polsek_story(plan, polsek, schedule, summary, unassigned)]
    subject = f"Rencana penjangkauan {plan.scope}, {plan.weeks} minggu mulai {_date(plan.start)}"
    return _build(story, meta, f"Lembar pengarahan {polres} (semua Polsek)", subject)
