"""A read-only view of a :class:`~analytics.store.reader.Store` limited to one user's territory.

:class:`TerritoryStore` has the methods of ``Store``; every frame it returns holds only
rows of areas the user may see, its ``meta()`` names the user's own areas as the top of
the store, and ``geojson_path`` refuses boundaries outside the territory (a file that
mixes inside and outside areas, such as ``geo/kabupaten/all.geojson``, is served as a
filtered copy). A read this view does not know how to limit is refused, not passed
through, so a method added to ``Store`` later stays closed until it is handled here.

The limited copies of the store's tables are kept by the data manager
(:mod:`analytics.store.cache`) per territory and file version: on a national store,
limiting the 16 million coverage rows to one kabupaten takes seconds, and every callback
of the user reads them again. The copy holds only the territory's rows (a kabupaten:
~76,000 rows, ~16 MB); its text columns keep the store's categories (shared with the full
table, not copied). The app's map, trends and KPIs do not use these copies: they ask
:meth:`TerritoryStore.coverage_rows`, which reads only the rows asked for.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from analytics.access import (
    AccessDenied,
    Action,
    User,
    may,
    root_codes,
    territory_codes,
    unrestricted,
)
from analytics.codes import LEVEL_CODE_LENGTH, Level, code_mask, normalize_village_code
from analytics.store.cache import DATA, private_dir
from analytics.store.reader import (
    AREAS_FILE,
    COVERAGE_FILE,
    QUALITY_FILE,
    WEEKLY_FILE,
    FileStamp,
    Store,
    file_stamp,
    read_store_file,
)

#: Columns that locate a row, most precise first; the first present one filters it.
CODE_COLUMNS: Final = (
    "area_code",
    "village_code",
    "kecamatan_code",
    "kabupaten_code",
    "desa_code",
    "kode_desa",
    "code",
)
#: Reads that list rows (not aggregates); refused without Action.ROW_DETAILS.
ROW_DETAIL_READS: Final = frozenset({"unmatched", "rejected"})
#: Store files whose limited copy is cached per territory (read method -> file).
CACHED_READS: Final = {
    "areas": AREAS_FILE,
    "coverage": COVERAGE_FILE,
    "quality": QUALITY_FILE,
    "registrations_weekly": WEEKLY_FILE,
}


@dataclass(frozen=True)
class TerritoryStore:
    """``base`` seen by ``user``. Hashable, so caches may key on it (user included)."""

    base: Store
    user: User

    # --- plumbing -------------------------------------------------------------------
    @property
    def root(self) -> Path:
        return self.base.root

    @property
    def restricted(self) -> bool:
        return not unrestricted(self.user)

    def allowed_codes(self) -> frozenset[str] | None:
        """Codes the user may see at every level; ``None`` = everything (admin)."""
        if not self.restricted:
            return None
        return DATA.get(
            "territory_codes",
            (self.base.root, self.user.role, self.user.territory),
            file_stamp(self.base.root / AREAS_FILE),
            lambda: territory_codes(self.user, self.base.areas()),
        )

    @property
    def cache_key(self) -> tuple[Path, Any]:
        """What answers derived from this view depend on beside file versions: the store
        and the user's role and territory (``None`` for an unrestricted user, who sees
        the store as it is). Users of one role and territory share answers."""
        if not self.restricted:
            return self.base.cache_key
        return (self.base.root, (self.user.role, self.user.territory))

    def _limit(self, df: pd.DataFrame, what: str) -> pd.DataFrame:
        allowed = self.allowed_codes()
        if allowed is None:
            return df
        return limit_to(df, allowed, what)

    def _cached(self, what: str) -> pd.DataFrame:
        """``base.<what>()`` limited to the territory, cached per territory and file."""
        if not self.restricted:
            frame: pd.DataFrame = getattr(self.base, what)()
            return frame
        stamps = tuple(file_stamp(self.base.root / n) for n in (CACHED_READS[what], AREAS_FILE))
        allowed = self.allowed_codes() or frozenset()
        # keyed by the codes the territory holds (not the user): users of one territory
        # share a copy; the frozenset comes from the cache, so its hash is computed once
        return DATA.get(
            "territory_table",
            (self.base.root, allowed, what),
            stamps,
            lambda: limit_to(getattr(self.base, what)(), allowed, what),
        )

    # --- Store's methods -------------------------------------------------------------
    def exists(self) -> bool:
        return self.base.exists()

    def meta(self) -> dict[str, Any]:
        meta = self.base.meta()
        allowed = self.allowed_codes()
        if allowed is None:
            return meta
        roots = root_codes(self.user, allowed)
        levels = sorted({_level(c) for c in roots}, key=lambda lv: LEVEL_CODE_LENGTH[lv])
        return {**meta, "root_codes": roots, "root_level": levels[0] if levels else None}

    def areas(self) -> pd.DataFrame:
        return self._cached("areas")

    def coverage(self) -> pd.DataFrame:
        return self._cached("coverage")

    def coverage_rows(
        self,
        *,
        level: str | None = None,
        within: str | None = None,
        codes: Iterable[str] | None = None,
        segments: Iterable[str] | None = None,
        months: Iterable[str | pd.Timestamp] | None = None,
    ) -> pd.DataFrame:
        """:meth:`Store.coverage_rows` of the areas the user may see only."""
        allowed = self.allowed_codes()
        if allowed is not None:
            codes = allowed if codes is None else [c for c in codes if c in allowed]
        rows = self.base.coverage_rows(
            level=level, within=within, codes=codes, segments=segments, months=months
        )
        return rows if allowed is None else limit_to(rows, allowed, "coverage")

    def coverage_months(self) -> list[str]:
        """The months of the store (the same for every territory)."""
        return self.base.coverage_months()

    def quality(self) -> pd.DataFrame:
        return self._cached("quality")

    def registrations_weekly(self) -> pd.DataFrame:
        return self._cached("registrations_weekly")

    def unmatched(self) -> pd.DataFrame:
        return self._rows("unmatched")

    def rejected(self) -> pd.DataFrame:
        return self._rows("rejected")

    def _rows(self, what: str) -> pd.DataFrame:
        if not may(self.user, Action.ROW_DETAILS):
            raise AccessDenied(f"{what}: row lists are not available to role {self.user.role}")
        df: pd.DataFrame = getattr(self.base, what)()
        if not self.restricted:
            return df
        return rows_in_territory(df, self.allowed_codes() or frozenset(), self.base.areas())

    def reconciliation(self) -> dict[str, Any]:
        rec = self.base.reconciliation()
        if not self.restricted:
            return rec
        allowed = self.allowed_codes() or frozenset()
        by_area = rec.get("by_kabupaten") or rec.get("by_area")
        if isinstance(by_area, dict):
            return {"by_kabupaten": {k: v for k, v in by_area.items() if k in allowed}}
        # Province-wide totals are not the user's to see.
        raise AccessDenied("reconciliation: only province-wide totals exist in this store")

    def geojson_path(self, level: str, parent: str) -> Path:
        path = self.base.geojson_path(level, parent)
        allowed = self.allowed_codes()
        if allowed is None:
            return path
        if parent != "all" and any(
            parent == c or parent.startswith(c + ".") for c in root_codes(self.user, allowed)
        ):
            return path  # wholly inside the territory
        stamp = file_stamp(path)
        return DATA.get(
            "territory_geo",
            (path, allowed, folder := private_dir(self.base.cache_dir) / "geo-views"),
            stamp,
            lambda: _filtered_geojson(path, stamp, allowed, folder),
        )

    def __getattr__(self, name: str) -> Any:
        """Reads ``Store`` gained after this view was written: open to admins, and to
        others only when the result can be limited to their territory."""
        attr = getattr(self.base, name)
        if not callable(attr) or name.startswith("_"):
            raise AttributeError(name)

        def read(*args: Any, **kwargs: Any) -> Any:
            result = attr(*args, **kwargs)
            if not self.restricted:
                return result
            if isinstance(result, pd.DataFrame):
                return self._limit(result, name)
            raise AccessDenied(f"{name}: not limited to a territory, so not available")

        return read


def rows_in_territory(
    df: pd.DataFrame, allowed: frozenset[str], areas: pd.DataFrame
) -> pd.DataFrame:
    """Rows of an unmatched/rejected list placed inside ``allowed``: by their raw village
    code (its village, kecamatan or kabupaten part) when it reads as one, else by the
    kabupaten name. Rows that cannot be placed stay hidden (admins see them)."""
    keep = pd.Series(False, index=df.index)
    if "village_code_raw" in df.columns:
        codes = df["village_code_raw"].map(normalize_village_code)
        for n in (5, 8, 13):
            keep |= codes.map(lambda c, n=n: isinstance(c, str) and c[:n] in allowed)
    if "kabupaten" in df.columns:
        kab = areas[(areas["level"] == "kabupaten") & areas["area_code"].isin(allowed)]
        names = {str(n).casefold() for n in kab["area_name"]}
        keep |= df["kabupaten"].astype("str").str.strip().str.casefold().isin(names)
    return df.loc[keep].reset_index(drop=True)


def in_codes(column: pd.Series, allowed: frozenset[str]) -> np.ndarray:
    """Whether each value of ``column`` is one of ``allowed`` (a boolean array).

    A categorical column is tested once per category, not once per row: on the national
    coverage table that is 91,000 tests instead of 16 million.
    """
    return code_mask(column, lambda codes: codes.isin(allowed))


def limit_to(df: pd.DataFrame, allowed: frozenset[str], what: str) -> pd.DataFrame:
    """The rows of ``df`` located in ``allowed`` by its first :data:`CODE_COLUMNS` column
    (a new frame); :class:`AccessDenied` when it has none."""
    for col in CODE_COLUMNS:
        if col in df.columns:
            return df.loc[in_codes(df[col], allowed)].reset_index(drop=True)
    raise AccessDenied(f"{what}: no area column to limit it to the user's territory")


def _level(code: str) -> Level:
    return next(lv for lv, n in LEVEL_CODE_LENGTH.items() if n == len(code))


def _filtered_geojson(path: Path, stamp: FileStamp, allowed: frozenset[str], folder: Path) -> Path:
    """A copy of ``path`` with only the features in ``allowed``; refused when none are.
    A damaged file raises :class:`~analytics.store.reader.StoreDamaged` (and is not cached)."""
    data = read_store_file(_read_geojson, path, stamp)
    features = [f for f in data.get("features", []) if str(f.get("id")) in allowed]
    if not features:
        raise AccessDenied(f"boundaries {path.parent.name}/{path.name} are outside the territory")
    key = hashlib.sha256(f"{path}|{stamp}|{','.join(sorted(allowed))}".encode()).hexdigest()[:32]
    out = private_dir(folder) / f"{key}.geojson"  # another user's folder is refused
    if not out.is_file():
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({**data, "features": features}, fh, separators=(",", ":"))
        os.replace(tmp, out)
    return out


def _read_geojson(path: Path, _stamp: FileStamp) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("a GeoJSON object was expected")
    return data
