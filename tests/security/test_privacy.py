"""Privacy: no NIK, KPJ, participant name or address from the raw demo registries appears in
the processed store, in any page or callback answer (admin, who sees the most), or in the
audit log and captured logs. Builds the real demo (``cakupan demo`` + ``cakupan build``)."""

from __future__ import annotations

import json
import logging
import random
import re
from pathlib import Path

import dash
import openpyxl
import pandas as pd
import pytest
from conftest import callback_key, callback_payload, login

from analytics.settings import Settings

DIGITS = re.compile(rb"\d{11,16}")


@pytest.fixture(scope="module")
def demo(demo_store: Path) -> tuple[Path, Path]:
    """(raw demo inputs, store built from them): the session's demo store."""
    demo_dir = demo_store.parent / "demo"
    if not (demo_dir / "registry").is_dir():
        pytest.fail(f"{demo_dir} is missing: CAKUPAN_TEST_STORE must be <parent>/processed")
    return demo_dir, demo_store


def _personal(demo_dir: Path) -> tuple[set[bytes], list[str]]:
    """(every NIK and KPJ, a sample of full names and addresses) from the raw registries."""
    ids: set[bytes] = set()
    texts: set[str] = set()
    reg = demo_dir / "registry"
    pu = pd.read_csv(reg / "kepesertaan_penerima_upah.csv", dtype=str, keep_default_na=False)
    manual = pd.read_csv(
        reg / "kepesertaan_manual_kecamatan.csv",
        dtype=str,
        sep=";",
        keep_default_na=False,
        encoding="cp1252",
    )
    ws = openpyxl.load_workbook(reg / "kepesertaan_bpu.xlsx", read_only=True).worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = list(next(rows))
    bpu = pd.DataFrame([list(r) for r in rows], columns=header).astype("str")
    for frame, kpj, nik, name, address in (
        (pu, "NO_KPJ", "NIK", "NAMA", None),
        (manual, "NO_KPJ", None, "NAMA", None),
        (bpu, "KPJ", "NIK", "NAMA_PESERTA", "ALAMAT"),
    ):
        for col in (kpj, nik):
            if col:
                values = frame[col].fillna("").astype("str").str.strip()
                ids |= {v.encode() for v in values if len(v) >= 11}
        names = frame[name].fillna("").astype("str").str.strip()
        texts |= {v for v in names if " " in v and len(v) >= 10}
        if address:
            addresses = frame[address].fillna("").astype("str").str.strip()
            texts |= {v for v in addresses if len(v) >= 12 and v != "None"}
    # Police officers on the outreach roster are not participants; their names are kept for
    # outreach plans. A participant who shares an officer's name cannot be told apart.
    roster = pd.read_csv(demo_dir / "outreach" / "bhabinkamtibmas.csv", dtype=str)
    texts -= set(roster["NAMA"].fillna("").astype("str").str.strip())
    sample = random.Random(7).sample(sorted(texts), min(400, len(texts)))
    return ids, sample


def _assert_clean(blob: bytes, ids: set[bytes], texts: list[str], where: str) -> None:
    leaked = set(DIGITS.findall(blob)) & ids
    assert not leaked, f"{where}: ids {sorted(leaked)[:3]}"
    text = blob.decode("utf-8", errors="replace")
    found = [t for t in texts if t in text]
    assert not found, f"{where}: {found[:3]}"


@pytest.mark.slow
def test_no_personal_data_in_store_pages_or_logs(
    demo: tuple[Path, Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    demo_dir, store = demo
    ids, texts = _personal(demo_dir)
    assert len(ids) > 100_000 and len(texts) > 100  # the scan has something to find
    # 1. every file of the store, parquet decoded too
    for path in sorted(store.rglob("*")):
        if path.is_file():
            _assert_clean(path.read_bytes(), ids, texts, str(path))
            if path.suffix == ".parquet":
                decoded = pd.read_parquet(path).to_csv(index=False).encode()
                _assert_clean(decoded, ids, texts, f"{path} (decoded)")
    # 2. every page and the map callback for each kabupaten, as admin
    from app import create_app

    settings = Settings().with_(
        store_dir=store,
        users_path=tmp_path / "none.json",
        audit_path=tmp_path / "audit.jsonl",
    )
    caplog.set_level(logging.DEBUG)
    app: dash.Dash = create_app(settings)
    client = app.server.test_client()
    login(client, "admin", "cakupan-admin")
    answers = [client.get("/_dash-layout").get_data()]
    pages_key = callback_key(app, "_pages_content.children")
    for page in dash.page_registry.values():
        payload = callback_payload(app, pages_key, {"_pages_location.pathname": page["path"]})
        payload["inputs"] = [
            {"id": "_pages_location", "property": "pathname", "value": page["path"]},
            {"id": "_pages_location", "property": "search", "value": ""},
        ]
        response = client.post("/_dash-update-component", json=payload)
        assert response.status_code == 200, page["path"]
        answers.append(response.get_data())
    map_key = callback_key(app, "map.figure")
    kabupaten = pd.read_parquet(store / "areas.parquet").query("level == 'kabupaten'")
    for code in kabupaten["area_code"]:
        payload = callback_payload(
            app, map_key, {"map-view.data": {"level": "desa", "area": code}, "segment.value": "ALL"}
        )
        response = client.post("/_dash-update-component", json=payload)
        assert response.status_code == 200
        answers.append(response.get_data())
    for i, blob in enumerate(answers):
        _assert_clean(blob, ids, texts, f"response {i}")
    # 3. the audit log and everything logged
    _assert_clean(settings.audit_path.read_bytes(), ids, texts, "audit log")
    _assert_clean(json.dumps(caplog.text).encode(), ids, texts, "logs")
