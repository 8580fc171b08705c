"""The files of a dry run or commit (Dash-free): per kind the selected uploads, else the last
commit's files still kept, else (boundaries, workforce) the inputs written back from the
live store; linked under their original names in a temporary folder."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from analytics.store.reader import META_FILE
from analytics.uploads.manifest import (
    KIND_ORDER,
    InputSet,
    StoredFile,
    display_name,
    read_manifest,
    stored_files,
)

#: Where a kind's file(s) of a dry run or commit come from.
FROM_SELECTION: Final = "selected"
FROM_LAST_COMMIT: Final = "last_commit"
FROM_STORE: Final = "store"


@dataclass(frozen=True)
class StagedInputs:
    """The inputs of a dry run or commit, where each kind came from, and the kept uploads
    used (``{kind: [stored file]}``: what a commit records and its retention deletes)."""

    inputs: InputSet
    origins: dict[str, str]
    used: dict[str, list[str]]


def _chosen(files: dict[str, list[StoredFile]], manifest: dict[str, Any]) -> tuple[dict, dict]:
    """Per kind, the kept files to use and where they come from: the selection, else the
    last commit's files that are still kept."""
    chosen: dict[str, list[StoredFile]] = {}
    origins: dict[str, str] = {}
    for kind in KIND_ORDER:
        selected = [f for f in files[kind] if f.selected]
        if selected:
            chosen[kind], origins[kind] = selected, FROM_SELECTION
            continue
        committed = set(manifest["committed"].get(kind, []))
        kept = [f for f in files[kind] if f.file in committed]
        if kept:
            chosen[kind], origins[kind] = kept, FROM_LAST_COMMIT
    return chosen, origins


@contextmanager
def staged_inputs(uploads_dir: Path, store_dir: Path | None = None) -> Iterator[StagedInputs]:
    """The files of a dry run or commit as links named after the original files, in a
    temporary folder removed afterwards (one subfolder per file: two files may share a
    name).

    A kind not selected takes the last commit's files when still kept; boundaries and
    workforce not found so are written back from the store at ``store_dir`` (see
    :mod:`analytics.store.inputs`)."""
    from analytics.store.inputs import boundaries_from_store, workforce_from_store

    files = stored_files(uploads_dir)
    chosen, origins = _chosen(files, read_manifest(uploads_dir))
    work = Path(tempfile.mkdtemp(prefix="cakupan-intake-"))
    try:
        linked: dict[str, list[Path]] = {}
        n = 0
        for kind in KIND_ORDER:
            for f in chosen.get(kind, []):
                source = uploads_dir / kind / f.file
                target = work / str(n) / display_name(f.name, source)
                target.parent.mkdir()
                target.symlink_to(source.resolve())
                linked.setdefault(kind, []).append(target)
                n += 1
        if store_dir is not None and (store_dir / META_FILE).is_file():
            derived = {"boundaries": boundaries_from_store, "workforce": workforce_from_store}
            for kind, write in derived.items():
                if kind not in linked:
                    folder = work / f"store-{kind}"
                    folder.mkdir()
                    name = "desa.geojson" if kind == "boundaries" else "tenaga_kerja.csv"
                    linked[kind] = [write(store_dir, folder / name)]
                    origins[kind] = FROM_STORE

        def one(kind: str) -> Path | None:
            return linked[kind][-1] if linked.get(kind) else None

        yield StagedInputs(
            InputSet(
                registries=tuple(linked.get("registry", [])),
                workforce=one("workforce"),
                boundaries=one("boundaries"),
                roster=one("roster"),
                events=one("events"),
            ),
            origins,
            {kind: [f.file for f in chosen[kind]] for kind in chosen},
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
