"""The outreach page's callbacks and views on the tiny hand-made store with a roster.

Roster and events: ``tests/store_factory.py`` (``OFFICERS``, ``EVENTS``). Data date
2024-12-20, so the month used is 2024-12 (t = 23). Hand-computed priority, default weights
(gap .50, coverage .20, pace .15, recency .15):

- Polsek Satu (kecamatan 99.01.01): Desa Satu: BPU 146 of 1000 -> uncovered 854 (gap 1),
  coverage 14.6 % (0.854), 12-month growth 24/yr -> 35.6 years (pace 1), last event
  2024-06-03 = 200 days = 6.57 months (recency 0.5476): score 0.90294 -> 90.3.
  Desa Dua: 73 of 500 -> 427 (gap 0.5), 14.6 % (0.854), pace 1, never visited (1):
  score 0.7208 -> 72.1.
- Polsek Dua (kecamatan 99.01.02): Desa Tiga (no officer): 10 of 800 -> 790 (gap 1),
  1.25 % (0.9875), no growth (pace 1), never visited: 0.9975. Desa Empat: 223 of 400 ->
  177 (gap 0.2241), 55.75 % (0.4425), 177/12 = 14.75 years (pace 1), event 2024-09-02 =
  109 days (recency 0.2984): 0.3953.
- Expected registrations per visit: the mean of the two events' registrations (6, 4) = 5.
"""

from __future__ import annotations

import base64
import io
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import dash
import pandas as pd
import pytest
from dash_helpers import find
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_factory import write_outreach, write_store
from werkzeug.exceptions import Forbidden

from analytics.access import Role, Territory, User
from analytics.outreach.priority import PriorityWeights
from analytics.settings import Settings
from analytics.store.reader import Store
from layouts.core import ids
from layouts.outreach import callbacks as cb
from layouts.outreach.impact import impact_sentences
from layouts.outreach.map import NO_OFFICER_COLOUR
from layouts.outreach.views import priority_rows, schedule_rows, weights_from

START = pd.Timestamp("2025-01-06")
DEFAULT_W = (0.5, 0.2, 0.15, 0.15)


def login(user: User) -> None:
    import flask_login

    from layouts.core.auth import LoginUser

    flask_login.login_user(LoginUser(user))


ADMIN = User("admin", Role.ADMIN)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[dash.Dash, Store]:
    from app import create_app

    tmp = tmp_path_factory.mktemp("outreach")
    root = write_outreach(write_store(tmp / "processed"))
    settings = Settings().with_(
        store_dir=root, audit_path=tmp / "audit.jsonl", users_path=tmp / "users.json"
    )
    return create_app(settings), Store(root)


@pytest.fixture
def app_ctx(built: tuple[dash.Dash, Store]) -> Iterator[Store]:
    """A request context with the admin logged in (as a callback runs)."""
    with built[0].server.test_request_context("/penjangkauan"):
        login(ADMIN)
        yield built[1]


def page() -> ModuleType:
    entry = next(p for p in dash.page_registry.values() if p["path"] == "/penjangkauan")
    return sys.modules[entry["module"]]


def plan_outputs(polres: str, polsek: str, weights: tuple[float, ...] = DEFAULT_W, **kw: Any):  # type: ignore[no-untyped-def]
    out = cb.update_plan(
        polres, polsek, kw.get("weeks", 4), kw.get("capacity", 2), *weights, kw.get("lang", "id")
    )
    names = (
        "figure legend note summary priority plan unassigned hint xlsx_off pdf_off query".split()
    )
    return dict(zip(names, out, strict=True))


def test_priority_and_plan_of_polsek_satu_hand_computed(app_ctx: Store) -> None:
    result = cb.compute_plan(app_ctx, "Polres Uji", "Polsek Satu", 4, 2, PriorityWeights(), START)
    prio = result.priority.set_index("village_name")
    assert prio.loc["Desa Satu", "score"] == pytest.approx(0.90294, abs=1e-4)
    assert prio.loc["Desa Dua", "score"] == pytest.approx(0.7208, abs=1e-4)
    assert prio.loc["Desa Satu", "recency_norm"] == pytest.approx(200 / 30.4375 / 12)
    schedule = result.plan.schedule
    # one officer, two villages, 2 visits a week for 4 weeks: both villages every week
    assert len(schedule) == 8
    assert (
        schedule.groupby("week")["village_name"].apply(sorted).tolist()
        == [["Desa Dua", "Desa Satu"]] * 4
    )
    assert schedule["week_start"].min() == START
    # 6 per visit (the one event held in the scope's Kecamatan Satu), each visit converting
    # the same share of those still uncovered: Desa Satu 1000 - 146 = 854 uncovered,
    # Desa Dua 500 - 73 = 427, so visit k expects 6 * (1 - 6 / uncovered) ** (k - 1).
    hand = [6 * (1 - 6 / u) ** k for k in range(4) for u in (854, 427)]
    assert schedule["expected_registrations"].tolist() == pytest.approx(hand)
    assert result.plan.unassigned.empty


def test_update_plan_fills_map_tables_and_enables_downloads(app_ctx: Store) -> None:
    out = plan_outputs("Polres Uji", "Polsek Dua")
    choro, outline, ranks = out["figure"]["data"]
    # ranked order: Desa Tiga (no officer), Desa Empat (Siti Aminah)
    assert choro["locations"] == ["99.01.02.2001", "99.01.02.2002"]
    assert choro["z"] == [0, 1]
    assert choro["colorscale"][0][1] == NO_OFFICER_COLOUR
    assert choro["geojson"].startswith("/geo/desa/99.01.geojson?v=")
    assert outline["locations"] == ["99.01.02.2001", "99.01.02.2002"]
    assert outline["marker"]["line"]["width"] > choro["marker"]["line"]["width"]
    assert ranks["text"] == ["1", "2"]
    legend = str(out["legend"])
    assert "Siti Aminah (22222222)" in legend and "Tanpa Bhabinkamtibmas" in legend
    # the priority table: each factor raw and scaled, and the explanation
    top = out["priority"][0]
    assert (top["rank"], top["village_name"]) == (1, "Desa Tiga")
    assert top["score"] == pytest.approx(99.75)  # exact; shown once rounded (half up)
    assert (top["score_text"], top["gap_norm_text"], top["coverage_norm_text"]) == (
        "99,8",
        "1,00",
        "0,99",
    )
    assert (top["uncovered"], top["gap_norm"], top["coverage_norm"]) == (790, 1.0, 0.9875)
    # the explanation says the same score as the table
    assert top["explanation"].startswith("Skor 99,8: 790 pekerja informal belum terlindungi")
    assert top["officers"] == ""
    # one officer with one village: one visit a week; 4 expected first (the one event of
    # Kecamatan Dua), then 4/177 of those still uncovered (400 - 223 = 177)
    assert [r["village_name"] for r in out["plan"]] == ["Desa Empat"] * 4
    hand = [4 * (1 - 4 / 177) ** k for k in range(4)]
    assert [r["expected_registrations"] for r in out["plan"]] == pytest.approx(hand)
    assert [r["expected_registrations_text"] for r in out["plan"]] == ["4,0", "3,9", "3,8", "3,7"]
    assert {r["officer"] for r in out["plan"]} == {"Siti Aminah (22222222)"}
    starts = pd.to_datetime([r["week_start"] for r in out["plan"]], format="%d/%m/%Y")
    assert (starts.day_of_week == 0).all() and list(starts.diff()[1:].days) == [7, 7, 7]
    assert out["summary"].startswith("4 kunjungan oleh 1 Bhabinkamtibmas selama 4 minggu mulai")
    assert "perkiraan 15 pendaftaran" in out["summary"]  # 15.47
    # Desa Tiga has no officer: Siti Aminah, whose village borders it, is proposed
    (unassigned,) = out["unassigned"]
    assert unassigned["village_name"] == "Desa Tiga" and unassigned["high_priority"]
    assert unassigned["proposed"] == "Siti Aminah (22222222)"
    assert unassigned["basis"] == "desa bersebelahan"
    assert (out["xlsx_off"], out["pdf_off"]) == (False, False)
    assert "Polsek Dua" in out["hint"]
    assert cb.query_pairs(out["query"]) == {
        "polres": "Polres Uji",
        "polsek": "Polsek Dua",
        "weeks": "4",
        "capacity": "2",
        "lang": "id",
    }


def test_whole_polres_plans_every_officer_and_downloads_every_polsek(app_ctx: Store) -> None:
    import openpyxl
    from pypdf import PdfReader

    out = plan_outputs("Polres Uji", "all", weeks=8, capacity=1)
    # Budi: 2 villages, 1 a week, 8 weeks = 8 visits; Siti: 1 village, 8 slots, one kept
    # for Desa Tiga (no officer, proposed to her): 7 visits
    assert len(out["plan"]) == 15
    assert {r["officer"] for r in out["plan"]} == {
        "Budi Santoso (11111111)",
        "Siti Aminah (22222222)",
    }
    assert sorted(out["figure"]["data"][0]["locations"]) == [
        "99.01.01.2001",
        "99.01.01.2002",
        "99.01.02.2001",
        "99.01.02.2002",
    ]
    assert (out["xlsx_off"], out["pdf_off"]) == (False, False)
    assert out["hint"].startswith("Rencana Polres Uji: 8 minggu")
    assert "satu XLSX dengan lembar per Polsek" in out["hint"]
    xlsx = cb.download("xlsx", "Polres Uji", "all", 8, 1, DEFAULT_W)
    assert xlsx["filename"] == "rencana_polres-uji_semua_polsek.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(xlsx["content"])))
    assert book.sheetnames == [
        "Ringkasan",
        "Polsek Dua",
        "Polsek Satu",
        "Petugas",
        "Desa tanpa Bhabin",
        "Keterangan",
    ]
    summary = list(book["Ringkasan"].iter_rows(values_only=True))
    assert summary[0][:5] == (
        "Polsek",
        "Lembar",
        "Bhabinkamtibmas",
        "Desa binaan",
        "Kunjungan direncanakan",
    )
    # the Polres plan split by Polsek: Siti 7 visits, Budi 8, 15 in all
    assert [r[:5] for r in summary[1:]] == [
        ("Polsek Dua", "Polsek Dua", 1, 1, 7),
        ("Polsek Satu", "Polsek Satu", 1, 2, 8),
        ("Jumlah", None, 2, 3, 15),
    ]
    satu = [r[5] for r in book["Polsek Satu"].iter_rows(min_row=2, values_only=True)]
    assert sorted(set(satu)) == ["Desa Dua", "Desa Satu"] and len(satu) == 8
    pdf = cb.download("pdf", "Polres Uji", "all", 8, 1, DEFAULT_W)
    assert pdf["filename"] == "briefing_polres-uji_semua_polsek.pdf"
    reader = PdfReader(io.BytesIO(base64.b64decode(pdf["content"])))
    text = [p.extract_text() for p in reader.pages]
    # a cover, Siti's page, Polsek Dua's village without an officer, Budi's page
    assert "Polres Uji" in text[0] and "Polsek Dua" in text[0] and "Polsek Satu" in text[0]
    assert any("Siti Aminah" in t for t in text) and any("Budi Santoso" in t for t in text)
    assert any("Desa tanpa Bhabinkamtibmas" in t and "Desa Tiga" in t for t in text)
    assert reader.metadata.title == "Lembar pengarahan Polres Uji (semua Polsek)"
    # a Polres outside the roster the user sees (or a Polsek of another Polres): nothing
    assert cb.download("xlsx", "Polres Lain", "all", 4, 2, DEFAULT_W) is dash.no_update
    assert cb.download("pdf", "Polres Uji", "Polsek Tiga", 4, 2, DEFAULT_W) is dash.no_update


def test_weights_change_the_ranking_and_zero_weights_fall_back(app_ctx: Store) -> None:
    recency_only = plan_outputs("Polres Uji", "Polsek Satu", (0, 0, 0, 1))
    # recency alone: Desa Dua (never visited, 1) before Desa Satu (0.5476)
    assert [r["village_name"] for r in recency_only["priority"]] == ["Desa Dua", "Desa Satu"]
    assert [r["score_text"] for r in recency_only["priority"]] == ["100,0", "54,8"]
    assert "gap 0,00" in recency_only["note"] and "kebaruan 1,00" in recency_only["note"]
    zero = plan_outputs("Polres Uji", "Polsek Satu", (0, 0, 0, 0))
    assert zero["note"].startswith("Semua bobot nol: dipakai bobot bawaan.")
    assert [r["score_text"] for r in zero["priority"]] == ["90,3", "72,1"]
    assert weights_from([0.2, None, 0, 0]) == (PriorityWeights(), False)


def test_english_and_a_scope_without_officers(app_ctx: Store) -> None:
    out = plan_outputs("Polres Uji", "Polsek Dua", lang="en")
    assert out["summary"].startswith("4 visits by 1 officers over 4 weeks from")
    assert out["unassigned"][0]["basis"] == "bordering village"
    bad = plan_outputs("Polres Uji", "Polsek Tiga")  # Polsek Tiga is in Polres Kota
    assert bad["plan"] == [] and bad["figure"]["data"] == []
    assert "Polsek Tiga" in bad["summary"] and bad["xlsx_off"]


def test_polsek_choices_follow_the_polres(app_ctx: Store) -> None:
    options, value = cb.polsek_choices("Polres Kota", "id")
    assert options == [
        {"label": "(semua Polsek)", "value": "all"},
        {"label": "Polsek Tiga", "value": "Polsek Tiga"},
    ]
    assert value == "Polsek Tiga"


def test_layout_preselects_a_plan_and_reads_the_url(app_ctx: Store) -> None:
    layout = page().layout(lang="id")
    assert find(layout, ids.OUT_POLRES).value == "Polres Kota"
    assert find(layout, ids.OUT_POLSEK).value == "Polsek Tiga"
    assert find(layout, ids.OUT_WEEKS).value == 4 and find(layout, ids.OUT_CAPACITY).value == 2
    assert [find(layout, i).value for i in cb.WEIGHT_IDS] == list(DEFAULT_W)
    assert find(layout, ids.OUT_XLSX_BUTTON).children == "Unduh rencana (XLSX)"
    assert find(layout, ids.OUT_PDF_BUTTON).children == "Unduh lembar briefing (PDF)"
    # AG Grid warnings #94/#95 (blank page-size box) unless the selector holds the size
    for grid_id in (ids.OUT_PLAN, ids.OUT_PRIORITY, ids.OUT_UNASSIGNED, ids.OUT_IMPACT_POLSEK):
        options = find(layout, grid_id).dashGridOptions
        assert options["paginationPageSize"] in options["paginationPageSizeSelector"]
    chosen = page().layout(
        polres="Polres Uji", polsek="Polsek Dua", weeks="8", capacity="3", lang="en"
    )
    assert find(chosen, ids.OUT_POLSEK).value == "Polsek Dua"
    assert (find(chosen, ids.OUT_WEEKS).value, find(chosen, ids.OUT_CAPACITY).value) == (8, 3)
    odd = page().layout(polres="Polres X", polsek="<script>", weeks="5", capacity="99")
    assert (find(odd, ids.OUT_POLRES).value, find(odd, ids.OUT_POLSEK).value) == (
        "Polres Kota",
        "Polsek Tiga",
    )
    assert (find(odd, ids.OUT_WEEKS).value, find(odd, ids.OUT_CAPACITY).value) == (4, 2)


def test_downloads_are_the_polsek_plan_and_briefing(app_ctx: Store) -> None:
    import openpyxl
    from pypdf import PdfReader

    xlsx = cb.download("xlsx", "Polres Uji", "Polsek Satu", 4, 2, DEFAULT_W)
    assert xlsx["filename"] == "rencana_polsek-satu.xlsx"
    content = base64.b64decode(xlsx["content"])
    assert content[:2] == b"PK" and zipfile.is_zipfile(io.BytesIO(content))
    book = openpyxl.load_workbook(io.BytesIO(content))
    villages = [row[5] for row in book["Jadwal"].iter_rows(min_row=2, values_only=True)]
    assert sorted(set(villages)) == ["Desa Dua", "Desa Satu"] and len(villages) == 8
    pdf = cb.download("pdf", "Polres Uji", "Polsek Satu", 4, 2, DEFAULT_W)
    assert pdf["filename"] == "briefing_polsek-satu.pdf"
    data = base64.b64decode(pdf["content"])
    assert data[:4] == b"%PDF"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Budi Santoso" in text and "0274-111111" in text and "Desa Satu" in text


def test_impact_view_when_no_event_can_be_assessed(app_ctx: Store) -> None:
    texts, per_polsek, per_officer = cb.update_impact("Polres Uji", "Polsek Satu", "id")
    paragraphs = [p.children for p in texts]
    # the weekly data holds one week, so both events' windows run outside it; the
    # estimate is that of the chosen Polres' area (its kabupaten)
    assert paragraphs[0].startswith("Wilayah Polres Uji: belum ada kegiatan yang dapat dinilai")
    assert "2 kegiatan tidak dinilai: jendela waktu di luar data 2." in paragraphs
    assert paragraphs[-1].startswith("Perhatian: desa tidak dipilih secara acak")
    assert per_polsek == [] and per_officer == []


def test_impact_sentences_say_what_the_interval_means() -> None:
    row = {
        "n_events": 12,
        "n_villages": 8,
        "did": 1.5,
        "ci_low": 0.5,
        "ci_high": 2.5,
        "registrations_on_day": 1234,
        "small_sample": False,
    }
    lead, interval, on_day = impact_sentences(row, 4, "Polsek Satu", "id")
    assert "rata-rata 1,5 per minggu lebih banyak" in lead and "12 kegiatan di 8 desa" in lead
    assert interval == (
        "Selang kepercayaan 95%: 0,5 sampai 2,5 per minggu. "
        "Selang ini di atas 0: kenaikan ini kemungkinan besar bukan kebetulan."
    )
    assert "1.234 orang" in on_day
    unclear = impact_sentences({**row, "ci_low": -0.4, "small_sample": True}, 4, "X", "en")
    assert "-0.4 to 2.5" in unclear[1] and "includes 0" in unclear[1]
    assert unclear[2].startswith("Small sample")
    lower = impact_sentences({**row, "did": -2.0, "ci_low": -3, "ci_high": -1}, 4, "X", "id")
    assert "2,0 per minggu lebih sedikit" in lower[0] and "di bawah 0" in lower[1]
    no_ci = impact_sentences({**row, "ci_low": None, "ci_high": None}, 4, "X", "id")
    assert no_ci[1] == "Selang tidak dapat dihitung (kurang dari 2 desa)."


def test_police_user_plans_only_inside_their_territory(built: tuple[dash.Dash, Store]) -> None:
    police = User(
        "polsek.dua",
        Role.POLICE,
        Territory(areas=frozenset({"99.01.02"}), polres="Polres Uji", polsek="Polsek Dua"),
    )
    with built[0].server.test_request_context("/penjangkauan"):
        login(police)
        layout = page().layout(lang="id")
        assert find(layout, ids.OUT_POLRES).options == ["Polres Uji"]
        assert [o["value"] for o in find(layout, ids.OUT_POLSEK).options] == ["all", "Polsek Dua"]
        out = plan_outputs("Polres Uji", "Polsek Dua")
        assert out["figure"]["data"][0]["locations"] == ["99.01.02.2001", "99.01.02.2002"]
        # another Polsek's officers are not in this user's roster
        assert plan_outputs("Polres Uji", "Polsek Satu")["plan"] == []
        # "(semua Polsek)" files hold only the Polsek this user sees (the server plans
        # from the user's store view); another Polres gives nothing
        import openpyxl

        xlsx = cb.download("xlsx", "Polres Uji", "all", 4, 2, DEFAULT_W)
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(xlsx["content"])))
        assert "Polsek Satu" not in book.sheetnames and "Polsek Dua" in book.sheetnames
        assert "Budi Santoso" not in str(list(book["Petugas"].iter_rows(values_only=True)))
        assert cb.download("pdf", "Polres Kota", "all", 4, 2, DEFAULT_W) is dash.no_update


def test_same_polsek_same_plan_for_police_user_and_admin(built: tuple[dash.Dash, Store]) -> None:
    """The plan of a scope does not depend on who asks (issue: 7,7 vs 8,7 per visit)."""
    police = User(
        "polsek.dua",
        Role.POLICE,
        Territory(areas=frozenset({"99.01.02"}), polres="Polres Uji", polsek="Polsek Dua"),
    )
    outputs = {}
    for user in (police, ADMIN):
        with built[0].server.test_request_context("/penjangkauan"):
            login(user)
            plan = cb.compute_plan(
                cb.current_store(), "Polres Uji", "Polsek Dua", 4, 2, PriorityWeights(), START
            ).plan
            out = plan_outputs("Polres Uji", "Polsek Dua")
            outputs[user.name] = (
                plan.conversion.label,
                plan.schedule["expected_registrations"].tolist(),
                plan.summary.to_dict("list"),
                out["summary"],
                out["plan"],
                out["priority"],
                out["unassigned"],
            )
    assert outputs["polsek.dua"] == outputs["admin"]
    assert outputs["admin"][0].startswith("4,0 pendaftaran per kunjungan (rata-rata 1 kegiatan")


def test_viewer_may_not_plan_outreach(built: tuple[dash.Dash, Store]) -> None:
    viewer = User("viewer1", Role.VIEWER, Territory(areas=frozenset({"99.01"})))
    with built[0].server.test_request_context("/penjangkauan"):
        login(viewer)
        layout = page().layout(lang="id")
        assert find(layout, ids.OUT_MESSAGE) is not None and find(layout, ids.OUT_MAP) is None
        with pytest.raises(Forbidden):
            cb.update_plan("Polres Uji", "Polsek Dua", 4, 2, *DEFAULT_W, "id")
        with pytest.raises(Forbidden):
            cb.download("pdf", "Polres Uji", "Polsek Dua", 4, 2, DEFAULT_W)


def test_store_without_roster_says_how_to_add_one(
    app_ctx: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = Store(write_store(tmp_path / "processed"))  # built without --roster
    monkeypatch.setattr(page(), "current_store", lambda: bare)
    monkeypatch.setattr(cb, "current_store", lambda: bare)
    text = str(page().layout(lang="id"))
    assert "--roster FILE --events FILE" in text and "Bhabinkamtibmas" in text
    assert cb.polsek_choices("Polres Uji", "id") == ([], None)


weight = st.floats(min_value=0, max_value=1, allow_nan=False)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    w=st.tuples(weight, weight, weight, weight),
    weeks=st.sampled_from([4, 8]),
    cap=st.integers(1, 4),
)
def test_scores_are_the_weighted_factors_and_capacity_holds(
    app_ctx: Store, w: tuple[float, float, float, float], weeks: int, cap: int
) -> None:
    applied, _ = weights_from(list(w))
    result = cb.compute_plan(app_ctx, "Polres Uji", None, weeks, cap, applied, START)
    out = {"priority": priority_rows(result), "plan": schedule_rows(result.plan)}
    for row in out["priority"]:
        expected = 100 * sum(
            getattr(applied, f) * row[f"{f}_norm"] for f in ("gap", "coverage", "pace", "recency")
        )
        assert 0 <= row["score"] <= 100
        assert row["score"] == pytest.approx(expected, abs=0.6)  # norms shown to 2 decimals
    assert [r["rank"] for r in out["priority"]] == sorted(r["rank"] for r in out["priority"])
    visits = pd.DataFrame(out["plan"])
    per_week = visits.groupby(["officer", "week"]).size()
    assert per_week.max() <= cap
    assert not visits.duplicated(["officer", "week", "village_code"]).any()
    assert visits["week"].max() == weeks


def test_cli_and_page_give_the_same_plan(app_ctx: Store, tmp_path: Path) -> None:
    """`cakupan plan` and the page call the same scope function: the same numbers."""
    from analytics.outreach.plan_job import run_plan_job

    page_plan = cb.compute_plan(
        app_ctx, "Polres Uji", "Polsek Dua", 4, 2, PriorityWeights(), START
    ).plan
    job = run_plan_job(
        app_ctx.root, tmp_path, polres="Polres Uji", polsek="Polsek Dua", start=START
    )
    pd.testing.assert_frame_equal(job.plan.schedule, page_plan.schedule)
    pd.testing.assert_frame_equal(job.plan.summary, page_plan.summary)
    pd.testing.assert_frame_equal(job.plan.unassigned, page_plan.unassigned)
    assert job.plan.conversion == page_plan.conversion


def test_every_number_column_shows_text_from_the_one_formatter() -> None:
    from layouts.outreach import columns as oc
    from layouts.outreach.views import NUMBER_FORMATS

    tables = [
        oc.priority_columns("id"),
        oc.plan_columns("id"),
        oc.unassigned_columns("id"),
        oc.impact_columns("id", "officer"),
    ]
    numeric = [c for cols in tables for c in cols if c.get("type") == "numericColumn"]
    assert numeric
    for column in numeric:
        assert column["field"] in NUMBER_FORMATS, column["field"]
        assert column["valueFormatter"]["function"] == f"params.data['{column['field']}_text']"


def test_download_buttons_pass_the_users_language(
    built: tuple[dash.Dash, Store], app_ctx: Store
) -> None:
    """The registered download callbacks read the page's language first of their states
    and hand it to the files: English sheet names and PDF text for ``en``."""
    import openpyxl
    from pypdf import PdfReader

    app = built[0]
    sent = {}
    for kind, target in (("xlsx", ids.OUT_XLSX), ("pdf", ids.OUT_PDF)):
        key = next(k for k in app.callback_map if k.startswith(f"..{target}.data..."))
        spec = app.callback_map[key]
        assert spec["state"][0] == {"id": ids.OUT_LANG, "property": "data"}
        click = spec["callback"].__wrapped__
        now, *job = click(1, "en", "Polres Uji", "Polsek Satu", 4, 2, *DEFAULT_W)
        assert all(v is dash.no_update for v in job)  # one Polsek: at once, no job
        sent[kind] = base64.b64decode(now["content"])
    book = openpyxl.load_workbook(io.BytesIO(sent["xlsx"]))
    assert book.sheetnames == ["Schedule", "Summary", "Unassigned villages", "Notes"]
    assert next(book["Schedule"].iter_rows(max_row=1, values_only=True))[0] == "Week"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(sent["pdf"])).pages)
    assert "Bhabinkamtibmas Briefing — Polsek Satu" in text and "Page 1 of" in text
    assert "Halaman" not in text and "Lembar" not in text
    # The same handler with Indonesian (or no language) gives the Indonesian files.
    id_book = cb.download("xlsx", "Polres Uji", "Polsek Satu", 4, 2, DEFAULT_W, "id")
    names = openpyxl.load_workbook(io.BytesIO(base64.b64decode(id_book["content"]))).sheetnames
    assert names[0] == "Jadwal"


def test_a_whole_polres_files_are_made_in_the_background(
    built: tuple[dash.Dash, Store], app_ctx: Store
) -> None:
    """ "(semua Polsek)": the click starts a job and returns at once; polling shows the
    progress, then hands over the same file the request would have made."""
    import time

    for kind in ("xlsx", "pdf"):
        now, job, poll_off, status, bar_hidden = cb.start_download(
            kind, "Polres Uji", "all", 8, 1, DEFAULT_W, "en"
        )
        assert now is dash.no_update and isinstance(job, str)
        assert (poll_off, bar_hidden) == (False, False)
        assert status == "Preparing the files of every Polsek…"
        deadline = time.monotonic() + 60
        while True:
            pct, status, data, stop, hidden = cb.download_progress(1, job, "en")
            if stop or time.monotonic() > deadline:
                break
            assert data is dash.no_update and not hidden
            time.sleep(0.1)
        assert (pct, status, stop, hidden) == (100, "The file is ready.", True, True)
        direct = cb.download(kind, "Polres Uji", "all", 8, 1, DEFAULT_W, "en")
        assert data["filename"] == direct["filename"]
        assert data["filename"].endswith(f"polres-uji_semua_polsek.{kind}")
        if kind == "xlsx":  # the workbook holds the same sheets (PDFs carry a timestamp)
            import openpyxl

            def sheets(sent: dict[str, str]) -> list[str]:
                book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(sent["content"])))
                return list(book.sheetnames)

            assert sheets(data) == sheets(direct)
            assert "Summary" in sheets(data)


def test_a_lost_job_says_so_in_words(app_ctx: Store) -> None:
    pct, status, data, stop, hidden = cb.download_progress(1, "no-such-job", "id")
    assert (pct, data, stop, hidden) == (0, dash.no_update, True, True)
    assert status.startswith("Berkas gagal dibuat: tugas ini tidak dikenal")
