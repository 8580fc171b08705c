"""The data-quality page: the rows a person must fix, their downloads, the reconciliation
of the workforce/roster/events inputs, and AG Grid's texts in Indonesian.

The store is tests/store_factory.py's, with :func:`write_row_reports` adding the rejected
rows of the optional inputs: 1 unmatched + 1 rejected registry row, 1 workforce row, 1
roster row and 2 event rows = 6 rows to fix.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from typing import Any

import dash
import openpyxl
import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict
from dash_helpers import find
from store_factory import write_row_reports, write_store
from werkzeug.exceptions import Forbidden

from analytics.access import Role, Territory, User
from analytics.settings import Settings
from analytics.store.reader import Store
from layouts.core import components, ids
from layouts.core.data_access import current_store
from layouts.core.i18n import t
from layouts.quality.views import ROW_COLUMNS, fix_text, other_input_rows, rows_to_fix

ADMIN = User("admin", Role.ADMIN)
BRANCH = User("cabang", Role.BRANCH, Territory(frozenset({"99.02"})))
POLICE = User("polres", Role.POLICE, Territory(frozenset({"99.02"}), polres="Polres Dua"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[dash.Dash, Store]:
    from app import create_app

    root = write_row_reports(write_store(tmp_path_factory.mktemp("store") / "processed"))
    settings = Settings().with_(
        store_dir=root, audit_path=tmp_path_factory.mktemp("audit") / "audit.jsonl"
    )
    return create_app(settings), Store(root)


def _as(app: dash.Dash, user: User) -> Iterator[None]:
    import flask_login

    from layouts.core.auth import LoginUser

    with app.server.test_request_context("/kualitas"):
        flask_login.login_user(LoginUser(user))
        yield


@pytest.fixture
def admin(built: tuple[dash.Dash, Store]) -> Iterator[dash.Dash]:
    for _ in _as(built[0], ADMIN):
        yield built[0]


def _module() -> Any:
    entry = next(p for p in dash.page_registry.values() if p["path"] == "/kualitas")
    return sys.modules[entry["module"]]


def _text(component: Any) -> str:
    if isinstance(component, str | int | float):
        return str(component)
    children = getattr(component, "children", None)
    if children is None:
        return ""
    items = children if isinstance(children, list) else [children]
    return " ".join(_text(c) for c in items)


# --- the rows, translated ----------------------------------------------------------------


def test_rows_to_fix_lists_every_row_with_what_to_fix(admin: dash.Dash) -> None:
    store = current_store()
    table = _module().table_of_rows(store, "id")
    assert len(table) == 6
    by = {row["key"]: row for row in table.to_dict("records")}
    unmatched = by["unmatched|registry_a.csv|5"]
    assert unmatched["list"] == "Kepesertaan: tidak cocok"
    assert unmatched["source_row"] == 5
    assert unmatched["reason_text"] == "kode desa tidak dikenal"
    assert unmatched["fix"] == (
        "Kode desa tidak ada di batas wilayah: periksa kode atau isi nama desa/kecamatan"
    )
    assert unmatched["location"] == "99.09.01.2001"
    assert unmatched["kabupaten"] == ""  # 99.09 is no kabupaten of the store
    assert unmatched["detail"] == "segment=BPU; registered_on_raw=2023-02-01"
    assert unmatched["offending_value"] == "99.09.01.2001"  # the code the reason is about
    rejected = by["rejected|registry_a.csv|7"]
    assert rejected["fix"] == "KPJ dan NIK kosong: isi salah satu agar peserta dapat dihitung"
    roster = by["roster_rejected|bhabinkamtibmas.csv|3"]
    assert roster["list"] == "Bhabinkamtibmas: ditolak"
    assert roster["fix"] == "NRP tidak sah: tulis NRP 8 digit petugas"
    assert roster["kabupaten"] == "Kota Dua"  # from the undotted code 9902011001
    assert "nrp_raw=12AB" in roster["detail"]
    workforce = by["workforce_rejected|tenaga_kerja.csv|4"]
    assert workforce["kabupaten"] == "Kabupaten Satu"
    assert workforce["reason_text"] == "informal > pekerja"
    events = [r for r in by.values() if r["list"] == "Kegiatan: ditolak"]
    assert sorted(r["reason"] for r in events) == ["duplicate", "registrations_exceed_attendees"]
    # no column of a list is lost: every raw value is in location, kabupaten or detail
    assert "attendees_raw=5; registrations_raw=9" in by["events_rejected|kegiatan.csv|2"]["detail"]


def test_rows_in_english_and_list_specific_fixes(admin: dash.Dash) -> None:
    table = _module().table_of_rows(current_store(), "en")
    first = table.iloc[0]
    assert first["list"] == "Registry: unmatched"
    assert first["fix"].startswith("Village code not in the boundaries: check the code")
    # the same code means another fix in another input
    assert fix_text("workforce_rejected", "unknown_code", "id") == (
        "Kode desa tidak ada di batas wilayah: periksa kode desa di berkas tenaga kerja"
    )
    assert fix_text("unmatched", "unknown_code", "id").endswith("isi nama desa/kecamatan")
    assert fix_text("unmatched", "a_new_reason", "id") == "a_new_reason"  # visible, no crash


def test_empty_lists_give_an_empty_table() -> None:
    table = rows_to_fix({}, {}, "id")
    assert table.empty and "fix" in table.columns


# --- the page ----------------------------------------------------------------------------


def test_page_shows_the_grid_and_translated_reconciliations(admin: dash.Dash) -> None:
    page = _module().layout(lang="id")
    grid = find(page, ids.QUALITY_ROWS)
    assert len(grid.rowData) == 6
    assert [c["headerName"] for c in grid.columnDefs][:5] == [
        "Daftar",
        "Berkas",
        "Baris",
        "Alasan",
        "Yang perlu diperbaiki",
    ]
    assert grid.defaultColDef["floatingFilter"] is True  # filter by file, reason, kabupaten
    assert grid.dashGridOptions["localeText"]["page"] == "Halaman"
    other = _text(find(page, ids.QUALITY_OTHER))
    assert "Tenaga kerja (penyebut)" in other and "Kegiatan sosialisasi" in other
    assert "3 petugas, 4 desa" in other
    assert "pendaftaran > peserta: 1" in other
    assert "rows_in" not in _text(page) and "accepted:" not in _text(page)


def test_other_input_rows_count_hand_checked(admin: dash.Dash) -> None:
    rows = other_input_rows(current_store().reconciliation(), "en")
    assert [
        (r["input"], r["rows_in"], r["accepted"], r["rejected"], r["duplicates"]) for r in rows
    ] == [
        ("Workforce (denominator)", 10, 9, 1, 0),
        ("Officer roster", 4, 3, 1, 0),
        ("Outreach events", 4, 2, 1, 1),
    ]
    assert all(r["ok"] for r in rows)
    assert rows[2]["note"] == "10 registrations, 2024-06-03 to 2024-09-02"
    broken = other_input_rows({"workforce": {"rows_in": 5, "accepted": 3}}, "id")
    assert broken[0]["ok"] is False and broken[0]["reasons"] == "(tidak ada)"


def test_police_sees_an_explanation_not_an_error(built: tuple[dash.Dash, Store]) -> None:
    for _ in _as(built[0], POLICE):
        page = _module().layout(lang="id")
        refused = find(page, ids.QUALITY_ROWS)
        assert refused.children.startswith("Daftar baris hanya untuk admin dan kantor cabang")
        assert _module().table_of_rows(current_store(), "id") is None


def test_a_territory_sees_why_province_counts_are_absent_never_zeros(
    built: tuple[dash.Dash, Store],
) -> None:
    """Per-file counts cover the whole province: a branch sees a sentence saying so (it
    once saw a "Total 0 0 0 0 0 0" row, as if nothing had been read), and its kabupaten's
    own counts; a viewer of one kecamatan sees neither, with the reason."""
    viewer = User("tamu", Role.VIEWER, Territory(frozenset({"99.02.01"})))
    for user, kab_rows in ((BRANCH, True), (viewer, False)):
        for _ in _as(built[0], user):
            page = _module().layout(lang="en")
            files = _text(find(page, ids.QUALITY_FILES))
            assert "only admins see them" in files and "Total" not in files
            kab = find(page, ids.QUALITY_KAB)
            if kab_rows:
                assert "99.02" in _text(kab)
            else:
                assert "smaller than one kabupaten/kota" in _text(kab)
    for _ in _as(built[0], ADMIN):
        assert "Total" in _text(find(_module().layout(lang="en"), ids.QUALITY_FILES))


def test_branch_sees_only_rows_in_its_territory(built: tuple[dash.Dash, Store]) -> None:
    for _ in _as(built[0], BRANCH):
        table = _module().table_of_rows(current_store(), "id")
        # registry rows: 99.09.. and a row without location are outside 99.02; the other
        # inputs' lists cannot be limited to a territory, so they are left out
        assert table is not None and table.empty


# --- downloads ---------------------------------------------------------------------------


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = values.index(next(v for v in values if v and v[0] == "Daftar"))
    body = []
    for row in values[header + 1 :]:
        if not any(row):
            break
        body.append(row)
    return [values[header], *body]


def test_xlsx_download_round_trips_the_rows(admin: dash.Dash) -> None:
    import base64

    module = _module()
    table = module.table_of_rows(current_store(), "id")
    sent = module.rows_file(current_store(), "xlsx", "id", None)
    rows = _xlsx_rows(base64.b64decode(sent["content"]))
    assert rows[0] == [
        "Daftar",
        "Berkas",
        "Baris",
        "Alasan",
        "Yang perlu diperbaiki",
        "Nilai bermasalah",
        "Lokasi di berkas",
        "Kabupaten/kota",
        "Nilai lain",
    ]
    fields = [field for field, _, _ in ROW_COLUMNS]
    expected = [[None if v == "" else v for v in r] for r in table[fields].to_numpy().tolist()]
    assert rows[1:] == expected


def test_downloads_follow_the_screen_filter_and_order(admin: dash.Dash) -> None:
    import base64

    module = _module()
    keys = ["roster_rejected|bhabinkamtibmas.csv|3", "unmatched|registry_a.csv|5", "no|such|row"]
    sent = module.rows_file(current_store(), "csv", "en", keys)
    text = base64.b64decode(sent["content"]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["List", "File", "Row"]
    assert [r[2] for r in rows[1:3]] == ["3", "5"]
    assert rows[1][0] == "Officer roster: rejected"
    assert rows[3][0].startswith("Rows to fix;")  # the note, then nothing else
    assert len(rows) == 4


def test_indonesian_csv_uses_semicolons_like_every_other_csv(admin: dash.Dash) -> None:
    import base64

    module = _module()
    keys = ["roster_rejected|bhabinkamtibmas.csv|3", "unmatched|registry_a.csv|5"]
    sent = module.rows_file(current_store(), "csv", "id", keys)
    text = base64.b64decode(sent["content"]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Daftar", "Berkas", "Baris"]
    assert [r[2] for r in rows[1:3]] == ["3", "5"]
    assert rows[3][0].startswith(f"{t('quality.rows.title', 'id')};")  # one cell, quoted
    assert len(rows) == 4


def test_download_callback_is_audited_and_refused_to_police(
    built: tuple[dash.Dash, Store],
) -> None:
    app = built[0]
    key = next(k for k in app.callback_map if ids.QUALITY_ROWS_DOWNLOAD in k)
    download = app.callback_map[key]["callback"].__wrapped__
    context_value.set(
        AttributeDict(triggered_inputs=[{"prop_id": f"{ids.QUALITY_ROWS_XLSX}.n_clicks"}])
    )
    shown = [{"key": "unmatched|registry_a.csv|5"}]
    for _ in _as(app, ADMIN):
        sent = download(None, 1, shown, "id")
        assert sent["filename"].endswith(".xlsx")
    audit = app.server.config["CAKUPAN_SETTINGS"].audit_path.read_text(encoding="utf-8")
    assert "quality_rows.xlsx" in audit
    for _ in _as(app, POLICE):
        with pytest.raises(Forbidden):
            download(None, 1, shown, "id")


# --- AG Grid texts -----------------------------------------------------------------------


def test_grid_texts_are_indonesian_in_indonesian_only() -> None:
    locale = components.grid_locale("id")["localeText"]
    assert (locale["page"], locale["of"], locale["to"]) == ("Halaman", "dari", "sampai")
    assert locale["pageSizeSelectorLabel"] == "Baris per halaman:"
    assert components.grid_locale("en") == {}


def test_dropdowns_and_map_grid_speak_indonesian(admin: dash.Dash) -> None:
    entry = next(p for p in dash.page_registry.values() if p["path"] == "/")
    map_page = sys.modules[entry["module"]]
    layout = map_page.layout(lang="id")
    assert find(layout, ids.MONTH).labels["search"] == "Cari"
    assert find(layout, ids.SCHEME).labels["no_options_found"] == "Tidak ada pilihan"
    assert find(layout, ids.TABLE).dashGridOptions["localeText"]["of"] == "dari"
    english = map_page.layout(lang="en")
    assert find(english, ids.MONTH).labels == {}  # Dash's own English texts
    assert "localeText" not in find(english, ids.TABLE).dashGridOptions


# --- the loud warning: files losing more than 5 % of their rows ----------------------------


def test_files_losing_rows_are_warned_at_the_top(admin: dash.Dash) -> None:
    # registry_a.csv: 3 unmatched + 2 rejected of 20 rows = 25 %; registry_b.xlsx: 1 of 10.
    page = _module().layout(lang="id")
    warning = find(page, ids.QUALITY_LOSS)
    assert warning is not None
    assert page.children.index(warning) == 1  # right under the title
    text = " ".join(_text(warning).split())
    assert "Peringatan: registry_a.csv kehilangan 25,0% barisnya" in text
    assert "5 dari 20 baris tidak cocok atau ditolak (batas 5%)" in text
    assert "kode desa tidak dikenal: 2 (contoh 99.09.99.9999)" in text
    assert "tanpa KPJ/NIK: 2" in text
    assert "nama desa ambigu: 1 (contoh Sumberrejo)" in text
    assert "Peringatan: registry_b.xlsx kehilangan 10,0% barisnya" in text
    english = " ".join(_text(find(_module().layout(lang="en"), ids.QUALITY_LOSS)).split())
    assert "Warning: registry_a.csv loses 25.0% of its rows" in english
    assert "unknown village code: 2 (e.g. 99.09.99.9999)" in english


def test_no_warning_when_no_file_loses_more_than_five_percent() -> None:
    from layouts.quality.views import loss_warnings

    rec = {"files": {"a.csv": {"rows_in": 100, "unmatched": 2, "rejected": 3, "duplicates": 9}}}
    assert loss_warnings(rec, "id") == []
    rec["files"]["a.csv"]["rejected"] = 4
    (warning,) = loss_warnings(rec, "en")
    assert warning["title"] == "Warning: a.csv loses 6.0% of its rows"
    assert warning["reasons"] == []


# --- village flags worded in the reader's language ----------------------------------------


def test_flag_detail_follows_the_language() -> None:
    import numpy as np
    import pandas as pd

    from layouts.quality.views import flag_detail, flagged_villages

    assert flag_detail("over_100", 341, 96.0, 355.2083, "id") == (
        "341 peserta aktif > 96 pekerja (355,2%)"
    )
    assert flag_detail("over_100", 1341, 96.0, 1396.875, "en") == (
        "1,341 active > 96 eligible (1,396.9%)"
    )
    assert flag_detail("missing_eligible", 5, np.nan, np.nan, "id") == (
        "tidak ada angka pekerja untuk desa ini"
    )
    assert flag_detail("missing_eligible", 5, 0.0, np.nan, "en") == "eligible workers is 0"
    jan, feb = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")
    quality = pd.DataFrame(
        {
            "village_code": ["99.01.01.1001"] * 2,
            "month": [jan, feb],
            "flag": "over_100",
            "segment": "BPU",
            "active": pd.array([120, 341], dtype="Int64"),
            "eligible": [100.0, 96.0],
            "coverage_pct": [120.0, 341 / 96 * 100],
        }
    )
    names = {"99.01.01.1001": "Desa Satu", "99.01": "Kabupaten Satu"}
    id_rows = flagged_villages(quality, names, "id")
    assert id_rows["detail"].tolist() == ["341 peserta aktif > 96 pekerja (355,2%)"]
    assert id_rows["latest"].tolist() == ["Feb 2024"]
    en_rows = flagged_villages(quality, names, "en")
    assert en_rows["detail"].tolist() == ["341 active > 96 eligible (355.2%)"]
    # a store built before the numbers were kept shows its stored text
    old = quality.drop(columns=["active", "eligible", "coverage_pct"]).assign(detail="as stored")
    assert flagged_villages(old, names, "id")["detail"].tolist() == ["as stored"]
