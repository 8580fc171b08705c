"""Writing the processed store (layout in :mod:`analytics.store.reader`).

A build writes into a staging folder next to ``--out`` and :func:`publish` swaps it into
place at the end, so the app never reads half a store. Reports meant for people
(``unmatched.csv``, ``rejected.csv``) are UTF-8 with a byte-order mark so Excel opens them
with the right characters, and keep only the whitelisted columns: no NIK, no KPJ, no names
of participants ever reach the store.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import pandas as pd
import psutil

from analytics.errors import InputError
from analytics.schemas import ROW_REPORT_COLUMNS
from analytics.store.reader import META_FILE

#: The only columns a row report may carry (the intake contract, defined once in schemas).
REPORT_COLUMNS: Final = ROW_REPORT_COLUMNS
#: Columns of the workforce row report (no personal data in a workforce file).
WORKFORCE_REPORT_COLUMNS: Final[tuple[str, ...]] = (
    "source_file",
    "source_row",
    "reason",
    "village_code_raw",
    "year",
    "workers",
    "informal_workers",
)


#: Rows converted and written at a time when a frame holds categoricals.
PARQUET_BATCH_ROWS: Final = 1_000_000


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` without its index.

    Categorical columns are stored as text (readers see the same ``str`` columns as for
    a frame of text; Parquet dictionary-encodes them in the file), converted
    :data:`PARQUET_BATCH_ROWS` rows at a time so no text copy of a large frame is made.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    categorical = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    if not categorical or frame.empty:
        frame.astype(dict.fromkeys(categorical, "str")).to_parquet(path, index=False)
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    try:
        for start in range(0, len(frame), PARQUET_BATCH_ROWS):
            batch = frame.iloc[start : start + PARQUET_BATCH_ROWS]
            batch = batch.astype(dict.fromkeys(categorical, "str"))
            table = pa.Table.from_pandas(batch, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()


def write_json(payload: Mapping[str, Any], path: Path) -> None:
    """Write readable UTF-8 JSON (dates as ISO text)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(payload, ensure_ascii=False, indent=2, default=_json_default)
    path.write_text(text + "\n", encoding="utf-8")


def _json_default(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def write_row_report(
    frame: pd.DataFrame, path: Path, columns: Sequence[str] = REPORT_COLUMNS
) -> None:
    """Write a row report (unmatched/rejected rows) as UTF-8-with-BOM CSV.

    Only ``columns`` (by default :data:`REPORT_COLUMNS`) are kept, in that order; missing
    ones are left empty.
    """
    report = pd.DataFrame(
        {c: frame[c] if c in frame.columns else pd.Series(dtype="str") for c in columns},
        index=frame.index,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    report.to_csv(path, index=False, encoding="utf-8-sig")


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_out_dir(out: Path) -> None:
    """Refuse an ``--out`` that exists and is not a store (it would be replaced)."""
    if out.exists() and not out.is_dir():
        raise InputError("--out must be a folder, but it is a file", file=str(out))
    if out.is_dir() and any(out.iterdir()) and not (out / META_FILE).is_file():
        raise InputError(
            "--out is a folder that is not empty and holds no Cakupan store "
            f"({META_FILE} missing); a build replaces the whole folder, so choose a new "
            "or empty folder",
            file=str(out),
        )


#: Store versions kept beside the live one (``CAKUPAN_STORE_KEEP``; see docs/security.md).
DEFAULT_KEEP: Final = 3
_STAGING_RE: Final = re.compile(
    r"^\.(?P<name>.+)\.(?:building|old|candidate)-(?P<pid>\d+)(?:-[A-Za-z0-9_]+)?$"
)
_VERSION_RE: Final = re.compile(r"^\d{8}T\d{6}Z(?:-\d+)?$")


def clean_stale_staging(out: Path) -> list[Path]:
    """Remove the ``.<out>.building-<pid>``, ``.<out>.old-<pid>`` and
    ``.<out>.candidate-<pid>-<token>`` folders next to ``out`` whose process is gone (a
    killed build); the folders removed."""
    removed: list[Path] = []
    if not out.parent.is_dir():
        return removed
    for path in out.parent.iterdir():
        found = _STAGING_RE.match(path.name)
        if not found or found["name"] != out.name or not path.is_dir():
            continue
        pid = int(found["pid"])
        if pid == os.getpid() or (pid > 0 and psutil.pid_exists(pid)):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


@contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A fresh staging folder next to ``out``, removed if the build fails.

    Staging folders left by killed builds (their process gone) are removed first. Call
    :func:`publish` inside the ``with`` block to move it into place.
    """
    check_out_dir(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_staging(out)
    stage = out.parent / f".{out.name}.building-{os.getpid()}"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(mode=0o700)
    try:
        yield stage
    finally:
        if stage.exists():
            shutil.rmtree(stage)


@contextmanager
def candidate(out: Path) -> Iterator[Path]:
    """A folder path next to ``out`` for building a store that may or may not be published
    (``publish(path, out)`` moves it into place); removed afterwards, and cleaned by the
    next build if the process is killed."""
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_staging(out)
    holder = out.parent / f".{out.name}.candidate-{os.getpid()}-{secrets.token_hex(4)}"
    holder.mkdir(mode=0o700)
    try:
        yield holder / out.name
    finally:
        shutil.rmtree(holder, ignore_errors=True)


def versions_dir(out: Path) -> Path:
    """Where the previous versions of the store at ``out`` are kept."""
    return out.parent / f".{out.name}.versions"


def version_id(store: Path) -> str:
    """A store's version: its build time as ``YYYYMMDDTHHMMSSZ`` (from meta.json)."""
    try:
        built = json.loads((store / META_FILE).read_text(encoding="utf-8")).get("built_at")
        stamp = pd.Timestamp(built)
        stamp = stamp.tz_convert("UTC") if stamp.tzinfo else stamp
    except (OSError, ValueError, TypeError):
        stamp = pd.Timestamp(store.stat().st_mtime, unit="s")
    return f"{stamp:%Y%m%dT%H%M%S}Z"


def _keep_version(store: Path, out: Path) -> Path:
    """Move the store folder ``store`` into the versions of ``out``; its new path."""
    folder = versions_dir(out)
    folder.mkdir(mode=0o700, exist_ok=True)
    base = version_id(store)
    target, n = folder / base, 1
    while target.exists():
        n += 1
        target = folder / f"{base}-{n}"
    store.rename(target)
    return target


def stored_versions(out: Path) -> list[str]:
    """The kept versions of the store at ``out``, newest first."""
    folder = versions_dir(out)
    if not folder.is_dir():
        return []
    found = [p.name for p in folder.iterdir() if p.is_dir() and _VERSION_RE.match(p.name)]
    return sorted(
        found, key=lambda v: (v.split("-")[0], int(v.partition("-")[2] or 1)), reverse=True
    )


def prune_versions(out: Path, keep: int) -> list[str]:
    """Delete all but the ``keep`` newest kept versions; the versions deleted."""
    gone = stored_versions(out)[max(keep, 0) :]
    for version in gone:
        shutil.rmtree(versions_dir(out) / version, ignore_errors=True)
    return gone


def publish(stage: Path, out: Path, keep: int = DEFAULT_KEEP) -> None:
    """Replace ``out`` by the finished ``stage`` folder (two renames).

    The store replaced is kept as a version (see :func:`stored_versions`), at most ``keep``
    of them; with ``keep=0`` it is deleted."""
    clean_stale_staging(out)
    old: Path | None = None
    if out.exists():
        if keep > 0 and (out / META_FILE).is_file():
            old = _keep_version(out, out)
        else:
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            if old.exists():
                shutil.rmtree(old)
            out.rename(old)
    stage.rename(out)
    if old is not None and old.parent == out.parent:
        shutil.rmtree(old)
    prune_versions(out, keep)


def rollback(out: Path, to: str | None = None, keep: int = DEFAULT_KEEP) -> tuple[str, str]:
    """Serve the kept version ``to`` (default: the newest) at ``out``; the live store is
    kept as a version in its place. Returns (version now live, version of the store put
    aside). Raises :class:`InputError` when there is no such version."""
    versions = stored_versions(out)
    if not versions:
        raise InputError("no earlier store version is kept", file=str(out))
    chosen = versions[0] if to is None else to
    if chosen not in versions:
        raise InputError(f"no store version {chosen!r}; kept: {', '.join(versions)}", file=str(out))
    source = versions_dir(out) / chosen
    aside = _keep_version(out, out).name if out.exists() else ""
    source.rename(out)
    prune_versions(out, max(keep, 1))
    return chosen, aside
