"""The browser's first load: script and style bundles sent as small as they get.

Dash serves its component bundles (``/_dash-component-suites/``) and the app's ``assets/``
through Flask. flask-compress compresses every response at a fast level (callbacks must
stay quick); the bundles never change for a given file, so they are compressed once with
Brotli at its best quality (about 25 % smaller than the fast level) in a background thread,
kept in the state folder (shared by the workers and across restarts) and served from there.
The first request for a bundle after an install gets the fast compression while its best
one is made.

Fingerprinted bundles (Dash's ``.v<version>m<mtime>`` names, ``assets/...?m=<mtime>``) may be
cached by the browser for a year; a new version has a new URL.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Final

import flask

STATIC_PREFIXES: Final = ("/_dash-component-suites/", "/assets/")
STATIC_MIMETYPES: Final = frozenset(
    {
        "application/javascript",
        "text/javascript",
        "text/css",
        "image/x-icon",
        "image/vnd.microsoft.icon",
    }
)
BROTLI_QUALITY: Final = 11
ASSET_MAX_AGE: Final = 365 * 24 * 3600
#: Dash's fingerprint in a component bundle's name: ``name.v4_4_1m1796217745.min.js``.
_FINGERPRINT_RE: Final = re.compile(r"\.v[\w]+m\d+\.")
EXTENSION_KEY: Final = "cakupan_precompressed"

_log = logging.getLogger(__name__)


class Precompressed:
    """Brotli bodies of static bundles, by the SHA-256 of the plain body: in memory, and
    as files in ``folder`` written atomically (several workers may make the same one)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._memory: dict[str, bytes] = {}
        self._pending: set[str] = set()
        self._lock = threading.Lock()

    def get(self, body: bytes) -> bytes | None:
        key = hashlib.sha256(body).hexdigest()
        with self._lock:
            found = self._memory.get(key)
        if found is not None:
            return found
        path = self.folder / f"{key}.br"
        try:
            data = path.read_bytes()
        except OSError:
            return None
        with self._lock:
            self._memory[key] = data
        return data

    def make(self, body: bytes) -> bytes:
        """Compress ``body`` now and keep it (in memory and on disk)."""
        import brotli

        key = hashlib.sha256(body).hexdigest()
        data: bytes = brotli.compress(body, quality=BROTLI_QUALITY)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, self.folder / f"{key}.br")
        except OSError as exc:  # a read-only state folder: memory only
            _log.warning("compressed bundle not kept on disk: %s", exc)
        with self._lock:
            self._memory[key] = data
        return data

    def schedule(self, body: bytes) -> None:
        """Make the Brotli body in a background thread (once per body and process)."""
        key = hashlib.sha256(body).hexdigest()
        with self._lock:
            if key in self._pending:
                return
            self._pending.add(key)

        def run() -> None:
            try:
                self.make(body)
            finally:
                with self._lock:
                    self._pending.discard(key)

        threading.Thread(target=run, name="cakupan-compress", daemon=True).start()


def accepts_brotli(accept_encoding: str) -> bool:
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() == "br":
            return params.replace(" ", "").lower() not in {"q=0", "q=0.0", "q=0.00", "q=0.000"}
    return False


def is_fingerprinted(path: str, args: dict[str, str]) -> bool:
    if path.startswith("/assets/"):
        return bool(args.get("m"))
    return bool(_FINGERPRINT_RE.search(path.rsplit("/", 1)[-1]))


def register_static_bundles(server: flask.Flask, folder: Path) -> None:
    """Best compression and long caching for the bundles; register after flask-compress
    (Flask runs ``after_request`` hooks last-registered first, so this one sees the plain
    body and flask-compress leaves a response that already has a Content-Encoding)."""
    store = Precompressed(folder)
    server.extensions[EXTENSION_KEY] = store

    @server.after_request
    def static_bundles(response: flask.Response) -> flask.Response:
        request = flask.request
        if (
            not request.path.startswith(STATIC_PREFIXES)
            or response.status_code != 200
            or response.mimetype not in STATIC_MIMETYPES
            or "Content-Encoding" in response.headers
        ):
            return response
        if is_fingerprinted(request.path, request.args.to_dict()):
            response.cache_control.public = True
            response.cache_control.max_age = ASSET_MAX_AGE
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
        # buffered: flask-compress then compresses with any algorithm the browser takes
        # (a streamed file gets only its streaming algorithms, never gzip)
        response.direct_passthrough = False
        body = response.get_data()
        if not accepts_brotli(request.headers.get("Accept-Encoding", "")):
            return response
        compressed = store.get(body)
        if compressed is None:
            store.schedule(body)
            return response  # flask-compress's fast level this once
        response.set_data(compressed)
        response.headers["Content-Encoding"] = "br"
        response.vary.add("Accept-Encoding")
        etag, weak = response.get_etag()
        if etag and not weak:
            response.set_etag(f"{etag}:br")
        return response


#: Component libraries whose bundle is fetched only when one of their components comes into
#: view (``assets/lazy_bundles.js``), not with the page: AG Grid is 0.49 MB on the wire and the
#: map page draws its table below the map.
LAZY_LIBRARIES: Final = ("dash_ag_grid",)
LAZY_SCRIPT_TYPE: Final = "text/x-cakupan-lazy"


def lazy_scripts(scripts: str, libraries: tuple[str, ...] = LAZY_LIBRARIES) -> str:
    """The page's script tags with each of ``libraries``' main bundle made inert: a ``<script>``
    of an unknown type is neither fetched nor run; ``assets/lazy_bundles.js`` reads its
    (fingerprinted) ``src`` and loads it when a component of the library is shown."""
    for name in libraries:
        pattern = re.compile(
            rf'<script src="([^"]*/_dash-component-suites/{name}/{name}\.[^"/]*\.js)"></script>'
        )
        scripts = pattern.sub(
            rf'<script type="{LAZY_SCRIPT_TYPE}" data-cakupan-lazy="{name}" src="\1"></script>',
            scripts,
        )
    return scripts
