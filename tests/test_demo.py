"""The synthetic demo province: canonical frames, planted facts and the raw files written.

The full demo (seed 7) is built once per module; file-format tests write a smaller slice of
it (every file, every planted problem, fewer clean memberships) to keep the module fast.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyogrio
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from rapidfuzz.distance import Levenshtein
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components
from typer.testing import CliRunner

from analytics.demo import DemoData, build_demo, write_demo
from analytics.demo.defects import interleave, typed_village, village_typo
from analytics.demo.geometry import make_contiguous, village_layout
from analytics.demo.names import place_name_pool
from analytics.demo.population import SOURCE
from analytics.demo.registry import FILES, PLANTED, RegistryTables, registry_tables
from analytics.schemas import (
    MembershipSchema,
    OfficerSchema,
    OutreachEventSchema,
    VillageSchema,
    WorkforceSchema,
)

END = pd.Timestamp("2025-12-31")


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return build_demo(7)


@pytest.fixture(scope="module")
def registry(demo: DemoData) -> RegistryTables:
    return registry_tables(demo)


@pytest.fixture(scope="module")
def small(demo: DemoData) -> DemoData:
    members = demo.memberships.groupby("file", sort=False).head(1500).reset_index(drop=True)
    return dataclasses.replace(demo, memberships=members)


@pytest.fixture(scope="module")
def written(small: DemoData, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("demo")
    return write_demo(small, root / "data", root / "shapefiles")


def with_member_id(members: pd.DataFrame) -> pd.DataFrame:
    key = members["kpj"].fillna(members["nik"])
    ids = [hashlib.sha256(k.encode()).hexdigest()[:32] for k in key]
    return members.assign(member_id=ids)


# --- canonical frames -------------------------------------------------------------------


def test_canonical_frames_validate(demo: DemoData) -> None:
    VillageSchema.validate(demo.villages)
    WorkforceSchema.validate(demo.workforce)
    OfficerSchema.validate(demo.officers)
    OutreachEventSchema.validate(demo.events)
    MembershipSchema.validate(with_member_id(demo.memberships.head(5000)))
    assert demo.villages.crs == "EPSG:4326"


def _break(frame: pd.DataFrame, column: str, value: object) -> pd.DataFrame:
    broken = frame.copy()
    broken.loc[broken.index[0], column] = value
    return broken


@pytest.mark.parametrize(
    ("schema", "frame_of", "column", "value", "message"),
    [
        (VillageSchema, "villages", "kecamatan_code", "99.01.02",
         "kecamatan_code must be the first 8 characters of village_code"),
        (WorkforceSchema, "workforce", "workers", -5, "greater_than_or_equal_to\\(0\\)"),
        (WorkforceSchema, "workforce", "informal_workers", 10**7,
         "informal_workers must not exceed workers"),
        (OfficerSchema, "officers", "nrp", "1234567", "nrp.*failure cases: 1234567"),
        (MembershipSchema, "memberships", "ended_on", pd.Timestamp("2018-01-01"),
         "ended_on must not be before registered_on"),
    ],
)  # fmt: skip
def test_schemas_reject_broken_frames(
    demo: DemoData, schema: type, frame_of: str, column: str, value: object, message: str
) -> None:
    frame = getattr(demo, frame_of)
    if frame_of == "memberships":
        frame = with_member_id(frame.head(100))
    with pytest.raises(pa.errors.SchemaError, match=message):
        schema.validate(_break(frame, column, value))  # type: ignore[attr-defined]


def test_same_seed_gives_equal_frames_and_another_seed_differs(demo: DemoData) -> None:
    again = build_demo(7)
    for name in ("memberships", "workforce", "officers", "events"):
        pd.testing.assert_frame_equal(getattr(again, name), getattr(demo, name))
    pd.testing.assert_frame_equal(
        pd.DataFrame(again.villages.drop(columns="geometry")),
        pd.DataFrame(demo.villages.drop(columns="geometry")),
    )
    assert again.villages.geometry.geom_equals_exact(demo.villages.geometry, 0).all()
    assert again.outline.equals_exact(demo.outline, 0)
    # Every draw comes from one Generator seeded once; another seed changes the very first.
    other = village_layout(np.random.default_rng(8))
    assert not other.outline.equals(demo.outline)
    assert len(other.points) != len(demo.villages) or not np.allclose(
        other.points, np.column_stack([again.villages.centroid.x, again.villages.centroid.y])
    )


# --- geography --------------------------------------------------------------------------


def _pieces(geometry: object) -> int:
    return len(getattr(geometry, "geoms", [geometry]))


def test_polygons_are_valid_and_tile_the_province(demo: DemoData) -> None:
    geoms = demo.villages.geometry
    assert geoms.is_valid.all()
    assert geoms.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    outline_area = demo.outline.area
    union_area = shapely.union_all(geoms.to_numpy()).area
    assert abs(union_area - outline_area) / outline_area < 1e-4  # no gaps
    area_sum = shapely.area(geoms.to_numpy()).sum()  # in square degrees, like the outline
    assert abs(area_sum - union_area) / union_area < 1e-4  # no overlaps
    minx, miny, maxx, maxy = demo.outline.bounds
    assert 109.9 <= minx and maxx <= 111.3 and -9.95 <= miny and maxy <= -8.95  # in the ocean
    for level in ("kecamatan_code", "kabupaten_code"):
        dissolved = demo.villages.dissolve(by=level)
        assert all(_pieces(g) == 1 for g in dissolved.geometry), f"{level} not contiguous"


def test_administrative_hierarchy(demo: DemoData) -> None:
    v = demo.villages
    assert 400 <= len(v) <= 460
    assert 70 <= v["kecamatan_code"].nunique() <= 80
    assert set(v["kabupaten_code"]) == {"99.01", "99.02", "99.03", "99.04", "99.71"}
    names = v.drop_duplicates("kabupaten_code").set_index("kabupaten_code")["kabupaten_name"]
    assert names["99.71"].startswith("Kota ")
    assert all(names[c].startswith("Kabupaten ") for c in ("99.01", "99.02", "99.03", "99.04"))
    serial = v["village_code"].str.slice(9, 10)
    assert ((serial == "1") == (v["kind"] == "kelurahan")).all()
    assert (v.loc[v["kabupaten_code"] == "99.71", "kind"] == "kelurahan").all()
    assert (v.loc[v["kabupaten_code"] != "99.71", "kind"] == "kelurahan").sum() > 0
    assert (v["province_name"] == "Provinsi Contoh").all()
    urban = v.to_crs(v.estimate_utm_crs()).area.groupby(v["kind"]).median()
    assert urban["kelurahan"] < urban["desa"]  # small urban villages, large rural ones


def test_village_names_repeat_across_kecamatan(demo: DemoData) -> None:
    v = demo.villages
    per_name = v.groupby("village_name").agg(
        kec=("kecamatan_code", "nunique"), kab=("kabupaten_code", "nunique"), n=("kind", "size")
    )
    repeated = per_name.loc[per_name["n"] > 1]
    assert len(repeated) >= 10
    assert (repeated["kec"] == repeated["n"]).all()  # never twice in one kecamatan
    assert (repeated["kab"] == 1).sum() >= 3  # a few within one kabupaten


# --- officers and events ----------------------------------------------------------------


def test_roster_shape(demo: DemoData) -> None:
    o, v = demo.officers, demo.villages
    per_officer = o.groupby("nrp").agg(villages=("village_code", "size"), name=("name", "nunique"))
    assert (per_officer["name"] == 1).all()
    assert 0.35 <= (per_officer["villages"] > 1).mean() <= 0.65
    assert per_officer["villages"].max() <= 4
    assert o.groupby("nrp")["village_code"].agg(lambda c: c.str.slice(0, 8).nunique()).max() == 1
    uncovered = (~v["village_code"].isin(o["village_code"])).mean()
    assert 0.05 <= uncovered <= 0.15
    kec_name = v.set_index("village_code")["kecamatan_name"]
    assert (o["polsek"] == "Polsek " + o["village_code"].map(kec_name)).all()
    assert (
        o.loc[o["village_code"].str.startswith("99.71"), "polres"].str.startswith("Polresta ").all()
    )
    assert set(o["rank"]) <= {"Bripda", "Briptu", "Brigpol", "Bripka", "Aipda", "Aiptu"}
    assert o["office_phone"].str.fullmatch(r"0274-5\d{5}").all()


def test_events_are_held_by_an_officer_of_the_village(demo: DemoData) -> None:
    e = demo.events
    pairs = set(zip(demo.officers["nrp"], demo.officers["village_code"], strict=True))
    assert all((n, c) in pairs for n, c in zip(e["nrp"], e["village_code"], strict=True))
    assert (e["event_date"].dt.year == 2025).all()
    assert e["attendees"].between(10, 80).all()
    assert (e["registrations"] <= 0.4 * e["attendees"]).all()
    day = demo.memberships.loc[demo.memberships["origin"] == "event_day"]
    got = day.groupby(["village_code", "registered_on"]).size()
    want = e.loc[e["registrations"] > 0].groupby(["village_code", "event_date"])["registrations"]
    assert got.sort_index().tolist() == want.sum().sort_index().tolist()
    assert (day["segment"] == "BPU").all()


def test_events_lift_bpu_registrations_in_the_following_weeks(demo: DemoData) -> None:
    m = demo.memberships
    bpu = m.loc[(m["segment"] == "BPU") & (m["origin"] != "event_day")]
    before = after = 0
    for village, day in zip(demo.events["village_code"], demo.events["event_date"], strict=True):
        dates = bpu.loc[bpu["village_code"] == village, "registered_on"]
        before += int(dates.between(day - pd.Timedelta(days=28), day, inclusive="left").sum())
        after += int(dates.between(day, day + pd.Timedelta(days=28), inclusive="right").sum())
    assert after > 1.5 * before


# --- memberships and denominators -------------------------------------------------------


def _active_on(members: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    on = (members["registered_on"] <= day) & (
        members["ended_on"].isna() | (members["ended_on"] > day)
    )
    return members.loc[on]


def test_memberships_shape(demo: DemoData) -> None:
    m = demo.memberships
    assert 140_000 <= len(m) <= 160_000
    share = m["segment"].value_counts(normalize=True)
    assert 0.07 <= share["JAKON"] <= 0.13 and 0.01 <= share["PMI"] <= 0.03
    assert m["registered_on"].min() == pd.Timestamp("2019-01-01")
    assert m["registered_on"].max() == END and m["ended_on"].max() <= END
    assert (m["ended_on"].isna() | (m["ended_on"] >= m["registered_on"])).all()
    assert 0.2 <= m["ended_on"].notna().mean() <= 0.8
    kpj = m["kpj"].dropna()
    assert kpj.str.fullmatch(r"\d{11}").all() and kpj.is_unique
    assert 0.01 <= m["kpj"].isna().mean() <= 0.05
    assert not m.loc[m["kpj"].isna() & m["file"].eq("manual_kecamatan")].shape[0]
    good = m["nik"].str.fullmatch(r"\d{16}")
    assert 5 <= (~good).sum() <= 50 and m.loc[~good, "kpj"].notna().all()
    nik = m.loc[good, "nik"]
    area = m.loc[good, "village_code"].str.replace(".", "", regex=False).str.slice(0, 6)
    assert (nik.str.slice(0, 6) == area).all()
    day = nik.str.slice(6, 8).astype(int)
    assert (day.between(1, 31) | day.between(41, 71)).all() and (day > 40).mean() > 0.2
    assert nik.is_unique


def test_coverage_is_plausible_and_bpu_far_below_pu(demo: DemoData) -> None:
    w = demo.workforce.loc[demo.workforce["year"] == 2025].set_index("village_code")
    active = _active_on(demo.memberships, END).groupby(["segment", "village_code"]).size()
    pu = active["PU"].reindex(w.index, fill_value=0) / (w["workers"] - w["informal_workers"])
    bpu = active["BPU"].reindex(w.index, fill_value=0) / w["informal_workers"]
    normal = pu.index != demo.village_over_100
    assert 0.45 <= pu[normal].median() <= 0.75
    assert 0.05 <= bpu.median() <= 0.25 and bpu.median() < pu.median() / 2
    assert pu[normal].quantile(0.95) <= 0.9 and bpu.quantile(0.95) <= 0.35
    assert pu[demo.village_over_100] > 1.0
    kec_pu = pu[normal].groupby(pu[normal].index.str.slice(0, 8)).median()
    assert kec_pu.max() - kec_pu.min() > 0.15  # coverage varies in space
    earlier = _active_on(demo.memberships, pd.Timestamp("2021-12-31"))
    assert (earlier["segment"] == "PU").sum() < active["PU"].sum()  # and rises over time


def test_workforce_denominators(demo: DemoData) -> None:
    w = demo.workforce
    missing = set(demo.villages["village_code"]) - set(w["village_code"])
    assert missing == set(demo.villages_without_workforce) and len(missing) == 3
    assert sorted(w["year"].unique()) == list(range(2019, 2026))
    share = w["informal_workers"] / w["workers"]
    assert share.between(0.39, 0.81).all()
    wide = w.pivot_table(index="village_code", columns="year", values="workers", aggfunc="sum")
    assert (wide[2025] >= wide[2019]).all()
    urban = demo.villages.set_index("village_code")["kind"].eq("kelurahan")
    assert wide[2025].groupby(urban).median()[True] > wide[2025].groupby(urban).median()[False]
    assert (w["source"] == SOURCE).all() and SOURCE == "Sintetis / synthetic (demo)"


# --- the registry files' rows and the truth ---------------------------------------------


def test_truth_counts_what_was_planted(demo: DemoData, registry: RegistryTables) -> None:
    truth = registry.truth
    assert truth["totals"]["clean_rows"] == len(demo.memberships)
    for key, table in registry.tables.items():
        facts = truth["files"][FILES[key]]
        assert facts["rows"] == len(table)
        for problem, count in PLANTED[key].items():
            assert facts["planted"][problem] == count == (table["problem"] == problem).sum()
        columns = [c for c in table.columns if c != "problem"]
        duplicated = table[columns].duplicated(keep="first")
        assert (duplicated == (table["problem"] == "duplicate_within_file")).all()
    pu = registry.tables["penerima_upah"].set_index("problem")
    assert (pu.loc["impossible_date", "TGL_KEPESERTAAN"] == "2023-02-31").all()
    assert (pu.loc["unknown_village_code", "KODE_DESA"] == "99.09.99.9999").all()
    assert (pu.loc["no_identity", ["NO_KPJ", "NIK"]] == "").all().all()
    bad_end = pu.loc["end_before_start"]
    assert (bad_end["TGL_NONAKTIF"] < bad_end["TGL_KEPESERTAAN"]).all()
    manual, bpu = registry.tables["manual_kecamatan"], registry.tables["bpu"]
    across = manual.loc[manual["problem"] == "duplicate_across_files"]
    assert len(across) == 6 and across["NO_KPJ"].isin(bpu["KPJ"]).all()
    assert manual.loc[manual["problem"] == "", "NO_KPJ"].isin(bpu["KPJ"]).sum() == 0


def _norm(text: str, prefixes: tuple[str, ...] = ()) -> str:
    text = " ".join(text.split()).casefold()
    for prefix in prefixes:
        text = text.removeprefix(prefix)
    return text


def test_manual_place_names_resolve_as_planted(demo: DemoData, registry: RegistryTables) -> None:
    """A simple matcher (normalise, then exact name, then one letter off within the
    kecamatan) places every clean row in its true village, and the planted ambiguous and
    unknown names stay ambiguous and unknown."""
    v = demo.villages
    kab_bare = v["kabupaten_name"].str.replace(r"^(Kabupaten|Kota) ", "", regex=True)
    places = list(
        zip(
            v["village_code"],
            v["village_name"].str.casefold(),
            v["kecamatan_name"].str.casefold(),
            kab_bare.str.casefold(),
            strict=True,
        )
    )
    manual = registry.tables["manual_kecamatan"]
    village_of = demo.memberships.dropna(subset=["kpj"]).set_index("kpj")["village_code"]
    outcome = []
    for row in manual.itertuples():
        desa = _norm(row.DESA, ("desa ", "ds. ", "kelurahan ", "kel. "))
        kec = _norm(row.KECAMATAN, ("kec. ",))
        kab = _norm(row.KABUPATEN, ("kabupaten ", "kab. ", "kab ", "kota "))
        pool = [p for p in places if (not kec or p[2] == kec) and (not kab or p[3] == kab)]
        exact = [p[0] for p in pool if p[1] == desa]
        near = [p[0] for p in pool if kec and Levenshtein.distance(desa, p[1]) == 1]
        if len(exact) == 1:
            found, code = "exact", exact[0]
        elif len(exact) > 1:
            found, code = "ambiguous", None
        elif len(near) == 1:
            found, code = "typo", near[0]
        else:
            found, code = "unknown", None
        outcome.append(found)
        if not row.problem:
            assert code == village_of[row.NO_KPJ], row
    result = manual.assign(outcome=outcome)
    variants = registry.truth["files"][FILES["manual_kecamatan"]]["variants"]
    clean = result.loc[result["problem"] == ""]
    assert (clean["outcome"] == "typo").sum() == variants["typo_in_village_name"] > 30
    assert clean["outcome"].isin(["exact", "typo"]).all()
    planted = result.set_index("problem")["outcome"]
    assert (planted["ambiguous_village_name"] == "ambiguous").all()
    assert (planted["unknown_village_name"] == "unknown").all()
    assert variants["kecamatan_left_blank"] > 0 and variants["prefixed_village_name"] > 0


# --- the files written ------------------------------------------------------------------


def test_files_have_the_stated_headers_and_encodings(written: dict[str, Path]) -> None:
    pu = written["registry_pu"].read_bytes().decode("utf-8")
    assert pu.splitlines()[0] == "NO_KPJ,NIK,NAMA,KODE_DESA,SEGMEN,TGL_KEPESERTAAN,TGL_NONAKTIF"
    raw = written["registry_manual"].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert text.splitlines()[0] == (
        "NO_KPJ;NAMA;DESA;KECAMATAN;KABUPATEN;SEGMEN;TGL_KEPESERTAAN;TGL_NONAKTIF"
    )
    assert "é" in text and "31/02/2023" in text
    table = pd.read_csv(written["registry_manual"], sep=";", encoding="cp1252", dtype=str)
    assert table["TGL_KEPESERTAAN"].dropna().str.fullmatch(r"\d\d/\d\d/\d{4}").all()
    codes = pd.read_csv(written["registry_pu"], dtype=str, keep_default_na=False)["KODE_DESA"]
    assert codes.str.fullmatch(r"\d{10}").mean() > 0.8
    assert codes.str.fullmatch(r"\d\d\.\d\d\.\d\d\.\d{4}").mean() > 0.05
    headers = {
        "workforce": "KODE_DESA,TAHUN,JUMLAH_PEKERJA,PEKERJA_INFORMAL,SUMBER",
        "roster": "NRP,NAMA,PANGKAT,POLSEK,POLRES,KODE_DESA,NO_HP_KANTOR",
        "events": "TANGGAL,KODE_DESA,NRP,JUMLAH_PESERTA,PENDAFTARAN",
    }
    for kind, header in headers.items():
        assert written[kind].read_text(encoding="utf-8").splitlines()[0] == header
    events = pd.read_csv(written["events"], dtype=str)
    assert events["TANGGAL"].str.fullmatch(r"\d\d/\d\d/2025").all()


def test_row_counts_match_truth(written: dict[str, Path]) -> None:
    truth = json.loads(written["truth"].read_text())
    files = truth["files"]
    pu = pd.read_csv(written["registry_pu"], dtype=str)
    manual = pd.read_csv(written["registry_manual"], sep=";", encoding="cp1252", dtype=str)
    assert len(pu) == files[FILES["penerima_upah"]]["rows"]
    assert len(manual) == files[FILES["manual_kecamatan"]]["rows"]
    book = load_workbook(written["registry_bpu"], read_only=True)
    assert (
        sum(1 for _ in book.active.iter_rows(values_only=True)) - 1 == files[FILES["bpu"]]["rows"]
    )
    assert truth["synthetic"] is True and truth["generated_by"] == "cakupan demo --seed 7"


def test_xlsx_has_text_ids_and_real_dates(written: dict[str, Path], tmp_path: Path) -> None:
    book = load_workbook(written["registry_bpu"], read_only=True)
    rows = list(book.active.iter_rows(max_row=400))
    header = [c.value for c in rows[0]]
    assert header == [
        "KPJ", "NIK", "NAMA_PESERTA", "ALAMAT", "KODE_WILAYAH", "SEGMEN", "TGL_DAFTAR",
        "TGL_BERHENTI",
    ]  # fmt: skip
    body = [dict(zip(header, r, strict=False)) for r in rows[1:]]  # trailing empties dropped
    ids = [r[k] for r in body for k in ("KPJ", "NIK", "KODE_WILAYAH") if r[k].value]
    assert ids and all(c.data_type == "s" for c in ids)
    dates = [r["TGL_DAFTAR"] for r in body if r["TGL_DAFTAR"].value is not None]
    real = [c for c in dates if c.is_date]
    assert len(real) >= len(dates) - 3 and isinstance(real[0].value, dt.datetime)
    assert {r["SEGMEN"].value.casefold() for r in body} <= {"bukan penerima upah", "xyz"}
    assert book.properties.created == book.properties.modified == dt.datetime(2026, 1, 1)


def test_boundaries_have_two_layers_and_text_codes(written: dict[str, Path]) -> None:
    layers = {name for name, _ in pyogrio.list_layers(written["boundaries"])}
    assert layers == {"desa_kelurahan", "batas_provinsi"}
    villages = gpd.read_file(written["boundaries"], layer="desa_kelurahan")
    assert list(villages.columns) == [
        "KODE_DESA", "NAMA_DESA", "JENIS", "KODE_KEC", "NAMA_KEC", "KODE_KAB", "NAMA_KAB",
        "KODE_PROV", "NAMA_PROV", "geometry",
    ]  # fmt: skip
    assert villages["KODE_DESA"].str.fullmatch(r"99\.\d\d\.\d\d\.\d{4}").all()
    assert villages.crs == "EPSG:4326" and villages.is_valid.all()


def test_readme_is_written_last_and_says_synthetic(written: dict[str, Path]) -> None:
    readme = written["readme"]
    text = readme.read_text(encoding="utf-8")
    assert "DATA SINTETIS" in text and "SYNTHETIC DATA" in text
    assert "cakupan demo --seed 7" in text
    assert all(readme.stat().st_mtime_ns >= p.stat().st_mtime_ns for p in written.values())


def test_cli_demo_writes_every_file_deterministically(
    small: DemoData, written: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli.main import app

    seeds: list[int] = []

    def small_build(seed: int) -> DemoData:
        seeds.append(seed)
        return small

    monkeypatch.setattr("analytics.demo.writers.build_demo", small_build)
    out, shp = tmp_path / "demo", tmp_path / "shp"
    result = CliRunner().invoke(
        app, ["demo", "--seed", "11", "--out", str(out), "--shapefiles", str(shp)]
    )
    assert result.exit_code == 0, result.output
    assert seeds == [11]
    assert (shp / "provinsi_contoh.gpkg").is_file() and (out / "README.txt").is_file()
    for kind in ("registry_pu", "registry_bpu", "registry_manual", "roster", "events"):
        relative = written[kind].relative_to(written["readme"].parent)
        assert (out / relative).read_bytes() == written[kind].read_bytes(), kind  # deterministic
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    result = CliRunner().invoke(app, ["demo", "--out", str(blocked), "--shapefiles", str(shp)])
    assert result.exit_code == 2 and "not a folder" in result.output
    assert "Traceback" not in result.output


# --- properties of the building blocks --------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 7),
    st.integers(2, 7),
    st.data(),
)
def test_make_contiguous_leaves_every_label_in_one_piece(
    rows: int, cols: int, data: st.DataObject
) -> None:
    n = rows * cols
    labels = np.array(data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    index = np.arange(n).reshape(rows, cols)
    edges = np.vstack(
        [np.column_stack([index[:, :-1].ravel(), index[:, 1:].ravel()]),
         np.column_stack([index[:-1, :].ravel(), index[1:, :].ravel()])]
    )  # fmt: skip
    result = make_contiguous(labels, edges, n)
    assert set(result) <= set(labels)
    for label in np.unique(result):
        cells = np.flatnonzero(result == label)
        keep = np.isin(edges, cells).all(axis=1)
        e = edges[keep]
        graph = coo_array((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n))
        _, piece = connected_components(graph, directed=False)
        assert len(np.unique(piece[cells])) == 1
    assert (make_contiguous(result, edges, n) == result).all()


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 60), st.integers(0, 5), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_interleave_keeps_every_row_and_puts_copies_after_originals(
    n: int, bad: int, copies: int, seed: int
) -> None:
    copies = min(copies, n - 1)
    rng = np.random.default_rng(seed)
    clean = pd.DataFrame({"id": [f"c{i}" for i in range(n)]})
    planted = pd.DataFrame({"id": [f"b{i}" for i in range(bad)], "problem": "x"})
    rows = interleave(rng, clean, planted, copies)
    assert len(rows) == n + bad + copies
    ids = rows["id"].tolist()
    originals = rows.loc[rows["problem"] == "", "id"].tolist()
    assert originals == clean["id"].tolist()
    assert sorted(rows.loc[rows["problem"] == "x", "id"]) == sorted(planted["id"])
    for i in rows.loc[rows["problem"] == "duplicate_within_file"].index:
        assert ids.index(ids[i]) < i


NAMES = place_name_pool()


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(NAMES), st.sampled_from(["desa", "kelurahan"]), st.integers(0, 2**32 - 1))
def test_typed_names_stay_recognisable(name: str, kind: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    typed = typed_village(rng, name, kind)
    assert re.sub(r"^(desa |ds\. |kel\. |kelurahan )", "", _norm(typed)) == name.casefold()
    others = rng.choice(NAMES, 6).tolist()
    taken = {n.casefold() for n in NAMES}
    typo = village_typo(rng, name, [o for o in others if o != name], taken)
    assert typo == name or (
        Levenshtein.distance(typo, name) == 1
        and typo.casefold() not in taken
        and all(
            Levenshtein.distance(typo.casefold(), o.casefold()) >= 2 for o in others if o != name
        )
    )
