"""The processed store: the only thing the dashboard reads.

``cakupan build`` writes it; the app reads it through :class:`Store`. It holds aggregates
and simplified boundaries only: no membership rows, no NIK, no names of people.

Layout of a store directory::

    meta.json               build metadata (see STORE_META_KEYS)
    coverage.parquet        CoverageSchema rows + extra indicator columns
    coverage.arrow          the same rows, uncompressed and sorted, memory-mapped by the app
    coverage_index.arrow    where each area x segment's rows are in coverage.arrow
    areas.parquet           one row per area of every level (AREA_COLUMNS)
    quality.parquet         data-quality flags per village (schemas.QUALITY_COLUMNS)
    registrations_weekly.parquet  new registrations per village x segment x ISO week
    officers.parquet        outreach roster: officer x village (only with --roster)
    events.parquet          outreach events (only with --events)
    reconciliation.json     rows in = matched + unmatched + rejected + duplicates
    unmatched.csv           rows not placed in a village, with reason (no personal data)
    rejected.csv            rows rejected, with reason (no personal data)
    workforce_rejected.csv, roster_rejected.csv, events_rejected.csv
                            rows of the optional inputs rejected, with reason (no names)
    geo/<level>/<parent>.geojson  simplified boundaries; feature ``id`` = area_code
    tiles/<level>.pmtiles   vector tiles of each level present: one layer named as the
                            level, properties ``code`` (area_code) and ``name``
    geometry.json           the boundaries' content hash and every geometry file's size
                            and SHA-256 (the next build reuses them when the hash is equal)

``<parent>`` is the dotted code of the parent area, or ``all`` for the top level of the
store (``geo/provinsi/all.geojson``). Villages are stored per kecamatan and per
kabupaten (``geo/desa/34.71.geojson`` and ``geo/desa/34.71.01.geojson``) and for the whole
store (``geo/desa/all.geojson``) so a map never fetches more than the area in view.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

import pandas as pd

from analytics.store.cache import DATA, DEFAULT_CACHE_DIR, private_dir

if TYPE_CHECKING:
    from collections.abc import Iterable

    from analytics.store.columnar import CoverageFile

COVERAGE_FILE: Final = "coverage.parquet"
AREAS_FILE: Final = "areas.parquet"
QUALITY_FILE: Final = "quality.parquet"
WEEKLY_FILE: Final = "registrations_weekly.parquet"
OFFICERS_FILE: Final = "officers.parquet"  # outreach roster (only with --roster)
EVENTS_FILE: Final = "events.parquet"  # outreach events (only with --events)
RECONCILIATION_FILE: Final = "reconciliation.json"
UNMATCHED_FILE: Final = "unmatched.csv"
REJECTED_FILE: Final = "rejected.csv"
META_FILE: Final = "meta.json"
WORKFORCE_REJECTED_FILE: Final = "workforce_rejected.csv"
ROSTER_REJECTED_FILE: Final = "roster_rejected.csv"
EVENTS_REJECTED_FILE: Final = "events_rejected.csv"
#: Rejected-row lists of the workforce, roster and events inputs (``Store.row_report``).
ROW_REPORT_FILES: Final = (WORKFORCE_REJECTED_FILE, ROSTER_REJECTED_FILE, EVENTS_REJECTED_FILE)
GEO_DIR: Final = "geo"
TILES_DIR: Final = "tiles"
TILES_SUFFIX: Final = ".pmtiles"
GEOMETRY_MANIFEST_FILE: Final = "geometry.json"
#: Levels that may have a tile archive (``tiles/<level>.pmtiles``).
TILE_LEVELS: Final = ("provinsi", "kabupaten", "kecamatan", "desa")


def tiles_file(level: str) -> str:
    """The store-relative path of ``level``'s vector tiles: ``tiles/<level>.pmtiles``."""
    if level not in TILE_LEVELS:
        raise StoreError(f"no tiles for level {level!r}; levels: {', '.join(TILE_LEVELS)}")
    return f"{TILES_DIR}/{level}{TILES_SUFFIX}"


#: Columns of coverage.parquet beyond CoverageSchema's.
COVERAGE_EXTRA_COLUMNS: Final = (
    "registrations",  # new memberships registered in the month (int)
    "exits",  # memberships ended in the month (int)
    "villages",  # villages in the area (int)
    "villages_with_eligible",  # villages whose denominator is known for the month (int)
    "change_mom_pp",  # coverage_pct minus the previous month's, percentage points
    "change_yoy_pp",  # coverage_pct minus the same month a year earlier, pp
    "over_100",  # coverage above 100% (a data-quality signal, not a success)
)
AREA_COLUMNS: Final = (
    "level",
    "area_code",
    "area_name",
    "parent_code",
    "kind",  # desa/kelurahan/kalurahan for villages, else kecamatan/kabupaten/kota/provinsi
    "lon",  # representative point, for labels and proportional symbols
    "lat",
    "villages",
)
STORE_META_KEYS: Final = (
    "built_at",  # ISO timestamp of the build
    "data_until",  # ISO date: latest registration/end date seen in the registries
    "start_month",  # YYYY-MM, first month computed
    "end_month",  # YYYY-MM, last month computed
    "demo",  # true when built from the synthetic demo
    "sources",  # list of {file, kind, rows, sha256}
    "workforce_source",  # text describing the denominators' source
    "target_pct",  # default coverage target
    "root_level",  # top level present in the store (usually provinsi)
    "root_codes",  # codes of the top-level areas
    "boundaries_hash",  # SHA-256 of the boundaries as read (codes, names, geometry)
    "geometry_reused",  # true when the geometry files came from an earlier store
)


class StoreError(RuntimeError):
    """The store is missing or incomplete; the message says how to build it."""


class StoreDamaged(RuntimeError):
    """A store file is there but cannot be read (truncated, half-written, not the format).

    Not a :class:`StoreError`: code that skips an optional file "not in this build" must
    not take a damaged file for an absent one. ``path`` is the file, ``reason`` a short
    text (the reader's error) for the admin's notice and the log.
    """

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path} cannot be read: {reason}")
        self.path = path
        self.reason = reason


#: What identifies one version of a file: (modification time, size, inode). A file put
#: back from a backup with its old time but new content still reads as a new version.
FileStamp = tuple[int, int, int]

_T = TypeVar("_T")


def _missing(path: Path) -> StoreError:
    return StoreError(f"{path} is missing: rebuild the store (`cakupan build ... --out FOLDER`)")


def file_stamp(path: Path) -> FileStamp:
    """The version of ``path``; :class:`StoreError` when it is gone (a store being removed)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise _missing(path) from None
    except OSError as exc:
        raise StoreDamaged(path, f"{type(exc).__name__}: {exc.strerror}") from exc
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _read_errors() -> tuple[type[BaseException], ...]:
    """What a reader raises on a damaged file (pyarrow imported only once a read failed)."""
    from pyarrow.lib import ArrowException

    return (OSError, ValueError, KeyError, TypeError, UnicodeError, ArrowException)


def read_store_file(read: Callable[[Path, FileStamp], _T], path: Path, stamp: FileStamp) -> _T:
    """``read(path, stamp)``, a missing file as :class:`StoreError` and any reader's
    failure as :class:`StoreDamaged`. Failed reads are never cached (the data manager keeps
    results only), so a good file put back is read again."""
    try:
        return read(path, stamp)
    except FileNotFoundError:
        raise _missing(path) from None
    except _read_errors() as exc:
        raise StoreDamaged(path, f"{type(exc).__name__}: {str(exc)[:160]}") from exc


@dataclass(frozen=True)
class Store:
    """Read access to one processed store directory.

    Reads are kept by the data manager (:mod:`analytics.store.cache`) per file version, so
    a rebuild is picked up without restarting the app; every caller gets its own copy. A
    missing file raises :class:`StoreError`, a damaged one :class:`StoreDamaged`; neither
    is cached.
    """

    root: Path
    #: The disk caches' folder (``Settings.cache_dir``): :meth:`coverage_rows` builds the
    #: Arrow coverage file under ``coverage/`` when the store has none.
    cache_dir: Path = DEFAULT_CACHE_DIR

    def _path(self, name: str) -> Path:
        path = self.root / name
        if not path.exists():
            raise StoreError(
                f"{path} is missing: run `cakupan build ... --out {self.root}` "
                "(or `make run` for the demo) first"
            )
        return path

    def _read(self, name: str, kind: str, read: Callable[[Path], _T]) -> _T:
        """``read(path)`` of the store file ``name``, kept by the data manager per file
        version (:mod:`analytics.store.cache`); the caller gets its own copy."""
        path = self._path(name)
        return read_store_file(
            lambda p, st: DATA.get(kind, p, st, lambda: read(p)), path, file_stamp(path)
        )

    @property
    def cache_key(self) -> tuple[Path, None]:
        """What answers derived from this store depend on beside file versions: the
        store and whose view it is (``None``: everything, no territory)."""
        return (self.root, None)

    def exists(self) -> bool:
        return (self.root / META_FILE).is_file() and (self.root / COVERAGE_FILE).is_file()

    def meta(self) -> dict[str, Any]:
        return self._read(META_FILE, "json", _read_json)

    def reconciliation(self) -> dict[str, Any]:
        return self._read(RECONCILIATION_FILE, "json", _read_json)

    def coverage(self) -> pd.DataFrame:
        """``coverage.parquet`` with its repeated text columns as categories: a national
        store has 16 million rows, and codes held once each save GBs and make filters
        integer comparisons."""
        return self._read(COVERAGE_FILE, "coverage", _read_coverage)

    def coverage_file(self) -> CoverageFile:
        """The coverage table as a memory-mapped Arrow file (shared by processes), opened
        once per process and file version (see :mod:`analytics.store.columnar`)."""
        path = self._path(COVERAGE_FILE)

        def open_file(p: Path, st: FileStamp) -> CoverageFile:
            return DATA.get(
                "coverage_file",
                (p, self.cache_dir),
                st,
                lambda: _open_coverage_file(p, st, private_dir(self.cache_dir) / "coverage"),
                freeze=False,  # read-only by construction: rows() returns new frames
            )

        return read_store_file(open_file, path, file_stamp(path))

    def coverage_rows(
        self,
        *,
        level: str | None = None,
        within: str | None = None,
        codes: Iterable[str] | None = None,
        segments: Iterable[str] | None = None,
        months: Iterable[str | pd.Timestamp] | None = None,
    ) -> pd.DataFrame:
        """The coverage rows asked for, read from the shared Arrow file (a new frame, text
        columns as text, ordered by level, area code, segment and month).

        ``level``: areas of that level; ``within``: areas inside that area (codes starting
        with ``within + "."``; empty or ``None``: everywhere); ``codes``: these areas only;
        ``segments`` and ``months`` (``"YYYY-MM"`` or timestamps): only these. ``None``
        means no limit.
        """
        wanted_months = None if months is None else [_month_text(m) for m in months]
        return self.coverage_file().rows(
            level=level,
            within=within or None,
            codes=None if codes is None else list(codes),
            segments=None if segments is None else list(segments),
            months=wanted_months,
        )

    def coverage_months(self) -> list[str]:
        """The months of the coverage table, ``"YYYY-MM"`` ascending."""
        return list(self.coverage_file().months)

    def areas(self) -> pd.DataFrame:
        return self._read(AREAS_FILE, "table", _read_parquet)

    def quality(self) -> pd.DataFrame:
        return self._read(QUALITY_FILE, "table", _read_parquet)

    def registrations_weekly(self) -> pd.DataFrame:
        return self._read(WEEKLY_FILE, "table", _read_parquet)

    def officers(self) -> pd.DataFrame:
        """OfficerSchema rows (one per officer and village) of the build's ``--roster``."""
        return self._read(OFFICERS_FILE, "table", _read_parquet)

    def events(self) -> pd.DataFrame:
        """OutreachEventSchema rows of the build's ``--events``."""
        return self._read(EVENTS_FILE, "table", _read_parquet)

    def unmatched(self) -> pd.DataFrame:
        return self._read(UNMATCHED_FILE, "csv", _read_csv)

    def rejected(self) -> pd.DataFrame:
        return self._read(REJECTED_FILE, "csv", _read_csv)

    def row_report(self, name: str) -> pd.DataFrame:
        """One of :data:`ROW_REPORT_FILES` (all text); StoreError when the build has none."""
        if name not in ROW_REPORT_FILES:
            raise StoreError(f"{name} is not a row report of the store")
        return self._read(name, "csv", _read_csv)

    def geojson_path(self, level: str, parent: str) -> Path:
        """Path of the simplified boundaries of ``level`` inside ``parent`` (or ``all``)."""
        if "/" in parent or ".." in parent or "/" in level or ".." in level:
            raise StoreError(f"invalid geometry key {level}/{parent}")
        return self._path(f"{GEO_DIR}/{level}/{parent}.geojson")

    def tiles_path(self, level: str) -> Path:
        """Path of ``level``'s vector tiles (PMTiles; see :func:`tiles_file`); StoreError
        when the level is unknown or the store has no tiles for it."""
        return self._path(tiles_file(level))


def _read_parquet(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path)


#: Text columns of ``coverage.parquet`` read as categories.
COVERAGE_CATEGORIES: Final = ("level", "area_code", "area_name", "parent_code", "segment")


def _read_coverage(path: Path) -> pd.DataFrame:
    """``coverage.parquet`` whole, its text columns as categories (CLI, tests; the app asks
    :meth:`Store.coverage_rows`)."""
    return _read_parquet_categorical(path, COVERAGE_CATEGORIES)


def _read_parquet_categorical(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    import pyarrow.parquet as pq

    present = set(pq.read_schema(path).names)
    frame = pq.read_table(path, read_dictionary=[c for c in columns if c in present]).to_pandas()
    # Categories in text order, so sorting by a column sorts as text would.
    return frame.assign(
        **{
            c: frame[c].cat.reorder_categories(sorted(frame[c].cat.categories))
            for c in columns
            if c in present
        }
    )


def _open_coverage_file(path: Path, stamp: FileStamp, cache_dir: Path) -> CoverageFile:
    """Map the Arrow coverage file of ``path`` (made first when the store has none)."""
    from analytics.store import columnar

    folder = columnar.ensure_coverage_file(path, stamp, cache_dir)
    try:
        return columnar.CoverageFile.open(
            folder / columnar.ARROW_FILE, folder / columnar.INDEX_FILE
        )
    except FileNotFoundError:
        # another process pruned that version between the check and the open (a store
        # swap): ask once more, which finds or makes the current one
        folder = columnar.ensure_coverage_file(path, stamp, cache_dir)
        return columnar.CoverageFile.open(
            folder / columnar.ARROW_FILE, folder / columnar.INDEX_FILE
        )


def _month_text(month: str | pd.Timestamp) -> str:
    return month[:7] if isinstance(month, str) else pd.Timestamp(month).strftime("%Y-%m")


def _read_json(path: Path) -> dict[str, Any]:
    result = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(result, dict):
        raise ValueError(f"a JSON object was expected, not {type(result).__name__}")
    return result


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)
