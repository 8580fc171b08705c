"""One Plotly template and the palette for every figure (plain dicts: no validation cost)."""

from __future__ import annotations

from typing import Any, Final

FONT: Final = "Inter, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
INK: Final = "#1f2933"
MUTED: Final = "#616e7c"
ACCENT: Final = "#0b5394"
TARGET: Final = "#d9480f"
OUTLINE: Final = "#3e4c59"
HIGHLIGHT: Final = "#ff6f00"
SYMBOL: Final = "rgba(217, 72, 15, 0.55)"
SERIES: Final = ("#0b5394", "#d9480f", "#2f9e44", "#7048e8", "#c2255c", "#1098ad")

TEMPLATE: Final[dict[str, Any]] = {
    "layout": {
        "font": {"family": FONT, "color": INK, "size": 13},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "colorway": list(SERIES),
        "margin": {"l": 48, "r": 16, "t": 36, "b": 40},
        "hoverlabel": {"font": {"family": FONT, "size": 13}, "bgcolor": "white"},
        "xaxis": {"gridcolor": "#e4e7eb", "zeroline": False, "linecolor": "#9aa5b1"},
        "yaxis": {"gridcolor": "#e4e7eb", "zeroline": False, "linecolor": "#9aa5b1"},
        "legend": {"orientation": "h", "y": -0.18, "x": 0},
        "title": {"font": {"size": 15}, "x": 0, "xanchor": "left"},
    }
}


def separators(lang: str) -> str:
    """Plotly's decimal and thousands marks: ``,.`` gives 1.234,5 (Indonesian)."""
    return ",." if lang == "id" else ".,"
