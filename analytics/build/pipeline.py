"""The build, wired in one place: raw files in, a processed store out.

::

    boundaries --read_villages--> villages --clean/dissolve--> levels --> areas, geo/*.geojson
    registries --ingest_registries--> memberships --count_memberships--> counts ┐
    workforce  --ingest_workforce---> workforce   --eligible_cube-----> eligible ┴-> coverage
    coverage --add_changes--> coverage.parquet;  coverage --quality_flags--> quality.parquet
    memberships --weekly_registrations--> registrations_weekly.parquet
    roster/events (optional) --outreach intake--> officers.parquet, events.parquet

Everything is written to a staging folder next to ``out`` and moved into place at the end.

Why one module of ~550 lines: it is the build's wiring and nothing else (what feeds what,
step timings, the full and the incremental counting side by side so their outputs stay
the same); every step it calls lives in intake, engine, build.geometry_cache and store.
"""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from analytics.build import geometry_cache as cache
from analytics.build import incremental as inc
from analytics.codes import LEVELS
from analytics.engine import coverage as engine
from analytics.engine.geometry import (
    area_table,
    clean_villages,
    dissolve_levels,
    web_geometry,
    write_geojson,
)
from analytics.engine.quality import quality_flags
from analytics.engine.tiles import write_level_tiles
from analytics.engine.trends import add_changes
from analytics.progress import Progress
from analytics.schemas import SEGMENTS
from analytics.settings import UCJ_TARGET_PCT, Settings
from analytics.store import columnar
from analytics.store import writer as store_writer
from analytics.store.reader import (
    AREAS_FILE,
    COVERAGE_FILE,
    EVENTS_FILE,
    EVENTS_REJECTED_FILE,
    GEO_DIR,
    META_FILE,
    OFFICERS_FILE,
    QUALITY_FILE,
    RECONCILIATION_FILE,
    REJECTED_FILE,
    ROSTER_REJECTED_FILE,
    UNMATCHED_FILE,
    WEEKLY_FILE,
    WORKFORCE_REJECTED_FILE,
    tiles_file,
)

#: The build's main steps in order, each reported to ``progress`` as it begins and ends
#: (one overall figure for the upload page: :func:`analytics.uploads.rebuild.overall_progress`).
#: Their parts (``read``, ``deduplicate``, ``monthly``, ``weekly``, ``geometry_reuse``,
#: ``geojson``, ``tiles``) are timed and reported too, inside the step under way.
BUILD_STEPS: Final = (
    "boundaries",
    "registries",
    "workforce",
    "count",
    "geometry",
    "coverage",
    "outreach",
    "write",
)


@dataclass(frozen=True)
class BuildInputs:
    """The files of one build. ``start``/``end`` are months (any day in them)."""

    boundaries: str | Path
    registries: Sequence[Path]
    workforce: Path
    out: Path
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    mapping: Path | None = None
    roster: Path | None = None
    events: Path | None = None
    #: Add new registry files' months to the store at ``out`` (see analytics.build.incremental).
    incremental: bool = False


@dataclass(frozen=True)
class BuildResult:
    """What a build did: the reconciliation, where the store is and how long each step took."""

    reconciliation: dict[str, Any]
    store_dir: Path
    timings: dict[str, float] = field(default_factory=dict)
    geo_bytes: dict[str, int] = field(default_factory=dict)
    coverage_rows: int = 0
    #: With ``incremental``: "" when the refresh was applied, else why it was a full build.
    refresh_note: str = ""
    #: The geometry files came from an earlier store with the same boundaries.
    geometry_reused: bool = False

    @property
    def count_seconds(self) -> float:
        """Seconds spent counting memberships (the step the benchmark compares)."""
        return self.timings.get("count", 0.0)


@contextmanager
def _timed(timings: dict[str, float], step: str, progress: Progress | None) -> Iterator[None]:
    if progress is not None:
        progress(step, 0, 1)
    began = time.perf_counter()
    yield
    timings[step] = round(time.perf_counter() - began, 4)
    if progress is not None:
        progress(step, 1, 1)


def weekly_registrations(memberships: pd.DataFrame, months: pd.DatetimeIndex) -> pd.DataFrame:
    """New registrations per village x segment x week (Monday) inside the months."""
    first = months[0]
    last = months[-1] + pd.offsets.MonthEnd(0)
    registered = pd.to_datetime(memberships["registered_on"])
    inside = (registered >= first) & (registered <= last)
    days = registered[inside].to_numpy().astype("datetime64[D]")
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday (3)
    week = days - weekday.astype("timedelta64[D]")
    # Grouped on the categoricals (no text per row), turned into text once counted.
    frame = pd.DataFrame(
        {
            "village_code": memberships.loc[inside, "village_code"].astype("category").array,
            "segment": memberships.loc[inside, "segment"].astype("category").array,
            "week": week.astype("datetime64[ns]"),
        }
    )
    counted = frame.groupby(["village_code", "segment", "week"], observed=True).size()
    table = counted.rename("registrations").reset_index()
    table = table.astype({"village_code": "str", "segment": "str", "registrations": "int64"})
    return table.sort_values(["village_code", "segment", "week"], ignore_index=True)


def _months(inputs: BuildInputs, data_until: pd.Timestamp | None) -> pd.DatetimeIndex:
    if inputs.start is None and inputs.end is None:
        return engine.default_months(data_until)
    end = inputs.end if inputs.end is not None else data_until
    if inputs.start is None:
        return engine.default_months(end)
    return engine.month_range(inputs.start, end if end is not None else inputs.start)


def _sources(inputs: BuildInputs, reconciliation: dict[str, Any]) -> list[dict[str, Any]]:
    files = reconciliation.get("files", {})
    sources: list[dict[str, Any]] = []
    boundaries = Path(inputs.boundaries)
    if not boundaries.is_file() and ":" in str(inputs.boundaries):  # FILE:LAYER
        boundaries = Path(str(inputs.boundaries).rsplit(":", 1)[0])
    if boundaries.is_file():
        sources.append(
            {
                "file": boundaries.name,
                "kind": "boundaries",
                "rows": None,
                "sha256": store_writer.file_sha256(boundaries),
            }
        )
    for path in inputs.registries:
        rows = files.get(path.name, {}).get("rows_in")
        sources.append(
            {
                "file": path.name,
                "kind": "registry",
                "rows": rows,
                "sha256": store_writer.file_sha256(path),
            }
        )
    optional = [
        ("workforce", inputs.workforce),
        ("roster", inputs.roster),
        ("events", inputs.events),
    ]
    for kind, given in optional:
        if given is not None:
            rows = reconciliation.get(kind, {}).get("rows_in")
            if kind in ("roster", "events"):
                rows = reconciliation.get("outreach", {}).get(kind, {}).get("rows_in")
            sources.append(
                {
                    "file": given.name,
                    "kind": kind,
                    "rows": rows,
                    "sha256": store_writer.file_sha256(given),
                }
            )
    return sources


def _outreach(
    inputs: BuildInputs,
    villages: pd.DataFrame,
    mapping: dict[str, dict[str, str]],
    stage: Path,
    placeholders: frozenset[str],
) -> dict[str, Any]:
    """Ingest the optional roster and events; write them; return their reconciliations.

    The outreach intake is imported only when one of the files is given. Events are checked
    against the roster's officers when both are given.
    """
    intake = importlib.import_module("analytics.intake.outreach_rosters")
    result: dict[str, Any] = {}
    officers = None
    if inputs.roster is not None:
        roster = intake.ingest_roster(
            inputs.roster, villages, mapping.get("roster"), placeholders=placeholders
        )
        officers = roster.frame
        store_writer.write_parquet(roster.frame, stage / OFFICERS_FILE)
        _write_rejected(roster.rejected, stage / ROSTER_REJECTED_FILE)
        result["roster"] = roster.reconciliation
    if inputs.events is not None:
        events = intake.ingest_events(
            inputs.events,
            villages,
            mapping.get("events"),
            officers=officers,
            placeholders=placeholders,
        )
        store_writer.write_parquet(events.frame, stage / EVENTS_FILE)
        _write_rejected(events.rejected, stage / EVENTS_REJECTED_FILE)
        result["events"] = events.reconciliation
    return result


def _write_rejected(rejected: pd.DataFrame, path: Path) -> None:
    # The outreach intake keeps file, row, reason, NRP, codes and raw values, never names.
    store_writer.write_row_report(rejected, path, list(rejected.columns))


ENGINES: tuple[str, ...] = ("pandas", "dask")


@contextmanager
def _engine(name: str, scheduler: str | None) -> Iterator[tuple[Any, Callable[..., Any]]]:
    """(file mapper for the intake or None, counting function) of the engine ``name``."""
    if name == "pandas":
        yield None, engine.count_memberships
        return
    if name != "dask":
        raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    from analytics.build import dask_engine as engine_dask

    with engine_dask.dask_client(scheduler) as client:

        def count(memberships: pd.DataFrame, codes: np.ndarray, months: pd.DatetimeIndex):
            return engine_dask.count_memberships_dask(memberships, codes, months, client)

        yield engine_dask.file_mapper(client), count


def build_store(
    inputs: BuildInputs,
    settings: Settings,
    progress: Progress | None = None,
    *,
    engine_name: str = "pandas",
    scheduler: str | None = None,
) -> BuildResult:
    """Run the whole build and publish the store at ``inputs.out``.

    ``engine_name="dask"`` runs the registry intake (per file) and the counting on a Dask
    cluster (``scheduler`` address, else a local one); the store is the same.
    Raises :class:`analytics.errors.InputError` for unusable input (nothing is published).
    """
    with _engine(engine_name, scheduler) as (map_files, count):
        return _build(inputs, settings, progress, map_files, count)


@dataclass(frozen=True)
class _Run:
    """What every step of one build reads: its inputs, the boundaries and the step timer."""

    inputs: BuildInputs
    settings: Settings
    progress: Progress | None
    timings: dict[str, float]
    villages: Any  # GeoDataFrame (VillageSchema)
    key: bytes  # the pseudonyms' HMAC key
    codes: np.ndarray  # village codes, sorted
    mapping: dict[str, dict[str, str]]
    placeholders: frozenset[str]

    def timed(self, step: str) -> Any:
        return _timed(self.timings, step, self.progress)


@dataclass(frozen=True)
class _Counted:
    """What the registries hand on once counted (no membership rows)."""

    reconciliation: dict[str, Any]
    unmatched: pd.DataFrame
    rejected: pd.DataFrame
    data_until: pd.Timestamp | None
    months: pd.DatetimeIndex
    counts: engine.VillageCounts
    monthly: pd.DataFrame
    weekly: pd.DataFrame
    #: The store whose row reports these rows extend (an incremental refresh), else None.
    extends: Path | None = None


def _build(
    inputs: BuildInputs,
    settings: Settings,
    progress: Progress | None,
    map_files: Any,
    count: Callable[..., engine.VillageCounts],
) -> BuildResult:
    from analytics.intake.workforce import ingest_workforce
    from analytics.io.boundaries import read_villages
    from analytics.io.headers import load_mapping, load_placeholders

    timings: dict[str, float] = {}
    store_writer.check_out_dir(inputs.out)
    key = settings.require_hmac_key()
    with _timed(timings, "boundaries", progress):
        villages = read_villages(inputs.boundaries)
        run = _Run(
            inputs=inputs,
            settings=settings,
            progress=progress,
            timings=timings,
            villages=villages,
            key=key,
            codes=np.sort(villages["village_code"].astype("str").to_numpy(dtype=object)),
            mapping=load_mapping(inputs.mapping),
            placeholders=load_placeholders(inputs.mapping),
        )
    plan, refresh_note = _refresh_plan(inputs) if inputs.incremental else (None, "")
    with run.timed("registries"):
        intake = _read_registries(run, plan, map_files)
    with run.timed("workforce"):
        workforce = ingest_workforce(
            inputs.workforce, villages, run.mapping.get("workforce"), run.placeholders
        )
    if plan is None:
        counted = _count_all(run, intake, count)
    else:
        counted = _count_new(run, intake, plan)
    del intake  # only counts go on: the membership rows are freed before the geometry
    reconciliation = {**counted.reconciliation, "workforce": workforce.reconciliation}
    with store_writer.staging(inputs.out) as stage:
        geometry = _geometry(run, stage)
        with run.timed("coverage"):
            eligible = engine.eligible_cube(workforce.frame, run.codes, counted.months)
            table = engine.coverage_table(
                counted.counts, eligible, geometry.areas, categorical=True
            )
            coverage = add_changes(table)
            del table
            quality = quality_flags(coverage)
        if inputs.roster is not None or inputs.events is not None:
            with run.timed("outreach"):
                reconciliation["outreach"] = _outreach(
                    inputs, villages, run.mapping, stage, run.placeholders
                )
        with run.timed("write"):
            store_writer.write_parquet(coverage, stage / COVERAGE_FILE)
            # the same rows, memory-mapped by the app's workers (analytics/store/columnar.py)
            columnar.write_coverage_file(
                coverage, stage, source_size=(stage / COVERAGE_FILE).stat().st_size
            )
            store_writer.write_parquet(quality, stage / QUALITY_FILE)
            store_writer.write_parquet(counted.weekly, stage / WEEKLY_FILE)
            store_writer.write_json(reconciliation, stage / RECONCILIATION_FILE)
            store_writer.write_parquet(counted.monthly, stage / inc.COUNTS_FILE)
            _write_row_reports(counted, stage)
            store_writer.write_row_report(
                workforce.rejected,
                stage / WORKFORCE_REJECTED_FILE,
                store_writer.WORKFORCE_REPORT_COLUMNS,
            )
            meta = _meta(
                inputs,
                settings,
                counted.data_until,
                counted.months,
                workforce.frame,
                geometry.areas,
                reconciliation,
            )
            meta["boundaries_hash"] = geometry.digest
            meta["geometry_reused"] = geometry.reused_from is not None
            store_writer.write_json(meta, stage / META_FILE)
            store_writer.publish(stage, inputs.out, settings.store_keep)
    return BuildResult(
        reconciliation=reconciliation,
        store_dir=inputs.out,
        timings=timings,
        geo_bytes=geometry.geo_bytes,
        coverage_rows=len(coverage),
        refresh_note=refresh_note,
        geometry_reused=geometry.reused_from is not None,
    )


def _read_registries(run: _Run, plan: inc.RefreshPlan | None, map_files: Any) -> Any:
    """The registries' intake: every file, or on a refresh only the new ones (whose rows
    must all be registered after the previous data)."""
    from analytics.intake.registries import ingest_registries

    intake = ingest_registries(
        list(plan.new_registries if plan is not None else run.inputs.registries),
        run.villages,
        run.key,
        run.mapping.get("registry"),
        run.progress,
        map_files,
        member_ids=False,  # counting needs no identity: 16+ bytes a row saved
        placeholders=run.placeholders,
    )
    if plan is not None:
        inc.check_new_months(intake.memberships, plan.data_until)
    return intake


def _count_all(run: _Run, intake: Any, count: Callable[..., engine.VillageCounts]) -> _Counted:
    """A full build: every registry row counted."""
    months = _months(run.inputs, intake.data_until)
    with run.timed("monthly"):
        monthly = inc.monthly_counts(intake.memberships)
    with run.timed("count"):
        counts = count(intake.memberships, run.codes, months)
    with run.timed("weekly"):
        weekly = weekly_registrations(intake.memberships, months)
    return _Counted(
        intake.reconciliation,
        intake.unmatched,
        intake.rejected,
        intake.data_until,
        months,
        counts,
        monthly,
        weekly,
    )


def _count_new(run: _Run, intake: Any, plan: inc.RefreshPlan) -> _Counted:
    """An incremental refresh: the new rows' counts added to the previous store's (see
    analytics.build.incremental)."""
    data_until = max(plan.data_until, intake.data_until or plan.data_until)
    months = _months(run.inputs, data_until)
    with run.timed("monthly"):
        monthly = inc.monthly_counts(intake.memberships)
        monthly = inc.add_monthly(pd.read_parquet(plan.previous / inc.COUNTS_FILE), monthly)
    with run.timed("count"):
        counts = inc.counts_from_monthly(monthly, run.codes, months)
    with run.timed("weekly"):
        weekly = weekly_registrations(intake.memberships, months)
        weekly = inc.add_weekly(pd.read_parquet(plan.previous / WEEKLY_FILE), weekly)
    previous = json.loads((plan.previous / RECONCILIATION_FILE).read_text(encoding="utf-8"))
    return _Counted(
        inc.merge_reconciliation(previous, intake.reconciliation),
        intake.unmatched,
        intake.rejected,
        data_until,
        months,
        counts,
        monthly,
        weekly,
        extends=plan.previous,
    )


def _write_row_reports(counted: _Counted, stage: Path) -> None:
    """``unmatched.csv`` and ``rejected.csv``, after the previous store's rows on a refresh."""
    for report, name in ((counted.unmatched, UNMATCHED_FILE), (counted.rejected, REJECTED_FILE)):
        store_writer.write_row_report(report, stage / name)
        if counted.extends is not None:
            inc.append_row_report(counted.extends / name, stage / name, stage / name)


@dataclass(frozen=True)
class _Geometry:
    areas: pd.DataFrame
    geo_bytes: dict[str, int]
    digest: str
    reused_from: Path | None


def _geometry(run: _Run, stage: Path) -> _Geometry:
    """The area table, ``geo/`` and ``tiles/`` in ``stage``: linked from an earlier store
    with the same boundaries when one is intact (analytics.build.geometry_cache), else made
    from the villages (the levels are freed before the coverage step)."""
    with run.timed("geometry_reuse"):
        digest = cache.boundaries_hash(run.villages)
        found = cache.reuse_geometry(cache.candidate_stores(run.inputs.out), digest, stage)
    if found is not None:
        areas, store = found
        return _Geometry(areas, _geo_sizes(stage / GEO_DIR), digest, store)
    with run.timed("geometry"):
        levels = dissolve_levels(clean_villages(run.villages))
        areas = area_table(levels)
        store_writer.write_parquet(areas, stage / AREAS_FILE)
    with run.timed("geojson"):
        web = web_geometry(levels)
        geo_bytes = write_geojson(levels, stage / GEO_DIR, web)
        del levels
    with run.timed("tiles"):
        for level in LEVELS:
            write_level_tiles(web[level], level, stage / tiles_file(level))
        del web
        cache.write_manifest(stage, digest)
    return _Geometry(areas, geo_bytes, digest, None)


def _geo_sizes(geo: Path) -> dict[str, int]:
    """Bytes per GeoJSON file, keyed like :func:`analytics.engine.geometry.write_geojson`."""
    return {f"{p.parent.name}/{p.stem}": p.stat().st_size for p in sorted(geo.rglob("*.geojson"))}


def _refresh_plan(inputs: BuildInputs) -> tuple[inc.RefreshPlan | None, str]:
    """Whether the build at ``inputs.out`` can be extended (see analytics.build.incremental)."""
    meta_path = Path(inputs.out) / META_FILE
    if not meta_path.is_file():
        return None, "no previous store"
    if inputs.start is None:
        return None, "the window moves with the data; give --start for incremental refreshes"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    fingerprints = inc.registry_fingerprints(_sources(inputs, {}), inputs.registries)
    return inc.plan_refresh(Path(inputs.out), meta, fingerprints, f"{inputs.start:%Y-%m}")


def _meta(
    inputs: BuildInputs,
    settings: Settings,
    data_until: pd.Timestamp | None,
    months: pd.DatetimeIndex,
    workforce: pd.DataFrame,
    areas: pd.DataFrame,
    reconciliation: dict[str, Any],
) -> dict[str, Any]:
    roots = areas.loc[areas["level"] == "provinsi", "area_code"].tolist()
    workforce_sources = sorted(workforce["source"].astype("str").unique().tolist())
    return {
        "built_at": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
        "data_until": None if data_until is None else pd.Timestamp(data_until).date().isoformat(),
        "start_month": f"{months[0]:%Y-%m}",
        "end_month": f"{months[-1]:%Y-%m}",
        "demo": settings.demo,
        "sources": _sources(inputs, reconciliation),
        "workforce_source": "; ".join(workforce_sources),
        "target_pct": settings.target_pct,
        "ucj_target_pct": UCJ_TARGET_PCT,
        "root_level": "provinsi",
        "root_codes": roots,
        "segments": ["ALL", *SEGMENTS],
    }
