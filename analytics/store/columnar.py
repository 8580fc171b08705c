"""The coverage table as a memory-mapped Arrow file that every process of a server shares.

``coverage.parquet`` is compressed, so each process that reads it holds its own decoded
copy (a national store: 16.4 million rows, ~1.8 GB per gunicorn worker, ~10 s to read).
``coverage.arrow`` holds the same rows uncompressed in Arrow's IPC file format, sorted by
level, area code, segment and month, with the text columns dictionary-encoded; a process
maps it (``pyarrow.memory_map``) and reads only the rows a request asks for. The pages
are the operating system's page cache, shared by every process that maps the file, so
four workers hold one copy and a fresh worker answers without reading the table.

``coverage_index.arrow`` locates the rows: one row per area (level, code) with, for each
segment, the first row and the number of rows of that area and segment (months
ascending). A query (:meth:`CoverageFile.rows`) finds areas by code or by level and code
prefix, and then takes rows by position (one per area and month when an area has every
month of the store).

``cakupan build`` writes both files into the store (:func:`write_coverage_file`). A store
built before them gets them once, built from ``coverage.parquet`` into a cache folder
keyed by that file's version (:func:`ensure_coverage_file`), atomically and by one
process at a time.

(About 470 lines: the writer and the reader of one file layout stay together, so the sort
order, the index and the metadata they agree on are defined once.)
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from analytics.codes import LEVELS
from analytics.store.cache import private_dir

ARROW_FILE: Final = "coverage.arrow"
INDEX_FILE: Final = "coverage_index.arrow"
#: Text columns dictionary-encoded in the Arrow file (decoded for the rows returned).
TEXT_COLUMNS: Final = ("level", "area_code", "area_name", "parent_code", "segment")
#: Schema metadata key of the Arrow file: what it was made from (rows, months, segments).
META_KEY: Final = b"cakupan.coverage"
FORMAT_VERSION: Final = 1
#: In a cache folder: the path of the ``coverage.parquet`` it was made from.
SOURCE_FILE: Final = "source.txt"
#: Rows converted and written at a time (bounds the writer's extra memory).
BATCH_ROWS: Final = 1_000_000


class CoverageFileError(RuntimeError):
    """The Arrow coverage file does not match ``coverage.parquet`` (or cannot be read)."""


def _month_key(values: pd.Series) -> np.ndarray:
    return pd.to_datetime(values).to_numpy(dtype="datetime64[ns]").astype("int64")


def _sorted_categorical(values: pd.Series) -> Any:
    """``values`` as a categorical with its categories in text order."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cat = values.cat.remove_unused_categories()
        return pd.Categorical(cat).reorder_categories(sorted(cat.cat.categories.astype("str")))
    present = values.dropna().astype("str")
    return pd.Categorical(present.reindex(values.index), categories=sorted(set(present)))


def write_coverage_file(coverage: pd.DataFrame, folder: Path, *, source_size: int) -> None:
    """Write :data:`ARROW_FILE` and :data:`INDEX_FILE` of ``coverage`` (the rows of
    ``coverage.parquet``, categorical or text) into ``folder``. ``source_size`` is the
    byte size of the ``coverage.parquet`` they mirror (checked by the reader)."""
    import pyarrow as pa

    level_rank: dict[str, int] = {lv: i for i, lv in enumerate(LEVELS)}
    text = {c: _sorted_categorical(coverage[c]) for c in TEXT_COLUMNS}
    level_codes = np.array(
        [level_rank.get(str(c), len(LEVELS)) for c in text["level"].categories], dtype=np.int16
    )
    level_key = level_codes[text["level"].codes] if len(coverage) else np.zeros(0, dtype=np.int16)
    months = _month_key(coverage["month"])
    order = np.lexsort(
        (months, text["segment"].codes, text["area_code"].codes, level_key)
    )  # last key first: level, area, segment, month
    is_sorted = bool(np.all(order[1:] > order[:-1])) if len(order) > 1 else True
    codes = {c: np.asarray(v.codes)[order] for c, v in text.items()}
    month_values = months[order]
    segments = [str(s) for s in text["segment"].categories]
    month_list = sorted({pd.Timestamp(m).strftime("%Y-%m") for m in np.unique(month_values)})
    meta = {
        "format": FORMAT_VERSION,
        "rows": len(coverage),
        "source_size": int(source_size),
        "months": month_list,
        "segments": segments,
    }

    def take(column: str) -> Any:
        series = coverage[column]
        if column in TEXT_COLUMNS:
            cat = text[column]
            dictionary = pa.array([str(c) for c in cat.categories], type=pa.string())
            return codes[column], dictionary
        values = series.to_numpy()
        return values if is_sorted else values[order]

    columns = list(coverage.columns)
    arrays: dict[str, Any] = {c: take(c) for c in columns}
    fields = []
    for c in columns:
        if c in TEXT_COLUMNS:
            idx, dictionary = arrays[c]
            fields.append(pa.field(c, pa.dictionary(pa.from_numpy_dtype(idx.dtype), pa.string())))
        elif c == "month":
            fields.append(pa.field(c, pa.timestamp("ns")))
        else:
            fields.append(pa.field(c, pa.Array.from_pandas(arrays[c][:0]).type))
    schema = pa.schema(fields, metadata={META_KEY: json.dumps(meta).encode()})
    folder.mkdir(parents=True, exist_ok=True)
    options = pa.ipc.IpcWriteOptions(compression=None)
    with pa.OSFile(str(folder / ARROW_FILE), "wb") as sink:
        with pa.ipc.new_file(sink, schema, options=options) as writer:
            for start in range(0, max(len(coverage), 1), BATCH_ROWS):
                stop = min(start + BATCH_ROWS, len(coverage))
                batch = []
                for c, f in zip(columns, fields, strict=True):
                    if c in TEXT_COLUMNS:
                        idx, dictionary = arrays[c]
                        batch.append(
                            pa.DictionaryArray.from_arrays(
                                pa.array(idx[start:stop], mask=idx[start:stop] < 0), dictionary
                            )
                        )
                    elif c == "month":
                        batch.append(pa.array(month_values[start:stop], type=pa.timestamp("ns")))
                    else:
                        batch.append(pa.Array.from_pandas(arrays[c][start:stop], type=f.type))
                writer.write_batch(pa.record_batch(batch, schema=schema))
    _write_index(folder / INDEX_FILE, codes, text, segments)


def _write_index(
    path: Path, codes: dict[str, np.ndarray], text: dict[str, pd.Categorical], segments: list[str]
) -> None:
    """One row per (level, area): its code and level, and per segment ``<seg>.start`` and
    ``<seg>.rows`` (0 rows when the area has none)."""
    import pyarrow as pa
    import pyarrow.feather as feather

    area = codes["area_code"].astype(np.int64)
    segment = codes["segment"].astype(np.int64)
    n = len(area)
    if n:
        new_run = np.ones(n, dtype=bool)
        new_run[1:] = (area[1:] != area[:-1]) | (segment[1:] != segment[:-1])
        starts = np.flatnonzero(new_run)
        stops = np.append(starts[1:], n)
        run_area = area[starts]
        run_segment = segment[starts]
        new_area = np.ones(len(starts), dtype=bool)
        new_area[1:] = run_area[1:] != run_area[:-1]
        area_of_run = np.cumsum(new_area) - 1
        first_rows = starts[new_area]
    else:
        starts = stops = run_segment = area_of_run = first_rows = np.zeros(0, dtype=np.int64)
    n_areas = len(first_rows)
    area_codes = np.asarray(text["area_code"].categories.astype("str"))
    levels = np.asarray(text["level"].categories.astype("str"))
    columns: dict[str, Any] = {
        "area_code": area_codes[area[first_rows]] if n_areas else np.array([], dtype=str),
        "level": levels[codes["level"][first_rows]] if n_areas else np.array([], dtype=str),
    }
    for s, name in enumerate(segments):
        start = np.full(n_areas, -1, dtype=np.int64)
        rows = np.zeros(n_areas, dtype=np.int64)
        mine = run_segment == s
        start[area_of_run[mine]] = starts[mine]
        rows[area_of_run[mine]] = (stops - starts)[mine]
        columns[f"{name}.start"] = start
        columns[f"{name}.rows"] = rows
    table = pa.table(
        {
            k: pa.array(list(v), type=pa.string()) if k in {"area_code", "level"} else v
            for k, v in columns.items()
        }
    )
    feather.write_feather(table, str(path), compression="uncompressed")


@dataclass
class CoverageFile:
    """One mapped Arrow coverage file and its index (read-only; shared pages)."""

    batches: list[Any]  # pyarrow.RecordBatch over the memory map, in file order
    offsets: np.ndarray  # first row of each batch, and the row count at the end
    schema: Any  # pyarrow.Schema of the file
    months: tuple[str, ...]
    segments: tuple[str, ...]
    area_codes: np.ndarray  # index row -> area code
    codes: dict[str, int]  # area code -> index row
    level_blocks: dict[str, tuple[int, int, np.ndarray]]  # level -> (first, stop, codes)
    starts: np.ndarray  # index row x segment -> first row (-1: none)
    counts: np.ndarray  # index row x segment -> rows

    @classmethod
    def open(cls, arrow_path: Path, index_path: Path) -> CoverageFile:
        import pyarrow as pa
        import pyarrow.feather as feather

        source = pa.memory_map(str(arrow_path), "r")
        reader = pa.ipc.open_file(source)
        batches = [reader.get_batch(i) for i in range(reader.num_record_batches)]
        offsets = np.cumsum([0, *(b.num_rows for b in batches)], dtype=np.int64)
        raw = (reader.schema.metadata or {}).get(META_KEY)
        if raw is None:
            raise CoverageFileError(f"{arrow_path} has no {META_KEY.decode()} metadata")
        meta = json.loads(raw)
        index = feather.read_table(str(index_path), memory_map=True)
        area_codes = np.asarray(index.column("area_code").to_numpy(zero_copy_only=False), dtype=str)
        levels = np.asarray(index.column("level").to_numpy(zero_copy_only=False), dtype=str)
        segments = tuple(meta["segments"])
        starts = (
            np.column_stack([index.column(f"{s}.start").to_numpy() for s in segments])
            if segments
            else np.zeros((len(area_codes), 0), dtype=np.int64)
        )
        counts = (
            np.column_stack([index.column(f"{s}.rows").to_numpy() for s in segments])
            if segments
            else np.zeros((len(area_codes), 0), dtype=np.int64)
        )
        blocks: dict[str, tuple[int, int, np.ndarray]] = {}
        for level in dict.fromkeys(levels.tolist()):
            where = np.flatnonzero(levels == level)
            first, stop = int(where[0]), int(where[-1]) + 1
            blocks[level] = (first, stop, area_codes[first:stop])
        return cls(
            batches=batches,
            offsets=offsets,
            schema=reader.schema,
            months=tuple(meta["months"]),
            segments=segments,
            area_codes=area_codes,
            codes={c: i for i, c in enumerate(area_codes.tolist())},
            level_blocks=blocks,
            starts=starts,
            counts=counts,
        )

    @property
    def num_rows(self) -> int:
        return int(self.offsets[-1])

    def take(self, positions: np.ndarray, columns: Sequence[str] | None = None) -> Any:
        """The rows at ``positions`` (ascending) as a pyarrow Table, text decoded.

        Taken batch by batch: a take over the whole (multi-batch) table would join the
        batches first, i.e. read every page of the file."""
        import pyarrow as pa

        names = list(columns) if columns is not None else self.schema.names
        which = np.searchsorted(self.offsets, positions, side="right") - 1
        bounds = np.searchsorted(which, np.arange(len(self.batches) + 1), side="left")
        parts = []
        for b in np.flatnonzero(np.diff(bounds)):
            local = positions[bounds[b] : bounds[b + 1]] - self.offsets[b]
            batch = self.batches[b].select(names).take(pa.array(local, type=pa.int64()))
            parts.append(batch)
        if not parts:
            parts = [self.batches[0].select(names).slice(0, 0)] if self.batches else []
        columns_out = {}
        for i, name in enumerate(names):
            arrays = [p.column(i) for p in parts]
            if arrays and pa.types.is_dictionary(arrays[0].type):
                arrays = [a.cast(pa.large_string()) for a in arrays]
            columns_out[name] = pa.chunked_array(arrays, type=None if arrays else pa.large_string())
        return pa.table(columns_out)

    def _areas(
        self, level: str | None, within: str | None, codes: Iterable[str] | None
    ) -> np.ndarray:
        """Index rows of the areas asked for (in file order)."""
        found: np.ndarray | None = None
        if codes is not None:
            rows = sorted({self.codes[c] for c in codes if c in self.codes})
            found = np.asarray(rows, dtype=np.int64)
            if level is not None:
                first, stop, _ = self.level_blocks.get(level, (0, 0, None))
                found = found[(found >= first) & (found < stop)]
            if within:
                inside = np.char.startswith(self.area_codes[found], within + ".")
                found = found[inside]
            return found
        blocks = [level] if level is not None else list(self.level_blocks)
        parts = []
        for lv in blocks:
            if lv not in self.level_blocks:
                continue
            first, stop, block = self.level_blocks[lv]
            if within:
                lo = int(np.searchsorted(block, within + ".", side="left"))
                hi = int(np.searchsorted(block, within + "/", side="left"))  # "/" follows "."
            else:
                lo, hi = 0, stop - first
            parts.append(np.arange(first + lo, first + hi, dtype=np.int64))
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def positions(
        self,
        *,
        level: str | None = None,
        within: str | None = None,
        codes: Iterable[str] | None = None,
        segments: Iterable[str] | None = None,
        months: Iterable[str] | None = None,
    ) -> np.ndarray:
        """Row positions (ascending) of the rows asked for."""
        areas = self._areas(level, within, codes)
        wanted_segments = (
            range(len(self.segments))
            if segments is None
            else [self.segments.index(s) for s in dict.fromkeys(segments) if s in self.segments]
        )
        seg_idx = np.asarray(sorted(wanted_segments), dtype=np.int64)
        if not len(areas) or not len(seg_idx):
            return np.zeros(0, dtype=np.int64)
        starts = self.starts[np.ix_(areas, seg_idx)].ravel()
        counts = self.counts[np.ix_(areas, seg_idx)].ravel()
        present = counts > 0
        starts, counts = starts[present], counts[present]
        n_months = len(self.months)
        if months is None:
            month_pos = None
        else:
            month_set = sorted({self.months.index(m) for m in months if m in self.months})
            month_pos = np.asarray(month_set, dtype=np.int64)
        full = counts == n_months
        pieces = []
        if full.all():
            if month_pos is None:
                return _ranges(starts, counts)
            return (starts[:, None] + month_pos[None, :]).ravel()
        # Some areas lack months: take their rows whole and keep the months asked for.
        every = _ranges(starts, counts)
        if month_pos is not None:
            wanted = {np.datetime64(f"{self.months[int(p)]}-01", "ns") for p in month_pos}
            stamps = self.take(every, ["month"]).column("month").to_numpy()
            every = every[np.isin(stamps, np.asarray(sorted(wanted), dtype="datetime64[ns]"))]
        pieces.append(every)
        return np.sort(np.concatenate(pieces))

    def rows(self, **query: Any) -> pd.DataFrame:
        """The rows asked for (see :meth:`positions`) as a frame with text columns."""
        return self.frame(self.positions(**query))

    def frame(self, positions: np.ndarray) -> pd.DataFrame:
        return self.take(positions).to_pandas()


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(start, start + count)`` for each pair."""
    if not len(starts):
        return np.zeros(0, dtype=np.int64)
    total = int(counts.sum())
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    return np.arange(total, dtype=np.int64) + offsets


def arrow_metadata(path: Path) -> dict[str, Any] | None:
    """The metadata of the Arrow coverage file at ``path``; ``None`` when unreadable."""
    import pyarrow as pa

    try:
        with pa.memory_map(str(path), "r") as source:
            raw = (pa.ipc.open_file(source).schema.metadata or {}).get(META_KEY)
    except (OSError, pa.ArrowException):
        return None
    if raw is None:
        return None
    meta = json.loads(raw)
    return meta if isinstance(meta, dict) else None


def matches(folder: Path, parquet: Path) -> bool:
    """Whether ``folder`` holds an Arrow coverage file made from ``parquet`` as it is."""
    if not (folder / ARROW_FILE).is_file() or not (folder / INDEX_FILE).is_file():
        return False
    meta = arrow_metadata(folder / ARROW_FILE)
    if (
        meta is None
        or meta.get("format") != FORMAT_VERSION
        or meta.get("source_size") != parquet.stat().st_size
    ):
        return False
    # a Parquet file replaced by another of the same size: the row count tells them apart
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        rows = pq.ParquetFile(parquet).metadata.num_rows
    except (OSError, pa.ArrowException):
        return False
    return bool(meta.get("rows") == rows)


def cache_folder(cache_root: Path, parquet: Path, stamp: Sequence[int]) -> Path:
    """Where the Arrow file of ``parquet`` at version ``stamp`` is built when the store
    does not hold one: one folder per store path and file version."""
    where = hashlib.sha256(str(parquet.resolve()).encode()).hexdigest()[:16]
    version = hashlib.sha256(repr(tuple(stamp)).encode()).hexdigest()[:16]
    return cache_root / f"{where}-{version}"


def ensure_coverage_file(parquet: Path, stamp: Sequence[int], cache_root: Path) -> Path:
    """The folder holding an Arrow coverage file of ``parquet``: the store's own when it
    matches, else one built once into ``cache_root`` (one process builds, the others wait
    on a lock; the folder appears whole, by rename). Older versions of the same store are
    removed from the cache (processes that mapped them keep their mapping)."""
    if matches(parquet.parent, parquet):
        return parquet.parent
    private_dir(cache_root)  # before trusting anything in it: another user's folder is refused
    target = cache_folder(cache_root, parquet, stamp)
    if (target / ARROW_FILE).is_file() and (target / INDEX_FILE).is_file():
        return target
    lock_path = cache_root / f"{target.name.split('-')[0]}.lock"
    with open(lock_path, "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (target / ARROW_FILE).is_file():
                _build_into(parquet, target)
            _prune(cache_root, keep=target)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return target


def _prune(cache_root: Path, keep: Path) -> None:
    """Remove the cache's other versions of the same store, and the files of stores that
    are gone (processes that mapped a removed file keep their mapping)."""
    prefix = keep.name.split("-")[0] + "-"
    # Lock files stay (one small file per store path): deleting one that another process
    # holds would let a third build the same file at the same time.
    for folder in cache_root.iterdir():
        if folder == keep or not folder.is_dir() or folder.name.startswith("."):
            continue
        try:
            source = Path((folder / SOURCE_FILE).read_text(encoding="utf-8"))
        except OSError:
            source = None
        if folder.name.startswith(prefix) or source is None or not source.is_file():
            shutil.rmtree(folder, ignore_errors=True)


def _build_into(parquet: Path, target: Path) -> None:
    from analytics.store.reader import COVERAGE_CATEGORIES, _read_parquet_categorical

    frame = _read_parquet_categorical(parquet, COVERAGE_CATEGORIES)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        write_coverage_file(frame, work, source_size=parquet.stat().st_size)
        del frame
        (work / SOURCE_FILE).write_text(str(parquet.resolve()), encoding="utf-8")
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(target)
        work.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
