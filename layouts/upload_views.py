"""The admin's input set for the intake page: kept uploads, the selection manifest, the
dry run and the background rebuild (no Dash here; the page module is thin glue).

Uploads are content-addressed by :func:`analytics.io.upload_checks.accept_upload`
(``uploads/<kind>/<sha256>.<ext>``), so the same bytes uploaded twice are kept once. The
original file names, and which files the next build uses, live in a small JSON manifest
``uploads/manifest.json`` written atomically. A dry run and a rebuild read the selected
files through a temporary folder of links named after the original files, so the
reconciliation names the files the admin knows.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from analytics.errors import InputError
from analytics.io.safe_zip import safe_extract
from analytics.io.upload_checks import (
    KINDS,
    SavedUpload,
    accept_upload,
    check_content,
    check_table,
)
from analytics.settings import Settings

MANIFEST: Final = "manifest.json"
#: Kinds in page order; registries may be several files, the others one each.
KIND_ORDER: Final = ("registry", "workforce", "boundaries", "roster", "events")
MULTIPLE: Final = frozenset({"registry"})
REQUIRED: Final = ("registry", "workforce", "boundaries")
_STORED_NAME: Final = re.compile(r"^[0-9a-f]{64}\.[a-z]{3,8}$")
_UNSAFE_CHARS: Final = re.compile(r"[^\w.\- ]+")
#: Steps of ``build_store`` in order, for one overall progress figure.
BUILD_STEPS: Final = (
    "boundaries",
    "registries",
    "workforce",
    "count",
    "geometry",
    "coverage",
    "outreach",
    "write",
)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class StoredFile:
    """One kept upload: ``file`` is ``<sha256>.<ext>`` inside ``uploads/<kind>/``."""

    kind: str
    file: str
    name: str  # the original file name, as uploaded (shown as text only)
    size: int
    uploaded: datetime
    selected: bool

    @property
    def sha_prefix(self) -> str:
        return self.file[:12]


@dataclass(frozen=True)
class InputSet:
    """The selected files of the next dry run or build."""

    registries: tuple[Path, ...]
    workforce: Path | None
    boundaries: Path | None
    roster: Path | None = None
    events: Path | None = None

    def missing(self) -> list[str]:
        """Kinds a build needs that are not selected."""
        given = {
            "registry": bool(self.registries),
            "workforce": self.workforce is not None,
            "boundaries": self.boundaries is not None,
        }
        return [kind for kind in REQUIRED if not given[kind]]


def decode_contents(contents: str) -> bytes:
    """The bytes of a ``dcc.Upload`` value (``data:<type>;base64,<data>``)."""
    _, sep, payload = (contents or "").partition(",")
    if not sep:
        raise InputError("the upload arrived without content; try again")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InputError("the upload arrived damaged (not base64); try again") from exc


def valid_stored_name(kind: str, file: str) -> bool:
    """True for ``<sha256>.<ext>`` of a known kind (never a path from the browser)."""
    return kind in KINDS and bool(_STORED_NAME.match(file))


# --- the manifest -----------------------------------------------------------------------


def read_manifest(uploads_dir: Path) -> dict[str, Any]:
    path = uploads_dir / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    names = data.get("names") if isinstance(data.get("names"), dict) else {}
    selected = data.get("selected") if isinstance(data.get("selected"), dict) else {}
    committed = data.get("committed") if isinstance(data.get("committed"), dict) else {}
    return {
        "names": dict(names),
        "selected": {k: list(selected.get(k, [])) for k in KINDS},
        "committed": {k: list(committed.get(k, [])) for k in KINDS},
    }


def write_manifest(uploads_dir: Path, manifest: dict[str, Any]) -> None:
    """Replace the manifest atomically (a reader never sees half a file)."""
    uploads_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=uploads_dir, prefix=".manifest-")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, ensure_ascii=False, indent=1, sort_keys=True)
        os.replace(tmp, uploads_dir / MANIFEST)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def with_upload(manifest: dict[str, Any], saved: SavedUpload) -> dict[str, Any]:
    """The manifest after keeping ``saved``: a new file is named and selected (replacing
    the selection of a one-file kind); a file kept before changes nothing."""
    if not saved.new:
        return manifest
    file = saved.path.name
    names = {**manifest["names"], f"{saved.kind}/{file}": Path(saved.original_name).name[:200]}
    current = list(manifest["selected"].get(saved.kind, []))
    chosen = [*current, file] if saved.kind in MULTIPLE else [file]
    return {**manifest, "names": names, "selected": {**manifest["selected"], saved.kind: chosen}}


def with_selection(manifest: dict[str, Any], kind: str, files: list[str]) -> dict[str, Any]:
    """The manifest with ``files`` (stored names) selected for ``kind``."""
    keep = [f for f in files if valid_stored_name(kind, f)]
    if kind not in MULTIPLE:
        keep = keep[-1:]
    return {**manifest, "selected": {**manifest["selected"], kind: keep}}


def without_file(manifest: dict[str, Any], kind: str, file: str) -> dict[str, Any]:
    names = {k: v for k, v in manifest["names"].items() if k != f"{kind}/{file}"}
    chosen = [f for f in manifest["selected"].get(kind, []) if f != file]
    return {**manifest, "names": names, "selected": {**manifest["selected"], kind: chosen}}


# --- uploads on disk -----------------------------------------------------------------------


def keep_upload(name: str, data: bytes, kind: str, settings: Settings) -> SavedUpload:
    """Check ``data`` (type, size, encoding; a zip's every entry) and keep it; updates the
    manifest. Raises :class:`InputError` having written nothing."""
    max_bytes = settings.max_upload_bytes
    suffix = check_content(name, data, kind, max_bytes)
    check_table(Path(name).name, data, suffix)  # the build's reader: any encoding it reads
    if suffix == ".zip":  # traversal, links, bombs: refused before the file is kept
        with tempfile.TemporaryDirectory(prefix="cakupan-zipcheck-") as tmp:
            source = Path(tmp) / "upload.zip"
            source.write_bytes(data)
            try:
                safe_extract(source, Path(tmp) / "out")
            except InputError as exc:
                raise InputError(str(exc).replace("upload.zip", Path(name).name)) from exc
    saved = accept_upload(name, data, kind, settings.uploads_dir, max_bytes)
    manifest = read_manifest(settings.uploads_dir)
    write_manifest(settings.uploads_dir, with_upload(manifest, saved))
    return saved


def remove_upload(kind: str, file: str, settings: Settings) -> bool:
    """Delete a kept upload and forget it; False when the name is not a kept file."""
    if not valid_stored_name(kind, file):
        return False
    path = settings.uploads_dir / kind / file
    manifest = read_manifest(settings.uploads_dir)
    write_manifest(settings.uploads_dir, without_file(manifest, kind, file))
    if not path.is_file():
        return False
    path.unlink()
    return True


def save_selection(kind: str, files: list[str], settings: Settings) -> None:
    manifest = read_manifest(settings.uploads_dir)
    write_manifest(settings.uploads_dir, with_selection(manifest, kind, files))


def stored_files(uploads_dir: Path) -> dict[str, list[StoredFile]]:
    """The kept uploads per kind, oldest first, with their names and whether selected."""
    manifest = read_manifest(uploads_dir)
    out: dict[str, list[StoredFile]] = {}
    for kind in KIND_ORDER:
        folder = uploads_dir / kind
        paths = (
            [p for p in folder.iterdir() if valid_stored_name(kind, p.name)]
            if folder.is_dir()
            else []
        )
        files = []
        for path in paths:
            info = path.stat()
            files.append(
                StoredFile(
                    kind=kind,
                    file=path.name,
                    name=str(manifest["names"].get(f"{kind}/{path.name}", path.name)),
                    size=info.st_size,
                    uploaded=datetime.fromtimestamp(info.st_mtime, UTC),
                    selected=path.name in manifest["selected"].get(kind, []),
                )
            )
        out[kind] = sorted(files, key=lambda f: (f.uploaded, f.file))
    return out


def _display_name(name: str, stored: Path) -> str:
    stem = _UNSAFE_CHARS.sub("_", Path(name).stem).strip(" .") or stored.stem[:12]
    return f"{stem[:100]}{stored.suffix}"


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
    :mod:`analytics.io.store_inputs`)."""
    from analytics.io.store_inputs import boundaries_from_store, workforce_from_store

    files = stored_files(uploads_dir)
    chosen, origins = _chosen(files, read_manifest(uploads_dir))
    work = Path(tempfile.mkdtemp(prefix="cakupan-intake-"))
    try:
        linked: dict[str, list[Path]] = {}
        n = 0
        for kind in KIND_ORDER:
            for f in chosen.get(kind, []):
                source = uploads_dir / kind / f.file
                target = work / str(n) / _display_name(f.name, source)
                target.parent.mkdir()
                target.symlink_to(source.resolve())
                linked.setdefault(kind, []).append(target)
                n += 1
        if store_dir is not None and (store_dir / "meta.json").is_file():
            derived = {"boundaries": boundaries_from_store, "workforce": workforce_from_store}
            for kind, write in derived.items():
                if kind not in linked:
                    folder = work / f"store-{kind}"
                    folder.mkdir()
                    name = "desa.geojson" if kind == "boundaries" else "tenaga_kerja.csv"
                    linked[kind] = [write(store_dir, folder / name)]
                    origins[kind] = FROM_STORE
        one = lambda kind: (linked.get(kind) or [None])[-1]  # noqa: E731 - tiny accessor
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


# --- dry run and rebuild -------------------------------------------------------------------


def _require_complete(inputs: InputSet) -> None:
    if inputs.missing():
        raise InputError(
            f"select a file of each kind first: {', '.join(inputs.missing())} "
            "(the current store gives the boundaries and workforce; a registry must be "
            "selected, or kept from the last commit)"
        )


def _build_candidate(
    staged: StagedInputs, out: Path, settings: Settings, progress: Progress | None
) -> dict[str, Any]:
    """``cakupan build``'s own function on the staged inputs, into ``out``."""
    from analytics.pipeline import BuildInputs, build_store

    inputs = staged.inputs
    _require_complete(inputs)
    assert inputs.boundaries is not None and inputs.workforce is not None  # checked above
    result = build_store(
        BuildInputs(
            boundaries=inputs.boundaries,
            registries=inputs.registries,
            workforce=inputs.workforce,
            out=out,
            roster=inputs.roster,
            events=inputs.events,
        ),
        settings.with_(store_keep=0),
        None if progress is None else overall_progress(progress),
    )
    return result.reconciliation


def dry_run(uploads_dir: Path, settings: Settings) -> dict[str, Any]:
    """Build the store a commit would publish, next to the live one, compare it with the
    live store and delete it: ``{"reconciliation", "diff", "origins"}``. The live store
    and the uploads are left as they were."""
    from analytics.io import store_writer
    from analytics.store_diff import compare_stores

    with (
        staged_inputs(uploads_dir, settings.store_dir) as staged,
        store_writer.candidate(settings.store_dir) as out,
    ):
        rec = _build_candidate(staged, out, settings, None)
        diff = compare_stores(settings.store_dir, out)
    return {"reconciliation": rec, "diff": diff.as_dict(), "origins": staged.origins}


def rebuild_store(
    uploads_dir: Path, settings: Settings, progress: Progress, *, confirmed: bool = False
) -> dict[str, Any]:
    """Build the store from the staged inputs and publish it at ``settings.store_dir``,
    keeping the replaced one as a version, unless it loses data against the live store
    (:mod:`analytics.store_diff`) and ``confirmed`` is false: then nothing is published and
    ``status`` is ``"confirm"``. After a publication, the registries used are deleted under
    the retention rule (``settings.upload_retention``).
    """
    from analytics.io import store_writer
    from analytics.store_diff import compare_stores

    with (
        staged_inputs(uploads_dir, settings.store_dir) as staged,
        store_writer.candidate(settings.store_dir) as out,
    ):
        rec = _build_candidate(staged, out, settings, progress)
        diff = compare_stores(settings.store_dir, out)
        sources = _sources(out)
        if diff.needs_confirmation and not confirmed:
            return {"status": "confirm", "diff": diff.as_dict(), "origins": staged.origins}
        store_writer.publish(out, settings.store_dir, settings.store_keep)
    deleted = _after_commit(uploads_dir, staged.used, settings.upload_retention)
    counts = {
        k: rec.get(k, 0) for k in ("rows_in", "matched", "unmatched", "rejected", "duplicates")
    }
    return {
        "status": "ok",
        **counts,
        "diff": diff.as_dict(),
        "origins": staged.origins,
        "sources": sources,
        "deleted": deleted,
        "files": {
            name: {
                k: v
                for k, v in part.items()
                if k in ("rows_in", "matched", "unmatched", "rejected", "duplicates")
            }
            for name, part in (rec.get("files") or {}).items()
        },
    }


def _sources(store: Path) -> list[dict[str, Any]]:
    """The input files of a built store (name, kind, rows, sha256) from its meta.json."""
    try:
        meta = json.loads((store / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [
        {k: s.get(k) for k in ("file", "kind", "rows", "sha256")} for s in meta.get("sources", [])
    ]


#: Kinds whose raw files hold personal data (NIK, KPJ, names): deleted after a commit
#: under ``CAKUPAN_UPLOAD_RETENTION=delete``.
PERSONAL_KINDS: Final = frozenset({"registry"})


def _after_commit(uploads_dir: Path, used: dict[str, list[str]], retention: str) -> list[str]:
    """Record the files of the commit in the manifest; delete the registries used when the
    retention rule says so. The stored names (``<sha256>.<ext>``) deleted."""
    manifest = read_manifest(uploads_dir)
    manifest = {**manifest, "committed": {k: list(v) for k, v in used.items()}}
    deleted: list[str] = []
    if retention == "delete":
        for kind in PERSONAL_KINDS:
            for file in used.get(kind, []):
                manifest = without_file(manifest, kind, file)
                path = uploads_dir / kind / file
                if valid_stored_name(kind, file) and path.is_file():
                    path.unlink()
                    deleted.append(file)
    write_manifest(uploads_dir, manifest)
    return deleted


def overall_progress(report: Progress) -> Progress:
    """A build's per-step progress as one figure out of ``len(BUILD_STEPS) * 10``; inner
    steps of the intake (``read``, ``deduplicate``) count within the current step."""
    at = {"index": 0}
    total = len(BUILD_STEPS) * 10

    def progress(step: str, done: int, steps: int) -> None:
        if step in BUILD_STEPS:
            at["index"] = BUILD_STEPS.index(step)
            part = int(10 * done / steps) if steps else 0
            report(step, at["index"] * 10 + part, total)
        else:
            report(BUILD_STEPS[at["index"]], at["index"] * 10, total)

    return progress


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover - the loop always returns
