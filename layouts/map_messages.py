"""Messages of the map page's phone drawer and timeline (Bahasa Indonesia first, English),
merged into i18n."""

from __future__ import annotations

from typing import Final

MAP_MESSAGES: Final[dict[str, dict[str, str]]] = {
    "drawer.open": {"id": "☰ Filter", "en": "☰ Filters"},
    "drawer.close": {"id": "Tutup", "en": "Close"},
    "timeline.play": {"id": "▶ Putar", "en": "▶ Play"},
    "timeline.pause": {"id": "⏸ Jeda", "en": "⏸ Pause"},
    "timeline.title": {"id": "Putar bulan di peta", "en": "Play the months on the map"},
}
