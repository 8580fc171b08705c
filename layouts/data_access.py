"""The app's access to settings and the store (per request, from the Flask app config).

Nothing here is global state: :func:`current_settings` reads what ``create_app`` put in
the Flask config, and the caches are keyed by file path and modification time.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Final

import dash
import flask

from analytics.settings import Settings
from analytics.store import Store

SETTINGS_KEY: Final = "CAKUPAN_SETTINGS"


def current_settings() -> Settings:
    settings: Settings = flask.current_app.config[SETTINGS_KEY]
    return settings


def current_store() -> Store:
    return Store(current_settings().store_dir)


def geo_url(store: Store, level: str, parent: str) -> str:
    """URL of ``geo/<level>/<parent>.geojson``; ``?v=`` changes when the file is rebuilt,
    so the browser may cache it for long."""
    path = store.geojson_path(level, parent)
    return (
        dash.get_relative_path(f"/geo/{level}/{parent}.geojson") + f"?v={path.stat().st_mtime_ns}"
    )


def geojson_bounds(path: Path) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a GeoJSON file, cached per file version."""
    return _bounds(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=64)
def _bounds(path: Path, _mtime_ns: int) -> tuple[float, float, float, float]:
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
