"""The area report from a store: content, figures (Kaleido) and PDF, with progress.

Used by ``cakupan report`` and by the dashboard's background export job. The store passed
in is the caller's: the app passes ``current_store()`` (the user's territory), the CLI the
folder it was given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

import pandas as pd

from analytics.access import AccessDenied
from analytics.codes import level_of
from analytics.report.content import assemble_report
from analytics.report.pdf import render_report
from analytics.settings import Settings
from analytics.store.reader import Store, StoreError
from layouts.core.data_access import StoreLike
from layouts.core.url_state import ViewState, resolve
from layouts.exports.figures import map_export, trend_export
from layouts.exports.rendering import SIZES, render
from layouts.map.callbacks import store_facts

#: The figures in the report: laid out at their printed size (180 mm wide), 300 dpi.
REPORT_FIGURE: Final = SIZES["report"]
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

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ReportRequest:
    area: str
    month: str  # YYYY-MM, "" for the latest month
    segment: str = "BPU"
    threshold: int | None = 5
    lang: str = "id"  # the report's language: words, numbers, months, figures


def area_coverage(store: StoreLike, area: str) -> pd.DataFrame:
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


def build_area_report(
    store: StoreLike,
    settings: Settings,
    request: ReportRequest,
    *,
    today: date | None = None,
    progress: Progress | None = None,
) -> bytes:
    """The report PDF for one area. Raises ``KeyError`` for an unknown area or month."""
    step = progress or (lambda _step, _done, _total: None)
    today = today or date.today()
    facts = store_facts(store, settings)
    if request.area not in facts.names:
        raise KeyError(f"area {request.area} is not in the store {store.root}")
    if request.month and request.month not in facts.months:
        raise KeyError(
            f"month {request.month} is not in the store (it holds {facts.months[0]} to "
            f"{facts.months[-1]})"
        )
    level = "kecamatan" if level_of(request.area) == "provinsi" else "desa"
    # resolve (not resolve_state): the app checks the territory in the request before it
    # starts this job in a worker thread, where there is no request to check against.
    state = resolve(
        ViewState(
            level=level,
            area=request.area,
            month=request.month,
            segment=request.segment,
            lang=request.lang,
        ),
        set(facts.names),
        facts.months,
        facts.root_codes,
    )
    if state.area != request.area:  # a village: report on it inside its kecamatan's map
        state = state.with_(area=request.area[:8])
    total = len(STEPS)
    step("data", 0, total)
    areas = store.areas()
    content = assemble_report(
        coverage=area_coverage(store, state.area),
        areas=areas,
        quality=store.quality(),
        reconciliation=_optional(store.reconciliation) or {},
        meta=store.meta(),
        area_code=state.area,
        month=pd.Timestamp(f"{state.month}-01"),
        segment=state.segment,
        target_pct=facts.target_pct,
        threshold=request.threshold,
        officers=_optional(store.officers),
        events=_optional(store.events),
        lang=request.lang,
    )
    step("map", 1, total)
    fig = map_export(
        store, settings, state, threshold=request.threshold, exported_on=today, size="report"
    )
    map_png = render(fig, "png", REPORT_FIGURE)
    step("trend", 2, total)
    fig = trend_export(
        store, settings, state, threshold=request.threshold, exported_on=today, size="report"
    )
    trend_png = render(fig, "png", REPORT_FIGURE)
    step("pdf", 3, total)
    pdf = render_report(content, map_png, trend_png, generated=f"{today:%d-%m-%Y}")
    step("pdf", 4, total)
    return pdf


def kabupaten_codes(store: StoreLike) -> list[str]:
    areas = store.areas()
    return sorted(areas.loc[areas["level"] == "kabupaten", "area_code"])


def report_file_name(area: str, month: str, segment: str) -> str:
    return f"laporan_{area.replace('.', '-')}_{month}_{segment}.pdf"


def write_reports(
    store_dir: Path,
    settings: Settings,
    areas: list[str],
    month: str,
    out: Path,
    *,
    segment: str,
    threshold: int | None,
    progress: Progress | None = None,
    lang: str = "id",
) -> list[Path]:
    """One PDF per area into ``out`` (a folder when several areas, else the file)."""
    store = Store(Path(store_dir))
    if not store.exists():
        raise StoreError(f"{store_dir} holds no store: run `cakupan build ... --out {store_dir}`")
    written = []
    for i, area in enumerate(areas):
        request = ReportRequest(area, month, segment, threshold, lang)
        pdf = build_area_report(store, settings, request)
        target = out
        if len(areas) > 1 or out.suffix.lower() != ".pdf":
            month_text = month or store_facts(store, settings).months[-1]
            target = out / report_file_name(area, month_text, segment)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pdf)
        written.append(target)
        if progress:
            progress("reports", i + 1, len(areas))
    return written
