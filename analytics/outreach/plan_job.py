"""The plan files from a processed store: what ``cakupan plan`` runs.

Reads the roster and events (given files through the intake, else the store's officers and
events written by the build), plans the scope with :func:`analytics.outreach.scope.plan_scope`
(the same function the outreach page uses) and writes (:mod:`analytics.io.outputs`), per
Polsek in scope,
``rencana_<polsek>.xlsx`` and ``briefing_<polsek>.pdf``, plus ``prioritas.csv``; for a
whole Polres (``--polres`` without ``--polsek``) also ``rencana_<polres>_semua_polsek.xlsx``
and ``briefing_<polres>_semua_polsek.pdf`` (every Polsek in one workbook and one PDF).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pandas as pd

from analytics.errors import InputError
from analytics.exports.tables import Column, Kind, to_csv_bytes
from analytics.intake.outreach_rosters import ingest_events, ingest_roster
from analytics.io.outputs import write_files
from analytics.outreach.file_text import headers
from analytics.outreach.files import (
    briefing_pdf,
    plan_to_xlsx,
    polres_briefing_pdf,
    polres_plan_to_xlsx,
)
from analytics.outreach.plan import Plan
from analytics.outreach.priority import PriorityWeights
from analytics.outreach.scope import plan_scope
from analytics.store.cache import DEFAULT_CACHE_DIR
from analytics.store.reader import OFFICERS_FILE, Store, StoreError


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
    else:
        try:
            officers = store.officers()
        except StoreError:
            raise InputError(
                "no officer roster: pass --roster FILE, or build the store with --roster",
                file=str(store.root / OFFICERS_FILE),
            ) from None
    if events is not None:
        ev = ingest_events(events, villages, mapping.get("events"), officers=officers)
        event_frame, recon["events"] = ev.frame, ev.reconciliation
    else:
        try:
            event_frame = store.events()
        except StoreError:  # built without --events
            event_frame = pd.DataFrame(
                columns=["event_date", "village_code", "nrp", "attendees", "registrations"]
            )
    if "phone" not in officers.columns and "office_phone" in officers.columns:
        officers = officers.rename(columns={"office_phone": "phone"})
    return officers, event_frame, recon


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
    lang: str = "id",
    cache_dir: Path = DEFAULT_CACHE_DIR,
) -> PlanJobResult:
    """Rank, plan and write the files (see the module docstring). ``area`` (a province,
    kabupaten or kecamatan code) limits the plan to the officers working there, e.g. every
    Polres of one province at once. ``lang``: the XLSX and PDF's language (``id``/``en``)."""
    store = Store(Path(store_dir), cache_dir=cache_dir)
    meta = store.meta()
    areas = store.areas()
    village_areas = areas[areas["level"] == "desa"].rename(columns={"area_code": "village_code"})
    officers, event_frame, recon = _load_outreach(
        store, village_areas[["village_code"]], roster, events, mapping or {}
    )
    result = plan_scope(
        store,
        polres=polres,
        polsek=polsek,
        area=area,
        weeks=weeks,
        visits_per_week=visits_per_week,
        weights=weights or PriorityWeights(),
        start=start if start is not None else next_monday(pd.Timestamp.today()),
        officers=officers,
        events=event_frame,
    )
    plan, priority = result.plan, result.priority
    file_meta = {"data_until": meta.get("data_until"), "demo": bool(meta.get("demo"))}
    files = plan_files(plan, priority, polres, polsek, file_meta, lang)
    return PlanJobResult(plan, priority, write_files(Path(out_dir), files), recon)


#: How each column of the priority table is written (analytics.exports.tables kinds).
_PRIORITY_KINDS: Final[dict[str, Kind]] = {
    "rank": "int",
    "active": "int",
    "eligible": "int",
    "uncovered": "int",
    "coverage_pct": "pct",
    "net_growth_12m": "int",
    "years_to_close": "float",
    "months_since_event": "int",
    "gap_norm": "float",
    "coverage_norm": "float",
    "pace_norm": "float",
    "recency_norm": "float",
    "score": "float",
}


def priority_csv(priority: pd.DataFrame, lang: str) -> bytes:
    """``prioritas.csv``: every village's priority, ranked, with headers, explanation and
    number format in ``lang`` (``;`` and decimal commas in Indonesian, as every CSV)."""
    names = headers("priority", lang)
    frame = priority.sort_values("rank", kind="stable").assign(
        month=[f"{pd.Timestamp(m):%Y-%m}" if pd.notna(m) else "" for m in priority["month"]],
        last_event=[
            f"{pd.Timestamp(d):%Y-%m-%d}" if pd.notna(d) else "" for d in priority["last_event"]
        ],
        explanation=priority["explanation" if lang == "id" else "explanation_en"],
    )
    columns = [Column(c, h, _PRIORITY_KINDS.get(c, "text")) for c, h in names.items()]
    return to_csv_bytes(frame, columns, lang=lang)


def plan_files(
    plan: Plan,
    priority: pd.DataFrame,
    polres: str | None,
    polsek: str | None,
    file_meta: Mapping[str, Any],
    lang: str,
) -> dict[str, bytes]:
    """``{file name: bytes}`` of a plan (see the module docstring), in writing order."""
    files = {"prioritas.csv": priority_csv(priority, lang)}
    for name in sorted(plan.summary["polsek"].unique()):
        files[f"rencana_{slug(name)}.xlsx"] = plan_to_xlsx(plan, name, lang)
        files[f"briefing_{slug(name)}.pdf"] = briefing_pdf(plan, name, dict(file_meta), lang)
    if polres and not polsek:  # the whole Polres in two files, as the page's "all Polsek"
        stem = f"{slug(polres)}_semua_polsek"
        files[f"rencana_{stem}.xlsx"] = polres_plan_to_xlsx(plan, polres, lang)
        files[f"briefing_{stem}.pdf"] = polres_briefing_pdf(plan, polres, dict(file_meta), lang)
    return files
