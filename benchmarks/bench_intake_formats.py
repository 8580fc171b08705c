"""Benchmark: registry intake peak memory by file format (Parquet, CSV, CSV read whole).

Takes the synthetic registry of :mod:`bench_build` (``--rows`` memberships, default
2,000,000, over the real national village codes) as Parquet and writes the same rows as a
``;``-separated CSV export (dates as ISO text, no end date as an empty cell). Each step
runs in a fresh interpreter so that each has its own peak memory (``VmHWM``):

* ``parquet``: :func:`analytics.intake.ingest_registries` on the Parquet file, read by runs
  of row groups of at least ``--chunk-rows`` rows (the file has 1 M-row groups);
* ``csv``: the same on the CSV, read ``--chunk-rows`` rows at a time;
* ``csv_whole``: the CSV in one chunk (what every CSV intake did before chunked reading);
* ``duckdb``: DuckDB ``read_csv`` counting the rows of the same CSV, as a peer for reading
  speed and memory (it only counts: no pseudonyms, no placement, no de-duplication).

``base_mb`` is the resident memory after loading the national village list (the
gazetteer the intake places rows with), before the registry is read. Writes
``benchmarks/results/bench_intake_formats.json``.

    .venv/bin/python benchmarks/bench_intake_formats.py --rows 2000000 --chunk-rows 500000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_build import WORK, _peak_mb, make_registry, national_villages  # noqa: E402  (path set-up)

RESULTS = ROOT / "benchmarks" / "results" / "bench_intake_formats.json"


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def make_csv(parquet: Path) -> Path:
    """The Parquet registry as a ``;``-separated CSV (once per file)."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    path = parquet.with_suffix(".csv")
    if path.is_file():
        return path
    table = pq.read_table(parquet)
    table = table.set_column(
        table.schema.get_field_index("KODE_DESA"),
        "KODE_DESA",
        table.column("KODE_DESA").cast("string"),
    )
    options = pacsv.WriteOptions(delimiter=";", quoting_style="none")
    pacsv.write_csv(table, path, options)
    return path


def step_intake(path: Path, chunk_rows: int) -> dict[str, Any]:
    import analytics.intake
    from analytics.settings import DEMO_HMAC_KEY

    villages = national_villages()
    base = _rss_mb()
    analytics.intake.CHUNK_ROWS = chunk_rows  # this process only
    began = time.perf_counter()
    result = analytics.intake.ingest_registries([path], villages, DEMO_HMAC_KEY)
    seconds = time.perf_counter() - began
    rec = result.reconciliation
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "base_mb": base,
        "rows_in": rec["rows_in"],
        "matched": rec["matched"],
        "rejected": rec["rejected"],
        "duplicates": rec["duplicates"],
    }


def step_duckdb(path: Path) -> dict[str, Any]:
    import duckdb

    began = time.perf_counter()
    (rows,) = duckdb.connect().execute(
        "SELECT count(*) FROM read_csv($path, delim=';', header=true)", {"path": str(path)}
    ).fetchone() or (0,)
    return {"seconds": time.perf_counter() - began, "peak_mb": _peak_mb(), "rows_in": rows}


def _run(*args: str) -> dict[str, Any]:
    """Run one step in a fresh interpreter and return its JSON line."""
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk-rows", type=int, default=500_000)
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        path = Path(args.file)
        step = step_duckdb(path) if args.step == "duckdb" else step_intake(path, args.chunk_rows)
        print(json.dumps(step))
        return
    parquet = make_registry(args.rows, args.seed)
    csv = make_csv(parquet)
    chunk = ["--chunk-rows", str(args.chunk_rows)]
    runs = {
        "parquet": _run("--step", "intake", "--file", str(parquet), *chunk),
        "csv": _run("--step", "intake", "--file", str(csv), *chunk),
        "csv_whole": _run("--step", "intake", "--file", str(csv), "--chunk-rows", "1000000000"),
        "duckdb_count_csv": _run("--step", "duckdb", "--file", str(csv)),
    }
    counts = {k: v for k, v in runs["parquet"].items() if k in {"rows_in", "matched", "rejected"}}
    same = all(
        {k: run[k] for k in counts} == counts
        for name, run in runs.items()
        if name != "duckdb_count_csv"
    )
    results: dict[str, Any] = {
        "rows": args.rows,
        "chunk_rows": args.chunk_rows,
        "csv_mb": round(csv.stat().st_size / 2**20),
        "parquet_mb": round(parquet.stat().st_size / 2**20),
        "same_counts_in_every_format": same,
        "duckdb_counted_rows": runs["duckdb_count_csv"]["rows_in"],
    }
    for name, run in runs.items():
        results[f"{name}_seconds"] = round(run["seconds"], 2)
        results[f"{name}_peak_mb"] = round(run["peak_mb"])
        if "base_mb" in run:
            results[f"{name}_over_base_mb"] = round(run["peak_mb"] - run["base_mb"])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    if not same or results["duckdb_counted_rows"] != args.rows:
        sys.exit("the formats disagree")


if __name__ == "__main__":
    WORK.mkdir(parents=True, exist_ok=True)
    main()
