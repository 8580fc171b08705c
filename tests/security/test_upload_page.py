"""The admin data-intake page (/unggah): role checks, uploads, dry run, commit.

Tiny hand-made input set. Boundaries: Alpha 34.71.01.1001 and Bravo 34.71.01.1002
(kecamatan Satu, Kota Yogyakarta). Registry rows (the comment is the expected outcome):

row 2  K1  code 34.71.01.1001   PU   2024-01-10  matched by code
row 3  K2  names Bravo/Satu     BPU  2024-02-01  matched by name
row 4  K1  code 34.71.01.1001   PU   2024-01-10  duplicate of row 2
row 5  K3  code 34.71.09.9999   PU   2024-01-05  unmatched (unknown_code)
row 6  K4  code 34.71.01.1002   PU   (no date)   rejected (missing_registration_date)

So rows in 5 = matched 2 (1 by code, 1 by name) + unmatched 1 + rejected 1 + duplicates 1.
"""

from __future__ import annotations

import base64
import io
import json
import shutil
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import dash
import flask_login
import geopandas as gpd
import pytest
from conftest import callback_key, callback_payload
from flask.testing import FlaskClient
from shapely.geometry import box
from werkzeug.exceptions import Forbidden

from analytics.io.user_store import load_users
from analytics.settings import Settings
from analytics.store.reader import Store
from analytics.uploads.manifest import KIND_ORDER, MULTIPLE, read_manifest
from layouts.core import ids
from layouts.core.auth import LoginUser

REGISTRY = (
    b"NO_KPJ,NIK,NAMA,KODE_DESA,DESA,KECAMATAN,KABUPATEN,SEGMEN,TGL_KEPESERTAAN\n"
    b"K1,,Ani,34.71.01.1001,,,,PU,2024-01-10\n"
    b"K2,,Budi,,Bravo,Satu,Kota Yogyakarta,BPU,2024-02-01\n"
    b"K1,,Ani,34.71.01.1001,,,,PU,2024-01-10\n"
    b"K3,,Cici,34.71.09.9999,,,,PU,2024-01-05\n"
    b"K4,,Dodi,34.71.01.1002,,,,PU,\n"
)
WORKFORCE = (
    b"KODE_DESA,TAHUN,JUMLAH_PEKERJA,PEKERJA_INFORMAL\n"
    b"34.71.01.1001,2024,20,5\n34.71.01.1002,2024,10,4\n"
)


def _boundaries() -> bytes:
    frame = gpd.GeoDataFrame(
        {
            "kode": ["34.71.01.1001", "34.71.01.1002"],
            "nama": ["Alpha", "Bravo"],
            "kode_kec": ["34.71.01"] * 2,
            "nama_kec": ["Satu"] * 2,
            "kode_kab": ["34.71"] * 2,
            "nama_kab": ["Kota Yogyakarta"] * 2,
            "kode_prov": ["34"] * 2,
            "nama_prov": ["DI Yogyakarta"] * 2,
        },
        geometry=[box(110.0, -7.8, 110.01, -7.79), box(110.01, -7.8, 110.02, -7.79)],
        crs="EPSG:4326",
    )
    return frame.to_json().encode()


def _page() -> ModuleType:
    """The page module (Dash imports it when the app is created, i.e. after ``app``)."""
    entry = next(p for p in dash.page_registry.values() if p["path"] == "/unggah")
    return sys.modules[entry["module"]]


def _data_url(data: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(data).decode()


@pytest.fixture
def settings(tiny_store: Path, users_file: Path, tmp_path: Path) -> Settings:
    store = tmp_path / "store"
    shutil.copytree(tiny_store, store)  # the commit test replaces it: never the shared one
    return Settings().with_(
        store_dir=store,
        users_path=users_file,
        audit_path=tmp_path / "audit" / "audit.jsonl",
        uploads_dir=tmp_path / "uploads",
        max_upload_mb=1,
    )


@pytest.fixture
def as_user(app: dash.Dash, settings: Settings) -> Callable[[str], Any]:
    users = load_users(settings.users_path)

    @contextmanager
    def context(name: str) -> Iterator[None]:
        with app.server.test_request_context("/_dash-update-component", method="POST"):
            flask_login.login_user(LoginUser(users[name]))
            yield

    return context


def _upload(kind: str, name: str, data: bytes) -> tuple[Any, Any]:
    """Call the upload callback as the browser would for one kind."""
    kinds = list(KIND_ORDER)
    contents: list[Any] = [None] * len(kinds)
    names: list[Any] = [None] * len(kinds)
    at = kinds.index(kind)
    multiple = kind in MULTIPLE
    contents[at] = [_data_url(data)] if multiple else _data_url(data)
    names[at] = [name] if multiple else name
    input_ids = [{"type": ids.UP_INPUT, "kind": k} for k in kinds]
    return _page().handle_upload(contents, names, input_ids, "id")


def _text(component: Any) -> str:
    """All text in a Dash component tree."""
    if component is None or isinstance(component, str | int | float):
        return "" if component is None else str(component)
    if isinstance(component, list | tuple):
        return " ".join(_text(c) for c in component)
    children = getattr(component, "children", None)
    extra = " ".join(str(o.get("label", "")) for o in getattr(component, "options", []) or [])
    return f"{_text(children)} {extra}".strip()


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def _audit(settings: Settings) -> list[dict[str, Any]]:
    path = settings.audit_path
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _nav_style(client: FlaskClient) -> Any:
    """The style of the "Unggah data" link in the layout this client receives."""

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == ids.NAV_UPLOAD:
                return node
            return next((f for v in node.values() if (f := walk(v)) is not None), None)
        if isinstance(node, list):
            return next((f for v in node if (f := walk(v)) is not None), None)
        return None

    link = walk(client.get("/_dash-layout").get_json())
    assert link is not None
    return link["props"].get("style")


def _upload_all(settings: Settings) -> None:
    for kind, name, data in (
        ("boundaries", "desa.geojson", _boundaries()),
        ("registry", "kepesertaan.csv", REGISTRY),
        ("workforce", "tenaga_kerja.csv", WORKFORCE),
    ):
        message, listing = _upload(kind, name, data)
        assert "disimpan" in _text(message), _text(message)
        assert name in _text(listing)


def test_non_admins_are_refused(
    app: dash.Dash,
    settings: Settings,
    as_user: Callable[[str], Any],
    client_for: Callable[[str], FlaskClient],
) -> None:
    for name in ("cabang", "polres", "tamu"):
        client = client_for(name)
        key = callback_key(app, f"{ids.UP_RESULT}.children")
        payload = callback_payload(app, key, {f"{ids.UP_DRY_RUN}.n_clicks": 1})
        assert client.post("/_dash-update-component", json=payload).status_code == 403
        key = callback_key(app, f"{ids.UP_JOB}.data")
        payload = callback_payload(app, key, {f"{ids.UP_COMMIT}.n_clicks": 1})
        assert client.post("/_dash-update-component", json=payload).status_code == 403
        with as_user(name):
            with pytest.raises(Forbidden):
                _upload("registry", "kepesertaan.csv", REGISTRY)
            assert "hanya untuk admin" in _text(_page().layout())
        assert _nav_style(client) == {"display": "none"}
    assert _tree(settings.uploads_dir) == []
    refused = [e for e in _audit(settings) if e["action"] == "refused"]
    assert {e["user"] for e in refused} == {"cabang", "polres", "tamu"}
    assert _nav_style(client_for("admin")) is None  # shown to admins


def test_dry_run_shows_the_reconciliation_and_writes_nothing(
    settings: Settings, as_user: Callable[[str], Any]
) -> None:
    before = _tree(settings.store_dir), Store(settings.store_dir).reconciliation()
    with as_user("admin"):
        _upload_all(settings)
        result = _page().handle_dry_run(1, "en")
    text = _text(result)
    # per file and total: rows in, by code, by name, unmatched, rejected, duplicates
    assert text.count("kepesertaan.csv 5 1 1 1 1 1") == 1, text
    assert "Total 5 1 1 1 1 1" in text
    assert "missing registration date: 1" in text and "unknown village code: 1" in text
    assert "Workforce: 2 rows, 2 accepted, 0 rejected" in text
    assert "nothing has been written" in text
    assert (_tree(settings.store_dir), Store(settings.store_dir).reconciliation()) == before
    runs = [e for e in _audit(settings) if e["action"] == "intake_dry_run"]
    assert runs[-1]["outcome"] == "ok" and runs[-1]["detail"]["rows_in"] == 5


def test_dry_run_without_a_registry_says_what_is_missing(
    settings: Settings, as_user: Callable[[str], Any]
) -> None:
    with as_user("admin"):
        _upload("boundaries", "desa.geojson", _boundaries())
        text = _text(_page().handle_dry_run(1, "id"))
    # boundaries and workforce may come from the live store; registries never do
    assert "Gagal" in text and "Kepesertaan" in text and "registry" not in text


def test_a_failed_rebuild_says_why_in_words(
    settings: Settings, as_user: Callable[[str], Any]
) -> None:
    """An unexpected error in the rebuild job: the page gives a sentence in the user's
    language (the error is logged on the server), never the job's internal marker or the
    exception's text."""
    from layouts.core.jobs import current_jobs

    def broken(_progress: Any) -> bytes:
        raise RuntimeError("boom in /srv/cakupan/stage 0x7f00")

    with as_user("admin"):
        job = current_jobs().submit(broken, "rebuild")
        deadline = time.monotonic() + 30
        while current_jobs().state(job).state != "failed" and time.monotonic() < deadline:
            time.sleep(0.05)
        texts = {lang: _text(_page().handle_poll(1, job, lang)[0]) for lang in ("id", "en")}
    assert "error on the server (logged)" in texts["en"]
    assert "kesalahan di server" in texts["id"]
    for text in texts.values():
        assert "@" not in text and "/srv" not in text and "boom" not in text


def test_commit_rebuilds_the_store_in_the_background(
    settings: Settings, as_user: Callable[[str], Any]
) -> None:
    assert "34.71" not in set(Store(settings.store_dir).areas()["area_code"])

    def run(confirm: list[str]) -> tuple[Any, str]:
        job, poll_disabled, status = _page().handle_commit(1, "en", confirm)
        assert poll_disabled is False and status == "Queued…"
        deadline = time.monotonic() + 60
        while True:
            text, pct, stop = _page().handle_poll(1, job, "en")
            if stop or time.monotonic() > deadline:
                return text, pct
            time.sleep(0.2)

    with as_user("admin"):
        _upload_all(settings)
        # other villages than the live store's and a file losing 2 of 5 rows: not
        # published until the admin confirms
        text, pct = run([])
        assert pct == "0" and "Not committed" in _text(text), _text(text)
        assert "34.71" not in set(Store(settings.store_dir).areas()["area_code"])
        text, pct = run(["yes"])
        assert pct == "100", text
        assert text.children[0].children == (
            "Data rebuilt: 5 rows, 2 matched, 1 unmatched, 1 rejected, 1 duplicates."
        )
        assert "kepesertaan.csv loses 2 of 5 rows (40.0%)" in _text(text)
        from layouts.core.data_access import current_store

        store = current_store()  # what the pages read now
        rec = store.reconciliation()
        assert (rec["rows_in"], rec["matched_by_code"], rec["matched_by_name"]) == (5, 1, 1)
        assert set(store.areas()["area_code"]) >= {"34.71", "34.71.01", "34.71.01.1001"}
        names = [s["file"] for s in store.meta()["sources"]]
        assert {"kepesertaan.csv", "tenaga_kerja.csv", "desa.geojson"} <= set(names)
    assert [e["outcome"] for e in _audit(settings) if e["action"] == "intake_commit"] == [
        "started",
        "needs_confirmation",
        "started",
        "ok",
    ]


def test_the_same_file_twice_adds_nothing(
    settings: Settings, as_user: Callable[[str], Any]
) -> None:
    with as_user("admin"):
        _upload("registry", "kepesertaan.csv", REGISTRY)
        files, manifest = _tree(settings.uploads_dir), read_manifest(settings.uploads_dir)
        message, listing = _upload("registry", "lagi.csv", REGISTRY)
    assert "sudah ada" in _text(message)
    assert listing is not dash.no_update
    assert _tree(settings.uploads_dir) == files
    assert read_manifest(settings.uploads_dir) == manifest
    assert len(list((settings.uploads_dir / "registry").iterdir())) == 1


def test_remove_forgets_the_file_and_refuses_crafted_names(
    settings: Settings, as_user: Callable[[str], Any]
) -> None:
    with as_user("admin"):
        _upload("registry", "kepesertaan.csv", REGISTRY)
        (stored,) = (settings.uploads_dir / "registry").iterdir()
        crafted = [{"type": ids.UP_REMOVE, "kind": "registry", "file": "../manifest.json"}]
        assert _page().handle_remove([1], crafted, "id") == (dash.no_update, dash.no_update)
        assert (settings.uploads_dir / "manifest.json").is_file()
        real = [{"type": ids.UP_REMOVE, "kind": "registry", "file": stored.name}]
        message, _ = _page().handle_remove([1], real, "id")
    assert "kepesertaan.csv: dihapus" in _text(message)
    assert not stored.exists()
    assert read_manifest(settings.uploads_dir)["selected"]["registry"] == []


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        ({"../../evil.geojson": b"{}"}, "keluar dari folder arsip"),
        ({"bomb.geojson": b"0" * (5 * 1024 * 1024)}, "terkompresi terlalu rapat"),
        ({"run.exe": b"MZ"}, "bukan jenis berkas yang diharapkan"),
    ],
)
def test_unsafe_zips_and_wrong_types_are_refused_and_leave_nothing(
    settings: Settings, as_user: Callable[[str], Any], entries: dict[str, bytes], reason: str
) -> None:
    with as_user("admin"):
        message, _ = _upload("boundaries", "batas.zip", _zip(entries))
        assert reason in _text(message) and "Ditolak" in _text(message)
        message, _ = _upload("registry", "program.csv", b"MZ\x90\x00binary")
        assert "bukan berkas teks" in _text(message)  # the Indonesian page, in Indonesian
    assert _tree(settings.uploads_dir) == []
    assert not (settings.uploads_dir.parent / "evil.geojson").exists()
    refused = [e for e in _audit(settings) if e["action"] == "upload"]
    assert [e["outcome"] for e in refused] == ["refused", "refused"]


def test_file_names_are_text_never_html(settings: Settings, as_user: Callable[[str], Any]) -> None:
    with as_user("admin"):
        _, listing = _upload("registry", "<img src=x onerror=alert(1)>.csv", REGISTRY)
    labels = _text(listing)
    assert "<img src=x onerror=alert(1)>.csv" in labels  # shown as text by Dash, not markup
    assert "dangerously_allow_html" not in json.dumps(listing, default=str)
