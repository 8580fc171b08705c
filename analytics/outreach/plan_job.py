"""The plan files from a processed store: what ``cakupan plan`` runs (an I/O edge).

Reads the store (coverage, areas, village boundaries, meta) and the roster and events
(given files, else ``officers.parquet``/``events.parquet`` written by the build), ranks the
villages of the scope, builds the plan and writes, per Polsek in scope,
``rencana_<polsek>.xlsx`` and ``briefing_<polsek>.pdf``, plus ``prioritas.csv``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from analytics.errors import InputError
from analytics.outreach.files import briefing_pdf, plan_to_xlsx
from analytics.outreach.intake import ingest_events, ingest_roster
from analytics.outreach.plan import Plan, build_plan, estimate_conversion, scope_officers
from analytics.outreach.priority import PriorityWeights, village_priority
from analytics.store import Store, StoreError

OFFICERS_FILE = "officers.parquet"
EVENTS_FILE = "events.parquet"


@dataclass(frozen=True)
class PlanJobResult:
    plan: Plan
    priority: pd.DataFrame
    written: list[Path]
    reconciliation: dict[str, Any]


def slug(text: str) -> str:
    """A file-name-safe lower-case slug: ``Polsek Depok Barat`` -> ``polsek-depok-barat``."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "polsek"


def next_monday(day: pd.Timestamp) -> pd.Timestamp:
    """The Monday after ``day`` (``day`` itself excluded)."""
    day = pd.Timestamp(day).normalize()
    return day + pd.Timedelta(days=7 - day.day_of_week)


def _load_outreach(
    store: Store,
    villages: pd.DataFrame,
    roster: Path | None,
    events: Path | None,
    mapping: Mapping[str, Mapping[str, str]],
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    recon: dict[str, Any] = {}
    if roster is not None:
        intake = ingest_roster(roster, villages, mapping.get("roster"))
        officers, recon["roster"] = intake.frame, intake.reconciliation
    elif (store.root / OFFICERS_FILE).is_file():
        officers = pd.read_parquet(store.root / OFFICERS_FILE)
    else:
        raise InputError(
            "no officer roster: pass --roster FILE, or build the store with --roster",
            file=str(store.root / OFFICERS_FILE),
        )
    if events is not None:
        ev = ingest_events(events, villages, mapping.get("events"), officers=officers)
        event_frame, recon["events"] = ev.frame, ev.reconciliation
    elif (store.root / EVENTS_FILE).is_file():
        event_frame = pd.read_parquet(store.root / EVENTS_FILE)
    else:
        event_frame = pd.DataFrame(
            columns=["event_date", "village_code", "nrp", "attendees", "registrations"]
        )
    if "phone" not in officers.columns and "office_phone" in officers.columns:
        officers = officers.rename(columns={"office_phone": "phone"})
    return officers, event_frame, recon


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
        frames.append(_file_neighbours(path, path.stat().st_mtime_ns))
    if not frames:
        return None
    pairs = pd.concat(frames, ignore_index=True)
    keep = pairs["village_code"].isin(village_codes) & pairs["neighbour_code"].isin(village_codes)
    return pairs[keep].reset_index(drop=True)


@lru_cache(maxsize=64)
def _file_neighbours(path: Path, _mtime_ns: int) -> pd.DataFrame:
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


def scope_coverage(store: Store, village_codes: set[str]) -> pd.DataFrame:
    """The village rows of ``coverage.parquet`` for ``village_codes`` only, read with a
    Parquet filter: a national store holds 16 million rows (4.6 GB in memory), a Polres
    a few hundred villages."""
    import pyarrow.parquet as pq

    from analytics.store import COVERAGE_FILE

    path = store.root / COVERAGE_FILE
    if not path.is_file():
        store.coverage()  # raises the StoreError that says how to build the store
    filters = [("level", "=", "desa"), ("area_code", "in", sorted(village_codes))]
    return pq.read_table(path, filters=filters).to_pandas()


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


def run_plan_job(
    store_dir: Path,
    out_dir: Path,
    *,
    roster: Path | None = None,
    events: Path | None = None,
    polres: str | None = None,
    polsek: str | None = None,
    area: str | None = None,
    weeks: int = 4,
    visits_per_week: int = 2,
    start: pd.Timestamp | None = None,
    weights: PriorityWeights | None = None,
    mapping: Mapping[str, Mapping[str, str]] | None = None,
) -> PlanJobResult:
    """Rank, plan and write the files (see the module docstring). ``area`` (a province,
    kabupaten or kecamatan code) limits the plan to the officers working there, e.g. every
    Polres of one province at once."""
    store = Store(Path(store_dir))
    meta = store.meta()
    areas = store.areas()
    village_areas = areas[areas["level"] == "desa"].rename(columns={"area_code": "village_code"})
    officers, event_frame, recon = _load_outreach(
        store, village_areas[["village_code"]], roster, events, mapping or {}
    )
    data_until = meta.get("data_until")
    officers = officers_in_area(officers, area)
    scoped = scope_officers(officers, polres, polsek)
    # The ranking's scope: every village of the kecamatan the chosen officers work in.
    kecamatan = set(scoped["village_code"].str.slice(0, 8))
    codes_in_kecamatan = village_areas["village_code"].astype("str")
    in_scope = scope_coverage(
        store, set(codes_in_kecamatan[codes_in_kecamatan.str.slice(0, 8).isin(kecamatan)])
    )
    as_of = pd.Timestamp(data_until) if data_until else pd.Timestamp(in_scope["month"].max())
    priority = village_priority(in_scope, event_frame, as_of, weights or PriorityWeights())
    codes = set(priority["village_code"]) | set(scoped["village_code"])
    plan = build_plan(
        priority,
        officers,
        polres=polres,
        polsek=polsek,
        weeks=weeks,
        visits_per_week=visits_per_week,
        start=start if start is not None else next_monday(pd.Timestamp.today()),
        conversion=estimate_conversion(event_frame),
        neighbours=scope_neighbours(store, codes),
        points=village_areas[["village_code", "lon", "lat"]],
    )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / "prioritas.csv"]
    priority.to_csv(written[0], index=False, encoding="utf-8-sig")
    file_meta = {"data_until": data_until, "demo": bool(meta.get("demo"))}
    for name in sorted(plan.summary["polsek"].unique()):
        xlsx, pdf = out_dir / f"rencana_{slug(name)}.xlsx", out_dir / f"briefing_{slug(name)}.pdf"
        xlsx.write_bytes(plan_to_xlsx(plan, name))
        pdf.write_bytes(briefing_pdf(plan, name, file_meta))
        written += [xlsx, pdf]
    return PlanJobResult(plan, priority, written, recon)
