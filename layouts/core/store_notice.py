"""One notice for a store that is missing, damaged or being replaced.

Every page and callback that meets such a store shows the same notice instead of failing:
a page shows it as its content, a callback of an open page leaves its outputs as they
were and shows it above the page (``ids.STORE_NOTICE``, cleared on the next navigation
or successful view). Admins see the server path and the reason; every other role a
plain sentence without paths. Nothing is cached on failure (see analytics/store/reader.py), so
the first request after a good store is back serves it, without a restart.

:func:`on_callback_error` is the app's Dash ``on_error`` handler: a store problem becomes
the notice (HTTP 200), any other error is raised again as before.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

import dash
import flask
from dash import html
from werkzeug.exceptions import HTTPException

from analytics.access import unrestricted
from analytics.store.reader import StoreDamaged, StoreError
from layouts.core import ids
from layouts.core.data_access import current_settings, current_user
from layouts.core.i18n import lang_or_default, t

#: Dash's page router writes the page into this component (dash/dash.py ``_ID_CONTENT``).
PAGE_CONTENT: Final = "_pages_content"

_log = logging.getLogger(__name__)


def is_store_problem(exc: BaseException, store_dir: Path) -> bool:
    """Whether ``exc`` comes from the store: a missing or damaged store file, or an OS
    error on a path inside ``store_dir`` (a store removed while it was being read)."""
    for err in (exc, exc.__cause__, exc.__context__):
        if isinstance(err, StoreError | StoreDamaged):
            return True
        if isinstance(err, OSError) and err.filename is not None:
            inside = os.path.abspath(str(err.filename))
            root = os.path.abspath(store_dir)
            if inside == root or inside.startswith(root + os.sep):
                return True
    return False


def _is_admin() -> bool:
    try:
        return unrestricted(current_user())
    except (HTTPException, RuntimeError):  # not logged in, or no request
        return False


def notice_text(exc: BaseException | None, lang: str) -> str:
    """The notice for the user of the request: the path and reason only for admins."""
    if not _is_admin():
        return t("store.unavailable", lang)
    store_dir = str(current_settings().store_dir)
    if isinstance(exc, StoreDamaged):
        path, reason = str(exc.path), exc.reason
        return t("store.damaged_admin", lang, path=path, reason=reason, store=store_dir)
    text = t("no_store", lang, path=store_dir)
    return f"{text} ({exc})" if exc is not None else text


def notice(exc: BaseException | None, lang: str) -> html.Div:
    """The notice as a page's content."""
    return html.Div(notice_text(exc, lang), id=ids.STORE_MESSAGE, className="store-missing")


def request_lang() -> str:
    """The page's language, from the ``lang`` of the page address the callback came from."""
    referrer = flask.request.referrer if flask.has_request_context() else None
    query = parse_qs(urlsplit(referrer or "").query)
    return lang_or_default((query.get("lang") or [""])[0])


def _output_ids(outputs: Any) -> list[str]:
    if isinstance(outputs, dict):
        return [str(outputs.get("id"))]
    if isinstance(outputs, list):
        return [i for o in outputs for i in _output_ids(o)]
    return []


def on_callback_error(exc: Exception) -> Any:
    """Dash ``on_error``: the store notice for a store problem, else ``exc`` again."""
    if not is_store_problem(exc, current_settings().store_dir):
        raise exc
    _log.warning("store unavailable: %s: %s", type(exc).__name__, exc)
    lang = request_lang()
    if PAGE_CONTENT in _output_ids(dash.callback_context.outputs_list):
        # A page's layout failed: the notice is the page (one notice, none above it).
        dash.set_props(ids.STORE_NOTICE, {"children": None, "hidden": True})
        return [notice(exc, lang), {"title": "Cakupan"}]
    dash.set_props(ids.STORE_NOTICE, {"children": notice_text(exc, lang), "hidden": False})
    return None  # every output keeps its value (Dash sends no update)
