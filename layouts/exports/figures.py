"""Export-ready figures built from the store with the on-screen builders.

The map reuses the page's data alignment (``layouts.map.view_model.view_rows``), classification
(:func:`analytics.engine.classify.classify`) and builder
(:func:`layouts.core.figures.map_figure`), so
classes and colours are those of the screen. Two things differ, because Chromium in Kaleido
cannot reach the app: the GeoJSON is embedded (read from the store) instead of a URL, and
there are no tiles and no text labels (MapLibre would fetch fonts). With small-count
protection on, areas whose members count is hidden are drawn as "no data / hidden".
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any, Final

import pandas as pd
import plotly.graph_objects as go

from analytics import formatting as fmt
from analytics.engine.classify import (
    NO_DATA_CLASS,
    NO_DATA_COLOR,
    OVER_100_CLASS,
    OVER_100_COLOR,
    classify,
)
from analytics.exports.suppression import primary_cells
from analytics.settings import Settings
from layouts.core.figures import HIGHLIGHT, fit_view, map_figure, map_values
from layouts.core.i18n import fmt_month, t
from layouts.core.store_access import StoreLike, geojson_bounds, store_facts
from layouts.core.url_state import ViewState, effective_target, geo_parent
from layouts.exports.print_map import vector_map
from layouts.exports.rendering import (
    NARROW_PX,
    SIZES,
    ExportHeader,
    LegendEntry,
    Size,
    decorate,
    legend_panel,
)
from layouts.map.view_model import outline, view_rows
from layouts.trends.views import trend_main, trend_rows

#: Share of the plot width the map takes; the legend panel sits to its right (wider on the
#: report's narrow figure, so the class labels fit).
MAP_SHARE: Final = 0.72
MAP_SHARE_NARROW: Final = 0.6
_GEO: Final = "geo:{level}/{parent}"

MESSAGES: Final[dict[str, dict[str, str]]] = {
    "source": {
        "id": "Sumber: registri kepesertaan BPJS Ketenagakerjaan",
        "en": "Source: BPJS Ketenagakerjaan membership registry",
    },
    "denominator": {"id": "penyebut", "en": "denominator"},
    "data_until": {"id": "Data sampai", "en": "Data until"},
    "exported": {"id": "Diekspor", "en": "Exported"},
    "demo": {"id": "DATA SINTETIS (demo), bukan data sebenarnya", "en": "SYNTHETIC DATA (demo)"},
    "map_title": {"id": "Peta cakupan", "en": "Coverage map"},
    "hidden": {"id": "Disembunyikan (s)", "en": "Hidden (s)"},
    "hidden_note": {
        "id": "Perlindungan jumlah kecil: wilayah dengan 1-{n} peserta digambar sebagai "
        "'disembunyikan'.",
        "en": "Small-count protection: areas with 1-{n} members are drawn as 'hidden'.",
    },
    "trend_hidden_note": {
        "id": "Perlindungan jumlah kecil: bulan dengan 1-{n} peserta tidak digambar.",
        "en": "Small-count protection: months with 1-{n} members are not drawn.",
    },
}


def msg(key: str, lang: str, **values: object) -> str:
    entry = MESSAGES[key]
    text = entry.get(lang, entry["id"])
    return text.format(**values) if values else text


def export_header(
    store: StoreLike,
    *,
    title: str,
    area_code: str,
    month: str,
    segment: str,
    lang: str,
    exported_on: date,
    notes: tuple[str, ...] = (),
) -> ExportHeader:
    """Title block and footer text from the store's metadata."""
    meta = store.meta()
    areas = store.areas()  # one lookup, not a dict of every area (91,000 on a national store)
    found = areas.loc[areas["area_code"] == area_code, "area_name"].tolist()
    name = str(found[0]) if found else area_code
    area = f"{name} ({area_code})" if area_code else t("all_areas", lang)
    source = msg("source", lang)
    if meta.get("workforce_source"):
        source += f"; {msg('denominator', lang)}: {meta['workforce_source']}"
    data_date = ""
    if meta.get("data_until"):
        data_date = f"{msg('data_until', lang)} {fmt.day(meta['data_until'], lang)}"
    extra = (msg("demo", lang),) if meta.get("demo") else ()
    return ExportHeader(
        title=title,
        area=area,
        month=fmt_month(pd.Timestamp(f"{month}-01"), lang, long=True) if month else "",
        segment=t(f"seg.{segment}", lang),
        source=source,
        data_date=data_date,
        exported=f"{msg('exported', lang)} {fmt.day(exported_on, lang)}",
        notes=(*notes, *extra),
    )


def embed_geojson(fig: dict[str, Any], store: StoreLike) -> dict[str, Any]:
    """Replace ``geo:<level>/<parent>`` placeholders by the store's GeoJSON (read once)."""
    cache: dict[str, Any] = {}
    for trace in fig["data"]:
        key = trace.get("geojson")
        if isinstance(key, str) and key.startswith("geo:"):
            if key not in cache:
                level, parent = key[4:].split("/", 1)
                path = store.geojson_path(level, parent)
                cache[key] = json.loads(path.read_text(encoding="utf-8"))
            trace["geojson"] = cache[key]
    return fig


def hidden_areas(view: pd.DataFrame, threshold: int | None) -> pd.Series:
    """Areas whose members count is a small count (1..threshold-1) to hide."""
    if threshold is None:
        return pd.Series(False, index=view.index)
    return primary_cells(view[["active"]], threshold)["active"]


def map_export(
    store: StoreLike,
    settings: Settings,
    state: ViewState,
    *,
    threshold: int | None,
    exported_on: date,
    size: Size = "screen",
    title: str | None = None,
    vector: bool = False,
) -> dict[str, Any]:
    """The map of ``state`` (already resolved) with title, legend and footer, as a figure
    dict with the boundaries embedded (ready for :func:`layouts.exports.rendering.render`).
    ``vector``: drawn with SVG geo traces (:func:`layouts.exports.print_map.vector_map`) so an SVG
    or PDF holds the polygons as paths, not a raster."""
    facts = store_facts(store, settings)
    lang = state.lang
    view, points = view_rows(store, state)
    hidden = hidden_areas(view, threshold)
    classification = classify(view["coverage_pct"], state.scheme, state.k)
    shown = replace(classification, classes=classification.classes.mask(hidden, NO_DATA_CLASS))
    published = view.assign(uncovered=view["uncovered"].mask(hidden))
    values = map_values(published, shown, lang, state.layer, labels=False)
    parent = geo_parent(state.level, state.area, facts.root_codes)
    page = SIZES[size]
    share = MAP_SHARE if page.width >= NARROW_PX else MAP_SHARE_NARROW
    center, zoom = fit_view(
        geojson_bounds(store.geojson_path(state.level, parent)),
        width_px=(page.width - 80) * share,
        height_px=page.height - 180,
    )
    where, outline_codes = outline(store, state, facts.root_codes)
    outline_key = _GEO.format(level=where[0], parent=where[1]) if where else None
    fig = map_figure(
        view=view,
        points=points,
        values=values,
        geojson_url=_GEO.format(level=state.level, parent=parent),
        outline_url=outline_key,
        outline_locations=outline_codes,
        center=center,
        zoom=zoom,
        lang=lang,
        basemap_tiles=False,
        uirevision="export",
    )
    # The highlight outlines a row clicked on screen: an export has none, so no geometry.
    fig["data"][HIGHLIGHT]["geojson"] = {"type": "FeatureCollection", "features": []}
    fig["layout"]["map"]["domain"] = {"x": [0, share], "y": [0, 1]}
    notes = (msg("hidden_note", lang, n=threshold - 1),) if threshold and hidden.any() else ()
    header = export_header(
        store,
        title=title or msg("map_title", lang) + " · " + t(f"level.{state.level}", lang),
        area_code=state.area,
        month=state.month,
        segment=state.segment,
        lang=lang,
        exported_on=exported_on,
        notes=notes,
    )
    out = decorate(fig, header, size=size)
    counts = shown.counts()
    labels = classification.labels(lang)
    entries = [LegendEntry(shown.colors[i], labels[i], counts[i]) for i in range(shown.k)]
    entries.append(LegendEntry(OVER_100_COLOR, t("over_100", lang), counts[OVER_100_CLASS]))
    no_data = t("no_data", lang)
    if threshold and hidden.any():
        no_data += " / " + msg("hidden", lang).lower()
    entries.append(LegendEntry(NO_DATA_COLOR, no_data, counts[NO_DATA_CLASS]))
    title_text = f"{t('legend', lang)} (%) · {t(f'scheme.{state.scheme}', lang)}"
    framed = legend_panel(out, title_text, entries, x0=share + 0.03).to_dict()
    # The geometry goes in last, into the plain dict: a go.Figure deep-copies it on every
    # step (3 s for the country's 514 kabupaten) and Kaleido would copy it once more.
    embedded = embed_geojson(framed, store)
    return vector_map(embedded) if vector else embedded


def trend_export(
    store: StoreLike,
    settings: Settings,
    state: ViewState,
    *,
    threshold: int | None,
    exported_on: date,
    size: Size = "screen",
    compare_area: str | None = None,
    compare_segment: str | None = None,
) -> go.Figure:
    """The trend chart of ``state.area`` and ``state.segment`` (target, projection)."""
    facts = store_facts(store, settings)
    lang = state.lang
    # Only the rows drawn (a few dozen), never the whole coverage table.
    coverage = trend_rows(
        store, state.area, state.segment, compare_area, compare_segment, facts.root_codes
    )
    notes: tuple[str, ...] = ()
    if threshold is not None:
        small = primary_cells(coverage[["active"]], threshold)["active"]
        if small.any():
            coverage = coverage.assign(coverage_pct=coverage["coverage_pct"].mask(small))
            notes = (msg("trend_hidden_note", lang, n=threshold - 1),)
    fig = trend_main(
        coverage,
        facts.names,
        state.area,
        state.segment,
        compare_area,
        compare_segment,
        effective_target(state, facts.target_pct),
        lang,
    )
    header = export_header(
        store,
        title=t("trend.title", lang),
        area_code=state.area,
        month=state.month,
        segment=state.segment,
        lang=lang,
        exported_on=exported_on,
        notes=notes,
    )
    fig.update_layout(title_text="")
    return decorate(fig, header, size=size, legend_below_px=56)
