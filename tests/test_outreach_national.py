"""Outreach at national scale: what keeps the page and ``cakupan plan`` fast, on tiny data.

- the impact limited to some kabupaten gives each of their events exactly the estimate the
  whole store gives it (controls never leave an event's kabupaten);
- the village rows of some kecamatan are the same whether codes are text or categories;
- the vectorised officer proposals equal a plain loop over every candidate;
- ``cakupan plan --area`` plans every officer of an area, with village adjacency read from
  the per-kabupaten boundary files (a national store has no file of all villages);
- the synthetic national roster and events (benchmarks/national_data.py) are what the
  intake accepts, deterministic, and staffed as described.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.errors import InputError
from analytics.outreach.impact import event_impact
from analytics.outreach.neighbours import haversine_km
from analytics.outreach.plan import _proposals
from analytics.outreach.plan_job import run_plan_job
from analytics.outreach.priority import village_rows_in
from analytics.outreach.scope import officers_in_area, scope_neighbours
from analytics.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

MONDAY = pd.Timestamp("2024-01-01")


def two_kabupaten(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Two kabupaten (99.01, 99.02) of two kecamatan with 4 villages each; 30 weeks of
    Poisson registrations; events in both kabupaten, some overlapping."""
    rng = np.random.default_rng(seed)
    codes = [f"99.0{1 + i // 8}.0{1 + i // 4 % 2}.{2001 + i % 4}" for i in range(16)]
    counts = rng.poisson(3, size=(30, 16))
    weekly = pd.DataFrame(
        [
            {"village_code": c, "week": MONDAY + pd.Timedelta(weeks=w), "registrations": n}
            for w in range(30)
            for c, n in zip(codes, counts[w], strict=True)
            if n
        ]
    )
    hosts = rng.choice(16, 10)
    events = pd.DataFrame(
        {
            "event_date": [MONDAY + pd.Timedelta(days=int(d)) for d in rng.integers(0, 200, 10)],
            "village_code": [codes[i] for i in hosts],
            "nrp": [f"8000000{i % 3}" for i in hosts],
            "attendees": 30,
            "registrations": rng.integers(0, 10, 10),
        }
    )
    villages = pd.DataFrame({"village_code": codes, "coverage_pct": rng.uniform(5, 50, 16)})
    return weekly, events, villages


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_impact_of_one_kabupaten_equals_its_events_in_the_whole_store(seed: int) -> None:
    weekly, events, villages = two_kabupaten(seed)
    whole = event_impact(weekly, events, villages, window_weeks=2).per_event
    one = event_impact(weekly, events, villages, window_weeks=2, kabupaten=["99.01"]).per_event
    expected = whole[whole["village_code"].str.startswith("99.01.")].reset_index(drop=True)
    assert len(one) == len(expected) > 0
    pd.testing.assert_frame_equal(one, expected)


def test_impact_keeps_the_weeks_of_the_whole_data() -> None:
    """A kabupaten whose registrations stop early still has the store's weeks: its last
    event is assessed (zeros after), not set aside as outside the data."""
    weekly = pd.DataFrame(
        {
            "village_code": ["99.01.01.2001"] * 4 + ["99.02.01.2001"] * 10,
            "week": [MONDAY + pd.Timedelta(weeks=w) for w in [*range(4), *range(10)]],
            "registrations": 2,
        }
    )
    villages = pd.DataFrame(
        {"village_code": ["99.01.01.2001", "99.01.01.2002", "99.01.01.2003", "99.02.01.2001"]}
    )
    events = pd.DataFrame(
        {
            "event_date": [MONDAY + pd.Timedelta(weeks=4)],
            "village_code": ["99.01.01.2001"],
            "nrp": ["80000001"],
            "attendees": 10,
            "registrations": 1,
        }
    )
    one = event_impact(weekly, events, villages, window_weeks=2, kabupaten=["99.01"]).per_event
    assert bool(one["used"].iloc[0])
    # before: weeks 2-3 (2 a week); after: weeks 5-6 (none); controls: 0 before and after
    assert one["did"].iloc[0] == pytest.approx(-2.0)


def test_village_rows_in_text_and_categorical_codes() -> None:
    coverage = pd.DataFrame(
        {
            "level": ["desa", "desa", "kecamatan", "desa"],
            "area_code": ["34.01.01.2001", "34.01.02.2001", "34.01.01", "34.02.01.2001"],
            "active": [1, 2, 3, 4],
        }
    )
    wanted = {"34.01.01", "34.02.01"}
    as_text = village_rows_in(coverage, wanted)
    categorical = village_rows_in(coverage.astype({"area_code": "category"}), wanted)
    assert as_text["active"].tolist() == categorical["active"].tolist() == [1, 4]


def proposals_by_loop(
    unassigned: pd.DataFrame,
    own: pd.DataFrame,
    spare: dict[str, int],
    adjacent: set[tuple[str, str]],
    points: pd.DataFrame,
) -> list[tuple[str, str]]:
    """The proposal rule written as a plain loop over every village and officer."""
    where = points.set_index("village_code")
    reserved = dict.fromkeys(spare, 0)
    out = []
    for v in unassigned.itertuples():
        free = [n for n in sorted(spare) if spare[n] - reserved[n] > 0]
        if not (v.high_priority and free):
            out.append((v.village_code, ""))
            continue
        keys = []
        for nrp in free:
            mine = own.loc[own["nrp"] == nrp, "village_code"].tolist()
            touch = any((v.village_code, m) in adjacent for m in mine)
            d = min(
                float(
                    haversine_km(
                        where.loc[v.village_code, "lon"],
                        where.loc[v.village_code, "lat"],
                        where.loc[m, "lon"],
                        where.loc[m, "lat"],
                    )
                )
                for m in mine
            )
            keys.append((not touch, d, nrp))
        best = min(keys)[2]
        reserved[best] += 1
        out.append((v.village_code, best))
    return out


@settings(max_examples=40, deadline=None)
@given(
    n_officers=st.integers(1, 6),
    n_unassigned=st.integers(1, 8),
    spare=st.lists(st.integers(0, 3), min_size=6, max_size=6),
    seed=st.integers(0, 10_000),
)
def test_vectorised_proposals_equal_the_plain_rule(
    n_officers: int, n_unassigned: int, spare: list[int], seed: int
) -> None:
    rng = np.random.default_rng(seed)
    nrps = [f"8000000{i}" for i in range(n_officers)]
    own_codes = [f"99.01.01.{2001 + i}" for i in range(2 * n_officers)]
    own = pd.DataFrame({"nrp": [nrps[i // 2] for i in range(len(own_codes))]})
    own["village_code"] = own_codes
    lost = [f"99.01.02.{2001 + i}" for i in range(n_unassigned)]
    codes = own_codes + lost
    points = pd.DataFrame({"village_code": codes, "lon": rng.uniform(110, 111, len(codes))}).assign(
        lat=rng.uniform(-8, -7, len(codes))
    )
    pairs = [(u, o) for u in lost for o in own_codes if rng.random() < 0.15]
    neighbours = pd.DataFrame(pairs, columns=["village_code", "neighbour_code"])
    unassigned = pd.DataFrame(
        {"village_code": lost, "high_priority": [i % 3 != 2 for i in range(n_unassigned)]}
    )
    capacity = dict(zip(nrps, spare, strict=False))
    names = {n: f"Petugas {n}" for n in nrps}
    frame, reserved = _proposals(unassigned, own, capacity, names, neighbours, points, 2)
    expected = proposals_by_loop(unassigned, own, capacity, set(pairs), points)
    proposed = [n if isinstance(n, str) else "" for n in frame["proposed_nrp"]]
    got = list(zip(frame["village_code"], proposed, strict=True))
    assert got == expected
    assert sum(reserved.values()) == sum(1 for _, n in expected if n)
    assert all(reserved[n] <= capacity[n] for n in nrps)
    adjacent = frame["basis"] == "adjacent"
    for code, nrp in zip(
        frame.loc[adjacent, "village_code"], frame.loc[adjacent, "proposed_nrp"], strict=True
    ):
        assert any((code, m) in set(pairs) for m in own.loc[own["nrp"] == nrp, "village_code"])
    assert not frame.loc[~adjacent & frame["proposed_nrp"].notna(), "distance_km"].isna().any()


def test_officers_in_area() -> None:
    officers = pd.DataFrame(
        {
            "nrp": ["1", "2", "3"],
            "village_code": ["34.01.01.2001", "34.02.01.2001", "35.01.01.2001"],
        }
    )
    assert officers_in_area(officers, "34")["nrp"].tolist() == ["1", "2"]
    assert officers_in_area(officers, " 34.02 ")["nrp"].tolist() == ["2"]
    assert officers_in_area(officers, None) is officers
    with pytest.raises(InputError, match="no officer"):
        officers_in_area(officers, "36")
    with pytest.raises(InputError, match="not a province"):
        officers_in_area(officers, "Jawa")


def test_cli_plan_for_an_area_with_adjacency_from_kabupaten_files(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from analytics.cli import app
    from tests.store_factory import write_store

    store = write_store(tmp_path / "store")
    codes = set(Store(store).areas().query("level == 'desa'")["area_code"])
    pairs = scope_neighbours(Store(store), codes)
    assert pairs is not None and len(pairs) > 0
    assert set(pairs["village_code"]) <= codes
    roster = tmp_path / "bhabinkamtibmas.csv"
    roster.write_text(
        "NRP,NAMA,PANGKAT,POLSEK,POLRES,KODE_DESA\n"
        "80010001,Budi Santoso,Bripka,Polsek Satu,Polres Satu,9901012001\n"
        "80010002,Siti Aminah,Briptu,Polsek Dua,Polres Satu,9901022001\n"
        "80010003,Joko,Aiptu,Polsek Tiga,Polresta Dua,9902011001\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["plan", "--store", str(store), "--roster", str(roster), "--area", "99.01"]
    result = CliRunner().invoke(app, [*args, "--start", "2025-01-06", "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.glob("rencana_*"))
    assert names == ["rencana_polsek-dua.xlsx", "rencana_polsek-satu.xlsx"]
    job = run_plan_job(store, tmp_path / "again", roster=roster, area="99.01")
    assert set(job.plan.summary["nrp"]) == {"80010001", "80010002"}
    bad = CliRunner().invoke(app, [*args[:-1], "77", "--out", str(out)])
    assert bad.exit_code != 0 and "no officer of the roster works in area '77'" in bad.output


def tiny_villages() -> pd.DataFrame:
    rows = []
    for kec in range(6):
        kab = kec // 3
        for v in range(7):
            urban = kab == 1 and v < 3
            rows.append(
                {
                    "kode": f"99.0{kab + 1}.0{kec + 1}.{1001 + v if urban else 2001 + v}",
                    "jenis": "kelurahan" if urban else "desa",
                    "kode_kec": f"99.0{kab + 1}.0{kec + 1}",
                    "nama_kec": f"Kec {'Sama' if kec in (0, 3) else kec}",
                    "kode_kab": f"99.0{kab + 1}",
                    "nama_kab": "Kota Uji" if kab == 1 else "Kabupaten Uji",
                }
            )
    return pd.DataFrame(rows)


def test_national_roster_and_events_are_what_the_intake_accepts(tmp_path: Path) -> None:
    from national_data import events_frame, roster_frame

    from analytics.outreach.intake import ingest_events, ingest_roster

    villages = tiny_villages()
    roster = roster_frame(villages, seed=3)
    pd.testing.assert_frame_equal(roster, roster_frame(villages, seed=3))  # deterministic
    # each village at most once; an officer's villages in one kecamatan, at most four
    assert not roster["KODE_DESA"].duplicated().any()
    kecamatan = roster.assign(kec=roster["KODE_DESA"].str[:8])
    assert not kecamatan.drop_duplicates(["NRP", "kec"])["NRP"].duplicated().any()
    assert roster.groupby("NRP").size().max() <= 4
    # a kelurahan officer covers only that kelurahan
    urban = roster[roster["KODE_DESA"].str[9] == "1"]
    assert (roster.groupby("NRP").size()[urban["NRP"]] == 1).all()
    assert set(roster["POLRES"]) == {"Polres Uji", "Polresta Uji"}
    assert roster.groupby("POLRES")["POLSEK"].nunique().to_dict() == {
        "Polres Uji": 3,
        "Polresta Uji": 3,
    }
    events = events_frame(roster, seed=3)
    assert not events.duplicated(["TANGGAL", "KODE_DESA", "NRP"]).any()
    mine = set(zip(roster["NRP"], roster["KODE_DESA"], strict=True))
    assert set(zip(events["NRP"], events["KODE_DESA"], strict=True)) <= mine
    known = pd.DataFrame({"village_code": villages["kode"]})
    roster.to_csv(tmp_path / "bhabinkamtibmas.csv", index=False)
    events.to_csv(tmp_path / "kegiatan.csv", index=False)
    r = ingest_roster(tmp_path / "bhabinkamtibmas.csv", known)
    e = ingest_events(tmp_path / "kegiatan.csv", known, officers=r.frame)
    assert r.reconciliation["accepted"] == len(roster) and r.reconciliation["rejected"] == 0
    assert e.reconciliation["accepted"] == len(events) and e.reconciliation["rejected"] == 0
    assert e.reconciliation["warnings"]["unknown_officer"] == 0
    dates = pd.to_datetime(events["TANGGAL"], format="%d/%m/%Y")
    assert dates.min() >= pd.Timestamp("2024-01-01") and dates.max() <= pd.Timestamp("2025-12-31")
    assert math.isclose(len(events) / roster["NRP"].nunique(), 2.5, abs_tol=1.5)


def test_legend_names_officers_up_to_the_colours_then_one_line() -> None:
    from layouts.outreach_map import MAX_LEGEND_OFFICERS, legend_items, officer_colours

    def villages(n_officers: int) -> pd.DataFrame:
        nrps = [f"800000{i:02d}" for i in range(n_officers)]
        return pd.DataFrame(
            {
                "nrp": [*nrps, None],
                "officers": [f"Nama {n} ({n})" for n in nrps] + [None],
                "rank": [1.0] * (n_officers + 1),
            }
        )

    few = villages(MAX_LEGEND_OFFICERS)
    items = legend_items(few, officer_colours(few["nrp"].dropna().tolist()), "id")
    assert len(items) == MAX_LEGEND_OFFICERS + 2  # each officer, no officer, top 10
    many = villages(MAX_LEGEND_OFFICERS + 1)
    items = legend_items(many, officer_colours(many["nrp"].dropna().tolist()), "en")
    assert [i["count"] for i in items] == [MAX_LEGEND_OFFICERS + 1, 1, MAX_LEGEND_OFFICERS + 2]
    assert items[0]["label"].startswith(f"{MAX_LEGEND_OFFICERS + 1} officers")


def test_many_officers_colour_the_map_by_polsek() -> None:
    """20 officers (more than the 16 colours) in 3 Polsek: one colour per Polsek, the
    legend names each Polsek with its officers and villages, hovers name both."""
    from layouts.outreach_map import (
        MAX_LEGEND_OFFICERS,
        colour_key,
        legend_items,
        officer_colours,
        outreach_map_figure,
    )

    nrps = [f"800000{i:02d}" for i in range(20)]
    units = {n: ("Polsek A", "Polsek B", "Polsek C")[i % 3] for i, n in enumerate(nrps)}
    villages = pd.DataFrame(
        {
            "village_code": [f"99.01.01.{2000 + i}" for i in range(21)],
            "village_name": [f"Desa {i}" for i in range(21)],
            "lon": 110.0,
            "lat": -7.0,
            "rank": [float(i + 1) for i in range(21)],
            "score": 0.5,
            "uncovered": 10,
            "coverage_pct": 50.0,
            "explanation": "x",
            "nrp": [*nrps, None],
            "officers": [f"Nama {n} ({n})" for n in nrps] + [None],
        }
    )
    few, key = colour_key(villages.iloc[:MAX_LEGEND_OFFICERS], lambda: units)
    assert key == "nrp" and "polsek" not in few.columns
    many, key = colour_key(villages, lambda: units)
    assert key == "polsek"
    colours = officer_colours(many["polsek"].dropna().tolist())
    assert len(colours) == 3 and len(set(colours.values())) == 3
    items = legend_items(many, colours, "id", key="polsek")
    # 20 officers: A gets indexes 0,3,...,18 (7), B 7, C 6; one village without officer
    assert [(i["label"], i["count"]) for i in items[:4]] == [
        ("Polsek A (7 Bhabinkamtibmas)", 7),
        ("Polsek B (7 Bhabinkamtibmas)", 7),
        ("Polsek C (6 Bhabinkamtibmas)", 6),
        ("Tanpa Bhabinkamtibmas", 1),
    ]
    fig = outreach_map_figure(
        many, colours, geojson_url="/g", center={"lon": 0, "lat": 0}, zoom=8, lang="id", key=key
    )
    z = fig["data"][0]["z"]
    assert z[:4] == [1, 2, 3, 1] and z[-1] == 0
    assert "Polsek B" in fig["data"][0]["hovertext"][1]
