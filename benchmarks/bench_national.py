"""Benchmark: the whole ``build_store`` on the real national boundaries.

Generates (once) a synthetic national registry of ``--rows`` memberships and a workforce
file (:mod:`benchmarks.national_data`), then in fresh processes, so each has its own peak
memory (``VmHWM``):

* ``build``: :func:`analytics.build.pipeline.build_store` on ``national/idn_desa_cahyadsn.parquet``
  (83,402 villages), the registry and the workforce, writing a store to
  ``benchmarks/work/store_<rows>``; records every step's time, the peak memory and the
  GeoJSON sizes (raw and gzipped, the largest per-kabupaten village file, the national
  kabupaten map);
* ``duckdb``: the same active counts in DuckDB on the same registry file (the running-sum
  query of :mod:`benchmarks.bench_build`), for the ratio of the build's counting step.

Writes ``benchmarks/results/bench_national_<rows>_<engine>.json``.

    .venv/bin/python benchmarks/bench_national.py --rows 10000000
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_build import _peak_mb  # noqa: E402  (after the path set-up)
from national_data import NATIONAL, WORK, make_registry, make_workforce  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
START_MONTH, END_MONTH = "2023-01", "2025-12"


def _gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def geo_sizes(geo: Path) -> dict[str, Any]:
    """Sizes of the files the map requests, in bytes (gzip level 6, what the app sends)."""
    sizes: dict[str, Any] = {}
    for name in ("provinsi/all", "kabupaten/all"):
        path = geo / f"{name}.geojson"
        if path.is_file():
            sizes[f"{name}_raw"] = path.stat().st_size
            sizes[f"{name}_gzip"] = _gz(path)
    sizes["desa_all_written"] = (geo / "desa" / "all.geojson").is_file()
    kab_files = [p for p in (geo / "desa").glob("*.geojson") if len(p.stem) == 5]
    if kab_files:
        gz = sorted((_gz(p), p.stem) for p in kab_files)
        sizes["desa_per_kabupaten_files"] = len(gz)
        sizes["desa_per_kabupaten_max_gzip"] = gz[-1][0]
        sizes["desa_per_kabupaten_max_code"] = gz[-1][1]
        sizes["desa_per_kabupaten_median_gzip"] = gz[len(gz) // 2][0]
    total = sum(p.stat().st_size for p in geo.rglob("*.geojson"))
    sizes["geo_total_raw_bytes"] = total
    return sizes


def step_build(rows: int, seed: int, engine: str) -> dict[str, Any]:
    import pandas as pd

    from analytics.build.pipeline import BuildInputs, build_store
    from analytics.settings import DEMO_HMAC_KEY, Settings

    out = WORK / f"store_{rows}_{engine}"
    inputs = BuildInputs(
        boundaries=NATIONAL,
        registries=(make_registry(rows, seed),),
        workforce=make_workforce(seed),
        out=out,
        start=pd.Timestamp(START_MONTH),
        end=pd.Timestamp(END_MONTH),
    )
    settings = Settings(demo=True, hmac_key=DEMO_HMAC_KEY)  # benchmarks hold no secrets
    began = time.perf_counter()
    result = build_store(inputs, settings, engine_name=engine)
    seconds = time.perf_counter() - began
    return {
        "seconds": round(seconds, 1),
        "timings": result.timings,
        "peak_mb": round(_peak_mb()),
        "coverage_rows": result.coverage_rows,
        "matched": result.reconciliation["matched"],
        "rows_in": result.reconciliation["rows_in"],
        "geo": geo_sizes(out / "geo"),
    }


def step_geo() -> dict[str, Any]:
    """Only the geometry (read, clean, dissolve, GeoJSON) of the national boundaries."""
    import shutil

    from analytics.engine.geometry import clean_villages, dissolve_levels, write_geojson
    from analytics.io.boundaries import read_villages

    timings: dict[str, float] = {}
    began = time.perf_counter()
    villages = read_villages(NATIONAL)
    timings["read"] = round(time.perf_counter() - began, 1)
    levels = dissolve_levels(clean_villages(villages))
    timings["clean_dissolve"] = round(time.perf_counter() - began - timings["read"], 1)
    geo = WORK / "geo_national"
    shutil.rmtree(geo, ignore_errors=True)
    write_geojson(levels, geo)
    timings["geojson"] = round(time.perf_counter() - began - sum(timings.values()), 1)
    return {"timings": timings, "peak_mb": round(_peak_mb()), "geo": geo_sizes(geo)}


def step_duckdb(rows: int, seed: int) -> dict[str, Any]:
    import duckdb
    import pandas as pd
    from bench_build import DELTA_SQL

    params = {
        "path": str(make_registry(rows, seed)),
        "start": pd.Timestamp(START_MONTH).date(),
        "end": pd.Timestamp(END_MONTH).date(),
    }
    connection = duckdb.connect()
    began = time.perf_counter()
    result = connection.execute(DELTA_SQL, params).fetchnumpy()
    seconds = time.perf_counter() - began
    return {"seconds": round(seconds, 2), "peak_mb": round(_peak_mb()), "cells": len(result["v"])}


def _run(step: str, rows: int, seed: int, *extra: str) -> dict[str, Any]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--step",
            step,
            "--rows",
            str(rows),
            "--seed",
            str(seed),
            *list(extra),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(rows: int, seed: int = 1, engine: str = "pandas") -> dict[str, Any]:
    """Generate the inputs, run the build and DuckDB; return (and write) the results."""
    began = time.perf_counter()
    make_registry(rows, seed)
    make_workforce(seed)
    generate_s = round(time.perf_counter() - began, 1)
    build = _run("build", rows, seed, "--engine", engine)
    duck = _run("duckdb", rows, seed)
    count = build["timings"].get("count", 0.0)
    results = {
        "rows": rows,
        "engine": engine,
        "boundaries": NATIONAL.name,
        "months": f"{START_MONTH}..{END_MONTH}",
        "generate_seconds": generate_s,
        "build": build,
        "duckdb_running_sum_seconds": duck["seconds"],
        "duckdb_peak_mb": duck["peak_mb"],
        "ratio_count_to_duckdb": round(count / duck["seconds"], 3),
        "targets": {
            "peak_under_10gb": build["peak_mb"] < 10 * 1024,
            "count_within_1_5x_duckdb": count <= 1.5 * duck["seconds"],
            "kabupaten_map_under_1mb": build["geo"].get("kabupaten/all_gzip", 0) <= 1_000_000,
            "village_files_under_400kb": build["geo"].get("desa_per_kabupaten_max_gzip", 0)
            <= 400_000,
            "no_all_villages_file": not build["geo"]["desa_all_written"],
        },
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"bench_national_{rows}_{engine}.json"
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine", default="pandas", choices=["pandas", "dask"])
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "build":
        print(json.dumps(step_build(args.rows, args.seed, args.engine)))
    elif args.step == "geo":
        result = step_geo()
        (RESULTS / "bench_national_geo.json").write_text(json.dumps(result, indent=2) + "\n")
        print(json.dumps(result))
    elif args.step == "duckdb":
        print(json.dumps(step_duckdb(args.rows, args.seed)))
    else:
        print(json.dumps(run(args.rows, args.seed, args.engine), indent=2))


if __name__ == "__main__":
    main()
