"""What the outreach page reads, through the store the data access layer hands out.

Every function takes the store from :func:`layouts.data_access.current_store` (a view
limited to the user's territory in the app, the plain store in tests) and only calls its
methods. Caches are keyed by that store view (user included) and the files' modification
times, so a rebuild is picked up and no user sees another's results.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from analytics.outreach.impact import ImpactResult, event_impact
from analytics.outreach.intake import EVENT_COLUMNS
from analytics.store import (
    AREAS_FILE,
    COVERAGE_FILE,
    EVENTS_FILE,
    META_FILE,
    OFFICERS_FILE,
    WEEKLY_FILE,
    StoreError,
)
from layouts.data_access import geo_url, geojson_bounds
from layouts.figures import fit_view

IMPACT_WINDOW_WEEKS = 4


@dataclass(frozen=True)
class OutreachData:
    """The frames the page needs, as the user may see them."""

    coverage: pd.DataFrame
    areas: pd.DataFrame
    officers: pd.DataFrame
    events: pd.DataFrame
    as_of: pd.Timestamp
    meta: dict[str, Any]


def _stamp(store: Any, *names: str) -> tuple[int, ...]:
    return tuple(
        (store.root / n).stat().st_mtime_ns if (store.root / n).exists() else 0 for n in names
    )


def read_officers(store: Any) -> pd.DataFrame | None:
    """The stored roster, or ``None`` when the build had no ``--roster``."""
    try:
        officers: pd.DataFrame = store.officers()
    except StoreError:
        return None
    if "phone" not in officers.columns:
        officers = officers.assign(phone=pd.Series(pd.NA, index=officers.index, dtype="string"))
    return officers


def read_events(store: Any) -> pd.DataFrame:
    """The stored outreach events; an empty frame when the build had no ``--events``."""
    try:
        events: pd.DataFrame = store.events()
    except StoreError:
        return pd.DataFrame(
            {
                "event_date": pd.Series(dtype="datetime64[ns]"),
                **{c: pd.Series(dtype="object") for c in EVENT_COLUMNS[1:3]},
                **{c: pd.Series(dtype="int64") for c in EVENT_COLUMNS[3:]},
            }
        )
    return events


def read_outreach(store: Any) -> OutreachData | None:
    """Everything the plan needs; ``None`` when the store has no roster."""
    officers = read_officers(store)
    if officers is None:
        return None
    meta = store.meta()
    coverage = store.coverage()
    until = meta.get("data_until")
    as_of = pd.Timestamp(until) if until else pd.Timestamp(coverage["month"].max())
    return OutreachData(coverage, store.areas(), officers, read_events(store), as_of, meta)


def scope_neighbours(store: Any, village_codes: set[str]) -> pd.DataFrame | None:
    """Touching village pairs among ``village_codes`` (from the kabupaten boundary files
    holding them); ``None`` when the boundaries are not in the store."""
    kabupaten = tuple(sorted({c[:5] for c in village_codes}))
    frames = []
    for kab in kabupaten:
        try:
            path = store.geojson_path("desa", kab)
        except StoreError:
            return None
        frames.append(_neighbours(path, path.stat().st_mtime_ns))
    if not frames:
        return None
    pairs = pd.concat(frames, ignore_index=True)
    keep = pairs["village_code"].isin(village_codes) & pairs["neighbour_code"].isin(village_codes)
    return pairs[keep].reset_index(drop=True)


@lru_cache(maxsize=32)
def _neighbours(path: Path, _mtime_ns: int) -> pd.DataFrame:
    import geopandas as gpd
    from shapely.geometry import shape

    from analytics.outreach.neighbours import village_neighbours

    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    geo = gpd.GeoDataFrame(
        {"village_code": [str(f["id"]) for f in features]},
        geometry=[shape(f["geometry"]) for f in features],
        crs="EPSG:4326",
    )
    return village_neighbours(geo)


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


def store_impact(store: Any, window_weeks: int = IMPACT_WINDOW_WEEKS) -> ImpactResult | None:
    """Difference-in-differences of the stored events (``None`` without events)."""
    names = (COVERAGE_FILE, AREAS_FILE, META_FILE, WEEKLY_FILE, OFFICERS_FILE, EVENTS_FILE)
    return _impact(store, _stamp(store, *names), window_weeks)


@lru_cache(maxsize=16)
def _impact(store: Any, _stamps: tuple[int, ...], window_weeks: int) -> ImpactResult | None:
    events = read_events(store)
    if events.empty:
        return None
    coverage = store.coverage()
    bpu = coverage[(coverage["level"] == "desa") & (coverage["segment"] == "BPU")]
    latest = bpu[bpu["month"] == bpu["month"].max()]
    villages = latest.rename(columns={"area_code": "village_code"})[
        ["village_code", "coverage_pct"]
    ]
    return event_impact(
        store.registrations_weekly(),
        events,
        villages,
        window_weeks=window_weeks,
        officers=read_officers(store),
    )
