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
from dataclasses import dataclass
from typing import Any, Final

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


def _panel(weekly: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Weeks x villages matrix of BPU registrations, zeros where nothing was registered."""
    w = weekly
    if "segment" in w.columns:
        w = w[w["segment"] == "BPU"]
    w = w.assign(week=_monday(w["week"]))
    if w.empty:
        return pd.DataFrame(columns=codes, dtype="float64")
    weeks = pd.date_range(w["week"].min(), w["week"].max(), freq="7D")
    table = w.pivot_table(
        index="week", columns="village_code", values="registrations", aggfunc="sum"
    )
    all_codes = sorted(set(codes) | set(table.columns))
    return table.reindex(index=weeks, columns=all_codes).fillna(0.0)


def _group(per_event: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    used = per_event[per_event["used"]]
    rows = []
    grouped = used.groupby(keys, sort=True, dropna=False) if keys else [((), used)]
    for key, g in grouped:
        n, villages = len(g), g["village_code"].nunique()
        did = g["did"].to_numpy(dtype="float64")
        mean = float(did.mean()) if n else math.nan
        se = low = high = math.nan
        if villages >= 2:
            cluster_sums = (g["did"] - mean).groupby(g["village_code"]).sum().to_numpy()
            se = math.sqrt(villages / (villages - 1) * float((cluster_sums**2).sum())) / n
            t = float(stats.t.ppf(0.975, villages - 1))
            low, high = mean - t * se, mean + t * se
        controls = set().union(*g["control_codes"].str.split(",")) if n else set()
        row = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        row.update(
            n_events=n,
            n_villages=villages,
            n_controls=len(controls - {""}),
            before_mean=float(g["before_mean"].mean()) if n else math.nan,
            after_mean=float(g["after_mean"].mean()) if n else math.nan,
            did=mean,
            se=se,
            ci_low=low,
            ci_high=high,
            registrations_on_day=int(g["registrations_on_day"].sum()),
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
) -> ImpactResult:
    """Difference-in-differences estimates of outreach events (see the module docstring).

    ``weekly``: village_code, [segment], week, registrations (``registrations_weekly``).
    ``events``: OutreachEventSchema rows. ``villages``: village_code and optionally
    ``coverage_pct`` (current BPU coverage, for matching controls). ``officers``: the
    roster, to name officers and their Polsek (else an events ``polsek`` column is used).
    """
    if window_weeks < 1:
        raise ValueError("window_weeks must be at least 1")
    k = window_weeks
    vil = villages.drop_duplicates("village_code").set_index("village_code")
    panel = _panel(weekly, list(vil.index))
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
            busy = {
                c for c, ws in treated_weeks.items() if any(abs((w - w0).days) <= 7 * k for w in ws)
            }
            pool = [c for c in panel.columns if c not in busy and c != v]
            same_kec = [c for c in pool if c[:8] == v[:8]]
            candidates = (
                same_kec if len(same_kec) >= min_controls else [c for c in pool if c[:5] == v[:5]]
            )
            if not candidates:
                row["reason"] = "no_controls"
            else:
                target = coverage.get(v, math.nan)
                gaps = [abs(coverage.get(c, math.nan) - target) for c in candidates]
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
