"""Static figure files (PNG, SVG, PDF) rendered server-side by Kaleido in Debian's Chromium.

:func:`export_figure` renders a figure; :func:`decorate` first adds what a reader of a
printed page needs: a title block (title, area, month, segment), a footer (data source,
data date, export date, notes) and, for maps, a legend panel (:func:`legend_panel`).

Kaleido v1 drives a headless Chrome through choreographer. We point it at
``/usr/bin/chromium`` (never ``kaleido.get_chrome``: nothing is downloaded), disable MathJax
(a CDN script) and use plotly.py's bundled plotly.js, so an export works offline. One
browser is started lazily on the first export and kept for the process
(``kaleido.start_sync_server``): a cold export costs seconds, a warm one a fraction.
Kaleido's sync server hands results back through one shared queue, so calls are
serialised with a lock; callers run exports off the request thread when they are long
(see :mod:`layouts.export_jobs`).
"""

from __future__ import annotations

import html
import io
import re
import struct
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import plotly.graph_objects as go

from analytics.formatting import markup_text
from layouts import theme

Format = Literal["png", "svg", "pdf"]
Size = Literal["screen", "print", "report"]
FORMATS: Final[tuple[Format, ...]] = ("png", "svg", "pdf")
MEDIA_TYPES: Final[dict[str, str]] = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
}
CHROMIUM: Final = Path("/usr/bin/chromium")
RENDER_TIMEOUT_S: Final = 60


@dataclass(frozen=True)
class PageSize:
    """Layout size in CSS pixels and the scale of the raster (PNG) output."""

    width: int
    height: int
    scale: float

    @property
    def pixels(self) -> tuple[int, int]:
        return round(self.width * self.scale), round(self.height * self.scale)


#: A4 landscape at 96 px/inch (297 x 210 mm); print is the same page at 300 dpi. The area
#: report's figures are laid out at the size they print (180 mm = 680 CSS px, the A4
#: portrait text width) at 300 dpi, so a 11 px label prints at 8.25 pt, never shrunk.
SIZES: Final[dict[str, PageSize]] = {
    "screen": PageSize(1123, 794, 1.0),
    "print": PageSize(1123, 794, 300 / 96),
    "report": PageSize(680, 400, 300 / 96),
}
#: The smallest text an exported figure writes (footer lines), in CSS px (1 px = 0.75 pt).
MIN_FONT_PX: Final = 11


class ExportError(RuntimeError):
    """A figure could not be rendered; the message says why and what to do."""


# Kaleido's server is one browser per process; this lock serialises access to it (its
# result queue is shared, so two concurrent calls could swap results).
_KALEIDO_LOCK: Final = threading.Lock()


def _start_kaleido() -> None:
    import kaleido

    if not CHROMIUM.exists():
        raise ExportError(
            f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install "
            "chromium) to export images; Cakupan never downloads a browser"
        )
    kaleido.start_sync_server(
        path=str(CHROMIUM), mathjax=False, timeout=RENDER_TIMEOUT_S, silence_warnings=True
    )


def stop_kaleido() -> None:
    """Close the export browser (tests, shutdown); the next export starts a new one."""
    import kaleido

    with _KALEIDO_LOCK:
        kaleido.stop_sync_server(silence_warnings=True)


def render(fig: go.Figure | dict[str, Any], fmt: Format, page: PageSize) -> bytes:
    """Render ``fig`` with Kaleido (the browser starts on the first call)."""
    import kaleido

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {FORMATS}")
    opts = {"format": fmt, "width": page.width, "height": page.height}
    opts["scale"] = page.scale if fmt == "png" else 1  # type: ignore[assignment]
    # Kaleido takes the base map's address as an argument, not from the figure's config
    # (layouts.print_map sets an offline one for geo maps).
    config = fig.get("config") if isinstance(fig, dict) else None
    topojson = (config or {}).get("topojsonURL")
    with _KALEIDO_LOCK:
        _start_kaleido()
        try:
            data = kaleido.calc_fig_sync(fig, opts=opts, topojson=topojson)
        except Exception as exc:  # kaleido raises its own and choreographer's errors
            raise ExportError(f"the figure could not be rendered as {fmt}: {exc}") from exc
    if fmt == "png":
        return png_with_dpi(bytes(data), CSS_DPI * page.scale)
    if fmt == "pdf":
        return pdf_with_metadata(bytes(data), *figure_titles(fig))
    return bytes(data)


#: CSS pixels per inch: a layout pixel at scale 1 is 1/96 inch.
CSS_DPI: Final = 96
_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"


def png_with_dpi(png: bytes, dpi: float) -> bytes:
    """``png`` with a ``pHYs`` chunk saying ``dpi`` (in pixels per metre, as PNG stores it),
    so Word or LibreOffice place a 300 dpi print file at its printed size. The chunk goes
    right after ``IHDR`` (the PNG spec wants it before the image data); an existing
    ``pHYs`` is replaced. The pixels are not re-encoded."""
    if png[:8] != _PNG_SIGNATURE or png[12:16] != b"IHDR":
        raise ExportError("the renderer returned something that is not a PNG")
    per_metre = round(dpi / 0.0254)
    payload = struct.pack(">IIB", per_metre, per_metre, 1)  # unit 1 = metre
    chunk = struct.pack(">I", len(payload)) + b"pHYs" + payload
    chunk += struct.pack(">I", zlib.crc32(b"pHYs" + payload))
    head_end = 8 + 12 + struct.unpack(">I", png[8:12])[0]  # signature + IHDR chunk
    rest, pos, kept = png[head_end:], 0, []
    while pos < len(rest):  # drop any pHYs already there
        length = struct.unpack(">I", rest[pos : pos + 4])[0]
        end = pos + 12 + length
        if rest[pos + 4 : pos + 8] != b"pHYs":
            kept.append(rest[pos:end])
        pos = end
    return png[:head_end] + chunk + b"".join(kept)


def figure_titles(fig: go.Figure | dict[str, Any]) -> tuple[str, str]:
    """(title, subtitle) as plain text from the title block :func:`decorate` writes
    (``<b>title</b><br><span>subtitle</span>``); empty strings when there is none."""
    layout = fig.get("layout", {}) if isinstance(fig, dict) else fig.layout.to_plotly_json()
    title = layout.get("title") or {}
    text = title.get("text", "") if isinstance(title, dict) else str(title)
    first, _, rest = (text or "").partition("<br>")

    def plain(markup: str) -> str:
        return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", markup)).split())

    return plain(first), plain(rest)


def pdf_with_metadata(pdf: bytes, title: str, subject: str) -> bytes:
    """``pdf`` with its document information set: the figure's title and subtitle, author
    and creator "Cakupan" (Kaleido's Chromium writes "Kaleido-fier" and its user agent)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.metadata = {
        "/Title": title or "Cakupan",
        "/Subject": subject,
        "/Author": "Cakupan",
        "/Creator": "Cakupan",
        "/Producer": "Cakupan (Plotly, Kaleido, pypdf)",
    }
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def export_figure(fig: go.Figure | dict[str, Any], fmt: Format, size: Size = "screen") -> bytes:
    """``fig`` as PNG, SVG or PDF bytes at the ``screen`` or ``print`` (300 dpi) size."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; use one of {tuple(SIZES)}")
    return render(fig, fmt, SIZES[size])


@dataclass(frozen=True)
class ExportHeader:
    """The text around an exported figure (already translated and formatted)."""

    title: str
    area: str
    month: str
    segment: str
    source: str
    data_date: str
    exported: str
    notes: tuple[str, ...] = ()

    @property
    def subtitle(self) -> str:
        return " · ".join(part for part in (self.area, self.month, self.segment) if part)

    @property
    def footer(self) -> list[str]:
        first = " · ".join(p for p in (self.source, self.data_date, self.exported) if p)
        return [first, *self.notes]

    @property
    def footer_narrow(self) -> list[str]:
        """The footer on a narrow page (the report's figures): source on its own line."""
        dates = " · ".join(p for p in (self.data_date, self.exported) if p)
        return [line for line in (self.source, dates) if line] + list(self.notes)


TITLE_PX: Final = 92
#: Pages narrower than this (CSS px) print the footer's source and dates on two lines.
NARROW_PX: Final = 1000
FOOTER_LINE_PX: Final = 16


def decorate(
    fig: go.Figure | dict[str, Any],
    header: ExportHeader,
    *,
    size: Size = "screen",
    legend_below_px: int = 0,
) -> go.Figure:
    """A copy of ``fig`` at the export size with the title block and footer.

    ``legend_below_px`` reserves room under the plot for a horizontal Plotly legend (trend
    charts); maps draw their legend with :func:`legend_panel` instead.
    """
    page = SIZES[size]
    out = go.Figure(fig)
    footer = header.footer if page.width >= NARROW_PX else header.footer_narrow
    bottom = 14 + FOOTER_LINE_PX * len(footer) + legend_below_px
    plot_h = page.height - TITLE_PX - bottom
    out.update_layout(
        width=page.width,
        height=page.height,
        margin={"l": 56, "r": 24, "t": TITLE_PX, "b": bottom},
        title={
            "text": f"<b>{markup_text(header.title)}</b><br><span style='font-size:14px'>"
            f"{markup_text(header.subtitle)}</span>",
            "x": 0.02,
            "xref": "container",
            "xanchor": "left",
            "y": 1 - 30 / page.height,
            "yref": "container",
            "yanchor": "top",
            "font": {"size": 20, "color": theme.INK},
        },
        paper_bgcolor="white",
    )
    if legend_below_px:
        out.update_layout(
            showlegend=True,
            legend={
                "orientation": "h",
                "x": 0,
                "xanchor": "left",
                "y": -34 / plot_h,
                "yanchor": "top",
            },
        )
    for i, line in enumerate(footer):
        out.add_annotation(
            text=markup_text(line),
            xref="paper",
            yref="paper",
            x=0,
            xanchor="left",
            y=(8 + FOOTER_LINE_PX * (len(footer) - 1 - i) - bottom) / plot_h,
            yanchor="bottom",
            showarrow=False,
            align="left",
            font={"size": MIN_FONT_PX, "color": theme.MUTED},
        )
    return out


@dataclass(frozen=True)
class LegendEntry:
    color: str
    label: str
    count: int | None = None


def legend_panel(
    fig: go.Figure, title: str, entries: list[LegendEntry], *, x0: float, y_top: float = 1.0
) -> go.Figure:
    """Draw a legend of colour swatches with labels (and counts) in paper coordinates, for
    traces without a Plotly legend (MapLibre choropleths). ``fig`` must already have its
    final size (see :func:`decorate`). Returns ``fig`` for chaining."""
    layout = fig.layout
    plot_h = layout.height - layout.margin.t - layout.margin.b
    plot_w = layout.width - layout.margin.l - layout.margin.r
    row, box = 26 / plot_h, 16
    fig.add_annotation(
        text=f"<b>{markup_text(title)}</b>",
        xref="paper",
        yref="paper",
        x=x0,
        y=y_top,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font={"size": 14, "color": theme.INK},
    )
    for i, entry in enumerate(entries):
        y = y_top - row * (i + 1.4)
        fig.add_shape(
            type="rect",
            xref="paper",
            yref="paper",
            x0=x0,
            x1=x0 + box / plot_w,
            y0=y - box / plot_h / 2,
            y1=y + box / plot_h / 2,
            fillcolor=entry.color,
            line={"color": theme.OUTLINE, "width": 0.8},
        )
        count = "" if entry.count is None else f"  ({entry.count})"
        fig.add_annotation(
            text=markup_text(entry.label + count),
            xref="paper",
            yref="paper",
            x=x0 + (box + 8) / plot_w,
            y=y,
            xanchor="left",
            yanchor="middle",
            showarrow=False,
            font={"size": 13, "color": theme.INK},
        )
    return fig
