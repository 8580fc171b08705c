"""Which villages to visit first: a weighted, explainable priority score.

Four factors, each scaled to 0..1 where 1 means "more reason to visit" (``docs/outreach.md``):

- ``gap``: uncovered informal workers, ``max(eligible BPU - active BPU, 0)``, divided by the
  largest value among the villages passed in (the scope). The biggest gap in scope scores 1.
- ``coverage``: ``1 - coverage_pct / 100``, clipped to 0..1 (0% covered scores 1).
- ``pace``: years needed to close the gap at the last 12 months' net growth of active BPU
  members, divided by :data:`PACE_HORIZON_YEARS` and capped at 1; no growth (or a decline)
  with a gap left scores 1, no gap scores 0. With less than 12 months of history the growth
  is annualised from the months available (at least :data:`MIN_PACE_MONTHS`).
- ``recency``: months since the last outreach event (on or before ``as_of``), capped at 12
  and divided by 12; a village never visited scores 1.

A factor that cannot be computed (no denominator, too little history) scores 0.5, neither
pushing the village up nor down, and the explanation says the data is incomplete. The score
is the weighted sum (weights sum to 1, so the score is 0..1); rank 1 is the highest score,
ties broken by village code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Final

import numpy as np
import pandas as pd

from analytics import formatting
from analytics.codes import code_mask

FACTORS: Final[tuple[str, ...]] = ("gap", "coverage", "pace", "recency")
PACE_HORIZON_YEARS: Final = 10.0
MIN_PACE_MONTHS: Final = 3
RECENCY_CAP_MONTHS: Final = 12.0
NEUTRAL: Final = 0.5
DAYS_PER_MONTH: Final = 30.4375

PRIORITY_COLUMNS: Final[tuple[str, ...]] = (
    "village_code",
    "village_name",
    "kecamatan_code",
    "month",
    "active",
    "eligible",
    "uncovered",
    "coverage_pct",
    "net_growth_12m",
    "years_to_close",
    "last_event",
    "months_since_event",
    "gap_norm",
    "coverage_norm",
    "pace_norm",
    "recency_norm",
    "score",
    "rank",
    "explanation",  # Bahasa Indonesia (plan files, briefings, report)
    "explanation_en",  # the same in English, for the English page
)


@dataclass(frozen=True)
class PriorityWeights:
    """Weights of the four factors; validated and normalised to sum to 1 on creation."""

    gap: float = 0.5
    coverage: float = 0.2
    pace: float = 0.15
    recency: float = 0.15

    def __post_init__(self) -> None:
        values = {f.name: float(getattr(self, f.name)) for f in fields(self)}
        for name, value in values.items():
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"weight {name!r} must be a non-negative number, got {value}")
        total = sum(values.values())
        if total <= 0:
            raise ValueError("at least one priority weight must be positive")
        for name, value in values.items():
            object.__setattr__(self, name, value / total)

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in FACTORS}


def village_rows_in(coverage: pd.DataFrame, kecamatan: set[str]) -> pd.DataFrame:
    """The village (``desa``) rows of ``coverage`` whose kecamatan (code prefix) is one of
    ``kecamatan``. Categorical code columns (the store's, 16 million rows nationally) are
    tested once per category rather than once per row."""
    keep = code_mask(coverage["area_code"], lambda codes: codes.str.slice(0, 8).isin(kecamatan))
    if "level" in coverage.columns:
        keep = keep & (coverage["level"] == "desa").to_numpy()
    return coverage.loc[keep]


def _current_and_past(cov: pd.DataFrame, as_of_month: pd.Timestamp) -> pd.DataFrame:
    """Per village: the latest month on or before ``as_of`` and the month ~12 months earlier."""
    upto = cov[cov["month"] <= as_of_month].sort_values(["village_code", "month"])
    current = upto.groupby("village_code", sort=True).tail(1).set_index("village_code")
    past_floor = current["month"] - pd.DateOffset(months=12)
    with_floor = upto.join(past_floor.rename("floor"), on="village_code")
    window = with_floor[
        (with_floor["month"] >= with_floor["floor"])
        & (with_floor["month"] < with_floor["village_code"].map(current["month"]))
    ]
    past = window.groupby("village_code", sort=True).head(1).set_index("village_code")
    span = (current["month"].dt.year - past["month"].dt.year) * 12 + (
        current["month"].dt.month - past["month"].dt.month
    )
    growth = (current["active"] - past["active"]) * 12.0 / span
    out = current[["village_name", "kecamatan_code", "month", "active", "eligible"]].copy()
    out["coverage_pct"] = current["coverage_pct"]
    out["net_growth_12m"] = growth.where(span >= MIN_PACE_MONTHS).reindex(out.index)
    return out.reset_index()


def _last_events(events: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    if events.empty:
        return pd.Series(dtype="datetime64[us]", name="last_event")
    dates = pd.to_datetime(events["event_date"])
    past = events.assign(event_date=dates)[dates <= as_of]
    return past.groupby("village_code")["event_date"].max().rename("last_event")


#: The explanation's phrases: key -> (Bahasa Indonesia, English).
_PHRASES: Final[dict[str, tuple[str, str]]] = {
    "gap_unknown": (
        "jumlah pekerja informal tidak diketahui",
        "number of informal workers unknown",
    ),
    "gap": (
        "{n} pekerja informal belum terlindungi",
        "{n} informal workers not covered",
    ),
    "coverage_unknown": ("cakupan BPU tidak diketahui", "BPU coverage unknown"),
    "coverage": ("cakupan BPU {pct}", "BPU coverage {pct}"),
    "pace_unknown": ("laju 12 bulan belum diketahui", "12-month pace not known yet"),
    "pace_flat": (
        "kepesertaan tidak bertambah dalam 12 bulan",
        "membership did not grow in 12 months",
    ),
    "pace_beyond": (
        "dengan laju sekarang butuh lebih dari {years} tahun",
        "more than {years} years at the current pace",
    ),
    "pace": ("dengan laju sekarang butuh {years} tahun", "{years} years at the current pace"),
    "never": ("belum pernah ada sosialisasi", "no outreach event yet"),
    "recency": ("sosialisasi terakhir {n} bulan lalu", "last outreach event {n} months ago"),
    "score": ("Skor {score}: ", "Score {score}: "),
}


def _phrase(key: str, lang: str, **values: object) -> str:
    return _PHRASES[key][1 if lang == "en" else 0].format(**values)


def _factor_phrase(row: pd.Series, factor: str, lang: str = "id") -> str:
    if factor == "gap":
        if pd.isna(row["uncovered"]):
            return _phrase("gap_unknown", lang)
        return _phrase("gap", lang, n=formatting.count(row["uncovered"], lang))
    if factor == "coverage":
        if pd.isna(row["coverage_pct"]):
            return _phrase("coverage_unknown", lang)
        return _phrase("coverage", lang, pct=formatting.percent(row["coverage_pct"], lang))
    if factor == "pace":
        if pd.isna(row["pace_raw_known"]) or not row["pace_raw_known"]:
            return _phrase("pace_unknown", lang)
        if pd.isna(row["years_to_close"]):
            return _phrase("pace_flat", lang)
        if row["years_to_close"] >= PACE_HORIZON_YEARS:
            return _phrase("pace_beyond", lang, years=f"{PACE_HORIZON_YEARS:.0f}")
        return _phrase("pace", lang, years=formatting.decimal(row["years_to_close"], lang))
    if pd.isna(row["last_event"]):
        return _phrase("never", lang)
    return _phrase("recency", lang, n=formatting.count(row["months_since_event"], lang))


def _explain(row: pd.Series, weights: PriorityWeights, lang: str = "id") -> str:
    contributions = {f: weights.as_dict()[f] * row[f"{f}_norm"] for f in FACTORS}
    top = sorted(FACTORS, key=lambda f: (-contributions[f], FACTORS.index(f)))[:2]
    phrases = [_factor_phrase(row, f, lang) for f in top if contributions[f] > 0]
    score = _phrase("score", lang, score=formatting.score(row["score"], lang))
    return score + "; ".join(phrases)


def village_priority(
    coverage_villages: pd.DataFrame,
    events: pd.DataFrame,
    as_of: pd.Timestamp,
    weights: PriorityWeights,
) -> pd.DataFrame:
    """One row per village with each factor raw and scaled, the score, rank and explanation.

    ``coverage_villages`` holds coverage rows (``coverage.parquet``: area_code, area_name,
    parent_code, month, active, eligible, coverage_pct; when ``level``/``segment`` columns are
    present only ``desa``/``BPU`` rows are used). The villages passed in are the scope: pass
    only the villages of one Polres to scale the gap within that Polres. ``events`` holds
    OutreachEventSchema rows (event_date, village_code). Columns: :data:`PRIORITY_COLUMNS`.
    """
    cov = coverage_villages
    text = [c for c in ("area_code", "area_name", "parent_code") if c in cov.columns]
    cov = cov.astype({c: "str" for c in text if isinstance(cov[c].dtype, pd.CategoricalDtype)})
    if "level" in cov.columns:
        cov = cov[cov["level"] == "desa"]
    if "segment" in cov.columns:
        cov = cov[cov["segment"] == "BPU"]
    cov = cov.rename(columns={"area_code": "village_code", "area_name": "village_name"}).assign(
        month=lambda d: pd.to_datetime(d["month"])
    )
    if "parent_code" in cov.columns:
        cov = cov.assign(kecamatan_code=cov["parent_code"])
    else:
        cov = cov.assign(kecamatan_code=cov["village_code"].str.slice(0, 8))
    as_of = pd.Timestamp(as_of)
    as_of_month = as_of.to_period("M").to_timestamp()
    if not (cov["month"] <= as_of_month).any():
        return pd.DataFrame(columns=list(PRIORITY_COLUMNS))
    df = _current_and_past(cov, as_of_month)

    eligible = df["eligible"].astype("float64")
    active = df["active"].astype("float64")
    uncovered = (eligible - active).clip(lower=0)
    df["uncovered"] = uncovered
    df["coverage_pct"] = df["coverage_pct"].astype("float64")
    growth = df["net_growth_12m"].astype("float64")
    pace_known = growth.notna() & uncovered.notna()
    df["pace_raw_known"] = pace_known
    df["years_to_close"] = (uncovered / growth).where(growth > 0)

    max_gap = uncovered.max(skipna=True)
    gap_norm = uncovered / max_gap if pd.notna(max_gap) and max_gap > 0 else uncovered * 0.0
    df["gap_norm"] = gap_norm.fillna(NEUTRAL)
    df["coverage_norm"] = (1 - df["coverage_pct"] / 100).clip(0, 1).fillna(NEUTRAL)
    pace = (df["years_to_close"] / PACE_HORIZON_YEARS).clip(0, 1)
    pace = pace.mask(growth <= 0, 1.0).mask(uncovered == 0, 0.0)
    df["pace_norm"] = pace.where(pace_known, NEUTRAL)

    last = _last_events(events, as_of).reindex(pd.Index(df["village_code"]))
    df["last_event"] = pd.to_datetime(last.to_numpy())
    months = (as_of - df["last_event"]).dt.days / DAYS_PER_MONTH
    df["months_since_event"] = months
    df["recency_norm"] = (months.clip(upper=RECENCY_CAP_MONTHS) / RECENCY_CAP_MONTHS).fillna(1.0)

    w = weights.as_dict()
    # Rounded so that equal inputs tie exactly and the village code decides.
    norms = df[[f"{f}_norm" for f in FACTORS]]
    df["score"] = (norms * [w[f] for f in FACTORS]).sum(axis=1).round(12)
    df = df.sort_values(["score", "village_code"], ascending=[False, True], kind="stable")
    df["rank"] = np.arange(1, len(df) + 1)
    df["explanation"] = df.apply(_explain, axis=1, weights=weights)
    df["explanation_en"] = df.apply(_explain, axis=1, weights=weights, lang="en")
    return df[list(PRIORITY_COLUMNS)].reset_index(drop=True)
