"""The printable briefing sheet (PDF, A4) an officer carries: reportlab, grayscale only.

Called through :func:`analytics.outreach.files.briefing_pdf`. One page per officer (more
when his list is long): who he is, whom to call, which villages in which order, and the
numbers to reach. A last page lists the Polsek's villages without an officer.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd

from analytics import formatting
from analytics.outreach.file_text import words
from analytics.outreach.plan import Plan, conversion_text
from analytics.report.pdf_pages import a4_pdf
from analytics.report.pdf_pages import pdf_text as esc

GRAY: Final = 0.85


def _num(value: Any, digits: int = 0, lang: str = "id") -> str:
    """A number in ``lang``'s marks (:func:`analytics.formatting.number`)."""
    return formatting.number(value, lang, digits)


def _date(value: Any, lang: str = "id") -> str:
    return formatting.day(value, lang)


def _village_cell(name: str, code: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(f"{esc(name)}<br/><font size=7>{code}</font>", style)


def _visit_row(v: Any, style: Any, lang: str) -> list[Any]:
    return [
        str(v.week),
        _date(v.week_start, lang),
        _village_cell(v.village_name, v.village_code, style),
        str(v.visit),
        _num(v.uncovered, 0, lang),
        formatting.percent(v.coverage_pct, lang),
        _num(v.expected_registrations, 1, lang),
    ]


def _footer_text(meta: dict[str, Any], lang: str = "id") -> str:
    parts = []
    if meta.get("data_until"):
        parts.append(words("footer.data_until", lang, date=_date(meta["data_until"], lang)))
    if meta.get("demo"):
        parts.append(words("footer.demo", lang))
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
    lang: str = "id",
) -> list[Any]:
    """The flowables of one Polsek's briefing (a page per officer, then the villages
    without an officer); no trailing page break."""
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, Spacer, Table

    styles, body, small, table_style = _styles()
    story: list[Any] = []
    header = _plan_line(plan, lang)
    officer: Any  # itertuples rows: attributes are the columns
    for officer in summary.itertuples(index=False):
        mine = schedule[schedule["nrp"] == officer.nrp]
        rank = "" if pd.isna(officer.rank) else f"{officer.rank} "
        phone = formatting.MISSING if pd.isna(officer.phone) else str(officer.phone)
        story += [
            Paragraph(esc(words("pdf.title", lang, unit=polsek)), styles["Title"]),
            Paragraph(f"<b>{esc(rank + officer.name)}</b> · NRP {officer.nrp}", styles["Heading2"]),
            Paragraph(esc(f"{officer.polsek}, {officer.polres}"), body),
            Paragraph(
                f"<b>{words('pdf.contact', lang)}</b> "
                + esc(words("pdf.contact_text", lang, phone=phone)),
                body,
            ),
            Paragraph(f"<b>{words('pdf.villages', lang)}</b> {esc(officer.village_names)}", body),
            Paragraph(esc(header), small),
            Spacer(1, 4 * mm),
        ]
        columns = ("week", "date", "village", "visit", "uncovered", "coverage", "expected")
        rows = [[words(f"pdf.col.{c}", lang) for c in columns]]
        rows += [_visit_row(v, small, lang) for v in mine.itertuples(index=False)]
        total = _num(mine["expected_registrations"].sum(), 1, lang)
        rows.append(["", "", words("total", lang), "", "", "", total])
        widths = [14 * mm, 22 * mm, 58 * mm, 12 * mm, 30 * mm, 20 * mm, 24 * mm]
        story += [
            Table(rows, colWidths=widths, repeatRows=1, style=table_style),
            Spacer(1, 4 * mm),
            Paragraph(esc(words("pdf.note", lang)), small),
            PageBreak(),
        ]
    if len(unassigned):
        title = words("pdf.unassigned_title", lang, unit=polsek)
        story.append(Paragraph(esc(title), styles["Title"]))
        unassigned_columns = ("village", "rank", "not_covered", "coverage_short", "proposal")
        rows = [[words(f"pdf.col.{c}", lang) for c in unassigned_columns]]
        u: Any
        for u in unassigned.itertuples(index=False):
            if isinstance(u.proposed_name, str):
                basis = {
                    "adjacent": words("pdf.basis.adjacent", lang),
                    "distance": f"{_num(u.distance_km, 1, lang)} km",
                    "capacity": words("pdf.basis.capacity", lang),
                }
                proposal = f"{esc(u.proposed_name)} ({u.proposed_nrp}), {basis.get(u.basis, '')}"
            elif u.high_priority:
                proposal = words("pdf.no_capacity", lang)
            else:
                proposal = words("pdf.low_priority", lang)
            rows.append(
                [
                    _village_cell(u.village_name, u.village_code, small),
                    str(u.priority_rank),
                    _num(u.uncovered, 0, lang),
                    formatting.percent(u.coverage_pct, lang),
                    Paragraph(proposal, small),
                ]
            )
        widths = [50 * mm, 20 * mm, 24 * mm, 20 * mm, 66 * mm]
        story.append(Table(rows, colWidths=widths, repeatRows=1, style=table_style))
    elif story:
        story.pop()  # no trailing empty page
    if not story:
        story.append(Paragraph(esc(words("pdf.no_plan", lang, unit=polsek)), body))
    return story


def _plan_line(plan: Plan, lang: str) -> str:
    return words(
        "pdf.plan_line",
        lang,
        weeks=plan.weeks,
        start=_date(plan.start, lang),
        capacity=plan.visits_per_week,
        conversion=conversion_text(plan.conversion, lang),
    )


def _subject(plan: Plan, lang: str) -> str:
    start = _date(plan.start, lang)
    return words("pdf.subject", lang, scope=plan.scope, weeks=plan.weeks, start=start)


def _build(
    story: list[Any], meta: dict[str, Any], title: str, subject: str, lang: str = "id"
) -> bytes:
    return a4_pdf(
        story,
        title=title,
        subject=subject,
        footer=_footer_text(meta, lang),
        page_of=words("footer.page_of", lang),
    )


def render_briefing(
    plan: Plan,
    polsek: str,
    schedule: pd.DataFrame,
    summary: pd.DataFrame,
    unassigned: pd.DataFrame,
    meta: dict[str, Any],
    lang: str = "id",
) -> bytes:
    """The PDF bytes (see the module docstring), in ``lang``."""
    story = polsek_story(plan, polsek, schedule, summary, unassigned, lang)
    title = words("pdf.doc_title", lang, unit=polsek)
    return _build(story, meta, title, _subject(plan, lang), lang)


def render_polres_briefing(
    plan: Plan,
    polres: str,
    parts: list[tuple[str, pd.DataFrame, pd.DataFrame, pd.DataFrame]],
    totals: pd.DataFrame,
    meta: dict[str, Any],
    lang: str = "id",
) -> bytes:
    """Every Polsek's briefing in one PDF: a cover listing the Polsek (officers, visits,
    expected registrations), then each Polsek from a new page."""
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, Spacer, Table

    styles, body, small, table_style = _styles()
    story: list[Any] = [
        Paragraph(esc(words("pdf.title", lang, unit=polres)), styles["Title"]),
        Paragraph(
            esc(words("pdf.polsek_count", lang, n=len(parts)) + " " + _plan_line(plan, lang)),
            body,
        ),
        Spacer(1, 4 * mm),
    ]
    columns = ("officers", "villages", "visits", "expected")
    rows: list[list[Any]] = [["Polsek", *(words(f"pdf.col.{c}", lang) for c in columns)]]
    rows += [
        [
            Paragraph(esc(r.polsek), small),
            _num(r.officers, 0, lang),
            _num(r.villages, 0, lang),
            _num(r.visits_planned, 0, lang),
            _num(r.expected_registrations, 1, lang),
        ]
        for r in totals.itertuples(index=False)
    ]
    rows.append(
        [
            words("total", lang),
            _num(totals["officers"].sum(), 0, lang),
            _num(totals["villages"].sum(), 0, lang),
            _num(totals["visits_planned"].sum(), 0, lang),
            _num(totals["expected_registrations"].sum(), 1, lang),
        ]
    )
    widths = [70 * mm, 26 * mm, 22 * mm, 26 * mm, 30 * mm]
    story.append(Table(rows, colWidths=widths, repeatRows=1, style=table_style))
    for polsek, schedule, summary, unassigned in parts:
        story += [PageBreak(), *polsek_story(plan, polsek, schedule, summary, unassigned, lang)]
    title = words("pdf.doc_title_all", lang, unit=polres)
    return _build(story, meta, title, _subject(plan, lang), lang)
