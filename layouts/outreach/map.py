"""The outreach map: villages coloured by their officer, top-priority villages emphasised.

With more officers than distinct colours (a whole Polres, "(semua Polsek)"), villages are
coloured by their officer's Polsek instead (:func:`colour_key`): a Polres has about as
many Polsek as there are colours, so each colour names one Polsek in the legend, and the
hover still names the village's officer.

A pure figure builder (plain dict, like :func:`layouts.core.figures.map_figure`): the geometry
is the store's ``geo/desa/<parent>.geojson`` URL, which the browser fetches once and
caches. Traces: villages coloured by officer (grey when none), a thick outline round the
top-N priority villages, and numbered markers with their rank.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import pandas as pd

from analytics import formatting as fmt
from analytics.formatting import markup_text
from layouts.core import theme
from layouts.core.figures import map_style
from layouts.core.i18n import t

#: Categorical colours of officers (Tableau 10 and Dark2 without greys); cycled when a
#: Polres has more officers, the legend and hover name each one.
OFFICER_COLOURS: Final = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
)
NO_OFFICER_COLOUR: Final = "#d9d9d9"
#: Officers named one by one in the legend; beyond this, one summary line.
MAX_LEGEND_OFFICERS: Final = len(OFFICER_COLOURS)
TOP_N: Final = 10
VILLAGES, TOP_OUTLINE, TOP_MARKERS = range(3)
MAP_VILLAGE_COLUMNS: Final = (
    "village_code",
    "village_name",
    "lon",
    "lat",
    "rank",
    "score",
    "uncovered",
    "coverage_pct",
    "explanation",
    "explanation_en",
    "nrp",
    "officers",
)


def map_villages(
    priority: pd.DataFrame, village_officers: pd.DataFrame, areas: pd.DataFrame
) -> pd.DataFrame:
    """The villages of the map (:data:`MAP_VILLAGE_COLUMNS`): the ranked villages of the
    scope, plus any village of the scope's officers that has no coverage row."""
    wanted = set(priority["village_code"]) | set(village_officers["village_code"])
    codes = pd.DataFrame({"village_code": sorted(wanted)})
    # Only the scope's points are joined (the areas table holds 83,000 villages nationally).
    desa = areas[(areas["level"] == "desa") & areas["area_code"].isin(wanted)]
    points = desa[["area_code", "area_name", "lon", "lat"]].rename(
        columns={"area_code": "village_code"}
    )
    out = (
        codes.merge(
            priority.drop(columns=["lon", "lat"], errors="ignore"),
            on="village_code",
            how="left",
            validate="one_to_one",
        )
        .merge(points, on="village_code", how="left", validate="one_to_one")
        .merge(village_officers, on="village_code", how="left", validate="one_to_one")
    )
    out["village_name"] = out["village_name"].fillna(out["area_name"]).fillna(out["village_code"])
    return out.reindex(columns=list(MAP_VILLAGE_COLUMNS)).sort_values(
        ["rank", "village_code"], na_position="last", ignore_index=True
    )


def officer_colours(nrps: list[str]) -> dict[str, str]:
    """A colour per officer (or per Polsek), by sorted order."""
    ordered = sorted(set(nrps))
    return {nrp: OFFICER_COLOURS[i % len(OFFICER_COLOURS)] for i, nrp in enumerate(ordered)}


def colour_key(
    villages: pd.DataFrame, polsek_of: Callable[[], dict[str, str]]
) -> tuple[pd.DataFrame, str]:
    """(villages, column the colours follow): ``nrp`` while each officer can have a colour
    of his own, else ``polsek`` (added from ``polsek_of()``, NRP -> Polsek, called only
    then)."""
    if villages["nrp"].nunique() <= MAX_LEGEND_OFFICERS:
        return villages, "nrp"
    return villages.assign(polsek=villages["nrp"].map(polsek_of())), "polsek"


def _stepped_scale(colours: list[str]) -> list[list[Any]]:
    """A colourscale giving integer z = i exactly ``colours[i]`` (zmin -0.5, zmax n - 0.5)."""
    n = len(colours)
    scale: list[list[Any]] = []
    for i, colour in enumerate(colours):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    return scale


def _hover(v: pd.DataFrame, lang: str) -> list[str]:
    texts = []
    r: Any
    for r in v.itertuples(index=False):
        officer = (
            markup_text(r.officers) if isinstance(r.officers, str) else t("out.no_officer", lang)
        )
        unit = getattr(r, "polsek", None)
        if isinstance(unit, str):
            officer += f" · {markup_text(unit)}"
        rank = "" if pd.isna(r.rank) else f"<br>{t('rank', lang)}: {int(r.rank)}"
        score = (
            "" if pd.isna(r.score) else f" · {t('out.col.score', lang)} {fmt.score(r.score, lang)}"
        )
        texts.append(
            f"<b>{markup_text(r.village_name)}</b> ({markup_text(r.village_code)})<br>"
            f"{t('out.officer', lang)}: {officer}"
            f"{rank}{score}<br>{t('uncovered', lang)}: {fmt.count(r.uncovered, lang)}"
            f" · {t('coverage', lang)} {fmt.percent(r.coverage_pct, lang)}"
        )
    return texts


def outreach_map_figure(
    villages: pd.DataFrame,
    colours: dict[str, str],
    *,
    geojson_url: str,
    center: dict[str, float],
    zoom: float,
    lang: str,
    top_n: int = TOP_N,
    key: str = "nrp",
    glyphs: str | None = None,
) -> dict[str, Any]:
    """The map as a plain figure dict (``villages`` from :func:`map_villages`; ``colours``
    keyed by the ``key`` column, see :func:`colour_key`; ``glyphs``: the app's label glyph
    URL, for the rank numbers, see :func:`layouts.core.figures.map_style`)."""
    order = sorted(colours)
    index = {nrp: i + 1 for i, nrp in enumerate(order)}
    z = [index.get(n, 0) if isinstance(n, str) else 0 for n in villages[key]]
    codes = villages["village_code"].tolist()
    hover = _hover(villages, lang)
    top = villages[villages["rank"].notna() & (villages["rank"] <= top_n)]
    top_points = top.dropna(subset=["lon", "lat"])
    top_hover = [
        f"<b>#{fmt.count(rank, lang)} {markup_text(name)}</b><br>{markup_text(why)}"
        for rank, name, why in zip(
            top_points["rank"],
            top_points["village_name"],
            top_points["explanation_en" if lang == "en" else "explanation"],
            strict=True,
        )
    ]
    data = [
        {
            "type": "choroplethmap",
            "geojson": geojson_url,
            "featureidkey": "id",
            "locations": codes,
            "z": z,
            "zmin": -0.5,
            "zmax": len(order) + 0.5,
            "colorscale": _stepped_scale([NO_OFFICER_COLOUR, *(colours[n] for n in order)]),
            "showscale": False,
            "marker": {"line": {"width": 0.8, "color": "white"}, "opacity": 0.85},
            "hovertext": hover,
            "hovertemplate": "%{hovertext}<extra></extra>",
            "customdata": codes,
            "name": "officers",
        },
        {
            "type": "choroplethmap",
            "geojson": geojson_url,
            "featureidkey": "id",
            "locations": top["village_code"].tolist(),
            "z": [0] * len(top),
            "colorscale": [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
            "showscale": False,
            "marker": {"line": {"width": 3.5, "color": theme.INK}},
            "hoverinfo": "skip",
            "name": "top",
        },
        {
            "type": "scattermap",
            "lon": top_points["lon"].round(5).tolist(),
            "lat": top_points["lat"].round(5).tolist(),
            "mode": "markers+text",
            "text": [str(int(r)) for r in top_points["rank"]],
            "textfont": {"size": 11, "color": "white"},
            "marker": {"size": 20, "color": theme.INK},
            "hovertext": top_hover,
            "hovertemplate": "%{hovertext}<extra></extra>",
            "name": "ranks",
        },
    ]
    return {
        "data": data,
        "layout": {
            "template": theme.TEMPLATE,
            "separators": theme.separators(lang),
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "showlegend": False,
            "uirevision": geojson_url,
            "map": {"style": map_style(False, glyphs), "center": center, "zoom": zoom},
        },
    }


def legend_items(
    villages: pd.DataFrame,
    colours: dict[str, str],
    lang: str,
    top_n: int = TOP_N,
    key: str = "nrp",
) -> list[dict[str, Any]]:
    """(colour, label, villages) per officer (or per Polsek, ``key="polsek"``), then
    "no officer"; the map's key."""
    with_officer = villages.dropna(subset=[key])
    counts = with_officer[key].value_counts()
    if key == "nrp":
        names = (
            with_officer.assign(first=with_officer["officers"].str.split("; ").str[0])
            .drop_duplicates("nrp")
            .set_index("nrp")["first"]
        )
    else:
        officers = with_officer.groupby(key)["nrp"].nunique()
        names = pd.Series(
            {
                unit: t("out.polsek_officers", lang, polsek=unit, n=fmt.count(n, lang))
                for unit, n in officers.items()
            },
            dtype="object",
        )
    if len(colours) <= MAX_LEGEND_OFFICERS:
        items = [
            {"colour": colours[n], "label": str(names.get(n, n)), "count": int(counts.get(n, 0))}
            for n in sorted(colours)
        ]
    else:
        # Colours repeat past 16 officers: one line instead of hundreds (the hover names
        # each village's officer, the plan table lists them).
        items = [
            {
                "colour": OFFICER_COLOURS[0],
                "label": t(
                    "out.many_officers" if key == "nrp" else "out.many_polsek",
                    lang,
                    n=fmt.count(len(colours), lang),
                ),
                "count": int(counts.sum()),
            }
        ]
    items.append(
        {
            "colour": NO_OFFICER_COLOUR,
            "label": t("out.no_officer", lang),
            "count": int(villages[key].isna().sum()),
        }
    )
    ranked = int((villages["rank"].notna() & (villages["rank"] <= top_n)).sum())
    items.append({"colour": theme.INK, "label": t("out.top_n", lang, n=top_n), "count": ranked})
    return items
