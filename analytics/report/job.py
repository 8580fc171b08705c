"""The area report of a store, Dash-free: the content (:mod:`analytics.report.content`),
the two figures the caller draws, and the PDF (:mod:`analytics.report.pdf`), with progress;
one file per area for ``cakupan report``.

The figures are the screen's own map and trend builders (plotly, rendered by Kaleido), so
they are drawn by the caller: :mod:`layouts.exports.report_job` resolves the request to the
view the screen would show (:class:`ReportView`) and draws them. The store passed in is the
caller's: the app passes the user's territory, the CLI the folder it was given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final, Protocol

import pandas as pd

from analytics import formatting as fmt
from analytics.access import AccessDenied
from analytics.io.outputs import write_files
from analytics.progress import Progress
from analytics.report.content import assemble_report
from analytics.report.pdf import render_report
from analytics.store.reader import StoreError

STEPS: Final = ("data", "map", "trend", "pdf")
STEP_LABELS: Final = {
    "data": "Menyusun data",
    "map": "Menggambar peta",
    "trend": "Menggambar tren",
    "pdf": "Menyusun PDF",
}
STEP_LABELS_EN: Final = {
    "data": "Assembling the data",
    "map": "Drawing the map",
    "trend": "Drawing the trend",
    "pdf": "Laying out the PDF",
}


class ReportStore(Protocol):
    """The reads a report makes (a :class:`~analytics.store.reader.Store` or one user's
    :class:`~analytics.store.territory.TerritoryStore`)."""

    @property
    def root(self) -> Path: ...
    def areas(self) -> pd.DataFrame: ...
    def coverage_rows(self, *, codes: Any = None) -> pd.DataFrame: ...
    def quality(self) -> pd.DataFrame: ...
    def reconciliation(self) -> dict[str, Any]: ...
    def meta(self) -> dict[str, Any]: ...
    def officers(self) -> pd.DataFrame: ...
    def events(self) -> pd.DataFrame: ...


@dataclass(frozen=True)
class ReportRequest:
    area: str
    month: str  # YYYY-MM, "" for the latest month
    segment: str = "BPU"
    threshold: int | None = 5
    lang: str = "id"  # the report's language: words, numbers, months, figures
    target: float | None = None  # coverage target in percent; None: the store's configured one


@dataclass(frozen=True)
class ReportView:
    """A request fitted to the store, as the screen would show it: the area (a village's
    kecamatan), the month (the latest for ""), the segment and the coverage target."""

    area: str
    month: str
    segment: str
    target_pct: float


#: Draws one figure of the report ("map" or "trend") as PNG bytes.
DrawFigure = Callable[[str], bytes]


def area_coverage(store: ReportStore, area: str) -> pd.DataFrame:
    """The coverage rows of ``area`` and the areas inside it (all the report reads), asked
    of the store by code: on a national store a kabupaten's ~76,000 rows, not 16 million."""
    codes = store.areas()["area_code"].astype("str")
    inside = codes[codes.eq(area) | codes.str.startswith(area + ".")] if area else codes[:0]
    return store.coverage_rows(codes=sorted(inside))


def _optional(read: Callable[[], Any]) -> Any:
    """A read the store may not have (no roster) or the user may not see: ``None``."""
    try:
        return read()
    except (StoreError, AccessDenied, AttributeError):
        return None


def report_pdf(
    store: ReportStore,
    request: ReportRequest,
    view: ReportView,
    draw: DrawFigure,
    *,
    today: date,
    progress: Progress | None = None,
) -> bytes:
    """The report PDF of ``view``: content, the figures ``draw`` makes, the layout."""
    step = progress or (lambda _step, _done, _total: None)
    total = len(STEPS)
    step("data", 0, total)
    areas = store.areas()
    content = assemble_report(
        coverage=area_coverage(store, view.area),
        areas=areas,
        quality=store.quality(),
        reconciliation=_optional(store.reconciliation) or {},
        meta=store.meta(),
        area_code=view.area,
        month=pd.Timestamp(f"{view.month}-01"),
        segment=view.segment,
        target_pct=view.target_pct,
        threshold=request.threshold,
        officers=_optional(store.officers),
        events=_optional(store.events),
        lang=request.lang,
    )
    step("map", 1, total)
    map_png = draw("map")
    step("trend", 2, total)
    trend_png = draw("trend")
    step("pdf", 3, total)
    pdf = render_report(content, map_png, trend_png, generated=fmt.day(today, request.lang))
    step("pdf", 4, total)
    return pdf


def kabupaten_codes(store: ReportStore) -> list[str]:
    areas = store.areas()
    return sorted(areas.loc[areas["level"] == "kabupaten", "area_code"])


#: The words of a report's file name per language: ``laporan_99-01_…`` / ``report_99-01_…``;
#: the whole store (no area) is ``semua`` / ``all``.
_FILE_WORDS: Final = {"id": ("laporan", "semua"), "en": ("report", "all")}


def report_file_name(area: str, month: str, segment: str, lang: str = "id") -> str:
    """``laporan_<area>_<month>_<segment>.pdf`` in the report's language."""
    word, everything = _FILE_WORDS.get(lang, _FILE_WORDS["id"])
    return f"{word}_{(area or everything).replace('.', '-')}_{month}_{segment}.pdf"


def write_reports(
    build: Callable[[ReportRequest], tuple[ReportView, bytes]],
    areas: Sequence[str],
    month: str,
    out: Path,
    *,
    segment: str,
    threshold: int | None,
    progress: Progress | None = None,
    lang: str = "id",
) -> list[Path]:
    """One PDF per area (``build`` makes it) into ``out``: a folder when several areas or
    ``out`` is not a ``.pdf``, else the file."""
    written = []
    for i, area in enumerate(areas):
        view, pdf = build(ReportRequest(area, month, segment, threshold, lang))
        target = out
        if len(areas) > 1 or out.suffix.lower() != ".pdf":
            target = out / report_file_name(area, month or view.month, segment, lang)
        written += write_files(target.parent, {target.name: pdf})
        if progress:
            progress("reports", i + 1, len(areas))
    return written
