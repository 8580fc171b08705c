"""The outreach page's views: the plan of a scope and the rows of its tables. No Dash.

:func:`outreach_plan` runs the analytics of :mod:`analytics.outreach` for one Polres or
Polsek exactly as ``cakupan plan`` does (priority scaled within the scope's kecamatan,
plan, conversion from past events); the other functions turn its frames into the plain
rows the page's tables show. Everything takes frames and returns frames or lists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

from analytics.outreach.plan import Plan, build_plan, estimate_conversion, scope_officers
from analytics.outreach.priority import (
    FACTORS,
    PriorityWeights,
    village_priority,
    village_rows_in,
)

WEEK_CHOICES: Final = (4, 8)
CAPACITY_RANGE: Final = (1, 10)
DEFAULT_WEEKS: Final = 4
DEFAULT_CAPACITY: Final = 2


@dataclass(frozen=True)
class OutreachPlan:
    """The ranking of the scope's villages, the plan, and who covers which village."""

    priority: pd.DataFrame
    plan: Plan
    village_officers: pd.DataFrame  # village_code, nrp (lowest), officers ("Name (NRP)"; ...)


def polres_options(officers: pd.DataFrame) -> list[str]:
    """The Polres of the roster, sorted."""
    return sorted(officers["polres"].dropna().astype(str).unique())


def polsek_options(officers: pd.DataFrame, polres: str | None) -> list[str]:
    """The Polsek of ``polres`` (all Polsek when ``None``), sorted."""
    rows = officers if not polres else officers[officers["polres"] == polres]
    return sorted(rows["polsek"].dropna().astype(str).unique())


def weights_from(values: list[float | None]) -> tuple[PriorityWeights, bool]:
    """Weights from the four sliders (gap, coverage, pace, recency); the defaults and
    ``False`` when they are unusable (all zero, negative or missing)."""
    try:
        numbers = [float(v) for v in values]  # type: ignore[arg-type]
        return PriorityWeights(*numbers), True
    except (TypeError, ValueError):
        return PriorityWeights(), False


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


def outreach_plan(
    coverage: pd.DataFrame,
    areas: pd.DataFrame,
    officers: pd.DataFrame,
    events: pd.DataFrame,
    *,
    polres: str | None,
    polsek: str | None,
    weeks: int,
    capacity: int,
    weights: PriorityWeights,
    as_of: pd.Timestamp,
    start: pd.Timestamp,
    neighbours: pd.DataFrame | None,
) -> OutreachPlan:
    """Rank the villages of the scope and plan the visits of its officers.

    The scope is every village of the kecamatan where the officers of ``polres``/``polsek``
    work (the rule of ``cakupan plan``); ``as_of`` is the date of the data, ``start`` the
    Monday the plan starts. Raises InputError when the scope has no officer.
    """
    scoped = scope_officers(officers, polres, polsek)
    kecamatan = set(scoped["village_code"].str.slice(0, 8))
    priority = village_priority(village_rows_in(coverage, kecamatan), events, as_of, weights)
    points = areas.loc[areas["level"] == "desa", ["area_code", "lon", "lat"]].rename(
        columns={"area_code": "village_code"}
    )
    plan = build_plan(
        priority,
        officers,
        polres=polres,
        polsek=polsek,
        weeks=weeks,
        visits_per_week=capacity,
        start=start,
        conversion=estimate_conversion(events),
        neighbours=neighbours,
        points=points,
    )
    codes = set(priority["village_code"]) | set(scoped["village_code"])
    covering = village_officers(officers[officers["village_code"].isin(codes)])
    return OutreachPlan(priority, plan, covering)


def _num(value: Any, digits: int) -> float | None:
    """A JSON-safe rounded number (None for missing)."""
    if value is None or value is pd.NA or pd.isna(value):
        return None
    number = float(value)
    if math.isinf(number):
        return None
    return round(number) if digits == 0 else round(number, digits)


def _date(value: Any) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%d/%m/%Y")


def _priority_row(r: Any) -> dict[str, Any]:
    return {
        "rank": int(r.rank),
        "village_name": str(r.village_name),
        "village_code": str(r.village_code),
        "score": _num(r.score * 100, 1),
        "uncovered": _num(r.uncovered, 0),
        "gap_norm": _num(r.gap_norm, 2),
        "coverage_pct": _num(r.coverage_pct, 1),
        "coverage_norm": _num(r.coverage_norm, 2),
        "years_to_close": _num(r.years_to_close, 1),
        "pace_norm": _num(r.pace_norm, 2),
        "last_event": _date(r.last_event),
        "months_since_event": _num(r.months_since_event, 1),
        "recency_norm": _num(r.recency_norm, 2),
        "officers": r.officers if isinstance(r.officers, str) else "",
        "explanation": str(r.explanation),
    }


def priority_rows(result: OutreachPlan) -> list[dict[str, Any]]:
    """The ranking with each factor raw and scaled (0..1), the officers and the explanation."""
    merged = result.priority.merge(
        result.village_officers[["village_code", "officers"]],
        on="village_code",
        how="left",
        validate="one_to_one",
    )
    return [_priority_row(r) for r in merged.itertuples(index=False)]


def _visit_row(v: Any) -> dict[str, Any]:
    return {
        "week": int(v.week),
        "week_start": _date(v.week_start),
        "officer": f"{v.name} ({v.nrp})",
        "polsek": str(v.polsek),
        "village_name": str(v.village_name),
        "village_code": str(v.village_code),
        "visit": int(v.visit),
        "priority_rank": None if pd.isna(v.priority_rank) else int(v.priority_rank),
        "uncovered": _num(v.uncovered, 0),
        "coverage_pct": _num(v.coverage_pct, 1),
        "expected_registrations": _num(v.expected_registrations, 2),
    }


def schedule_rows(plan: Plan) -> list[dict[str, Any]]:
    """The schedule: week, its Monday, officer, village, visit number, expected registrations."""
    return [_visit_row(v) for v in plan.schedule.itertuples(index=False)]


BASIS: Final = ("adjacent", "distance", "capacity")


def unassigned_rows(plan: Plan, basis_labels: dict[str, str]) -> list[dict[str, Any]]:
    """Villages without an officer, in priority order, with the proposed officer."""
    rows = []
    u: Any
    for u in plan.unassigned.itertuples(index=False):
        proposed = (
            f"{u.proposed_name} ({u.proposed_nrp})" if isinstance(u.proposed_name, str) else ""
        )
        rows.append(
            {
                "priority_rank": int(u.priority_rank),
                "village_name": str(u.village_name),
                "village_code": str(u.village_code),
                "score": _num(u.score * 100, 1),
                "uncovered": _num(u.uncovered, 0),
                "coverage_pct": _num(u.coverage_pct, 1),
                "high_priority": bool(u.high_priority),
                "proposed": proposed,
                "basis": basis_labels.get(u.basis, "") if isinstance(u.basis, str) else "",
                "distance_km": _num(u.distance_km, 1),
                "alternatives": u.alternatives if isinstance(u.alternatives, str) else "",
                "explanation": str(u.explanation),
            }
        )
    return rows


def plan_totals(plan: Plan) -> dict[str, Any]:
    """Visits, officers and expected registrations of the whole plan."""
    schedule = plan.schedule
    return {
        "visits": len(schedule),
        "officers": int(plan.summary["nrp"].nunique()),
        "expected": float(schedule["expected_registrations"].sum()) if len(schedule) else 0.0,
        "weeks": plan.weeks,
        "start": plan.start,
        "conversion": plan.conversion.label,
    }


def normalised_weights(weights: PriorityWeights) -> dict[str, float]:
    """The weights as they are applied (summing to 1), rounded for display."""
    return {f: round(weights.as_dict()[f], 2) for f in FACTORS}
