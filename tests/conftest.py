"""Shared fixtures.

Real public data from ``../shared/data`` is used where present: tests marked ``shared`` skip
locally when it is absent, and CI (``CI=true``) fails instead of skipping.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from required import require

# Property tests check properties, not speed: Hypothesis's per-example deadline is a timed
# assertion, which fails on a loaded CI machine (speed is measured by benchmarks/ instead).
hypothesis_settings.register_profile("cakupan", deadline=None)
hypothesis_settings.load_profile("cakupan")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
#: The ``cakupan`` command as a subprocess (``cli/__main__.py``; the console script in
#: pyproject runs the same ``cli.main:app``, checked by ``tests/test_cli_entry.py``).
CAKUPAN = [sys.executable, "-m", "cli"]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The ``../shared/data`` folder, or skip (fail under CI) when it is missing."""
    require(SHARED_DATA.is_dir(), str(SHARED_DATA))
    return SHARED_DATA


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests write screenshots and rendered files for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


DEMO_REGISTRIES = (
    "registry/kepesertaan_penerima_upah.csv",
    "registry/kepesertaan_bpu.xlsx",
    "registry/kepesertaan_manual_kecamatan.csv",
)


def build_demo_store(work: Path) -> Path:
    """Run the real demo generator and build (the same inputs as the Makefile).

    Writes ``work/demo`` (raw inputs), ``work/shp`` (boundaries) and returns ``work/processed``.
    """
    demo, shp, out = work / "demo", work / "shp", work / "processed"
    subprocess.run(
        [*CAKUPAN, "demo", "--out", str(demo), "--shapefiles", str(shp)],
        check=True,
        cwd=PROJECT_ROOT,
        capture_output=True,
    )
    cmd = [
        *CAKUPAN,
        "build",
        "--boundaries",
        str(shp / "provinsi_contoh.gpkg"),
        "--workforce",
        str(demo / "workforce" / "tenaga_kerja_desa.csv"),
        "--roster",
        str(demo / "outreach" / "bhabinkamtibmas.csv"),
        "--events",
        str(demo / "outreach" / "kegiatan_sosialisasi.csv"),
        "--out",
        str(out),
    ]
    for registry in DEMO_REGISTRIES:
        cmd += ["--registry", str(demo / registry)]
    subprocess.run(cmd, check=True, cwd=PROJECT_ROOT, capture_output=True)
    return out


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real demo store, built once per session with the real commands.

    ``CAKUPAN_TEST_STORE`` may name an existing store built from ``<parent>/demo`` (local runs).
    """
    given = os.environ.get("CAKUPAN_TEST_STORE")
    if given and (Path(given) / "meta.json").is_file():
        return Path(given)
    return build_demo_store(tmp_path_factory.mktemp("demo-store"))
