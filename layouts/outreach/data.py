"""What the outreach page reads, through the store the data access layer hands out.

Every function takes the store from :func:`layouts.core.data_access.current_store` (a view
limited to the user's territory in the app, the plain store in tests) and only calls its
methods. Plans and impact are kept by the data manager (:mod:`analytics.store.cache`)
per store view (role and territory), every input and the files' versions, so a rebuild
is picked up and no territory sees another's results.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from analytics.outreach.impact import ImpactResult, event_impact
from analytics.outreach.priority import PriorityWeights, village_rows_in
from analytics.outreach.scope import plan_scope, stored_events, stored_officers
from analytics.store.reader import (
    AREAS_FILE,
    COVERAGE_FILE,
    EVENTS_FILE,
    META_FILE,
    OFFICERS_FILE,
    WEEKLY_FILE,
)
from layouts.core.data_access import geo_url
from layouts.core.figures import fit_view
from layouts.core.store_access import DATA, geojson_bounds, version_of
from layouts.outreach.views import OutreachPlan

IMPACT_WINDOW_WEEKS = 4


@dataclass(frozen=True)
class OutreachData:
    """The frames the page needs, as the user may see them."""

    areas: pd.DataFrame
    officers: pd.DataFrame
    events: pd.DataFrame
    as_of: pd.Timestamp
    meta: dict[str, Any]


read_officers = stored_officers
read_events = stored_events


def read_outreach(store: Any) -> OutreachData | None:
    """Everything the plan needs; ``None`` when the store has no roster."""
    officers = read_officers(store)
    if officers is None:
        return None
    meta = store.meta()
    months = store.coverage_months()  # a damaged coverage file is reported here, as before
    until = meta.get("data_until")
    as_of = pd.Timestamp(until) if until else pd.Timestamp(f"{months[-1]}-01")
    return OutreachData(store.areas(), officers, read_events(store), as_of, meta)


def map_frame(store: Any, village_codes: set[str]) -> tuple[str, dict[str, float], float]:
    """(geojson URL, centre, zoom) for the villages: the kabupaten file when they lie in one
    kabupaten (the same URL as the coverage map, so the browser reuses it), fitted to their
    kecamatan when they lie in one."""
    kabupaten = {c[:5] for c in village_codes}
    kecamatan = {c[:8] for c in village_codes}
    parent = next(iter(kabupaten)) if len(kabupaten) == 1 else "all"
    fit = next(iter(kecamatan)) if len(kecamatan) == 1 else parent
    center, zoom = fit_view(geojson_bounds(store.geojson_path("desa", fit)), 760, 520)
    return geo_url(store, "desa", parent), center, zoom


def store_plan(
    store: Any,
    polres: str,
    polsek: str,
    weeks: int,
    capacity: int,
    weights: PriorityWeights,
    start: pd.Timestamp,
) -> OutreachPlan:
    """The plan of the scope (``polsek`` empty: the whole Polres; ``polres`` empty: every
    officer), cached per store view (user included), file versions and every input, so
    a repeated view and the downloads of the plan on screen are not computed again.
    Raises InputError when the store has no roster or the scope no officer."""
    names = (COVERAGE_FILE, AREAS_FILE, META_FILE, OFFICERS_FILE, EVENTS_FILE)
    return DATA.get(
        "outreach_plan",
        (store.cache_key, polres, polsek, weeks, capacity, weights, start),
        version_of(store.root, names),
        lambda: _plan(store, polres, polsek, weeks, capacity, weights, start),
    )


def _plan(
    store: Any,
    polres: str,
    polsek: str,
    weeks: int,
    capacity: int,
    weights: PriorityWeights,
    start: pd.Timestamp,
) -> OutreachPlan:
    return plan_scope(
        store,
        polres=polres or None,
        polsek=polsek or None,
        weeks=weeks,
        visits_per_week=capacity,
        weights=weights,
        start=start,
    )


def polres_kabupaten(officers: pd.DataFrame, polres: str | None) -> tuple[str, ...] | None:
    """The kabupaten codes where the officers of ``polres`` work (``None``: no Polres
    chosen, the whole store)."""
    if not polres:
        return None
    codes = officers.loc[officers["polres"] == polres, "village_code"].astype("str")
    return tuple(sorted(set(codes.str.slice(0, 5))))


def store_impact(
    store: Any,
    window_weeks: int = IMPACT_WINDOW_WEEKS,
    kabupaten: tuple[str, ...] | None = None,
) -> ImpactResult | None:
    """Difference-in-differences of the stored events (``None`` without events), limited
    to the events of ``kabupaten`` when given (each with the estimate the whole store
    would give it: controls never leave an event's kabupaten)."""
    names = (COVERAGE_FILE, AREAS_FILE, META_FILE, WEEKLY_FILE, OFFICERS_FILE, EVENTS_FILE)
    return DATA.get(
        "outreach_impact",
        (store.cache_key, window_weeks, kabupaten),
        version_of(store.root, names),
        lambda: _impact(store, window_weeks, kabupaten),
    )


def _impact(
    store: Any, window_weeks: int, kabupaten: tuple[str, ...] | None
) -> ImpactResult | None:
    events = read_events(store)
    if events.empty:
        return None
    latest_month = store.coverage_months()[-1:]
    if kabupaten is None:
        bpu = store.coverage_rows(level="desa", segments=["BPU"], months=latest_month)
    else:
        kecamatan = kecamatan_of(store.areas(), kabupaten)
        villages = store.coverage_rows(
            level="desa", codes=_villages_in(store, kecamatan), segments=["BPU"]
        )
        bpu = village_rows_in(villages, kecamatan)
    latest = bpu[bpu["month"] == bpu["month"].max()]
    villages = latest.rename(columns={"area_code": "village_code"})[
        ["village_code", "coverage_pct"]
    ].astype({"village_code": "str"})
    return event_impact(
        store.registrations_weekly(),
        events,
        villages,
        window_weeks=window_weeks,
        officers=read_officers(store),
        kabupaten=kabupaten,
    )


def kecamatan_of(areas: pd.DataFrame, kabupaten: tuple[str, ...]) -> set[str]:
    """The kecamatan codes of ``kabupaten`` (from the areas table)."""
    codes = areas.loc[areas["level"] == "kecamatan", "area_code"].astype("str")
    return set(codes[codes.str.slice(0, 5).isin(set(kabupaten))])


def _villages_in(store: Any, kecamatan: set[str]) -> list[str]:
    """Codes of the store's villages in ``kecamatan``."""
    areas = store.areas()
    desa = areas.loc[areas["level"] == "desa", "area_code"].astype("str")
    return sorted(desa[desa.str.slice(0, 8).isin(kecamatan)])
