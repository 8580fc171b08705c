"""The outreach plan of one scope, computed in one place for the page, its downloads and
``cakupan plan``.

A scope is a Polres, a Polsek of it, and optionally an area (province, kabupaten or
kecamatan code) limiting the officers. :func:`plan_scope` reads what it needs from a store
(the plain :class:`~analytics.store.reader.Store` or a user's
:class:`~analytics.store.territory.TerritoryStore`: any object with ``meta``, ``areas``,
``coverage``, ``officers``, ``events`` and ``geojson_path``), ranks the villages of the
kecamatan where the scope's officers work, and plans their visits.

The plan depends on the scope only, never on who asks: the ranking uses the villages of
the scope's kecamatan, and registrations per visit are estimated from the events held in
those same villages (:func:`conversion_events`), not from every event the user happens to
see. An admin and the police user of a Polres or Polsek get the same numbers for the
same Polsek.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from analytics.errors import InputError
from analytics.intake.outreach_rosters import EVENT_COLUMNS
from analytics.outreach.plan import Plan, build_plan, estimate_conversion, scope_officers
from analytics.outreach.priority import PriorityWeights, village_priority, village_rows_in
from analytics.store.cache import DATA, stamp
from analytics.store.reader import StoreError


@dataclass(frozen=True)
class ScopePlan:
    """The ranking of the scope's villages, the plan, and who covers which village."""

    priority: pd.DataFrame
    plan: Plan
    village_officers: pd.DataFrame  # village_code, nrp (lowest), officers ("Name (NRP)"; ...)


def scope_neighbours(store: Any, village_codes: set[str]) -> pd.DataFrame | None:
    """Touching village pairs among ``village_codes``, from the per-kabupaten village
    boundary files (``geo/desa/<kabupaten>.geojson``, feature id = village code) holding
    them; ``None`` when the store has no such boundaries. A national store has no single
    file of all villages, and testing 83,000 polygons against each other for one Polres
    would be wasted: each kabupaten's pairs are computed once per file version."""
    frames = []
    for kabupaten in sorted({c[:5] for c in village_codes}):
        try:
            path = store.geojson_path("desa", kabupaten)
        except StoreError:
            return None
        frames.append(DATA.get("neighbours", path, stamp(path), partial(_file_neighbours, path)))
    if not frames:
        return None
    pairs = pd.concat(frames, ignore_index=True)
    keep = pairs["village_code"].isin(village_codes) & pairs["neighbour_code"].isin(village_codes)
    return pairs[keep].reset_index(drop=True)


def _file_neighbours(path: Path) -> pd.DataFrame:
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


def village_officers(officers: pd.DataFrame) -> pd.DataFrame:
    """One row per village with an officer: the lowest NRP (for the colour) and all names."""
    if officers.empty:
        return pd.DataFrame(columns=["village_code", "nrp", "officers"])
    labelled = officers.sort_values(["village_code", "nrp"]).assign(
        label=lambda d: d["name"].astype(str) + " (" + d["nrp"].astype(str) + ")"
    )
    grouped = labelled.groupby("village_code", sort=True)
    return pd.DataFrame(
        {"nrp": grouped["nrp"].first(), "officers": grouped["label"].agg("; ".join)}
    ).reset_index()


def officers_in_area(officers: pd.DataFrame, area: str | None) -> pd.DataFrame:
    """The roster rows whose village lies in ``area`` (a province, kabupaten or kecamatan
    code, dotted); all rows when ``area`` is None; an InputError when none does."""
    if area is None:
        return officers
    code = area.strip()
    if not re.fullmatch(r"\d{2}(\.\d{2}){0,2}", code):
        raise InputError(f"area {area!r} is not a province, kabupaten or kecamatan code (34.04)")
    inside = officers[officers["village_code"].str.startswith(code + ".")]
    if inside.empty:
        raise InputError(f"no officer of the roster works in area {area!r}")
    return inside


def conversion_events(events: pd.DataFrame, scoped: pd.DataFrame) -> pd.DataFrame:
    """The events the scope's registrations per visit are estimated from: those held in
    the kecamatan where the scope's officers work, i.e. in the villages the plan ranks.
    Whoever may see the scope sees these villages and their events, so an admin and the
    police user of the Polsek get the same estimate (pooling a wider area would give each
    role the mean of the events *it* sees: 8,7 vs 7,7 before)."""
    kecamatan = set(scoped["village_code"].astype("str").str.slice(0, 8))
    held_in = events["village_code"].astype("str").str.slice(0, 8)
    return events[held_in.isin(kecamatan)]


def empty_events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event_date": pd.Series(dtype="datetime64[ns]"),
            **{c: pd.Series(dtype="object") for c in EVENT_COLUMNS[1:3]},
            **{c: pd.Series(dtype="int64") for c in EVENT_COLUMNS[3:]},
        }
    )


def stored_officers(store: Any) -> pd.DataFrame | None:
    """The stored roster (with a ``phone`` column), or ``None`` when the build had none."""
    try:
        officers: pd.DataFrame = store.officers()
    except StoreError:
        return None
    if "phone" not in officers.columns and "office_phone" in officers.columns:
        officers = officers.rename(columns={"office_phone": "phone"})
    if "phone" not in officers.columns:
        officers = officers.assign(phone=pd.Series(pd.NA, index=officers.index, dtype="string"))
    return officers


def stored_events(store: Any) -> pd.DataFrame:
    """The stored outreach events; an empty frame when the build had no ``--events``."""
    try:
        events: pd.DataFrame = store.events()
    except StoreError:
        return empty_events()
    return events


def scope_village_rows(store: Any, kecamatan: set[str]) -> pd.DataFrame:
    """The village rows of the store's coverage in ``kecamatan``, asked of the store by
    code (``coverage_rows``: a national store holds 16 million rows, a Polres a few
    hundred villages; a territory view answers only inside its territory)."""
    areas = store.areas()
    desa = areas.loc[areas["level"] == "desa", "area_code"].astype("str")
    codes = sorted(desa[desa.str.slice(0, 8).isin(kecamatan)])
    return village_rows_in(store.coverage_rows(level="desa", codes=codes), kecamatan)


def plan_scope(
    store: Any,
    *,
    polres: str | None,
    polsek: str | None,
    weeks: int,
    visits_per_week: int,
    weights: PriorityWeights,
    start: pd.Timestamp,
    area: str | None = None,
    officers: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
) -> ScopePlan:
    """Rank the villages of the scope and plan the visits of its officers.

    ``officers``/``events`` replace the store's roster and events (``cakupan plan
    --roster/--events``). Raises InputError when there is no roster or the scope has no
    officer.
    """
    if officers is None:
        officers = stored_officers(store)
        if officers is None:
            raise InputError("the store has no officer roster (cakupan build ... --roster FILE)")
    if events is None:
        events = stored_events(store)
    officers = officers_in_area(officers, area)
    scoped = scope_officers(officers, polres, polsek)
    kecamatan = set(scoped["village_code"].astype("str").str.slice(0, 8))
    rows = scope_village_rows(store, kecamatan)
    until = store.meta().get("data_until")
    as_of = pd.Timestamp(until) if until else pd.Timestamp(rows["month"].max())
    priority = village_priority(rows, events, as_of, weights)
    areas = store.areas()
    points = areas.loc[areas["level"] == "desa", ["area_code", "lon", "lat"]].rename(
        columns={"area_code": "village_code"}
    )
    codes = set(priority["village_code"]) | set(scoped["village_code"])
    plan = build_plan(
        priority,
        officers,
        polres=polres,
        polsek=polsek,
        weeks=weeks,
        visits_per_week=visits_per_week,
        start=start,
        conversion=estimate_conversion(conversion_events(events, scoped)),
        neighbours=scope_neighbours(store, codes),
        points=points,
    )
    covering = village_officers(officers[officers["village_code"].isin(codes)])
    return ScopePlan(priority, plan, covering)
