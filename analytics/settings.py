"""One settings object for the CLI, the pipeline and the app, built from the environment.

Nothing reads the environment except :meth:`Settings.from_env`; everything else receives a
``Settings`` (or the few values it needs) as an argument.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Final

from analytics.store.cache import DEFAULT_CACHE_DIR, CacheDirError, CacheSizes, private_dir

#: Universal Coverage Jamsostek national target for 2025 (RPJMN/RKP figure used by BPJamsostek).
UCJ_TARGET_PCT: Final = 52.15
#: The HMAC key used for the synthetic demo only. Real data refuses to run with it.
DEMO_HMAC_KEY: Final = b"cakupan-demo-key-not-for-real-data"

PROJECT_ROOT: Final = Path(__file__).resolve().parent.parent


class SettingsError(RuntimeError):
    """A setting is missing or unusable; the message says which and how to fix it."""


def check_cache_dir(settings: Settings) -> None:
    """Make the cache folder, or refuse (:class:`SettingsError`, one line) one that another
    user owns or that cannot be made."""
    try:
        private_dir(settings.cache_dir)
    except CacheDirError as exc:
        raise SettingsError(str(exc)) from None
    except OSError as exc:
        raise SettingsError(
            f"the cache folder {settings.cache_dir} cannot be made ({exc.strerror}): set "
            "CAKUPAN_CACHE_DIR to a writable folder"
        ) from None


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Immutable: derive a changed copy with :meth:`with_`."""

    store_dir: Path = PROJECT_ROOT / "data" / "processed"
    demo_dir: Path = PROJECT_ROOT / "data" / "demo"
    shapefiles_dir: Path = PROJECT_ROOT / "shapefiles"
    demo: bool = True
    hmac_key: bytes | None = None
    target_pct: float = 100.0
    basemap_tiles: bool = False
    host: str = "127.0.0.1"
    port: int = 8050
    debug: bool = False
    #: Signs session cookies and CSRF tokens; required in production (CAKUPAN_SECRET_KEY).
    secret_key: str | None = None
    users_path: Path = PROJECT_ROOT / "data" / "users" / "users.json"
    audit_path: Path = PROJECT_ROOT / "data" / "audit" / "audit.jsonl"
    uploads_dir: Path = PROJECT_ROOT / "data" / "uploads"
    #: Largest upload accepted, in MiB of the file as the user sees it (CAKUPAN_MAX_UPLOAD_MB).
    max_upload_mb: int = 200
    #: Earlier store versions kept for rollback (CAKUPAN_STORE_KEEP).
    store_keep: int = 3
    #: Raw uploads after a commit: "delete" the committed registries (default) or "keep".
    upload_retention: str = "delete"
    #: Served over HTTPS (behind a TLS proxy): secure cookies and HSTS.
    https: bool = False
    #: Read the store's large tables in the background when the app starts (CAKUPAN_WARM).
    warm: bool = False
    #: Shared log-in state of all workers: sessions and failed log-ins (CAKUPAN_STATE_DIR).
    state_dir: Path = PROJECT_ROOT / "data" / "state"
    #: A session ends after this many minutes without a request (CAKUPAN_SESSION_IDLE_MINUTES).
    session_idle_minutes: int = 60
    #: ... and at the latest this many hours after log-in (CAKUPAN_SESSION_MAX_HOURS).
    session_max_hours: int = 8
    #: Reverse proxies in front of the app that set X-Forwarded-For/-Proto; 0 = none
    #: (CAKUPAN_TRUSTED_PROXIES). The client address is then taken from that header.
    trusted_proxies: int = 0
    #: Background jobs (reports, rebuilds) one user may have queued or running at once
    #: (CAKUPAN_MAX_JOBS_PER_USER).
    max_jobs_per_user: int = 2
    #: Entries the data manager keeps per kind of answer (CAKUPAN_CACHE_TABLES,
    #: CAKUPAN_CACHE_COVERAGE, CAKUPAN_CACHE_TERRITORIES, CAKUPAN_CACHE_VIEWS).
    cache_sizes: CacheSizes = field(default_factory=CacheSizes)
    #: What the app keeps on disk between requests and workers: the Arrow coverage file of
    #: a store built without one, territory copies of boundary files (CAKUPAN_CACHE_DIR).
    cache_dir: Path = DEFAULT_CACHE_DIR

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Read ``CAKUPAN_*`` variables (see README, "Configuration")."""
        env = dict(os.environ if environ is None else environ)
        base = cls()
        key: bytes | None = None
        if env.get("CAKUPAN_HMAC_KEY"):
            key = env["CAKUPAN_HMAC_KEY"].encode()
        elif env.get("CAKUPAN_HMAC_KEY_FILE"):
            path = Path(env["CAKUPAN_HMAC_KEY_FILE"])
            if not path.is_file():
                raise SettingsError(f"CAKUPAN_HMAC_KEY_FILE points to {path}, which does not exist")
            key = path.read_bytes().strip()
        return cls(
            store_dir=Path(env.get("CAKUPAN_STORE", base.store_dir)),
            demo_dir=Path(env.get("CAKUPAN_DEMO_DIR", base.demo_dir)),
            shapefiles_dir=Path(env.get("CAKUPAN_SHAPEFILES", base.shapefiles_dir)),
            demo=env.get("CAKUPAN_MODE", "demo").lower() != "production",
            hmac_key=key,
            target_pct=float(env.get("CAKUPAN_TARGET_PCT", base.target_pct)),
            basemap_tiles=env.get("CAKUPAN_BASEMAP", "0").lower() in {"1", "true", "yes"},
            host=env.get("CAKUPAN_HOST", base.host),
            port=int(env.get("CAKUPAN_PORT", base.port)),
            debug=env.get("CAKUPAN_DEBUG", "0").lower() in {"1", "true", "yes"},
            secret_key=env.get("CAKUPAN_SECRET_KEY") or None,
            users_path=Path(env.get("CAKUPAN_USERS", base.users_path)),
            audit_path=Path(env.get("CAKUPAN_AUDIT_LOG", base.audit_path)),
            uploads_dir=Path(env.get("CAKUPAN_UPLOADS", base.uploads_dir)),
            max_upload_mb=int(env.get("CAKUPAN_MAX_UPLOAD_MB", base.max_upload_mb)),
            store_keep=max(0, int(env.get("CAKUPAN_STORE_KEEP", base.store_keep))),
            upload_retention=_retention(env.get("CAKUPAN_UPLOAD_RETENTION", "delete")),
            https=env.get("CAKUPAN_HTTPS", "0").lower() in {"1", "true", "yes"},
            warm=env.get("CAKUPAN_WARM", "0").lower() in {"1", "true", "yes"},
            state_dir=Path(env.get("CAKUPAN_STATE_DIR", base.state_dir)),
            session_idle_minutes=_int(
                env, "CAKUPAN_SESSION_IDLE_MINUTES", base.session_idle_minutes
            ),
            session_max_hours=_int(env, "CAKUPAN_SESSION_MAX_HOURS", base.session_max_hours),
            trusted_proxies=_int(env, "CAKUPAN_TRUSTED_PROXIES", base.trusted_proxies, low=0),
            max_jobs_per_user=_int(env, "CAKUPAN_MAX_JOBS_PER_USER", base.max_jobs_per_user),
            cache_dir=Path(env.get("CAKUPAN_CACHE_DIR") or base.cache_dir),  # empty: default
            cache_sizes=CacheSizes(
                **{
                    f.name: _int(
                        env, f"CAKUPAN_CACHE_{f.name.upper()}", getattr(base.cache_sizes, f.name)
                    )
                    for f in fields(CacheSizes)
                }
            ),
        )

    @property
    def max_upload_bytes(self) -> int:
        """The upload limit in bytes (of the file, not of the base64 request body)."""
        return self.max_upload_mb * 1024 * 1024

    @property
    def session_idle_s(self) -> float:
        return self.session_idle_minutes * 60.0

    @property
    def session_max_s(self) -> float:
        return self.session_max_hours * 3600.0

    def with_(self, **changes: object) -> Settings:
        """A copy with ``changes`` applied."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def require_hmac_key(self) -> bytes:
        """The pseudonymisation key; the demo key only in demo mode, else a clear error."""
        if self.hmac_key:
            if not self.demo and self.hmac_key == DEMO_HMAC_KEY:
                raise SettingsError("the demo HMAC key cannot be used outside demo mode")
            return self.hmac_key
        if self.demo:
            return DEMO_HMAC_KEY
        raise SettingsError(
            "no pseudonymisation key: set CAKUPAN_HMAC_KEY or CAKUPAN_HMAC_KEY_FILE "
            "(a long random secret kept outside the repository), or run in demo mode"
        )


def _retention(value: str) -> str:
    value = value.strip().lower()
    if value not in {"delete", "keep"}:
        raise SettingsError(f"CAKUPAN_UPLOAD_RETENTION must be 'delete' or 'keep', not {value!r}")
    return value


def _int(env: dict[str, str], name: str, default: int, *, low: int = 1) -> int:
    """An integer setting of at least ``low``; anything else is a clear error."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number (got {raw!r})") from None
    if value < low:
        raise SettingsError(f"{name} must be at least {low} (got {value})")
    return value
