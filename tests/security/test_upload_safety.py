"""The intake page as an admin (or an attacker with an admin's session) uses it, through
real requests to the Dash callbacks: upload parity with ``cakupan build`` (a cp1252 ``;``
CSV), dry runs of any subset against the live store, commits that would lose data waiting
for a confirmation, kept store versions and rollback (page and CLI), retention of raw
registries, the size limit as the user sees it, damaged zips and stale staging folders.

The live store is the hand-made one of tests/store_factory.py: 6 villages (99.01.01.2001,
99.01.01.2002, 99.01.02.2001, 99.01.02.2002, 99.02.01.1001, 99.02.01.1002), reconciliation
rows in 30 = matched 23 + unmatched 3 + rejected 3 + duplicates 1; 5 villages have a
workforce figure for 2023 and 2024 (10 village-years).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dash
import pytest
from dash_helpers import page
from flask.testing import FlaskClient
from typer.testing import CliRunner
from upload_client import commit, dry_run, post_upload, rollback, text_of

from analytics.io import store_writer
from analytics.settings import Settings
from analytics.store import Store
from layouts import ids

VILLAGES = (
    "99.01.01.2001",
    "99.01.01.2002",
    "99.01.02.2001",
    "99.01.02.2002",
    "99.02.01.1001",
    "99.02.01.1002",
)
HEADER = "NO_KPJ;NIK;NAMA;KODE_DESA;DESA;KECAMATAN;KABUPATEN;SEGMEN;TGL_KEPESERTAAN\n"
#: cp1252 with ";" as written by Excel on an Indonesian Windows: é is one byte (0xE9), not
#: UTF-8. 3 rows: 2 placed by code, 1 by names (Desa Dua, Kecamatan Satu, Kabupaten Satu).
CP1252_REGISTRY = (
    HEADER
    + "K1;;José;99.01.01.2001;;;;BPU;2024-01-10\n"
    + "K2;;Renée;;Desa Dua;Kecamatan Satu;Kabupaten Satu;BPU;2024-02-01\n"
    + "K3;;André;99.02.01.1001;;;;PU;2024-01-05\n"
).encode("cp1252")


def full_registry() -> bytes:
    """24 people, 4 per village, all placed by code: no loss against the live store's 23."""
    rows = [
        f"K{n:03d};;Orang {n};{code};;;;BPU;2024-01-{1 + n % 28:02d}\n"
        for n, code in enumerate(code for code in VILLAGES for _ in range(4))
    ]
    return (HEADER + "".join(rows)).encode("utf-8")


@pytest.fixture
def settings(tiny_store: Path, users_file: Path, tmp_path: Path) -> Settings:
    store = tmp_path / "served" / "store"
    shutil.copytree(tiny_store, store)  # commits replace it: never the shared one
    return Settings().with_(
        store_dir=store,
        users_path=users_file,
        audit_path=tmp_path / "audit" / "audit.jsonl",
        uploads_dir=tmp_path / "uploads",
        max_upload_mb=1,
    )


@pytest.fixture
def admin(client_for: Callable[[str], FlaskClient]) -> FlaskClient:
    return client_for("admin")


def _audit(settings: Settings) -> list[dict[str, Any]]:
    path = settings.audit_path
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _message(response: Any) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response.get_json()
    return text_of(body.get("response", {}).get(ids.UP_MESSAGE, {}).get("children"))


def _files(settings: Settings, kind: str) -> list[Path]:
    folder = settings.uploads_dir / kind
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _store_state(store: Path) -> tuple[dict[str, Any], list[str]]:
    return Store(store).reconciliation(), sorted(p.name for p in store.iterdir())


# --- upload parity ---------------------------------------------------------------------


def test_a_cp1252_semicolon_registry_is_accepted_and_dry_runs_alone(
    app: dash.Dash, admin: FlaskClient, settings: Settings
) -> None:
    before = _store_state(settings.store_dir)
    message = _message(post_upload(admin, app, "registry", "manual.csv", CP1252_REGISTRY))
    assert "manual.csv: disimpan" in message, message
    status, text = dry_run(admin, app)
    assert status == 200
    # only a registry selected: boundaries and workforce come from the live store
    assert "Village boundaries: from the current data" in text, text
    assert "Workforce (denominator): from the current data" in text
    # per file and total: rows in 3, by code 2, by name 1, unmatched 0, rejected 0, dup 0
    assert "manual.csv 3 2 1 0 0 0" in text and "Total 3 2 1 0 0 0" in text, text
    assert "Workforce: 10 rows, 10 accepted, 0 rejected" in text
    # the difference against the live store, figure by figure
    for row in ("Rows in 30 3 -27", "Matched 23 3 -20", "Villages 6 6 0"):
        assert row in text, text
    assert "Matched rows fall by more than 5 %" in text
    assert _store_state(settings.store_dir) == before  # a dry run writes nothing
    runs = [e for e in _audit(settings) if e["action"] == "intake_dry_run"]
    assert runs[-1]["outcome"] == "ok" and runs[-1]["detail"]["rows_in"] == 3


def test_boundaries_alone_and_workforce_alone_dry_run_with_the_last_commit(
    app: dash.Dash, admin: FlaskClient, settings: Settings
) -> None:
    _message(post_upload(admin, app, "registry", "semua.csv", full_registry()))
    text, pct = commit(admin, app)
    assert pct == "100" and "Data rebuilt: 24 rows, 24 matched" in text, text
    # the committed registry was deleted (retention): a workforce alone cannot be counted
    assert _files(settings, "registry") == []
    workforce = b"KODE_DESA,TAHUN,JUMLAH_PEKERJA,PEKERJA_INFORMAL\n99.01.01.2001,2024,10,5\n"
    assert "disimpan" in _message(post_upload(admin, app, "workforce", "tk.csv", workforce))
    status, text = dry_run(admin, app)
    assert status == 200 and "Failed" in text and "registry" in text, text


def test_with_registries_kept_a_workforce_alone_dry_runs(
    app: dash.Dash, client_for: Callable[[str], FlaskClient], settings: Settings
) -> None:
    from app import create_app

    keep = settings.with_(upload_retention="keep")
    app = create_app(keep)
    client = app.server.test_client()
    from conftest import login

    assert login(client, "admin").status_code == 302
    _message(post_upload(client, app, "registry", "semua.csv", full_registry()))
    assert "24 rows" in commit(client, app)[0]
    (registry,) = _files(settings, "registry")
    # deselect the registry: the last commit's file is used
    manifest = json.loads((settings.uploads_dir / "manifest.json").read_text())
    manifest["selected"]["registry"] = []
    (settings.uploads_dir / "manifest.json").write_text(json.dumps(manifest))
    workforce = b"KODE_DESA,TAHUN,JUMLAH_PEKERJA,PEKERJA_INFORMAL\n99.01.01.2001,2024,10,5\n"
    assert "disimpan" in _message(post_upload(client, app, "workforce", "tk.csv", workforce))
    status, text = dry_run(client, app)
    assert status == 200
    assert "Registries (several): from the last commit" in text, text
    assert "Workforce (denominator): selected" in text
    assert "Workforce: 1 rows, 1 accepted, 0 rejected" in text
    assert "Rows in 24 24 0" in text and "Villages 6 6 0" in text, text
    assert registry.is_file()


# --- commit safety, versions, rollback, retention ---------------------------------------


def test_a_header_only_registry_needs_a_confirmation_and_can_be_rolled_back(
    app: dash.Dash, admin: FlaskClient, settings: Settings
) -> None:
    before = _store_state(settings.store_dir)
    _message(post_upload(admin, app, "registry", "kosong.csv", HEADER.encode()))
    text, pct = commit(admin, app)
    assert pct == "0" and "Not committed" in text, text
    assert "The new data has no row at all" in text and "Rows in 30 0 -30" in text, text
    assert _store_state(settings.store_dir) == before  # nothing published
    assert store_writer.stored_versions(settings.store_dir) == []

    text, pct = commit(admin, app, confirm=True)  # the admin ticks the box
    assert pct == "100" and "Data rebuilt: 0 rows" in text, text
    assert Store(settings.store_dir).reconciliation()["rows_in"] == 0
    (version,) = store_writer.stored_versions(settings.store_dir)

    message, options = rollback(admin, app, version)
    assert f"rolled back to version {version}" in message, message
    assert _store_state(settings.store_dir) == before
    assert len(options) == 1 and "0 rows" in options[0]["label"]  # the empty one, kept
    actions = [(e["action"], e["outcome"]) for e in _audit(settings)]
    assert [a for a in actions if a[0] in {"intake_commit", "store_rollback"}] == [
        ("intake_commit", "started"),
        ("intake_commit", "needs_confirmation"),
        ("intake_commit", "started"),
        ("intake_commit", "ok"),
        ("store_rollback", "ok"),
    ]


def test_a_commit_without_loss_needs_no_confirmation_and_deletes_the_raw_registry(
    app: dash.Dash, admin: FlaskClient, settings: Settings
) -> None:
    data = full_registry()
    _message(post_upload(admin, app, "registry", "semua.csv", data))
    (raw,) = _files(settings, "registry")
    assert stat.S_IMODE(raw.stat().st_mode) == 0o600
    for folder in (settings.uploads_dir, settings.uploads_dir / "registry"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    text, pct = commit(admin, app)
    assert pct == "100" and "Data rebuilt: 24 rows, 24 matched, 0 unmatched" in text, text
    assert not raw.exists()  # retention: the personal data is gone ...
    (event,) = [
        e for e in _audit(settings) if e["action"] == "intake_commit" and e["outcome"] == "ok"
    ]
    sources = {s["file"]: s for s in event["detail"]["sources"]}
    # ... its hash and reconciliation stay in the audit
    assert sources["semua.csv"]["sha256"] == raw.name.split(".")[0]
    assert event["detail"]["files"]["semua.csv"] == {
        "rows_in": 24,
        "matched": 24,
        "unmatched": 0,
        "rejected": 0,
        "duplicates": 0,
    }
    assert event["detail"]["deleted"] == [raw.name]
    assert len(store_writer.stored_versions(settings.store_dir)) == 1


def test_versions_kept_are_bounded_and_the_cli_rolls_back(
    app: dash.Dash, admin: FlaskClient, settings: Settings
) -> None:
    from analytics.cli import app as cli

    first = _store_state(settings.store_dir)
    for n in range(4):  # four commits: the live store and 3 earlier versions
        data = full_registry() + f"X{n};;Tambahan;99.01.01.2001;;;;PU;2024-03-01\n".encode()
        _message(post_upload(admin, app, "registry", f"r{n}.csv", data))
        assert "100" == commit(admin, app)[1]
    versions = store_writer.stored_versions(settings.store_dir)
    assert len(versions) == settings.store_keep == 3
    env = {
        "CAKUPAN_STORE": str(settings.store_dir),
        "CAKUPAN_AUDIT_LOG": str(settings.audit_path),
        "CAKUPAN_STORE_KEEP": "3",
    }
    listed = CliRunner().invoke(cli, ["store", "versions"], env=env)
    assert listed.exit_code == 0 and listed.output.splitlines()[0].startswith(versions[0])
    assert "25 rows, 25 matched, 6 villages" in listed.output
    oldest = versions[-1]
    result = CliRunner().invoke(cli, ["store", "rollback", "--to", oldest], env=env)
    assert result.exit_code == 0, result.output
    assert Store(settings.store_dir).reconciliation()["rows_in"] == 25
    assert _store_state(settings.store_dir) != first  # the tiny store itself was pruned
    bad = CliRunner().invoke(cli, ["store", "rollback", "--to", "19990101T000000Z"], env=env)
    assert bad.exit_code == 2 and "no store version" in " ".join(bad.output.split())
    events = [e for e in _audit(settings) if e["action"] == "store_rollback"]
    assert [(e["outcome"], e["detail"].get("to")) for e in events] == [
        ("ok", oldest),
        ("failed", "19990101T000000Z"),
    ]
    assert events[0]["user"].startswith("cli:")


def test_a_non_admin_cannot_roll_back(
    app: dash.Dash, client_for: Callable[[str], FlaskClient], settings: Settings
) -> None:
    from upload_client import key_of, post

    key = key_of(app, f"{ids.UP_MESSAGE}.children", f"{ids.UP_VERSIONS}.options")
    for name in ("cabang", "tamu"):
        response = post(
            client_for(name),
            app,
            key,
            {f"{ids.UP_ROLLBACK}.n_clicks": 1},
            {f"{ids.UP_VERSIONS}.value": None, f"{ids.UP_LANG}.data": "en"},
        )
        assert response.status_code == 403


# --- size limit -----------------------------------------------------------------------


MB = 1024 * 1024


def _csv_of(size: int) -> bytes:
    head = b"KODE_DESA,JUMLAH\n"
    return head + b"99.01.01.2001,1\n" * ((size - len(head)) // 16)


def test_the_limit_is_the_file_size_the_user_sees(
    app: dash.Dash, admin: FlaskClient, settings: Settings
) -> None:
    under = _csv_of(int(0.9 * MB))  # 0.9 MB file, 1.2 MB once base64-encoded
    assert "disimpan" in _message(post_upload(admin, app, "workforce", "a.csv", under))
    over = _csv_of(int(1.2 * MB))  # the request passes, the decoded file is refused
    message = _message(post_upload(admin, app, "workforce", "b.csv", over))
    assert "Ditolak" in message and "lebih besar dari batas 1 MB" in message, message
    huge = _csv_of(3 * MB)  # the request itself is too large: a message, not an HTML 413
    response = post_upload(admin, app, "workforce", "c.csv", huge)
    assert response.status_code == 200 and response.is_json
    side = response.get_json()["sideUpdate"][ids.UP_MESSAGE]["children"]
    assert side.startswith("Ditolak: berkas lebih besar dari batas 1 MB"), side
    assert len(_files(settings, "workforce")) == 1


# --- damaged zips ---------------------------------------------------------------------


def _zip_bytes(method: int = zipfile.ZIP_DEFLATED) -> bytearray:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        archive.writestr("batas/desa.geojson", b'{"type":"FeatureCollection","features":[]}' * 20)
    return bytearray(buffer.getvalue())


def _bad_crc() -> bytes:
    data = _zip_bytes()
    central = data.find(b"PK\x01\x02")
    data[14] ^= 0xFF  # CRC-32 in the local header ...
    data[central + 16] ^= 0xFF  # ... and in the central directory
    return bytes(data)


def _under_declared(field: str, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Sizes in both headers cut to a third (the data is longer than declared)."""
    data = _zip_bytes(method)
    local, central = (22, 24) if field == "size" else (18, 20)
    directory = data.find(b"PK\x01\x02")
    for offset in (local, directory + central):
        (value,) = struct.unpack_from("<I", data, offset)
        struct.pack_into("<I", data, offset, value // 3)
    return bytes(data)


@pytest.mark.parametrize(
    "archive",
    [
        _bad_crc(),
        _under_declared("size"),
        _under_declared("compressed"),
        _under_declared("size", zipfile.ZIP_STORED),
    ],
    ids=["bad-crc", "under-declared-size", "under-declared-compressed", "stored-short"],
)
def test_a_damaged_zip_is_a_message_and_an_audit_entry(
    app: dash.Dash, admin: FlaskClient, settings: Settings, archive: bytes
) -> None:
    message = _message(post_upload(admin, app, "boundaries", "batas.zip", archive))
    assert "Ditolak: batas.zip: isi 'batas/desa.geojson' rusak" in message, message
    assert _files(settings, "boundaries") == []
    (event,) = [e for e in _audit(settings) if e["action"] == "upload"]
    assert event["outcome"] == "refused" and "damaged" in event["detail"]["reason"]


# --- stale staging ----------------------------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_staging_folders_of_killed_builds_are_cleaned_on_the_next_build(
    app: dash.Dash, admin: FlaskClient, settings: Settings
) -> None:
    parent, name = settings.store_dir.parent, settings.store_dir.name
    dead = _dead_pid()
    stale = [
        parent / f".{name}.building-{dead}",
        parent / f".{name}.candidate-{dead}-0a1b2c3d",
        parent / f".{name}.old-{dead}",
    ]
    alive = parent / f".{name}.building-{os.getppid()}"  # a build still running: kept
    other = parent / f".other.building-{dead}"  # another store's: not ours to remove
    for folder in [*stale, alive, other]:
        (folder / "geo").mkdir(parents=True)
        (folder / "coverage.parquet").write_bytes(b"half")
    _message(post_upload(admin, app, "registry", "semua.csv", full_registry()))
    assert commit(admin, app)[1] == "100"
    assert [p for p in stale if p.exists()] == []
    assert alive.is_dir() and other.is_dir()


def test_cakupan_build_cleans_stale_staging_and_keeps_the_replaced_store(
    tmp_path: Path,
) -> None:
    from test_upload_page import REGISTRY, WORKFORCE, _boundaries

    from analytics.cli import app as cli

    inputs = {"b.geojson": _boundaries(), "r.csv": REGISTRY, "w.csv": WORKFORCE}
    for name, data in inputs.items():
        (tmp_path / name).write_bytes(data)
    out = tmp_path / "data" / "processed"
    args = ["build", "--boundaries", str(tmp_path / "b.geojson"), "--registry"]
    args += [str(tmp_path / "r.csv"), "--workforce", str(tmp_path / "w.csv"), "--out", str(out)]
    env = {"CAKUPAN_MODE": "demo", "CAKUPAN_STORE_KEEP": "2"}
    assert CliRunner().invoke(cli, args, env=env).exit_code == 0
    stale = out.parent / f".processed.building-{_dead_pid()}"
    (stale / "geo").mkdir(parents=True)  # left by a build killed while writing
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    assert not stale.exists()
    assert sorted(p.name for p in out.parent.iterdir()) == [".processed.versions", "processed"]
    assert len(store_writer.stored_versions(out)) == 1


def test_loss_warnings_show_examples_in_the_page_but_never_in_the_audit(app: dash.Dash) -> None:
    from analytics.store_diff import compare
    from layouts.upload_diff import loss_lines

    figures = dict.fromkeys(("rows_in", "matched", "unmatched", "rejected", "duplicates"), 0)
    rec = {
        "files": {
            "a.csv": {
                "rows_in": 20,
                "unmatched": 1,
                "rejected": 1,
                "reasons": {"unknown_code": 1, "invalid_end_date": 1},
                "examples": {"unknown_code": ["99.09.01.2001"], "invalid_end_date": ["31/02"]},
            },
            "b.csv": {"rows_in": 20, "unmatched": 1, "rejected": 0, "reasons": {}},
        }
    }
    diff = compare(None, {**figures, "rows_in": 40, "villages": 6}, rec).as_dict()
    # a.csv loses 2 of 20 (10 % > 5 %), b.csv 1 of 20 (5 %, not more than 5 %)
    assert diff["reasons"] == ["file_loss"] and [f["file"] for f in diff["losses"]] == ["a.csv"]
    (line,) = loss_lines(diff, "en")
    assert line.startswith("Warning: a.csv loses 2 of 20 rows (10.0%)"), line
    assert "99.09.01.2001" in line and "31/02" in line
    audited = json.dumps(page("/unggah")._audited_diff(diff))
    assert "99.09.01.2001" not in audited and "31/02" not in audited
    assert json.loads(audited)["losses"] == [{"file": "a.csv", "rows_in": 20, "lost": 2}]


def test_boundaries_and_workforce_written_back_from_a_store_rebuild_it_exactly(
    tmp_path: Path,
) -> None:
    import pandas as pd
    from test_upload_page import REGISTRY, WORKFORCE, _boundaries

    from analytics.io.store_inputs import boundaries_from_store, workforce_from_store
    from analytics.pipeline import BuildInputs, build_store

    for name, data in {"b.geojson": _boundaries(), "r.csv": REGISTRY, "w.csv": WORKFORCE}.items():
        (tmp_path / name).write_bytes(data)
    first, second = tmp_path / "first", tmp_path / "second"
    registry = [tmp_path / "r.csv"]
    build_store(
        BuildInputs(tmp_path / "b.geojson", registry, tmp_path / "w.csv", first), Settings()
    )
    boundaries = boundaries_from_store(first, tmp_path / "store_b.geojson")
    workforce = workforce_from_store(first, tmp_path / "store_w.csv")
    written = pd.read_csv(workforce, dtype={"KODE_DESA": str})
    # the 2024 figures, carried over every year of the build's window as the build did
    assert set(map(tuple, written.drop(columns="TAHUN").to_numpy().tolist())) == {
        ("34.71.01.1001", 20, 5),
        ("34.71.01.1002", 10, 4),
    }
    build_store(BuildInputs(boundaries, registry, workforce, second), Settings())
    columns = ["level", "area_code", "area_name", "month", "segment", "active", "eligible"]
    before = pd.read_parquet(first / "coverage.parquet", columns=columns)
    after = pd.read_parquet(second / "coverage.parquet", columns=columns)
    pd.testing.assert_frame_equal(before, after)
    assert json.loads((second / "reconciliation.json").read_text())["matched"] == 2


def test_a_commit_dropping_the_live_outreach_data_needs_a_confirmation(
    app: dash.Dash, admin: FlaskClient, settings: Settings
) -> None:
    from store_factory import write_outreach

    write_outreach(settings.store_dir)  # the live store was built with --roster --events
    _message(post_upload(admin, app, "registry", "semua.csv", full_registry()))
    text, pct = commit(admin, app)
    assert pct == "0" and "Not committed" in text, text
    assert "The current outreach data (roster, events) is not in the new data" in text
    assert (settings.store_dir / "officers.parquet").is_file()
