"""Component ids, one constant each (no string-built ids elsewhere)."""

from __future__ import annotations

from typing import Final

# Shell
URL: Final = "url"
VIEW_QUERY: Final = "view-query"  # the page's state as a query string, mirrored into the URL
URL_SYNC: Final = "url-sync"  # dummy output of the clientside history.replaceState
NAV_MAP: Final = "nav-map"
NAV_TRENDS: Final = "nav-trends"
NAV_QUALITY: Final = "nav-quality"
NAV_METHOD: Final = "nav-method"
LANG_ID: Final = "lang-id"
LANG_EN: Final = "lang-en"
DEMO_BADGE: Final = "demo-badge"
PRODUCT: Final = "product-name"

# Coverage map page
MAP: Final = "map"
MAP_VIEW: Final = "map-view"  # dcc.Store {level, area}
MAP_LANG: Final = "map-lang"  # dcc.Store holding the page's language
MONTH: Final = "month"
SEGMENT: Final = "segment"
SCHEME: Final = "scheme"
K: Final = "k"
LAYER: Final = "layer"
LABELS: Final = "labels"
LEVEL: Final = "level"
BREADCRUMB: Final = "breadcrumb"
CRUMB_TYPE: Final = "crumb"  # pattern-matching id {"type": CRUMB_TYPE, "code": ...}
LEGEND: Final = "legend"
KPIS: Final = "kpis"
TABLE: Final = "area-table"
TABLE_TITLE: Final = "area-table-title"
STORE_MESSAGE: Final = "store-message"

# Trends page
TREND_AREA: Final = "trend-area"
TREND_SEGMENT: Final = "trend-segment"
TREND_COMPARE: Final = "trend-compare"
TREND_COMPARE_SEGMENT: Final = "trend-compare-segment"
TREND_MAIN: Final = "trend-main"
TREND_SMALL: Final = "trend-small"
TREND_LANG: Final = "trend-lang"

# Data-quality page
QUALITY_FILES: Final = "quality-files"
QUALITY_KAB: Final = "quality-kabupaten"
QUALITY_FLAGS: Final = "quality-flags"
