"""Three ways for server processes to answer the app's coverage queries, on one store.

Usage::

    .venv/bin/python benchmarks/bench_shared_store.py --store DIR [--procs 4] [--repeat 15]
        [--options pandas,arrow,duckdb] [--cache DIR]

The options, each answering the same hot queries of the app with the same engine code
(``indicators.areas_in_view`` / ``area_kpis``):

* ``pandas``: today's in-process copy: ``coverage.parquet`` read whole into each process
  (text columns as categories), one segment x level slice cut and kept per view (the
  app's ``level_coverage``), the rows in view filtered from it.
* ``arrow``: ``coverage.arrow`` (uncompressed Arrow IPC, sorted by level, area, segment,
  month) memory-mapped, rows taken by position through ``coverage_index.arrow``
  (``analytics.store.columnar``); the pages are the OS page cache, shared by processes.
* ``duckdb``: DuckDB querying ``coverage.parquet`` per request with the filters pushed
  down (one connection per process).

Queries: ``map`` (the rows of one level inside an area, one segment, one month: the
country by kabupaten, the province with most kabupaten, the kabupaten with most villages
by kecamatan and by village, and random kabupaten by village), ``trend`` (one area's
months in one segment) and ``kpi`` (``area_kpis`` of one area), over random areas of every
level. Each option runs first in one fresh process (cold time to the first answer: from
the process's start, imports included, to the first map answer; then ``--repeat`` rounds
of every query: p50/p95), then in ``--procs`` processes at once, each running the same
queries; while all of them are alive their ``/proc/<pid>/smaps_rollup`` gives RSS, PSS and
USS (private pages). Every answer is compared with the ``pandas`` option's (same rows,
same numbers). Results: ``benchmarks/results/bench_shared_store_<store>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Final

START: Final = time.time()  # before the heavy imports: the process's own start
ROOT: Final = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS: Final = ROOT / "benchmarks" / "results"
SEGMENT: Final = "BPU"


# --- the three ways -------------------------------------------------------------------
class PandasWay:
    """Today's: the whole table per process, a slice per segment x level kept."""

    def __init__(self, store: Path) -> None:
        from analytics.store.reader import Store

        self.store = Store(store)
        self.slices: dict[tuple[str, str], Any] = {}

    def _slice(self, segment: str, level: str) -> Any:
        key = (segment, level)
        if key not in self.slices:
            cov = self.store.coverage()
            rows = cov[(cov["segment"] == segment) & (cov["level"] == level)]
            self.slices[key] = rows.reset_index(drop=True)
            while len(self.slices) > 8:  # the app's LRU of 8
                self.slices.pop(next(iter(self.slices)))
        return self.slices[key]

    def map_rows(self, level: str, within: str, segment: str, month: str) -> Any:
        return self._slice(segment, level)

    def area_rows(self, code: str, segment: str) -> Any:
        from analytics.codes import level_of

        rows = self._slice(segment, level_of(code))
        return rows[rows["area_code"] == code]


class ArrowWay:
    """Memory-mapped ``coverage.arrow``, rows taken by position."""

    def __init__(self, store: Path, cache: Path) -> None:
        from analytics.store import columnar
        from analytics.store.reader import file_stamp

        parquet = store / "coverage.parquet"
        folder = columnar.ensure_coverage_file(parquet, file_stamp(parquet), cache)
        self.file = columnar.CoverageFile.open(
            folder / columnar.ARROW_FILE, folder / columnar.INDEX_FILE
        )

    def map_rows(self, level: str, within: str, segment: str, month: str) -> Any:
        return self.file.rows(
            level=level, within=within or None, segments=[segment], months=[month]
        )

    def area_rows(self, code: str, segment: str) -> Any:
        return self.file.rows(codes=[code], segments=[segment])


class DuckWay:
    """DuckDB over ``coverage.parquet``, one query per request."""

    def __init__(self, store: Path) -> None:
        import duckdb

        self.con = duckdb.connect()
        self.path = str(store / "coverage.parquet")

    def map_rows(self, level: str, within: str, segment: str, month: str) -> Any:
        sql = (
            "SELECT * FROM read_parquet(?) WHERE level = ? AND segment = ? "
            "AND month = CAST(? AS TIMESTAMP_NS)"
        )
        params: list[Any] = [self.path, level, segment, f"{month}-01"]
        if within:
            sql += " AND starts_with(area_code, ?)"
            params.append(within + ".")
        return self._frame(sql, params)

    def area_rows(self, code: str, segment: str) -> Any:
        sql = "SELECT * FROM read_parquet(?) WHERE area_code = ? AND segment = ? ORDER BY month"
        return self._frame(sql, [self.path, code, segment])

    def _frame(self, sql: str, params: list[Any]) -> Any:
        frame = self.con.execute(sql, params).df()
        return frame.astype({"month": "datetime64[ns]"})


def make_way(option: str, store: Path, cache: Path) -> Any:
    if option == "pandas":
        return PandasWay(store)
    if option == "arrow":
        return ArrowWay(store, cache)
    if option == "duckdb":
        return DuckWay(store)
    raise SystemExit(f"unknown option {option}")


# --- the queries ----------------------------------------------------------------------
def answer(way: Any, query: dict[str, Any]) -> Any:
    """One query as the app answers it: the engine's functions over the rows."""
    import pandas as pd

    from analytics.engine.indicators import area_kpis, areas_in_view

    month = pd.Timestamp(f"{query['month']}-01")
    if query["kind"] == "map":
        rows = way.map_rows(query["level"], query["within"], query["segment"], query["month"])
        return areas_in_view(rows, query["level"], query["within"] or None, month, query["segment"])
    rows = way.area_rows(query["area"], query["segment"])
    if query["kind"] == "trend":
        return rows.sort_values("month", ignore_index=True)
    return area_kpis(rows, query["area"], month, query["segment"], 52.15)


def digest(result: Any) -> Any:
    """What must be equal between options: the numbers of the answer."""
    import pandas as pd

    if isinstance(result, pd.DataFrame):
        cols = [
            c
            for c in ("area_code", "month", "active", "eligible", "coverage_pct", "gap")
            if c in result.columns
        ]
        frame = result.loc[:, cols].astype({"area_code": "str"})
        return json.loads(frame.to_json(orient="values", date_format="iso", double_precision=12))
    return json.loads(json.dumps(result.__dict__, default=str))


def queries(store: Path, count: int, seed: int) -> list[dict[str, Any]]:
    import pandas as pd

    meta = json.loads((store / "meta.json").read_text(encoding="utf-8"))
    month = str(meta["end_month"])
    areas = pd.read_parquet(store / "areas.parquet", columns=["level", "area_code", "parent_code"])
    rng = random.Random(seed)
    by_level = {lv: sorted(g["area_code"]) for lv, g in areas.groupby("level")}
    kab = by_level.get("kabupaten", [])
    prov_kabs = areas[areas["level"] == "kabupaten"].groupby("parent_code").size()
    kab_villages = (
        areas[areas["level"] == "desa"].assign(kab=lambda d: d["area_code"].str[:5]).groupby("kab")
    ).size()
    out: list[dict[str, Any]] = []

    def map_query(name: str, level: str, within: str) -> None:
        out.append(
            {
                "kind": "map",
                "name": name,
                "level": level,
                "within": within,
                "segment": SEGMENT,
                "month": month,
            }
        )

    top = "kabupaten" if len(meta.get("root_codes") or []) > 1 else "desa"
    map_query("country" if top == "kabupaten" else "store", top, "")
    if len(prov_kabs):
        map_query("province_most_kabupaten", "kabupaten", str(prov_kabs.idxmax()))
    if len(kab_villages):
        biggest = str(kab_villages.idxmax())
        map_query("kabupaten_most_villages_by_kecamatan", "kecamatan", biggest)
        map_query("kabupaten_most_villages_by_village", "desa", biggest)
    for code in rng.sample(kab, min(count, len(kab))):
        map_query("random_kabupaten_by_village", "desa", code)
    for level in ("provinsi", "kabupaten", "kecamatan", "desa"):
        codes = by_level.get(level, [])
        out.extend(
            {
                "kind": kind,
                "name": f"{kind}_{level}",
                "area": code,
                "segment": SEGMENT,
                "month": month,
            }
            for code in rng.sample(codes, min(count, len(codes)))
            for kind in ("trend", "kpi")
        )
    return out


# --- one process ------------------------------------------------------------------------
def smaps(pid: int) -> dict[str, float]:
    """RSS, PSS and USS (private clean + dirty) of ``pid`` in MB, from smaps_rollup."""
    values: dict[str, int] = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 3 and parts[-1] == "kB":
                values[parts[0].rstrip(":")] = int(parts[1])
    uss = values.get("Private_Clean", 0) + values.get("Private_Dirty", 0)
    return {
        "rss_mb": round(values.get("Rss", 0) / 1024, 1),
        "pss_mb": round(values.get("Pss", 0) / 1024, 1),
        "uss_mb": round(uss / 1024, 1),
        "shared_mb": round(
            (values.get("Shared_Clean", 0) + values.get("Shared_Dirty", 0)) / 1024, 1
        ),
    }


def worker(option: str, store: Path, cache: Path, spec: Path, repeat: int) -> None:
    """Answer every query; print one JSON line, then wait for a line on stdin."""
    qs = json.loads(spec.read_text(encoding="utf-8"))
    way = make_way(option, store, cache)
    first = answer(way, qs[0])
    first_at = time.time()
    print(json.dumps({"first_answer_s": round(first_at - START, 3)}), flush=True)
    digests = {i: digest(answer(way, q)) for i, q in enumerate(qs)}
    times: dict[str, list[float]] = {}
    for _ in range(repeat):
        for q in qs:
            began = time.perf_counter()
            answer(way, q)
            times.setdefault(q["kind"], []).append((time.perf_counter() - began) * 1000)
    cpu = os.times()
    print(
        json.dumps(
            {
                "pid": os.getpid(),
                "first_answer_s": round(first_at - START, 3),
                "first_rows": len(first),
                "times_ms": times,
                "digests": digests,
                "cpu_s": round(cpu.user + cpu.system, 2),
            }
        ),
        flush=True,
    )
    sys.stdin.readline()  # the parent reads our memory now, then lets us go


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    q = (
        statistics.quantiles(ordered, n=100, method="inclusive")
        if len(ordered) > 1
        else ordered * 99
    )
    return {"n": len(ordered), "p50_ms": round(q[49], 2), "p95_ms": round(q[94], 2)}


def _line(proc: subprocess.Popen[str], option: str) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        raise SystemExit(f"{option} worker failed ({proc.wait()})")
    return line


def run_processes(
    option: str, n: int, store: Path, cache: Path, spec: Path, repeat: int, stagger: bool
) -> dict[str, Any]:
    """``n`` fresh processes of ``option`` (started together, or each once the one before
    answered its first query); their answers, times and memory while all are alive."""
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        option,
        "--store",
        str(store),
        "--cache",
        str(cache),
        "--spec",
        str(spec),
        "--repeat",
        str(repeat),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = []
    for _ in range(n):
        proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )
        procs.append(proc)
        if stagger:  # the next starts once this one has answered (bounds the read peaks)
            _line(proc, option)
    reports = []
    for proc in procs:
        if not stagger:
            _line(proc, option)
        reports.append(json.loads(_line(proc, option)))
    memory = [smaps(proc.pid) for proc in procs]  # all alive, all done
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
        proc.wait(timeout=60)
    times: dict[str, list[float]] = {}
    for r in reports:
        for kind, values in r["times_ms"].items():
            times.setdefault(kind, []).extend(values)
    return {
        "processes": n,
        "staggered": stagger,
        "first_answer_s": [r["first_answer_s"] for r in reports],
        "latency": {k: _percentiles(v) for k, v in sorted(times.items())},
        "memory_per_process": memory,
        "memory_total": {
            k: round(sum(m[k] for m in memory), 1) for k in ("rss_mb", "pss_mb", "uss_mb")
        },
        "cpu_s": [r["cpu_s"] for r in reports],
        "digests": reports[0]["digests"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--procs", type=int, default=4)
    parser.add_argument(
        "--procs-pandas", type=int, help="processes of the pandas option (each holds ~2 GB)"
    )
    parser.add_argument(
        "--stagger", default="pandas", help="options whose processes start one after another"
    )
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--count", type=int, default=8, help="random areas per level")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--options", default="pandas,arrow,duckdb")
    parser.add_argument(
        "--cache",
        type=Path,
        help="default: where the app makes it, <CAKUPAN_CACHE_DIR>/coverage",
    )
    parser.add_argument("--out", type=Path)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--spec", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cache is None:  # imported late: the worker's start time is measured above
        from analytics.settings import Settings

        args.cache = Settings.from_env().cache_dir / "coverage"
    if args.worker:
        worker(args.worker, args.store, args.cache, args.spec, args.repeat)
        return 0

    from analytics.store import columnar
    from analytics.store.reader import file_stamp

    store = args.store.resolve()
    parquet = store / "coverage.parquet"
    began = time.perf_counter()
    folder = columnar.ensure_coverage_file(parquet, file_stamp(parquet), args.cache)
    prepare_s = time.perf_counter() - began
    spec = args.cache / f"queries-{os.getpid()}.json"
    qs = queries(store, args.count, args.seed)
    spec.write_text(json.dumps(qs), encoding="utf-8")
    import pyarrow.parquet as pq

    pmeta = pq.ParquetFile(parquet).metadata
    result: dict[str, Any] = {
        "store": str(store),
        "coverage_rows": pmeta.num_rows,
        "parquet_row_groups": pmeta.num_row_groups,
        "parquet_mb": round(parquet.stat().st_size / 2**20, 1),
        "arrow_mb": round((folder / columnar.ARROW_FILE).stat().st_size / 2**20, 1),
        "arrow_index_mb": round((folder / columnar.INDEX_FILE).stat().st_size / 2**20, 1),
        "arrow_folder": str(folder),
        "arrow_prepare_s": round(prepare_s, 1),
        "queries": {kind: sum(q["kind"] == kind for q in qs) for kind in ("map", "trend", "kpi")},
        "query_list": qs,
        "repeat": args.repeat,
        "cpu_count": os.cpu_count(),
        "load_average_before": os.getloadavg(),
        "options": {},
    }
    reference = None
    for option in args.options.split(","):
        print(f"{option}: one process", flush=True)
        alone = run_processes(option, 1, store, args.cache, spec, args.repeat, False)
        procs = args.procs_pandas if option == "pandas" and args.procs_pandas else args.procs
        print(f"{option}: {procs} processes", flush=True)
        many = run_processes(
            option, procs, store, args.cache, spec, args.repeat, option in args.stagger
        )
        digests = alone.pop("digests")
        many.pop("digests")
        if reference is None:
            reference = digests
        same = digests == reference
        result["options"][option] = {"one": alone, "many": many, "answers_equal_first": same}
        brief = {
            "first_answer_s": alone["first_answer_s"] + many["first_answer_s"],
            "latency_one": alone["latency"],
            "memory_many": many["memory_total"],
            "answers_equal": same,
        }
        print(json.dumps({option: brief}), flush=True)
    result["load_average_after"] = os.getloadavg()
    spec.unlink()
    out = args.out or RESULTS / f"bench_shared_store_{store.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0 if all(o["answers_equal_first"] for o in result["options"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
