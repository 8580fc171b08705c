"""Primary and secondary suppression of a whole publication (a :class:`LinkedSet`).

* **Primary**: every figure from 1 to ``threshold - 1`` is hidden, totals included. Zero is
  never hidden (it identifies no one), so the attacker may take a hidden figure as ≥ 1.
* **Secondary** (the cell-by-cell approach of Fischetti and Salazar, as τ-ARGUS "modular"
  and sdcTable's heuristics use it): small figures are taken one at a time, in the order
  they were added (deterministic). If the :mod:`audit <analytics.disclosure.audit>` shows
  that the figure cannot reach ``threshold`` in any table consistent with the publication,
  a linear programme looks for such a table that changes the published figures as little
  as possible (each change weighted by the figure's value, so the fewest members are
  hidden; zeros are never chosen), and the figures it changes are hidden too. The audit
  (integer) runs again and the step repeats until the figure can reach the threshold.
  Hiding more figures only widens every interval, so a figure protected once stays
  protected; the final audit in the tests checks it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array, hstack, vstack

from analytics.disclosure.audit import Attacker, Problem
from analytics.disclosure.linked import FigureKey, LinkedSet

Cost = Callable[[FigureKey, int], float]


def _by_value(_key: FigureKey, value: int) -> float:
    return float(value)


def _complements(
    problem: Problem, target: FigureKey, threshold: float, cost: Cost, keep: np.ndarray
) -> list[int]:
    """Rows of the published figures to hide so that ``target`` can reach ``threshold``.

    A linear programme looks for a table the attacker cannot rule out once the chosen
    figures are hidden: the target at ``threshold`` or more, hidden figures at least the
    floor, fixed figures at their value, and the smallest cost-weighted change of the
    other published figures (the network heuristic of Cox and of Kelly, Golden and
    Assad). Every published figure it changes is hidden.
    """
    n = problem.n
    floor = float(problem.attacker.hidden_floor)
    values = problem.values
    candidate = ~problem.hidden & (values > 0) & ~keep
    fixed = ~problem.hidden & ~candidate
    cand_rows = np.flatnonzero(candidate)
    k = len(cand_rows)
    a = problem.a
    n_hidden = int(problem.hidden.sum())
    head = vstack([a[fixed], a[problem.hidden], a[[problem.row_of[target]]]])
    blocks = [hstack([head, csr_array((head.shape[0], 2 * k))])]
    lower = [values[fixed], np.full(n_hidden, floor), np.array([float(threshold)])]
    upper = [values[fixed], np.full(n_hidden + 1, np.inf)]
    if k:
        # A_f y - d+_f + d-_f = v_f, and A_f y >= floor (a hidden figure is >= floor)
        a_c = a[cand_rows]
        eye = csr_array((np.ones(k), (np.arange(k), np.arange(k))), shape=(k, k))
        zero = csr_array((k, k))
        blocks += [hstack([a_c, -eye, eye]), hstack([a_c, zero, zero])]
        lower += [values[cand_rows], np.full(k, floor)]
        upper += [values[cand_rows], np.full(k, np.inf)]
    weights = np.array([cost(problem.keys[r], int(values[r])) for r in cand_rows])
    objective = np.concatenate([np.zeros(n), weights, weights])
    result = milp(
        objective,
        integrality=np.zeros(n + 2 * k),
        bounds=Bounds(0.0, np.concatenate([np.full(n, problem.cap), np.full(2 * k, np.inf)])),
        constraints=LinearConstraint(
            vstack(blocks).tocsr(), np.concatenate(lower), np.concatenate(upper)
        ),
    )
    if result.status != 0 or result.x is None:
        raise RuntimeError(f"no complementary suppression found: {result.message}")
    moved = result.x[n : n + k] + result.x[n + k :] > 1e-7
    return [int(r) for r in cand_rows[moved]]


def protect(
    linked: LinkedSet,
    threshold: int,
    *,
    attacker: Attacker | None = None,
    cost: Cost | None = None,
    keep: Collection[FigureKey] = (),
    primary: Mapping[FigureKey, float] | None = None,
) -> set[FigureKey]:
    """The figures to hide so that every small figure can, for all a reader of the
    publication can tell, be ``threshold`` or more.

    ``keep`` names figures to keep published unless they are small themselves (headline
    figures, or figures printed elsewhere without this protection): chosen as complements
    only when nothing else can protect a small figure.

    ``primary`` replaces the threshold rule: the figures to protect, each with the value
    its upper bound must reach (sdcTable's golden cases set cells by hand, and ask only
    that the value is not exact: value + 1).
    """
    if threshold < 1:
        raise ValueError(f"threshold must be at least 1, got {threshold}")
    attacker = attacker or Attacker()
    cost = cost or _by_value
    targets = (
        dict(primary)
        if primary is not None
        else dict.fromkeys(linked.primary(threshold), threshold)
    )
    hidden: set[FigureKey] = set(targets)
    problem = Problem(linked, hidden, attacker)
    kept = np.zeros(len(problem.keys), dtype=bool)
    for key in keep:
        kept[problem.row_of[key]] = True
    for key, reach in targets.items():
        for _attempt in range(len(linked.figures) + 1):
            if problem.high(key) >= reach:
                break
            try:
                rows = _complements(problem, key, reach, cost, kept)
            except RuntimeError:  # only a kept figure can protect it: hide that one
                rows = _complements(problem, key, reach, cost, np.zeros_like(kept))
            added = {problem.keys[r] for r in rows} - hidden
            if not added:
                raise RuntimeError("complementary suppression made no progress")
            hidden |= added
            problem.hide(added)
    return hidden
