"""What goes into an area report: pure assembly from the store's frames.

:func:`assemble_report` takes the frames the store holds (coverage, areas, quality,
reconciliation, meta, and the outreach roster and events when the build had them) and
returns a :class:`ReportContent` of plain tables, already protected against small counts
when ``threshold`` is given (:mod:`analytics.suppression`). The renderer
(:mod:`analytics.report.pdf`) only lays them out; the figures are rendered by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import pandas as pd

from analytics.classify import classify
from analytics.codes import level_of
from analytics.indicators import AreaKpis, area_kpis, areas_in_view, rank_by_uncovered
from analytics.outreach.priority import PriorityWeights, village_priority
from analytics.report.text import lang_of, words
from analytics.suppression import MARK, footnote, primary_cells, suppress_list

TOP_VILLAGES: Final = 15
TOP_PRIORITY: Final = 10
RECENT_EVENT_MONTHS: Final = 3
#: ALL is the total of the other segments (published, so complements are needed).
SEGMENT_ORDER: Final = ("ALL", "PU", "BPU", "JAKON", "PMI")


@dataclass(frozen=True)
class PlanSummary:
    """Outreach facts for the area (officers are public servants; no participant data)."""

    officers: int
    polsek: int
    villages: int
    villages_with_officer: int
    events_recent: int
    attendees_recent: int | str
    registrations_recent: int | str
    since: pd.Timestamp
    priority: (
        pd.DataFrame
    )  # rank, village_code, village_name, active, uncovered, coverage_pct, polsek


@dataclass(frozen=True)
class ReportContent:
    area_code: str
    area_name: str
    level: str
    month: pd.Timestamp
    segment: str
    target_pct: float
    kpis: AreaKpis
    kpis_hidden: bool
    segments: pd.DataFrame  # segment, active, eligible, coverage_pct (active may be MARK)
    sub_level: str
    sub_areas: pd.DataFrame  # area_code, area_name, active, eligible, coverage_pct, uncovered
    top_villages: pd.DataFrame  # + kecamatan, class_label
    villages_total: int
    quality: dict[str, Any]
    plan: PlanSummary | None
    meta: dict[str, Any]
    threshold: int | None
    footnotes: tuple[str, ...] = field(default_factory=tuple)
    lang: str = "id"  # the report's language (analytics.report.text)


def _protect(
    rows: pd.DataFrame, threshold: int | None, total: bool = True, group: str | None = None
) -> pd.DataFrame:
    """Hide small ``active`` counts with complements, and the values derived from them.

    ``group`` names a column whose groups each have a published total (villages of a
    kecamatan whose total is in the kecamatan table): complements are found per group.
    """
    if threshold is None or rows.empty:
        return rows
    keys = rows[group] if group else pd.Series(0, index=rows.index)
    hidden = pd.Series(False, index=rows.index)
    for _, part in rows.groupby(keys, sort=False):
        hidden.loc[part.index] = suppress_list(part["active"], threshold, total=total).hidden
    out = rows.copy()
    for column in ("active", "coverage_pct", "uncovered", "gap", "change_yoy_pp", "rank"):
        if column in out.columns:
            out[column] = out[column].astype("object").where(~hidden.to_numpy(), MARK)
    return out


def _segments(coverage: pd.DataFrame, area: str, month: pd.Timestamp) -> pd.DataFrame:
    """Every segment of the area in the month: ALL first, then the parts."""
    rows = coverage[(coverage["area_code"] == area) & (coverage["month"] == month)]
    present = list(rows["segment"])
    order = [s for s in SEGMENT_ORDER if s in present] + sorted(set(present) - set(SEGMENT_ORDER))
    rows = rows.set_index("segment").reindex(order).reset_index()
    return rows.loc[:, ["segment", "active", "eligible", "coverage_pct"]]


def _quality(
    quality: pd.DataFrame,
    reconciliation: dict[str, Any],
    area: str,
    month: pd.Timestamp,
    segment: str,
) -> dict[str, Any]:
    q = quality[
        quality["village_code"].str.startswith(area + ".")
        & (pd.to_datetime(quality["month"]) == month)
        & (quality["segment"] == segment)
    ]
    by_flag = q.groupby("flag")["village_code"].nunique().to_dict()
    kab = (reconciliation.get("by_kabupaten") or {}).get(area[:5], {})
    return {
        "over_100": int(by_flag.get("over_100", 0)),
        "missing_eligible": int(by_flag.get("missing_eligible", 0)),
        "matched_kabupaten": kab.get("matched"),
        "unmatched_kabupaten": kab.get("unmatched"),
        # Build-wide totals only when the reader may see them (not in a territory view).
        "totals": {
            k: int(reconciliation.get(k, 0) or 0)
            for k in ("rows_in", "matched", "unmatched", "rejected", "duplicates")
        }
        if "rows_in" in reconciliation
        else None,
        "reasons": dict(reconciliation.get("reasons") or {}),
    }


def _plan(
    coverage: pd.DataFrame,
    officers: pd.DataFrame | None,
    events: pd.DataFrame | None,
    area: str,
    month: pd.Timestamp,
    threshold: int | None,
) -> PlanSummary | None:
    if officers is None or officers.empty:
        return None
    mine = officers[officers["village_code"].str.startswith(area + ".")]
    villages = coverage[
        (coverage["level"] == "desa")
        & coverage["area_code"].str.startswith(area + ".")
        & (coverage["month"] <= month)
    ]
    n_villages = villages["area_code"].nunique()
    ev = events if events is not None else pd.DataFrame(columns=["event_date", "village_code"])
    ev = ev[ev["village_code"].astype("str").str.startswith(area + ".")]
    as_of = month + pd.offsets.MonthEnd(0)
    since = month - pd.DateOffset(months=RECENT_EVENT_MONTHS - 1)
    dates = pd.to_datetime(ev["event_date"])
    recent = ev[(dates >= since) & (dates <= as_of)]
    priority = village_priority(villages, ev, as_of, PriorityWeights())
    polsek_of = mine.drop_duplicates("village_code").set_index("village_code")["polsek"]
    top = priority.head(TOP_PRIORITY).assign(
        polsek=lambda d: d["village_code"].map(polsek_of).fillna("—")
    )
    columns = ["rank", "village_code", "village_name", "active", "uncovered", "coverage_pct"]
    top = _protect(top.loc[:, [*columns, "polsek"]], threshold, total=False)

    def count(value: int) -> int | str:
        small = threshold is not None and 0 < value < threshold
        return MARK if small else value

    return PlanSummary(
        officers=int(mine["nrp"].nunique()),
        polsek=int(mine["polsek"].nunique()),
        villages=int(n_villages),
        villages_with_officer=int(mine["village_code"].nunique()),
        events_recent=len(recent),
        attendees_recent=count(int(recent.get("attendees", pd.Series(dtype=int)).sum())),
        registrations_recent=count(int(recent.get("registrations", pd.Series(dtype=int)).sum())),
        since=since,
        priority=top,
    )


def assemble_report(
    *,
    coverage: pd.DataFrame,
    areas: pd.DataFrame,
    quality: pd.DataFrame,
    reconciliation: dict[str, Any],
    meta: dict[str, Any],
    area_code: str,
    month: pd.Timestamp,
    segment: str,
    target_pct: float,
    threshold: int | None,
    officers: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    lang: str = "id",
) -> ReportContent:
    """Everything the report shows for one area, month and segment, its labels in ``lang``.

    Raises ``KeyError`` when the store has no such area or month.
    """
    month = pd.Timestamp(month)
    names = dict(zip(areas["area_code"], areas["area_name"], strict=True))
    if area_code not in names:
        raise KeyError(f"area {area_code} is not in the store")
    level = level_of(area_code)
    seg_cov = coverage[coverage["segment"] == segment]
    kpis = area_kpis(seg_cov, area_code, month, segment, target_pct)
    kpis_hidden = threshold is not None and 0 < kpis.active < threshold

    segments = _segments(coverage, area_code, month)
    if threshold is not None:
        parts = segments[segments["segment"] != "ALL"]
        hidden = suppress_list(parts["active"].fillna(0), threshold).hidden
        mask = pd.Series(False, index=segments.index)
        mask.loc[hidden.index] = hidden.to_numpy()
        mask |= primary_cells(segments[["active"]], threshold)["active"]
        segments = segments.assign(
            active=segments["active"].astype("object").where(~mask, MARK),
            coverage_pct=segments["coverage_pct"].astype("object").where(~mask, MARK),
        )

    sub_level = "kecamatan" if level in ("provinsi", "kabupaten") else "desa"
    sub = rank_by_uncovered(areas_in_view(seg_cov, sub_level, area_code, month, segment))
    sub_areas = _protect(sub.sort_values("area_code", ignore_index=True), threshold)

    villages = areas_in_view(seg_cov, "desa", area_code, month, segment)
    classes = classify(villages["coverage_pct"], "targets", 5)
    lang = lang_of(lang)
    labels = classes.labels(lang)
    no_data = words("vil.no_data", lang)
    class_label = [
        labels[c] if c >= 0 else ("> 100%" if c == -2 else no_data) for c in classes.classes
    ]
    villages = villages.assign(
        kecamatan_code=villages["area_code"].str.slice(0, 8),
        kecamatan=villages["area_code"].str.slice(0, 8).map(names).fillna(""),
        class_label=class_label,
    )
    # Each kecamatan's total is published (sub-area table, or the area's own KPIs).
    protected = _protect(rank_by_uncovered(villages), threshold, group="kecamatan_code")
    top = protected[protected["uncovered"].ne(MARK) & protected["uncovered"].notna()].head(
        TOP_VILLAGES
    )
    notes = (footnote(threshold, lang),) if threshold is not None else ()
    return ReportContent(
        area_code=area_code,
        area_name=names[area_code],
        level=level,
        month=month,
        segment=segment,
        target_pct=target_pct,
        kpis=kpis,
        kpis_hidden=kpis_hidden,
        segments=segments,
        sub_level=sub_level,
        sub_areas=sub_areas,
        top_villages=top.reset_index(drop=True),
        villages_total=len(villages),
        quality=_quality(quality, reconciliation, area_code, month, segment),
        plan=_plan(coverage, officers, events, area_code, month, threshold),
        meta=meta,
        threshold=threshold,
        footnotes=notes,
        lang=lang,
    )
