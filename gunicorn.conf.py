"""gunicorn's settings for Cakupan, read by ``gunicorn app:server`` run from this folder
(``make run``; see docs/deploy.md). Command-line options still override them.

``on_starting`` runs the production start checks (secret key, HMAC key, users, store: the
same ones every worker runs in ``app.create_app``) once in the master, before any worker is
forked. A refused start is then one line and exit code 4, whatever the number of workers;
without it every worker fails at once and gunicorn's master can print its own traceback
while it reaps the second one.
"""

from __future__ import annotations

import sys
from typing import Any

#: gunicorn's exit code for "App failed to load" (as app.APP_LOAD_ERROR).
APP_LOAD_ERROR = 4


def on_starting(server: Any) -> None:
    from analytics.io.user_store import UserStoreError
    from analytics.settings import Settings, SettingsError
    from layouts.core.auth import check_production, load_users

    try:
        settings = Settings.from_env()
        check_production(settings, load_users(settings.users_path))
    except (SettingsError, UserStoreError) as exc:
        print(f"cakupan: cannot start: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(APP_LOAD_ERROR) from None
