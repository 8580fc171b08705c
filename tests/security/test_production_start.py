"""Adversarial: production refuses to start unsafe, with one line saying what to set.

Through the app factory for each case, and as an operator starts it (``python -c 'import
app'`` and ``gunicorn app:server`` in a subprocess): a non-zero exit, one line, no
traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.settings import DEMO_HMAC_KEY, Settings, SettingsError

ROOT = Path(__file__).resolve().parents[2]
STRONG_SECRET = "Vq3_x9LkP2mZ7rT4wY8nB1cD5fG6hJ0sA-eUoIiKlQ"
HMAC_KEY = b"a-real-pseudonymisation-key-0123456789"


@pytest.fixture
def production(settings: Settings) -> Settings:
    return settings.with_(demo=False, secret_key=STRONG_SECRET, hmac_key=HMAC_KEY)


def test_a_safe_production_start_is_accepted(production: Settings) -> None:
    from app import create_app

    assert create_app(production) is not None


@pytest.mark.parametrize(
    ("secret", "why"),
    [
        ("k" * 40, "distinct"),  # 32+ identical characters
        ("abab" * 10, "distinct"),
        ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabcdefghijklmnopq", "bits per character"),
        ("Vq3_x9LkP2mZ7rT4wY8n", "20 characters"),  # random but short
        (None, "not set"),
    ],
)
def test_weak_secret_is_refused(production: Settings, secret: str | None, why: str) -> None:
    from app import create_app

    with pytest.raises(SettingsError, match="CAKUPAN_SECRET_KEY") as refused:
        create_app(production.with_(secret_key=secret))
    assert why in str(refused.value) and "\n" not in str(refused.value)


@pytest.mark.parametrize(
    ("changes", "names"),
    [
        ({"hmac_key": None}, "CAKUPAN_HMAC_KEY_FILE"),
        ({"hmac_key": DEMO_HMAC_KEY}, "demo HMAC key"),
        ({"store_dir": Path("/nonexistent/processed")}, "CAKUPAN_STORE"),
    ],
)
def test_unsafe_keys_and_missing_store_are_refused(
    production: Settings, changes: dict[str, object], names: str
) -> None:
    from app import create_app

    with pytest.raises(SettingsError, match=names) as refused:
        create_app(production.with_(**changes))
    assert "\n" not in str(refused.value)


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAKUPAN_")}
    env.update(
        PYTHONPATH=str(ROOT),
        CAKUPAN_MODE="production",
        CAKUPAN_SECRET_KEY=STRONG_SECRET,
        CAKUPAN_HMAC_KEY=HMAC_KEY.decode(),
        CAKUPAN_USERS=str(settings.users_path),
        CAKUPAN_STORE=str(settings.store_dir),
        CAKUPAN_AUDIT_LOG=str(settings.audit_path),
        CAKUPAN_STATE_DIR=str(settings.state_dir),
    )
    env.update(extra)
    return env


def test_import_refuses_in_one_line_without_traceback(settings: Settings) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import app"],
        cwd=ROOT,
        env=_env(settings, CAKUPAN_SECRET_KEY="x" * 32),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("cakupan: cannot start:") and "CAKUPAN_SECRET_KEY" in lines[0]


def test_gunicorn_stops_with_the_reason_and_no_traceback(
    settings: Settings, tmp_path: Path
) -> None:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    done = subprocess.run(
        [str(gunicorn), "--workers", "2", "--bind", "127.0.0.1:0", "app:server"],
        cwd=ROOT,
        env=_env(settings, CAKUPAN_STORE=str(tmp_path / "no-store")),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    ours = [line for line in done.stderr.splitlines() if line.startswith("cakupan:")]
    assert ours and all("CAKUPAN_STORE" in line for line in ours), done.stderr
