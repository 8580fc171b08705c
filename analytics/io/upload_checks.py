"""Checks on an uploaded file before it is kept: size, type by extension AND content,
text encoding, and a content-addressed place to keep it.

Files and folders are created readable by the service user only (0600 / 0700).
``accept_upload`` either returns where the file was saved (``<sha256>.<ext>``: the same
file uploaded twice is kept once) or raises an :class:`InputError` with a message a person
can act on, having written nothing.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from analytics.errors import InputError

#: Kinds of upload and the file types each accepts.
KINDS: Final[dict[str, frozenset[str]]] = {
    "registry": frozenset({".csv", ".xlsx"}),
    "workforce": frozenset({".csv", ".xlsx"}),
    "roster": frozenset({".csv", ".xlsx"}),
    "events": frozenset({".csv", ".xlsx"}),
    "boundaries": frozenset({".gpkg", ".zip", ".geojson", ".parquet"}),
}
MAGIC: Final[dict[str, tuple[bytes, ...]]] = {
    ".xlsx": (b"PK\x03\x04",),
    ".zip": (b"PK\x03\x04", b"PK\x05\x06"),
    ".parquet": (b"PAR1",),
    ".gpkg": (b"SQLite format 3\x00",),
}
TEXT_SUFFIXES: Final = frozenset({".csv", ".geojson"})


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def request_limit(max_bytes: int) -> int:
    """The largest request body for an upload of ``max_bytes``: the browser sends the file
    base64-encoded (4 bytes for every 3) inside a JSON callback, plus a margin for the
    rest of the callback (names, ids, state)."""
    return 4 * -(-max_bytes // 3) + 1024 * 1024


@dataclass(frozen=True)
class SavedUpload:
    kind: str
    original_name: str
    path: Path
    sha256: str
    size: int
    new: bool  # False when the same content was uploaded before


def check_content(name: str, data: bytes, kind: str, max_bytes: int) -> str:
    """The lower-case suffix of ``name`` when ``data`` is acceptable for ``kind``."""
    if kind not in KINDS:
        raise InputError(
            f"{name}: unknown kind of upload {kind!r}",
            code="unknown_kind",
            params={"name": name, "kind": kind},
        )
    if len(data) > max_bytes:
        raise InputError(
            f"{name}: {_mib(len(data))} MB, more than the limit of {_mib(max_bytes)} MB",
            code="too_large",
            params={"name": name, "size_mb": len(data) / 2**20, "limit_mb": max_bytes / 2**20},
        )
    if not data:
        raise InputError(f"{name}: the file is empty", code="empty", params={"name": name})
    suffix = Path(name).suffix.lower()
    if suffix not in KINDS[kind]:
        types = ", ".join(sorted(KINDS[kind]))
        raise InputError(
            f"{name}: a {kind} file must be one of {types}",
            code="wrong_type",
            params={"name": name, "kind": kind, "types": types},
        )
    if suffix in MAGIC and not data.startswith(MAGIC[suffix]):
        raise InputError(
            f"{name}: the content is not a {suffix} file (wrong type renamed?)",
            code="wrong_content",
            params={"name": name, "suffix": suffix},
        )
    if suffix in TEXT_SUFFIXES:
        if b"\x00" in data[:65536] or data.startswith((b"MZ", b"\x7fELF", b"\x89PNG", b"PK")):
            raise InputError(
                f"{name}: not a text file (binary content)", code="binary", params={"name": name}
            )
        if suffix == ".geojson":
            try:
                data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{name}: GeoJSON must be UTF-8 text", code="not_utf8", params={"name": name}
                ) from exc
        # A CSV may be in any encoding and delimiter the build reads: see check_table.
    return suffix


def check_table(name: str, data: bytes, suffix: str) -> None:
    """Read the header of a CSV/XLSX upload with the build's own reader
    (:func:`analytics.io.tables.inspect_table`: the same encoding and delimiter detection),
    so the page accepts exactly what ``cakupan build`` reads."""
    if suffix not in {".csv", ".xlsx"}:
        return
    from analytics.io.tables import inspect_table

    with tempfile.TemporaryDirectory(prefix="cakupan-check-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            source = inspect_table(path)
        except InputError as exc:
            raise InputError(
                str(exc).replace(f"file {path.name}", name),
                code="unreadable_table",
                params={"name": name, "what": str(exc).replace(f"file {path.name}: ", "")},
            ) from exc
    if not any(h.strip() for h in source.headers):
        raise InputError(f"{name}: no header row found", code="no_header", params={"name": name})


def accept_upload(
    name: str, data: bytes, kind: str, uploads_dir: Path, max_bytes: int
) -> SavedUpload:
    """Check ``data`` and keep it as ``uploads_dir/<kind>/<sha256><suffix>`` (atomically)."""
    suffix = check_content(name, data, kind, max_bytes)
    digest = hashlib.sha256(data).hexdigest()
    folder = uploads_dir / kind
    path = folder / f"{digest}{suffix}"
    if path.is_file():
        return SavedUpload(kind, name, path, digest, len(data), new=False)
    uploads_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.mkdir(mode=0o700, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return SavedUpload(kind, name, path, digest, len(data), new=True)
