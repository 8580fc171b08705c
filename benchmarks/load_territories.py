"""Load test of territory isolation: 20 simulated users of different territories at once.

Starts the app (``python app.py``) on 127.0.0.1 only with a temporary users file (branch
users per kabupaten, police per Polres, viewers per kecamatan, one admin), then runs one
thread per user: log in with the CSRF token from /masuk and make a bounded number of
requests (the layout, pages, the map callback through ``/_dash-update-component`` with
the payload Dash's renderer sends, boundary files). Every response is checked: no area
code outside the user's territory may appear in it (codes above the user's areas, i.e.
the kabupaten and province holding them, are not counted: they name where the territory
lies); crafted requests for another territory must get 403. Bounded in count and time
(it stops by itself), loopback only. Writes p50/p95 latency and counts to
``benchmarks/results/load_territories.json``.

    .venv/bin/python benchmarks/load_territories.py [--rounds 5] [--users 20]

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
from analytics.store import Store  # noqa: E402

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
        except requests.ConnectionError:
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
        response = session.request(method, base + path, timeout=60, **kw)
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

    for n in range(rounds):
        if time.monotonic() > deadline:
            return
        area = sim.own[n % len(sim.own)]
        call("layout", "GET", "/_dash-layout")
        call("page", "GET", ["/", "/tren", "/kualitas", "/metode"][n % 4])
        for view in ({"level": "kabupaten", "area": ""}, {"level": "desa", "area": area}):
            values = {"map-view.data": view, "segment.value": "BPU"}
            call("map_callback", "POST", "/_dash-update-component", json=_payload(map_dep, values))
        level = {2: "kabupaten", 5: "kecamatan", 8: "desa"}.get(len(area), "desa")
        call("geo", "GET", f"/geo/{level}/{area}.geojson")
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    store_dir = Path(os.environ.get("CAKUPAN_TEST_STORE") or ROOT / "data" / "processed")
    if not Store(store_dir).exists():
        print(f"no store in {store_dir}: run `make store` or set CAKUPAN_TEST_STORE")
        return 2
    sims = simulated_users(store_dir, args.users)
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
            "CAKUPAN_MODE": "production",
            "CAKUPAN_SECRET_KEY": secrets.token_urlsafe(48),
            "CAKUPAN_USERS": str(users_file),
            "CAKUPAN_STORE": str(store_dir),
            "CAKUPAN_HOST": "127.0.0.1",
            "CAKUPAN_PORT": str(port),
            "CAKUPAN_AUDIT_LOG": str(Path(tmp) / "audit.jsonl"),
            "CAKUPAN_UPLOADS": str(Path(tmp) / "uploads"),
            "CAKUPAN_DEBUG": "0",
        }
        base = f"http://127.0.0.1:{port}"
        log = (Path(tmp) / "app.log").open("wb")
        proc = subprocess.Popen(
            [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
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
            deadline = time.monotonic() + TIME_LIMIT_S
            began = time.perf_counter()
            threads = [
                threading.Thread(
                    target=run_user, args=(base, sim, map_dep, args.rounds, deadline, tally)
                )
                for sim in sims
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=TIME_LIMIT_S + 30)
            wall = time.perf_counter() - began
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
    every = [v for values in tally.latencies.values() for v in values]
    result = {
        "store": str(store_dir),
        "users": {
            role: sum(s.user.role == role for s in sims)
            for role in ("admin", "branch", "police", "viewer")
        },
        "rounds_per_user": args.rounds,
        "requests": tally.requests,
        "wall_seconds": round(wall, 2),
        "requests_per_second": round(tally.requests / wall, 1) if wall else None,
        "latency_all": _percentiles(every),
        "latency_by_request": {k: _percentiles(v) for k, v in sorted(tally.latencies.items())},
        "crafted_requests_refused": tally.refused_ok,
        "area_codes_checked": tally.codes_checked,
        "crafted_requests_not_refused": tally.refused_missing,
        "leaks": tally.leaks,
        "errors": tally.errors,
        "server": "python app.py (Flask development server, threaded) on 127.0.0.1",
        "cpu_count": os.cpu_count(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {
                k: result[k]
                for k in ("users", "requests", "latency_all", "crafted_requests_refused")
            },
            indent=1,
        )
    )
    counts = (len(tally.leaks), len(tally.refused_missing), len(tally.errors))
    print("leaks: {}, not refused: {}, errors: {}".format(*counts))
    return 0 if not (tally.leaks or tally.refused_missing or tally.errors) else 1


if __name__ == "__main__":
    sys.exit(main())
