"""Figure builders: data in, figure (dict or go.Figure) out. No Dash imports.

The map is a plain figure dict: its geometry is a URL (the browser fetches and caches it),
and the values that change with month, segment or classification come from
:func:`map_values`, which the hot callback writes into a ``Patch`` with
:func:`apply_map_values` (same keys, same order of areas) instead of rebuilding the figure.
"""

from __future__ import annotations

import math
from typing import Any, Protocol

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics import formatting as fmt
from analytics.engine.classify import Classification
from analytics.formatting import markup_text
from layouts.core import theme
from layouts.core.i18n import flags_text, t

#: Trace order of the map figure.
CHOROPLETH, OUTLINE, HIGHLIGHT, SYMBOLS, LABELS = range(5)
MAX_SYMBOL_PX = 42.0
TILE_STYLE = "carto-positron"


def map_style(basemap_tiles: bool, glyphs: str | None = None) -> str | dict[str, Any]:
    """``layout.map.style``: the online basemap (``CAKUPAN_BASEMAP=1``: Carto's tiles and
    fonts), or a blank white style whose label glyphs come from the app (``glyphs``, an
    absolute URL template, see layouts/core/glyphs.py), so labels draw offline. Without
    ``glyphs`` (server-side exports, which draw no labels) the style names no font source.
    Plotly's own ``white-bg`` would fetch glyphs from the internet."""
    if basemap_tiles:
        return TILE_STYLE
    style: dict[str, Any] = {
        "id": "cakupan-blank",  # plotly.js re-applies a style when its id changes
        "version": 8,
        # one tiny source: plotly.js prunes empty objects from a figure it updates, and a
        # style without "sources" is invalid (MapLibre: 'missing required property "sources"')
        "sources": {"blank": {"type": "geojson", "data": {"type": "Point", "coordinates": [0, 0]}}},
        "layers": [
            {"id": "background", "type": "background", "paint": {"background-color": "#FFFFFF"}}
        ],
    }
    if glyphs:
        style["glyphs"] = glyphs
    return style


def hover_texts(view: pd.DataFrame, lang: str) -> list[str]:
    """One hover text per area: name, code, active, eligible, coverage, uncovered, change.

    Names are escaped (``<b>`` in a name is text, not bold); numbers come from
    :mod:`analytics.formatting`, as in the table, the exports and the report."""
    labels = [t(key, lang) for key in ("active", "eligible", "coverage", "uncovered", "change_yoy")]
    columns = zip(
        view["area_name"].tolist(),
        view["area_code"].tolist(),
        view["active"].tolist(),
        view["eligible"].tolist(),
        view["coverage_pct"].tolist(),
        view["uncovered"].tolist(),
        view["change_yoy_pp"].tolist(),
        view["flags"].tolist(),
        view["active_covered"].tolist(),
        strict=True,
    )
    out = []
    for name, code, active, eligible, pct, uncovered, yoy, flags, counted in columns:
        text = (
            f"<b>{markup_text(name)}</b> ({markup_text(code)})<br>{labels[0]}: "
            f"{fmt.count(active, lang)}<br>{labels[1]}: {fmt.count(eligible, lang)}"
            f"<br>{labels[2]}: {fmt.percent(pct, lang)}"
            f"<br>{labels[3]}: {fmt.count(uncovered, lang)}<br>{labels[4]}: {fmt.pp(yoy, lang)}"
        )
        if flags:
            text += "<br>⚠ " + flags_text(flags, lang, counted)
        out.append(text)
    return out


def symbol_sizes(uncovered: pd.Series, max_px: float = MAX_SYMBOL_PX) -> list[float]:
    """Marker diameters (px) whose *area* is proportional to uncovered workers (>= 0)."""
    values = pd.to_numeric(uncovered, errors="coerce").fillna(0).clip(lower=0).to_numpy()
    top = float(values.max()) if values.size else 0.0
    if top <= 0:
        return [0.0] * len(values)
    return [round(float(v), 1) for v in max_px * np.sqrt(values / top)]


def map_values(
    view: pd.DataFrame, classification: Classification, lang: str, layer: str, labels: bool
) -> dict[str, Any]:
    """Everything that changes with month, segment, classification, layer or labels."""
    gap_layer = layer == "gap"
    return {
        "z": classification.z_values(),
        "colorscale": classification.colorscale(),
        "zmax": classification.k + 1.5,
        "hovertext": hover_texts(view, lang),
        "opacity": 0.35 if gap_layer else 0.85,
        "sizes": symbol_sizes(view["uncovered"]) if gap_layer else [],
        "symbols_visible": gap_layer,
        "labels_visible": bool(labels),
    }


class FigureTarget(Protocol):
    """A figure dict or a Dash ``Patch`` (which is no ``Mapping``): item get and set."""

    def __getitem__(self, key: str, /) -> Any: ...

    def __setitem__(self, key: str, value: Any, /) -> None: ...


def apply_map_values(fig: FigureTarget, values: dict[str, Any]) -> None:
    """Write :func:`map_values` into a figure dict or a Dash ``Patch`` (same paths)."""
    choro = fig["data"][CHOROPLETH]
    choro["z"] = values["z"]
    choro["colorscale"] = values["colorscale"]
    choro["zmax"] = values["zmax"]
    choro["hovertext"] = values["hovertext"]
    choro["marker"]["opacity"] = values["opacity"]
    symbols = fig["data"][SYMBOLS]
    symbols["marker"]["size"] = values["sizes"]
    # Hover texts and sizes cross the wire for the symbol layer only when it is shown.
    symbols["hovertext"] = values["hovertext"] if values["symbols_visible"] else []
    symbols["visible"] = values["symbols_visible"]
    fig["data"][LABELS]["visible"] = values["labels_visible"]


def fit_view(
    bounds: tuple[float, float, float, float], width_px: float = 760, height_px: float = 560
) -> tuple[dict[str, float], float]:
    """Center and MapLibre zoom that fit ``(west, south, east, north)`` into the map."""
    west, south, east, north = bounds

    def merc(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    mid_y = (merc(north) + merc(south)) / 2
    mid_lat = math.degrees(2 * math.atan(math.exp(mid_y)) - math.pi / 2)
    center = {"lon": (west + east) / 2, "lat": mid_lat}

    lon_span = max(east - west, 1e-6) / 360
    lat_span = max(merc(north) - merc(south), 1e-6) / (2 * math.pi)
    zoom = min(math.log2(width_px / 512 / lon_span), math.log2(height_px / 512 / lat_span))
    return center, round(max(min(zoom - 0.3, 16.0), 1.0), 2)


def _lines_only(
    name: str, geojson: str | dict[str, Any], codes: list[str], width: float, color: str
) -> dict[str, Any]:
    """A trace that draws only the borders of ``codes`` (no fill, no hover): the outline
    of the level above, the area picked in the table."""
    return {
        "type": "choroplethmap",
        "geojson": geojson,
        "featureidkey": "id",
        "locations": codes,
        "z": [0] * len(codes),
        "colorscale": [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
        "showscale": False,
        "marker": {"line": {"width": width, "color": color}},
        "hoverinfo": "skip",
        "name": name,
    }


def map_figure(
    *,
    view: pd.DataFrame,
    points: pd.DataFrame,
    values: dict[str, Any],
    geojson_url: str,
    outline_url: str | None,
    outline_locations: list[str],
    center: dict[str, float],
    zoom: float,
    lang: str,
    basemap_tiles: bool,
    uirevision: str,
    glyphs: str | None = None,
) -> dict[str, Any]:
    """The map figure as a plain dict (plotly.js fetches ``geojson_url`` itself).

    ``points`` has ``lon``, ``lat`` and ``area_name`` in the same order as ``view``;
    ``glyphs``: the app's label glyph URL (:func:`map_style`).
    """
    codes = view["area_code"].tolist()
    choropleth = {
        "type": "choroplethmap",
        "geojson": geojson_url,
        "featureidkey": "id",
        "locations": codes,
        "zmin": -0.5,
        "showscale": False,
        "marker": {"line": {"width": 0.6, "color": "white"}},
        "hovertemplate": "%{hovertext}<extra></extra>",
        "customdata": codes,
        "name": "coverage",
    }
    outline = _lines_only(
        "outline", outline_url or geojson_url, outline_locations, 2.2, theme.OUTLINE
    )
    highlight = _lines_only("highlight", geojson_url, [], 4, theme.HIGHLIGHT)
    symbols = {
        "type": "scattermap",
        "lon": points["lon"].round(5).tolist(),
        "lat": points["lat"].round(5).tolist(),
        "mode": "markers",
        "marker": {"color": theme.SYMBOL, "sizemode": "diameter"},
        "hovertemplate": "%{hovertext}<extra></extra>",
        "customdata": codes,
        "name": "gap",
    }
    labels = {
        "type": "scattermap",
        "lon": points["lon"].round(5).tolist(),
        "lat": points["lat"].round(5).tolist(),
        "mode": "text",
        "text": [markup_text(n) for n in points["area_name"].tolist()],
        "textfont": {"size": 11, "color": theme.INK},
        "hoverinfo": "skip",
        "name": "labels",
    }
    fig: dict[str, Any] = {
        "data": [choropleth, outline, highlight, symbols, labels],
        "layout": {
            "template": theme.TEMPLATE,
            "separators": theme.separators(lang),
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "showlegend": False,
            "uirevision": uirevision,
            "map": {
                "style": map_style(basemap_tiles, glyphs),
                "center": center,
                "zoom": zoom,
            },
        },
    }
    apply_map_values(fig, values)
    return fig


def trend_figure(
    lines: pd.DataFrame,
    target_pct: float,
    projections: list[tuple[str, list[pd.Timestamp], list[float]]],
    lang: str,
) -> go.Figure:
    """Coverage over time: one line per ``label`` (columns label, month, coverage_pct), the
    target as a horizontal line and each projection as a dotted line.

    Every hover text is written by :mod:`analytics.formatting` with the line's full name
    (``Kabupaten Gianyar · BPU: 12,2% (Des 2025)``): no d3 number or month formats and no
    name cut to 15 characters."""
    fig = go.Figure(layout={"template": theme.TEMPLATE, "separators": theme.separators(lang)})
    for label, part in lines.groupby("label", sort=False):
        name = markup_text(label)
        fig.add_scatter(
            x=part["month"],
            y=part["coverage_pct"],
            name=name,
            mode="lines+markers",
            marker={"size": 4},
            customdata=[[name, *texts] for texts in point_texts(part, lang)],
            hovertemplate="%{customdata[0]}: %{customdata[2]} (%{customdata[1]})<extra></extra>",
        )
    projection = t("trend.projection", lang).lower()
    for label, months, values in projections:
        name = f"{markup_text(label)}: {projection}"
        fig.add_scatter(
            x=months,
            y=values,
            name=name,
            mode="lines",
            line={"dash": "dot"},
            customdata=[
                [name, fmt.month(m, lang), fmt.percent(v, lang)]
                for m, v in zip(months, values, strict=True)
            ],
            hovertemplate="%{customdata[0]}: %{customdata[2]} (%{customdata[1]})<extra></extra>",
        )
    fig.add_hline(
        y=target_pct,
        line={"color": theme.TARGET, "dash": "dash"},
        annotation_text=f"{t('target', lang)} {fmt.target(target_pct, lang)}",
        annotation_position="top left",
    )
    fig.update_yaxes(title_text=f"{t('coverage', lang)} (%)", rangemode="tozero")
    all_months = [*lines["month"].tolist(), *(m for _, ms, _ in projections for m in ms)]
    # The unified hover's header is Plotly's own (d3, English month names): numeric month
    # there; each line below it carries the formatter's month ("Des 2025: 15,2%").
    fig.update_xaxes(**month_ticks(all_months, lang), hoverformat="%m/%Y")
    fig.update_layout(height=420, hovermode="x unified", hoverlabel={"namelength": -1})
    return fig


def small_multiples(
    sub: pd.DataFrame, target_pct: float, lang: str, max_panels: int = 12
) -> go.Figure:
    """One small panel per sub-area (columns area_code, area_name, month, coverage_pct),
    shared y axis, with the target line; the first ``max_panels`` areas in ``sub``'s order.

    Traces and target lines are added in one call each: per-panel ``add_scatter`` and a
    spanning ``add_hline`` cost plotly ~0.3 s for 12 panels."""
    from plotly.subplots import make_subplots

    names = sub.drop_duplicates("area_code")[["area_code", "area_name"]].head(max_panels)
    n = max(len(names), 1)
    cols = min(4, n)
    rows = math.ceil(n / cols)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        shared_yaxes="all",  # True shares within a row only: every row its own ticks
        subplot_titles=[markup_text(n) for n in names["area_name"].tolist()] or [""],
        vertical_spacing=0.12 / max(rows - 1, 1) * 2 if rows > 1 else 0.1,
    )
    traces = [
        go.Scatter(
            x=part["month"],
            y=part["coverage_pct"],
            mode="lines",
            line={"color": theme.ACCENT, "width": 2},
            showlegend=False,
            name=markup_text(name),
            customdata=[[markup_text(name), *texts] for texts in point_texts(part, lang)],
            hovertemplate="%{customdata[0]}: %{customdata[2]} (%{customdata[1]})<extra></extra>",
        )
        for name, part in (
            (name, sub[sub["area_code"] == code])
            for code, name in zip(names["area_code"], names["area_name"], strict=True)
        )
    ]
    if traces:
        fig.add_traces(
            traces,
            rows=[i // cols + 1 for i in range(len(traces))],
            cols=[i % cols + 1 for i in range(len(traces))],
        )
    target = {"color": theme.TARGET, "dash": "dash", "width": 1}
    shapes = [
        {
            "type": "line",
            "xref": f"x{i + 1 if i else ''} domain",
            "yref": f"y{i + 1 if i else ''}",
            "x0": 0,
            "x1": 1,
            "y0": target_pct,
            "y1": target_pct,
            "line": target,
        }
        for i in range(len(traces))
    ]
    fig.update_layout(
        shapes=shapes,
        template=theme.TEMPLATE,
        separators=theme.separators(lang),
        height=max(220 * rows, 260),
        margin={"t": 48},
    )
    fig.update_annotations(font_size=12)
    fig.update_xaxes(**month_ticks(sub["month"].tolist(), lang))
    # One y range for every panel (the target line included), so every row has the same
    # ticks and panels compare at a glance.
    drawn = sub.loc[sub["area_code"].isin(names["area_code"]), "coverage_pct"].astype("float64")
    highest = float(drawn.max()) if drawn.notna().any() else 0.0
    top = max(float(target_pct), highest, 1.0)
    fig.update_yaxes(range=[0, top * 1.05], matches="y")
    fig.update_layout(hoverlabel={"namelength": -1})
    return fig


def month_ticks(months: list[Any], lang: str, most: int = 8) -> dict[str, Any]:
    """Month axis ticks written by :func:`analytics.formatting.month` (``Des 2025`` in
    Indonesian; Plotly's own d3 labels are English): every 1, 3, 6 or 12 months, at most
    ``most`` of them, on January-aligned months."""
    if not months:
        return {}
    stamps = sorted({pd.Timestamp(m).to_period("M") for m in months})
    span = (stamps[-1] - stamps[0]).n + 1
    step = next((s for s in (1, 3, 6, 12) if span / s <= most), 12 * math.ceil(span / 12 / most))
    ticks = [p for p in pd.period_range(stamps[0], stamps[-1], freq="M") if p.ordinal % step == 0]
    return {
        "tickmode": "array",
        "tickvals": [p.to_timestamp() for p in ticks],
        "ticktext": [fmt.month(p.to_timestamp(), lang) for p in ticks],
    }


def point_texts(part: pd.DataFrame, lang: str) -> list[list[str]]:
    """``[month, coverage]`` per point as shown in a hover (``Des 2025``, ``15,2%``): the
    same formatter as everywhere, not Plotly's d3 formats (English months, other rounding)."""
    return [
        [fmt.month(m, lang), fmt.percent(v, lang)]
        for m, v in zip(part["month"].tolist(), part["coverage_pct"].tolist(), strict=True)
    ]
