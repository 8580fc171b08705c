"""Pure parts: territory codes, the territory view of the store, users file, audit log."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from analytics.access import (
    AccessDenied,
    AccessError,
    Role,
    Territory,
    User,
    filter_frame,
    is_allowed,
    territory_codes,
)
from analytics.audit import read_events, record
from analytics.io.user_store import (
    UserStoreError,
    add_user,
    load_users,
    remove_user,
    verify_password,
)
from analytics.store.reader import Store
from analytics.store.territory import TerritoryStore, rows_in_territory

AREAS = pd.DataFrame(
    {
        "level": ["provinsi", "kabupaten", "kabupaten", "kecamatan", "kecamatan", "desa"],
        "area_code": ["99", "99.01", "99.02", "99.01.01", "99.02.01", "99.01.01.2001"],
        "area_name": ["P", "K1", "K2", "C1", "C2", "D1"],
    }
)
BRANCH = User("cabang", Role.BRANCH, Territory(frozenset({"99.01"})))
VIEWER = User("tamu", Role.VIEWER, Territory(frozenset({"99.01.01"})))
POLICE = User("polres", Role.POLICE, Territory(frozenset({"99.02"}), polres="Polres Dua"))
ADMIN = User("admin", Role.ADMIN)


def test_territory_codes_are_the_areas_and_everything_below_never_above() -> None:
    assert territory_codes(BRANCH, AREAS) == {"99.01", "99.01.01", "99.01.01.2001"}
    assert territory_codes(VIEWER, AREAS) == {"99.01.01", "99.01.01.2001"}
    assert territory_codes(ADMIN, AREAS) == set(AREAS["area_code"])
    assert is_allowed(BRANCH, "99.01.01") and not is_allowed(BRANCH, "99")
    assert not is_allowed(BRANCH, "99.011")  # a prefix that is not a parent
    assert is_allowed(ADMIN, "35.01")


def test_filter_frame_keeps_allowed_rows_without_touching_the_input() -> None:
    before = AREAS.copy()
    out = filter_frame(AREAS, "area_code", frozenset({"99.02", "99.02.01"}))
    assert out["area_name"].tolist() == ["K2", "C2"]
    pd.testing.assert_frame_equal(AREAS, before)


@pytest.mark.parametrize(
    ("role", "territory", "message"),
    [
        (Role.BRANCH, Territory(), "at least one area"),
        (Role.VIEWER, Territory(frozenset({"99.01", "99.02"})), "exactly one"),
        (Role.POLICE, Territory(frozenset({"99.01"})), "polres"),
        (Role.BRANCH, Territory(frozenset({"9901"})), "dotted area codes"),
    ],
)
def test_unusable_users_are_refused(role: Role, territory: Territory, message: str) -> None:
    with pytest.raises(AccessError, match=message):
        User("x", role, territory)


def test_territory_store_limits_every_frame(tiny_store: Path) -> None:
    view = TerritoryStore(Store(tiny_store), BRANCH)
    assert set(view.areas()["area_code"]) == {
        "99.01",
        "99.01.01",
        "99.01.02",
        "99.01.01.2001",
        "99.01.01.2002",
        "99.01.02.2001",
        "99.01.02.2002",
    }
    assert view.coverage()["area_code"].str.startswith("99.01").all()
    assert view.meta()["root_codes"] == ["99.01"] and view.meta()["root_level"] == "kabupaten"
    assert set(view.reconciliation()["by_kabupaten"]) <= {"99.01"}
    police = TerritoryStore(Store(tiny_store), POLICE)
    with pytest.raises(AccessDenied):
        police.unmatched()  # police: aggregates only, never row lists
    with pytest.raises(AccessDenied):
        police.geojson_path("desa", "99.01")
    admin = TerritoryStore(Store(tiny_store), ADMIN)
    assert len(admin.coverage()) == len(Store(tiny_store).coverage())


def test_unmatched_rows_are_placed_by_code_or_kabupaten_name() -> None:
    rows = pd.DataFrame(
        {
            "village_code_raw": ["9901019999", "99.02.01.1001", "", "junk"],
            "kabupaten": ["", "", "K1", ""],
        }
    )
    allowed = territory_codes(BRANCH, AREAS)
    out = rows_in_territory(rows, allowed, AREAS)
    assert out["village_code_raw"].tolist() == ["9901019999", ""]


def test_users_file_round_trip_hashes_and_mode(tmp_path: Path) -> None:
    path = tmp_path / "users" / "users.json"
    add_user(path, "ana", Role.BRANCH, "a-long-password", areas=frozenset({"99.01"}))
    assert "a-long-password" not in path.read_text()
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    users = load_users(path)
    assert users["ana"].territory.areas == {"99.01"}
    assert verify_password(users["ana"], "a-long-password")
    assert not verify_password(users["ana"], "wrong-password")
    assert not verify_password(None, "a-long-password")
    with pytest.raises(UserStoreError, match="exists"):
        add_user(path, "ana", Role.ADMIN, "another-long-one")
    with pytest.raises(UserStoreError, match="10 characters"):
        add_user(path, "bob", Role.ADMIN, "short")
    remove_user(path, "ana")
    assert load_users(path) == {}


def test_audit_log_appends_and_clips(tmp_path: Path) -> None:
    path = tmp_path / "a" / "audit.jsonl"
    record(path, user="ana", action="login", outcome="ok")
    record(path, user="ana", action="export", outcome="ok", detail={"file": "x" * 1000})
    events = read_events(path)
    assert [e.action for e in events] == ["login", "export"]
    assert len(events[1].detail["file"]) == 300
    assert all(json.loads(line) for line in path.read_text().splitlines())


def test_users_cli_add_list_remove(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cli.main import app

    monkeypatch.setenv("CAKUPAN_USERS", str(tmp_path / "u.json"))
    runner = CliRunner()
    added = runner.invoke(
        app,
        ["users", "add", "ana", "--role", "viewer", "--area", "99.01", "--password-stdin"],
        input="a-long-password\n",
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["users", "list"])
    assert "ana\tviewer\t99.01" in listed.output and "argon2" not in listed.output
    bad = runner.invoke(app, ["users", "add", "x", "--role", "king", "--password-stdin"])
    assert bad.exit_code == 2
    assert runner.invoke(app, ["users", "remove", "ana"]).exit_code == 0
    assert runner.invoke(app, ["users", "remove", "ana"]).exit_code == 2
