"""Benchmark: the intake page's dry run on the demo province.

The dry run now runs ``build_store`` (the function ``cakupan build`` runs) into a candidate
folder and compares it with the live store; before, it ran only the registry and workforce
intake. Measured in one run, on the demo's inputs uploaded through ``keep_upload``:

* ``intake_only``: ``read_villages`` + ``ingest_registries`` + ``ingest_workforce`` on the
  full selection (what the dry run did before: the peer);
* ``dry_run_full``: :func:`analytics.uploads.rebuild.dry_run` on the same selection;
* ``dry_run_registry_alone``: the dry run with only the cp1252 ``;`` registry
  ``kepesertaan_manual_kecamatan.csv`` selected, boundaries and workforce written back from
  the live store.

Writes ``benchmarks/results/bench_upload_dry_run.json``.

    .venv/bin/python benchmarks/bench_upload_dry_run.py
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "benchmarks" / "results" / "bench_upload_dry_run.json"
REGISTRIES = (
    "registry/kepesertaan_penerima_upah.csv",
    "registry/kepesertaan_bpu.xlsx",
    "registry/kepesertaan_manual_kecamatan.csv",
)


def _timed(fn: Any) -> tuple[float, Any]:
    began = time.perf_counter()
    out = fn()
    return round(time.perf_counter() - began, 2), out


def main() -> None:
    from analytics.build.pipeline import BuildInputs, build_store
    from analytics.demo import generate_demo
    from analytics.intake.registries import ingest_registries
    from analytics.intake.workforce import ingest_workforce
    from analytics.io.boundaries import read_villages
    from analytics.settings import Settings
    from analytics.uploads.manifest import keep_upload, save_selection
    from analytics.uploads.rebuild import dry_run

    work = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    try:
        written = generate_demo(out_dir=work / "demo", shapefiles_dir=work / "shp", seed=7)
        demo, boundaries = work / "demo", Path(written["boundaries"])
        workforce = demo / "workforce" / "tenaga_kerja_desa.csv"
        registries = [demo / r for r in REGISTRIES]
        settings = Settings().with_(
            store_dir=work / "served" / "processed", uploads_dir=work / "uploads"
        )
        build_store(BuildInputs(boundaries, registries, workforce, settings.store_dir), settings)
        for path in registries:
            keep_upload(path.name, path.read_bytes(), "registry", settings)
        keep_upload(workforce.name, workforce.read_bytes(), "workforce", settings)
        keep_upload(boundaries.name, boundaries.read_bytes(), "boundaries", settings)

        def intake_only() -> dict[str, Any]:
            villages = read_villages(boundaries)
            rec = dict(
                ingest_registries(registries, villages, settings.require_hmac_key()).reconciliation
            )
            rec["workforce"] = ingest_workforce(workforce, villages).reconciliation
            return rec

        peer_s, peer = _timed(intake_only)
        full_s, full = _timed(lambda: dry_run(settings.uploads_dir, settings))
        files = {f.name for f in (settings.uploads_dir / "registry").iterdir()}
        manifest = json.loads((settings.uploads_dir / "manifest.json").read_text())
        manual = next(
            f for f in files if manifest["names"][f"registry/{f}"].endswith("manual_kecamatan.csv")
        )
        save_selection("registry", [manual], settings)
        save_selection("workforce", [], settings)
        save_selection("boundaries", [], settings)
        alone_s, alone = _timed(lambda: dry_run(settings.uploads_dir, settings))
        keys = ("rows_in", "matched", "unmatched", "rejected", "duplicates")
        result = {
            "inputs": "demo province (seed 7): 3 registries, workforce, boundaries",
            "intake_only_s": peer_s,
            "dry_run_full_s": full_s,
            "dry_run_registry_alone_s": alone_s,
            "intake_only_counts": {k: peer[k] for k in keys},
            "dry_run_full_counts": {k: full["reconciliation"][k] for k in keys},
            "dry_run_full_diff": full["diff"],
            "registry_alone_counts": {k: alone["reconciliation"][k] for k in keys},
            "registry_alone_origins": alone["origins"],
            "registry_alone_diff": alone["diff"],
        }
        RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(
            json.dumps(
                {k: v for k, v in result.items() if k.endswith("_s") or k.endswith("counts")},
                indent=1,
            )
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
