"""The sheets of a small download (the village profile) as a one-document A4 PDF.

The same :class:`~analytics.report.village_profile.Sheet` objects that become the XLSX
workbook are laid out here, so the spreadsheet and the paper copy carry the same figures
and words: each sheet is a heading, its key-value lines, its table and its notes. Numbers
are written with :mod:`analytics.formatting` in the document's language (``15,2`` in
Indonesian), the hidden-count mark stays as it is, and a sheet may carry a vector line chart
(reportlab graphics, never a raster) of one of its columns over the rows, e.g. coverage by
month. Every page has the footer and "Halaman i dari n" of :mod:`analytics.report.pdf_pages`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from analytics import formatting
from analytics.exports.tables import table_rows
from analytics.report.pdf_pages import a4_pdf
from analytics.report.pdf_pages import pdf_text as esc

if TYPE_CHECKING:
    from analytics.report.village_profile import Sheet

#: Smallest type on the page: table cells and notes print at 8 pt or more (issue 14: ≥ 7 pt).
CELL_PT: Final = 8.0
PAGE_OF: Final = {"id": "Halaman {page} dari {pages}", "en": "Page {page} of {pages}"}


@dataclass(frozen=True)
class LineChart:
    """A line chart of ``value`` (a column of the sheet's frame) over ``label`` rows."""

    label: str
    value: str
    title: str
    #: A horizontal reference line (e.g. the coverage target), or None.
    reference: float | None = None
    reference_label: str = ""


def cell_text(value: object, kind: str, lang: str) -> str:
    """One table cell as printed: numbers in the language's format, text as given."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return value
    if kind == "int":
        return formatting.count(value, lang)
    if kind in ("pct", "pp"):
        return formatting.decimal(value, lang, digits=1)
    if kind == "float":
        return formatting.decimal(value, lang, digits=2)
    return str(value)


def _chart(sheet: Sheet, chart: LineChart, lang: str, width: float) -> Any:
    from reportlab.graphics.charts.lineplots import LinePlot
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    frame = sheet.frame
    points = [
        (i, float(v))
        for i, v in enumerate(frame[chart.value])
        if isinstance(v, int | float) and not (isinstance(v, float) and math.isnan(v))
    ]
    height = 150.0
    drawing = Drawing(width, height)
    if not points:
        return None
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 40, 30, width - 60, height - 50
    lines = [points]
    if chart.reference is not None:
        lines.append([(0, chart.reference), (max(len(frame) - 1, 1), chart.reference)])
    plot.data = lines
    plot.lines[0].strokeColor = colors.Color(0.13, 0.4, 0.67)
    plot.lines[0].strokeWidth = 1.5
    if chart.reference is not None:
        plot.lines[1].strokeColor = colors.black
        plot.lines[1].strokeDashArray = (3, 2)
        plot.lines[1].strokeWidth = 0.8
    labels = [str(v) for v in frame[chart.label]]
    step = max(1, math.ceil(len(labels) / 8))
    plot.xValueAxis.valueMin = 0
    plot.xValueAxis.valueMax = max(len(labels) - 1, 1)
    plot.xValueAxis.valueSteps = list(range(0, len(labels), step))
    plot.xValueAxis.labelTextFormat = lambda i: labels[int(i)] if 0 <= int(i) < len(labels) else ""
    plot.xValueAxis.labels.fontSize = CELL_PT
    plot.yValueAxis.valueMin = 0
    top = max([p[1] for p in points] + [chart.reference or 0.0])
    plot.yValueAxis.valueMax = max(1.0, math.ceil(top * 1.1))
    plot.yValueAxis.labels.fontSize = CELL_PT
    plot.yValueAxis.labelTextFormat = lambda v: formatting.decimal(v, lang, digits=0)
    drawing.add(plot)
    drawing.add(String(40, height - 12, chart.title, fontName="Helvetica-Bold", fontSize=9))
    if chart.reference is not None and chart.reference_label:
        drawing.add(
            String(
                width - 20, height - 12, chart.reference_label, fontSize=CELL_PT, textAnchor="end"
            )
        )
    return drawing


def sheets_pdf(
    title: str,
    sheets: Sequence[Sheet],
    lang: str,
    *,
    footer: str,
    charts: dict[str, LineChart] | None = None,
) -> bytes:
    """An A4 PDF of ``sheets`` under ``title``; ``charts`` maps a sheet name to its chart."""
    from reportlab.lib import colors
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )

    base = getSampleStyleSheet()
    body = base["BodyText"].clone("sheet-body", fontSize=9.5, leading=12.5)
    small = body.clone("sheet-small", fontSize=CELL_PT, leading=10)
    h1 = base["Title"].clone("sheet-title", fontSize=17, leading=21, alignment=0)
    h2 = base["Heading2"].clone("sheet-h2", fontSize=12, leading=15)
    width = 210 * mm - 30 * mm  # A4 less the two margins
    story: list[Any] = [Paragraph(esc(title), h1)]
    for sheet in sheets:
        # the first sheet's title is often the document's own: printed once
        block: list[Any] = [] if sheet.title == title else [Paragraph(esc(sheet.title), h2)]
        if sheet.lines:
            rows = [
                [Paragraph(esc(k), small), Paragraph(esc(cell_text(v, "text", lang)), small)]
                for k, v in sheet.lines
            ]
            block.append(Table(rows, colWidths=[width * 0.35, width * 0.65], hAlign="LEFT"))
        story.append(KeepTogether(block))
        chart = (charts or {}).get(sheet.name)
        if chart is not None and not sheet.frame.empty:
            drawing = _chart(sheet, chart, lang, width)
            if drawing is not None:
                story += [Spacer(1, 3 * mm), drawing]
        if sheet.columns:
            header = [Paragraph(f"<b>{esc(c.header)}</b>", small) for c in sheet.columns]
            kinds = [c.kind for c in sheet.columns]
            rows = [header] + [
                [cell_text(v, k, lang) for v, k in zip(row, kinds, strict=True)]
                for row in table_rows(sheet.frame, sheet.columns)
            ]
            numeric = [i for i, k in enumerate(kinds) if k != "text"]
            style = [
                ("FONT", (0, 1), (-1, -1), "Helvetica", CELL_PT + 0.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.86, 0.86, 0.86)),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.Color(0.6, 0.6, 0.6)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ] + [("ALIGN", (i, 1), (i, -1), "RIGHT") for i in numeric]
            story += [Spacer(1, 2 * mm), Table(rows, repeatRows=1, style=TableStyle(style))]
        for note in sheet.notes:
            story.append(Paragraph(esc(note), small))
        story.append(Spacer(1, 5 * mm))
    return a4_pdf(
        story,
        title=title,
        subject=footer,
        footer=footer,
        page_of=PAGE_OF.get(lang, PAGE_OF["en"]),
    )
