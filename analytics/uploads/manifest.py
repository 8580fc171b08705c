"""The admin's input set for the intake page: kept uploads and the selection manifest
(Dash-free; the page's callbacks in :mod:`layouts.pages.upload` only call these).

Uploads are content-addressed by :func:`analytics.io.upload_checks.accept_upload`
(``uploads/<kind>/<sha256>.<ext>``), so the same bytes uploaded twice are kept once. The
original file names, and which files the next build uses, live in a small JSON manifest
``uploads/manifest.json`` written atomically. :mod:`analytics.uploads.staging` links the
files of a dry run or commit under their original names (so the reconciliation names the
files the admin knows); :mod:`analytics.uploads.rebuild` builds, compares and publishes.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
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
                params = {**exc.params, "name": Path(name).name}
                raise InputError(
                    str(exc).replace("upload.zip", Path(name).name),
                    code=exc.code or "unsafe_zip",
                    params=params,
                ) from exc
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


def display_name(name: str, stored: Path) -> str:
    stem = _UNSAFE_CHARS.sub("_", Path(name).stem).strip(" .") or stored.stem[:12]
    return f"{stem[:100]}{stored.suffix}"
