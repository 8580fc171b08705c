"""The app's access to settings and the store (per request, from the Flask app config).

Nothing here is global state: :func:`current_settings` reads what ``create_app`` put in
the Flask config, and the caches are keyed by file path and modification time.

Every read is limited to the logged-in user's territory: :func:`current_store` returns a
:class:`~analytics.store.territory.TerritoryStore` for the user of the request (never for
anything the browser sends), and :func:`require_area` refuses, with HTTP 403 and an audit
entry, any area the browser asks for outside that territory. Without a logged-in user
every read is refused.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Final

import dash
import flask

from analytics import audit
from analytics.access import Action, User, is_allowed, may
from analytics.settings import Settings
from analytics.store.cache import DATA, stamp, version_of
from analytics.store.reader import (
    Store,
    StoreError,
    file_stamp,
    read_store_file,
)
from analytics.store.territory import TerritoryStore

SETTINGS_KEY: Final = "CAKUPAN_SETTINGS"

#: The UI reaches the data manager (analytics/store/cache.py) through this module only.
__all__ = ["DATA", "stamp", "version_of"]


def current_settings() -> Settings:
    settings: Settings = flask.current_app.config[SETTINGS_KEY]
    return settings


def warm_store(store_dir: Path) -> threading.Thread:
    """Open the store in a background thread, so the first user after a start does not
    wait: the areas and metadata are read and the shared coverage file is mapped (for a
    store built without ``coverage.arrow``, the file is made once, about 30 s for a
    national store, while the users log in).

    The reads fill the same per-file caches the requests use. A missing or broken store is
    only logged here: the pages report it to the user.
    """

    def read() -> None:
        store = Store(store_dir)
        try:
            store.meta()
            store.areas()
            store.coverage_file()  # maps coverage.arrow (built once for an older store)
        except (StoreError, OSError) as exc:
            logging.getLogger(__name__).warning("store not warmed: %s", exc)
        except Exception as exc:  # a damaged file: one line here, the pages report it
            logging.getLogger(__name__).warning("store not warmed: %s: %s", type(exc).__name__, exc)

    thread = threading.Thread(target=read, name="cakupan-warm-store", daemon=True)
    thread.start()
    return thread


def current_user() -> User:
    """The logged-in user of this request; refuses (401) when there is none."""
    import flask_login

    who = flask_login.current_user
    user = getattr(who, "user", None) if who and who.is_authenticated else None
    if not isinstance(user, User):
        flask.abort(401)
    return user


def current_store() -> TerritoryStore:
    """The store as the logged-in user may see it (see analytics/store/territory.py)."""
    return TerritoryStore(Store(current_settings().store_dir), current_user())


def audit_event(action: str, outcome: str, detail: dict[str, object] | None = None) -> None:
    """Append to the audit log, with the request's user and address."""
    import flask_login

    who = flask_login.current_user
    name = getattr(who, "id", "") if who and who.is_authenticated else "-"
    ip = flask.request.remote_addr or "" if flask.has_request_context() else ""
    audit.record(
        current_settings().audit_path,
        user=name,
        action=action,
        outcome=outcome,
        detail=detail,
        ip=ip,
    )


def refuse(what: str, detail: dict[str, object] | None = None, status: int = 403) -> None:
    """Log a refusal and stop the request with ``status``."""
    path = flask.request.path if flask.has_request_context() else ""
    audit_event("refused", "refused", {"what": what, "path": path, **(detail or {})})
    flask.abort(status)


def require_area(code: str | None) -> None:
    """Refuse (403, logged) an area outside the user's territory; empty means "my top"."""
    if code and not is_allowed(current_user(), str(code)):
        refuse("area outside territory", {"area": str(code)[:20]})


def require(action: Action) -> User:
    """The user, when their role allows ``action``; else a logged 403."""
    user = current_user()
    if not may(user, action):
        refuse(f"role {user.role} may not {action}")
    return user


def geo_url(store: Store | TerritoryStore, level: str, parent: str) -> str:
    """URL of ``geo/<level>/<parent>.geojson``; ``?v=`` changes when the file is rebuilt,
    so the browser may cache it for long."""
    path = store.geojson_path(level, parent)
    return (
        dash.get_relative_path(f"/geo/{level}/{parent}.geojson") + f"?v={path.stat().st_mtime_ns}"
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


#: The full store (tests, CLI) or one user's view of it (the app).
StoreLike = Store | TerritoryStore
