"""Which villages are next to which, and how far apart they are.

Used by the plan to propose an officer for a village that has none: officers whose own
villages touch it first, then the nearest by distance between representative points.
"""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd

EARTH_RADIUS_KM: Final = 6371.0088
NEIGHBOUR_COLUMNS: Final = ("village_code", "neighbour_code")


def village_neighbours(villages: gpd.GeoDataFrame, *, tolerance_m: float = 25.0) -> pd.DataFrame:
    """Pairs of villages whose boundaries touch, both directions, sorted.

    Boundaries from simplified sources leave small slivers of gap and overlap between
    neighbours, so each polygon is grown by ``tolerance_m / 2`` (in a local metric CRS)
    before testing ``intersects`` with a spatial index (shapely STRtree).
    """
    if villages.empty:
        return pd.DataFrame(columns=list(NEIGHBOUR_COLUMNS))
    metric = villages.to_crs(villages.estimate_utm_crs())
    grown = metric.geometry.buffer(tolerance_m / 2)
    left, right = grown.sindex.query(grown, predicate="intersects")
    keep = left != right
    codes = villages["village_code"].to_numpy()
    pairs = pd.DataFrame({"village_code": codes[left[keep]], "neighbour_code": codes[right[keep]]})
    return pairs.drop_duplicates().sort_values(list(NEIGHBOUR_COLUMNS)).reset_index(drop=True)


def village_points(villages: gpd.GeoDataFrame) -> pd.DataFrame:
    """One representative point (inside the polygon) per village: village_code, lon, lat."""
    points = villages.geometry.representative_point()
    return pd.DataFrame(
        {"village_code": villages["village_code"].to_numpy(), "lon": points.x, "lat": points.y}
    ).reset_index(drop=True)


def haversine_km(
    lon1: npt.ArrayLike, lat1: npt.ArrayLike, lon2: npt.ArrayLike, lat2: npt.ArrayLike
) -> np.ndarray:
    """Great-circle distance in km between points given in degrees (broadcasting)."""
    x1, y1, x2, y2 = (np.radians(np.asarray(v, dtype="float64")) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((y2 - y1) / 2) ** 2 + np.cos(y1) * np.cos(y2) * np.sin((x2 - x1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
