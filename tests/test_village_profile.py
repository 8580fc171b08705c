"""The village profile's view model (analytics/report/village_profile.py) on the hand-made store
(tests/store_factory.py), with numbers computed by hand from its table, and the page's
view and download (layouts/profile/views.py, layouts/profile/link.py)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from store_factory import write_outreach, write_store

from analytics.exports.suppression import MARK
from analytics.report.village_profile import (
    ProfileError,
    VillageProfile,
    protected_tables,
    village_profile,
)
from analytics.store.reader import Store
from layouts.core.i18n import t
from layouts.profile.link import profile_href
from layouts.profile.views import note_lines, profile_file, projection_sentence

DEC = pd.Timestamp("2024-12-01")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return Store(write_outreach(write_store(tmp_path_factory.mktemp("profile") / "processed")))


def profile_of(store: Store, code: str, month: pd.Timestamp = DEC, segment: str = "BPU", **kw):  # type: ignore[no-untyped-def]
    return village_profile(
        store.coverage(),
        store.areas(),
        code=code,
        month=month,
        segment=segment,
        target_pct=kw.pop("target_pct", 100.0),
        meta=store.meta(),
        quality=store.quality(),
        officers=store.officers(),
        events=store.events(),
        reconciliation=store.reconciliation(),
        **kw,
    )


def test_segments_trend_pace_and_projection_by_hand(store: Store) -> None:
    p = profile_of(store, "99.01.01.2001")
    # Desa Satu, month index 23: BPU 100 + 2*23 = 146 of 1000 informal; PU 300 of
    # 1500 - 1000 = 500; JAKON 5, PMI 1 (no denominator); ALL 146+300+5+1 = 452 of 1500.
    seg = p.segments.set_index("segment")
    assert list(seg.index) == ["ALL", "PU", "BPU", "JAKON", "PMI"]
    assert seg["active"].tolist() == [452, 300, 146, 5, 1]
    assert seg.loc["BPU", "eligible"] == 1000 and seg.loc["BPU", "coverage_pct"] == pytest.approx(
        14.6
    )
    assert seg.loc["BPU", "gap"] == 854 and seg.loc["PU", "gap"] == 200
    assert seg.loc["ALL", "coverage_pct"] == pytest.approx(100 * 452 / 1500)
    # 12 months ago BPU was 100 + 2*11 = 122 -> 12.2 %: +2.4 pp
    assert seg.loc["BPU", "change_yoy_pp"] == pytest.approx(2.4)
    assert pd.isna(seg.loc["JAKON", "coverage_pct"])
    assert len(p.trend) == 24 and p.trend["active"].iloc[0] == 100
    # +2 members a month of 1000 = +0.2 pp a month; (100 - 14.6) / 0.2 = 427 months
    assert p.pace_pp_per_month == pytest.approx(0.2)
    assert p.projected == pd.Timestamp("2060-07-01")
    assert p.parents == (
        ("kecamatan", "99.01.01", "Kecamatan Satu"),
        ("kabupaten", "99.01", "Kabupaten Satu"),
        ("provinsi", "99", "Provinsi Uji"),
    )
    assert p.workforce_source == "Data uji (tenaga kerja per desa)" and p.demo


def test_projection_to_a_lower_target_and_already_reached(store: Store) -> None:
    # (20 - 14.6) / 0.2 = 27 months after Dec 2024 -> Mar 2027
    assert profile_of(store, "99.01.01.2001", target_pct=20.0).projected == pd.Timestamp(
        "2027-03-01"
    )
    reached = profile_of(store, "99.01.01.2001", target_pct=10.0)
    assert reached.projected == DEC
    assert projection_sentence(reached, "en").endswith(
        t("profile.reached", "en", target="10%", month="December 2024")
    )
    # Desa Tiga: 10 of 800 every month, flat pace: never
    flat = profile_of(store, "99.01.02.2001")
    assert flat.pace_pp_per_month == pytest.approx(0.0) and flat.projected is None
    assert t("profile.not_reached", "id", target="100%") in projection_sentence(flat, "id")


def test_officer_and_last_event_up_to_the_month(store: Store) -> None:
    p = profile_of(store, "99.01.01.2001")
    assert p.officers[["nrp", "name", "polsek"]].to_numpy().tolist() == [
        ["11111111", "Budi Santoso", "Polsek Satu"]
    ]
    assert "phone" not in p.officers.columns
    assert (p.last_event.date, p.last_event.attendees, p.last_event.registrations) == (
        pd.Timestamp("2024-06-03"),
        40,
        6,
    )
    assert p.events == 1
    before = profile_of(store, "99.01.01.2001", month=pd.Timestamp("2024-05-01"))
    assert before.last_event is None and before.events == 1
    lonely = profile_of(store, "99.01.02.2001")  # Desa Tiga has no officer and no event
    assert lonely.officers.empty and lonely.last_event is None and lonely.events == 0


def test_flags_and_notes(store: Store) -> None:
    over = profile_of(store, "99.02.01.1001")  # BPU 120 of 100 every month
    assert over.flags[["flag", "segment", "months", "in_month"]].to_numpy().tolist() == [
        ["over_100", "BPU", 24, True]
    ]
    lines = note_lines(over, "en")
    assert lines[0] == "> 100% · BPU: 24 months (Jan 2023 – Dec 2024), including this month"
    # reconciliation by kabupaten: 99.02 matched 8, unmatched 0
    assert over.kabupaten_unmatched == (8, 0)
    none = profile_of(store, "99.02.01.1002")  # no denominator at all
    assert sorted(none.flags["segment"]) == ["ALL", "BPU", "PU"]
    assert set(none.flags["flag"]) == {"missing_eligible"} and none.projected is None
    assert projection_sentence(none, "en").endswith(t("profile.no_coverage", "en"))
    clean = profile_of(store, "99.01.01.2002")
    assert note_lines(clean, "id")[0] == t("profile.no_flags", "id")
    # 99.01: 15 matched, 1 unmatched -> 1 of 16
    assert "(1 dari 16)" in note_lines(clean, "id")[1]


def test_unknown_village_is_an_error(store: Store) -> None:
    with pytest.raises(ProfileError):
        profile_of(store, "99.01.01.2999")
    with pytest.raises(ProfileError):
        profile_of(store, "99.01")  # a kabupaten is not a village


def test_optional_inputs_may_be_missing(store: Store) -> None:
    p = village_profile(
        store.coverage(),
        store.areas(),
        code="99.01.01.2002",
        month=DEC,
        segment="PU",
        target_pct=100.0,
        meta={},
    )
    assert p.officers.empty and p.last_event is None and p.flags.empty
    assert p.kabupaten_unmatched is None and p.workforce_source == ""
    assert p.current["active"] == 200  # Desa Dua PU


def _profile_with(segments: dict[str, int], trend: list[int]) -> VillageProfile:
    """A profile with these active counts (eligible 100 each) and this BPU trend."""
    seg = pd.DataFrame(
        {
            "segment": list(segments),
            "active": list(segments.values()),
            "eligible": 100.0,
            "coverage_pct": [float(v) for v in segments.values()],
            "gap": [100.0 - v for v in segments.values()],
            "change_yoy_pp": 0.0,
        }
    )
    months = pd.date_range("2024-01-01", periods=len(trend), freq="MS")
    tr = pd.DataFrame({"month": months, "active": trend, "eligible": 100.0})
    tr["coverage_pct"] = tr["active"].astype(float)
    return VillageProfile(
        code="99.01.01.2001",
        name="Desa Satu",
        kind="desa",
        parents=(),
        month=months[-1],
        segment="BPU",
        segments=seg,
        trend=tr,
        pace_pp_per_month=None,
        projected=None,
        target_pct=100.0,
        workforce_source="",
        workforce_files=(),
        officers=pd.DataFrame(),
        last_event=None,
        events=0,
        flags=pd.DataFrame(),
        kabupaten_unmatched=None,
        data_until="",
        built_at="",
        demo=False,
    )


def test_protection_hides_small_counts_complements_and_derived_values() -> None:
    # PU 3 is small; the smallest other non-zero segment (PMI 9) is its complement, so
    # ALL (= 3 + 40 + 9 + 0 = 52) still cannot give it back.
    p = _profile_with({"ALL": 52, "PU": 3, "BPU": 40, "JAKON": 0, "PMI": 9}, [2, 7, 0, 12])
    out = protected_tables(p, 5)
    seg = out.segments.set_index("segment")
    assert seg["active"].tolist() == [52, MARK, 40, 0, MARK]
    assert seg.loc["PU", "coverage_pct"] == MARK and seg.loc["PU", "gap"] == MARK
    assert seg.loc["PU", "eligible"] == 100.0  # workforce figures are not member counts
    # trend: one count per month, no total: only the small one (2) is hidden, zero is not
    assert out.trend["active"].tolist() == [MARK, 7, 0, 12]
    assert out.trend["coverage_pct"].tolist()[0] == MARK
    assert out.suppressed == 3 and out.notes
    assert protected_tables(p, None).segments["active"].tolist() == [52, 3, 40, 0, 9]


def test_a_small_total_is_hidden_too() -> None:
    p = _profile_with({"ALL": 4, "PU": 4, "BPU": 0, "JAKON": 0, "PMI": 0}, [4])
    seg = protected_tables(p, 5).segments.set_index("segment")
    assert seg.loc["ALL", "active"] == MARK and seg.loc["PU", "active"] == MARK


def test_profile_csv_and_xlsx_in_english(store: Store) -> None:
    p = profile_of(store, "99.01.01.2001")
    data, name, media = profile_file(p, "csv", 5, "en", date(2025, 1, 31), outreach=True)
    assert name == "cakupan_profil_99-01-01-2001_2024-12_BPU.csv" and media == "text/csv"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Segment", "Active members", "Workers (denominator)"]
    assert rows[3][:2] == ["BPU", "146"] and rows[5][:2] == ["PMI", MARK]
    flat = [r[0] for r in rows]
    assert "Synthetic data (demo): yes" in flat and "Exported: 31/01/2025" in flat
    xlsx, _, _ = profile_file(p, "xlsx", 5, "en", date(2025, 1, 31), outreach=True)
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    notes = [[c.value for c in r] for r in book["Notes"].iter_rows()]
    assert [
        "Bhabinkamtibmas (village officer)",
        "Budi Santoso (11111111) · Polsek Satu · Polres Uji",
    ] in notes
    # registrations on the day (6) and attendees (40) are not small: shown
    assert ["Registered that day", 6] in notes
    no_outreach, _, _ = profile_file(p, "xlsx", 5, "en", date(2025, 1, 31), outreach=False)
    text = str(
        [
            [c.value for c in r]
            for r in openpyxl.load_workbook(io.BytesIO(no_outreach))["Notes"].iter_rows()
        ]
    )
    assert "Budi" not in text and "11111111" not in text


def test_profile_csv_in_indonesian_uses_semicolons_and_decimal_commas(store: Store) -> None:
    p = profile_of(store, "99.01.01.2001")
    data, _, _ = profile_file(p, "csv", 5, "id", date(2025, 1, 31), outreach=True)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Segmen", "Peserta aktif"]
    assert rows[3][:2] == ["BPU", "146"]
    coverage = [r for r in rows[1:6] if len(r) > 3]
    assert all("." not in cell for r in coverage for cell in r[1:] if cell not in ("", MARK))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_profile_pdf_carries_the_same_figures_in_the_language(store: Store, lang: str) -> None:
    from pypdf import PdfReader

    p = profile_of(store, "99.01.01.2001")
    data, name, media = profile_file(p, "pdf", 5, lang, date(2025, 1, 31), outreach=False)
    assert name == "cakupan_profil_99-01-01-2001_2024-12_BPU.pdf"
    assert media == "application/pdf" and data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert p.name in text and "146" in text  # the BPU members of the segment table
    assert t("profile.sheet.trend", lang) in text or t("profile.trend", lang) in text
    page_of = "Halaman 1 dari" if lang == "id" else "Page 1 of"
    assert page_of in text
    assert reader.metadata is not None and reader.metadata.title.endswith(p.name)
    assert reader.metadata.author == "Cakupan"
    # the trend chart is vector drawing, not an image
    assert not any(page.images for page in reader.pages)
    # the officer (personal data) stays out when the role has no outreach right
    assert "Budi" not in text and "11111111" not in text


def test_map_click_opens_the_profile_only_at_village_level() -> None:
    click = {"points": [{"location": "99.01.01.2001"}]}
    view = {"level": "desa", "area": "99.01.01"}
    href = profile_href(view, click, "2024-12", "PU", "en")
    assert href == "/desa?area=99.01.01.2001&month=2024-12&segment=PU&lang=en"
    assert (
        profile_href({"level": "kecamatan", "area": "99.01"}, click, "2024-12", "PU", "en") is None
    )
    assert profile_href(view, {"points": []}, "2024-12", "PU", "en") is None
    assert profile_href(view, {"points": [{"location": "99.01"}]}, None, None, None) is None


def test_store_without_roster(tmp_path: Path) -> None:
    bare = Store(write_store(tmp_path / "processed"))
    from layouts.profile.views import read_profile

    p, roster = read_profile(bare, "99.01.01.2001", "2024-12", "BPU", 100.0, outreach=True)
    assert roster is False and p.officers.empty and p.segments["active"].iloc[0] == 452


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=30), min_size=4, max_size=4))
def test_protected_segments_never_give_a_small_count_back(parts: list[int]) -> None:
    """Whatever the four segment counts: every count of 1-4 is hidden, and when the total
    (ALL) is published, the hidden segments are never exactly one (the total minus the
    visible ones would be it)."""
    counts = dict(zip(("PU", "BPU", "JAKON", "PMI"), parts, strict=True))
    p = _profile_with({"ALL": sum(parts), **counts}, [1])
    seg = protected_tables(p, 5).segments.set_index("segment")["active"]
    for name, value in {"ALL": sum(parts), **counts}.items():
        if 0 < value < 5:
            assert seg[name] == MARK, (name, value)
    hidden_parts = [name for name in counts if seg[name] == MARK]
    if seg["ALL"] != MARK:
        assert len(hidden_parts) != 1
