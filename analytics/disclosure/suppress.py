"""Primary and secondary suppression of a whole publication (a :class:`LinkedSet`).

* **Primary**: every figure from 1 to ``threshold - 1`` is hidden, totals included. Zero is
  never hidden (it identifies no one), so the attacker may take a hidden figure as ≥ 1.
* **Secondary** (the cell-by-cell approach of Fischetti and Salazar, as τ-ARGUS "modular"
  and sdcTable's heuristics use it): small figures are taken one at a time, in the order
  they were added (deterministic). If the :mod:`audit <analytics.disclosure.audit>` shows
  that the figure cannot reach ``threshold`` in any table consistent with the publication,
  a mixed-integer programme looks for such a table that changes the cheapest set of
  published figures (cost = the figure's value, so the fewest members are hidden; zeros
  are never chosen), and those figures are hidden too. That table proves the figure's
  upper bound now reaches the threshold. Hiding more figures only widens every interval,
  so a figure protected once stays protected; the final audit in the tests checks it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array, hstack, vstack

from analytics.disclosure.audit import Attacker, Problem
from analytics.disclosure.linked import FigureKey, LinkedSet

Cost = Callable[[FigureKey, int], float]


def _by_value(_key: FigureKey, value: int) -> float:
    return float(value)


def _complements(
    problem: Problem, target: FigureKey, threshold: int, cost: Cost, keep: np.ndarray
) -> list[int]:
    """Rows of the published figures to hide so that ``target`` can reach ``threshold``."""
    n = problem.n
    floor = float(problem.attacker.hidden_floor)
    values = problem.values
    candidate = ~problem.hidden & (values > 0) & ~keep
    fixed = ~problem.hidden & ~candidate
    cand_rows = np.flatnonzero(candidate)
    k = len(cand_rows)
    a = problem.a
    big = problem.cap
    blocks = []
    lower: list[np.ndarray] = []
    upper: list[np.ndarray] = []
    zeros_fixed = csr_array((int(fixed.sum()) + int(problem.hidden.sum()) + 1, k))
    head = vstack([a[fixed], a[problem.hidden], a[[problem.row_of[target]]]])
    blocks.append(hstack([head, zeros_fixed]))
    lower += [
        values[fixed],
        np.full(int(problem.hidden.sum()), floor),
        np.array([float(threshold)]),
    ]
    upper += [values[fixed], np.full(int(problem.hidden.sum()) + 1, np.inf)]
    if k:
        a_c = a[cand_rows]
        eye = csr_array((np.ones(k), (np.arange(k), np.arange(k))), shape=(k, k))
        v_c = values[cand_rows]
        # A_f y - M z_f <= v_f ;  A_f y + M z_f >= v_f ;  A_f y - floor z_f >= 0
        blocks += [hstack([a_c, -big * eye]), hstack([a_c, big * eye]), hstack([a_c, -floor * eye])]
        lower += [np.full(k, -np.inf), v_c, np.zeros(k)]
        upper += [v_c, np.full(k, np.inf), np.full(k, np.inf)]
    matrix = vstack(blocks).tocsr()
    objective = np.concatenate(
        [np.zeros(n), [cost(problem.keys[r], int(values[r])) for r in cand_rows]]
    )
    result = milp(
        objective,
        integrality=np.ones(n + k),
        bounds=Bounds(np.zeros(n + k), np.concatenate([np.full(n, problem.cap), np.ones(k)])),
        constraints=LinearConstraint(matrix, np.concatenate(lower), np.concatenate(upper)),
    )
    if result.status != 0 or result.x is None:
        raise RuntimeError(f"no complementary suppression found: {result.message}")
    y = np.round(result.x[:n])
    moved = np.abs(a[cand_rows] @ y - values[cand_rows]) > 0.5
    return [int(r) for r in cand_rows[moved]]


def protect(
    linked: LinkedSet,
    threshold: int,
    *,
    attacker: Attacker | None = None,
    cost: Cost | None = None,
    keep: Collection[FigureKey] = (),
) -> set[FigureKey]:
    """The figures to hide so that every small figure can, for all a reader of the
    publication can tell, be ``threshold`` or more.

    ``keep`` names figures that stay published unless they are small themselves (figures
    printed elsewhere without this protection's complements): never chosen as complements.
    """
    if threshold < 1:
        raise ValueError(f"threshold must be at least 1, got {threshold}")
    attacker = attacker or Attacker()
    cost = cost or _by_value
    primary = linked.primary(threshold)
    hidden: set[FigureKey] = set(primary)
    problem = Problem(linked, hidden, attacker)
    kept = np.zeros(len(problem.keys), dtype=bool)
    for key in keep:
        kept[problem.row_of[key]] = True
    for key in primary:
        for _attempt in range(len(linked.figures) + 1):
            if problem.high(key) >= threshold:
                break
            rows = _complements(problem, key, threshold, cost, kept)
            added = {problem.keys[r] for r in rows} - hidden
            if not added:
                raise RuntimeError("complementary suppression made no progress")
            hidden |= added
            problem.hide(added)
    return hidden
