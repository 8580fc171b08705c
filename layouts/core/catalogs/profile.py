"""Messages of the village profile (/desa) and the map's GIS download (id first, en)."""

from __future__ import annotations

from typing import Final

PROFILE_MESSAGES: Final[dict[str, dict[str, str]]] = {
    "profile.title": {"id": "Profil {kind}", "en": "Village profile"},
    "profile.kind.desa": {"id": "desa", "en": "village"},
    "profile.kind.kelurahan": {"id": "kelurahan", "en": "urban village"},
    "profile.kind.kalurahan": {"id": "kalurahan", "en": "village"},
    "profile.back": {"id": "← Kembali ke peta desa", "en": "← Back to the village map"},
    "profile.month_segment": {"id": "{month} · segmen {segment}", "en": "{month} · {segment}"},
    "profile.by_segment": {"id": "Cakupan per segmen", "en": "Coverage by segment"},
    "profile.no_denominator": {
        "id": "JAKON dan PMI tidak punya penyebut: hanya jumlah peserta aktif.",
        "en": "JAKON and PMI have no denominator: active members only.",
    },
    "profile.trend": {"id": "Tren dan proyeksi", "en": "Trend and projection"},
    "profile.pace": {
        "id": "Laju 12 bulan: {pace}.",
        "en": "12-month pace: {pace}.",
    },
    "profile.pace_unknown": {
        "id": "Laju 12 bulan tidak dapat dihitung (kurang dari 3 bulan dengan angka cakupan).",
        "en": "The 12-month pace cannot be computed (fewer than 3 months with a coverage).",
    },
    "profile.projected": {
        "id": "Dengan laju ini target {target} tercapai pada {month}.",
        "en": "At this pace the {target} target is reached in {month}.",
    },
    "profile.reached": {
        "id": "Target {target} sudah tercapai pada {month}.",
        "en": "The {target} target is already reached in {month}.",
    },
    "profile.not_reached": {
        "id": "Target {target} tidak tercapai dengan laju ini.",
        "en": "The {target} target is not reached at this pace.",
    },
    "profile.no_coverage": {
        "id": "Cakupan bulan ini tidak diketahui (tanpa penyebut), jadi tidak ada proyeksi.",
        "en": "This month's coverage is unknown (no denominator), so there is no projection.",
    },
    "profile.denominators": {"id": "Penyebut dan sumbernya", "en": "Denominators and source"},
    "profile.workforce_source": {"id": "Sumber data tenaga kerja", "en": "Workforce source"},
    "profile.workforce_files": {"id": "Berkas", "en": "File"},
    "profile.denominator_rule": {
        "id": "Penyebut bulan {month}: data tenaga kerja tahun itu; bila tidak ada, tahun "
        "terakhir sebelumnya; bila tidak ada juga, tahun paling awal.",
        "en": "Denominator for {month}: the workforce figure of that year; when there is none, "
        "the latest earlier year; failing that, the earliest year.",
    },
    "profile.officer": {"id": "Bhabinkamtibmas", "en": "Bhabinkamtibmas (village officer)"},
    "profile.no_officer": {
        "id": "Desa ini tidak punya Bhabinkamtibmas dalam daftar.",
        "en": "No officer of the roster covers this village.",
    },
    "profile.no_roster": {
        "id": "Daftar Bhabinkamtibmas tidak dimuat dalam data ini.",
        "en": "This build has no officer roster.",
    },
    "profile.outreach_role": {
        "id": "Data penjangkauan tidak termasuk dalam peran Anda.",
        "en": "Outreach data is not part of your role.",
    },
    "profile.last_event": {
        "id": "Sosialisasi terakhir: {date}, {attendees} hadir, {registrations} mendaftar "
        "hari itu ({events} kegiatan seluruhnya).",
        "en": "Last outreach: {date}, {attendees} attended, {registrations} registered that "
        "day ({events} events in all).",
    },
    "profile.no_event": {
        "id": "Belum ada sosialisasi tercatat di desa ini sampai bulan ini.",
        "en": "No outreach event recorded in this village up to this month.",
    },
    "profile.notes": {"id": "Catatan data", "en": "Data notes"},
    "profile.no_flags": {
        "id": "Tidak ada tanda kualitas data untuk desa ini.",
        "en": "No data-quality flag for this village.",
    },
    "profile.flag_line": {
        "id": "{flag} · {segment}: {months} bulan ({first} – {last}){now}",
        "en": "{flag} · {segment}: {months} months ({first} – {last}){now}",
    },
    "profile.flag_now": {"id": ", termasuk bulan ini", "en": ", including this month"},
    "profile.kabupaten_unmatched": {
        "id": "Baris kepesertaan {kabupaten} yang tidak dapat ditempatkan di desa: {share} "
        "({unmatched} dari {total}); lihat halaman Kualitas data.",
        "en": "Registry rows of {kabupaten} that could not be placed in a village: {share} "
        "({unmatched} of {total}); see the Data quality page.",
    },
    "profile.data_until": {
        "id": "Data sampai {date}; diolah {built}.",
        "en": "Data until {date}; built {built}.",
    },
    "profile.download": {"id": "Unduh profil", "en": "Download the profile"},
    "profile.xlsx": {"id": "XLSX (Excel)", "en": "XLSX (Excel)"},
    "profile.csv": {"id": "CSV (tabel segmen)", "en": "CSV (segment table)"},
    "profile.pdf": {"id": "PDF (untuk dicetak)", "en": "PDF (for printing)"},
    "profile.target": {"id": "Target", "en": "Target"},
    "profile.sheet.profile": {"id": "Profil", "en": "Profile"},
    "profile.sheet.trend": {"id": "Tren", "en": "Trend"},
    "profile.sheet.notes": {"id": "Catatan", "en": "Notes"},
    "profile.exported": {"id": "Diekspor", "en": "Exported"},
    "profile.synthetic": {"id": "Data sintetis (demo)", "en": "Synthetic data (demo)"},
    "profile.yes": {"id": "ya", "en": "yes"},
    "profile.no": {"id": "tidak", "en": "no"},
    "profile.area_missing": {
        "id": "Pilih desa di peta (tingkat Desa/kelurahan) untuk membuka profilnya.",
        "en": "Choose a village on the map (Village level) to open its profile.",
    },
    "profile.area_unknown": {
        "id": "Desa {code} tidak ada dalam data.",
        "en": "Village {code} is not in the data.",
    },
    "profile.area_malformed": {
        "id": "Kode desa di alamat ini tidak sah (contoh yang benar: 34.71.01.1001).",
        "en": "The village code in this address is not valid (a valid one: 34.71.01.1001).",
    },
    "profile.area_outside": {
        "id": "Wilayah {code} berada di luar wilayah kerja Anda.",
        "en": "Area {code} is outside your territory.",
    },
    "profile.to_map": {"id": "Buka peta wilayah Anda", "en": "Open the map of your area"},
    "profile.month_col": {"id": "Bulan", "en": "Month"},
    "profile.attendees": {"id": "Hadir", "en": "Attended"},
    "profile.registrations": {"id": "Mendaftar hari itu", "en": "Registered that day"},
    "profile.event_date": {"id": "Tanggal sosialisasi terakhir", "en": "Last outreach date"},
    # GIS download beside the map's exports
    "gis.download": {"id": "Unduh GIS", "en": "GIS download"},
    "gis.gpkg": {"id": "GeoPackage (QGIS)", "en": "GeoPackage (QGIS)"},
    "gis.geojson": {"id": "GeoJSON", "en": "GeoJSON"},
    "gis.failed": {"id": "Ekspor GIS gagal: {msg}", "en": "GIS export failed: {msg}"},
    "protect.small_counts": {"id": "Lindungi jumlah kecil", "en": "Protect small counts"},
    "protect.threshold": {"id": "ambang", "en": "threshold"},
}
