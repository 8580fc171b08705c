"""The area report's figures: a request fitted to the store as the screen shows it, and the
map and trend drawn with the screen's builders (Kaleido). The rest of the report (content,
PDF, files) is :mod:`analytics.report.job`, Dash-free.

Used by ``cakupan report`` and by the dashboard's background export job
(:mod:`layouts.exports.ui`). The store passed in is the caller's: the app passes
``current_store()`` (the user's territory), the CLI the folder it was given.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Final

from analytics.codes import level_of
from analytics.progress import Progress
from analytics.report.job import ReportRequest, ReportView, report_pdf
from analytics.settings import Settings
from analytics.store.reader import Store, StoreError
from layouts.core.store_access import StoreLike, store_facts
from layouts.core.url_state import ViewState, effective_target, resolve
from layouts.exports.figures import map_export, trend_export
from layouts.exports.rendering import SIZES, render

#: The figures in the report: laid out at their printed size (180 mm wide), 300 dpi.
REPORT_FIGURE: Final = SIZES["report"]


def report_state(store: StoreLike, settings: Settings, request: ReportRequest) -> ViewState:
    """The map view the report shows. Raises ``KeyError`` for an unknown area or month."""
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
            target=request.target,
        ),
        set(facts.names),
        facts.months,
        facts.root_codes,
    )
    if state.area != request.area:  # a village: report on it inside its kecamatan's map
        state = state.with_(area=request.area[:8])
    return state


def area_report(
    store: StoreLike,
    settings: Settings,
    request: ReportRequest,
    *,
    today: date | None = None,
    progress: Progress | None = None,
) -> tuple[ReportView, bytes]:
    """The view and the report PDF of one area. ``KeyError`` for an unknown area or month."""
    today = today or date.today()
    state = report_state(store, settings, request)
    target = effective_target(state, store_facts(store, settings).target_pct)
    view = ReportView(state.area, state.month, state.segment, target)

    def draw(kind: str) -> bytes:
        export = map_export if kind == "map" else trend_export
        fig = export(
            store, settings, state, threshold=request.threshold, exported_on=today, size="report"
        )
        return render(fig, "png", REPORT_FIGURE)

    return view, report_pdf(store, request, view, draw, today=today, progress=progress)


def build_area_report(
    store: StoreLike,
    settings: Settings,
    request: ReportRequest,
    *,
    today: date | None = None,
    progress: Progress | None = None,
) -> bytes:
    """The report PDF for one area. Raises ``KeyError`` for an unknown area or month."""
    return area_report(store, settings, request, today=today, progress=progress)[1]


def report_builder(
    store_dir: Path, settings: Settings
) -> Callable[[ReportRequest], tuple[ReportView, bytes]]:
    """:func:`area_report` on the store at ``store_dir``, for
    :func:`analytics.report.job.write_reports` (``cakupan report``)."""
    store = Store(Path(store_dir), cache_dir=settings.cache_dir)
    if not store.exists():
        raise StoreError(f"{store_dir} holds no store: run `cakupan build ... --out {store_dir}`")
    return lambda request: area_report(store, settings, request)
