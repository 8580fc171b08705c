"""The app's access to settings and the store (per request, from the Flask app config).

Nothing here is global state: :func:`current_settings` reads what ``create_app`` put in
the Flask config. The request-free half (``StoreLike``, the data manager's door, boundary
extents) is :mod:`layouts.core.store_access`, which view models and the report import.

Every read is limited to the logged-in user's territory: :func:`current_store` returns a
:class:`~analytics.store.territory.TerritoryStore` for the user of the request (never for
anything the browser sends), and :func:`require_area` refuses, with HTTP 403 and an audit
entry, any area the browser asks for outside that territory. Without a logged-in user
every read is refused.
"""

from __future__ import annotations

import logging
import threading
from typing import Final

import dash
import flask

from analytics import audit
from analytics.access import Action, User, is_allowed, may
from analytics.settings import Settings
from analytics.store.reader import Store, StoreError
from analytics.store.territory import TerritoryStore
from layouts.core.store_access import StoreLike, store_facts
from layouts.core.url_state import ViewState, resolve

SETTINGS_KEY: Final = "CAKUPAN_SETTINGS"


def current_settings() -> Settings:
    settings: Settings = flask.current_app.config[SETTINGS_KEY]
    return settings


def settings_store(settings: Settings) -> Store:
    """The whole store of ``settings``, with its disk caches in ``settings.cache_dir``."""
    return Store(settings.store_dir, cache_dir=settings.cache_dir)


def warm_store(settings: Settings) -> threading.Thread:
    """Open the store in a background thread, so the first user after a start does not
    wait: the areas and metadata are read and the shared coverage file is mapped (for a
    store built without ``coverage.arrow``, the file is made once, about 30 s for a
    national store, while the users log in).

    The reads fill the same per-file caches the requests use. A missing or broken store is
    only logged here: the pages report it to the user.
    """

    def read() -> None:
        store = settings_store(settings)
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
    return TerritoryStore(settings_store(current_settings()), current_user())


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


def resolve_state(store: StoreLike, settings: Settings, state: ViewState) -> ViewState:
    """``state`` fitted to the store as the user sees it; an area outside the user's
    territory is refused (403, logged)."""
    if isinstance(store, TerritoryStore):
        require_area(state.area)  # an area outside the territory: 403, logged
    facts = store_facts(store, settings)
    return resolve(state, set(facts.names), facts.months, facts.root_codes)


def geo_url(store: StoreLike, level: str, parent: str) -> str:
    """URL of ``geo/<level>/<parent>.geojson``; ``?v=`` changes when the file is rebuilt,
    so the browser may cache it for long."""
    path = store.geojson_path(level, parent)
    return (
        dash.get_relative_path(f"/geo/{level}/{parent}.geojson") + f"?v={path.stat().st_mtime_ns}"
    )
