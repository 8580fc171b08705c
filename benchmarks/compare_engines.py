"""Check that ``cakupan build --engine dask`` writes the same store as the default engine.

Runs ``cakupan build`` twice on the same inputs, into two temporary folders: once with the
default (pandas) engine and once with ``--engine dask`` on a local cluster (the CLI's default
when no ``--scheduler`` is given). Then compares every file of the two stores:

* Parquet tables (coverage, areas, quality, registrations_weekly, counts): pandas
  ``assert_frame_equal`` after sorting both by their key columns (every non-float column);
* JSON (reconciliation, meta): equal dicts; in ``meta.json`` only ``built_at`` may differ;
* CSV (unmatched, rejected, ...): equal bytes, else equal frames;
* ``geo/`` GeoJSON files: equal bytes.

Writes ``benchmarks/results/compare_engines_<name>.json`` with each build's time and, per
file, ``equal`` (and the first difference when not equal).

    .venv/bin/python benchmarks/compare_engines.py --demo
    .venv/bin/python benchmarks/compare_engines.py --national-rows 1000000
"""

from __future__ import annotations

import argparse
import filecmp
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from national_data import NATIONAL, make_registry, make_workforce  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
CAKUPAN = Path(sys.executable).parent / "cakupan"
DEMO = ROOT / "data" / "demo"
DEMO_INPUTS = [
    "--boundaries", str(ROOT / "shapefiles" / "demo" / "provinsi_contoh.gpkg"),
    "--registry", str(DEMO / "registry" / "kepesertaan_penerima_upah.csv"),
    "--registry", str(DEMO / "registry" / "kepesertaan_bpu.xlsx"),
    "--registry", str(DEMO / "registry" / "kepesertaan_manual_kecamatan.csv"),
    "--workforce", str(DEMO / "workforce" / "tenaga_kerja_desa.csv"),
    "--roster", str(DEMO / "outreach" / "bhabinkamtibmas.csv"),
    "--events", str(DEMO / "outreach" / "kegiatan_sosialisasi.csv"),
]  # fmt: skip
#: Keys of ``meta.json`` that legitimately differ between two builds.
VOLATILE_META = frozenset({"built_at"})


def national_inputs(rows: int, seed: int) -> list[str]:
    """Build arguments for ``rows`` synthetic memberships over the national village codes."""
    return [
        "--boundaries", str(NATIONAL),
        "--registry", str(make_registry(rows, seed)),
        "--workforce", str(make_workforce(seed)),
        "--start", "2023-01",
        "--end", "2025-12",
    ]  # fmt: skip


def run_build(inputs: list[str], out: Path, engine: str) -> float:
    """Run ``cakupan build`` in a fresh process; return its wall time in seconds."""
    began = time.perf_counter()
    done = subprocess.run(
        [str(CAKUPAN), "build", *inputs, "--out", str(out), "--engine", engine],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{engine} build failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return round(seconds, 1)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    keys = [c for c in frame.columns if not pd.api.types.is_float_dtype(frame[c])]
    return frame.sort_values(keys, kind="stable").reset_index(drop=True) if keys else frame


def _first_rows(left: pd.DataFrame, right: pd.DataFrame) -> dict[str, Any]:
    """The first column and rows where two same-shaped frames differ."""
    for column in left.columns:
        a, b = left[column], right[column]
        differs = ~((a == b) | (a.isna() & b.isna())).fillna(False).to_numpy(bool)
        if differs.any():
            rows = differs.nonzero()[0][:5]
            return {
                "column": column,
                "rows_differing": int(differs.sum()),
                "first_rows": left.iloc[rows].astype(str).to_dict("records"),
                "dask_values": b.iloc[rows].astype(str).tolist(),
            }
    return {}


def compare_frames(left: pd.DataFrame, right: pd.DataFrame) -> dict[str, Any]:
    if list(left.columns) != list(right.columns):
        return {
            "equal": False,
            "difference": f"columns {list(left.columns)} vs {list(right.columns)}",
        }
    a, b = _sorted(left), _sorted(right)
    try:
        pd.testing.assert_frame_equal(a, b)
    except AssertionError as error:
        found: dict[str, Any] = {"equal": False, "difference": str(error)[:1500]}
        if a.shape == b.shape:
            found |= _first_rows(a, b)
        return found
    return {"equal": True, "rows": len(a)}


def compare_json(left: Path, right: Path) -> dict[str, Any]:
    a, b = json.loads(left.read_text()), json.loads(right.read_text())
    if left.name == "meta.json":
        a = {k: v for k, v in a.items() if k not in VOLATILE_META}
        b = {k: v for k, v in b.items() if k not in VOLATILE_META}
    if a == b:
        return {"equal": True}
    if isinstance(a, dict) and isinstance(b, dict):
        keys = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
        return {
            "equal": False,
            "difference": {k: {"default": a.get(k), "dask": b.get(k)} for k in keys[:10]},
        }
    return {"equal": False, "difference": "top-level values differ"}


def compare_file(left: Path, right: Path) -> dict[str, Any]:
    if filecmp.cmp(left, right, shallow=False):
        return {"equal": True, "bytes": True}
    if left.suffix == ".parquet":
        return compare_frames(pd.read_parquet(left), pd.read_parquet(right))
    if left.suffix == ".json":
        return compare_json(left, right)
    if left.suffix == ".csv":
        found = compare_frames(pd.read_csv(left, dtype=str), pd.read_csv(right, dtype=str))
        return found | {"bytes": False}
    return {"equal": False, "difference": "bytes differ"}


def compare_stores(default: Path, dask: Path) -> dict[str, Any]:
    """Every file of both stores: top-level files one by one, ``geo/`` as a byte count."""
    names_a = {p.relative_to(default).as_posix() for p in default.rglob("*") if p.is_file()}
    names_b = {p.relative_to(dask).as_posix() for p in dask.rglob("*") if p.is_file()}
    files: dict[str, Any] = {}
    for name in sorted(n for n in names_a ^ names_b):
        files[name] = {
            "equal": False,
            "difference": "only in " + ("default" if name in names_a else "dask"),
        }
    geo_total, geo_differ = 0, []
    for name in sorted(names_a & names_b):
        if name.startswith("geo/"):
            geo_total += 1
            if not filecmp.cmp(default / name, dask / name, shallow=False):
                geo_differ.append(name)
            continue
        files[name] = compare_file(default / name, dask / name)
    files["geo/"] = {"equal": not geo_differ, "files": geo_total, "differing": geo_differ[:20]}
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--demo", action="store_true", help="the demo inputs (Makefile DEMO_INPUTS)")
    what.add_argument("--national-rows", type=int, help="N synthetic rows on national boundaries")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    if args.demo:
        name, inputs = "demo", DEMO_INPUTS
    else:
        name, inputs = (
            f"national_{args.national_rows}",
            national_inputs(args.national_rows, args.seed),
        )
    with tempfile.TemporaryDirectory(prefix="compare_engines_") as tmp:
        default_out, dask_out = Path(tmp) / "default", Path(tmp) / "dask"
        seconds = {"default": run_build(inputs, default_out, "pandas")}
        print(f"default build: {seconds['default']} s", flush=True)
        seconds["dask"] = run_build(inputs, dask_out, "dask")
        print(f"dask build: {seconds['dask']} s", flush=True)
        files = compare_stores(default_out, dask_out)
    result = {
        "name": name,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "build_seconds": seconds,
        "all_equal": all(f["equal"] for f in files.values()),
        "files": files,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"compare_engines_{name}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "files"}, indent=2))
    for file, found in files.items():
        print(f"  {file}: {'equal' if found['equal'] else 'DIFFERENT'}")
    print(path)


if __name__ == "__main__":
    main()
