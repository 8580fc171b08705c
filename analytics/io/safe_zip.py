"""Safe extraction of uploaded zip archives (shapefile bundles, batches of registry files).

Every entry is checked before anything is written: no absolute paths, no ``..``, no
symbolic links or special files, a bounded number of entries, a bounded total
uncompressed size and compression ratio (zip bombs), and only expected file types.
Extraction streams each entry with a running byte count (the sizes in the archive's
directory can lie) into a fresh folder; on any refusal that folder is removed, so a
refused archive leaves nothing behind. A damaged archive (a bad CRC, sizes in the headers
that do not match the data, a truncated stream, an unsupported method or encryption) is
refused with the entry named, never passed on as a traceback.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final

from analytics.errors import InputError

MAX_ENTRIES: Final = 200
MAX_TOTAL_BYTES: Final = 1024 * 1024 * 1024  # 1 GiB uncompressed
MAX_RATIO: Final = 100  # uncompressed / compressed per entry
ALLOWED_SUFFIXES: Final = frozenset(
    {".csv", ".xlsx", ".parquet", ".gpkg", ".shp", ".shx", ".dbf", ".prj", ".cpg", ".geojson"}
)
_CHUNK: Final = 1024 * 1024
#: What zipfile and zlib raise on a damaged entry (EOFError: a stream cut short; RuntimeError:
#: an encrypted entry; NotImplementedError: an unsupported compression method).
DAMAGED: Final = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError)


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = MAX_ENTRIES
    max_total_bytes: int = MAX_TOTAL_BYTES
    max_ratio: int = MAX_RATIO
    allowed_suffixes: frozenset[str] = ALLOWED_SUFFIXES


def check_entries(archive: zipfile.ZipFile, name: str, limits: ZipLimits) -> list[zipfile.ZipInfo]:
    """The file entries of ``archive`` when all are safe; else an :class:`InputError`."""
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise InputError(
            f"{name}: {len(infos)} entries, more than {limits.max_entries}",
            code="zip_entries",
            params={"name": name, "n": len(infos), "most": limits.max_entries},
        )
    total = 0
    files = []
    for info in infos:
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if info.filename.startswith(("/", "\\")) or path.is_absolute() or ":" in path.parts[0]:
            raise InputError(
                f"{name}: entry {info.filename!r} has an absolute path",
                code="zip_absolute",
                params={"name": name, "entry": info.filename},
            )
        if ".." in path.parts:
            raise InputError(
                f"{name}: entry {info.filename!r} leaves the archive folder",
                code="zip_leaves",
                params={"name": name, "entry": info.filename},
            )
        mode = info.external_attr >> 16
        if stat.S_IFMT(mode) not in {0, stat.S_IFREG, stat.S_IFDIR}:  # 0: no Unix mode
            raise InputError(
                f"{name}: entry {info.filename!r} is a link or special file",
                code="zip_link",
                params={"name": name, "entry": info.filename},
            )
        if info.is_dir():
            continue
        if path.suffix.lower() not in limits.allowed_suffixes:
            types = ", ".join(sorted(limits.allowed_suffixes))
            raise InputError(
                f"{name}: entry {info.filename!r} is not an expected file type ({types})",
                code="zip_type",
                params={"name": name, "entry": info.filename, "types": types},
            )
        total += info.file_size
        if total > limits.max_total_bytes:
            raise InputError(
                f"{name}: more than {limits.max_total_bytes} bytes uncompressed",
                code="zip_total",
                params={"name": name, "limit_mb": limits.max_total_bytes / 2**20},
            )
        if info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise InputError(
                f"{name}: entry {info.filename!r} is compressed suspiciously well",
                code="zip_ratio",
                params={"name": name, "entry": info.filename},
            )
        files.append(info)
    return files


def safe_extract(source: Path, dest: Path, limits: ZipLimits | None = None) -> list[Path]:
    """Extract the zip ``source`` into the new folder ``dest``; the extracted files.

    ``dest`` must not exist. On any refusal it is removed and an :class:`InputError` names
    the archive and the entry."""
    limits = limits or ZipLimits()
    if dest.exists():
        raise InputError(f"{dest} exists already")
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(
            f"{source.name}: not a readable zip archive ({exc})",
            code="zip_unreadable",
            params={"name": source.name},
        ) from exc
    work = Path(tempfile.mkdtemp(prefix=".extract-", dir=dest.parent))
    try:
        with archive:
            written = 0
            out = []
            for info in check_entries(archive, source.name, limits):
                target = work / PurePosixPath(info.filename.replace("\\", "/"))
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    with archive.open(info) as src, target.open("wb") as dst:
                        while chunk := src.read(_CHUNK):
                            written += len(chunk)
                            if written > limits.max_total_bytes:  # the directory lied
                                raise InputError(
                                    f"{source.name}: more data than declared",
                                    code="zip_more_data",
                                    params={"name": source.name},
                                )
                            dst.write(chunk)
                except DAMAGED as exc:
                    raise InputError(
                        f"{source.name}: entry {info.filename!r} is damaged ({exc}); "
                        "make the zip again and upload it again",
                        code="zip_damaged",
                        params={"name": source.name, "entry": info.filename},
                    ) from exc
                out.append(dest / target.relative_to(work))
        work.rename(dest)
        return out
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
