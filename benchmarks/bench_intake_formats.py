"""Benchmark: registry intake time and peak memory by file format (Parquet, CSV, XLSX).

Takes the synthetic registry of :mod:`bench_build` (``--rows`` memberships, default
2,000,000, over the real national village codes) as Parquet and writes the same rows as a
``;``-separated CSV export (dates as ISO text, no end date as an empty cell). Each step
runs in a fresh interpreter so that each has its own peak memory (``VmHWM``):

* ``parquet``: :func:`analytics.intake.registries.ingest_registries` on the Parquet file,
  read by runs of row groups of at least ``--chunk-rows`` rows (the file has 1 M-row groups);
* ``csv``: the same on the CSV, read ``--chunk-rows`` rows at a time;
* ``csv_whole``: the CSV in one chunk (what every CSV intake did before chunked reading);
* ``duckdb``: DuckDB ``read_csv`` counting the rows of the same CSV, as a peer for reading
  speed and memory (it only counts: no pseudonyms, no placement, no de-duplication).

* ``xlsx_calamine`` / ``xlsx_openpyxl``: the first ``--xlsx-rows`` rows (default 40,000)
  written as an XLSX workbook (real Excel dates), read the way the intake reads a registry
  (:func:`analytics.intake.registries._read_registry`: header search, needed columns,
  refused numeric id cells, placeholders) with python-calamine (the reader now) and with openpyxl in
  read-only mode (the reader before), in the same run;
* ``xlsx_pandas_calamine``: ``pandas.read_excel(engine="calamine", dtype=str)`` of the same
  workbook, as a peer (every column, no cell rules).

``base_mb`` is the resident memory after loading the national village list (the
gazetteer the intake places rows with), before the registry is read. ``cpu_seconds`` is
the process's CPU time (the machine is shared: wall time includes waiting). Writes
``benchmarks/results/bench_intake_formats.json``; ``--only-xlsx`` runs the XLSX steps only
and keeps the other figures of the last full run. ``CAKUPAN_SHARED_DATA`` names the shared
data folder when it is not ``../shared/data``.

    .venv/bin/python benchmarks/bench_intake_formats.py --rows 2000000 --chunk-rows 500000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_build  # noqa: E402  (path set-up)
from bench_build import WORK, _peak_mb, make_registry, national_villages  # noqa: E402

if os.environ.get("CAKUPAN_SHARED_DATA"):  # a worktree whose ../shared is elsewhere
    bench_build.CODES_CSV = Path(os.environ["CAKUPAN_SHARED_DATA"]) / bench_build.CODES_CSV.name

RESULTS = ROOT / "benchmarks" / "results" / "bench_intake_formats.json"


class OpenpyxlWorkbook:
    """The XLSX reader before python-calamine (openpyxl read-only, cached values), with
    :class:`analytics.io.readers.Workbook`'s interface: the peer of the XLSX steps."""

    def __init__(self, path: Any) -> None:
        import openpyxl

        self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)

    @property
    def sheet_names(self) -> list[str]:
        return [sheet.title for sheet in self._book.worksheets]

    def rows(self, name: str) -> Any:
        return (list(row) for row in self._book[name].iter_rows(values_only=True))

    def close(self) -> None:
        self._book.close()


def use_openpyxl() -> None:
    """Make the intake read XLSX with :class:`OpenpyxlWorkbook` (this process only)."""
    import analytics.io.readers
    import analytics.io.tables

    analytics.io.tables.open_workbook = OpenpyxlWorkbook  # type: ignore[assignment]
    analytics.io.readers.open_workbook = OpenpyxlWorkbook  # type: ignore[assignment]


def make_xlsx(parquet: Path, rows: int) -> Path:
    """The first ``rows`` rows of the registry as an XLSX workbook (once per file)."""
    import openpyxl
    import pyarrow.parquet as pq

    path = parquet.with_name(f"{parquet.stem}_{rows}.xlsx")
    if path.is_file():
        return path
    frame = pq.ParquetFile(parquet).read_row_group(0).slice(0, rows).to_pandas()
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("kepesertaan")
    sheet.append(list(frame.columns))
    for record in frame.astype(object).where(frame.notna(), None).itertuples(index=False):
        sheet.append([v.to_pydatetime() if hasattr(v, "to_pydatetime") else v for v in record])
    book.save(path)
    return path


def step_xlsx_read(path: Path, reader: str) -> dict[str, Any]:
    """Read the registry workbook as the intake does, with ``reader``."""
    import analytics.intake.registries

    if reader == "openpyxl":
        use_openpyxl()
    began, cpu = time.perf_counter(), time.process_time()
    rows = sum(
        len(t.frame) for t in analytics.intake.registries._read_registry(path, path.name, None)
    )
    return {
        "seconds": time.perf_counter() - began,
        "cpu_seconds": time.process_time() - cpu,
        "peak_mb": _peak_mb(),
        "rows_in": rows,
    }


def step_pandas_calamine(path: Path) -> dict[str, Any]:
    import pandas as pd

    began, cpu = time.perf_counter(), time.process_time()
    rows = len(pd.read_excel(path, engine="calamine", dtype=str))
    return {
        "seconds": time.perf_counter() - began,
        "cpu_seconds": time.process_time() - cpu,
        "peak_mb": _peak_mb(),
        "rows_in": rows,
    }


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
    import analytics.intake.registries
    from analytics.settings import DEMO_HMAC_KEY

    villages = national_villages()
    base = _rss_mb()
    analytics.intake.registries.CHUNK_ROWS = chunk_rows  # this process only
    began = time.perf_counter()
    result = analytics.intake.registries.ingest_registries([path], villages, DEMO_HMAC_KEY)
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
    parser.add_argument("--xlsx-rows", type=int, default=40_000)
    parser.add_argument("--only-xlsx", action="store_true")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        path = Path(args.file)
        steps = {
            "duckdb": lambda: step_duckdb(path),
            "intake": lambda: step_intake(path, args.chunk_rows),
            "xlsx_calamine": lambda: step_xlsx_read(path, "calamine"),
            "xlsx_openpyxl": lambda: step_xlsx_read(path, "openpyxl"),
            "xlsx_pandas_calamine": lambda: step_pandas_calamine(path),
        }
        print(json.dumps(steps[args.step]()))
        return
    parquet = make_registry(args.rows, args.seed)
    xlsx = make_xlsx(parquet, args.xlsx_rows)
    xlsx_runs = {
        name: _run("--step", name, "--file", str(xlsx))
        for name in ("xlsx_calamine", "xlsx_openpyxl", "xlsx_pandas_calamine")
    }
    xlsx_results: dict[str, Any] = {
        "xlsx_rows": args.xlsx_rows,
        "xlsx_mb": round(xlsx.stat().st_size / 2**20, 1),
        "xlsx_same_rows": len({run["rows_in"] for run in xlsx_runs.values()}) == 1,
    }
    for name, run in xlsx_runs.items():
        xlsx_results[f"{name}_seconds"] = round(run["seconds"], 2)
        xlsx_results[f"{name}_cpu_seconds"] = round(run["cpu_seconds"], 2)
        xlsx_results[f"{name}_peak_mb"] = round(run["peak_mb"])
    xlsx_results["xlsx_openpyxl_over_calamine_cpu"] = round(
        xlsx_runs["xlsx_openpyxl"]["cpu_seconds"] / xlsx_runs["xlsx_calamine"]["cpu_seconds"], 1
    )
    if args.only_xlsx:
        previous = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
        results = {**previous, **xlsx_results}
        RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(results, indent=2))
        if not xlsx_results["xlsx_same_rows"]:
            sys.exit("the XLSX readers disagree")
        return
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
    results.update(xlsx_results)
    for name, run in runs.items():
        results[f"{name}_seconds"] = round(run["seconds"], 2)
        results[f"{name}_peak_mb"] = round(run["peak_mb"])
        if "base_mb" in run:
            results[f"{name}_over_base_mb"] = round(run["peak_mb"] - run["base_mb"])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    if not same or not results["xlsx_same_rows"] or results["duckdb_counted_rows"] != args.rows:
        sys.exit("the formats disagree")


if __name__ == "__main__":
    WORK.mkdir(parents=True, exist_ok=True)
    main()
