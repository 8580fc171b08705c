"""The store as the UI's view models read it, with no web framework: the type of a store
view, the door to the data manager, the store's facts as the user sees them (names,
months, top-level codes, target) and the extent of a boundary file.

The request-bound half (who is logged in, the user's store, refusals and the audit log)
is :mod:`layouts.core.data_access`, which needs Flask. View models, exports and the
report's figures import this module only, so ``cakupan report`` draws the screen's
figures without Dash or Flask (import-linter contract in ``pyproject.toml``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from analytics.settings import Settings
from analytics.store.cache import DATA, stamp, version_of
from analytics.store.reader import (
    AREAS_FILE,
    COVERAGE_FILE,
    META_FILE,
    Store,
    file_stamp,
    read_store_file,
)
from analytics.store.territory import TerritoryStore

#: The UI reaches the data manager (analytics/store/cache.py) through this module only.
__all__ = [
    "DATA",
    "StoreFacts",
    "StoreLike",
    "geojson_bounds",
    "stamp",
    "store_facts",
    "version_of",
]

#: The full store (tests, CLI) or one user's view of it (the app).
StoreLike = Store | TerritoryStore


@dataclass(frozen=True)
class StoreFacts:
    """Immutable (shared by every caller): names as a read-only mapping, tuples."""

    names: Mapping[str, str]
    months: tuple[str, ...]
    root_codes: tuple[str, ...]
    target_pct: float


def store_facts(store: StoreLike, settings: Settings) -> StoreFacts:
    """Names, months and top-level codes of the store as the user sees it (kept by the
    data manager per file version and territory)."""
    return DATA.get(
        "store_facts",
        (store.cache_key, settings.target_pct),
        version_of(store.root, (COVERAGE_FILE, AREAS_FILE, META_FILE)),
        lambda: _facts(store, settings.target_pct),
    )


def _facts(store: StoreLike, default_target: float) -> StoreFacts:
    areas = store.areas()
    meta = store.meta()
    roots = meta.get("root_codes") or areas.loc[areas["level"] == "provinsi", "area_code"]
    return StoreFacts(
        names=MappingProxyType(dict(zip(areas["area_code"], areas["area_name"], strict=True))),
        months=tuple(store.coverage_months()),
        root_codes=tuple(str(c) for c in roots),
        target_pct=float(meta.get("target_pct") or default_target),
    )


def geojson_bounds(path: Path) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a GeoJSON file, cached per file version; a damaged
    file raises :class:`~analytics.store.reader.StoreDamaged` (not cached)."""
    return read_store_file(
        lambda p, st: DATA.get("bounds", p, st, lambda: _bounds(p)), path, file_stamp(path)
    )


def _bounds(path: Path) -> tuple[float, float, float, float]:
    data = json.loads(path.read_text(encoding="utf-8"))
    xs: list[float] = []
    ys: list[float] = []

    def walk(coords: object) -> None:
        if isinstance(coords, list) and coords and isinstance(coords[0], int | float):
            xs.append(float(coords[0]))
            ys.append(float(coords[1]))
        elif isinstance(coords, list):
            for item in coords:
                walk(item)

    for feature in data.get("features", []):
        walk((feature.get("geometry") or {}).get("coordinates", []))
    if not xs:
        return (95.0, -11.0, 141.0, 6.0)  # Indonesia
    return (min(xs), min(ys), max(xs), max(ys))
