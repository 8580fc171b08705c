"""The geometry of a build, reused when the boundaries have not changed.

Everything a build derives from the boundaries alone (``areas.parquet`` with its label
points, the ``geo/`` GeoJSON files and the ``tiles/`` archives) takes minutes for the whole
country and never depends on the registries. Each store therefore records the
boundaries' content hash (:func:`boundaries_hash`) in ``geometry.json``, with the size and
SHA-256 of every geometry file. The next build, full or incremental, looks for a store
with the same hash (the live store at ``--out``, then its kept versions, newest first),
checks every listed file and links (or copies) them into its staging folder
(:func:`reuse_geometry`). A missing, changed or unreadable file, or no such store, means
the geometry is computed again: reuse never trusts what it cannot check.

The hash is taken of the boundaries *as read* (codes, names, kinds of every level and the
geometry's WKB, sorted by village code, plus :data:`GEOMETRY_VERSION`), not of the file's
bytes: the same villages saved again (another GeoPackage with new timestamps inside, a
GeoJSON with other whitespace or field order, another format) hash the same, while a
change of how boundaries are read or how geometry is made (bump :data:`GEOMETRY_VERSION`)
does not reuse files made the old way.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import pandas as pd
import shapely

from analytics.schemas import VILLAGE_ATTRIBUTES
from analytics.store import writer as store_writer
from analytics.store.reader import (
    AREA_COLUMNS,
    AREAS_FILE,
    GEO_DIR,
    GEOMETRY_MANIFEST_FILE,
    TILES_DIR,
)

#: Bump when cleaning, dissolving, simplification, GeoJSON or tiles change: stores made
#: by another version are not reused.
GEOMETRY_VERSION: Final = "1"
#: The village columns the geometry files depend on (besides the polygons).
_HASHED_COLUMNS: Final = VILLAGE_ATTRIBUTES


def boundaries_hash(villages: gpd.GeoDataFrame) -> str:
    """Hex SHA-256 of the villages' codes, names, kinds and geometry (WKB), by village code."""
    ordered = villages.sort_values("village_code", kind="stable", ignore_index=True)
    digest = hashlib.sha256(f"cakupan-geometry-{GEOMETRY_VERSION}\n".encode())
    for column in _HASHED_COLUMNS:
        values = ordered[column].astype("str") if column in ordered.columns else pd.Series([])
        digest.update(column.encode() + b"\x1e")
        digest.update("\x1f".join(values.tolist()).encode("utf-8") + b"\x1e")
    wkb = shapely.to_wkb(ordered.geometry.to_numpy(), hex=False, output_dimension=2)
    for blob in wkb:
        digest.update(len(blob).to_bytes(8, "little"))
        digest.update(blob)
    digest.update(str(ordered.crs).encode())
    return digest.hexdigest()


def geometry_files(store: Path) -> list[str]:
    """Store-relative paths of the files made from the boundaries alone, sorted."""
    found = [store / AREAS_FILE] if (store / AREAS_FILE).is_file() else []
    for folder in (GEO_DIR, TILES_DIR):
        if (store / folder).is_dir():
            found += [p for p in (store / folder).rglob("*") if p.is_file()]
    return sorted(p.relative_to(store).as_posix() for p in found)


def write_manifest(store: Path, digest: str) -> dict[str, Any]:
    """Write ``geometry.json`` listing the geometry files of ``store`` (a staging folder)."""
    files = {
        name: {
            "bytes": (store / name).stat().st_size,
            "sha256": store_writer.file_sha256(store / name),
        }
        for name in geometry_files(store)
    }
    manifest = {"boundaries_hash": digest, "version": GEOMETRY_VERSION, "files": files}
    store_writer.write_json(manifest, store / GEOMETRY_MANIFEST_FILE)
    return manifest


def _manifest(store: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((store / GEOMETRY_MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _intact(store: Path, files: dict[str, Any]) -> bool:
    """Every listed file is there with its size and SHA-256, and the areas are among them."""
    if AREAS_FILE not in files:
        return False
    for name, expected in files.items():
        path = store / name
        if Path(name).is_absolute() or ".." in Path(name).parts or not path.is_file():
            return False
        try:
            if path.stat().st_size != expected["bytes"]:
                return False
            if store_writer.file_sha256(path) != expected["sha256"]:
                return False
        except (OSError, KeyError, TypeError):
            return False
    return True


def _link(source: Path, target: Path) -> None:
    """Hard-link ``source`` at ``target`` (store files are never changed in place), or copy
    it when linking is not possible (another file system)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def candidate_stores(out: Path) -> list[Path]:
    """Where earlier geometry may be: the live store at ``out``, then its kept versions."""
    versions = store_writer.versions_dir(out)
    return [out, *(versions / v for v in store_writer.stored_versions(out))]


def reuse_geometry(
    candidates: list[Path], digest: str, stage: Path
) -> tuple[pd.DataFrame, Path] | None:
    """Link the geometry files of the first intact store whose hash is ``digest`` into
    ``stage``; (the area table, the store reused) or ``None`` when there is none."""
    for store in candidates:
        manifest = _manifest(store)
        if manifest is None or manifest.get("boundaries_hash") != digest:
            continue
        if manifest.get("version") != GEOMETRY_VERSION:
            continue
        files = manifest.get("files")
        if not isinstance(files, dict) or not _intact(store, files):
            continue
        try:
            areas = pd.read_parquet(store / AREAS_FILE)
        except Exception:  # any unreadable table means: compute again
            continue
        if list(areas.columns) != list(AREA_COLUMNS):
            continue
        try:
            for name in files:
                _link(store / name, stage / name)
        except OSError:  # e.g. no room to copy: clear what was linked, try the next store
            for name in files:
                (stage / name).unlink(missing_ok=True)
            continue
        store_writer.write_json(manifest, stage / GEOMETRY_MANIFEST_FILE)
        return areas, store
    return None
