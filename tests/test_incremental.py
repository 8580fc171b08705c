"""Incremental monthly refresh: stored monthly counts, and a refresh equal to a full rebuild.

The tiny build of ``tests/test_pipeline.py`` (data until 2024-04-01) gets a second registry
file with rows registered in May and June 2024:

row 2  KPJ 8  A PU    2024-05-02             new in May
row 3  KPJ 9  B BPU   2024-05-20-2024-06-10  new in May, ends in June
row 4  KPJ 8  A PU    2024-05-02             duplicate of row 2
row 5  KPJ 10 ? PU    code 34.71.09.9999     unmatched (unknown_code)
row 6  KPJ 11 C JAKON (no date)              rejected
row 7  KPJ 12 D PMI   2024-06-30             new in June
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.build.incremental import COUNTS_FILE, counts_from_monthly, monthly_counts
from analytics.build.pipeline import BuildInputs, build_store
from analytics.engine.coverage import count_memberships, month_range
from analytics.errors import InputError
from analytics.settings import Settings
from analytics.store.reader import (
    COVERAGE_FILE,
    QUALITY_FILE,
    RECONCILIATION_FILE,
    REJECTED_FILE,
    UNMATCHED_FILE,
    WEEKLY_FILE,
)
from tests.test_pipeline import write_tiny_inputs

CODES = np.array(["34.71.01.1001", "34.71.01.1002", "34.71.02.1001", "34.71.02.1002"], dtype=object)
HEADER = "NO_KPJ,NIK,NAMA,KODE_DESA,SEGMEN,TGL_KEPESERTAAN,TGL_NONAKTIF\n"
MAY_JUNE = (
    "00000000008,,Ika,34.71.01.1001,PU,2024-05-02,\n"
    "00000000009,,Joko,34.71.01.1002,BPU,2024-05-20,2024-06-10\n"
    "00000000008,,Ika,34.71.01.1001,PU,2024-05-02,\n"
    "00000000010,,Kiki,34.71.09.9999,PU,2024-05-03,\n"
    "00000000011,,Lala,34.71.02.1001,JAKON,,\n"
    "00000000012,,Mira,34.71.02.1002,PMI,2024-06-30,\n"
)


def _inputs(paths: dict[str, Path], registries: tuple[Path, ...], out: Path) -> BuildInputs:
    return BuildInputs(
        boundaries=paths["boundaries"],
        registries=registries,
        workforce=paths["workforce"],
        out=out,
        start=pd.Timestamp("2024-01-01"),
        end=pd.Timestamp("2024-06-01"),
    )


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("incremental")
    paths = write_tiny_inputs(folder / "in")
    new = folder / "in" / "kepesertaan_2024_05.csv"
    new.write_text(HEADER + MAY_JUNE, encoding="utf-8")
    both = (paths["registry"], new)
    settings = Settings(demo=True)
    first = build_store(_inputs(paths, both[:1], folder / "refreshed"), settings)
    refreshed = build_store(
        dataclasses.replace(_inputs(paths, both, folder / "refreshed"), incremental=True), settings
    )
    full = build_store(_inputs(paths, both, folder / "full"), settings)
    return {"paths": paths, "new": new, "first": first, "refreshed": refreshed, "full": full}


def test_first_build_stores_monthly_counts(stores: dict[str, object]) -> None:
    counts = pd.read_parquet(stores["refreshed"].store_dir / COUNTS_FILE)  # type: ignore[attr-defined]
    assert not counts.filter(like="member").columns.tolist()  # aggregates only
    a_pu = counts[(counts["village_code"] == "34.71.01.1001") & (counts["segment"] == "PU")]
    # A/PU: KPJ 2 registered 2023-05 (ends 2024-02), KPJ 1 2024-01, KPJ 8 2024-05 (refresh).
    by_month = a_pu.set_index(a_pu["month"].dt.strftime("%Y-%m"))
    # KPJ 2 ends 2024-02-29: an exit in February.
    assert by_month["registrations"].to_dict() == {
        "2023-05": 1,
        "2024-01": 1,
        "2024-02": 0,
        "2024-05": 1,
    }
    assert by_month["exits"].to_dict() == {"2023-05": 0, "2024-01": 0, "2024-02": 1, "2024-05": 0}


def test_refresh_equals_full_rebuild(stores: dict[str, object]) -> None:
    refreshed, full = stores["refreshed"], stores["full"]
    assert refreshed.refresh_note == ""  # type: ignore[attr-defined]
    # Same boundaries: the geometry files were linked from the first build, not made again.
    assert refreshed.geometry_reused  # type: ignore[attr-defined]
    assert "geometry" not in refreshed.timings  # type: ignore[attr-defined]
    left, right = refreshed.store_dir, full.store_dir  # type: ignore[attr-defined]
    for name in (COVERAGE_FILE, QUALITY_FILE, WEEKLY_FILE, COUNTS_FILE, "areas.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(left / name), pd.read_parquet(right / name))
    for name in (UNMATCHED_FILE, REJECTED_FILE):
        assert (left / name).read_bytes() == (right / name).read_bytes()
    assert refreshed.reconciliation == full.reconciliation  # type: ignore[attr-defined]
    import json

    assert json.loads((left / RECONCILIATION_FILE).read_text()) == json.loads(
        (right / RECONCILIATION_FILE).read_text()
    )
    geo = sorted(p.relative_to(right) for p in right.rglob("*.geojson"))
    assert geo == sorted(p.relative_to(left) for p in left.rglob("*.geojson"))
    # By hand: in June, A/PU holds KPJ 1 and KPJ 8; B/BPU KPJ 3 (KPJ 9 ended 2024-06-10).
    coverage = pd.read_parquet(left / COVERAGE_FILE)
    june = coverage[(coverage["level"] == "desa") & (coverage["month"] == "2024-06-01")]
    active = june.set_index(["area_code", "segment"])["active"]
    assert active[("34.71.01.1001", "PU")] == 2
    assert active[("34.71.01.1002", "BPU")] == 1
    assert active[("34.71.02.1002", "PMI")] == 1  # KPJ 7 ended 2024-04-01, KPJ 12 from June
    reconciliation = refreshed.reconciliation  # type: ignore[attr-defined]
    assert reconciliation["rows_in"] == 9 + 6
    assert reconciliation["duplicates"] == 2 and reconciliation["unmatched"] == 2


def test_refresh_refuses_rows_in_built_months(stores: dict[str, object], tmp_path: Path) -> None:
    paths = stores["paths"]
    store = tmp_path / "store"
    settings = Settings(demo=True)
    build_store(_inputs(paths, (paths["registry"],), store), settings)  # type: ignore[index]
    late = tmp_path / "late.csv"
    late.write_text(HEADER + "00000000013,,Nina,34.71.01.1001,PU,2024-03-15,\n", encoding="utf-8")
    inputs = _inputs(paths, (paths["registry"], late), store)  # type: ignore[index]
    with pytest.raises(InputError, match="already built") as caught:
        build_store(dataclasses.replace(inputs, incremental=True), settings)
    assert "late.csv" in str(caught.value) and "row 2" in str(caught.value)


def test_changed_history_means_full_rebuild(stores: dict[str, object], tmp_path: Path) -> None:
    paths = stores["paths"]
    store = tmp_path / "store"
    settings = Settings(demo=True)
    old = tmp_path / "kepesertaan.csv"
    old.write_bytes(paths["registry"].read_bytes())  # type: ignore[index]
    build_store(_inputs(paths, (old,), store), settings)  # type: ignore[arg-type]
    with old.open("a", encoding="utf-8") as handle:
        handle.write("00000000014,,Oki,34.71.01.1001,PU,2023-02-01,\n")
    inputs = _inputs(paths, (old, stores["new"]), store)  # type: ignore[arg-type]
    result = build_store(dataclasses.replace(inputs, incremental=True), settings)
    assert result.refresh_note == "an earlier registry file changed, was removed or moved"
    assert result.reconciliation["rows_in"] == 10 + 6


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(0, 300),
    start=st.dates(
        min_value=pd.Timestamp("2021-01-01").date(), max_value=pd.Timestamp("2025-12-01").date()
    ),
    length=st.integers(1, 30),
)
def test_window_from_monthly_counts_equals_rows(
    seed: int, n: int, start: object, length: int
) -> None:
    rng = np.random.default_rng(seed)
    registered = np.datetime64("2020-01-01") + rng.integers(0, 2500, n).astype("timedelta64[D]")
    ended = registered + rng.integers(1, 900, n).astype("timedelta64[D]")
    memberships = pd.DataFrame(
        {
            "village_code": pd.Categorical(rng.choice(CODES, n)),
            "segment": pd.Categorical(rng.choice(["PU", "BPU", "JAKON", "PMI"], n)),
            "registered_on": registered.astype("datetime64[ns]"),
            "ended_on": pd.Series(ended.astype("datetime64[ns]")).where(rng.random(n) < 0.5),
        }
    )
    first = pd.Timestamp(start)
    months = month_range(first, first + pd.DateOffset(months=length - 1))
    expected = count_memberships(memberships, CODES, months)
    got = counts_from_monthly(monthly_counts(memberships), CODES, months)
    np.testing.assert_array_equal(got.active, expected.active)
    np.testing.assert_array_equal(got.registrations, expected.registrations)
    np.testing.assert_array_equal(got.exits, expected.exits)


def test_row_reports_of_an_older_store_are_aligned_to_the_new_columns(tmp_path: Path) -> None:
    from analytics.build.incremental import append_row_report

    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    old.write_text("source_file,source_row,reason\na.csv,7,no_identity\n", encoding="utf-8-sig")
    new.write_text(
        "source_file,source_row,reason,offending_value\nb.csv,3,unknown_code,99.09.99.9999\n",
        encoding="utf-8-sig",
    )
    append_row_report(old, new, new)
    assert new.read_text(encoding="utf-8-sig").splitlines() == [
        "source_file,source_row,reason,offending_value",
        "a.csv,7,no_identity,",
        "b.csv,3,unknown_code,99.09.99.9999",
    ]
