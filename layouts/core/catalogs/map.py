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
    "nav.tilemap": {"id": "Semua desa", "en": "All villages"},
    "tilemap.title": {"id": "Semua desa dalam satu peta", "en": "All villages on one map"},
    "tilemap.intro": {
        "id": "Setiap desa di wilayah Anda, diwarnai menurut cakupan bulan dan segmen terpilih. "
        "Perbesar peta untuk melihat batas desa.",
        "en": "Every village of your area, coloured by coverage for the month and segment "
        "chosen. Zoom in to see the village boundaries.",
    },
    "tilemap.click_hint": {
        "id": "Klik desa untuk melihat angkanya dan membuka profilnya; klik baris tabel untuk "
        "menuju desa itu di peta.",
        "en": "Click a village for its numbers and profile; click a table row to go to that "
        "village on the map.",
    },
    "tilemap.open_profile": {"id": "Buka profil desa →", "en": "Open the village profile →"},
    "tilemap.table_title": {
        "id": "{n} desa dengan pekerja belum terlindungi terbanyak",
        "en": "The {n} villages with the most uncovered workers",
    },
    "tilemap.no_tiles": {
        "id": "Peta semua desa belum tersedia: data ini belum memiliki ubin peta (bangun ulang "
        "data dengan `cakupan build`) atau skrip peta belum dibangun (`make setup`).",
        "en": "The all-villages map is not available: this store has no map tiles (rebuild it "
        "with `cakupan build`) or the map script was not built (`make setup`).",
    },
}
