"""Coverage figures as sums of village members: the base cells of every coverage table.

Every members count the project publishes is a sum of village x segment x month counts
(``docs/methodology.md``): an area's count is the sum of its villages, ``ALL`` the sum of
PU, BPU, JAKON and PMI. A coverage percentage publishes a second count, ``active_covered``
(the members of the villages that have a denominator), since the denominator is published
too. :class:`CoverageFigures` names both kinds of figure by their village cells, so the
same count printed in two tables is one figure and every total links the tables it joins.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

import pandas as pd

from analytics.disclosure.linked import FigureKey, LinkedSet
from analytics.schemas import SEGMENTS


class CoverageFigures:
    """Figures of the coverage table inside ``area`` (``""``: everywhere) for some months."""

    def __init__(self, coverage: pd.DataFrame, area: str, months: Iterable[pd.Timestamp]):
        wanted = {pd.Timestamp(m) for m in months}
        codes = coverage["area_code"].astype("str")
        desa = coverage[
            (coverage["level"].astype("str") == "desa")
            & ((codes == area) | codes.str.startswith(area + ".") | (area == ""))
            & coverage["month"].isin(list(wanted))
        ]
        segment = desa["segment"].astype("str")
        parts = desa[segment.isin(SEGMENTS)]
        base = {
            (str(c), str(s), pd.Timestamp(m)): int(v)
            for c, s, m, v in zip(
                parts["area_code"], parts["segment"], parts["month"], parts["active"], strict=True
            )
        }
        self.linked = LinkedSet(base)
        self._has_eligible = {
            (str(c), str(s), pd.Timestamp(m))
            for c, s, m, e in zip(
                desa["area_code"], desa["segment"], desa["month"], desa["eligible"], strict=True
            )
            if pd.notna(e)
        }
        self._villages = sorted({str(c) for c in desa["area_code"]})

    def villages(self, area: str) -> list[str]:
        """Village codes inside ``area`` (the village itself for a village code)."""
        start = bisect.bisect_left(self._villages, area)
        out = []
        for code in self._villages[start:]:
            if area and code != area and not code.startswith(area + "."):
                break
            out.append(code)
        return out

    def _cells(
        self, villages: Iterable[str], segment: str, month: pd.Timestamp
    ) -> list[tuple[str, str, pd.Timestamp]]:
        segments = SEGMENTS if segment == "ALL" else (segment,)
        cells = [(v, s, month) for v in villages for s in segments]
        return [c for c in cells if c in self.linked.base]

    def active(self, area: str, segment: str, month: pd.Timestamp) -> FigureKey | None:
        """The members count of ``area``; None when the store has no such cell."""
        cells = self._cells(self.villages(area), segment, pd.Timestamp(month))
        return self.linked.add(cells) if cells else None

    def covered(self, area: str, segment: str, month: pd.Timestamp) -> FigureKey | None:
        """The members of the villages with a denominator (what a coverage % publishes).

        A coverage % printed beside the members count also tells how many members live in
        villages *without* a denominator; and beside the other segments' figures, how many
        of each segment do. Those implicit figures (one per segment part) are registered
        too, so that they are protected like the printed ones.
        """
        month = pd.Timestamp(month)
        villages = self.villages(area)
        with_eligible = [v for v in villages if (v, segment, month) in self._has_eligible]
        cells = self._cells(with_eligible, segment, month)
        if not cells:
            return None
        without = [v for v in villages if (v, segment, month) not in self._has_eligible]
        for part in SEGMENTS if segment == "ALL" else (segment,):
            implicit = self._cells(without, part, month)
            if implicit:
                self.linked.add(implicit)
        return self.linked.add(cells)
