"""Component ids, one constant each (no string-built ids elsewhere)."""

from __future__ import annotations

from typing import Final

# Shell
URL: Final = "url"
VIEW_QUERY: Final = "view-query"  # the page's state as a query string, mirrored into the URL
URL_SYNC: Final = "url-sync"  # dummy output of the clientside history push/replace
SHOWN_VIEW: Final = "shown-view"  # path + query of the view on screen (layouts/core/shell.py)
VIEW_NOTICE: Final = "view-notice"  # an address the page could not show as asked
USER_BOX: Final = "user-box"  # header: who is logged in, role, territory, log-out
USER_NAME: Final = "user-name"
USER_LABEL: Final = "user-label"
USER_ROLE: Final = "user-role"
LOGOUT_FORM: Final = "logout-form"
LOGOUT_BUTTON: Final = "logout-button"
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
STORE_NOTICE: Final = "store-notice"  # shell: a callback met a missing or damaged store
MAP_TARGET: Final = "map-target"  # coverage target choice: 100 / ucj / custom
MAP_TARGET_CUSTOM: Final = "map-target-custom"
MAP_SIZE: Final = "map-size"  # dcc.Store {w, h}: the map's size in the browser (fit to area)
MAP_CONTROLS: Final = "map-controls"  # the filter panel (a drawer on a phone)
DRAWER_OPEN: Final = "drawer-open"  # phone: button opening the filter drawer
DRAWER_CLOSE: Final = "drawer-close"  # phone: button closing it
DRAWER_SYNC: Final = "drawer-sync"  # dummy output of the clientside drawer toggle
TIMELINE_PLAY: Final = "timeline-play"  # play / pause the months on the map
TIMELINE_SLIDER: Final = "timeline-slider"  # month index (oldest = 0)
TIMELINE_LABEL: Final = "timeline-label"  # the month shown
TIMELINE_TICK: Final = "timeline-tick"  # dcc.Interval driving the frames

# Trends page
TREND_AREA: Final = "trend-area"
TREND_SEGMENT: Final = "trend-segment"
TREND_COMPARE: Final = "trend-compare"
TREND_COMPARE_SEGMENT: Final = "trend-compare-segment"
TREND_MAIN: Final = "trend-main"
TREND_SMALL: Final = "trend-small"
TREND_LANG: Final = "trend-lang"
TREND_TARGET: Final = "trend-target"
TREND_TARGET_CUSTOM: Final = "trend-target-custom"
TREND_PROJECTIONS: Final = "trend-projections"

# Village profile page (/desa) and the map's links to it
PROFILE_LINK: Final = "profile-link"  # map page: dcc.Location the village click navigates
PROFILE_QUERY: Final = "profile-query"  # dcc.Store: the profile page's query string
PROFILE_TREND: Final = "profile-trend"
PROFILE_BUTTON: Final = "profile-button"  # {"type": PROFILE_BUTTON, "fmt": "xlsx" | "csv"}
PROFILE_PROTECT: Final = "profile-protect"
PROFILE_THRESHOLD: Final = "profile-threshold"
PROFILE_MESSAGE: Final = "profile-message"
PROFILE_DOWNLOAD: Final = "profile-download"
# GIS download of the map view (GeoPackage / GeoJSON)
GIS_BUTTON: Final = "gis-button"  # {"type": GIS_BUTTON, "fmt": "gpkg" | "geojson"}
GIS_PROTECT: Final = "gis-protect"
GIS_THRESHOLD: Final = "gis-threshold"
GIS_MESSAGE: Final = "gis-message"
GIS_DOWNLOAD: Final = "gis-download"

# Data-quality page
QUALITY_FILES: Final = "quality-files"
QUALITY_KAB: Final = "quality-kabupaten"
QUALITY_FLAGS: Final = "quality-flags"
QUALITY_OTHER: Final = "quality-other-inputs"  # workforce/roster/events counts
QUALITY_ROWS: Final = "quality-rows"  # grid of unmatched/rejected rows to fix
QUALITY_ROWS_LANG: Final = "quality-rows-lang"
QUALITY_ROWS_DOWNLOAD: Final = "quality-rows-download"
QUALITY_ROWS_CSV: Final = "quality-rows-csv"
QUALITY_ROWS_XLSX: Final = "quality-rows-xlsx"
QUALITY_LOSS: Final = "quality-loss"  # warning: files losing more than 5 % of their rows

# Outreach page
NAV_OUTREACH: Final = "nav-outreach"
OUT_LANG: Final = "outreach-lang"  # dcc.Store holding the page's language
OUT_POLRES: Final = "outreach-polres"
OUT_POLSEK: Final = "outreach-polsek"
OUT_WEEKS: Final = "outreach-weeks"
OUT_CAPACITY: Final = "outreach-capacity"
OUT_W_GAP: Final = "outreach-w-gap"
OUT_W_COVERAGE: Final = "outreach-w-coverage"
OUT_W_PACE: Final = "outreach-w-pace"
OUT_W_RECENCY: Final = "outreach-w-recency"
OUT_WEIGHTS_NOTE: Final = "outreach-weights-note"
OUT_MAP: Final = "outreach-map"
OUT_LEGEND: Final = "outreach-legend"
OUT_SUMMARY: Final = "outreach-summary"
OUT_PRIORITY: Final = "outreach-priority"
OUT_PLAN: Final = "outreach-plan"
OUT_UNASSIGNED: Final = "outreach-unassigned"
OUT_IMPACT_DATA: Final = "outreach-impact-data"  # dcc.Store: impact tables of the store
OUT_IMPACT_TEXT: Final = "outreach-impact-text"
OUT_IMPACT_POLSEK: Final = "outreach-impact-polsek"
OUT_IMPACT_OFFICER: Final = "outreach-impact-officer"
OUT_DOWNLOAD_HINT: Final = "outreach-download-hint"
OUT_XLSX_BUTTON: Final = "outreach-xlsx-button"
OUT_PDF_BUTTON: Final = "outreach-pdf-button"
OUT_XLSX: Final = "outreach-xlsx"
OUT_PDF: Final = "outreach-pdf"
OUT_MESSAGE: Final = "outreach-message"
# a whole Polres's files: a background job, polled (layouts/outreach/callbacks.py)
OUT_JOB: Final = "outreach-job"
OUT_POLL: Final = "outreach-poll"
OUT_JOB_STATUS: Final = "outreach-job-status"
OUT_JOB_PROGRESS: Final = "outreach-job-progress"
OUT_JOB_DOWNLOAD: Final = "outreach-job-download"

# Exports (pattern-matching ids: {"type": EXPORT_*, "target": "map"|"table"|"trend", ...})
EXPORT_BUTTON: Final = "export-button"  # + "fmt": png-screen | png-print | svg | pdf | csv | xlsx
EXPORT_DOWNLOAD: Final = "export-download"
EXPORT_PROTECT: Final = "export-protect"  # small-count protection switch
EXPORT_THRESHOLD: Final = "export-threshold"
EXPORT_MESSAGE: Final = "export-message"
REPORT_BUTTON: Final = "report-button"
REPORT_JOB: Final = "report-job"  # dcc.Store: the running job's id
REPORT_POLL: Final = "report-poll"  # dcc.Interval polling the job
REPORT_PROGRESS: Final = "report-progress"
REPORT_STATUS: Final = "report-status"
REPORT_DOWNLOAD: Final = "report-download"

# Data intake page (/unggah), admins only. Pattern-matching ids carry "kind" (and "file").
NAV_UPLOAD: Final = "nav-upload"
UP_LANG: Final = "upload-lang"  # dcc.Store holding the page's language
UP_INPUT: Final = "upload-input"  # {"type": UP_INPUT, "kind": ...} dcc.Upload
UP_SELECT: Final = "upload-select"  # {"type": UP_SELECT, "kind": ...} selection
UP_REMOVE: Final = "upload-remove"  # {"type": UP_REMOVE, "kind": ..., "file": ...}
UP_MESSAGE: Final = "upload-message"
UP_LIST: Final = "upload-list"
UP_DRY_RUN: Final = "upload-dry-run"
UP_RESULT: Final = "upload-result"
UP_COMMIT: Final = "upload-commit"
UP_JOB: Final = "upload-job"  # dcc.Store: the rebuild job's id
UP_POLL: Final = "upload-poll"  # dcc.Interval polling the rebuild
UP_PROGRESS: Final = "upload-progress"
UP_STATUS: Final = "upload-status"
UP_CONFIRM: Final = "upload-confirm"  # checklist: commit although data is lost
UP_VERSIONS: Final = "upload-versions"  # radio items: kept store versions
UP_ROLLBACK: Final = "upload-rollback"
UP_VERSION_LIST: Final = "upload-version-list"

# All-villages map (/semua-desa): vector tiles drawn by MapLibre (layouts/map/tilemap.py).
NAV_TILEMAP: Final = "nav-tilemap"
TM_MONTH: Final = "tm-month"
TM_SEGMENT: Final = "tm-segment"
TM_SCHEME: Final = "tm-scheme"
TM_K: Final = "tm-k"
TM_LANG: Final = "tm-lang"  # dcc.Store: the page's language
TM_MAP: Final = "tm-map"  # html.Div MapLibre draws into
TM_CONFIG: Final = "tm-config"  # dcc.Store: bundle, tile and code URLs, bounds, territory
TM_VALUES: Final = "tm-values"  # dcc.Store: class and percent per village (values only)
TM_SELECTED: Final = "tm-selected"  # dcc.Store: the village clicked ({code, t})
TM_STATUS: Final = "tm-status"  # clientside glue's output (not shown)
TM_DETAIL: Final = "tm-detail"  # the selected village's numbers and profile link
TM_LEGEND: Final = "tm-legend"
TM_TABLE: Final = "tm-table"
TM_TABLE_TITLE: Final = "tm-table-title"
TM_PROFILE: Final = "tm-profile"  # link to the selected village's profile
