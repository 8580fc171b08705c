"""Flask routes of the all-villages map: its vector tiles, its list of village codes and
its script bundle (built from ``frontend/`` by ``make setup``; never a CDN).

* ``/geo/tiles/<level>.pmtiles``: the store's tiles (``<store>/tiles/<level>.pmtiles``,
  written by the build). Boundaries are public geography: every logged-in user may fetch
  every tile; the values stay scoped to the territory (they come from a callback through
  :func:`layouts.core.data_access.current_store`). HTTP Range requests (the PMTiles
  reader fetches the directory and each tile by byte range), ETag and a week of private
  caching: the URL carries ``?v=<store version>``.
* ``/geo/codes/desa.json``: the village codes of the user's territory in the order of the
  values the map callback sends; fetched once per store version (``?v=``) and cached.
* ``/tilemap-static/<file>``: ``tilemap.js`` (our glue + maplibre-gl + pmtiles) and
  ``maplibre-gl.css``, loaded only by the all-villages page (not through Dash's
  ``assets/``, which every page loads). ``?v=<file version>``: cached for a year, Brotli
  made once (:mod:`layouts.core.static_assets`).

All three sit behind the log-in (``layouts/core/auth.py``: ``/geo/`` answers 401).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Final

import flask

from layouts.core.data_access import current_settings, current_store
from layouts.core.static_assets import ASSET_MAX_AGE, EXTENSION_KEY, accepts_brotli
from layouts.map.tilemap import TILE_LEVELS, store_version, village_codes

TILES_DIR: Final = "tiles"
STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
STATIC_FILES: Final = {
    "tilemap.js": "application/javascript",
    "maplibre-gl.css": "text/css",
    "tilemap.js.LEGAL.txt": "text/plain",  # the bundled libraries' licence notices
}
TILE_MAX_AGE: Final = 7 * 24 * 3600  # URLs carry ?v=<store version>


def tiles_path(store_dir: Path, level: str) -> Path:
    return store_dir / TILES_DIR / f"{level}.pmtiles"


def static_url(name: str) -> str | None:
    """``/tilemap-static/<name>?v=<mtime>``; ``None`` when the bundle was not built."""
    import dash

    path = STATIC_DIR / name
    if not path.is_file():
        return None
    return dash.get_relative_path(f"/tilemap-static/{name}") + f"?v={path.stat().st_mtime_ns}"


def tile_url(store_dir: Path, level: str) -> str | None:
    import dash

    path = tiles_path(store_dir, level)
    if not path.is_file():
        return None
    return dash.get_relative_path(f"/geo/tiles/{level}.pmtiles") + f"?v={path.stat().st_mtime_ns}"


def register_tile_routes(server: flask.Flask) -> None:
    @server.route("/geo/tiles/<level>.pmtiles")
    def tiles(level: str) -> flask.Response:
        if level not in TILE_LEVELS:
            flask.abort(404)
        current_store()  # logged in (the hook already checked; refuses without a user)
        path = tiles_path(current_settings().store_dir, level)
        if not path.is_file():
            flask.abort(404)
        response = flask.send_file(
            path,
            mimetype="application/vnd.pmtiles",
            conditional=True,  # Range requests: 206 with the bytes asked for
            etag=True,
            max_age=TILE_MAX_AGE,
        )
        response.cache_control.public = False
        response.cache_control.private = True
        return response

    @server.route("/geo/codes/desa.json")
    def codes() -> flask.Response:
        store = current_store()  # the user's territory only
        response = flask.jsonify(village_codes(store))
        who = ",".join(sorted(store.user.territory.areas)) if store.restricted else "*"
        digest = hashlib.sha256(who.encode()).hexdigest()[:12]
        response.set_etag(f"{store_version(store)}-{digest}")
        response.cache_control.private = True
        response.cache_control.max_age = TILE_MAX_AGE
        response.vary.add("Cookie")  # another user of this browser gets their own list
        response.make_conditional(flask.request)  # in place: 304 when the ETag matches
        return response

    @server.route("/tilemap-static/<name>")
    def bundle(name: str) -> flask.Response:
        mimetype = STATIC_FILES.get(name)
        path = STATIC_DIR / name
        if mimetype is None or not path.is_file():
            flask.abort(404)
        body = path.read_bytes()
        response = flask.Response(body, mimetype=mimetype)
        if flask.request.args.get("v"):
            response.cache_control.public = True
            response.cache_control.max_age = ASSET_MAX_AGE
            response.cache_control.immutable = True
        precompressed = server.extensions.get(EXTENSION_KEY)
        if precompressed is not None and accepts_brotli(
            flask.request.headers.get("Accept-Encoding", "")
        ):
            compressed = precompressed.get(body)
            if compressed is None:
                precompressed.schedule(body)  # flask-compress's fast level this once
            else:
                response.set_data(compressed)
                response.headers["Content-Encoding"] = "br"
                response.vary.add("Accept-Encoding")
        response.set_etag(f"{path.stat().st_mtime_ns:x}")
        response.make_conditional(flask.request)  # in place: 304 when the ETag matches
        return response
