"""Print maps as vectors: the export map's WebGL traces redrawn as SVG ``geo`` traces.

The screen map uses MapLibre traces (``choroplethmap``, ``scattermap``): WebGL, which
Kaleido can only rasterise, so an SVG or PDF of it held a ~98 ppi picture of the
polygons. :func:`vector_map` swaps each for its SVG twin (``choropleth`` and
``scattergeo`` on a ``geo`` subplot with no base map, fitted to the locations drawn),
keeping the locations, values, colour scale, outlines and the legend panel, so the classes
and colours are those of the screen and every polygon is a ``<path>`` in the file.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Final

#: Keys of the MapLibre traces that the geo traces do not have.
_MAP_ONLY: Final = frozenset({"below", "cluster", "subplot"})


#: plotly.js fetches a world base map (``https://cdn.plot.ly/un/world_110m.json``) for a
#: ``geo`` subplot even with every base layer hidden, and Kaleido works offline: an empty
#: topology as a ``data:`` URL stands in for it (the ``#`` makes plotly.js's
#: ``/world_110m.json`` suffix a fragment, which fetch ignores).
_EMPTY_LAYERS: Final = ("land", "ocean", "lakes", "rivers", "countries", "subunits", "coastlines")
EMPTY_TOPOJSON_URL: Final = (
    "data:application/json;base64,"
    + base64.b64encode(
        json.dumps(
            {
                "type": "Topology",
                "objects": {
                    k: {"type": "GeometryCollection", "geometries": []} for k in _EMPTY_LAYERS
                },
                "arcs": [],
            }
        ).encode()
    ).decode()
    + "#"
)


def _geo_trace(trace: dict[str, Any]) -> dict[str, Any] | None:
    kind = trace.get("type")
    if kind not in ("choroplethmap", "scattermap"):
        return trace
    if kind == "choroplethmap" and not len(trace.get("locations") or []):
        return None  # an empty highlight: nothing to draw
    if kind == "scattermap" and not len(trace.get("lon") or []):
        return None
    out = {k: v for k, v in trace.items() if k not in _MAP_ONLY}
    out["type"] = "choropleth" if kind == "choroplethmap" else "scattergeo"
    out["geo"] = "geo"
    return out


def vector_map(fig: dict[str, Any]) -> dict[str, Any]:
    """``fig`` (a plain figure dict with embedded GeoJSON) with its map drawn as SVG
    (see the module docstring). The map's domain is kept; the view is fitted to the
    locations drawn (``fitbounds``), with no land, coast or frame of the base map."""
    layout = dict(fig.get("layout") or {})
    map_layout = layout.pop("map", None) or {}
    data = [t for t in (_geo_trace(dict(tr)) for tr in fig.get("data") or []) if t is not None]
    layout["geo"] = {
        "domain": map_layout.get("domain", {"x": [0, 1], "y": [0, 1]}),
        "fitbounds": "locations",
        "visible": False,
        "projection": {"type": "mercator"},
        "bgcolor": "rgba(0,0,0,0)",
    }
    config = {**(fig.get("config") or {}), "topojsonURL": EMPTY_TOPOJSON_URL}
    return {**fig, "data": data, "layout": layout, "config": config}
