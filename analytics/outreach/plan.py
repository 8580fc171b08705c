"""A week-by-week visit plan per officer, from the priority ranking and the roster.

Rules (``docs/outreach.md``, "Rencana kunjungan"):

- Scope: the officers of the chosen Polres and/or Polsek (names compared case- and
  space-insensitively). The scope's villages are the officers' own villages plus every
  ranked village in the same kecamatan; ``priority_rank`` is the rank within the scope.
- Each officer visits only his own villages, at most ``visits_per_week`` a week and a
  village at most once a week, highest score first (ties: village code). A village is
  visited again only after all his villages have been visited once (rotation). Officers
  are processed by NRP. A village shared by two officers appears in both schedules.
- Capacity is ``weeks * visits_per_week`` per officer. A proposal for a village without an
  officer (below) reserves one of his slots; his rotation fills the rest, and ``spare``
  ("Kapasitas tersisa") is what is left after the plan: capacity - visits planned -
  reserved (an officer whose 8 of 8 slots are planned has 0).
- Villages in scope with no officer in the roster are listed in ``unassigned``. For those in
  the top half of the scope ranking (``high_priority``), in priority order, the officer with
  spare capacity whose own villages touch the village is proposed (``basis='adjacent'``),
  else the nearest by distance between representative points (``basis='distance'``), else
  (no location data) any (``basis='capacity'``); ties by NRP. Each proposal reserves one
  spare visit of the proposed officer.
- Expected registrations per visit come from :func:`estimate_conversion` and fall with
  repeat visits (:func:`expected_visit`): each visit converts the same share of the
  village's uncovered informal workers still left, so a village never yields more than
  its uncovered workers, whoever visits it.

Why one module of ~475 lines: the conversion estimate, the per-officer proposals and
the weekly rotation are the one planning algorithm; its inputs (priority, scope) and its
files are in their own modules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Final

import numpy as np
import pandas as pd

from analytics import formatting
from analytics.errors import InputError
from analytics.outreach.neighbours import haversine_km

DEFAULT_REGISTRATIONS_PER_VISIT: Final = 5.0
Z_95: Final = 1.959963984540054

SCHEDULE_COLUMNS: Final = (
    "week",
    "week_start",
    "nrp",
    "name",
    "polsek",
    "village_code",
    "village_name",
    "visit",
    "priority_rank",
    "score",
    "uncovered",
    "coverage_pct",
    "expected_registrations",
)
SUMMARY_COLUMNS: Final = (
    "nrp",
    "name",
    "rank",
    "polsek",
    "polres",
    "phone",
    "villages",
    "village_names",
    "capacity",
    "visits_planned",
    "first_visits",
    "spare",
    "reserved",
    "expected_registrations",
)
UNASSIGNED_COLUMNS: Final = (
    "village_code",
    "village_name",
    "kecamatan_code",
    "priority_rank",
    "score",
    "uncovered",
    "coverage_pct",
    "explanation",
    "explanation_en",
    "high_priority",
    "proposed_nrp",
    "proposed_name",
    "basis",
    "distance_km",
    "alternatives",  # Bahasa Indonesia (plan files, briefings)
    "alternatives_en",  # the same in English, for the English page
)


@dataclass(frozen=True)
class ConversionEstimate:
    """Registrations expected per visit, with a 95% interval when estimated from events."""

    per_visit: float
    low: float
    high: float
    n_events: int
    is_default: bool
    label: str  # conversion_text(..., "id"); the files call conversion_text in their lang


@dataclass(frozen=True)
class Plan:
    """A plan for one scope: schedule, unassigned villages and per-officer summary."""

    schedule: pd.DataFrame
    unassigned: pd.DataFrame
    summary: pd.DataFrame
    conversion: ConversionEstimate
    scope: str
    start: pd.Timestamp
    weeks: int
    visits_per_week: int


def estimate_conversion(
    events: pd.DataFrame, *, default: float = DEFAULT_REGISTRATIONS_PER_VISIT
) -> ConversionEstimate:
    """Mean registrations made on the day per past event (pooled), with a normal 95% interval.

    With no events the stated ``default`` is used and flagged; with one event the interval
    is unknown (NaN).
    """
    regs = (
        pd.to_numeric(events["registrations"], errors="coerce").dropna()
        if "registrations" in events
        else pd.Series(dtype="float64")
    )
    n = len(regs)
    if n == 0:
        estimate = ConversionEstimate(default, math.nan, math.nan, 0, True, "")
    else:
        mean = float(regs.mean())
        if n >= 2:
            half = Z_95 * float(regs.std(ddof=1)) / math.sqrt(n)
            low, high = max(mean - half, 0.0), mean + half
        else:
            low = high = math.nan
        estimate = ConversionEstimate(mean, low, high, n, False, "")
    return replace(estimate, label=conversion_text(estimate, "id"))


#: The words of :func:`conversion_text` (Bahasa Indonesia, English).
_CONVERSION_WORDS: Final[dict[str, dict[str, str]]] = {
    "id": {
        "default": "{mean} pendaftaran per kunjungan — default (tidak ada data kegiatan)",
        "mean": "{mean} pendaftaran per kunjungan (rata-rata {n} kegiatan{interval})",
    },
    "en": {
        "default": "{mean} registrations per visit — default (no outreach event data)",
        "mean": "{mean} registrations per visit (mean of {n} events{interval})",
    },
}


def conversion_text(estimate: ConversionEstimate, lang: str) -> str:
    """The basis of the expected registrations in ``lang``: ``7,7 pendaftaran per
    kunjungan (rata-rata 12 kegiatan, 95%: 5,1-10,3)`` / ``7.7 registrations per visit
    (mean of 12 events, 95%: 5.1-10.3)``."""
    lang = formatting.lang_of(lang)
    words = _CONVERSION_WORDS[lang]
    mean = formatting.decimal(estimate.per_visit, lang)
    if estimate.is_default:
        return words["default"].format(mean=mean)
    interval = ""
    if not (math.isnan(estimate.low) or math.isnan(estimate.high)):
        low, high = formatting.decimal(estimate.low, lang), formatting.decimal(estimate.high, lang)
        interval = f", 95%: {low}–{high}"
    n = formatting.count(estimate.n_events, lang)
    return words["mean"].format(mean=mean, n=n, interval=interval)


def expected_visit(per_visit: float, uncovered: float, left: float) -> tuple[float, float]:
    """(expected registrations of one visit, uncovered workers left after it).

    The first visit to a village expects ``per_visit`` (the past mean), never more than its
    ``uncovered`` informal workers; that is a share ``r = min(1, per_visit / uncovered)``
    of them. Every visit converts the same share of the workers *still* uncovered:
    ``expected_k = r * left_before_visit_k``, so repeated visits give less and less and
    their sum stays below ``uncovered`` (``docs/outreach.md``). Without an uncovered count
    (NaN) each visit expects ``per_visit``."""
    if math.isnan(uncovered):
        return per_visit, left
    if uncovered <= 0:
        return 0.0, 0.0
    share = min(1.0, per_visit / uncovered)
    expected = share * left
    return expected, left - expected


def _same(values: pd.Series, wanted: str) -> pd.Series:
    """Whether each value equals ``wanted`` ignoring case and spacing. Compared once per
    distinct value: a national roster has 77,000 rows but 514 Polres and 7,000 Polsek."""
    codes, uniques = pd.factorize(values)
    key = pd.Series(uniques, dtype="string").str.split().str.join(" ").str.casefold()
    match = (key == " ".join(wanted.split()).casefold()).fillna(False).to_numpy(dtype=bool)
    return pd.Series(np.append(match, False)[codes], index=values.index)  # code -1: missing


def scope_officers(officers: pd.DataFrame, polres: str | None, polsek: str | None) -> pd.DataFrame:
    """The roster rows of ``polres`` and/or ``polsek``; an InputError naming the known ones."""
    scoped = officers
    for column, wanted in (("polres", polres), ("polsek", polsek)):
        if wanted is None:
            continue
        scoped = scoped[_same(scoped[column], wanted)]
        if scoped.empty:
            known = ", ".join(sorted(officers[column].astype(str).unique()))
            raise InputError(f"no officer of {column} {wanted!r} in the roster; known: {known}")
    return scoped


def _rotation(villages: list[str], weeks: int, per_week: int, budget: int) -> list[list[str]]:
    """Villages per week, cycling in order, each at most once a week, ``budget`` visits in
    all (the capacity less the slots reserved for villages without an officer)."""
    if not villages:
        return [[] for _ in range(weeks)]
    per_week = min(per_week, len(villages))
    out, pos = [], 0
    for _ in range(weeks):
        n = max(min(per_week, budget), 0)
        week = [villages[(pos + i) % len(villages)] for i in range(n)]
        pos = (pos + n) % len(villages)
        budget -= n
        out.append(week)
    return out


def _proposals(
    unassigned: pd.DataFrame,
    own: pd.DataFrame,
    spare: dict[str, int],
    names: dict[str, str],
    neighbours: pd.DataFrame | None,
    points: pd.DataFrame | None,
    n_alternatives: int,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Propose officers for the high-priority unassigned villages (see module docstring).

    Vectorised over officers: per village, one distance computation over every own
    village of the scope's officers and one reduction per officer, so a whole province
    (thousands of officers, hundreds of villages without one) stays fast.
    """
    nrps = np.array(sorted(spare), dtype=object)
    rows_own = own[own["nrp"].isin(set(spare))].sort_values(["nrp", "village_code"], kind="stable")
    owner = np.searchsorted(nrps, rows_own["nrp"].to_numpy(dtype=object))
    starts = np.searchsorted(owner, np.arange(len(nrps)))
    own_codes = rows_own["village_code"].to_numpy(dtype=object)
    xy = np.full((len(rows_own), 2), np.nan)
    if points is not None:
        pts = points.drop_duplicates("village_code").set_index("village_code")[["lon", "lat"]]
        xy = pts.reindex(own_codes).to_numpy(dtype="float64")
        where = pts.reindex(unassigned["village_code"]).to_numpy(dtype="float64")
    else:
        where = np.full((len(unassigned), 2), np.nan)
    touching: dict[str, set[str]] = {}
    if neighbours is not None and not neighbours.empty:
        pairs = neighbours[neighbours["village_code"].isin(set(unassigned["village_code"]))]
        for code, group in pairs.groupby("village_code")["neighbour_code"]:
            touching[str(code)] = set(group)
    left = np.array([spare[n] for n in nrps], dtype=np.int64)
    reserved = np.zeros(len(nrps), dtype=np.int64)
    has_rows = np.diff(np.append(starts, len(rows_own))) > 0
    rows = []
    v: Any
    for i, v in enumerate(unassigned.itertuples(index=False)):
        row: dict[str, object] = {"village_code": v.village_code}
        free = left - reserved > 0
        if v.high_priority and free.any():
            touch = np.zeros(len(nrps), dtype=bool)
            near = touching.get(v.village_code)
            if near and len(rows_own):
                hit = np.isin(own_codes, list(near))
                touch[has_rows] = np.logical_or.reduceat(hit, starts[has_rows])
            dist = np.full(len(nrps), np.nan)
            if len(rows_own) and not np.isnan(where[i]).any():
                d = haversine_km(where[i, 0], where[i, 1], xy[:, 0], xy[:, 1])
                d = np.where(np.isnan(d), np.inf, d)
                best_d = np.full(len(nrps), np.inf)
                best_d[has_rows] = np.minimum.reduceat(d, starts[has_rows])
                dist = np.where(np.isinf(best_d), np.nan, best_d)
            unknown = np.isnan(dist)
            cand = np.flatnonzero(free)
            # Order: touching first, then known distance, nearest, then NRP (the index).
            order = cand[
                np.lexsort(
                    (
                        cand,
                        np.where(unknown[cand], 0.0, dist[cand]),
                        unknown[cand],
                        ~touch[cand],
                    )
                )
            ]
            best = order[0]
            reserved[best] += 1
            chosen = str(nrps[best])
            row.update(
                proposed_nrp=chosen,
                proposed_name=names[chosen],
                basis="adjacent"
                if touch[best]
                else ("distance" if not unknown[best] else "capacity"),
                distance_km=round(float(dist[best]), 2) if not unknown[best] else math.nan,
            )
            others = [
                (names[str(nrps[c])], str(nrps[c]), math.nan if unknown[c] else float(dist[c]))
                for c in order[1 : 1 + n_alternatives]
            ]
            row.update(
                alternatives=alternatives_text(others, "id"),
                alternatives_en=alternatives_text(others, "en"),
            )
        rows.append(row)
    reserved_by_nrp = {str(n): int(r) for n, r in zip(nrps, reserved, strict=True)}
    cols = [
        "village_code",
        "proposed_nrp",
        "proposed_name",
        "basis",
        "distance_km",
        "alternatives",
        "alternatives_en",
    ]
    frame = pd.DataFrame(rows).reindex(columns=cols).astype({"village_code": "str"})
    return frame, reserved_by_nrp


def alternatives_text(others: list[tuple[str, str, float]], lang: str) -> str:
    """``Nama (NRP), 5,2 km; ...`` (id) / ``Name (NRP), 5.2 km; ...`` (en): the other
    officers that could take a village, nearest first (distance left out when unknown)."""
    return "; ".join(
        f"{name} ({nrp})" + ("" if math.isnan(km) else f", {formatting.decimal(km, lang)} km")
        for name, nrp, km in others
    )


def build_plan(
    priority: pd.DataFrame,
    officers: pd.DataFrame,
    *,
    polres: str | None = None,
    polsek: str | None = None,
    weeks: int = 4,
    visits_per_week: int = 2,
    start: pd.Timestamp,
    conversion: ConversionEstimate,
    neighbours: pd.DataFrame | None = None,
    points: pd.DataFrame | None = None,
    n_alternatives: int = 2,
) -> Plan:
    """Plan visits for the officers of ``polres``/``polsek`` (both None: everyone).

    ``priority`` is :func:`~analytics.outreach.priority.village_priority`'s output;
    ``officers`` OfficerSchema rows (optionally ``phone``); ``neighbours`` pairs from
    :func:`~analytics.outreach.neighbours.village_neighbours`; ``points`` village_code, lon,
    lat (e.g. village rows of ``areas.parquet``).
    """
    if weeks < 1 or visits_per_week < 1:
        raise InputError(f"weeks ({weeks}) and visits per week ({visits_per_week}) must be >= 1")
    start = pd.Timestamp(start).normalize()
    scoped = scope_officers(officers, polres, polsek)
    scope = " / ".join(s for s in (polres, polsek) if s) or "semua"
    kecamatan = set(scoped["village_code"].str.slice(0, 8))
    ranked = priority.drop(columns=["rank"], errors="ignore")
    in_scope = ranked[
        ranked["kecamatan_code"].isin(kecamatan)
        | ranked["village_code"].isin(scoped["village_code"])
    ].sort_values(["score", "village_code"], ascending=[False, True], kind="stable")
    in_scope = in_scope.assign(priority_rank=np.arange(1, len(in_scope) + 1))

    own = scoped.merge(
        in_scope[
            ["village_code", "village_name", "priority_rank", "score", "uncovered", "coverage_pct"]
        ],
        on="village_code",
        how="left",
        validate="many_to_one",
    )
    own["village_name"] = own["village_name"].fillna(own["village_code"])
    own = own.sort_values(
        ["nrp", "score", "village_code"], ascending=[True, False, True], na_position="last"
    )
    capacity = weeks * visits_per_week
    first = own.groupby("nrp")["village_code"].nunique().clip(upper=capacity)
    spare = {str(nrp): int(capacity - n) for nrp, n in first.items()}
    info = scoped.drop_duplicates("nrp").set_index("nrp")
    names = {str(k): str(v) for k, v in info["name"].items()}

    # Proposals first: each reserves one slot of the proposed officer, which his own
    # rotation then leaves free (so "remaining capacity" is what is left after the plan).
    staffed = officers.loc[
        officers["village_code"].isin(set(in_scope["village_code"])), "village_code"
    ]
    unassigned = in_scope[~in_scope["village_code"].isin(set(staffed))].copy()
    unassigned["high_priority"] = unassigned["priority_rank"] <= math.ceil(len(in_scope) / 2)
    proposals, reserved = _proposals(
        unassigned, own, spare, names, neighbours, points, n_alternatives
    )
    unassigned = unassigned.merge(proposals, on="village_code", how="left", validate="one_to_one")
    unassigned = unassigned.reindex(columns=list(UNASSIGNED_COLUMNS)).reset_index(drop=True)

    # The schedule: week-major, officers by NRP, so the expected registrations of a village
    # shared by two officers are spent in visiting order.
    villages_of: dict[str, list[str]] = {}
    for nrp, code in zip(own["nrp"].tolist(), own["village_code"].tolist(), strict=True):
        mine = villages_of.setdefault(str(nrp), [])
        if code not in mine:
            mine.append(code)
    rotations = {
        nrp: _rotation(villages_of[nrp], weeks, visits_per_week, capacity - reserved.get(nrp, 0))
        for nrp in sorted(villages_of)
    }
    village_info = own.drop_duplicates("village_code").set_index("village_code")
    uncovered = village_info["uncovered"].astype("float64").to_dict()
    left = dict(uncovered)
    # Plain dicts, not frame lookups, in the loop over visits (a province has thousands).
    about = village_info[
        ["village_name", "priority_rank", "score", "uncovered", "coverage_pct"]
    ].to_dict("index")
    polsek_of = info["polsek"].to_dict()
    visit_count: dict[tuple[str, str], int] = {}
    rows = []
    for week in range(1, weeks + 1):
        for nrp in sorted(rotations):
            for code in rotations[nrp][week - 1]:
                expected, left[code] = expected_visit(
                    conversion.per_visit, uncovered.get(code, math.nan), left.get(code, math.nan)
                )
                visit_count[(nrp, code)] = visit_count.get((nrp, code), 0) + 1
                vi = about[code]
                rows.append(
                    {
                        "week": week,
                        "week_start": start + pd.Timedelta(weeks=week - 1),
                        "nrp": nrp,
                        "name": names[nrp],
                        "polsek": polsek_of[nrp],
                        "village_code": code,
                        "village_name": vi["village_name"],
                        "visit": visit_count[(nrp, code)],
                        "priority_rank": vi["priority_rank"],
                        "score": vi["score"],
                        "uncovered": vi["uncovered"],
                        "coverage_pct": vi["coverage_pct"],
                        "expected_registrations": expected,
                    }
                )
    schedule = pd.DataFrame(rows).reindex(columns=list(SCHEDULE_COLUMNS))
    schedule["priority_rank"] = schedule["priority_rank"].astype("Int64")

    per_officer = schedule.groupby("nrp").agg(
        visits_planned=("village_code", "size"),
        expected_registrations=("expected_registrations", "sum"),
    )
    planned = per_officer["visits_planned"].reindex(info.index, fill_value=0)
    held = pd.Series(reserved, dtype="int64").reindex(info.index, fill_value=0)
    summary = info.reindex(columns=["name", "rank", "polsek", "polres", "phone"]).assign(
        villages=own.groupby("nrp")["village_code"].nunique(),
        village_names=own.groupby("nrp")["village_name"].agg(", ".join),
        capacity=capacity,
        first_visits=first,
        visits_planned=planned,
        spare=capacity - planned - held,
        reserved=held,
        expected_registrations=per_officer["expected_registrations"],
    )
    summary = summary.rename_axis("nrp").reset_index().sort_values("nrp")
    summary = summary.reindex(columns=list(SUMMARY_COLUMNS)).reset_index(drop=True)
    return Plan(schedule, unassigned, summary, conversion, scope, start, weeks, visits_per_week)
