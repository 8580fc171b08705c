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

``--rebuild`` runs the build twice into the same folder (the second finds the boundaries
unchanged and reuses the geometry: areas, GeoJSON and vector tiles), then DuckDB, then the
``tiles`` step (sizes of ``tiles/<level>.pmtiles``, bytes of the village tiles covering
Indonesia at zooms 4 and 5, distinct village codes in them), each in its own process;
writes ``benchmarks/results/bench_national_rebuild_<rows>.json``.

    .venv/bin/python benchmarks/bench_national.py --rows 10000000
    .venv/bin/python benchmarks/bench_national.py --rows 45000000 --rebuild
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
        "geometry_reused": result.geometry_reused,
        "geo": geo_sizes(out / "geo"),
    }


#: Tiles of Indonesia (lon 94.9..141.1, lat -11.1..6.1) at each zoom: x and y ranges.
INDONESIA_BOUNDS = (94.9, -11.1, 141.1, 6.1)


def _tile_range(zoom: int) -> tuple[range, range]:
    import math

    west, south, east, north = INDONESIA_BOUNDS
    n = 2**zoom

    def x(lon: float) -> int:
        return int((lon + 180) / 360 * n)

    def y(lat: float) -> int:
        rad = math.radians(lat)
        return int((1 - math.asinh(math.tan(rad)) / math.pi) / 2 * n)

    return range(x(west), x(east) + 1), range(y(north), y(south) + 1)


def tile_stats(store: Path, zooms: tuple[int, ...] = (4, 5)) -> dict[str, Any]:
    """Sizes of the store's tile archives and, for the villages, the tiles covering
    Indonesia at ``zooms`` (bytes as stored: gzip, what a browser fetches by HTTP range)
    and how many distinct village codes they hold."""
    import pyogrio
    from pmtiles.reader import MmapSource, Reader

    from analytics.store.reader import TILE_LEVELS, Store

    stats: dict[str, Any] = {"file_bytes": {}}
    for level in TILE_LEVELS:
        path = Store(store).tiles_path(level)
        stats["file_bytes"][level] = path.stat().st_size
    path = Store(store).tiles_path("desa")
    with path.open("rb") as handle:
        reader = Reader(MmapSource(handle))
        header = reader.header()
        stats["desa_zooms"] = [header["min_zoom"], header["max_zoom"]]
        stats["pmtiles_header_and_root_bytes"] = 127 + header["root_length"]
        stats["pmtiles_metadata_bytes"] = header["metadata_length"]
        for zoom in zooms:
            xs, ys = _tile_range(zoom)
            sizes = [len(reader.get(zoom, x, y) or b"") for x in xs for y in ys]
            present = [s for s in sizes if s]
            stats[f"desa_z{zoom}_tiles"] = len(present)
            stats[f"desa_z{zoom}_bytes"] = sum(present)
            stats[f"desa_z{zoom}_largest_tile_bytes"] = max(present, default=0)
    stats["villages_in_boundaries"] = _national_villages()
    for zoom in zooms:
        read = pyogrio.read_dataframe(path, layer="desa", ZOOM_LEVEL=str(zoom), read_geometry=False)
        stats[f"desa_z{zoom}_distinct_codes"] = int(read["code"].nunique())
    return stats


def _national_villages() -> int:
    import pyarrow.parquet as pq

    return int(pq.read_metadata(NATIONAL).num_rows)


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


def run_rebuild(rows: int, seed: int = 1) -> dict[str, Any]:
    """Build twice into the same folder (geometry made, then reused), DuckDB, tile stats."""
    make_registry(rows, seed)
    make_workforce(seed)
    first = _run("build", rows, seed)
    second = _run("build", rows, seed)
    duck = _run("duckdb", rows, seed)
    tiles = _run("tiles", rows, seed)
    results = {
        "rows": rows,
        "boundaries": NATIONAL.name,
        "months": f"{START_MONTH}..{END_MONTH}",
        "first_build": first,
        "rebuild": second,
        "duckdb_running_sum_seconds": duck["seconds"],
        "duckdb_peak_mb": duck["peak_mb"],
        "ratio_count_to_duckdb": round(second["timings"].get("count", 0.0) / duck["seconds"], 3),
        "tiles": tiles,
        "targets": {
            "rebuild_reused_geometry": second["geometry_reused"],
            "rebuild_within_5_min": second["seconds"] <= 300,
            "peak_under_10gb": max(first["peak_mb"], second["peak_mb"], duck["peak_mb"])
            < 10 * 1024,
            "desa_z4_all_villages": tiles["desa_z4_distinct_codes"]
            == tiles["villages_in_boundaries"],
            "desa_z4_within_3_mb": tiles["desa_z4_bytes"] <= 3_000_000,
        },
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"bench_national_rebuild_{rows}.json"
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine", default="pandas", choices=["pandas", "dask"])
    parser.add_argument("--rebuild", action="store_true", help="build twice, DuckDB, tiles")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rebuild:
        print(json.dumps(run_rebuild(args.rows, args.seed), indent=2))
    elif args.step == "tiles":
        result = tile_stats(WORK / f"store_{args.rows}_{args.engine}")
        print(json.dumps({**result, "peak_mb": round(_peak_mb())}))
    elif args.step == "build":
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
