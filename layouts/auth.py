"""Log-in for everything the server answers, security headers and session settings.

:func:`setup_auth` is called by ``create_app``. A ``before_request`` hook lets through only
the log-in page, the health check and Dash's static assets; every other route (pages,
Dash callbacks ``/_dash-*``, boundaries ``/geo/``, downloads) needs a logged-in user:
pages redirect to ``/masuk``, callbacks and data get 401. The log-in form is a plain
Flask form with a CSRF token; nothing the user typed is rendered as HTML (it is escaped).
Failed log-ins are throttled per user name and per address and written to the audit log.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

import dash
import flask
import flask_login
from markupsafe import escape

from analytics import audit
from analytics.access import Role, Territory, User
from analytics.io.user_store import hash_password, load_users, verify_password
from analytics.settings import Settings, SettingsError
from analytics.store import Store, StoreError

LOGIN_PATH: Final = "/masuk"
LOGOUT_PATH: Final = "/keluar"
HEALTH_PATH: Final = "/_health"
#: Failures per (user name, address) within the window before the lock.
MAX_FAILURES: Final = 5
LOCK_SECONDS: Final = 60
#: Dash's own static files (JS bundles, favicon) hold no data; the log-in page needs none,
#: but Dash's renderer loads them before any callback, and they are public code.
PUBLIC_PREFIXES: Final = ("/_dash-component-suites/", "/assets/", "/_favicon.ico")
PUBLIC_PATHS: Final = frozenset({LOGIN_PATH, HEALTH_PATH})
#: Demo users (demo mode only, never written to disk): name -> (role, password).
DEMO_PASSWORDS: Final = {
    "admin": "cakupan-admin",
    "cabang": "cakupan-cabang",
    "polres": "cakupan-polres",
    "tamu": "cakupan-tamu",
}
USERS_KEY: Final = "CAKUPAN_USERS"
THROTTLE_KEY: Final = "CAKUPAN_THROTTLE"


class LoginUser(flask_login.UserMixin):  # type: ignore[misc]
    """What Flask-Login keeps for a request: the :class:`User`, id = its name."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.id = user.name


@dataclass
class Throttle:
    """Recent failures per key; a key with MAX_FAILURES in LOCK_SECONDS is locked.

    Per process (each gunicorn worker counts on its own: with N workers an attacker gets at
    most N x MAX_FAILURES tries a minute; see docs/security.md)."""

    failures: dict[str, deque[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def locked(self, key: str, now: float) -> bool:
        with self.lock:
            recent = self.failures.get(key, deque())
            while recent and now - recent[0] > LOCK_SECONDS:
                recent.popleft()
            return len(recent) >= MAX_FAILURES

    def fail(self, key: str, now: float) -> None:
        with self.lock:
            self.failures.setdefault(key, deque(maxlen=MAX_FAILURES)).append(now)

    def clear(self, key: str) -> None:
        with self.lock:
            self.failures.pop(key, None)


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
    officers = store_dir / "officers.parquet"
    if officers.is_file():
        import pandas as pd

        off = pd.read_parquet(officers, columns=["polres", "village_code"])
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
        name: User(name, role, territory, hash_password(DEMO_PASSWORDS[name]))
        for name, (role, territory) in specs.items()
    }


def _users(server: flask.Flask) -> dict[str, User]:
    settings: Settings = server.config["CAKUPAN_SETTINGS"]
    fixed = server.config.get(USERS_KEY)
    if fixed is not None:  # demo users, made at start-up
        return dict(fixed)
    return _load_cached(settings.users_path, _mtime(settings.users_path))


def _mtime(path: Path) -> int:
    return path.stat().st_mtime_ns if path.is_file() else 0


@lru_cache(maxsize=4)
def _load_cached(path: Path, _mtime: int) -> dict[str, User]:
    # keyed by modification time: `cakupan users remove` takes effect at once
    return load_users(path)


def _safe_next(target: str | None) -> str:
    """Only a local path (never another host) after logging in."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _csrf_token() -> str:
    token = flask.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        flask.session["csrf"] = token
    return str(token)


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


def _register_routes(server: flask.Flask, throttle: Throttle) -> None:
    @server.route(HEALTH_PATH)
    def health() -> flask.Response:
        return flask.Response("ok", mimetype="text/plain")

    @server.route(LOGIN_PATH, methods=["GET", "POST"])
    def login() -> flask.Response:
        if flask.request.method == "GET":
            return _login_page()
        form = flask.request.form
        name = (form.get("username") or "").strip()[:100]
        if not csrf_ok(form.get("csrf_token")):
            _audit(server, name or "-", "login_failed", "refused", reason="csrf")
            return _login_page("Formulir kedaluwarsa, coba lagi.", name, 400)
        ip = flask.request.remote_addr or "-"
        keys = (f"user:{name.casefold()}", f"ip:{ip}")
        now = time.monotonic()
        if any(throttle.locked(k, now) for k in keys):
            _audit(server, name or "-", "login_locked", "refused")
            return _login_page(
                f"Terlalu banyak percobaan gagal; tunggu {LOCK_SECONDS} detik.", name, 429
            )
        user = _users(server).get(name)
        if not verify_password(user, form.get("password") or "") or user is None:
            for k in keys:
                throttle.fail(k, now)
            _audit(server, name or "-", "login_failed", "failed")
            return _login_page("Nama pengguna atau kata sandi salah.", name, 401)
        throttle.clear(keys[0])
        flask.session.clear()  # a new session id on log-in (no session fixation)
        flask_login.login_user(LoginUser(user))
        _audit(server, user.name, "login", "ok", role=str(user.role))
        return flask.redirect(_safe_next(form.get("next")))

    @server.route(LOGOUT_PATH, methods=["GET", "POST"])
    def logout() -> flask.Response:
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
        flask_login.logout_user()
        flask.session.clear()
        return flask.redirect(dash.get_relative_path(LOGIN_PATH))


def _require_login() -> flask.Response | None:
    path = flask.request.path
    if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
        return None
    if flask_login.current_user.is_authenticated:
        return None
    if path.startswith(("/_dash-", "/geo/")) or flask.request.method != "GET":
        return flask.Response("login required", status=401, mimetype="text/plain")
    login = dash.get_relative_path(LOGIN_PATH)
    return flask.redirect(f"{login}?next={flask.request.full_path.rstrip('?')}")


def _security_headers(app: dash.Dash, https: bool):  # type: ignore[no-untyped-def]
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


def check_production(settings: Settings, users: dict[str, User]) -> None:
    """Refuse to start in production without a secret key or users, or with debug."""
    if settings.demo:
        return
    if not settings.secret_key or len(settings.secret_key) < 32:
        raise SettingsError(
            "production mode needs CAKUPAN_SECRET_KEY (at least 32 random characters)"
        )
    if settings.debug:
        raise SettingsError("debug mode is not allowed in production (unset CAKUPAN_DEBUG)")
    if not users:
        raise SettingsError(
            f"production mode needs users: none in {settings.users_path} "
            "(add one with `cakupan users add NAME --role admin`)"
        )


def setup_auth(app: dash.Dash, settings: Settings) -> None:
    """Log-in, throttling, security headers and session settings on ``app``'s server."""
    server = app.server
    users = load_users(settings.users_path)
    check_production(settings, users)
    if settings.demo and not users:
        try:
            server.config[USERS_KEY] = demo_users(settings.store_dir)
        except StoreError:
            server.config[USERS_KEY] = demo_users(Path("/nonexistent"))
    # demo: a fresh key per process (sessions end on restart); production: the given key
    server.secret_key = settings.secret_key or secrets.token_hex(32)
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.https,
        SESSION_COOKIE_NAME="cakupan_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=settings.https,
        MAX_CONTENT_LENGTH=settings.max_upload_mb * 1024 * 1024,
    )
    manager = flask_login.LoginManager()
    manager.session_protection = "strong"
    manager.init_app(server)

    @manager.user_loader
    def load(name: str) -> LoginUser | None:
        user = _users(server).get(name)
        return LoginUser(user) if user else None

    throttle = Throttle()
    server.extensions[THROTTLE_KEY] = throttle
    _register_routes(server, throttle)
    # first, before Dash's own hooks (which may build the layout, i.e. read data)
    server.before_request_funcs.setdefault(None, []).insert(0, _require_login)
    server.after_request(_security_headers(app, settings.https))
