"""The data manager: the one place that keeps what was read from a store, or derived from it.

Every cache of the app goes through :data:`DATA` (one per process): store files read whole,
the mapped coverage file, territory copies, the map's store facts, outreach plans and
impact, boundary extents, the users file. They share:

* **one key recipe** (:meth:`DataManager.get`): ``kind`` (what is cached), ``ident`` (what
  the answer depends on: the store or file path, the territory's codes, the arguments)
  and ``version`` (the stamps of the files it was made from, :func:`version_of`; a
  missing file is ``None``). A new version of an ident replaces the old one at once
  instead of waiting to age out (a national coverage table is GBs);
* **sizes from Settings** (:class:`CacheSizes`, ``CAKUPAN_CACHE_*``; set by
  :meth:`DataManager.configure` when the app starts);
* **immutable answers**: a caller gets a frame it may change without changing the next
  caller's (``DataFrame.copy(deep=False)``: pandas' copy-on-write copies the data only
  if the caller writes), a copy of a dict or list, or an immutable value;
* **one read at a time**: a second caller asking for an answer being computed waits for
  it instead of computing it again (the start-up warm-up and the first request).

Failures are never kept: a missing or damaged file is read again on the next call.

What is kept on disk (the Arrow coverage file of a store built without one, territory
copies of boundary files) goes under one folder, ``Settings.cache_dir``
(``CAKUPAN_CACHE_DIR``; :data:`DEFAULT_CACHE_DIR`), made for this user only
(:func:`private_dir`).
"""

from __future__ import annotations

import copy
import dataclasses
import os
import stat
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TypeVar

import pandas as pd

_T = TypeVar("_T")

#: The folder of the disk caches unless ``CAKUPAN_CACHE_DIR`` names another.
DEFAULT_CACHE_DIR: Final = Path(tempfile.gettempdir()) / "cakupan-cache"


class CacheDirError(RuntimeError):
    """The cache folder cannot be trusted (another user owns it)."""


def private_dir(path: Path) -> Path:
    """``path``, a folder of this user only (mode 0700, made so when it was wider), before
    anything in it is trusted (a shared ``/tmp``). Refused (:class:`CacheDirError`) when
    another user owns it or it is a symbolic link."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        raise CacheDirError(
            f"the cache folder {path} is a symbolic link: set CAKUPAN_CACHE_DIR to a real "
            "folder of this user"
        )
    if info.st_uid != os.getuid():
        raise CacheDirError(
            f"the cache folder {path} belongs to another user: set CAKUPAN_CACHE_DIR to a "
            "folder of this user"
        )
    if info.st_mode & 0o077:
        path.chmod(0o700)
    return path


#: What identifies one version of a file: (modification time ns, size, inode); ``None``
#: when the file is missing.
Stamp = tuple[int, int, int] | None


@dataclass(frozen=True)
class CacheSizes:
    """Entries kept per kind of answer (least recently used out first)."""

    #: Store files read whole: areas, quality, weekly registrations, roster, events,
    #: row reports, JSON (CAKUPAN_CACHE_TABLES).
    tables: int = 48
    #: Whole coverage tables (CLI, tests; the app asks ``coverage_rows``) and mapped
    #: coverage files (CAKUPAN_CACHE_COVERAGE).
    coverage: int = 4
    #: Copies of store tables limited to one territory (CAKUPAN_CACHE_TERRITORIES).
    territories: int = 16
    #: Answers derived for one view: store facts, outreach plans and impact, boundary
    #: extents, neighbours, territory codes, filtered boundaries (CAKUPAN_CACHE_VIEWS).
    views: int = 256


#: The size (a :class:`CacheSizes` field) each kind of answer counts against.
KIND_SIZES: Final = {
    "table": "tables",
    "json": "tables",
    "csv": "tables",
    "users": "tables",
    "coverage": "coverage",
    "coverage_file": "coverage",
    "territory_table": "territories",
    "territory_codes": "views",
    "territory_geo": "views",
    "store_facts": "views",
    "outreach_plan": "views",
    "outreach_impact": "views",
    "bounds": "views",
    "neighbours": "views",
}


def stamp(path: Path) -> Stamp:
    """The version of ``path`` (``None`` when it is missing)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def version_of(root: Path, names: Iterable[str]) -> tuple[Stamp, ...]:
    """The version of the store files ``names`` of the store at ``root``."""
    return tuple(stamp(root / name) for name in names)


def frozen(value: _T) -> _T:
    """What a caller may change freely without changing the cached ``value``."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy(deep=False)  # type: ignore[return-value]
    if isinstance(value, dict | list | set):
        return copy.deepcopy(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {
            f.name: frozen(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init
        }
        return dataclasses.replace(value, **changed)
    return value


@dataclass
class _Counters:
    computed: int = 0
    hits: int = 0


@dataclass
class DataManager:
    """The caches of one process (see the module's text)."""

    sizes: CacheSizes = field(default_factory=CacheSizes)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _entries: dict[str, OrderedDict[Hashable, tuple[Hashable, Any]]] = field(
        default_factory=dict, repr=False
    )
    _pending: dict[tuple[str, Hashable, Hashable], Future[Any]] = field(
        default_factory=dict, repr=False
    )
    _counters: dict[str, _Counters] = field(default_factory=dict, repr=False)

    def configure(self, sizes: CacheSizes) -> None:
        """Use ``sizes`` from now on (entries over the new sizes are dropped)."""
        with self._lock:
            self.sizes = sizes
            for kind in self._entries:
                self._trim(kind)

    def get(
        self,
        kind: str,
        ident: Hashable,
        version: Hashable,
        compute: Callable[[], _T],
        *,
        freeze: bool | Callable[[Any], Any] = True,
    ) -> _T:
        """The answer of ``kind`` for ``ident`` at ``version``, computed once.

        ``freeze=False`` is for values that are immutable already (a mapped file): no
        copy is made; a function (e.g. ``dict`` for a dict of frozen values) makes the
        caller's copy instead of :func:`frozen`.
        """
        give: Callable[[Any], Any] = (
            frozen if freeze is True else (lambda v: v) if freeze is False else freeze
        )
        if kind not in KIND_SIZES:
            raise KeyError(f"unknown cache kind {kind!r}")
        key = (kind, ident, version)
        with self._lock:
            counters = self._counters.setdefault(kind, _Counters())
            held = self._entries.setdefault(kind, OrderedDict()).get(ident)
            if held is not None and held[0] == version:
                self._entries[kind].move_to_end(ident)
                counters.hits += 1
                return give(held[1])
            waiting = self._pending.get(key)
            if waiting is None:
                mine: Future[Any] = Future()
                self._pending[key] = mine
                # the older version goes before the new one is made
                self._entries[kind].pop(ident, None)
        if waiting is not None:
            return give(waiting.result())
        try:
            value = compute()
        except BaseException as exc:
            with self._lock:
                del self._pending[key]
            mine.set_exception(exc)
            raise
        with self._lock:
            del self._pending[key]
            # kept unless another version was stored meanwhile: a slow computation of an
            # older version never replaces the newer answer
            self._entries[kind].setdefault(ident, (version, value))
            counters.computed += 1
            self._trim(kind)
        mine.set_result(value)
        return give(value)

    def _trim(self, kind: str) -> None:
        entries = self._entries[kind]
        limit = getattr(self.sizes, KIND_SIZES[kind])
        # kinds sharing one size each keep up to it (the sizes are per kind of answer)
        while len(entries) > limit:
            entries.popitem(last=False)

    def computed(self, kind: str) -> int:
        """How many answers of ``kind`` were computed (tests, diagnostics)."""
        with self._lock:
            return self._counters.get(kind, _Counters()).computed

    def held(self, kind: str) -> dict[Hashable, Hashable]:
        """ident -> version of the answers of ``kind`` held now (tests, diagnostics)."""
        with self._lock:
            return {ident: v for ident, (v, _) in self._entries.get(kind, {}).items()}

    def clear(self) -> None:
        """Forget every answer (tests)."""
        with self._lock:
            self._entries.clear()


#: The process's data manager.
DATA: Final = DataManager()
