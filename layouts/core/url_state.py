"""The map view as URL query parameters: parse (never crash) and serialise.

``?level=desa&area=99.01&month=2024-12&segment=BPU&scheme=quantiles&k=5&layer=coverage
&labels=0&lang=id&target=52.15`` reopens the same view (``target=`` empty: the configured
target, ``Settings.target_pct``). Unknown or malformed values fall back to the
defaults; :func:`resolve` then fits the state to what the store holds (an area that does
not exist falls back to the top, a month outside the data to the latest month).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Final
from urllib.parse import urlencode

from analytics.codes import LEVELS, child_level, level_of
from analytics.engine.classify import K_RANGE, PALETTE, SCHEMES
from analytics.schemas import ANY_AREA_CODE_RE, COVERAGE_SEGMENTS
from analytics.settings import UCJ_TARGET_PCT
from layouts.core.i18n import DEFAULT_LANG, LANGS

MAP_LEVELS: Final = ("kabupaten", "kecamatan", "desa")
LAYERS: Final = ("coverage", "gap")
DEFAULT_SEGMENT: Final = "BPU"  # informal village workers are the point
DEFAULT_SCHEME: Final = "targets"
DEFAULT_K: Final = 5
#: The coverage target control: 100 %, the Universal Coverage Jamsostek target, or a number.
TARGET_CHOICES: Final = ("100", "ucj", "custom")
TARGET_RANGE: Final = (0.0, 100.0)
_MONTH_RE: Final = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_AREA_RE: Final = re.compile(ANY_AREA_CODE_RE)


@dataclass(frozen=True)
class ViewState:
    """What the map shows. ``area`` is the container (``""`` = the whole store) and
    ``level`` the level of the areas drawn inside it; ``month`` is ``YYYY-MM`` or ``""``
    for the latest month."""

    level: str = "kabupaten"
    area: str = ""
    month: str = ""
    segment: str = DEFAULT_SEGMENT
    scheme: str = DEFAULT_SCHEME
    k: int = DEFAULT_K
    layer: str = "coverage"
    labels: bool = False
    lang: str = DEFAULT_LANG
    #: Coverage target in percent (0-100, two decimals); ``None`` = the configured one.
    target: float | None = None

    def with_(self, **changes: object) -> ViewState:
        return replace(self, **changes)  # type: ignore[arg-type]


def _first(value: object) -> str:
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return value.strip() if isinstance(value, str) else ""


def parse_target(value: object) -> float | None:
    """A target percentage from a URL or an input: a finite number in 0..100, rounded to
    two decimals (so it round-trips through the URL); anything else is ``None``."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or not TARGET_RANGE[0] <= number <= TARGET_RANGE[1]:
        return None
    return round(number, 2) + 0.0  # + 0.0: never "-0.0"


def target_from_controls(choice: str | None, custom: object) -> float | None:
    """The target of the page's control: ``"100"``, ``"ucj"`` or ``"custom"`` with the
    number typed (``None``, the configured target, while that number is invalid)."""
    if choice == "100":
        return 100.0
    if choice == "ucj":
        return UCJ_TARGET_PCT
    if choice == "custom":
        return parse_target(custom)
    return None


def target_choice(target: float | None, default: float) -> tuple[str, float]:
    """(choice, number) that show ``target`` (``None``: ``default``) in the control."""
    value = default if target is None else target
    if value == 100.0:
        return "100", value
    if value == UCJ_TARGET_PCT:
        return "ucj", value
    return "custom", value


def effective_target(state: ViewState, default: float) -> float:
    """The target the page uses: the state's, else ``default`` (the configured one)."""
    return default if state.target is None else state.target


def parse_query(params: Mapping[str, object]) -> ViewState:
    """A :class:`ViewState` from query parameters; anything invalid takes the default."""
    d = ViewState()
    get = {key: _first(params.get(key)) for key in asdict(d)}
    try:
        k = int(get["k"])
    except ValueError:
        k = d.k
    return ViewState(
        level=get["level"] if get["level"] in MAP_LEVELS else d.level,
        area=get["area"] if _AREA_RE.match(get["area"]) else d.area,
        month=get["month"] if _MONTH_RE.match(get["month"]) else d.month,
        segment=get["segment"] if get["segment"] in COVERAGE_SEGMENTS else d.segment,
        scheme=get["scheme"] if get["scheme"] in SCHEMES else d.scheme,
        k=k if K_RANGE[0] <= k <= len(PALETTE) else d.k,
        layer=get["layer"] if get["layer"] in LAYERS else d.layer,
        labels=get["labels"] in {"1", "true", "yes"},
        lang=get["lang"] if get["lang"] in LANGS else d.lang,
        target=parse_target(get["target"]) if get["target"] else d.target,
    )


def parse_search(search: str | None) -> ViewState:
    """:func:`parse_query` on a raw ``?a=b&c=d`` string."""
    from urllib.parse import parse_qs

    return parse_query(parse_qs((search or "").lstrip("?")))


def to_query(state: ViewState) -> str:
    """``?level=...&...`` with every field, in a fixed order."""
    values = asdict(state)
    values["labels"] = "1" if state.labels else "0"
    values["target"] = "" if state.target is None else repr(state.target)
    return "?" + urlencode({key: str(value) for key, value in values.items()})


def allowed_levels(area: str, root_codes: Sequence[str]) -> list[str]:
    """Levels that can be drawn inside ``area``: every level below it, except that with
    several provinces the country and each province show kabupaten only (kecamatan and
    villages are stored per kabupaten; the country's villages at once are too heavy)."""
    if not area:
        top = "provinsi"
    else:
        top = level_of(area)
    below = [lvl for lvl in MAP_LEVELS if LEVELS.index(lvl) > LEVELS.index(top)]
    if top == "provinsi" and len(root_codes) > 1:
        return ["kabupaten"]
    return below


def resolve(
    state: ViewState, area_codes: set[str], months: Sequence[str], root_codes: Sequence[str]
) -> ViewState:
    """Fit ``state`` to the store: known area, a level below it, a month in the data.

    ``months`` are ``YYYY-MM`` strings, oldest first. With a single top-level area, the
    whole store (``""``) is shown as that area.
    """
    area = state.area
    if area and area not in area_codes:
        area = ""
    if not area and len(root_codes) == 1:
        area = root_codes[0]
    if area and level_of(area) == "desa":
        area = area[:8]  # a village is shown inside its kecamatan
    levels = allowed_levels(area, root_codes)
    level = state.level if state.level in levels else levels[0]
    if not levels:  # pragma: no cover - a village area was mapped to its kecamatan above
        level = "desa"
    month = state.month if state.month in months else (months[-1] if months else "")
    return state.with_(area=area, level=level, month=month)


def drill_target(code: str, shown_level: str) -> tuple[str, str] | None:
    """(area, level) after clicking ``code`` drawn at ``shown_level``; ``None`` for villages."""
    below = child_level(shown_level)  # type: ignore[arg-type]
    if below is None:
        return None
    return code, below


def geo_parent(level: str, area: str, root_codes: Sequence[str]) -> str:
    """The ``<parent>`` of ``geo/<level>/<parent>.geojson`` holding ``level`` inside ``area``."""
    if not area:
        return "all"
    if level_of(area) == "provinsi" and (level != "kabupaten" or len(root_codes) == 1):
        return "all" if len(root_codes) == 1 else area
    return area
