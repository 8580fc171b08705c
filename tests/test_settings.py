"""Settings come from the environment in one place, with clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.settings import DEMO_HMAC_KEY, Settings, SettingsError


def test_defaults_are_demo_mode_with_demo_key() -> None:
    settings = Settings.from_env({})
    assert settings.demo is True
    assert settings.require_hmac_key() == DEMO_HMAC_KEY
    assert settings.port == 8050


def test_production_without_key_refuses_with_a_readable_message() -> None:
    settings = Settings.from_env({"CAKUPAN_MODE": "production"})
    with pytest.raises(SettingsError, match="CAKUPAN_HMAC_KEY"):
        settings.require_hmac_key()


def test_production_refuses_the_demo_key() -> None:
    settings = Settings.from_env(
        {"CAKUPAN_MODE": "production", "CAKUPAN_HMAC_KEY": DEMO_HMAC_KEY.decode()}
    )
    with pytest.raises(SettingsError, match="demo HMAC key"):
        settings.require_hmac_key()


def test_key_file_is_read_and_stripped(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_bytes(b"s3cret-value\n")
    settings = Settings.from_env(
        {"CAKUPAN_MODE": "production", "CAKUPAN_HMAC_KEY_FILE": str(key_file)}
    )
    assert settings.require_hmac_key() == b"s3cret-value"


def test_missing_key_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="does not exist"):
        Settings.from_env({"CAKUPAN_HMAC_KEY_FILE": str(tmp_path / "nope")})


def test_store_and_flags_from_env(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"CAKUPAN_STORE": str(tmp_path), "CAKUPAN_BASEMAP": "yes", "CAKUPAN_TARGET_PCT": "52.15"}
    )
    assert settings.store_dir == tmp_path
    assert settings.basemap_tiles is True
    assert settings.target_pct == pytest.approx(52.15)
    assert settings.with_(port=9000).port == 9000


def test_session_proxy_and_job_settings_from_env(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "CAKUPAN_STATE_DIR": str(tmp_path),
            "CAKUPAN_SESSION_IDLE_MINUTES": "15",
            "CAKUPAN_SESSION_MAX_HOURS": "2",
            "CAKUPAN_TRUSTED_PROXIES": "1",
            "CAKUPAN_MAX_JOBS_PER_USER": "3",
        }
    )
    assert settings.state_dir == tmp_path
    assert (settings.session_idle_s, settings.session_max_s) == (900.0, 7200.0)
    assert settings.trusted_proxies == 1 and settings.max_jobs_per_user == 3
    defaults = Settings.from_env({})
    assert (defaults.trusted_proxies, defaults.max_jobs_per_user) == (0, 2)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CAKUPAN_TRUSTED_PROXIES", "-1"),
        ("CAKUPAN_TRUSTED_PROXIES", "one"),
        ("CAKUPAN_SESSION_IDLE_MINUTES", "0"),
        ("CAKUPAN_MAX_JOBS_PER_USER", "2.5"),
    ],
)
def test_bad_numbers_are_named(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})
