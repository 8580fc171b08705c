"""Run every benchmark and write one summary (``make bench``).

* counting vs DuckDB on synthetic national registries of 1 M and 10 M rows
  (:mod:`bench_build`, counting step only);
* the whole national build (83,402 real village boundaries) at 1 M and 10 M rows, and at
  45 M with ``--national-45m`` (:mod:`bench_national`: time per step, peak memory, GeoJSON
  sizes, counting vs DuckDB in the same run);
* the dashboard on the demo store and, when a national build ran, on the largest national
  store (:mod:`bench_dashboard`: first-load bytes, bytes and server time per filter change at
  every level, from the whole country down to the villages of one kabupaten);
* placing misspelt names of every village of Indonesia, the old rule beside the new one
  (:mod:`bench_matching`);
* the other pages and the exports, demo and national (:mod:`bench_pages`);
* registry intake as Parquet, chunked CSV and whole CSV, XLSX with calamine and openpyxl
  (:mod:`bench_intake_formats`);
* the intake of a small build, the demo's CSV + XLSX + CSV (:mod:`bench_small_build`).

Writes ``benchmarks/results/summary.json`` and ``summary.md``. Every step runs in its own
process; a failing step is recorded with its error and the others still run.

    .venv/bin/python benchmarks/run_all.py [--national-45m] [--skip-national]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
RESULTS = BENCH / "results"


def _python(script: str, *args: str) -> dict[str, Any]:
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    seconds = round(time.perf_counter() - began, 1)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-5:], "wall_seconds": seconds}
    return {"wall_seconds": seconds}


def _json(name: str) -> dict[str, Any]:
    path = RESULTS / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def run(national_45m: bool, skip_national: bool) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": {
            "cores": _cores(),
            "memory_gb": _memory_gb(),
            "python": platform.python_version(),
        },
        "counting": {},
        "national_build": {},
    }
    for rows in (1_000_000, 10_000_000):
        status = _python("bench_build.py", "--rows", str(rows))
        summary["counting"][str(rows)] = {**_json("bench_build.json"), **status}
    sizes = [] if skip_national else [1_000_000, 10_000_000]
    if national_45m:
        sizes.append(45_000_000)
    for rows in sizes:
        status = _python("bench_national.py", "--rows", str(rows))
        summary["national_build"][str(rows)] = {
            **_json(f"bench_national_{rows}_pandas.json"),
            **status,
        }
    status = _python("bench_dashboard.py")
    summary["dashboard"] = {**_json("bench_dashboard.json"), **status}
    if sizes:
        store = BENCH / "work" / f"store_{max(sizes)}_pandas"
        status = _python("bench_dashboard.py", "--store", str(store))
        summary["dashboard_national"] = {**_json("bench_dashboard_national.json"), **status}
        status = _python("bench_pages.py", "--store", str(store))
        summary["pages_national"] = {**_json(f"bench_pages_{store.name}.json"), **status}
    status = _python("bench_pages.py")
    summary["pages_demo"] = {**_json("bench_pages_processed.json"), **status}
    status = _python("bench_matching.py")
    summary["matching"] = {**_json("bench_matching.json"), **status}
    status = _python("bench_intake_formats.py")
    summary["intake_formats"] = {**_json("bench_intake_formats.json"), **status}
    status = _python("bench_small_build.py")
    summary["small_build"] = {**_json("bench_small_build.json"), **status}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    (RESULTS / "summary.md").write_text(markdown(summary), encoding="utf-8")
    return summary


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


def _memory_gb() -> float:
    meminfo = Path("/proc/meminfo")
    if not meminfo.is_file():
        return 0.0
    kb = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
    return round(kb / 1024 / 1024, 1)


def _mb(value: object) -> str:
    return "-" if value is None else f"{value:,} MB"


def markdown(summary: dict[str, Any]) -> str:
    """The summary as Markdown tables."""
    machine = summary["machine"]
    lines = [
        f"# Benchmarks of {summary['date']}",
        "",
        f"{machine['cores']} cores, {machine['memory_gb']} GB, Python {machine['python']}.",
        "",
        "## Counting step vs DuckDB (same registry file, same run)",
        "",
        "| rows | engine read+count s | DuckDB running sum s | DuckDB range join s | ratio "
        "| peak |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for rows, r in summary["counting"].items():
        if "error" in r or "rows" not in r:
            lines.append(f"| {int(rows):,} | failed: {r.get('error')} | | | | |")
            continue
        lines.append(
            f"| {int(rows):,} | {r['engine_read_and_count_seconds']} | "
            f"{r['duckdb_running_sum_seconds']} | {r['duckdb_range_join_seconds']} | "
            f"{r['ratio_read_and_count_to_fastest_duckdb']} | {_mb(r.get('engine_peak_mb'))} |"
        )
    lines += [
        "",
        "## Whole national build (83,402 villages)",
        "",
        "| rows | build s | intake s | count s | DuckDB s | count/DuckDB | geometry s | "
        "coverage s | peak | kabupaten map gz | largest kabupaten's villages gz |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for rows, r in summary["national_build"].items():
        if "error" in r or "build" not in r:
            lines.append(f"| {int(rows):,} | failed: {r.get('error')} |" + " |" * 9)
            continue
        b, t, geo = r["build"], r["build"]["timings"], r["build"]["geo"]
        lines.append(
            f"| {int(rows):,} | {b['seconds']} | {t.get('registries')} | {t.get('count')} | "
            f"{r['duckdb_running_sum_seconds']} | {r['ratio_count_to_duckdb']} | "
            f"{t.get('geometry')} | {t.get('coverage')} | {_mb(b['peak_mb'])} | "
            f"{geo.get('kabupaten/all_gzip', 0):,} B | "
            f"{geo.get('desa_per_kabupaten_max_gzip', 0):,} B |"
        )
    dash = summary.get("dashboard", {})
    if "first_load_bytes" in dash:
        first = dash["first_load_bytes"]
        lines += [
            "",
            "## Dashboard (demo store)",
            "",
            f"First load: {first['total_with_bundles']:,} B gzip with bundles, "
            f"{first['total_without_bundles']:,} B without.",
            "",
            "| change | median ms | p90 ms | median bytes gz |",
            "|---|---:|---:|---:|",
        ]
        for name, change in dash.get("hot_changes", {}).items():
            lines.append(
                f"| {name} | {change['median_ms']} | {change['p90_ms']} | "
                f"{change['median_bytes_gzip']:,} |"
            )
    lines += _national_dashboard(summary.get("dashboard_national", {}))
    return "\n".join(lines) + "\n"


def _national_dashboard(dash: dict[str, Any]) -> list[str]:
    if "views" not in dash:
        return []
    lines = [
        "",
        "## Dashboard (national store)",
        "",
        f"Country's first load: {dash['country_first_load_gzip']:,} B gzip without the JS "
        f"bundles; largest village file of one kabupaten {dash['largest_village_file_gzip']:,} B."
        f" Targets met: {dash['meets_targets']}.",
        "",
        "| view | draw B gz | change | median ms | median bytes gz |",
        "|---|---:|---|---:|---:|",
    ]
    for name, view in dash["views"].items():
        for change, r in view["hot_changes"].items():
            lines.append(
                f"| {name} | {view['draw_total_gzip']:,} | {change} | {r['median_ms']} | "
                f"{r['median_bytes_gzip']:,} |"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--national-45m", action="store_true", help="also build 45 M rows")
    parser.add_argument("--skip-national", action="store_true", help="no national builds")
    args = parser.parse_args()
    summary = run(args.national_45m, args.skip_national)
    print((RESULTS / "summary.md").read_text(encoding="utf-8"))
    failed = [k for k, v in summary.items() if isinstance(v, dict) and "error" in v]
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
