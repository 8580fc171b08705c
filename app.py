"""The Cakupan dashboard: ``python app.py`` (development) or ``gunicorn app:server``.

``create_app`` builds a Dash app around one :class:`Settings`; nothing is read at import
except the settings from the environment. The processed store is read lazily per request
(cached per file version), and its simplified boundaries are served by a small route so
the browser fetches each GeoJSON once and caches it.
"""

from __future__ import annotations

import re
import sys
from typing import Any, Final

import dash
import flask
from dash import Dash, State
from flask_compress import Compress
from werkzeug.middleware.proxy_fix import ProxyFix

from analytics.access import AccessDenied
from analytics.codes import LEVELS
from analytics.io.upload_checks import request_limit
from analytics.io.user_store import UserStoreError
from analytics.settings import Settings, SettingsError
from analytics.store.cache import DATA
from analytics.store.reader import StoreDamaged, StoreError
from layouts.core import ids
from layouts.core.auth import setup_auth
from layouts.core.data_access import SETTINGS_KEY, current_store, refuse, warm_store
from layouts.core.glyphs import register_glyph_route
from layouts.core.i18n import lang_or_default, t
from layouts.core.ids import UP_MESSAGE
from layouts.core.shell import register_shell_callbacks, shell_layout, track_page_renders
from layouts.core.static_assets import lazy_scripts, register_static_bundles
from layouts.core.store_notice import on_callback_error
from layouts.exports.ui import register_export_callbacks
from layouts.map.tile_routes import register_tile_routes

GEO_MAX_AGE: Final = 7 * 24 * 3600  # URLs carry ?v=<file version>, so a week is safe
_PARENT_RE: Final = re.compile(r"^(all|\d{2}(\.\d{2}(\.\d{2})?)?)$")
COMPRESS_MIMETYPES: Final = [
    "text/html",
    "text/css",
    "text/plain",
    "application/javascript",
    "text/javascript",
    "application/json",
    "application/geo+json",
    "application/x-protobuf",  # map label glyphs
]


def _register_geo_route(server: flask.Flask) -> None:
    @server.route("/geo/<level>/<parent>.geojson")
    def geojson(level: str, parent: str) -> flask.Response:
        if level not in LEVELS or not _PARENT_RE.match(parent):
            flask.abort(404)
        try:
            path = current_store().geojson_path(level, parent)  # the user's territory only
        except (StoreError, StoreDamaged):
            flask.abort(404)
        except AccessDenied:
            refuse("boundaries outside territory", {"level": level, "parent": parent})
        response = flask.send_file(
            path,
            mimetype="application/geo+json",
            conditional=True,
            etag=True,
            max_age=GEO_MAX_AGE,
        )
        # Private: every file is read through the user's territory (some are filtered to
        # it), so no shared cache may keep it; Vary: Cookie keeps the browser's copy to
        # this log-in session (another user of the same browser fetches their own).
        response.cache_control.public = False
        response.cache_control.private = True
        response.vary.add("Cookie")
        # send_file streams the file; buffer it so flask-compress compresses it with any
        # algorithm the browser accepts (it keeps conditional requests working).
        response.direct_passthrough = False
        response.make_sequence()
        return response


def _register_upload_limit(server: flask.Flask, settings: Settings) -> None:
    """The request limit fits the documented file limit once base64-encoded, and a
    callback refused for its size gets a message in the upload page, not an HTML 413."""
    server.config["MAX_CONTENT_LENGTH"] = request_limit(settings.max_upload_bytes)

    @server.errorhandler(413)
    def too_large(error: Exception) -> flask.Response | tuple[flask.Response, int]:
        message = t("upload.too_large", _page_lang(), mb=settings.max_upload_mb)
        if flask.request.path.endswith("/_dash-update-component"):
            # The renderer applies ``sideUpdate`` to the page whatever callback was sent.
            body = {
                "multi": True,
                "response": {},
                "sideUpdate": {UP_MESSAGE: {"children": message}},
            }
            return flask.jsonify(body)
        return flask.Response(message, status=413, mimetype="text/plain")


def _page_lang() -> str:
    """The language of the page that sent the request (``?lang=`` of its address)."""
    from urllib.parse import parse_qs, urlsplit

    query = parse_qs(urlsplit(flask.request.referrer or "").query)
    return lang_or_default((query.get("lang") or [""])[0])


class CakupanDash(Dash):
    """Dash whose page leaves AG Grid's bundle to load when a grid is shown
    (``layouts/core/static_assets.lazy_scripts``, ``assets/lazy_bundles.js``)."""

    def interpolate_index(  # Dash's documented override
        self,
        metas: Any = "",
        title: Any = "",
        css: Any = "",
        config: Any = "",
        scripts: Any = "",
        app_entry: Any = "",
        favicon: Any = "",
        renderer: Any = "",
    ) -> Any:
        return super().interpolate_index(
            metas=metas,
            title=title,
            css=css,
            config=config,
            scripts=lazy_scripts(str(scripts)),
            app_entry=app_entry,
            favicon=favicon,
            renderer=renderer,
        )


def create_app(settings: Settings | None = None) -> Dash:
    """A new Dash app serving the store in ``settings.store_dir``."""
    settings = settings or Settings.from_env()
    app = CakupanDash(
        __name__,
        use_pages=True,
        pages_folder="layouts/pages",
        suppress_callback_exceptions=True,
        title="Cakupan",
        update_title=None,  # type: ignore[arg-type]  # Dash documents None: title kept
        on_error=on_callback_error,  # a missing/damaged store: a notice, not a 500
        # the view on screen, so a page's layout skips re-rendering it (layouts/core/shell.py)
        routing_callback_inputs={"shown": State(ids.SHOWN_VIEW, "data")},
    )
    server = app.server
    server.config[SETTINGS_KEY] = settings
    if settings.trusted_proxies:
        # the client address (log-in throttle, audit) and scheme as the trusted proxies saw
        # them; without proxies the headers are ignored, so a client cannot forge them
        hops = settings.trusted_proxies
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops)
    server.config["COMPRESS_MIMETYPES"] = COMPRESS_MIMETYPES
    server.config["COMPRESS_LEVEL"] = 6
    server.config["COMPRESS_MIN_SIZE"] = 500
    Compress(server)
    # after Compress: bundles get their best (cached) compression and long caching
    register_static_bundles(server, settings.state_dir / "compressed")
    setup_auth(app, settings)  # log-in for every route and callback; refuses unsafe production
    _register_upload_limit(server, settings)
    _register_geo_route(server)
    register_tile_routes(server)  # the all-villages map: tiles, codes, its script bundle
    register_glyph_route(server, settings.state_dir / "glyphs")  # map labels, offline
    app.layout = shell_layout
    register_shell_callbacks(app)
    track_page_renders()  # a page drawn by the router: its first view replaces the address
    register_export_callbacks(app)  # downloads of figures, tables and area reports
    # Page callbacks are registered per app (not with the global @callback), so several
    # apps in one process (tests, workers) never share or duplicate callbacks.
    for page in dash.page_registry.values():
        module = sys.modules.get(page["module"])
        register = getattr(module, "register_callbacks", None)
        if register is not None:
            register(app)
    DATA.configure(settings.cache_sizes)
    if settings.warm:
        warm_store(settings)
    return app


#: gunicorn's exit code for "App failed to load": the master stops instead of respawning.
APP_LOAD_ERROR: Final = 4

try:
    app = create_app()
except (SettingsError, UserStoreError) as exc:  # a refused start: one line, no traceback
    print(f"cakupan: cannot start: {exc}", file=sys.stderr, flush=True)
    raise SystemExit(APP_LOAD_ERROR) from None
server = app.server

if __name__ == "__main__":  # pragma: no cover
    _settings = Settings.from_env()
    if not _settings.warm:  # the development server warms too; a worker does with CAKUPAN_WARM=1
        warm_store(_settings)
    app.run(host=_settings.host, port=_settings.port, debug=_settings.debug)
