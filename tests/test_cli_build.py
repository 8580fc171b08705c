"""``cakupan build`` end to end through typer's CliRunner."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from test_pipeline import write_tiny_inputs
from typer.testing import CliRunner

from analytics.schemas import CoverageSchema
from analytics.store.reader import Store
from cli.main import app


def _args(paths: dict[str, Path], out: Path) -> list[str]:
    return [
        "build",
        "--boundaries",
        str(paths["boundaries"]),
        "--registry",
        str(paths["registry"]),
        "--workforce",
        str(paths["workforce"]),
        "--out",
        str(out),
    ]


def test_build_tiny_set(tmp_path: Path) -> None:
    paths = write_tiny_inputs(tmp_path / "in")
    out = tmp_path / "store"
    args = [*_args(paths, out), "--start", "2024-01", "--end", "2024-03"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Reconciliation" in result.output
    rec = Store(out).reconciliation()
    assert rec["rows_in"] == rec["matched"] + rec["unmatched"] + rec["rejected"] + rec["duplicates"]
    assert (rec["rows_in"], rec["matched"]) == (9, 5)
    cov = Store(out).coverage()
    CoverageSchema.validate(cov)
    kab = cov[(cov["level"] == "kabupaten") & (cov["segment"] == "ALL")]
    assert kab["active"].tolist() == [3, 3, 4]  # Jan: A2 + C1; Feb: A1 B1 C1; Mar: + D1
    # Eligible A 20 + B 8 + D 4 (2025 row, earliest year) = 32; C has none, so its JAKON
    # member is left out of the numerator: Jan 2/32, Feb 2/32, Mar 3/32.
    assert kab["coverage_pct"].tolist() == pytest.approx([6.25, 6.25, 9.375])
    assert not (out / "officers.parquet").exists()


def test_default_window_is_36_months_to_the_latest_date(tmp_path: Path) -> None:
    paths = write_tiny_inputs(tmp_path / "in")
    out = tmp_path / "store"
    result = CliRunner().invoke(app, _args(paths, out))
    assert result.exit_code == 0, result.output
    meta = Store(out).meta()
    assert (meta["start_month"], meta["end_month"]) == ("2021-05", "2024-04")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (["--start", "2024-13"], "--start must be a month written YYYY-MM"),
        (["--registry", "missing.csv"], "missing.csv"),
    ],
)
def test_bad_input_exits_2_without_traceback(
    tmp_path: Path, change: list[str], message: str
) -> None:
    paths = write_tiny_inputs(tmp_path / "in")
    result = CliRunner().invoke(app, [*_args(paths, tmp_path / "store"), *change])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "store").exists()


def test_unusable_workforce_file_exits_2(tmp_path: Path) -> None:
    paths = write_tiny_inputs(tmp_path / "in")
    paths["workforce"].write_text("a,b\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(app, _args(paths, tmp_path / "store"))
    assert result.exit_code == 2
    assert "tenaga_kerja.csv" in result.output
    assert "Traceback" not in result.output


@pytest.mark.shared
def test_build_on_real_diy_boundaries(shared_data: Path, tmp_path: Path) -> None:
    boundaries = shared_data / "diy" / "diy_desa_cahyadsn_kepmendagri2025.geojson"
    codes = gpd.read_file(boundaries, columns=["kode"], ignore_geometry=True)["kode"].to_numpy()
    rng = np.random.default_rng(11)
    n = 3000
    registered = pd.Timestamp("2018-01-01") + pd.to_timedelta(rng.integers(0, 2700, n), "D")
    ended = registered + pd.to_timedelta(rng.integers(1, 2000, n), "D")
    ended = ended.where((rng.random(n) < 0.3) & (ended <= pd.Timestamp("2025-05-31")))
    registry = pd.DataFrame(
        {
            "NO_KPJ": [f"{i:011d}" for i in range(n)],
            "KODE_DESA": codes[rng.integers(0, len(codes), n)],
            "SEGMEN": rng.choice(["PU", "BPU", "JAKON", "PMI"], n, p=[0.6, 0.22, 0.16, 0.02]),
            "TGL_KEPESERTAAN": registered.strftime("%Y-%m-%d"),
            "TGL_NONAKTIF": ended.strftime("%Y-%m-%d"),
        }
    )
    registry.loc[:9, "KODE_DESA"] = "34.99.99.9999"
    registry_path = tmp_path / "registry.csv"
    registry.to_csv(registry_path, index=False)
    workers = rng.integers(200, 3000, len(codes))
    workforce_path = tmp_path / "workforce.csv"
    pd.DataFrame(
        {
            "KODE_DESA": codes,
            "TAHUN": 2024,
            "JUMLAH_PEKERJA": workers,
            "PEKERJA_INFORMAL": workers // 2,
        }
    ).to_csv(workforce_path, index=False)
    out = tmp_path / "store"
    args = ["build", "--boundaries", str(boundaries), "--registry", str(registry_path)]
    args += ["--workforce", str(workforce_path), "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    rec = Store(out).reconciliation()
    assert (rec["rows_in"], rec["matched"], rec["unmatched"]) == (3000, 2990, 10)
    cov = Store(out).coverage()
    assert cov["month"].nunique() == 36
    assert (cov["level"] == "desa").sum() == 438 * 5 * 36
    # The province's active total equals a direct count on the accepted rows.
    last = cov["month"].max()
    ok = registry.iloc[10:]
    end_of_month = last + pd.offsets.MonthEnd(0)
    reg_dates = pd.to_datetime(ok["TGL_KEPESERTAAN"])
    end_dates = pd.to_datetime(ok["TGL_NONAKTIF"])
    expected = int(
        ((reg_dates <= end_of_month) & (end_dates.isna() | (end_dates > end_of_month))).sum()
    )
    province = cov[
        (cov["level"] == "provinsi") & (cov["segment"] == "ALL") & (cov["month"] == last)
    ]
    assert province["active"].tolist() == [expected]
    desa_all = out / "geo" / "desa" / "all.geojson"
    assert len(gzip.compress(desa_all.read_bytes())) <= 1_500_000
    features = json.loads(desa_all.read_text(encoding="utf-8"))["features"]
    assert len(features) == 438
    assert len(list((out / "geo" / "desa").glob("34.??.??.geojson"))) == 78
