"""The Dask engine gives the default engine's store, on a real (in-process) Dask cluster."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.build.dask_engine import count_memberships_dask
from analytics.build.pipeline import build_store
from analytics.engine.coverage import count_memberships, month_range
from analytics.settings import Settings
from analytics.store.reader import COVERAGE_FILE, META_FILE, QUALITY_FILE, RECONCILIATION_FILE
from tests.test_pipeline import tiny_build_inputs, write_tiny_inputs

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as local:
        yield local


@pytest.fixture(scope="module")
def client(cluster: object) -> Iterator[object]:
    with distributed.Client(cluster) as connected:
        yield connected


def _random_memberships(n: int, codes: np.ndarray, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    registered = np.datetime64("2022-06-01") + rng.integers(0, 1000, n).astype("timedelta64[D]")
    ended = registered + rng.integers(1, 600, n).astype("timedelta64[D]")
    return pd.DataFrame(
        {
            "village_code": pd.Categorical(rng.choice(codes, n)),
            "segment": pd.Categorical(rng.choice(["PU", "BPU", "JAKON", "PMI"], n)),
            "registered_on": registered.astype("datetime64[ns]"),
            "ended_on": pd.Series(ended.astype("datetime64[ns]")).where(rng.random(n) < 0.4),
        }
    )


def test_partitioned_counts_equal_single_counts(client: object) -> None:
    codes = np.array(["34.71.01.1001", "34.71.01.1002", "34.71.02.1001"], dtype=object)
    memberships = _random_memberships(5_000, codes, seed=3)
    months = month_range(pd.Timestamp("2023-01-01"), pd.Timestamp("2024-06-01"))
    single = count_memberships(memberships, codes, months)
    # 7 partitions of up to 800 rows: an odd number, so the pairwise sum carries one over.
    dask = count_memberships_dask(memberships, codes, months, client, partition_rows=800)
    np.testing.assert_array_equal(dask.active, single.active)
    np.testing.assert_array_equal(dask.registrations, single.registrations)
    np.testing.assert_array_equal(dask.exits, single.exits)
    assert int(single.active.sum()) > 0  # the data exercises the counts


def test_dask_build_equals_default_build(tmp_path: Path, cluster: object) -> None:
    paths = write_tiny_inputs(tmp_path / "in")
    # A second registry file repeating one row of the first: de-duplication spans files.
    second = tmp_path / "in" / "kepesertaan_2.csv"
    lines = paths["registry"].read_text(encoding="utf-8").splitlines()
    second.write_text("\n".join([lines[0], lines[1], lines[4]]) + "\n", encoding="utf-8")
    default_inputs = tiny_build_inputs(paths, tmp_path / "default")
    dask_inputs = tiny_build_inputs(paths, tmp_path / "dask")
    default_inputs = type(default_inputs)(
        **{**default_inputs.__dict__, "registries": (paths["registry"], second)}
    )
    dask_inputs = type(dask_inputs)(
        **{**dask_inputs.__dict__, "registries": (paths["registry"], second)}
    )
    settings = Settings(demo=True)
    default = build_store(default_inputs, settings)
    dask = build_store(
        dask_inputs,
        settings,
        engine_name="dask",
        scheduler=cluster.scheduler_address,  # type: ignore[attr-defined]
    )
    assert dask.reconciliation == default.reconciliation
    # Row 6 of file 1 and rows 2 and 3 of file 2 repeat row 2 of file 1.
    assert default.reconciliation["duplicates"] == 3
    for name in (COVERAGE_FILE, QUALITY_FILE, "areas.parquet", "registrations_weekly.parquet"):
        left = pd.read_parquet(tmp_path / "default" / name)
        right = pd.read_parquet(tmp_path / "dask" / name)
        pd.testing.assert_frame_equal(left, right)
    coverage = pd.read_parquet(tmp_path / "dask" / COVERAGE_FILE)
    assert coverage["active"].sum() > 0
    for name in (RECONCILIATION_FILE,):
        assert (tmp_path / "default" / name).read_text() == (tmp_path / "dask" / name).read_text()
    meta = [json.loads((tmp_path / s / META_FILE).read_text()) for s in ("default", "dask")]
    assert [m["sources"] for m in meta[:1]] == [meta[1]["sources"]]
    geo = sorted(
        p.relative_to(tmp_path / "default") for p in (tmp_path / "default").rglob("*.geojson")
    )
    assert geo
    for path in geo:
        assert (tmp_path / "default" / path).read_bytes() == (tmp_path / "dask" / path).read_bytes()


def test_unknown_engine_is_refused(tmp_path: Path) -> None:
    paths = write_tiny_inputs(tmp_path / "in")
    with pytest.raises(ValueError, match="unknown engine"):
        build_store(
            tiny_build_inputs(paths, tmp_path / "out"), Settings(demo=True), engine_name="spark"
        )


def test_cli_engine_options(tmp_path: Path, cluster: object) -> None:
    from typer.testing import CliRunner

    from cli.main import app

    paths = write_tiny_inputs(tmp_path / "in")
    args = [
        "build",
        "--boundaries",
        str(paths["boundaries"]),
        "--registry",
        str(paths["registry"]),
        "--workforce",
        str(paths["workforce"]),
        "--start",
        "2024-01",
        "--end",
        "2024-03",
    ]
    refused = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "a"), "--engine", "spark"])
    assert refused.exit_code == 2 and "--engine must be one of pandas, dask" in refused.output
    alone = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "a"), "--scheduler", "x"])
    assert alone.exit_code == 2 and "--scheduler needs --engine dask" in alone.output
    address = cluster.scheduler_address  # type: ignore[attr-defined]
    ran = CliRunner().invoke(
        app, [*args, "--out", str(tmp_path / "b"), "--engine", "dask", "--scheduler", address]
    )
    assert ran.exit_code == 0, ran.output
    coverage = pd.read_parquet(tmp_path / "b" / COVERAGE_FILE)
    jan = coverage[(coverage["level"] == "desa") & (coverage["month"] == "2024-01-01")]
    # January by hand (tests/test_pipeline.py): A/PU KPJ 1 and 2, C/JAKON KPJ 4.
    active = jan.set_index(["area_code", "segment"])["active"]
    assert active[("34.71.01.1001", "PU")] == 2 and active[("34.71.02.1001", "JAKON")] == 1
