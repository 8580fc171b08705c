"""What goes into an area report: pure assembly from the store's frames.

:func:`assemble_report` takes the frames the store holds (coverage, areas, quality,
reconciliation, meta, and the outreach roster and events when the build had them) and
returns a :class:`ReportContent` of plain tables, already protected against small counts
when ``threshold`` is given: every members count the report prints (KPIs, segments,
sub-areas, villages, priority villages, and the earlier months behind the changes) is one
figure of a single :class:`~analytics.disclosure.LinkedSet`, protected together
(:mod:`analytics.disclosure`), so no table gives away what another hides. The renderer
(:mod:`analytics.report.pdf`) only lays them out; the figures are rendered by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Final

import pandas as pd

from analytics.classify import classify
from analytics.codes import level_of
from analytics.disclosure import FigureKey, protect
from analytics.disclosure.coverage import CoverageFigures
from analytics.indicators import AreaKpis, area_kpis, areas_in_view, rank_by_uncovered
from analytics.outreach.priority import PriorityWeights, village_priority
from analytics.report.text import lang_of, words
from analytics.suppression import MARK, footnote

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


#: What hiding a figure blanks in its row: a members count takes every value computed from
#: it; ``active_covered`` (published by the coverage %) the coverage, the gap and the change.
_BLANKS: Final[dict[str, tuple[str, ...]]] = {
    "active": (
        "active",
        "coverage_pct",
        "uncovered",
        "gap",
        "change_yoy_pp",
        "change_mom_pp",
        "rank",
    ),
    "covered": ("coverage_pct", "uncovered", "gap", "change_yoy_pp", "change_mom_pp", "rank"),
    "covered_12": ("change_yoy_pp",),
}
RowFigures = dict[str, FigureKey | None]


@dataclass
class _Figures:
    """The report's figures, registered table by table, then protected all together."""

    figures: CoverageFigures
    month: pd.Timestamp
    hidden: set[FigureKey] = field(default_factory=set)

    def row(self, code: str, segment: str, *, coverage: bool, yoy: bool = False) -> RowFigures:
        f = self.figures
        return {
            "active": f.active(code, segment, self.month),
            "covered": f.covered(code, segment, self.month) if coverage else None,
            "covered_12": f.covered(code, segment, self.month - pd.DateOffset(months=12))
            if yoy
            else None,
        }

    def rows(self, frame: pd.DataFrame, segment: str, code: str = "area_code") -> list[RowFigures]:
        return [
            self.row(
                str(r[code]),
                segment,
                coverage=pd.notna(r.get("coverage_pct")),
                yoy=pd.notna(r.get("change_yoy_pp")),
            )
            for _, r in frame.iterrows()
        ]

    def is_hidden(self, figures: RowFigures) -> bool:
        return any(k is not None and k in self.hidden for k in figures.values())

    def blank(self, frame: pd.DataFrame, figures: list[RowFigures]) -> pd.DataFrame:
        """``frame`` with the values of hidden figures replaced by :data:`MARK`."""
        out = frame.copy()
        masks: dict[str, list[bool]] = {}
        for kind, columns in _BLANKS.items():
            hide = [r[kind] is not None and r[kind] in self.hidden for r in figures]
            for column in columns:
                previous = masks.get(column, [False] * len(figures))
                masks[column] = [a or b for a, b in zip(previous, hide, strict=True)]
        for column, mask in masks.items():
            if column in out.columns and any(mask):
                out[column] = (
                    out[column].astype("object").where(~pd.Series(mask, index=out.index), MARK)
                )
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
) -> tuple[PlanSummary, pd.DataFrame] | None:
    """The outreach summary (priority villages not yet protected) and the whole priority
    list (every village the table could show, for the protection)."""
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
    top = top.loc[:, [*columns, "polsek"]].reset_index(drop=True)

    def count(value: int) -> int | str:
        small = threshold is not None and 0 < value < threshold
        return MARK if small else value

    summary = PlanSummary(
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
    return summary, priority


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
    segments = _segments(coverage, area_code, month)
    sub_level = "kecamatan" if level in ("provinsi", "kabupaten") else "desa"
    sub = rank_by_uncovered(areas_in_view(seg_cov, sub_level, area_code, month, segment))
    sub_areas = sub.sort_values("area_code", ignore_index=True)

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
    ranked = rank_by_uncovered(villages)
    # The village table can show any village with a gap: all of them are in the set.
    listable = ranked[ranked["uncovered"].notna()].reset_index(drop=True)
    planned = _plan(coverage, officers, events, area_code, month, threshold)
    plan = planned[0] if planned else None
    kpis_hidden = False
    if threshold is not None:
        months = [month - pd.DateOffset(months=k) for k in (0, 1, 12)]
        figs = _Figures(CoverageFigures(coverage, area_code, months), month)
        kpi_figures = [
            figs.row(
                area_code,
                segment,
                coverage=kpis.coverage_pct is not None,
                yoy=kpis.change_yoy_pp is not None,
            ),
            {
                "covered": figs.figures.covered(area_code, segment, months[1])
                if kpis.change_mom_pp is not None
                else None
            },
        ]
        segment_figures = [
            figs.row(area_code, str(name), coverage=bool(has))
            for name, has in zip(segments["segment"], segments["coverage_pct"].notna(), strict=True)
        ]
        sub_figures = figs.rows(sub_areas, segment)
        village_figures = figs.rows(listable, segment)
        plan_figures = figs.rows(planned[1], "BPU", code="village_code") if planned else []
        plan_top = figs.rows(plan.priority, "BPU", code="village_code") if plan else []
        headline = [k for r in kpi_figures for k in r.values() if k is not None]
        figs.hidden = protect(figs.figures.linked, threshold, keep=headline)
        kpis_hidden = any(figs.is_hidden(r) for r in kpi_figures)
        segments = figs.blank(segments, segment_figures)
        sub_areas = figs.blank(sub_areas, sub_figures)
        listable = figs.blank(listable, village_figures)
        if plan is not None:
            plan = replace(plan, priority=figs.blank(plan.priority, plan_top))
        del plan_figures  # registered for the protection; the table shows the top rows
    top = listable[listable["uncovered"].ne(MARK)].head(TOP_VILLAGES)
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
        plan=plan,
        meta=meta,
        threshold=threshold,
        footnotes=notes,
        lang=lang,
    )
