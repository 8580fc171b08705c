"""The outreach page's views: the rows of its tables. No Dash.

The plan itself comes from :func:`analytics.outreach.scope.plan_scope`, the function
``cakupan plan`` uses too; these functions turn its frames into the plain rows the page's
tables show, each number beside its text from :mod:`analytics.formatting`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import pandas as pd

from analytics import formatting as fmt
from analytics.outreach.plan import Plan
from analytics.outreach.priority import FACTORS, PriorityWeights
from analytics.outreach.scope import ScopePlan

WEEK_CHOICES: Final = (4, 8)
CAPACITY_RANGE: Final = (1, 10)
DEFAULT_WEEKS: Final = 4
DEFAULT_CAPACITY: Final = 2


#: The plan of a scope as :func:`analytics.outreach.scope.plan_scope` computes it.
OutreachPlan = ScopePlan


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


def _num(value: Any) -> float | None:
    """A JSON-safe exact number (None for missing): the table sorts and filters on it and
    shows ``<field>_text``, written by :mod:`analytics.formatting` from the same value."""
    if fmt.is_missing(value):
        return None
    return float(value)


def _dec(digits: int) -> Callable[[Any, str], str]:
    return lambda value, lang: fmt.number(value, lang, digits)


#: How each number column of the outreach tables is written (analytics.formatting).
NUMBER_FORMATS: Final[dict[str, Callable[[Any, str], str]]] = {
    "rank": fmt.count,
    "week": fmt.count,
    "visit": fmt.count,
    "priority_rank": fmt.count,
    "uncovered": fmt.count,
    "n_events": fmt.count,
    "n_villages": fmt.count,
    "registrations_on_day": fmt.count,
    "score": _dec(fmt.SCORE_DIGITS),  # already on 0-100 in the rows
    "coverage_pct": fmt.percent,
    "years_to_close": _dec(1),
    "months_since_event": _dec(1),
    "distance_km": _dec(1),
    "expected_registrations": fmt.decimal,
    "gap_norm": _dec(2),
    "coverage_norm": _dec(2),
    "pace_norm": _dec(2),
    "recency_norm": _dec(2),
    "before_mean": _dec(2),
    "after_mean": _dec(2),
    "did": _dec(2),
    "ci_low": _dec(2),
    "ci_high": _dec(2),
}


def with_texts(row: dict[str, Any], lang: str) -> dict[str, Any]:
    """``row`` plus ``<field>_text`` for each of its number columns."""
    texts = {f"{k}_text": NUMBER_FORMATS[k](v, lang) for k, v in row.items() if k in NUMBER_FORMATS}
    return {**row, **texts}


def _date(value: Any) -> str:
    return fmt.day(value, "id")


def explanation(r: Any, lang: str) -> str:
    """Why a village ranks where it does, in ``lang`` (``explanation`` / ``explanation_en``)."""
    text = getattr(r, "explanation_en", None) if lang == "en" else r.explanation
    return text if isinstance(text, str) else str(r.explanation)


def _priority_row(r: Any, lang: str = "id") -> dict[str, Any]:
    return {
        "rank": int(r.rank),
        "village_name": str(r.village_name),
        "village_code": str(r.village_code),
        "score": _num(r.score * 100),
        "uncovered": _num(r.uncovered),
        "gap_norm": _num(r.gap_norm),
        "coverage_pct": _num(r.coverage_pct),
        "coverage_norm": _num(r.coverage_norm),
        "years_to_close": _num(r.years_to_close),
        "pace_norm": _num(r.pace_norm),
        "last_event": _date(r.last_event),
        "months_since_event": _num(r.months_since_event),
        "recency_norm": _num(r.recency_norm),
        "officers": r.officers if isinstance(r.officers, str) else "",
        "explanation": explanation(r, lang),
    }


def priority_rows(result: OutreachPlan, lang: str = "id") -> list[dict[str, Any]]:
    """The ranking with each factor raw and scaled (0..1), the officers and the explanation."""
    merged = result.priority.merge(
        result.village_officers[["village_code", "officers"]],
        on="village_code",
        how="left",
        validate="one_to_one",
    )
    return [with_texts(_priority_row(r, lang), lang) for r in merged.itertuples(index=False)]


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
        "uncovered": _num(v.uncovered),
        "coverage_pct": _num(v.coverage_pct),
        "expected_registrations": _num(v.expected_registrations),
    }


def schedule_rows(plan: Plan, lang: str = "id") -> list[dict[str, Any]]:
    """The schedule: week, its Monday, officer, village, visit number, expected registrations."""
    return [with_texts(_visit_row(v), lang) for v in plan.schedule.itertuples(index=False)]


BASIS: Final = ("adjacent", "distance", "capacity")


def unassigned_rows(
    plan: Plan, basis_labels: dict[str, str], lang: str = "id"
) -> list[dict[str, Any]]:
    """Villages without an officer, in priority order, with the proposed officer."""
    rows = []
    u: Any
    for u in plan.unassigned.itertuples(index=False):
        proposed = (
            f"{u.proposed_name} ({u.proposed_nrp})" if isinstance(u.proposed_name, str) else ""
        )
        row = {
            "priority_rank": int(u.priority_rank),
            "village_name": str(u.village_name),
            "village_code": str(u.village_code),
            "score": _num(u.score * 100),
            "uncovered": _num(u.uncovered),
            "coverage_pct": _num(u.coverage_pct),
            "high_priority": bool(u.high_priority),
            "proposed": proposed,
            "basis": basis_labels.get(u.basis, "") if isinstance(u.basis, str) else "",
            "distance_km": _num(u.distance_km),
            "alternatives": _alternatives(u, lang),
            "explanation": explanation(u, lang),
        }
        rows.append(with_texts(row, lang))
    return rows


def _alternatives(u: Any, lang: str) -> str:
    text = getattr(u, "alternatives_en", None) if lang == "en" else u.alternatives
    return text if isinstance(text, str) else ""


def plan_totals(plan: Plan) -> dict[str, Any]:
    """Visits, officers and expected registrations of the whole plan."""
    schedule = plan.schedule
    return {
        "visits": len(schedule),
        "officers": int(plan.summary["nrp"].nunique()),
        "expected": float(schedule["expected_registrations"].sum()) if len(schedule) else 0.0,
        "weeks": plan.weeks,
        "start": plan.start,
        "conversion": plan.conversion,
    }


def normalised_weights(weights: PriorityWeights) -> dict[str, float]:
    """The weights as they are applied (summing to 1), formatted where shown."""
    return {f: weights.as_dict()[f] for f in FACTORS}
