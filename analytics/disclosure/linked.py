"""Figures published together, each the sum of some base cells.

A report, an export or a page publishes many tables, and the same count often appears in
several of them (an area's members in the KPI box, in the per-segment table, as the total
of its villages). Protecting each table alone lets one table give away what another hides.
So everything published together is modelled as one :class:`LinkedSet`: a set of *figures*,
each the sum of some *base cells* (for coverage: members of one village, segment and month).
Two figures with the same base cells are the same figure, wherever they are printed, so a
figure hidden in one table is hidden in all of them; and every additive relation between
figures (area = its villages, ``ALL`` = its segments) follows from the base cells, with no
relation to declare by hand.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: A figure is named by its base cells.
FigureKey = frozenset[Hashable]


@dataclass
class LinkedSet:
    """The figures of one publication over known base values.

    ``base`` holds every base cell's true value (a whole number ≥ 0). :meth:`add` registers a
    figure and returns its key; the figure's value is the sum of its base cells.
    """

    base: Mapping[Any, int]
    figures: dict[FigureKey, int] = field(default_factory=dict)

    def add(self, cells: Iterable[Hashable]) -> FigureKey:
        key: FigureKey = frozenset(cells)
        if not key:
            raise ValueError("a figure needs at least one base cell")
        if key not in self.figures:
            self.figures[key] = int(sum(self.base[c] for c in key))
        return key

    def value(self, key: FigureKey) -> int:
        return self.figures[key]

    def primary(self, threshold: int) -> list[FigureKey]:
        """Figures with ``0 < value < threshold``, in the order they were added."""
        return [k for k, v in self.figures.items() if 0 < v < threshold]
