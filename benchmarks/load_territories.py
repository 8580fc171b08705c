"""Load test of territory isolation: 20 simulated users of different territories at once.

Starts the app in production mode on 127.0.0.1 only, with a temporary users file (branch
users per kabupaten, police per Polres, viewers per kecamatan, one admin), under gunicorn
(``gunicorn app:server``, several workers) and under the development server
(``python app.py``), one after the other, then runs one thread per user against each: log
in with the CSRF token from /masuk and repeat, after an untimed warm-up that fills every
worker's caches, for a fixed duration, rounds of requests
(the layout, pages, the map callback through ``/_dash-update-component`` with the payload
Dash's renderer sends, boundary files, and crafted requests for another territory). Every
response is checked: no area code outside the user's territory may appear in it (codes
above the user's areas, i.e. the kabupaten and province holding them, are not counted:
they name where the territory lies); crafted requests for another territory must get
403. Loopback only; it stops by itself. Writes p50/p95 latency, errors and leaks per
server to ``benchmarks/results/load_territories.json``.

    .venv/bin/python benchmarks/load_territories.py [--duration 60] [--users 20] \
        [--servers gunicorn,dev] [--workers 2] [--threads 4]

The store: ``CAKUPAN_TEST_STORE``, else ``data/processed`` (``make store`` builds it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd
import requests

ROOT: Final = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from dash_helpers import callback_request  # noqa: E402  (the tests' request builder)

from analytics.access import Role, Territory, User, territory_codes  # noqa: E402
from analytics.io.user_store import add_user  # noqa: E402
from analytics.store.reader import Store  # noqa: E402

RESULTS: Final = ROOT / "benchmarks" / "results" / "load_territories.json"
CODE_RE: Final = re.compile(r'"(\d{2}(?:\.\d{2}){1,2}(?:\.\d{4})?)"')
TIME_LIMIT_S: Final = 240
PASSWORD: Final = "load-test-" + secrets.token_urlsafe(12)


@dataclass
class Simulated:
    user: User
    own: list[str]  # areas to ask for (inside the territory)
    other: str | None  # an area of another territory (crafted requests), None for admin
    forbidden: frozenset[str]


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    requests: int = 0
    leaks: list[dict[str, Any]] = field(default_factory=list)
    refused_ok: int = 0
    refused_missing: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    codes_checked: int = 0  # area codes found in responses and checked against the territory

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds * 1000)
            self.requests += 1


def _ancestors(codes: frozenset[str]) -> set[str]:
    out = set()
    for code in codes:
        parts = code.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return out


def simulated_users(store_dir: Path, count: int) -> list[Simulated]:
    """One admin, branch users per kabupaten, police per Polres, viewers per kecamatan."""
    store = Store(store_dir)
    areas = store.areas()
    kab = sorted(areas.loc[areas["level"] == "kabupaten", "area_code"])
    kec = sorted(areas.loc[areas["level"] == "kecamatan", "area_code"])
    specs: list[tuple[str, Role, Territory]] = [("admin", Role.ADMIN, Territory())]
    specs += [(f"cabang{i}", Role.BRANCH, Territory(frozenset({k}))) for i, k in enumerate(kab)]
    officers = store_dir / "officers.parquet"
    if officers.is_file():
        off = pd.read_parquet(officers, columns=["polres", "village_code"])
        for i, (polres, rows) in enumerate(off.groupby("polres", sort=True)):
            codes = frozenset(rows["village_code"].astype("str").str[:5])
            specs.append((f"polres{i}", Role.POLICE, Territory(codes, polres=str(polres))))
    spread = kec[:: max(1, len(kec) // max(1, count - len(specs)))]
    specs += [(f"tamu{i}", Role.VIEWER, Territory(frozenset({k}))) for i, k in enumerate(spread)]
    out = []
    all_codes = frozenset(areas["area_code"].astype("str"))
    for name, role, territory in specs[:count]:
        user = User(name, role, territory)
        allowed = territory_codes(user, areas)
        forbidden = all_codes - allowed - _ancestors(territory.areas)
        mine = sorted(territory.areas) or kab[:2]
        others = sorted(
            c for c in kab + kec if c in forbidden and not any(c.startswith(m) for m in mine)
        )
        other = None if role is Role.ADMIN else (others[len(others) // 2] if others else None)
        out.append(Simulated(user, mine, other, frozenset(forbidden)))
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(base: str, proc: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with {proc.returncode}")
        try:
            if requests.get(base + "/_health", timeout=2).status_code == 200:
                return
        except requests.RequestException:  # not up yet, or busy starting
            pass
        time.sleep(0.3)
    raise RuntimeError("the app did not start in time")


def _payload(dependency: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The JSON Dash's renderer posts for callback ``dependency`` (from /_dash-dependencies)."""
    return callback_request(
        dependency["output"], dependency["inputs"], dependency.get("state", []), values
    )


def _check(sim: Simulated, kind: str, body: str, tally: Tally) -> None:
    found = CODE_RE.findall(body)
    leaked = sorted({c for c in found if c in sim.forbidden})
    with tally.lock:
        tally.codes_checked += len(found)
    if leaked:
        with tally.lock:
            tally.leaks.append({"user": sim.user.name, "request": kind, "codes": leaked[:10]})


def run_user(
    base: str, sim: Simulated, map_dep: dict[str, Any], rounds: int, deadline: float, tally: Tally
) -> None:
    session = requests.Session()
    page = session.get(base + "/masuk", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF token on /masuk"
    data = {"username": sim.user.name, "password": PASSWORD, "csrf_token": token.group(1)}
    login = session.post(base + "/masuk", data=data, allow_redirects=False, timeout=30)
    if login.status_code != 302:
        tally.errors.append(
            {"user": sim.user.name, "request": "login", "status": login.status_code}
        )
        return

    def call(kind: str, method: str, path: str, expect: int = 200, **kw: Any) -> None:
        began = time.perf_counter()
        try:
            response = session.request(method, base + path, timeout=60, **kw)
        except requests.ConnectionError as exc:  # counted, not a dead user thread
            with tally.lock:
                tally.errors.append(
                    {"user": sim.user.name, "request": kind, "error": str(exc)[:120]}
                )
            return
        tally.add(kind, time.perf_counter() - began)
        body = response.text
        if response.status_code != expect:
            entry = {"user": sim.user.name, "request": kind, "status": response.status_code}
            with tally.lock:
                (tally.refused_missing if expect == 403 else tally.errors).append(entry)
        elif expect == 403:
            with tally.lock:
                tally.refused_ok += 1
        _check(sim, kind, body, tally)

    n = 0
    while (rounds == 0 or n < rounds) and time.monotonic() < deadline:
        n += 1
        area = sim.own[n % len(sim.own)]
        call("layout", "GET", "/_dash-layout")
        call("page", "GET", ["/", "/tren", "/kualitas", "/metode"][n % 4])
        for view in ({"level": "kabupaten", "area": ""}, {"level": "desa", "area": area}):
            values = {"map-view.data": view, "segment.value": "BPU"}
            call("map_callback", "POST", "/_dash-update-component", json=_payload(map_dep, values))
        level = {2: "kabupaten", 5: "kecamatan", 8: "desa"}.get(len(area), "desa")
        call("geo", "GET", f"/geo/{level}/{area}.geojson")
        if time.monotonic() > deadline:
            return
        if sim.other is not None:
            crafted = {
                "map-view.data": {"level": "desa", "area": sim.other},
                "segment.value": "BPU",
            }
            call(
                "crafted_map",
                "POST",
                "/_dash-update-component",
                expect=403,
                json=_payload(map_dep, crafted),
            )
            other_level = "kecamatan" if len(sim.other) == 5 else "desa"
            call("crafted_geo", "GET", f"/geo/{other_level}/{sim.other}.geojson", expect=403)


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    q = (
        statistics.quantiles(ordered, n=100, method="inclusive")
        if len(ordered) > 1
        else ordered * 99
    )
    return {
        "n": len(ordered),
        "p50_ms": round(q[49], 1),
        "p95_ms": round(q[94], 1),
        "max_ms": round(ordered[-1], 1),
    }


def _start(server: str, env: dict[str, str], port: int, workers: int, threads: int, log: Any):  # type: ignore[no-untyped-def]
    if server == "gunicorn":
        cmd = [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "app:server",
        ]
        label = f"gunicorn app:server, {workers} workers x {threads} threads, on 127.0.0.1"
    else:
        cmd = [sys.executable, "app.py"]
        label = "python app.py (Flask development server, threaded) on 127.0.0.1"
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    return proc, label


def _run_all(
    base: str,
    sims: list[Simulated],
    map_dep: dict[str, Any],
    rounds: int,
    limit: float,
    tally: Tally,
) -> float:
    """One thread per user until ``limit`` seconds (or ``rounds``); the wall time."""
    deadline = time.monotonic() + limit
    began = time.perf_counter()
    threads = [
        threading.Thread(target=run_user, args=(base, sim, map_dep, rounds, deadline, tally))
        for sim in sims
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=limit + 90)
    return time.perf_counter() - began


def run_server(
    server: str, sims: list[Simulated], store_dir: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """Start ``server`` (gunicorn | dev) on a free port, run every user against it."""
    with tempfile.TemporaryDirectory(prefix="cakupan-load-") as tmp:
        users_file = Path(tmp) / "users.json"
        for sim in sims:
            t = sim.user.territory
            add_user(
                users_file, sim.user.name, sim.user.role, PASSWORD, areas=t.areas, polres=t.polres
            )
        port = _free_port()
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "CAKUPAN_MODE": "production",
            "CAKUPAN_SECRET_KEY": secrets.token_urlsafe(48),
            "CAKUPAN_HMAC_KEY": secrets.token_urlsafe(48),
            "CAKUPAN_USERS": str(users_file),
            "CAKUPAN_STORE": str(store_dir),
            "CAKUPAN_HOST": "127.0.0.1",
            "CAKUPAN_PORT": str(port),
            "CAKUPAN_AUDIT_LOG": str(Path(tmp) / "audit.jsonl"),
            "CAKUPAN_UPLOADS": str(Path(tmp) / "uploads"),
            "CAKUPAN_STATE_DIR": str(Path(tmp) / "state"),
            "CAKUPAN_WARM": "1",
            "CAKUPAN_DEBUG": "0",
        }
        base = f"http://127.0.0.1:{port}"
        log = (Path(tmp) / "app.log").open("wb")
        proc, label = _start(server, env, port, args.workers, args.threads, log)
        tally = Tally()
        try:
            _wait(base, proc)
            admin = requests.Session()
            token = re.search(r'name="csrf_token" value="([^"]+)"', admin.get(base + "/masuk").text)
            assert token
            admin.post(
                base + "/masuk",
                data={"username": "admin", "password": PASSWORD, "csrf_token": token.group(1)},
            )
            deps = admin.get(base + "/_dash-dependencies").json()
            map_dep = next(d for d in deps if "map.figure" in d["output"].split("@")[0])
            if args.warmup:  # every worker's caches filled; checked for leaks, not timed
                warm = Tally()
                _run_all(base, sims, map_dep, 0, args.warmup, warm)
                tally.leaks += warm.leaks
                tally.errors += warm.errors
                tally.refused_missing += warm.refused_missing
            load_before = os.getloadavg()[0]
            limit = args.duration if args.duration else TIME_LIMIT_S
            rounds = 0 if args.duration else args.rounds
            wall = _run_all(base, sims, map_dep, rounds, limit, tally)
            load_after = os.getloadavg()[0]
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
    every = [v for values in tally.latencies.values() for v in values]
    return {
        "server": label,
        "duration_s": args.duration or None,
        "warmup_s": args.warmup,
        "load_average_1min": {"before": round(load_before, 1), "after": round(load_after, 1)},
        "rounds_per_user": None if args.duration else args.rounds,
        "requests": tally.requests,
        "wall_seconds": round(wall, 2),
        "requests_per_second": round(tally.requests / wall, 1) if wall else None,
        "latency_all": _percentiles(every),
        "latency_by_request": {k: _percentiles(v) for k, v in sorted(tally.latencies.items())},
        "crafted_requests_refused": tally.refused_ok,
        "area_codes_checked": tally.codes_checked,
        "crafted_requests_not_refused": tally.refused_missing,
        "leaks": tally.leaks,
        "leak_count": len(tally.leaks),
        "errors": tally.errors,
        "error_count": len(tally.errors),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per server")
    parser.add_argument("--warmup", type=float, default=10.0, help="untimed seconds first")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per user (--duration 0)")
    parser.add_argument("--servers", default="gunicorn,dev")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    store_dir = Path(os.environ.get("CAKUPAN_TEST_STORE") or ROOT / "data" / "processed")
    if not Store(store_dir).exists():
        print(f"no store in {store_dir}: run `make store` or set CAKUPAN_TEST_STORE")
        return 2
    sims = simulated_users(store_dir, args.users)
    runs = {}
    for server in args.servers.split(","):
        runs[server] = run_server(server, sims, store_dir, args)
        summary = {k: runs[server][k] for k in ("server", "requests", "latency_all")}
        print(json.dumps(summary, indent=1))
    result = {
        "store": str(store_dir),
        "users": {
            role: sum(s.user.role == role for s in sims)
            for role in ("admin", "branch", "police", "viewer")
        },
        "cpu_count": os.cpu_count(),
        "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    bad = 0
    for server, run in runs.items():
        counts = (run["leak_count"], len(run["crafted_requests_not_refused"]), run["error_count"])
        print(f"{server}: leaks {counts[0]}, not refused {counts[1]}, errors {counts[2]}")
        bad += sum(counts)
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
