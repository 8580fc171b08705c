"""The attacker's audit: how far can a hidden figure be pinned down from what is published?

The attacker knows every published figure of the :class:`~analytics.disclosure.linked.LinkedSet`
(each the sum of its base cells), that base cells are whole numbers ≥ 0, and that a hidden
figure is at least :attr:`Attacker.hidden_floor` (1 when zeros are never hidden, as in this
project). For a hidden figure the audit finds the smallest and the largest value it can take
in any table consistent with all of that: one mixed-integer programme per bound (SciPy
``milp``, HiGHS). With ``integral=False`` it is the linear relaxation (``linprog``-like).

Base cells that belong to exactly the same figures only ever appear as their sum, so they
are merged into one variable (exact: a sum of whole numbers ≥ 0 is one, and any such sum can
be split back); a report of a whole province then has a few hundred variables.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Iterable
from dataclasses import dataclass
from typing import Final

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from analytics.disclosure.linked import FigureKey, LinkedSet

#: Values at or above this share of the variable cap are reported as unbounded.
_UNBOUNDED_SHARE: Final = 0.999


@dataclass(frozen=True)
class Attacker:
    """What the attacker knows besides the published figures."""

    #: A hidden figure is at least this (1: zeros are never hidden; 0: they may be).
    hidden_floor: int = 1
    #: Base cells are whole numbers (MILP) rather than any real ≥ 0 (LP).
    integral: bool = True


@dataclass(frozen=True)
class Interval:
    low: float
    high: float  # math.inf when the published figures set no upper limit


class Problem:
    """The attacker's constraints for one publication and one set of hidden figures."""

    def __init__(
        self,
        linked: LinkedSet,
        hidden: Collection[FigureKey],
        attacker: Attacker,
        unpublished: Collection[FigureKey] = (),
    ):
        self.linked = linked
        self.attacker = attacker
        self.keys: list[FigureKey] = list(linked.figures)
        self.row_of = {k: i for i, k in enumerate(self.keys)}
        signature: dict[Hashable, list[int]] = {}
        for i, key in enumerate(self.keys):
            for cell in key:
                signature.setdefault(cell, []).append(i)
        classes: dict[tuple[int, ...], int] = {}
        truth: list[int] = []
        rows: list[int] = []
        cols: list[int] = []
        for cell, members in signature.items():
            sig = tuple(members)
            if sig not in classes:
                classes[sig] = len(classes)
                truth.append(0)
                for i in sig:
                    rows.append(i)
                    cols.append(classes[sig])
            truth[classes[sig]] += int(linked.base[cell])
        self.n = len(classes)
        self.truth = np.asarray(truth, dtype="float64")
        self.a = csr_array(
            (np.ones(len(rows)), (np.asarray(rows), np.asarray(cols))),
            shape=(len(self.keys), self.n),
        )
        self.values = np.array([linked.figures[k] for k in self.keys], dtype="float64")
        biggest = float(self.values.max()) if len(self.values) else 0.0
        self.cap = 4.0 * biggest + 1000.0
        self.hidden = np.zeros(len(self.keys), dtype=bool)
        self.hide(hidden)
        #: Figures of the set that are not printed at all: known to be ≥ 0 only.
        self.unpublished = np.zeros(len(self.keys), dtype=bool)
        for key in unpublished:
            self.unpublished[self.row_of[key]] = True

    def hide(self, keys: Iterable[FigureKey]) -> None:
        for key in keys:
            self.hidden[self.row_of[key]] = True

    def constraints(self) -> LinearConstraint:
        lower = np.where(self.hidden, float(self.attacker.hidden_floor), self.values)
        lower = np.where(self.unpublished, 0.0, lower)
        upper = np.where(self.hidden | self.unpublished, np.inf, self.values)
        return LinearConstraint(self.a, lower, upper)

    def _solve(self, objective: np.ndarray) -> float:
        integrality = np.ones(self.n) if self.attacker.integral else np.zeros(self.n)
        result = milp(
            objective,
            integrality=integrality,
            bounds=Bounds(0.0, self.cap),
            constraints=self.constraints(),
        )
        if result.status != 0 or result.x is None:
            raise RuntimeError(f"attacker problem not solved: {result.message}")
        return float(objective @ result.x)

    def row(self, key: FigureKey) -> np.ndarray:
        return self.a[[self.row_of[key]], :].toarray().ravel()

    def high(self, key: FigureKey) -> float:
        """The largest value of ``key`` consistent with the publication."""
        top = -self._solve(-self.row(key))
        return math.inf if top >= _UNBOUNDED_SHARE * self.cap else round(top, 6)

    def low(self, key: FigureKey) -> float:
        return round(self._solve(self.row(key)), 6)

    def interval(self, key: FigureKey) -> Interval:
        return Interval(self.low(key), self.high(key))


def intervals(
    linked: LinkedSet,
    hidden: Collection[FigureKey],
    targets: Iterable[FigureKey] | None = None,
    attacker: Attacker | None = None,
) -> dict[FigureKey, Interval]:
    """The attacker's interval of every hidden figure in ``targets`` (default: all hidden)."""
    problem = Problem(linked, hidden, attacker or Attacker())
    wanted = list(hidden) if targets is None else list(targets)
    return {key: problem.interval(key) for key in wanted}


@dataclass(frozen=True)
class Finding:
    """A small hidden figure the publication narrows more than the documented protection."""

    key: FigureKey
    value: int
    interval: Interval


def audit(
    linked: LinkedSet,
    hidden: Collection[FigureKey],
    threshold: int,
    attacker: Attacker | None = None,
    unpublished: Collection[FigureKey] = (),
) -> list[Finding]:
    """Every hidden or unpublished small count (1 .. threshold - 1) whose largest possible
    value stays below ``threshold``: the publication tells the reader it is small (or gives
    it exactly). Also every small figure left published. An empty list means the
    publication meets the documented protection (docs/exports.md).

    ``unpublished`` figures are not printed at all (a village outside a top-15 list): the
    attacker knows them to be ≥ 0 only, but they must not be given away either.
    """
    problem = Problem(linked, hidden, attacker or Attacker(), unpublished)
    hidden_set = set(hidden) | set(unpublished)
    out: list[Finding] = []
    for key in linked.primary(threshold):
        value = linked.value(key)
        if key not in hidden_set:
            out.append(Finding(key, value, Interval(value, value)))
            continue
        high = problem.high(key)
        if high < threshold:
            out.append(Finding(key, value, Interval(problem.low(key), high)))
    return out
