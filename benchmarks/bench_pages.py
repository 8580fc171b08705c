"""Benchmark of the pages other than the map: Tren, Kualitas data, Penjangkauan, Metode, and
the exports (table CSV/XLSX, map and trend PNG, area PDF report), on any store.

Usage: ``python benchmarks/bench_pages.py [--store DIR] [--runs 5]``

Uses Flask's test client against ``create_app`` with a temporary users file (an admin and
a branch user limited to the kabupaten with most villages), logged in through the CSRF
form. Each page and callback goes through ``/_dash-update-component`` with the payload
Dash's renderer sends; the exports are timed as the functions the download callbacks call.
For each: the first call (store tables already read, the view's caches cold) and the median
of ``--runs`` warm calls, wall and CPU time (``time.process_time``: the work without the
wait for a shared core), and the bytes sent (raw and gzip). The peer in the same run is
DuckDB computing the same trend series straight from ``coverage.parquet``.

On a store with officers, Penjangkauan is timed callback by callback (layout, Polsek
choices, plan and impact of one Polsek and of the whole Polres, XLSX and PDF downloads) for
the admin and for a police user of the Polres with most villages, plus ``cakupan plan`` for
that Polres and its province (``bench_outreach.py``; ``--no-cli`` skips the CLI,
``--only-outreach`` times only these and writes ``..._outreach.json``).

Writes ``benchmarks/results/bench_pages_<store folder name>.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

GZIP = {"Accept-Encoding": "gzip"}
PAGES = "_pages_content.children"


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def timed(call: Callable[[], Any]) -> tuple[Any, float, float]:
    t0, c0 = time.perf_counter(), time.process_time()
    out = call()
    return out, 1000 * (time.perf_counter() - t0), 1000 * (time.process_time() - c0)


def measure(call: Callable[[], tuple[int, int]], runs: int) -> dict[str, Any]:
    """``call`` returns (raw bytes, gzip bytes); first call, then the median of ``runs``."""
    (raw, gz), first_ms, first_cpu = timed(call)
    warm, warm_cpu = [], []
    for _ in range(runs):
        _, ms, cpu = timed(call)
        warm.append(ms)
        warm_cpu.append(cpu)
    return {
        "first_ms": round(first_ms, 1),
        "first_cpu_ms": round(first_cpu, 1),
        "warm_median_ms": round(statistics.median(warm), 1) if warm else None,
        "warm_median_cpu_ms": round(statistics.median(warm_cpu), 1) if warm else None,
        "bytes_raw": raw,
        "bytes_gzip": gz,
    }


class Client:
    """A logged-in test client that posts callbacks by their output."""

    def __init__(self, app: Any, name: str, password: str) -> None:
        from bench_dashboard import login

        self.app = app
        self.client = app.server.test_client()
        login(self.client, name, password)

    def post(self, output: str, values: dict[str, Any]) -> tuple[int, int, Any]:
        from dash_helpers import callback_request

        key = next(k for k in self.app.callback_map if output in k.split("@")[0])
        spec = self.app.callback_map[key]
        body = callback_request(key, spec["inputs"], spec["state"], values)
        response = self.client.post("/_dash-update-component", json=body, headers=GZIP)
        if response.status_code not in (200, 204):
            raise SystemExit(f"{output} {values}: HTTP {response.status_code}")
        data = response.data
        if response.headers.get("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        return len(data), len(response.data), json.loads(data) if data else None

    def page(self, path: str, query: str = "") -> tuple[int, int, Any]:
        values = {"_pages_location.pathname": path, "_pages_location.search": query}
        return self.post(PAGES, values)


def component_values(tree: Any) -> dict[str, dict[str, Any]]:
    """id -> props of every component (with a string id) in a layout's JSON."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict):
                if isinstance(props.get("id"), str):
                    found[props["id"]] = props
                walk(props.get("children"))
            else:
                for value in node.values():
                    walk(value)

    walk(tree)
    return found


def trend_values(area: str, compare: str | None = None) -> dict[str, Any]:
    return {
        "trend-area.value": area,
        "trend-segment.value": "BPU",
        "trend-compare.value": compare,
        "trend-compare-segment.value": None,
        "trend-target.value": "100",
        "trend-target-custom.value": None,
        "trend-lang.data": "?lang=id",
    }


def views_of(store: Any) -> dict[str, str]:
    """The areas a head-office user looks at: the country (or the store's single top area),
    the province with most kabupaten, its kabupaten with most villages, that kabupaten's
    largest kecamatan, and a second kabupaten of the province to compare with."""
    areas = store.areas()
    codes = areas["area_code"].astype("str")
    kab = codes[areas["level"] == "kabupaten"]
    desa = codes[areas["level"] == "desa"]
    roots = store.meta()["root_codes"]
    province = kab.str[:2].value_counts().idxmax()
    kabupaten = desa[desa.str[:2] == province].str[:5].value_counts().idxmax()
    kecamatan = desa[desa.str[:5] == kabupaten].str[:8].value_counts().idxmax()
    other = sorted(set(kab[kab.str[:2] == province]) - {kabupaten})
    return {
        "country": "" if len(roots) > 1 else roots[0],
        "province": province,
        "kabupaten": kabupaten,
        "kecamatan": kecamatan,
        "compare_with": other[0] if other else kabupaten,
    }


def bench_trends(client: Client, views: dict[str, str], runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {"layout": {}, "callback": {}}
    for name in ("country", "province", "kabupaten"):
        query = f"?area={views[name]}&lang=id"
        out["layout"][name] = measure(lambda q=query: client.page("/tren", q)[:2], runs)
    cases = {name: trend_values(views[name]) for name in ("country", "province", "kabupaten")}
    cases["kecamatan_villages"] = trend_values(views["kecamatan"])
    cases["compare_two_kabupaten"] = trend_values(views["kabupaten"], views["compare_with"])
    for name, values in cases.items():
        out["callback"][name] = measure(
            lambda v=values: client.post("trend-main.figure", v)[:2], runs
        )
    _, _, body = client.post("trend-main.figure", cases["province"])
    small = body["response"]["trend-small"]["figure"]
    out["province_small_multiples_panels"] = len(small["data"])
    out["province_small_multiples_title"] = small["layout"]["title"]["text"]
    for search in ("sura", views["kecamatan"]):
        values = {
            "trend-area.search_value": search,
            "trend-area.value": views["kabupaten"],
            "trend-lang.data": "?lang=id",
        }
        out["callback"][f"search_{search}"] = measure(
            lambda v=values: client.post("trend-area.options", v)[:2], runs
        )
    return out


def bench_exports(store: Any, settings: Any, views: dict[str, str], runs: int) -> dict[str, Any]:
    """The download callbacks' bodies (the HTTP reply is this file in base64 JSON)."""
    from analytics.report.job import ReportRequest
    from layouts.core.store_access import store_facts
    from layouts.core.url_state import ViewState, resolve
    from layouts.exports.files import figure_file, table_file
    from layouts.exports.report_job import build_area_report

    facts = store_facts(store, settings)

    def state(area: str, level: str) -> ViewState:
        view = ViewState(level=level, area=area, segment="BPU", scheme="targets")
        return resolve(view, set(facts.names), facts.months, facts.root_codes)

    def size(data: dict[str, Any]) -> tuple[int, int]:
        return len(data["content"]), len(gzip.compress(data["content"].encode(), 6))

    country = state(views["country"], "kabupaten")
    villages = state(views["kabupaten"], "desa")
    few = max(1, min(runs, 2))  # Kaleido renders take seconds: two warm runs at most
    out: dict[str, Any] = {}
    for name, st in (("country_kabupaten", country), ("kabupaten_desa", villages)):
        for fmt in ("csv", "xlsx"):
            out[f"table_{fmt}_{name}"] = measure(
                lambda s=st, f=fmt: size(table_file(store, s, f, 5, None)), runs
            )
        out[f"map_png_{name}"] = measure(
            lambda s=st: size(figure_file(store, settings, "map", "png", s, 5, date.today())),
            few,
        )
    trend = state(views["kabupaten"], "desa")
    out["trend_png_kabupaten"] = measure(
        lambda: size(figure_file(store, settings, "trend", "png", trend, 5, date.today())), few
    )
    request = ReportRequest(views["kabupaten"], "", "BPU", 5)

    def report() -> tuple[int, int]:
        pdf = build_area_report(store, settings, request)
        return len(pdf), len(gzip.compress(pdf, 6))

    out["report_pdf_kabupaten"] = measure(report, few)
    return out


def duckdb_peer(store_dir: Path, views: dict[str, str], runs: int) -> dict[str, Any]:
    """DuckDB over coverage.parquet: one area's series, the sub-areas of the province and
    (on a national store) the country's combined series, each query from the file."""
    import duckdb

    path = str(store_dir / "coverage.parquet")
    con = duckdb.connect()
    queries = {
        "kabupaten_series": (
            "SELECT month, coverage_pct FROM read_parquet(?) "
            "WHERE area_code = ? AND segment = 'BPU' ORDER BY month",
            [path, views["kabupaten"]],
        ),
        "province_sub_areas": (
            "SELECT area_code, month, coverage_pct FROM read_parquet(?) WHERE level = "
            "'kabupaten' AND segment = 'BPU' AND starts_with(area_code, ?) ORDER BY 1, 2",
            [path, views["province"] + "."],
        ),
        "country_combined": (
            "SELECT month, 100 * sum(active_covered) / nullif(sum(eligible), 0) AS pct "
            "FROM read_parquet(?) WHERE level = 'provinsi' AND segment = 'BPU' "
            "GROUP BY month ORDER BY month",
            [path],
        ),
    }
    out = {}
    for name, (sql, params) in queries.items():
        timing = measure(lambda s=sql, p=params: (len(con.execute(s, p).fetchall()), 0), runs)
        timing["rows"] = timing.pop("bytes_raw")
        del timing["bytes_gzip"]
        out[name] = timing
    return out


def bench_outreach(
    app: Any, admin: Client, store: Any, users: Path, runs: int, *, cli: bool
) -> dict[str, Any]:
    """/penjangkauan for the admin and a police user, and ``cakupan plan`` (with ``cli``):
    see ``bench_outreach.py``."""
    from bench_outreach import bench_outreach_users

    def client(name: str, password: str) -> Client:
        return Client(app, name, password)

    return bench_outreach_users(
        admin, client, store, users, runs, (measure, component_values), cli=cli
    )


def _other_pages(
    result: dict[str, Any],
    app: Any,
    admin: Client,
    store: Any,
    settings: Any,
    views: dict[str, str],
    passwords: dict[str, str],
    args: argparse.Namespace,
) -> None:
    """Every page but the map, the exports and the DuckDB peer, into ``result``."""
    from analytics.access import Role, Territory, User
    from analytics.store.territory import TerritoryStore

    result["trends"] = bench_trends(admin, views, args.runs)
    result["quality"] = {
        "layout": measure(lambda: admin.page("/kualitas", "?lang=id")[:2], args.runs)
    }
    result["outreach"] = bench_outreach(
        app, admin, store, Path(settings.users_path), args.runs, cli=not args.no_cli
    )
    result["method"] = {"layout": measure(lambda: admin.page("/metode", "?lang=id")[:2], args.runs)}

    # A branch user limited to one kabupaten: the first request limits the store's tables.
    rss1 = _rss_mb()
    branch = Client(app, "cabang", passwords["cabang"])
    kab = views["kabupaten"]
    result["branch_user"] = {
        "territory": kab,
        "trends_layout": measure(lambda: branch.page("/tren", f"?area={kab}")[:2], args.runs),
        "trends_callback": measure(
            lambda: branch.post("trend-main.figure", trend_values(kab))[:2], args.runs
        ),
        "quality_layout": measure(lambda: branch.page("/kualitas", "")[:2], args.runs),
    }
    user = User("cabang", Role.BRANCH, Territory(frozenset({kab})))
    limited = TerritoryStore(store, user).coverage()
    result["branch_user"].update(
        {
            "territory_coverage_rows": len(limited),
            "territory_coverage_mb": round(limited.memory_usage(deep=True).sum() / 1e6, 1),
            "rss_growth_mb": round(_rss_mb() - rss1, 1),
        }
    )
    if not args.no_exports:
        result["exports"] = bench_exports(
            TerritoryStore(store, User("admin", Role.ADMIN)), settings, views, args.runs
        )
    result["peer_duckdb"] = duckdb_peer(Path(store.root), views, args.runs)


def _users(path: Path, branch_area: str) -> dict[str, str]:
    from analytics.access import Role
    from analytics.io.user_store import add_user

    passwords = {"admin": secrets.token_urlsafe(12), "cabang": secrets.token_urlsafe(12)}
    add_user(path, "admin", Role.ADMIN, passwords["admin"])
    add_user(path, "cabang", Role.BRANCH, passwords["cabang"], areas=frozenset({branch_area}))
    return passwords


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-exports", action="store_true", help="skip the Kaleido exports")
    parser.add_argument("--no-cli", action="store_true", help="skip timing `cakupan plan`")
    parser.add_argument(
        "--only-outreach", action="store_true", help="time only the outreach page and plan"
    )
    args = parser.parse_args()
    from bench_dashboard import _context, demo_store

    store_dir = (args.store or demo_store(ROOT / "benchmarks" / "work")).resolve()

    from analytics.settings import Settings
    from analytics.store.reader import Store
    from app import create_app

    store = Store(store_dir)
    views = views_of(store)  # areas.parquet and meta.json only: coverage is not read yet
    work = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    passwords = _users(work / "users.json", views["kabupaten"])
    settings = Settings().with_(
        store_dir=store_dir,
        users_path=work / "users.json",
        audit_path=work / "audit.jsonl",
        uploads_dir=work / "uploads",
    )
    app = create_app(settings)
    admin = Client(app, "admin", passwords["admin"])
    rss0 = _rss_mb()
    # The first request of a process reads the store's tables (coverage: every row).
    _, cold_ms, cold_cpu = timed(lambda: admin.page("/tren", "?lang=id"))
    result: dict[str, Any] = {
        "store": str(store_dir),
        "coverage_rows": len(store.coverage()),  # read by the request above
        "areas": len(store.areas()),
        "views": views,
        "runs": args.runs,
        "cold_first_request": {
            "what": "the first /tren request of a fresh process (reads coverage.parquet)",
            "ms": round(cold_ms, 1),
            "cpu_ms": round(cold_cpu, 1),
            "rss_before_mb": rss0,
            "rss_after_mb": _rss_mb(),
        },
    }
    if args.only_outreach:
        result["outreach"] = bench_outreach(
            app, admin, store, work / "users.json", args.runs, cli=not args.no_cli
        )
    else:
        _other_pages(result, app, admin, store, settings, views, passwords, args)
    result["rss_end_mb"] = _rss_mb()
    result.update(_context())
    suffix = "_outreach" if args.only_outreach else ""
    out = ROOT / "benchmarks" / "results" / f"bench_pages_{store_dir.name}{suffix}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
