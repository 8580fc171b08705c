"""Did outreach raise registrations? Difference in differences on weekly BPU registrations.

Design (``docs/outreach.md``, "Dampak"):

- An event in village v in week w0 (weeks start on Monday) is compared over ``k`` weeks
  before (w0-k .. w0-1) and ``k`` weeks after (w0+1 .. w0+k). The event week itself is left
  out: it mixes days before and after the event, and the registrations made on the day are
  already known from the event log (reported as ``registrations_on_day``). The estimate is
  therefore the lasting lift in the weeks after a visit.
- Events in the same village and week are one treatment. An event whose windows contain
  another treatment of the same village (within ±k weeks), whose windows run outside the
  weekly data, or that has no control village, is kept in ``per_event`` with ``used=False``
  and the reason; it does not enter the averages.
- Controls: villages of the same kecamatan (the kabupaten when the kecamatan has fewer
  than ``min_controls``) with no event within ±k weeks of w0, the ``max_controls`` closest
  in BPU coverage (ties by code). ``did = (after - before)[v] - mean over controls of
  (after - before)``.
- Uncertainty: per event, the spread of the controls' own differences (a placebo
  interval, ``sd * sqrt(1 + 1/n_controls)``); for groups (officer, Polsek, overall), the
  mean of the per-event values with a standard error clustered by village and a Student t
  95% interval on (villages - 1) degrees of freedom. ``small_sample`` flags fewer than
  :data:`SMALL_SAMPLE` events or villages.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
from scipy import stats

SMALL_SAMPLE: Final = 5
UNKNOWN_POLSEK: Final = "(tidak diketahui)"
GROUP_COLUMNS: Final = (
    "n_events",
    "n_villages",
    "n_controls",
    "before_mean",
    "after_mean",
    "did",
    "se",
    "ci_low",
    "ci_high",
    "registrations_on_day",
    "small_sample",
)


@dataclass(frozen=True)
class ImpactResult:
    """Per-event estimates and their averages per officer, Polsek and overall."""

    per_event: pd.DataFrame
    per_officer: pd.DataFrame
    per_polsek: pd.DataFrame
    overall: pd.DataFrame
    window_weeks: int


def _monday(dates: pd.Series) -> pd.Series:
    d = pd.to_datetime(dates).dt.normalize()
    return d - pd.to_timedelta(d.dt.day_of_week, unit="D")


def _bpu_weeks(weekly: pd.DataFrame) -> pd.DataFrame:
    w = weekly
    if "segment" in w.columns:
        w = w[w["segment"] == "BPU"]
    return w.assign(week=_monday(w["week"]))


def _panel(
    w: pd.DataFrame, codes: list[str], span: tuple[pd.Timestamp, pd.Timestamp]
) -> pd.DataFrame:
    """Weeks (``span``, Mondays) x villages matrix of BPU registrations (``w`` from
    :func:`_bpu_weeks`), zeros where nothing was registered."""
    if pd.isna(span[0]):
        return pd.DataFrame(columns=codes, dtype="float64")
    weeks = pd.date_range(span[0], span[1], freq="7D")
    if w.empty:
        return pd.DataFrame(0.0, index=weeks, columns=sorted(set(codes)))
    table = w.pivot_table(
        index="week", columns="village_code", values="registrations", aggfunc="sum"
    )
    all_codes = sorted(set(codes) | set(table.columns))
    return table.reindex(index=weeks, columns=all_codes).fillna(0.0)


def _group(per_event: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group of ``keys`` (none: one overall row), the mean per-event estimate with its
    village-clustered interval. Works on NumPy arrays per group: a Polres has hundreds of
    officers."""
    used = per_event[per_event["used"].astype(bool)]
    did_all = used["did"].to_numpy(dtype="float64")
    village_all = used["village_code"].to_numpy(dtype=object)
    before_all = used["before_mean"].to_numpy(dtype="float64")
    after_all = used["after_mean"].to_numpy(dtype="float64")
    day_all = used["registrations_on_day"].to_numpy(dtype="int64")
    controls_all = used["control_codes"].to_numpy(dtype=object)
    if keys:
        grouped = used.groupby(keys, sort=True, dropna=False)
        number = grouped.ngroup().to_numpy()
        groups = [(key, np.flatnonzero(number == i)) for i, key in enumerate(grouped.size().index)]
    else:
        groups = [((), np.arange(len(used)))]
    rows = []
    for key, idx in groups:
        n = len(idx)
        codes, cluster = np.unique(village_all[idx].astype(str), return_inverse=True)
        villages = len(codes)
        did = did_all[idx]
        mean = float(did.mean()) if n else math.nan
        se = low = high = math.nan
        if villages >= 2:
            cluster_sums = np.bincount(cluster, weights=did - mean, minlength=villages)
            se = math.sqrt(villages / (villages - 1) * float((cluster_sums**2).sum())) / n
            t = float(stats.t.ppf(0.975, villages - 1))
            low, high = mean - t * se, mean + t * se
        controls = set().union(*(str(c).split(",") for c in controls_all[idx]))
        row = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        row.update(
            n_events=n,
            n_villages=villages,
            n_controls=len(controls - {""}),
            before_mean=float(before_all[idx].mean()) if n else math.nan,
            after_mean=float(after_all[idx].mean()) if n else math.nan,
            did=mean,
            se=se,
            ci_low=low,
            ci_high=high,
            registrations_on_day=int(day_all[idx].sum()),
            small_sample=n < SMALL_SAMPLE or villages < SMALL_SAMPLE,
        )
        rows.append(row)
    return pd.DataFrame(rows).reindex(columns=[*keys, *GROUP_COLUMNS])


def event_impact(
    weekly: pd.DataFrame,
    events: pd.DataFrame,
    villages: pd.DataFrame,
    *,
    window_weeks: int = 4,
    officers: pd.DataFrame | None = None,
    max_controls: int = 5,
    min_controls: int = 2,
    kabupaten: Collection[str] | None = None,
) -> ImpactResult:
    """Difference-in-differences estimates of outreach events (see the module docstring).

    ``weekly``: village_code, [segment], week, registrations (``registrations_weekly``).
    ``events``: OutreachEventSchema rows. ``villages``: village_code and optionally
    ``coverage_pct`` (current BPU coverage, for matching controls). ``officers``: the
    roster, to name officers and their Polsek (else an events ``polsek`` column is used).

    ``kabupaten`` (codes like ``34.04``) limits the estimate to the events of those
    kabupaten, e.g. of one Polres. Each of those events gets exactly the estimate the
    whole store would give it: its controls never leave its kabupaten, and the weeks of
    the data are still those of the whole ``weekly`` frame. Nationally (100,000 events in
    83,000 villages) this is what keeps the estimate to a fraction of a second.
    """
    if window_weeks < 1:
        raise ValueError("window_weeks must be at least 1")
    k = window_weeks
    bpu = _bpu_weeks(weekly)
    span = (bpu["week"].min(), bpu["week"].max())
    if kabupaten is not None:
        wanted = set(kabupaten)

        def inside(codes: pd.Series) -> pd.Series:
            return codes.astype("str").str.slice(0, 5).isin(wanted)

        bpu = bpu[inside(bpu["village_code"])]
        events = events[inside(events["village_code"])]
        villages = villages[inside(villages["village_code"])]
    vil = villages.drop_duplicates("village_code").set_index("village_code")
    panel = _panel(bpu, list(vil.index), span)
    values = panel.to_numpy()
    col = {c: i for i, c in enumerate(panel.columns)}
    week_pos = {w: i for i, w in enumerate(panel.index)}
    coverage = vil["coverage_pct"] if "coverage_pct" in vil.columns else pd.Series(dtype="float64")

    ev = events.assign(week=_monday(events["event_date"])).reset_index(drop=True)
    if officers is not None and not officers.empty:
        first = officers.drop_duplicates("nrp").set_index("nrp")
        ev["name"] = ev["nrp"].map(first["name"])
        ev["polsek"] = ev["nrp"].map(first["polsek"])
    for column in ("name", "polsek"):
        if column not in ev.columns:
            ev[column] = pd.NA
    ev["polsek"] = ev["polsek"].fillna(UNKNOWN_POLSEK)
    treatments = ev[["village_code", "week"]].drop_duplicates()
    treated_weeks = treatments.groupby("village_code")["week"].apply(list).to_dict()
    # Per event week, the villages treated within +-k weeks (not controls); the candidate
    # controls of a village by kecamatan and kabupaten, in code order. Plain dicts and
    # lists: a kabupaten has hundreds of events and villages.
    busy_by_week: dict[pd.Timestamp, set[str]] = {}
    columns = [str(c) for c in panel.columns]
    by_kecamatan: dict[str, list[str]] = {}
    by_kabupaten: dict[str, list[str]] = {}
    for c in columns:
        by_kecamatan.setdefault(c[:8], []).append(c)
        by_kabupaten.setdefault(c[:5], []).append(c)
    coverage_of = {str(c): float(x) for c, x in coverage.items()}

    rows = []
    e: Any
    for e in ev.itertuples(index=False):
        w0, v = e.week, e.village_code
        row: dict[str, object] = {"used": False, "reason": "", "control_codes": ""}
        others = [w for w in treated_weeks.get(v, []) if w != w0 and abs((w - w0).days) <= 7 * k]
        pos = week_pos.get(w0)
        if others:
            row["reason"] = "overlapping_event"
        elif pos is None or pos - k < 0 or pos + k >= len(panel) or v not in col:
            row["reason"] = "window_outside_data"
        else:
            if w0 not in busy_by_week:
                near = (treatments["week"] - w0).abs() <= pd.Timedelta(weeks=k)
                busy_by_week[w0] = set(treatments.loc[near, "village_code"])
            busy = busy_by_week[w0]
            same_kec = [c for c in by_kecamatan.get(v[:8], []) if c not in busy and c != v]
            candidates = (
                same_kec
                if len(same_kec) >= min_controls
                else [c for c in by_kabupaten.get(v[:5], []) if c not in busy and c != v]
            )
            if not candidates:
                row["reason"] = "no_controls"
            else:
                target = coverage_of.get(v, math.nan)
                gaps = [abs(coverage_of.get(c, math.nan) - target) for c in candidates]
                order = sorted(
                    range(len(candidates)),
                    key=lambda i: (
                        math.isnan(gaps[i]),
                        gaps[i] if not math.isnan(gaps[i]) else 0,
                        candidates[i],
                    ),
                )
                controls = [candidates[i] for i in order[:max_controls]]
                idx = [col[c] for c in controls]
                before = values[pos - k : pos, :].mean(axis=0)
                after = values[pos + 1 : pos + k + 1, :].mean(axis=0)
                diff_c = after[idx] - before[idx]
                d_v = after[col[v]] - before[col[v]]
                n_c = len(idx)
                se = float(diff_c.std(ddof=1) * math.sqrt(1 + 1 / n_c)) if n_c >= 2 else math.nan
                row.update(
                    used=True,
                    control_codes=",".join(controls),
                    n_controls=n_c,
                    before_mean=float(before[col[v]]),
                    after_mean=float(after[col[v]]),
                    control_change=float(diff_c.mean()),
                    did=float(d_v - diff_c.mean()),
                    se=se,
                )
        rows.append(row)
    est = pd.DataFrame(rows, index=ev.index).reindex(
        columns=[
            "used",
            "reason",
            "control_codes",
            "n_controls",
            "before_mean",
            "after_mean",
            "control_change",
            "did",
            "se",
        ]
    )
    per_event = pd.concat([ev, est], axis=1)
    per_event["registrations_on_day"] = per_event["registrations"].astype("int64")
    per_event["ci_low"] = per_event["did"] - 1.96 * per_event["se"]
    per_event["ci_high"] = per_event["did"] + 1.96 * per_event["se"]
    per_event["small_sample"] = per_event["n_controls"].fillna(0) < SMALL_SAMPLE
    per_event = per_event.sort_values(
        ["event_date", "village_code", "nrp"], kind="stable"
    ).reset_index(drop=True)
    return ImpactResult(
        per_event=per_event,
        per_officer=_group(per_event, ["nrp", "name", "polsek"]),
        per_polsek=_group(per_event, ["polsek"]),
        overall=_group(per_event, []),
        window_weeks=k,
    )
