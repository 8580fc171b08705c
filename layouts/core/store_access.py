"""The store as the UI's view models read it, with no web framework: the type of a store
view, the door to the data manager, and the extent of a boundary file.

The request-bound half (who is logged in, the user's store, refusals and the audit log)
is :mod:`layouts.core.data_access`, which needs Flask. View models, exports and the
report's figures import this module only, so ``cakupan report`` draws the screen's
figures without Dash or Flask (import-linter contract in ``pyproject.toml``).
"""

from __future__ import annotations

import json
from pathlib import Path

from analytics.store.cache import DATA, stamp, version_of
from analytics.store.reader import Store, file_stamp, read_store_file
from analytics.store.territory import TerritoryStore

#: The UI reaches the data manager (analytics/store/cache.py) through this module only.
__all__ = ["DATA", "StoreLike", "geojson_bounds", "stamp", "version_of"]

#: The full store (tests, CLI) or one user's view of it (the app).
StoreLike = Store | TerritoryStore


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
