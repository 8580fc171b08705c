"""Log-in for everything the server answers, security headers and session settings.

:func:`setup_auth` is called by ``create_app``. A ``before_request`` hook lets through only
the log-in page, the health check and Dash's static assets; every other route (pages,
Dash callbacks ``/_dash-*``, boundaries ``/geo/``, downloads) needs a logged-in user:
pages redirect to ``/masuk``, callbacks and data get 401. The log-in form is a plain
Flask form with a CSRF token; nothing the user typed is rendered as HTML (it is escaped).
Sessions live server-side (``analytics/io/auth_state.py``, one SQLite file shared by every
worker): the cookie holds a random session id, checked on every request, so log-out, a
password, role or territory change, removing the user and the idle and absolute timeouts
end a session everywhere. Failed log-ins are throttled per account and per account at one
address (never per address alone) with a doubling wait, and written to the audit log.

Why one module of ~500 lines: login, sessions, CSRF, throttling and the role guard
are one Flask integration whose pieces share the ``AuthState`` and the request hooks;
the Flask-free parts (users, hashing, state) are in ``analytics.access`` and
``analytics.io.user_store``/``auth_state``.
"""

from __future__ import annotations

import hmac
import logging
import math
import secrets
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Final
from urllib.parse import quote, unquote, urlencode, urlsplit

import dash
import flask
import flask_login
from dash.exceptions import DependencyException
from markupsafe import escape
from werkzeug.wrappers import Response as WerkzeugResponse

from analytics import audit
from analytics.access import Role, Territory, User
from analytics.io.auth_state import AuthState, SessionLimits
from analytics.io.user_store import hash_password, load_users, verify_password
from analytics.settings import DEMO_HMAC_KEY, Settings, SettingsError, check_cache_dir
from analytics.store.reader import Store, StoreDamaged, StoreError
from layouts.core.store_access import DATA, stamp

LOGIN_PATH: Final = "/masuk"
LOGOUT_PATH: Final = "/keluar"
HEALTH_PATH: Final = "/_health"
#: Failed log-ins allowed without a wait, per account at one address and per account from
#: anywhere; after them each failure doubles the wait, from BACKOFF_BASE_S to BACKOFF_CAP_S.
PAIR_FREE_FAILURES: Final = 5
ACCOUNT_FREE_FAILURES: Final = 10
BACKOFF_BASE_S: Final = 2.0
BACKOFF_CAP_S: Final = 15 * 60.0
#: Dash's own static files (JS bundles, favicon) hold no data; the log-in page needs none,
#: but Dash's renderer loads them before any callback, and they are public code. The map
#: label glyphs (layouts/core/glyphs.py) are drawn from a public font.
PUBLIC_PREFIXES: Final = ("/_dash-component-suites/", "/assets/", "/_favicon.ico", "/glyphs/")
PUBLIC_PATHS: Final = frozenset({LOGIN_PATH, HEALTH_PATH})
#: Demo users (demo mode only, never written to disk): name -> (role, password).
DEMO_PASSWORDS: Final = {
    "admin": "cakupan-admin",
    "cabang": "cakupan-cabang",
    "polres": "cakupan-polres",
    "tamu": "cakupan-tamu",
}
USERS_KEY: Final = "CAKUPAN_USERS"
STATE_KEY: Final = "CAKUPAN_AUTH_STATE"
#: The session's server-side id (the signed cookie holds only this and Flask-Login's id).
SID_KEY: Final = "sid"
#: Characters a redirect target may keep as they are (RFC 3986 reserved and unreserved, and
#: "%" of existing escapes); anything else is percent-encoded.
_URL_SAFE: Final = "/?#[]@!$&'()*+,;=:-._~%"


class LoginUser(flask_login.UserMixin):
    """What Flask-Login keeps for a request: the :class:`User`, id = its name."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.id = user.name


def _limits(settings: Settings) -> SessionLimits:
    return SessionLimits(idle_s=settings.session_idle_s, absolute_s=settings.session_max_s)


def _state(server: flask.Flask) -> AuthState:
    state: AuthState = server.extensions[STATE_KEY]
    return state


def throttle_wait(state: AuthState, name: str, ip: str, now: float) -> float:
    """Seconds before ``name`` may try again from ``ip`` (0: now)."""
    account, pair = throttle_keys(name, ip)
    return max(
        state.wait_seconds(pair, now, PAIR_FREE_FAILURES, BACKOFF_BASE_S, BACKOFF_CAP_S),
        state.wait_seconds(account, now, ACCOUNT_FREE_FAILURES, BACKOFF_BASE_S, BACKOFF_CAP_S),
    )


def throttle_keys(name: str, ip: str) -> tuple[str, str]:
    """(the account, the account at this address): never the address alone, so failures
    for one name (or made-up names) never slow down another user behind the same NAT."""
    account = name.casefold()
    return f"user:{account}", f"user:{account}|ip:{ip}"


def demo_users(store_dir: Path) -> dict[str, User]:
    """The four demo users, their territories taken from the demo store's areas."""
    store = Store(store_dir)
    areas = store.areas() if store.exists() else None
    kab = ["99.01", "99.02"]
    kec = "99.02.01"
    if areas is not None:
        kab = sorted(areas.loc[areas["level"] == "kabupaten", "area_code"]) or kab
        kecs = sorted(areas.loc[areas["level"] == "kecamatan", "area_code"])
        kec = next((k for k in kecs if k.startswith(kab[-1] + ".")), kec)
    polres, police_areas = "Polres Demo", frozenset({kab[-1]})
    try:
        off = store.officers()
    except StoreError:  # the demo store was built without a roster
        off = None
    if off is not None:
        polres = sorted(off["polres"].unique())[0]
        villages = off.loc[off["polres"] == polres, "village_code"].astype("str")
        police_areas = frozenset(villages.str[:5])
    specs = {
        "admin": (Role.ADMIN, Territory()),
        "cabang": (Role.BRANCH, Territory(frozenset({kab[0]}))),
        "polres": (Role.POLICE, Territory(police_areas, polres=polres)),
        "tamu": (Role.VIEWER, Territory(frozenset({kec}))),
    }
    return {
        # a fixed salt: the same users (and session fingerprints) in every worker
        name: User(
            name, role, territory, hash_password(DEMO_PASSWORDS[name], salt=_demo_salt(name))
        )
        for name, (role, territory) in specs.items()
    }


def _demo_salt(name: str) -> bytes:
    import hashlib

    return hashlib.sha256(f"cakupan-demo-user:{name}".encode()).digest()[:16]


def _users(server: flask.Flask) -> dict[str, User]:
    settings: Settings = server.config["CAKUPAN_SETTINGS"]
    fixed = server.config.get(USERS_KEY)
    if fixed is not None:  # demo users, made at start-up
        return dict(fixed)
    path = settings.users_path
    # kept per file version: `cakupan users remove` takes effect at once
    # a dict of frozen User values: a shallow copy is the caller's own
    return DATA.get("users", path, stamp(path), lambda: load_users(path), freeze=dict)


def _safe_next(target: str | None) -> str:
    """Only a local path (never another host, never a header break) after logging in."""
    if not target or len(target) > 2000:
        return "/"
    decoded = unquote(target)  # also "%0d%0a" and "%5c": no use in a path of this app
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in decoded) or "\\" in decoded:
        return "/"  # CR/LF would break the header; "/\\host" is "//host" to browsers
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return quote(target, safe=_URL_SAFE)


def _csrf_token() -> str:
    token = flask.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        flask.session["csrf"] = token
    return str(token)


def csrf_token() -> str:
    """The session's CSRF token (made when missing), for a form posted to this app."""
    return _csrf_token()


def csrf_ok(form_token: str | None) -> bool:
    expected = flask.session.get("csrf")
    return bool(expected and form_token and hmac.compare_digest(str(expected), form_token))


LOGIN_HTML: Final = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Cakupan · Masuk</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{{font-family:system-ui,sans-serif;background:#f4f6f8;display:flex;justify-content:center;
padding-top:10vh}} form{{background:#fff;padding:2rem;border-radius:8px;min-width:18rem;
box-shadow:0 1px 4px rgba(0,0,0,.15)}} label{{display:block;margin-top:1rem}}
input{{width:100%;padding:.5rem;box-sizing:border-box}} button{{margin-top:1.5rem;
padding:.6rem 1.2rem}} .error{{color:#b00020}}
</style></head><body>
<form method="post" action="{action}">
<h1>Cakupan</h1><p>Masuk / Log in</p>
<p class="error" role="alert">{error}</p>
<input type="hidden" name="csrf_token" value="{csrf}">
<input type="hidden" name="next" value="{next}">
<label for="username">Nama pengguna / User name</label>
<input id="username" name="username" autocomplete="username" required value="{username}">
<label for="password">Kata sandi / Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Masuk</button>
</form></body></html>"""

LOGOUT_HTML: Final = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Cakupan · Keluar</title></head><body>
<form method="post" action="{action}"><input type="hidden" name="csrf_token" value="{csrf}">
<p>{user}</p><button type="submit">Keluar / Log out</button></form></body></html>"""


def _login_page(error: str = "", username: str = "", status: int = 200) -> flask.Response:
    html = LOGIN_HTML.format(
        action=escape(dash.get_relative_path(LOGIN_PATH)),
        error=escape(error),
        csrf=escape(_csrf_token()),
        next=escape(_safe_next(flask.request.form.get("next") or flask.request.args.get("next"))),
        username=escape(username[:100]),
    )
    return flask.Response(html, status=status, mimetype="text/html")


def _audit(server: flask.Flask, user: str, action: str, outcome: str, **detail: object) -> None:
    settings: Settings = server.config["CAKUPAN_SETTINGS"]
    audit.record(
        settings.audit_path,
        user=user,
        action=action,
        outcome=outcome,
        detail=dict(detail),
        ip=flask.request.remote_addr or "",
    )


def _register_routes(server: flask.Flask) -> None:
    settings: Settings = server.config["CAKUPAN_SETTINGS"]

    @server.route(HEALTH_PATH)
    def health() -> flask.Response:
        return flask.Response("ok", mimetype="text/plain")

    @server.route(LOGIN_PATH, methods=["GET", "POST"])
    def login() -> WerkzeugResponse:
        if flask.request.method == "GET":
            if flask.request.args.get("expired"):  # a page open when the session ended
                return _login_page(
                    "Sesi Anda telah berakhir; masuk lagi untuk melanjutkan. / "
                    "Your session has ended; log in again to continue."
                )
            return _login_page()
        form = flask.request.form
        name = (form.get("username") or "").strip()[:100]
        if not csrf_ok(form.get("csrf_token")):
            _audit(server, name or "-", "login_failed", "refused", reason="csrf")
            return _login_page("Formulir kedaluwarsa, coba lagi.", name, 400)
        state = _state(server)
        ip = flask.request.remote_addr or "-"
        now = time.time()
        wait = throttle_wait(state, name, ip, now)
        if wait > 0:
            seconds = math.ceil(wait)
            _audit(server, name or "-", "login_locked", "refused", wait_s=seconds)
            page = _login_page(
                f"Terlalu banyak percobaan gagal; tunggu {seconds} detik. / "
                f"Too many failed attempts; wait {seconds} seconds.",
                name,
                429,
            )
            page.headers["Retry-After"] = str(seconds)
            return page
        user = _users(server).get(name)
        if not verify_password(user, form.get("password") or "") or user is None:
            for key in throttle_keys(name, ip):
                state.fail(key, now)
            _audit(server, name or "-", "login_failed", "failed")
            return _login_page("Nama pengguna atau kata sandi salah.", name, 401)
        state.clear(*throttle_keys(name, ip))
        flask.session.clear()  # a new session id on log-in (no session fixation)
        flask.session[SID_KEY] = state.open_session(user, now, _limits(settings))
        flask_login.login_user(LoginUser(user))
        _audit(server, user.name, "login", "ok", role=str(user.role))
        return flask.redirect(_safe_next(form.get("next")))

    @server.route(LOGOUT_PATH, methods=["GET", "POST"])
    def logout() -> WerkzeugResponse:
        who = flask_login.current_user
        if flask.request.method == "GET":
            html = LOGOUT_HTML.format(
                action=escape(dash.get_relative_path(LOGOUT_PATH)),
                csrf=escape(_csrf_token()),
                user=escape(getattr(who, "id", "")),
            )
            return flask.Response(html, mimetype="text/html")
        if not csrf_ok(flask.request.form.get("csrf_token")):
            flask.abort(400)
        _audit(server, getattr(who, "id", "-"), "logout", "ok")
        sid = flask.session.get(SID_KEY)
        if sid:
            _state(server).end_session(str(sid))  # a saved copy of the cookie is dead too
        flask_login.logout_user()
        flask.session.clear()
        return flask.redirect(dash.get_relative_path(LOGIN_PATH))


def _require_login() -> WerkzeugResponse | None:
    path = flask.request.path
    if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
        return None
    if flask_login.current_user.is_authenticated:
        return None
    if path.startswith(("/_dash-", "/geo/")) or flask.request.method != "GET":
        return flask.Response("login required", status=401, mimetype="text/plain")
    login = dash.get_relative_path(LOGIN_PATH)
    # the path as asked, encoded: a decoded CR/LF must never reach the Location header
    return flask.redirect(f"{login}?{urlencode({'next': flask.request.full_path.rstrip('?')})}")


def _unknown_static(exc: Exception) -> flask.Response:
    """An unknown ``/_dash-component-suites/`` path: 404 and one log line (no traceback,
    nothing of Dash's list of registered scripts)."""
    logging.getLogger(__name__).warning(
        "404 unknown Dash asset %s (%s)", flask.request.path[:200], type(exc).__name__
    )
    return flask.Response("not found", status=404, mimetype="text/plain")


def _security_headers(app: dash.Dash, https: bool):
    def add(response: flask.Response) -> flask.Response:
        h = response.headers
        # Scripts from 'self' plus Dash's own inline scripts by hash (the renderer start-up
        # and clientside callbacks: app.csp_hashes()); plotly needs 'unsafe-eval', Dash
        # inline styles. MapLibre needs blob: workers. Basemap tiles are opt-in (https:).
        hashes = " ".join(app.csp_hashes())
        h.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; script-src 'self' 'unsafe-eval' {hashes}; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; "
            "worker-src 'self' blob:; connect-src 'self' https:; font-src 'self' data:; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        )
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        if https:
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if flask.request.path.startswith(("/_dash-update", "/_dash-layout", "/geo/")):
            h.setdefault("Cache-Control", "private, no-store")
        return response

    return add


#: A session secret: at least this long, with this much Shannon entropy per character and
#: this many distinct characters (secrets.token_urlsafe(48) gives 64 characters, ~5.5 bits).
MIN_SECRET_CHARS: Final = 32
MIN_SECRET_BITS_PER_CHAR: Final = 3.0
MIN_SECRET_DISTINCT: Final = 12
_NEW_SECRET: Final = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


def secret_weakness(secret: str | None) -> str | None:
    """Why ``secret`` is not good enough for signing sessions (``None``: it is)."""
    if not secret:
        return "is not set"
    if len(secret) < MIN_SECRET_CHARS:
        return f"has {len(secret)} characters (at least {MIN_SECRET_CHARS} needed)"
    counts = Counter(secret)
    bits = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values())
    if len(counts) < MIN_SECRET_DISTINCT or bits < MIN_SECRET_BITS_PER_CHAR:
        return (
            f"looks guessable ({len(counts)} distinct characters, {bits:.1f} bits per "
            f"character; at least {MIN_SECRET_DISTINCT} and {MIN_SECRET_BITS_PER_CHAR:.0f})"
        )
    return None


def check_production(settings: Settings, users: dict[str, User]) -> None:
    """Refuse to start in production with a weak secret key, without a usable HMAC key,
    users or store, or with debug; each message is one line saying what to set. The
    cache folder is checked in every mode (another user's folder is never trusted)."""
    check_cache_dir(settings)
    if settings.demo:
        return
    weakness = secret_weakness(settings.secret_key)
    if weakness:
        raise SettingsError(
            f"production mode needs a random CAKUPAN_SECRET_KEY: it {weakness}; "
            f"make one with {_NEW_SECRET}"
        )
    if not settings.hmac_key:
        raise SettingsError(
            "production mode needs the pseudonymisation key: set CAKUPAN_HMAC_KEY_FILE "
            "(or CAKUPAN_HMAC_KEY) to the key the store was built with"
        )
    if settings.hmac_key == DEMO_HMAC_KEY:
        raise SettingsError(
            "the demo HMAC key cannot be used in production: set CAKUPAN_HMAC_KEY_FILE to "
            "your own long random key"
        )
    if settings.debug:
        raise SettingsError("debug mode is not allowed in production (unset CAKUPAN_DEBUG)")
    if not users:
        raise SettingsError(
            f"production mode needs users: none in {settings.users_path} "
            "(add one with `cakupan users add NAME --role admin`)"
        )
    store = Store(settings.store_dir)
    if not store.exists():
        raise SettingsError(
            f"production mode needs a built store: none in {settings.store_dir} (set "
            "CAKUPAN_STORE to it, or build it with `cakupan build ... --out "
            f"{settings.store_dir}`)"
        )
    unreadable = [
        p for p in (settings.store_dir, *settings.store_dir.iterdir()) if not _readable(p)
    ]
    if unreadable:
        raise SettingsError(
            f"the store in {settings.store_dir} is not readable by this user ({unreadable[0]}): "
            "fix its owner or mode, or set CAKUPAN_STORE"
        )


def _readable(path: Path) -> bool:
    import os

    mode = os.R_OK | (os.X_OK if path.is_dir() else 0)
    return os.access(path, mode)


DEMO_SECRET_FILE: Final = "demo-secret.key"


def demo_secret(state_dir: Path) -> str:
    """The demo mode's session key: made once (random, owner-only file) in ``state_dir``
    and read by every worker after; several workers starting at once agree on the first
    one written (``O_EXCL``). Production never uses it (``CAKUPAN_SECRET_KEY`` is required)."""
    import os

    path = state_dir / DEMO_SECRET_FILE
    state_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another worker is writing it: wait for the whole key
            key = path.read_text(encoding="ascii").strip()
            if len(key) >= MIN_SECRET_CHARS:
                return key
            time.sleep(0.02)
        raise RuntimeError(f"unreadable demo session key {path}") from None
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def setup_auth(app: dash.Dash, settings: Settings) -> None:
    """Log-in, throttling, security headers and session settings on ``app``'s server."""
    server = app.server
    users = load_users(settings.users_path)
    check_production(settings, users)
    if settings.demo and not users:
        try:
            server.config[USERS_KEY] = demo_users(settings.store_dir)
        except (StoreError, StoreDamaged):  # the pages show the store notice
            server.config[USERS_KEY] = demo_users(Path("/nonexistent"))
    # production: the given key; demo: one random key kept in the state folder, so the
    # workers of `make run` (gunicorn) share it and a session is valid in every worker
    server.secret_key = settings.secret_key or demo_secret(settings.state_dir)
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.https,
        SESSION_COOKIE_NAME="cakupan_session",
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=settings.session_max_s),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=settings.https,
    )
    server.extensions[STATE_KEY] = AuthState(settings.state_dir)
    manager = flask_login.LoginManager()
    manager.session_protection = "strong"
    manager.init_app(server)

    @manager.user_loader
    def load(name: str) -> LoginUser | None:
        # every request: the user still exists, and this browser's session is still open
        # for them as they are now (not logged out, password/role/territory unchanged, not
        # timed out), in the state shared by all workers
        user = _users(server).get(name)
        sid = flask.session.get(SID_KEY)
        if user is None or not sid:
            return None
        if not _state(server).session_valid(str(sid), user, time.time(), _limits(settings)):
            return None
        return LoginUser(user)

    _register_routes(server)
    server.register_error_handler(DependencyException, _unknown_static)
    # first, before Dash's own hooks (which may build the layout, i.e. read data)
    server.before_request_funcs.setdefault(None, []).insert(0, _require_login)
    server.after_request(_security_headers(app, settings.https))
