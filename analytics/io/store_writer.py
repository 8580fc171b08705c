"""Writing the processed store (layout in :mod:`analytics.store`).

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
import shutil
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import pandas as pd

from analytics.errors import InputError
from analytics.store import META_FILE

#: The only columns a row report may carry (see the intake contract).
REPORT_COLUMNS: Final[tuple[str, ...]] = (
    "source_file",
    "source_row",
    "reason",
    "village_code_raw",
    "desa",
    "kecamatan",
    "kabupaten",
    "segment",
    "registered_on_raw",
    "offending_value",
)
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


@contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A fresh staging folder next to ``out``, removed if the build fails.

    Call :func:`publish` inside the ``with`` block to move it into place.
    """
    check_out_dir(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = out.parent / f".{out.name}.building-{os.getpid()}"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir()
    try:
        yield stage
    finally:
        if stage.exists():
            shutil.rmtree(stage)


def publish(stage: Path, out: Path) -> None:
    """Replace ``out`` by the finished ``stage`` folder (two renames, then clean up)."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        out.rename(old)
    stage.rename(out)
    if old.exists():
        shutil.rmtree(old)
