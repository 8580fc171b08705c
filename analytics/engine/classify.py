"""Classification of coverage percentages into map classes.

Schemes follow thematic-map practice (mapclassify does the break finding):

* ``quantiles``: each class holds about the same number of areas;
* ``equal_interval``: classes of equal width between the lowest and highest value;
* ``natural_breaks``: Fisher-Jenks optimal breaks (deterministic, unlike k-means);
* ``targets``: fixed bands tied to policy targets: <10, 10-25, 25-50, 50-75, >=75 %.

Convention (documented in the method notes): every class is a half-open interval
``[lower; upper)`` that includes its lower bound and excludes its upper bound, except the
last, which is closed ``[lower; upper]`` so the highest value belongs to it. The bounds are
written with a semicolon because the comma is the Indonesian decimal mark
(``[12,5; 25)``). Values are classified only within 0-100 %; two special classes sit
outside the scheme: no data (empty coverage) and above 100 %, which is a data-quality
signal (numerator and denominator disagree), never a success.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Final, Literal

import mapclassify
import numpy as np
import pandas as pd
from babel.numbers import format_decimal

Scheme = Literal["quantiles", "equal_interval", "natural_breaks", "targets"]
SCHEMES: Final[tuple[Scheme, ...]] = ("quantiles", "equal_interval", "natural_breaks", "targets")
#: Bands of the ``targets`` scheme (upper bounds of the classes, in %).
TARGET_EDGES: Final[tuple[float, ...]] = (0.0, 10.0, 25.0, 50.0, 75.0, 100.0)
K_RANGE: Final = (3, 7)
#: Natural breaks run on at most this many values (quantiles of the data beyond it).
JENKS_MAX_VALUES: Final = 120

NO_DATA_COLOR: Final = "#c8c8c8"
OVER_100_COLOR: Final = "#c51b8a"
#: Sequential palette (ColorBrewer YlGnBu without the palest step), low coverage = light.
PALETTE: Final[tuple[str, ...]] = (
    "#edf8b1",
    "#c7e9b4",
    "#7fcdbb",
    "#41b6c4",
    "#1d91c0",
    "#225ea8",
    "#0c2c84",
)
#: Class codes of the two special classes in :attr:`Classification.classes`.
NO_DATA_CLASS: Final = -1
OVER_100_CLASS: Final = -2


@dataclass(frozen=True)
class Classification:
    """The result of :func:`classify`.

    ``edges`` has ``k + 1`` increasing bounds; class ``i`` is ``[edges[i]; edges[i+1])``
    (the last one closed). ``classes`` holds, per input value (same index), the class
    number, :data:`NO_DATA_CLASS` or :data:`OVER_100_CLASS`.
    """

    scheme: Scheme
    edges: tuple[float, ...]
    classes: pd.Series
    colors: tuple[str, ...]

    @property
    def k(self) -> int:
        return len(self.edges) - 1

    def labels(self, locale: str = "id") -> list[str]:
        """Interval labels such as ``[10; 25)`` in the locale's number format."""
        out = []
        for i in range(self.k):
            lo = _fmt(self.edges[i], locale)
            hi = _fmt(self.edges[i + 1], locale)
            closing = "]" if i == self.k - 1 else ")"
            out.append(f"[{lo}; {hi}{closing} %")
        return out

    def counts(self) -> dict[int, int]:
        """Number of values per class code (special classes included)."""
        counts = self.classes.value_counts()
        codes = [*range(self.k), OVER_100_CLASS, NO_DATA_CLASS]
        return {code: int(counts.get(code, 0)) for code in codes}

    def z_values(self) -> list[int]:
        """Class numbers for a stepped colour scale: ``k`` for >100 %, ``k + 1`` for no data."""
        z = self.classes.to_numpy(dtype="int64", copy=True)
        z[z == OVER_100_CLASS] = self.k
        z[z == NO_DATA_CLASS] = self.k + 1
        return [int(v) for v in z]

    def colorscale(self) -> list[list[float | str]]:
        """A stepped Plotly colour scale over ``z`` in ``[-0.5, k + 1.5]``."""
        steps = [*self.colors, OVER_100_COLOR, NO_DATA_COLOR]
        n = len(steps)
        scale: list[list[float | str]] = []
        for i, color in enumerate(steps):
            scale.append([i / n, color])
            scale.append([(i + 1) / n, color])
        return scale


def _fmt(value: float, locale: str) -> str:
    return str(format_decimal(round(value, 1), format="#,##0.#", locale=locale))


def palette(k: int) -> tuple[str, ...]:
    """``k`` colours spread over the sequential palette, light to dark."""
    if not K_RANGE[0] <= k <= len(PALETTE):
        raise ValueError(f"k must be between {K_RANGE[0]} and {len(PALETTE)}, got {k}")
    idx = np.round(np.linspace(0, len(PALETTE) - 1, k)).astype(int)
    return tuple(PALETTE[i] for i in idx)


def _breaks(values: np.ndarray, scheme: Scheme, k: int) -> np.ndarray:
    """Increasing class bounds (k + 1 of them, or fewer when values repeat)."""
    if scheme == "targets":
        return np.array(TARGET_EDGES)
    if values.size == 0:
        return np.array([0.0, 100.0])
    lo, hi = float(values.min()), float(values.max())
    if lo == hi:
        return np.array([lo, hi])
    k_eff = min(k, np.unique(values).size)
    if scheme == "quantiles":
        # Lower bounds at quantiles so every class holds about n/k values under [a; b).
        inner = np.quantile(values, np.linspace(0, 1, k_eff + 1)[1:-1])
    elif scheme == "equal_interval":
        inner = mapclassify.EqualInterval(values, k=k_eff).bins[:-1]
    elif scheme == "natural_breaks":
        # Fisher-Jenks is O(k n^2) in pure Python without numba: above JENKS_MAX_VALUES
        # it runs on evenly spaced quantiles of the values (deterministic, unlike
        # mapclassify's random FisherJenksSampled), which keeps a class change fast.
        sample = values
        if values.size > JENKS_MAX_VALUES:
            sample = np.quantile(values, np.linspace(0, 1, JENKS_MAX_VALUES))
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Numba not installed")
            uppers = mapclassify.FisherJenks(sample, k=k_eff).bins[:-1]
        # mapclassify's bins are upper bounds of (a, b] classes: the next class starts
        # just above; use the midpoint to the next distinct value as the [a; b) bound.
        distinct = np.unique(values)
        nxt = distinct[
            np.minimum(np.searchsorted(distinct, uppers, side="right"), distinct.size - 1)
        ]
        inner = (uppers + nxt) / 2
    else:  # pragma: no cover - guarded by classify()
        raise ValueError(scheme)
    # Bounds on a 0.1 grid so the labels (one decimal) say exactly what the classes hold.
    lo_r, hi_r = np.floor(lo * 10) / 10, np.ceil(hi * 10) / 10
    inner = np.clip(np.round(np.asarray(inner, dtype="float64"), 1), lo_r, hi_r)
    return np.unique(np.concatenate([[lo_r], inner, [hi_r]]))


def classify(values: pd.Series, scheme: str, k: int) -> Classification:
    """Classify coverage percentages (0-100, NaN for no data, >100 flagged) into classes.

    ``k`` is ignored by ``targets`` (five fixed bands). Breaks are computed on the values
    within 0-100 only, so one absurd value above 100 % cannot stretch the scale.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown classification scheme {scheme!r}; use one of {SCHEMES}")
    pct = pd.to_numeric(values, errors="coerce").astype("float64")
    no_data = pct.isna()
    over = pct > 100
    inside = pct[~no_data & ~over].to_numpy()
    edges = _breaks(inside, scheme, k)
    n_classes = max(len(edges) - 1, 1)
    if len(edges) < 2:
        edges = np.array([edges[0], edges[0]])
    # [a; b) classes, the last closed: index of the last lower bound <= value.
    cls = np.searchsorted(edges[1:-1], pct.fillna(0).to_numpy(), side="right")
    cls = np.clip(cls, 0, n_classes - 1)
    classes = pd.Series(cls, index=values.index, dtype="int64")
    classes = classes.mask(over, OVER_100_CLASS).mask(no_data, NO_DATA_CLASS)
    return Classification(
        scheme=scheme,
        edges=tuple(float(e) for e in edges),
        classes=classes,
        colors=palette(max(n_classes, K_RANGE[0]))[:n_classes]
        if n_classes < K_RANGE[0]
        else palette(n_classes),
    )
