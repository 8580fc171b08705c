"""Adversarial: password guessing is slowed per account, never a whole office.

Failures count per account and per account at one address, with a wait that doubles after
a few free failures; the counts are shared by every worker. Behind a trusted reverse
proxy the client address comes from X-Forwarded-For (and only then).
"""

from __future__ import annotations

import secrets
import time

import dash
import pytest
from conftest import PASSWORD, csrf, login

from analytics.audit import read_events
from analytics.settings import Settings

STRONG_SECRET = "Vq3_x9LkP2mZ7rT4wY8nB1cD5fG6hJ0sA-eUoIiKlQ"


def test_made_up_names_from_one_address_do_not_lock_out_real_users(
    app: dash.Dash, settings: Settings
) -> None:
    client = app.server.test_client()  # every request from 127.0.0.1 (the proxy, a NAT)
    for _ in range(16):
        made_up = f"nobody-{secrets.token_hex(4)}"
        assert login(client, made_up, "guess-guess-guess").status_code == 401
    assert login(app.server.test_client(), "admin").status_code == 302
    assert login(app.server.test_client(), "tamu").status_code == 302


def test_a_colleagues_typos_do_not_lock_the_office_out(app: dash.Dash) -> None:
    office = app.server.test_client()
    for _ in range(8):
        login(office, "cabang", "wrong-password!")
    assert login(app.server.test_client(), "polres").status_code == 302


def test_guessing_one_account_waits_longer_each_time(
    app: dash.Dash, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.server.test_client()
    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start)
    for _ in range(5):
        assert login(client, "cabang", "wrong-password!").status_code == 401
    locked = login(client, "cabang")  # the right password, while it must wait
    assert locked.status_code == 429
    first_wait = int(locked.headers["Retry-After"])
    assert first_wait >= 1
    monkeypatch.setattr(time, "time", lambda: start + first_wait + 1)
    assert login(client, "cabang", "wrong-password!").status_code == 401  # try 6: allowed
    again = login(client, "cabang", "wrong-password!")
    assert again.status_code == 429 and int(again.headers["Retry-After"]) > first_wait
    actions = [e.action for e in read_events(settings.audit_path)]
    assert actions.count("login_failed") == 6 and actions.count("login_locked") == 2
    later = start + 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert login(client, "cabang").status_code == 302


def test_failures_count_in_every_worker(settings: Settings) -> None:
    from app import create_app

    shared = settings.with_(secret_key=STRONG_SECRET)
    worker_a, worker_b = create_app(shared), create_app(shared)
    client_a, client_b = worker_a.server.test_client(), worker_b.server.test_client()
    for client in (client_a, client_b, client_a, client_b, client_a):
        assert login(client, "tamu", "wrong-password!").status_code == 401
    assert login(client_b, "tamu").status_code == 429  # 5 failures, in two workers


def _post_login(client, name: str, password: str, forwarded: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/masuk",
        data={"username": name, "password": password, "csrf_token": csrf(client)},
        headers={"X-Forwarded-For": forwarded},
    )


def test_behind_a_trusted_proxy_the_client_address_is_used(settings: Settings) -> None:
    from app import create_app

    app = create_app(settings.with_(trusted_proxies=1))
    attacker = app.server.test_client()
    for _ in range(6):
        _post_login(attacker, "cabang", "wrong-password!", "203.0.113.7")
    # the same account from another client of the proxy: the per-address count is not hit
    colleague = app.server.test_client()
    assert _post_login(colleague, "cabang", PASSWORD, "198.51.100.20").status_code == 302
    events = read_events(settings.audit_path)
    assert {e.ip for e in events if e.action == "login_failed"} == {"203.0.113.7"}
    assert events[-1].action == "login" and events[-1].ip == "198.51.100.20"


def test_without_a_trusted_proxy_the_header_is_ignored(app: dash.Dash, settings: Settings) -> None:
    client = app.server.test_client()
    for n in range(6):  # an attacker rotating a forged header gets no fresh address
        _post_login(client, "cabang", "wrong-password!", f"203.0.113.{n}")
    assert _post_login(client, "cabang", PASSWORD, "203.0.113.99").status_code == 429
    assert {e.ip for e in read_events(settings.audit_path)} == {"127.0.0.1"}
