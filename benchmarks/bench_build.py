"""Benchmark: the build's counting step against DuckDB, on a synthetic national registry.

Writes a registry of ``--rows`` memberships (default 10,000,000) over the real national
village codes (``../shared/data/indonesia_desa_kelurahan_kemendagri2025_cahyadsn.csv``) as a
Parquet export (NO_KPJ, NIK, KODE_DESA, SEGMEN, TGL_KEPESERTAAN, TGL_NONAKTIF) into
``benchmarks/work/``, then runs each step in its own process (so each has its own peak
memory):

* ``count``: read the four needed columns and count active memberships per village x
  segment x month with :func:`analytics.engine.coverage.count_memberships`;
* ``duckdb``: the same counts in DuckDB SQL from the same file, twice: the running-sum
  query (the same idea as the engine) and the plain range join a SQL analyst would write;
* ``intake`` (``--intake``): the registry intake (pseudonymisation, de-duplication,
  placement) on the same file, which the whole build runs before counting.

Checks that the engine and DuckDB agree exactly, then prints and writes the times, peak
memory (``VmHWM``) and ratios to ``benchmarks/results/bench_build.json``.

    .venv/bin/python benchmarks/bench_build.py --rows 10000000 [--intake]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import geopandas as gpd

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work"
RESULTS = ROOT / "benchmarks" / "results" / "bench_build.json"
CODES_CSV = ROOT.parent / "shared" / "data" / "indonesia_desa_kelurahan_kemendagri2025_cahyadsn.csv"
SEGMENT_SHARES = {"PU": 0.60, "BPU": 0.22, "JAKON": 0.16, "PMI": 0.02}
FIRST_DAY, LAST_DAY = pd.Timestamp("2015-01-01"), pd.Timestamp("2025-12-31")
START_MONTH, END_MONTH = "2023-01-01", "2025-12-01"


def _peak_mb() -> float:
    """Peak resident memory of this process in MB.

    ``VmHWM`` belongs to the process's own address space; ``ru_maxrss`` survives ``exec``
    on Linux and would report the parent's peak (the generator's) for every step.
    """
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def registry_path(rows: int, seed: int) -> Path:
    return WORK / f"registry_{rows}_{seed}.parquet"


def village_codes() -> np.ndarray:
    codes = pd.read_csv(CODES_CSV, usecols=["kode"], dtype=str)["kode"]
    return np.sort(codes.unique()).astype(object)


def make_registry(rows: int, seed: int) -> Path:
    """Write the synthetic export (once per rows/seed); returns its path."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = registry_path(rows, seed)
    if path.is_file():
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    codes = village_codes()
    # Villages differ a lot in size: log-normal weights.
    weights = rng.lognormal(0.0, 1.0, len(codes))
    village = rng.choice(len(codes), rows, p=weights / weights.sum())
    segment = rng.choice(list(SEGMENT_SHARES), rows, p=list(SEGMENT_SHARES.values()))
    span = (LAST_DAY - FIRST_DAY).days
    registered = np.datetime64(FIRST_DAY.date()) + rng.integers(0, span + 1, rows).astype(
        "timedelta64[D]"
    )
    ended = registered + rng.integers(1, 3000, rows).astype("timedelta64[D]")
    has_end = (rng.random(rows) < 0.30) & (ended <= np.datetime64(LAST_DAY.date()))
    kpj = np.char.zfill(np.arange(1, rows + 1).astype(str), 11)
    nik = (3100000000000000 + rng.integers(0, 10**14, rows)).astype(str)
    table = pa.table(
        {
            "NO_KPJ": pa.array(kpj.astype(object), pa.string()),
            "NIK": pa.array(nik.astype(object), pa.string()),
            "KODE_DESA": pa.DictionaryArray.from_arrays(
                pa.array(village.astype(np.int32)), pa.array(codes, pa.string())
            ),
            "SEGMEN": pa.array(segment.astype(object), pa.string()),
            "TGL_KEPESERTAAN": pa.array(registered, pa.date32()),
            "TGL_NONAKTIF": pa.array(ended, pa.date32(), mask=~has_end),
        }
    )
    pq.write_table(table, path, row_group_size=1_000_000)
    return path


def step_count(path: Path) -> dict[str, float]:
    import pyarrow.parquet as pq

    from analytics.engine.coverage import count_memberships, month_range

    began = time.perf_counter()
    table = pq.read_table(
        path,
        columns=["KODE_DESA", "SEGMEN", "TGL_KEPESERTAAN", "TGL_NONAKTIF"],
        read_dictionary=["KODE_DESA", "SEGMEN"],
    )
    frame = table.to_pandas(date_as_object=False).rename(
        columns={
            "KODE_DESA": "village_code",
            "SEGMEN": "segment",
            "TGL_KEPESERTAAN": "registered_on",
            "TGL_NONAKTIF": "ended_on",
        }
    )
    del table
    read_s = time.perf_counter() - began
    months = month_range(pd.Timestamp(START_MONTH), pd.Timestamp(END_MONTH))
    codes = village_codes()  # the build has them from the boundaries already
    began = time.perf_counter()
    counts = count_memberships(frame, codes, months)
    count_s = time.perf_counter() - began
    np.save(WORK / "active_engine.npy", counts.active)
    return {"read_seconds": read_s, "count_seconds": count_s, "peak_mb": _peak_mb()}


DELTA_SQL = """
WITH t AS (
  SELECT KODE_DESA AS v, SEGMEN AS s,
         date_trunc('month', TGL_KEPESERTAAN)::DATE AS rm,
         date_trunc('month', TGL_NONAKTIF)::DATE AS em
  FROM read_parquet($path)
), ev AS (
  SELECT v, s, greatest(rm, $start) AS m, 1 AS d FROM t WHERE rm <= $end
  UNION ALL
  SELECT v, s, greatest(em, $start) AS m, -1 AS d FROM t WHERE em IS NOT NULL AND em <= $end
), agg AS (SELECT v, s, m, sum(d) AS d FROM ev GROUP BY ALL),
months AS (SELECT unnest(generate_series($start, $end, INTERVAL 1 MONTH))::DATE AS m),
grid AS (SELECT v, s, months.m FROM (SELECT DISTINCT v, s FROM agg) CROSS JOIN months)
SELECT * FROM (
  SELECT grid.v, grid.s, grid.m,
         sum(coalesce(agg.d, 0)) OVER (PARTITION BY grid.v, grid.s ORDER BY grid.m) AS active
  FROM grid LEFT JOIN agg USING (v, s, m)
) WHERE active <> 0
"""

JOIN_SQL = """
WITH t AS (
  SELECT KODE_DESA AS v, SEGMEN AS s, TGL_KEPESERTAAN AS reg, TGL_NONAKTIF AS fin
  FROM read_parquet($path)
), months AS (
  SELECT m::DATE AS m, (m + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS last_day
  FROM (SELECT unnest(generate_series($start, $end, INTERVAL 1 MONTH)) AS m)
)
SELECT v, s, m, count(*) AS active
FROM t JOIN months ON t.reg <= months.last_day AND (t.fin IS NULL OR t.fin > months.last_day)
GROUP BY ALL
"""


def step_duckdb(path: Path, query: str) -> dict[str, float]:
    import duckdb

    sql = DELTA_SQL if query == "delta" else JOIN_SQL
    params = {
        "path": str(path),
        "start": pd.Timestamp(START_MONTH).date(),
        "end": pd.Timestamp(END_MONTH).date(),
    }
    began = time.perf_counter()
    result = duckdb.connect().execute(sql, params).fetchnumpy()
    seconds = time.perf_counter() - began
    codes = village_codes()
    months = pd.date_range(START_MONTH, END_MONTH, freq="MS")
    cube = np.zeros((len(codes), len(SEGMENT_SHARES), len(months)), dtype=np.int64)
    v = np.searchsorted(codes, result["v"].astype(object))
    s = pd.Index(list(SEGMENT_SHARES)).get_indexer(result["s"].astype(object))
    m = months.get_indexer(pd.to_datetime(result["m"]))
    cube[v, s, m] = result["active"].astype(np.int64)
    np.save(WORK / f"active_duckdb_{query}.npy", cube)
    return {"seconds": seconds, "peak_mb": _peak_mb()}


def national_villages() -> gpd.GeoDataFrame:
    """The national village list (codes and names, no geometry) as the intake's gazetteer."""
    import geopandas as gpd

    listing = pd.read_csv(CODES_CSV, dtype=str)
    return gpd.GeoDataFrame(
        {
            "village_code": listing["kode"],
            "village_name": listing["nama"],
            "kecamatan_code": listing["kode_kec"],
            "kecamatan_name": listing["nama_kec"],
            "kabupaten_code": listing["kode_kab"],
            "kabupaten_name": listing["nama_kab"],
            "province_code": listing["kode_prov"],
            "province_name": listing["nama_prov"],
        }
    )


def step_intake(path: Path) -> dict[str, float]:
    from analytics.intake.registries import ingest_registries
    from analytics.settings import DEMO_HMAC_KEY

    villages = national_villages()
    began = time.perf_counter()
    result = ingest_registries([path], villages, DEMO_HMAC_KEY)
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "peak_mb": _peak_mb(), "matched": result.reconciliation["matched"]}


def _run(step: str, path: Path, *extra: str) -> dict[str, float]:
    """Run one step in a fresh interpreter and return its JSON line."""
    out = subprocess.run(
        [sys.executable, __file__, "--step", step, "--file", str(path), *extra],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--intake", action="store_true", help="also time the registry intake")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--query", default="delta", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        steps = {
            "count": lambda: step_count(Path(args.file)),
            "duckdb": lambda: step_duckdb(Path(args.file), args.query),
            "intake": lambda: step_intake(Path(args.file)),
        }
        print(json.dumps(steps[args.step]()))
        return
    began = time.perf_counter()
    path = make_registry(args.rows, args.seed)
    generate_s = time.perf_counter() - began
    count = _run("count", path)
    delta = _run("duckdb", path, "--query", "delta")
    join = _run("duckdb", path, "--query", "join")
    engine = np.load(WORK / "active_engine.npy")
    agree = {
        q: bool(np.array_equal(engine, np.load(WORK / f"active_duckdb_{q}.npy")))
        for q in ("delta", "join")
    }
    fastest = min(delta["seconds"], join["seconds"])
    results = {
        "rows": args.rows,
        "months": f"{START_MONTH[:7]}..{END_MONTH[:7]}",
        "villages": int(engine.shape[0]),
        "active_in_last_month": int(engine[:, :, -1].sum()),
        "generate_seconds": round(generate_s, 2),
        "engine_read_seconds": round(count["read_seconds"], 2),
        "engine_count_seconds": round(count["count_seconds"], 2),
        "engine_read_and_count_seconds": round(count["read_seconds"] + count["count_seconds"], 2),
        "engine_peak_mb": round(count["peak_mb"]),
        "duckdb_running_sum_seconds": round(delta["seconds"], 2),
        "duckdb_running_sum_peak_mb": round(delta["peak_mb"]),
        "duckdb_range_join_seconds": round(join["seconds"], 2),
        "duckdb_range_join_peak_mb": round(join["peak_mb"]),
        "ratio_count_to_fastest_duckdb": round(count["count_seconds"] / fastest, 3),
        "ratio_read_and_count_to_fastest_duckdb": round(
            (count["read_seconds"] + count["count_seconds"]) / fastest, 3
        ),
        "agree_with_duckdb": agree,
        "targets": {"count_within_1_5x_duckdb": True, "build_peak_under_4gb": True},
    }
    results["targets"] = {
        "count_within_1_5x_duckdb": results["ratio_read_and_count_to_fastest_duckdb"] <= 1.5,
        "peak_under_4gb": count["peak_mb"] < 4096,
    }
    if args.intake:
        intake = _run("intake", path)
        results["intake_seconds"] = round(intake["seconds"], 2)
        results["intake_peak_mb"] = round(intake["peak_mb"])
        results["targets"]["intake_peak_under_4gb"] = intake["peak_mb"] < 4096
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    if not all(agree.values()):
        sys.exit("the engine and DuckDB disagree")


if __name__ == "__main__":
    main()
