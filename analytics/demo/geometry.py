"""Synthetic boundaries: an irregular province outline tiled exactly by village cells.

The province lies in the Indian Ocean south of Java (lon 110.0-111.2, lat -9.9 to -9.0),
where no real village is, so it can never be mistaken for a real place. The steps:

1. an outline: a smooth random star-shaped polygon (a few Fourier harmonics of the radius);
2. kabupaten centres, then kecamatan centres around them, then village seed points clustered
   around the kecamatan centres (dense in the kota: small urban villages; sparse elsewhere:
   large rural ones);
3. a Voronoi tessellation of the seed points clipped to the outline (no gaps, no overlaps);
4. each cell joins the nearest kecamatan centre, and the regions are then made contiguous on
   the cell adjacency graph, kabupaten first and then kecamatan inside each kabupaten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np
import shapely
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components
from shapely.geometry import MultiPoint, Polygon

CENTRE: Final = (110.6, -9.45)
RADII: Final = (0.5, 0.37)  # degrees of longitude and latitude
KABUPATEN_COUNT: Final = 4
KECAMATAN_PER_KABUPATEN: Final = 16
KECAMATAN_IN_KOTA: Final = 11
MIN_VILLAGE_SPACING: Final = 0.006  # degrees; avoids sliver cells


@dataclass(frozen=True, eq=False)
class Layout:
    """Village cells with their kecamatan and kabupaten, before codes and names.

    ``kab`` is 0..3 for the kabupaten and 4 for the kota; ``kec`` indexes ``kec_centres``.
    """

    outline: Polygon
    points: np.ndarray  # (n, 2) seed points, lon/lat
    cells: np.ndarray  # n shapely geometries
    kab: np.ndarray
    kec: np.ndarray
    kab_centres: np.ndarray  # (5, 2)
    kec_centres: np.ndarray  # (m, 2)
    kec_kab: np.ndarray  # kabupaten of each kecamatan centre


def province_outline(rng: np.random.Generator, vertices: int = 240) -> Polygon:
    """A smooth irregular outline: an ellipse whose radius wobbles with a few harmonics."""
    theta = np.linspace(0.0, 2 * np.pi, vertices, endpoint=False)
    radius = np.ones_like(theta)
    for k in range(2, 7):
        amplitude = rng.uniform(0.01, 0.09) / k**0.5
        radius += amplitude * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    lon = CENTRE[0] + RADII[0] * radius * np.cos(theta)
    lat = CENTRE[1] + RADII[1] * radius * np.sin(theta)
    return Polygon(np.column_stack([lon, lat]))


def _inside(outline: Polygon, xy: np.ndarray) -> np.ndarray:
    return shapely.contains_xy(outline, xy[:, 0], xy[:, 1])


def _spaced_points(
    rng: np.random.Generator,
    outline: Polygon,
    existing: np.ndarray,
    sampler: Callable[[], np.ndarray],
    count: int,
    spacing: float,
    tries: int = 400,
) -> np.ndarray:
    """Up to ``count`` points from ``sampler()`` inside ``outline``, ``spacing`` apart."""
    chosen: list[np.ndarray] = []
    pool = existing.reshape(-1, 2)
    for _ in range(tries):
        if len(chosen) == count:
            break
        xy = np.asarray(sampler(), dtype=float).reshape(1, 2)
        if not _inside(outline, xy)[0]:
            continue
        if len(pool) and np.min(np.hypot(*(pool - xy).T)) < spacing:
            continue
        chosen.append(xy[0])
        pool = np.vstack([pool, xy])
    return np.array(chosen).reshape(-1, 2)


def _centres(rng: np.random.Generator, outline: Polygon) -> tuple[np.ndarray, np.ndarray]:
    """Kabupaten centres (the kota last) and kecamatan centres with their kabupaten."""
    cx, cy = CENTRE
    kota = np.array([[cx + rng.uniform(-0.08, 0.08), cy + rng.uniform(0.08, 0.14)]])
    start = rng.uniform(0, 2 * np.pi)
    angles = start + np.arange(KABUPATEN_COUNT) * np.pi / 2 + rng.uniform(-0.3, 0.3, 4)
    kab = np.column_stack(
        [cx + 0.55 * RADII[0] * np.cos(angles), cy + 0.55 * RADII[1] * np.sin(angles)]
    )
    kab_centres = np.vstack([kab, kota])

    def near_kota() -> np.ndarray:
        return kota[0] + rng.normal(0, 0.035, 2)

    kota_kec = _spaced_points(rng, outline, np.empty((0, 2)), near_kota, KECAMATAN_IN_KOTA, 0.025)
    minx, miny, maxx, maxy = outline.bounds
    rural: list[list[np.ndarray]] = [[] for _ in range(KABUPATEN_COUNT)]
    taken = kota_kec.copy()
    spacing, misses = 0.08, 0
    for _ in range(50000):
        if all(len(r) == KECAMATAN_PER_KABUPATEN for r in rural):
            break
        if misses > 300:  # a small kabupaten: pack its kecamatan closer
            spacing, misses = spacing * 0.9, 0
        misses += 1
        xy = np.array([rng.uniform(minx, maxx), rng.uniform(miny, maxy)])
        if not _inside(outline, xy.reshape(1, 2))[0]:
            continue
        dist = np.hypot(*(kab_centres - xy).T)
        dist[-1] *= 3.0  # the kota is compact: its pull is a third of a kabupaten's
        owner = int(np.argmin(dist))
        if owner == KABUPATEN_COUNT or len(rural[owner]) == KECAMATAN_PER_KABUPATEN:
            continue
        if np.min(np.hypot(*(taken - xy).T)) < spacing:
            continue
        rural[owner].append(xy)
        misses = 0
        taken = np.vstack([taken, xy])
    kec = [np.array(r) for r in rural] + [kota_kec]
    kec_centres = np.vstack(kec)
    kec_kab = np.concatenate([np.full(len(c), i) for i, c in enumerate(kec)])
    return kab_centres, np.column_stack([kec_centres, kec_kab])


def _village_points(
    rng: np.random.Generator, outline: Polygon, kec_centres: np.ndarray, kec_kab: np.ndarray
) -> np.ndarray:
    """Seed points: one at each kecamatan centre, more scattered around it."""
    points = kec_centres.copy()
    for (x, y), kab in zip(kec_centres, kec_kab, strict=True):
        urban = kab == KABUPATEN_COUNT
        extra = int(rng.integers(2, 6) if urban else rng.integers(3, 8))
        sigma = 0.012 if urban else 0.045

        def around(x: float = x, y: float = y, sigma: float = sigma) -> np.ndarray:
            return np.array([x, y]) + rng.normal(0, sigma, 2)

        new = _spaced_points(rng, outline, points, around, extra, MIN_VILLAGE_SPACING)
        points = np.vstack([points, new])
    return points


def voronoi_cells(points: np.ndarray, outline: Polygon) -> np.ndarray:
    """One cell per point (same order), clipped to ``outline``: together they tile it."""
    regions = shapely.voronoi_polygons(
        MultiPoint(points), extend_to=outline.buffer(1.0), ordered=True
    )
    cells = shapely.intersection(np.asarray(regions.geoms), outline)
    return shapely.make_valid(cells)


def adjacency(cells: np.ndarray) -> np.ndarray:
    """Pairs ``(i, j)``, ``i < j``, of cells sharing a boundary of positive length."""
    tree = shapely.STRtree(cells)
    left, right = tree.query(cells, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.intersection(shapely.boundary(cells[left]), shapely.boundary(cells[right]))
    touching = shapely.length(shared) > 1e-9
    return np.column_stack([left[touching], right[touching]])


def make_contiguous(labels: np.ndarray, edges: np.ndarray, n: int) -> np.ndarray:
    """Relabel cells so each label's cells form one connected region.

    Only edges between cells of the same label count for connectivity; for every label the
    largest connected piece keeps the label and each smaller piece joins the label most of
    its neighbours carry. Repeats until every label is one piece.
    """
    labels = labels.copy()
    for _ in range(100):
        same = labels[edges[:, 0]] == labels[edges[:, 1]]
        e = edges[same]
        graph = coo_array((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n))
        _, piece = connected_components(graph, directed=False)
        sizes = np.bincount(piece)
        moved = False
        for label in np.unique(labels):
            pieces = np.unique(piece[labels == label])
            if len(pieces) < 2:
                continue
            main = pieces[np.argmax(sizes[pieces])]
            for p in pieces[pieces != main]:
                members = np.flatnonzero(piece == p)
                inside = np.isin(edges[:, 0], members) ^ np.isin(edges[:, 1], members)
                around = edges[inside].ravel()
                around = around[~np.isin(around, members)]
                if len(around) == 0:
                    continue
                values, counts = np.unique(labels[around], return_counts=True)
                labels[members] = values[np.argmax(counts)]
                moved = True
        if not moved:
            return labels
    raise RuntimeError("could not make the demo regions contiguous")


def village_layout(rng: np.random.Generator) -> Layout:
    """The whole synthetic layout: outline, cells and their kecamatan/kabupaten."""
    outline = province_outline(rng)
    kab_centres, kec = _centres(rng, outline)
    kec_centres, kec_kab = kec[:, :2], kec[:, 2].astype(int)
    points = _village_points(rng, outline, kec_centres, kec_kab)
    cells = voronoi_cells(points, outline)
    edges = adjacency(cells)
    n = len(points)
    dist = np.hypot(
        points[:, None, 0] - kec_centres[None, :, 0], points[:, None, 1] - kec_centres[None, :, 1]
    )
    kec_label = np.argmin(dist, axis=1)
    kab_label = make_contiguous(kec_kab[kec_label], edges, n)
    # A cell that changed kabupaten takes the nearest kecamatan centre of its new kabupaten.
    moved = kec_kab[kec_label] != kab_label
    for i in np.flatnonzero(moved):
        own = np.flatnonzero(kec_kab == kab_label[i])
        kec_label[i] = own[np.argmin(dist[i, own])]
    inner = edges[kab_label[edges[:, 0]] == kab_label[edges[:, 1]]]
    kec_label = make_contiguous(kec_label, inner, n)
    return Layout(
        outline=outline,
        points=points,
        cells=cells,
        kab=kab_label,
        kec=kec_label,
        kab_centres=kab_centres,
        kec_centres=kec_centres,
        kec_kab=kec_kab,
    )
