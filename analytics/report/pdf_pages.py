"""Page furniture shared by every PDF Cakupan writes (area reports, briefing sheets)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any, Final
from xml.sax.saxutils import escape

#: Longest text (in characters) a PDF prints from a data value: a longer name is cut with
#: an ellipsis, so a hostile or broken value cannot overflow a table cell or a page.
PDF_TEXT_MAX: Final = 300


def pdf_text(value: object, limit: int = PDF_TEXT_MAX) -> str:
    """``value`` as reportlab paragraph markup: cut to ``limit`` characters, then escaped."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return escape(text)


def numbered_canvas(
    footer: str,
    *,
    font_size: float = 8.0,
    gray: float = 0.2,
    page_of: str = "Halaman {page} dari {pages}",
) -> type:
    """A reportlab canvas class that draws ``footer`` and "Halaman i dari n" on every page.

    The total page count is only known when the document is saved, so pages are kept and
    drawn at the end (the classic two-pass reportlab recipe). ``page_of`` is the page
    number's words (``Page {page} of {pages}`` in English).
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    class NumberedCanvas(canvas.Canvas):
        """Draws the footer and "Halaman i dari n" once the page count is known."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont("Helvetica", font_size)
                self.setFillGray(gray)
                self.drawString(15 * mm, 9.5 * mm, footer)
                self.drawRightString(
                    A4[0] - 15 * mm,
                    9.5 * mm,
                    page_of.format(page=self._pageNumber, pages=total),
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def a4_pdf(story: Sequence[Any], *, title: str, subject: str, footer: str, page_of: str) -> bytes:
    """The PDF bytes of ``story`` on A4 portrait with Cakupan's margins (15 mm; 18 mm at
    the foot for the footer), document information (title, subject, author and creator
    "Cakupan") and the numbered footer of :func:`numbered_canvas`."""
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
    doc.build(list(story), canvasmaker=numbered_canvas(footer, page_of=page_of))
    return buffer.getvalue()
