"""The attacker's audit of whole publications: every demo area report and the table export.

The audit reads a report the way a reader does: every number printed in its tables
(KPIs, members per segment, the sub-area table, the village table, the priority villages)
is a published figure, every ``s`` a hidden figure known to be ≥ 1, and the tables add up
(area = its villages, ``ALL`` = its segments, a coverage % = members of the villages with a
denominator / the published denominator). For every small count (1-4) of the report's
area, segment and month the largest value consistent with all of that is computed with
integer programming, and must reach the threshold (docs/exports.md, "What is checked").
Villages the report does not print are audited too (the attacker knows only that they
are ≥ 0).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analytics.disclosure import Attacker, FigureKey, Interval, LinkedSet, audit, intervals, protect
from analytics.disclosure.coverage import CoverageFigures
from analytics.exports.suppression import MARK
from analytics.exports.tables import protect_area_rows
from analytics.report.content import ReportContent, assemble_report
from analytics.store.reader import Store

THRESHOLD = 5


class Reader:
    """What a reader of one report learns: figures printed, figures shown as ``s``."""

    def __init__(self, coverage: pd.DataFrame, area: str, month: pd.Timestamp):
        self.month = month
        months = [month - pd.DateOffset(months=k) for k in (0, 1, 12)]
        self.figures = CoverageFigures(coverage, area, months)
        self.published: set[FigureKey] = set()
        self.hidden: set[FigureKey] = set()

    @property
    def linked(self) -> LinkedSet:
        return self.figures.linked

    def read(self, key: FigureKey | None, shown: object) -> None:
        """A figure printed as ``shown`` (a number, ``s`` or blank)."""
        if key is None or shown is None or (not isinstance(shown, str) and pd.isna(shown)):
            return
        if shown == MARK:
            self.hidden.add(key)
        else:
            self.published.add(key)

    def row(self, code: str, segment: str, row: pd.Series, month_back: int = 0) -> None:
        month = self.month - pd.DateOffset(months=month_back)
        self.read(self.figures.active(code, segment, month), row.get("active"))
        self.read(self.figures.covered(code, segment, month), row.get("coverage_pct"))
        if "change_yoy_pp" in row:
            back = month - pd.DateOffset(months=12)
            self.read(self.figures.covered(code, segment, back), row.get("change_yoy_pp"))

    def report(self, c: ReportContent) -> None:
        k = c.kpis
        hide = c.kpis_hidden
        for key, value in (
            (self.figures.active(c.area_code, c.segment, self.month), k.active),
            (self.figures.covered(c.area_code, c.segment, self.month), k.coverage_pct),
            (
                self.figures.covered(c.area_code, c.segment, self.month - pd.DateOffset(months=1)),
                k.change_mom_pp,
            ),
            (
                self.figures.covered(c.area_code, c.segment, self.month - pd.DateOffset(months=12)),
                k.change_yoy_pp,
            ),
        ):
            self.read(key, MARK if hide and value is not None else value)
        for _, r in c.segments.iterrows():
            self.row(c.area_code, str(r["segment"]), r.drop("segment"))
        for _, r in c.sub_areas.iterrows():
            self.row(str(r["area_code"]), c.segment, r)
        for _, r in c.top_villages.iterrows():
            self.row(str(r["area_code"]), c.segment, r)
        if c.plan is not None:
            for _, r in c.plan.priority.iterrows():
                self.row(str(r["village_code"]), "BPU", r.drop("rank"))

    def villages_not_printed(self, area: str, segment: str) -> set[FigureKey]:
        out = set()
        for code in self.figures.villages(area):
            key = self.figures.active(code, segment, self.month)
            if key is not None and key not in self.published | self.hidden:
                out.add(key)
        return out

    def check(self, area: str, segment: str) -> list[str]:
        clash = self.published & self.hidden
        assert not clash, "a figure is printed in one table and hidden in another"
        self.villages_not_printed(area, segment)  # registers every village of the area
        unpublished = set(self.linked.figures) - self.published - self.hidden
        findings = audit(self.linked, self.hidden, THRESHOLD, unpublished=unpublished)
        return [
            f"{area} {segment}: value {f.value} in [{f.interval.low}, {f.interval.high}]"
            for f in findings
        ]


def _report(store: Store, coverage: pd.DataFrame, area: str, segment: str, month: pd.Timestamp):
    inside = coverage[
        coverage["area_code"].eq(area) | coverage["area_code"].str.startswith(area + ".")
    ]
    return inside, assemble_report(
        coverage=inside,
        areas=store.areas(),
        quality=store.quality(),
        reconciliation=store.reconciliation(),
        meta=store.meta(),
        area_code=area,
        month=month,
        segment=segment,
        target_pct=50.0,
        threshold=THRESHOLD,
        officers=store.officers(),
        events=store.events(),
    )


@pytest.fixture(scope="module")
def demo(demo_store: Path) -> tuple[Store, pd.DataFrame, pd.Timestamp]:
    store = Store(demo_store)
    coverage = store.coverage()
    coverage = coverage.assign(area_code=coverage["area_code"].astype("str"))
    return store, coverage, pd.Timestamp(coverage["month"].max())


def test_the_issue_report_keeps_pmi_and_jakon_hidden_everywhere(demo) -> None:  # type: ignore[no-untyped-def]
    # Issue 15: the report of 99.01.02 for JAKON printed ALL 422, PU 264, BPU 151 with
    # JAKON and PMI hidden, while its KPI box printed JAKON = 6, so PMI = 422-264-151-6 = 1.
    store, coverage, month = demo
    inside, content = _report(store, coverage, "99.01.02", "JAKON", month)
    by_segment = content.segments.set_index("segment")["active"]
    assert by_segment["PMI"] == MARK
    assert by_segment["JAKON"] == MARK and content.kpis_hidden
    reader = Reader(inside, "99.01.02", month)
    reader.report(content)
    assert reader.check("99.01.02", "JAKON") == []
    pmi = reader.figures.active("99.01.02", "PMI", month)
    assert pmi is not None and reader.linked.value(pmi) == 1
    (span,) = intervals(reader.linked, reader.hidden, [pmi]).values()
    assert span.low == 1 and span.high >= THRESHOLD


def test_the_reader_catches_the_old_report(demo) -> None:  # type: ignore[no-untyped-def]
    # The same page as main printed it before this change: the audit must pin PMI to 1.
    _store, coverage, month = demo
    inside = coverage[coverage["area_code"].str.startswith("99.01.02")]
    reader = Reader(inside, "99.01.02", month)
    for segment, shown in {"ALL": 422, "PU": 264, "BPU": 151, "JAKON": 6, "PMI": MARK}.items():
        reader.read(reader.figures.active("99.01.02", segment, month), shown)
    pmi = reader.figures.active("99.01.02", "PMI", month)
    assert pmi is not None
    (span,) = intervals(reader.linked, reader.hidden, [pmi]).values()
    assert span.low == span.high == 1
    assert reader.check("99.01.02", "PMI") != []


def _report_areas(store: Store) -> list[str]:
    areas = store.areas()
    levels = areas["level"].astype("str")
    return sorted(areas.loc[levels.isin(["provinsi", "kabupaten", "kecamatan"]), "area_code"])


SEGMENTS = ("ALL", "PU", "BPU", "JAKON", "PMI")


def test_every_demo_report_passes_the_audit(demo) -> None:  # type: ignore[no-untyped-def]
    store, coverage, month = demo
    problems: list[str] = []
    reports = 0
    for area in _report_areas(store):
        for segment in SEGMENTS:
            inside, content = _report(store, coverage, area, segment, month)
            reader = Reader(inside, area, month)
            reader.report(content)
            problems += reader.check(area, segment)
            reports += 1
    assert reports >= 400
    assert problems == []


CHILD_LEVEL = {"provinsi": "kabupaten", "kabupaten": "kecamatan", "kecamatan": "desa"}


def test_area_table_export_passes_the_audit(demo) -> None:  # type: ignore[no-untyped-def]
    # The CSV/XLSX of the coverage map's table (layouts.exports.files.table_file): every
    # sub-area of the area in view, with the area's own KPI cards on the same page.
    store, coverage, month = demo
    from analytics.codes import level_of
    from analytics.engine.indicators import area_kpis, areas_in_view

    problems: list[str] = []
    checked = 0
    for parent in _report_areas(store):
        for segment in SEGMENTS:
            seg_cov = coverage[coverage["segment"] == segment]
            rows = areas_in_view(seg_cov, CHILD_LEVEL[level_of(parent)], parent, month, segment)
            protected = protect_area_rows(
                rows, THRESHOLD, coverage=coverage, parent=parent, segment=segment, month=month
            )
            table = protected.frame
            inside = coverage[coverage["area_code"].str.startswith(parent)]
            reader = Reader(inside, parent, month)
            for _, r in table.iterrows():
                reader.row(str(r["area_code"]), segment, r)
            k = area_kpis(seg_cov, parent, month, segment, 50.0)
            last_month = reader.figures.covered(parent, segment, month - pd.DateOffset(months=1))
            cards = pd.Series(
                {
                    "active": k.active,
                    "coverage_pct": k.coverage_pct,
                    "change_yoy_pp": k.change_yoy_pp,
                }
            )
            reader.row(parent, segment, cards)
            reader.read(last_month, k.change_mom_pp)
            # the cards' small figures, and those the export says to withhold, are "s"
            for key in list(reader.published):
                if 0 < reader.linked.value(key) < THRESHOLD or key in protected.withheld:
                    reader.published.discard(key)
                    reader.hidden.add(key)
            problems += reader.check(parent, segment)
            checked += 1
    assert checked >= 400
    assert problems == []


# sdcTable's golden cases (sdcTools/sdcTable, tests/testthat), data retyped from the R
# tests. sdcTable's attacker knows cells are >= 0 (hidden_floor=0) and its heuristic asks
# only that a primary cell is not exact; ours must reach the threshold from >= 1.


def _two_way(data: dict[str, list[int]], columns: str) -> tuple[LinkedSet, dict]:
    base = {(r, c): v for r, row in data.items() for c, v in zip(columns, row, strict=True)}
    linked = LinkedSet(base)
    cells = {k: linked.add([k]) for k in base}
    for r in data:
        linked.add((r, c) for c in columns)
    for c in columns:
        linked.add((r, c) for r in data)
    linked.add(base)
    return linked, cells


def test_sdctable_simpleheuristic_bridge_cell() -> None:
    # test-simpleheuristic.R: 4 x 4 table with all margins, nine primary cells set by hand.
    # Every margin holds two or more of them, yet w|b = 47 is exact (rows w+x minus the
    # visible cells of columns a and c); sdcTable adds one suppression (x|b, 124) after
    # which w|b lies in [0, 141]. We also add one, the cheaper x|d (31).
    data = {
        "w": [30, 47, 64, 89],
        "x": [90, 124, 5, 31],
        "y": [92, 100, 59, 85],
        "z": [800, 991, 651, 685],
    }
    linked, cells = _two_way(data, "abcd")
    primary = ["wa", "wb", "wc", "xa", "xc", "yb", "yd", "zb", "zd"]
    keys = {cells[(p[0], p[1])] for p in primary}
    sdc = Attacker(hidden_floor=0)
    wb = cells[("w", "b")]
    assert intervals(linked, keys, [wb], sdc)[wb] == Interval(47, 47)  # the golden problem
    hidden = protect(linked, 1, attacker=sdc, primary={k: linked.value(k) + 1 for k in keys})
    assert hidden - keys == {cells[("x", "d")]}
    span = intervals(linked, hidden, [wb], sdc)[wb]
    assert span.low == 0 and span.high > 47
    cost = sum(linked.value(k) for k in hidden)
    assert cost == sum(linked.value(k) for k in keys) + 31  # sdcTable's pattern: + 124


def test_sdctable_linked_tables() -> None:
    # test-linked-tables.r: regions in two hierarchies (counties; big/small) sharing their
    # cells, frequency rule maxN = 3 (threshold 4). Each table is safe alone, but together
    # K = (small - county-1) - N = 10 - 7 = 3; sdcTable hides N in both tables, one
    # secondary suppression. So do we under its attacker; ours (hidden >= 1) also needs I,
    # since A + B = 4 leaves A, B <= 3.
    counts = dict(zip("ABIJKLMN", [2, 2, 8, 8, 3, 3, 3, 7], strict=True))
    linked = LinkedSet(counts)
    cells = {k: linked.add([k]) for k in counts}
    for group in ("ABIJ", "KLMN", "ABIJKLMN", "LM", "ABIJKN"):
        linked.add(group)
    primary = {cells[k] for k in "ABKLM"}
    sdc = Attacker(hidden_floor=0)
    k = cells["K"]
    assert intervals(linked, primary, [k], sdc)[k] == Interval(3, 3)
    hidden = protect(linked, 4, attacker=sdc)
    assert hidden - primary == {cells["N"]}
    assert audit(linked, hidden, 4, sdc) == []
    ours = protect(linked, 4)
    assert ours - primary == {cells["N"], cells["I"]}
    assert audit(linked, ours, 4) == []
    assert audit(linked, hidden, 4) != []  # sdcTable's pattern fails our stricter reader


def test_audit_reports_a_published_small_figure() -> None:
    linked = LinkedSet({"a": 3, "b": 10})
    a = linked.add(["a"])
    linked.add(["a", "b"])
    (finding,) = audit(linked, set(), 5)
    assert finding.key == a and finding.interval == Interval(3, 3)


def test_hidden_rows_lose_their_rank_and_leave_no_gap() -> None:
    # Ranked by uncovered: b (rank 1), a (2, small: hidden), d (3), c (4, complement).
    # A visible rank 1, 3 would say a hidden row sits between b and d (its uncovered, so
    # its count, between theirs): visible rows are ranked among themselves.
    rows = pd.DataFrame(
        {
            "area_code": ["b", "a", "d", "c"],
            "rank": [1, 2, 3, 4],
            "active": [40, 3, 60, 9],
            "eligible": [400.0, 300.0, 200.0, 50.0],
            "uncovered": [360.0, 297.0, 140.0, 41.0],
        }
    )
    out = protect_area_rows(rows, THRESHOLD).frame
    assert out["active"].tolist() == [40, MARK, 60, MARK]
    assert out["rank"].tolist() == [1, MARK, 2, MARK]
