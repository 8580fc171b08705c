"""Benchmark: the intake of a small build (CSV + XLSX + CSV, about 150,000 rows).

The demo's three registries (``cakupan demo --seed 7``: 98,181 rows of UTF-8 CSV, 48,794 of
XLSX with real dates, 3,074 of cp1252 ``;`` CSV placed by name) are what a branch office
has; the goal is at most 5 s of intake (the ``registries`` step of ``cakupan build``:
reading, pseudonymising, de-duplicating and placing every row). Each run is a fresh
interpreter on the demo boundaries:

* ``calamine``: :func:`analytics.intake.registries.ingest_registries` as the build runs it
  (XLSX read with python-calamine);
* ``openpyxl``: the same with the XLSX read by openpyxl in read-only mode (the reader
  before; ``bench_intake_formats.OpenpyxlWorkbook``), as the peer in the same run.

Per-file read times come from a second pass that only reads (``_read_registry``).
``cpu_seconds`` is the process's CPU time: the machine is shared, wall time includes
waiting. Writes ``benchmarks/results/bench_small_build.json``.

    .venv/bin/python benchmarks/bench_small_build.py [--demo data/demo --boundaries shapefiles/demo]
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

from bench_build import _peak_mb  # noqa: E402  (path set-up)

RESULTS = ROOT / "benchmarks" / "results" / "bench_small_build.json"
REGISTRIES = (
    "registry/kepesertaan_penerima_upah.csv",
    "registry/kepesertaan_bpu.xlsx",
    "registry/kepesertaan_manual_kecamatan.csv",
)
GOAL_SECONDS = 5.0


def step(demo: Path, boundaries: Path, reader: str) -> dict[str, Any]:
    """Read the boundaries, then time the registries' intake and each file's reading."""
    import analytics.intake.registries
    from analytics.io.boundaries import read_villages
    from analytics.settings import DEMO_HMAC_KEY

    if reader == "openpyxl":
        from bench_intake_formats import use_openpyxl

        use_openpyxl()
    villages = read_villages(str(boundaries / "provinsi_contoh.gpkg"))
    paths = [demo / name for name in REGISTRIES]
    began, cpu = time.perf_counter(), time.process_time()
    result = analytics.intake.registries.ingest_registries(
        paths, villages, DEMO_HMAC_KEY, member_ids=False
    )
    seconds, cpu_seconds = time.perf_counter() - began, time.process_time() - cpu
    reads = {}
    for path in paths:
        start, start_cpu = time.perf_counter(), time.process_time()
        rows = sum(
            len(t.frame) for t in analytics.intake.registries._read_registry(path, path.name, None)
        )
        reads[path.name] = {
            "rows": rows,
            "read_seconds": round(time.perf_counter() - start, 2),
            "read_cpu_seconds": round(time.process_time() - start_cpu, 2),
        }
    rec = result.reconciliation
    return {
        "intake_seconds": round(seconds, 2),
        "intake_cpu_seconds": round(cpu_seconds, 2),
        "peak_mb": round(_peak_mb()),
        "counts": {
            k: rec[k] for k in ("rows_in", "matched", "unmatched", "rejected", "duplicates")
        },
        "files": reads,
    }


def _run(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", type=Path, default=ROOT / "data" / "demo")
    parser.add_argument("--boundaries", type=Path, default=ROOT / "shapefiles" / "demo")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.demo, args.boundaries, args.step)))
        return
    if not (args.demo / REGISTRIES[1]).is_file():
        sys.exit(f"no demo data in {args.demo}: run `cakupan demo` first")
    where = ["--demo", str(args.demo), "--boundaries", str(args.boundaries)]
    load_before = os.getloadavg()[0]
    runs = {reader: _run(*where, "--step", reader) for reader in ("calamine", "openpyxl")}
    calamine, openpyxl = runs["calamine"], runs["openpyxl"]
    results = {
        "rows": calamine["counts"]["rows_in"],
        "files": {name: run["rows"] for name, run in calamine["files"].items()},
        "goal_intake_seconds": GOAL_SECONDS,
        "meets_goal": calamine["intake_seconds"] <= GOAL_SECONDS,
        "meets_goal_in_cpu_time": calamine["intake_cpu_seconds"] <= GOAL_SECONDS,
        # 2 cores: a 1-minute load average far above 2 means wall time is mostly waiting.
        "load_average_1min": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "same_counts": calamine["counts"] == openpyxl["counts"],
        **{f"{reader}_{k}": v for reader, run in runs.items() for k, v in run.items()},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    if not results["same_counts"]:
        sys.exit("the XLSX readers disagree")


if __name__ == "__main__":
    main()
