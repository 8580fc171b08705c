"""The area report as an A4 PDF in Bahasa Indonesia or English (reportlab).

:func:`render_report` lays out a :class:`~analytics.report.content.ReportContent` and the
two figures (PNG bytes rendered by the caller): cover, KPIs, map, trend, villages with the
largest gaps, sub-areas, outreach plan summary, data quality and method notes. Every page
has a footer with the area, the data date and "Halaman i dari n". Every word comes from
:mod:`analytics.report.text` in the content's ``lang``. It prints readably in
grayscale: values are in tables next to the figures, class labels are written out, and the
trend's target and projection differ by line style, not colour alone.

Why one module of ~470 lines: the report's sections (cover, KPIs, figures, villages,
sub-areas, plan, quality, method) are laid out with one set of styles and formats; the
page furniture shared with the briefing is in :mod:`analytics.report.pdf_pages`.
"""

from __future__ import annotations

import io
from typing import Any, Final

from analytics.exports.suppression import MARK
from analytics.formatting import MISSING
from analytics.report import text
from analytics.report.content import ReportContent
from analytics.report.pdf_pages import a4_pdf
from analytics.report.pdf_pages import pdf_text as esc
from analytics.report.text import (
    level_name,
    method_notes,
    segment_name,
    words,
)

GRAY: Final = 0.86
#: The text width of the A4 page (210 mm less two 15 mm margins): figures are drawn at
#: this width, the width they were laid out for (layouts.exports.rendering ``report`` size),
#: so their labels print at the size they were set (11 px = 8.25 pt).
TEXT_WIDTH_MM: Final = 180
#: A section starts on a new page only when less than this is left on the current one
#: (a heading with a few rows); never a forced break that leaves a page mostly empty.
SECTION_MIN_MM: Final = 45


class _Formats:
    """The number and month writers of :mod:`analytics.report.text` in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def num(self, value: Any, digits: int = 0) -> str:
        return text.num(value, digits, self.lang)

    def pct(self, value: Any) -> str:
        return text.pct(value, lang=self.lang)

    def pp(self, value: Any) -> str:
        return text.pp(value, self.lang)

    def pace(self, value: Any) -> str:
        return text.pace(value, self.lang)

    def month(self, value: Any) -> str:
        return text.month_long(value, self.lang)


def _formats(lang: str) -> _Formats:
    return _Formats(lang)


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import getSampleStyleSheet

    base = getSampleStyleSheet()
    body = base["BodyText"].clone("body", fontSize=9.5, leading=12.5)
    return {
        "title": base["Title"].clone("title", fontSize=24, leading=30),
        "h1": base["Heading1"].clone("h1", fontSize=15, leading=19, spaceBefore=4),
        "h2": base["Heading2"].clone("h2", fontSize=12, leading=15),
        "body": body,
        "small": body.clone("small", fontSize=8, leading=10),
        "cell": body.clone("cell", fontSize=8, leading=9.5),
        "big": body.clone("big", fontSize=13, leading=17),
    }


def _table(rows: list[list[Any]], widths: list[float], numeric_from: int) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    gray = colors.Color(GRAY, GRAY, GRAY)
    style = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), gray),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.Color(0.6, 0.6, 0.6)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
    ]
    return Table(rows, colWidths=widths, repeatRows=1, style=TableStyle(style))


def _cover(c: ReportContent, s: dict[str, Any], generated: str) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, Spacer

    meta = c.meta
    k = c.kpis
    lang = c.lang
    fmt = _formats(lang)
    lines = [
        Spacer(1, 40 * mm),
        Paragraph(words("cover.kicker", lang), s["h2"]),
        Paragraph(esc(c.area_name), s["title"]),
        Paragraph(
            words("cover.level_code", lang, level=level_name(c.level, lang), code=c.area_code),
            s["big"],
        ),
        Spacer(1, 6 * mm),
        Paragraph(words("cover.period", lang, month=fmt.month(c.month)), s["big"]),
        Paragraph(
            words("cover.segment", lang, segment=esc(segment_name(c.segment, lang))), s["big"]
        ),
        Spacer(1, 10 * mm),
        Paragraph(
            words(
                "cover.headline",
                lang,
                pct=fmt.pct(MARK if c.kpis_hidden else k.coverage_pct),
                target=fmt.pct(c.target_pct),
                uncovered=fmt.num(MARK if c.kpis_hidden else k.uncovered),
            ),
            s["big"],
        ),
        Spacer(1, 30 * mm),
        Paragraph(
            words("cover.data_until", lang, value=esc(str(meta.get("data_until") or MISSING))),
            s["body"],
        ),
        Paragraph(
            words(
                "cover.denominator", lang, value=esc(str(meta.get("workforce_source") or MISSING))
            ),
            s["body"],
        ),
        Paragraph(words("cover.generated", lang, day=generated), s["body"]),
    ]
    if c.threshold is not None:
        lines.append(
            Paragraph(
                words(
                    "cover.protection",
                    lang,
                    threshold=c.threshold,
                    below=c.threshold - 1,
                    mark=MARK,
                ),
                s["body"],
            )
        )
    if meta.get("demo"):
        lines += [
            Spacer(1, 6 * mm),
            Paragraph(words("cover.synthetic", lang), s["big"]),
        ]
    return [*lines, PageBreak()]


def _kpis(c: ReportContent, s: dict[str, Any]) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    k = c.kpis
    hide = c.kpis_hidden
    lang = c.lang
    fmt = _formats(lang)
    if k.coverage_pct is None:
        projection = MISSING
    elif k.target_reached:
        projection = words("kpi.reached", lang)
    elif k.projected_month is None:
        projection = words("kpi.not_reached", lang)
    else:
        projection = fmt.month(k.projected_month)
    pace = fmt.pace(k.pace_pp_per_month)
    rows = [
        [words("kpi.indicator", lang), words("kpi.value", lang)],
        [words("kpi.coverage", lang), fmt.pct(MARK if hide else k.coverage_pct)],
        [words("kpi.active", lang), fmt.num(MARK if hide else k.active)],
        [words("kpi.eligible", lang), fmt.num(k.eligible)],
        [words("kpi.uncovered", lang), fmt.num(MARK if hide else k.uncovered)],
        [words("kpi.mom", lang), fmt.pp(MARK if hide else k.change_mom_pp)],
        [words("kpi.yoy", lang), fmt.pp(MARK if hide else k.change_yoy_pp)],
        [words("kpi.pace", lang), MARK if hide else pace],
        [
            words("kpi.projection", lang, target=fmt.pct(c.target_pct)),
            MARK if hide else projection,
        ],
        [
            words("kpi.villages", lang),
            words("kpi.of", lang, n=fmt.num(k.villages_with_eligible), total=fmt.num(k.villages)),
        ],
    ]
    seg_rows = [
        [
            words("kpi.segment", lang),
            words("kpi.active", lang),
            words("kpi.eligible", lang),
            words("kpi.coverage", lang),
        ]
    ]
    seg_rows += [
        [
            segment_name(str(r.segment), lang),
            fmt.num(r.active),
            fmt.num(r.eligible),
            fmt.pct(r.coverage_pct),
        ]
        for r in c.segments.itertuples(index=False)
    ]
    return [
        Paragraph(
            words("kpi.summary", lang, area=esc(c.area_name), month=fmt.month(c.month)), s["h1"]
        ),
        _table(rows, [90 * mm, 60 * mm], 1),
        Spacer(1, 5 * mm),
        Paragraph(words("kpi.by_segment", lang), s["h2"]),
        _table(seg_rows, [60 * mm, 35 * mm, 40 * mm, 30 * mm], 1),
        Spacer(1, 3 * mm),
        Paragraph(words("kpi.segment_note", lang), s["small"]),
    ]


def _figure(png: bytes, title: str, note: str, s: dict[str, Any]) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image, KeepTogether, Paragraph, Spacer

    reader = ImageReader(io.BytesIO(png))
    w, h = reader.getSize()
    width = TEXT_WIDTH_MM * mm
    image = Image(io.BytesIO(png), width=width, height=width * h / w)
    return [
        KeepTogether([Paragraph(title, s["h1"]), image, Paragraph(note, s["small"])]),
        Spacer(1, 4 * mm),
    ]


def _villages(c: ReportContent, s: dict[str, Any]) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    lang = c.lang
    fmt = _formats(lang)
    rows: list[list[Any]] = [
        [
            "#",
            words("vil.village", lang),
            words("vil.kecamatan", lang),
            words("vil.uncovered", lang),
            words("vil.coverage", lang),
            words("vil.active", lang),
            words("vil.eligible", lang),
            words("vil.class", lang),
        ]
    ]
    for i, r in enumerate(c.top_villages.itertuples(index=False), start=1):
        rows.append(
            [
                str(i),
                Paragraph(
                    f"{esc(str(r.area_name))}<br/><font size=7>{r.area_code}</font>", s["cell"]
                ),
                Paragraph(esc(str(r.kecamatan)), s["cell"]),
                fmt.num(r.uncovered),
                fmt.pct(r.coverage_pct),
                fmt.num(r.active),
                fmt.num(r.eligible),
                r.class_label,
            ]
        )
    widths = [8 * mm, 42 * mm, 32 * mm, 20 * mm, 17 * mm, 16 * mm, 18 * mm, 27 * mm]
    out: list[Any] = [
        Paragraph(words("vil.title", lang, n=len(c.top_villages)), s["h1"]),
        Paragraph(
            words("vil.intro", lang, total=fmt.num(c.villages_total), area=esc(c.area_name)),
            s["body"],
        ),
        Spacer(1, 2 * mm),
    ]
    if len(c.top_villages):
        out.append(_table(rows, widths, 3))
    else:
        out.append(Paragraph(words("vil.none", lang), s["body"]))
    return out


def _sub_areas(c: ReportContent, s: dict[str, Any]) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    lang = c.lang
    fmt = _formats(lang)
    name = level_name(c.sub_level, lang)
    rows: list[list[Any]] = [
        [
            name,
            words("sub.code", lang),
            words("vil.active", lang),
            words("vil.eligible", lang),
            words("vil.coverage", lang),
            words("vil.uncovered", lang),
            words("sub.change", lang),
        ]
    ]
    rows += [
        [
            Paragraph(esc(str(r.area_name)), s["cell"]),
            r.area_code,
            fmt.num(r.active),
            fmt.num(r.eligible),
            fmt.pct(r.coverage_pct),
            fmt.num(r.uncovered),
            fmt.pp(r.change_yoy_pp),
        ]
        for r in c.sub_areas.itertuples(index=False)
    ]
    widths = [50 * mm, 22 * mm, 18 * mm, 20 * mm, 18 * mm, 24 * mm, 24 * mm]
    return [
        Spacer(1, 5 * mm),
        Paragraph(words("sub.title", lang, level=name.lower()), s["h1"]),
        _table(rows, widths, 2),
    ]


def _plan(c: ReportContent, s: dict[str, Any]) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    lang = c.lang
    fmt = _formats(lang)
    out: list[Any] = [Paragraph(words("plan.title", lang), s["h1"])]
    p = c.plan
    if p is None:
        return [*out, Paragraph(words("plan.none", lang), s["body"])]
    out.append(
        Paragraph(
            words(
                "plan.summary",
                lang,
                officers=fmt.num(p.officers),
                polsek=fmt.num(p.polsek),
                with_officer=fmt.num(p.villages_with_officer),
                villages=fmt.num(p.villages),
                since=fmt.month(p.since),
                events=fmt.num(p.events_recent),
                attendees=fmt.num(p.attendees_recent),
                registrations=fmt.num(p.registrations_recent),
            ),
            s["body"],
        )
    )
    rows: list[list[Any]] = [
        [
            words("plan.rank", lang),
            words("vil.village", lang),
            words("plan.uncovered", lang),
            words("plan.coverage", lang),
            "Polsek",
        ]
    ]
    rows += [
        [
            str(r.rank),
            Paragraph(
                f"{esc(str(r.village_name))}<br/><font size=7>{r.village_code}</font>", s["cell"]
            ),
            fmt.num(r.uncovered),
            fmt.pct(r.coverage_pct),
            Paragraph(esc(str(r.polsek)), s["cell"]),
        ]
        for r in p.priority.itertuples(index=False)
    ]
    return [
        *out,
        Spacer(1, 2 * mm),
        Paragraph(words("plan.priority", lang), s["h2"]),
        _table(rows, [20 * mm, 55 * mm, 32 * mm, 25 * mm, 48 * mm], 2),
        Paragraph(words("plan.no_officer", lang), s["small"]),
    ]


def _quality(c: ReportContent, s: dict[str, Any]) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    q = c.quality
    totals = q["totals"]
    lang = c.lang
    fmt = _formats(lang)
    rows = [
        [words("q.check", lang), words("q.count", lang)],
        [words("q.over_100", lang), fmt.num(q["over_100"])],
        [words("q.missing", lang), fmt.num(q["missing_eligible"])],
        [words("q.matched_kab", lang), fmt.num(q["matched_kabupaten"])],
        [words("q.unmatched_kab", lang), fmt.num(q["unmatched_kabupaten"])],
    ]
    if totals is not None:
        rows += [
            [words(f"q.{key}", lang), fmt.num(totals[key])]
            for key in ("rows_in", "matched", "unmatched", "rejected", "duplicates")
        ]
    return [
        Spacer(1, 5 * mm),
        Paragraph(words("q.title", lang), s["h1"]),
        Paragraph(words("q.intro", lang), s["body"]),
        _table(rows, [110 * mm, 40 * mm], 1),
    ]


def _method(c: ReportContent, s: dict[str, Any]) -> list[Any]:
    from reportlab.platypus import Paragraph

    lang = c.lang
    out: list[Any] = [Paragraph(words("method.title", lang), s["h1"])]
    out += [
        Paragraph(f"<b>{esc(term)}.</b> {esc(note)}", s["body"])
        for term, note in method_notes(lang)
    ]
    sources = ", ".join(
        f"{src.get('file')} ({src.get('kind')})" for src in c.meta.get("sources") or []
    )
    out.append(
        Paragraph(f"<b>{words('method.sources', lang)}</b> {esc(sources or MISSING)}", s["body"])
    )
    out += [Paragraph(esc(note), s["small"]) for note in c.footnotes]
    return out


def _section(flowables: list[Any]) -> list[Any]:
    """``flowables`` starting on a new page only when the current one has too little room
    left (:data:`SECTION_MIN_MM`)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak

    return [CondPageBreak(SECTION_MIN_MM * mm), *flowables]


def render_report(c: ReportContent, map_png: bytes, trend_png: bytes, generated: str) -> bytes:
    """The report PDF (A4 portrait) as bytes; ``generated`` is the date written on it."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    s = _styles()
    lang = c.lang
    month = text.month_long(c.month, lang)
    story: list[Any] = _cover(c, s, generated)
    story += _kpis(c, s)
    story += [Spacer(1, 5 * mm)]
    story += _figure(map_png, words("fig.map", lang, month=month), words("fig.map_note", lang), s)
    story += _figure(trend_png, words("fig.trend", lang), words("fig.trend_note", lang), s)
    story += _section(_villages(c, s))
    story += _section(_sub_areas(c, s))
    story += _section(_plan(c, s))
    story += _section(_quality(c, s))
    story += _section(_method(c, s))
    footer = f"Cakupan · {c.area_name} ({c.area_code}) · {month}"
    if c.meta.get("data_until"):
        footer += f" · {words('footer.data_until', lang, value=c.meta['data_until'])}"
    if c.meta.get("demo"):
        footer += f" · {words('footer.synthetic', lang)}"
    return a4_pdf(
        story,
        title=words("doc.title", lang, area=c.area_name, month=month),
        subject=f"Cakupan {c.segment}, {c.area_name} ({c.area_code}), {month}",
        footer=footer,
        page_of=words("footer.page_of", lang),
    )
