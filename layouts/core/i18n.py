"""Messages in Bahasa Indonesia (default) and English.

Numbers, percentages and months are formatted by :mod:`analytics.formatting` (one function
per kind of value); ``fmt_int``, ``fmt_pct``, ``fmt_pp``, ``fmt_target`` and ``fmt_month``
below are its functions under their older names.
"""

from __future__ import annotations

from typing import Final

from analytics import formatting
from layouts.core.catalogs.map import MAP_MESSAGES
from layouts.core.catalogs.nav import NAV_MESSAGES
from layouts.core.catalogs.outreach import OUTREACH_MESSAGES
from layouts.core.catalogs.profile import PROFILE_MESSAGES
from layouts.core.catalogs.quality import QUALITY_MESSAGES
from layouts.core.catalogs.trends import TREND_MESSAGES
from layouts.core.catalogs.upload import UPLOAD_MESSAGES

LANGS: Final = ("id", "en")
DEFAULT_LANG: Final = "id"

MESSAGES: Final[dict[str, dict[str, str]]] = {
    "product": {"id": "Cakupan", "en": "Cakupan"},
    "tagline": {
        "id": "Cakupan BPJS Ketenagakerjaan per wilayah",
        "en": "BPJS Ketenagakerjaan coverage by area",
    },
    "nav.map": {"id": "Peta cakupan", "en": "Coverage map"},
    "nav.trends": {"id": "Tren", "en": "Trends"},
    "nav.quality": {"id": "Kualitas data", "en": "Data quality"},
    "nav.method": {"id": "Metode", "en": "Method"},
    "nav.profile": {"id": "Profil desa", "en": "Village profile"},
    "nav.not_found": {"id": "Halaman tidak ditemukan", "en": "Page not found"},
    "not_found.text": {
        "id": "Alamat {path} tidak ada di Cakupan. Pilih halaman di menu atas, atau buka",
        "en": "The address {path} does not exist in Cakupan. Choose a page in the menu "
        "above, or open",
    },
    "demo_badge": {"id": "Data sintetis (demo)", "en": "Synthetic data (demo)"},
    "no_store": {
        "id": "Belum ada data olahan di {path}. Jalankan `make run` (demo) atau "
        "`cakupan build ... --out {path}` lalu muat ulang halaman ini.",
        "en": "No processed data in {path}. Run `make run` (demo) or "
        "`cakupan build ... --out {path}`, then reload this page.",
    },
    "store.unavailable": {
        "id": "Data olahan sedang tidak tersedia (belum dibangun, rusak, atau sedang diganti). "
        "Hubungi admin Cakupan; halaman ini kembali normal setelah data dipulihkan, "
        "muat ulang nanti.",
        "en": "The processed data is not available right now (not built yet, damaged or being "
        "replaced). Contact your Cakupan administrator; this page works again once the data "
        "is back, reload it later.",
    },
    "store.damaged_admin": {
        "id": "Berkas data olahan {path} tidak dapat dibaca ({reason}). Bangun ulang dengan "
        "`cakupan build ... --out {store}` (demo: `make run`) atau pulihkan salinannya; "
        "aplikasi memakainya lagi tanpa dimulai ulang.",
        "en": "The processed data file {path} cannot be read ({reason}). Rebuild it with "
        "`cakupan build ... --out {store}` (demo: `make run`) or restore a copy; the app uses "
        "it again without a restart.",
    },
    "month": {"id": "Bulan", "en": "Month"},
    "segment": {"id": "Segmen", "en": "Segment"},
    "seg.ALL": {"id": "Semua", "en": "All"},
    "seg.PU": {"id": "PU (penerima upah)", "en": "PU (wage earners)"},
    "seg.BPU": {"id": "BPU (bukan penerima upah)", "en": "BPU (informal workers)"},
    "seg.JAKON": {"id": "Jasa konstruksi", "en": "Construction"},
    "seg.PMI": {"id": "Pekerja migran", "en": "Migrant workers"},
    "classification": {"id": "Klasifikasi", "en": "Classification"},
    "scheme.quantiles": {"id": "Kuantil", "en": "Quantiles"},
    "scheme.equal_interval": {"id": "Interval sama", "en": "Equal intervals"},
    "scheme.natural_breaks": {"id": "Jeda alami (Jenks)", "en": "Natural breaks (Jenks)"},
    "scheme.targets": {"id": "Pita target", "en": "Target bands"},
    "classes": {"id": "Jumlah kelas", "en": "Classes"},
    "layer": {"id": "Lapisan", "en": "Layer"},
    "layer.coverage": {"id": "Cakupan (%)", "en": "Coverage (%)"},
    "layer.gap": {"id": "Pekerja belum terlindungi", "en": "Uncovered workers"},
    "labels": {"id": "Tampilkan nama", "en": "Show names"},
    "level": {"id": "Tingkat", "en": "Level"},
    "level.provinsi": {"id": "Provinsi", "en": "Province"},
    "level.kabupaten": {"id": "Kabupaten/kota", "en": "Regency/city"},
    "level.kecamatan": {"id": "Kecamatan", "en": "District"},
    "level.desa": {"id": "Desa/kelurahan", "en": "Village"},
    "all_areas": {"id": "Semua wilayah", "en": "All areas"},
    "legend": {"id": "Cakupan", "en": "Coverage"},
    "no_data": {"id": "Tidak ada data", "en": "No data"},
    "over_100": {"id": "> 100% (periksa data)", "en": "> 100% (check data)"},
    "name": {"id": "Nama", "en": "Name"},
    "code": {"id": "Kode", "en": "Code"},
    "active": {"id": "Peserta aktif", "en": "Active members"},
    "eligible": {"id": "Pekerja (penyebut)", "en": "Workers (denominator)"},
    "coverage": {"id": "Cakupan", "en": "Coverage"},
    "uncovered": {"id": "Belum terlindungi", "en": "Uncovered"},
    "change_mom": {"id": "Perubahan 1 bulan", "en": "Change over 1 month"},
    "change_yoy": {"id": "Perubahan 12 bulan", "en": "Change over 12 months"},
    "flags": {"id": "Catatan data", "en": "Data flags"},
    "rank": {"id": "Peringkat", "en": "Rank"},
    "flag.over_100": {"id": "> 100%", "en": "> 100%"},
    "flag.missing_eligible": {"id": "tanpa penyebut", "en": "no denominator"},
    "flag.partial_eligible": {"id": "penyebut sebagian", "en": "partial denominator"},
    "flag.partial_eligible_n": {
        "id": "penyebut sebagian: cakupan dihitung dari {n} peserta aktif di desa yang punya "
        "data angkatan kerja",
        "en": "partial denominator: coverage counts the {n} active members of the villages "
        "with workforce data",
    },
    "projection": {"id": "Proyeksi capai target", "en": "Projected to reach target"},
    "target": {"id": "Target", "en": "Target"},
    "reached": {"id": "Sudah tercapai", "en": "Already reached"},
    "not_reached": {
        "id": "Tidak tercapai dengan laju sekarang",
        "en": "Not at the current pace",
    },
    "pace": {"id": "Laju 12 bulan", "en": "12-month pace"},
    "target.control": {"id": "Target cakupan", "en": "Coverage target"},
    "target.full": {"id": "100%", "en": "100%"},
    "target.ucj": {"id": "Target UCJ ({pct})", "en": "UCJ target ({pct})"},
    "target.custom": {"id": "Angka lain (0–100)", "en": "Other number (0–100)"},
    "per_month": {"id": "pp/bulan", "en": "pp/month"},
    "vs_prev_month": {"id": "vs bulan lalu", "en": "vs last month"},
    "vs_prev_year": {"id": "vs tahun lalu", "en": "vs last year"},
    "villages_note": {
        "id": "{n} dari {total} desa punya penyebut",
        "en": "{n} of {total} villages have a denominator",
    },
    "table_title": {
        "id": "Wilayah menurut pekerja belum terlindungi",
        "en": "Areas by uncovered workers",
    },
    "method_link": {"id": "Definisi", "en": "Definition"},
    "unknown": {"id": "—", "en": "—"},
    "click_hint": {
        "id": "Klik wilayah untuk masuk ke tingkat berikutnya; klik desa untuk membuka profilnya.",
        "en": "Click an area to drill down; click a village to open its profile.",
    },
    # Trends
    "trend.title": {"id": "Tren cakupan", "en": "Coverage trend"},
    "trend.area": {"id": "Wilayah", "en": "Area"},
    "trend.compare": {"id": "Bandingkan dengan wilayah", "en": "Compare with area"},
    "trend.compare_segment": {"id": "Bandingkan dengan segmen", "en": "Compare with segment"},
    "trend.none": {"id": "(tidak ada)", "en": "(none)"},
    "trend.projection": {"id": "Proyeksi laju saat ini", "en": "Projection at current pace"},
    "trend.sub_areas": {"id": "Sub-wilayah", "en": "Sub-areas"},
    "trend.sub_areas_capped": {
        "id": "{shown} dari {total} dengan cakupan terendah pada {month}, terendah lebih dulu;"
        " pilih wilayah untuk melihat yang lain",
        "en": "the {shown} of {total} with the lowest coverage in {month}, lowest first;"
        " choose an area to see the others",
    },
    "trend.search_hint": {
        "id": "Ketik nama atau kode untuk mencari kecamatan dan desa",
        "en": "Type a name or code to find kecamatan and villages",
    },
    # Quality
    "quality.title": {
        "id": "Rekonsiliasi build terakhir",
        "en": "Reconciliation of the last build",
    },
    "quality.files": {"id": "Per berkas", "en": "Per file"},
    "quality.files_province": {
        "id": "Hitungan per berkas mencakup seluruh provinsi, termasuk wilayah di luar akses "
        "Anda, sehingga hanya ditampilkan untuk admin. Hitungan wilayah Anda ada di bawah.",
        "en": "Counts per file cover the whole province, areas outside yours included, so "
        "only admins see them. Your areas' counts are below.",
    },
    "quality.kabupaten_none": {
        "id": "Hitungan per kabupaten/kota mencakup wilayah di luar akses Anda (lebih kecil "
        "dari satu kabupaten/kota), sehingga tidak ditampilkan. Desa yang ditandai ada di "
        "bawah.",
        "en": "Counts per kabupaten/kota cover areas outside yours (smaller than one "
        "kabupaten/kota), so they are not shown. The flagged villages are below.",
    },
    "quality.kabupaten": {"id": "Per kabupaten/kota", "en": "Per regency/city"},
    "quality.flags": {"id": "Desa yang ditandai", "en": "Flagged villages"},
    "quality.identity": {
        "id": "Baris masuk = cocok + tidak cocok + ditolak + duplikat",
        "en": "Rows in = matched + unmatched + rejected + duplicates",
    },
    "rows_in": {"id": "Baris masuk", "en": "Rows in"},
    "matched": {"id": "Cocok", "en": "Matched"},
    "matched_by_code": {"id": "Cocok (kode)", "en": "Matched (code)"},
    "matched_by_name": {"id": "Cocok (nama)", "en": "Matched (name)"},
    "unmatched": {"id": "Tidak cocok", "en": "Unmatched"},
    "rejected": {"id": "Ditolak", "en": "Rejected"},
    "duplicates": {"id": "Duplikat", "en": "Duplicates"},
    "reasons": {"id": "Alasan", "en": "Reasons"},
    "file": {"id": "Berkas", "en": "File"},
    "unmatched_share": {"id": "Porsi tidak cocok", "en": "Unmatched share"},
    "flag": {"id": "Tanda", "en": "Flag"},
    "months_flagged": {"id": "Bulan ditandai", "en": "Months flagged"},
    "segments": {"id": "Segmen", "en": "Segments"},
    "reason.unknown_code": {"id": "kode desa tidak dikenal", "en": "unknown village code"},
    "reason.unknown_name": {"id": "nama desa tidak dikenal", "en": "unknown village name"},
    "reason.ambiguous_name": {"id": "nama desa ambigu", "en": "ambiguous village name"},
    "reason.no_location": {"id": "tanpa lokasi", "en": "no location"},
    "reason.no_identity": {"id": "tanpa KPJ/NIK", "en": "no KPJ/NIK"},
    "reason.missing_registration_date": {
        "id": "tanggal kepesertaan kosong",
        "en": "missing registration date",
    },
    "reason.invalid_registration_date": {
        "id": "tanggal kepesertaan tidak sah",
        "en": "invalid registration date",
    },
    "reason.unknown_segment": {"id": "segmen tidak dikenal", "en": "unknown segment"},
    "reason.end_before_registration": {
        "id": "tanggal nonaktif sebelum kepesertaan",
        "en": "end date before registration",
    },
    # Method
    "method.title": {"id": "Catatan metode", "en": "Method notes"},
    "method.numerator": {"id": "Pembilang", "en": "Numerator"},
    "method.denominator": {"id": "Penyebut", "en": "Denominator"},
    "method.source": {"id": "Sumber", "en": "Source"},
    "method.data_date": {"id": "Data sampai", "en": "Data until"},
    "method.built_at": {"id": "Diolah pada", "en": "Built at"},
    # Data intake (/unggah), admins only
    "nav.upload": {"id": "Unggah data", "en": "Upload data"},
    "upload.title": {"id": "Unggah data", "en": "Upload data"},
    "upload.intro": {
        "id": "Unggah berkas, uji coba rekonsiliasinya, lalu terapkan untuk membangun ulang data.",
        "en": "Upload files, dry-run their reconciliation, then commit to rebuild the data.",
    },
    "upload.admin_only": {
        "id": "Halaman ini hanya untuk admin.",
        "en": "This page is for administrators only.",
    },
    "upload.kind.registry": {"id": "Kepesertaan (boleh beberapa)", "en": "Registries (several)"},
    "upload.kind.workforce": {"id": "Tenaga kerja (penyebut)", "en": "Workforce (denominator)"},
    "upload.kind.boundaries": {"id": "Batas desa", "en": "Village boundaries"},
    "upload.kind.roster": {"id": "Daftar Bhabinkamtibmas", "en": "Officer roster"},
    "upload.kind.events": {"id": "Kegiatan sosialisasi", "en": "Outreach events"},
    "upload.drop": {
        "id": "Seret berkas ke sini atau klik ({types})",
        "en": "Drop or click ({types})",
    },
    "upload.saved": {"id": "{name}: disimpan ({sha})", "en": "{name}: saved ({sha})"},
    "upload.exists": {
        "id": "{name}: sudah ada ({sha}), tidak ada yang ditambahkan",
        "en": "{name}: already there ({sha}), nothing added",
    },
    "upload.refused": {"id": "Ditolak: {reason}", "en": "Refused: {reason}"},
    "upload.removed": {"id": "{name}: dihapus", "en": "{name}: removed"},
    "upload.none": {"id": "Belum ada berkas.", "en": "No file yet."},
    "upload.remove": {"id": "Hapus", "en": "Remove"},
    "upload.dry_run": {"id": "Uji coba (dry run)", "en": "Dry run"},
    "upload.commit": {"id": "Terapkan (commit)", "en": "Commit"},
    "upload.dry_run_note": {
        "id": "Uji coba: belum ada yang disimpan ke data.",
        "en": "Dry run: nothing has been written to the data.",
    },
    "upload.workforce_counts": {
        "id": "Tenaga kerja: {rows_in} baris, {accepted} diterima, {rejected} ditolak {reasons}",
        "en": "Workforce: {rows_in} rows, {accepted} accepted, {rejected} rejected {reasons}",
    },
    "upload.failed": {"id": "Gagal: {reason}", "en": "Failed: {reason}"},
    "upload.job.queued": {"id": "Menunggu giliran…", "en": "Queued…"},
    "upload.job.running": {
        "id": "Membangun ulang: {step} ({pct}%)",
        "en": "Rebuilding: {step} ({pct}%)",
    },
    "upload.job.done": {
        "id": "Data dibangun ulang: {rows_in} baris, {matched} cocok, {unmatched} tidak cocok, "
        "{rejected} ditolak, {duplicates} duplikat.",
        "en": "Data rebuilt: {rows_in} rows, {matched} matched, {unmatched} unmatched, "
        "{rejected} rejected, {duplicates} duplicates.",
    },
    "upload.job.unknown": {"id": "Tugas tidak ditemukan.", "en": "Job not found."},
    **MAP_MESSAGES,
    **OUTREACH_MESSAGES,
    **QUALITY_MESSAGES,
    **UPLOAD_MESSAGES,
    **NAV_MESSAGES,
    **PROFILE_MESSAGES,
    **TREND_MESSAGES,
}


def lang_or_default(lang: object) -> str:
    return lang if isinstance(lang, str) and lang in LANGS else DEFAULT_LANG


def t(message_id: str, lang: str, **values: object) -> str:
    """The message in ``lang``; unknown ids come back as themselves (visible, never a crash)."""
    entry = MESSAGES.get(message_id)
    if entry is None:
        return message_id
    text = entry.get(lang_or_default(lang), entry[DEFAULT_LANG])
    return text.format(**values) if values else text


# The formatters live once, in analytics.formatting (screens, exports and the PDF report
# share them); these names are kept for the pages that format through the catalog module.
fmt_int = formatting.count
fmt_pct = formatting.percent
fmt_pp = formatting.pp
fmt_target = formatting.target
fmt_month = formatting.month


def flags_text(flags: object, lang: str, counted: object = None) -> str:
    """An area's quality flags (space-separated codes) in words, as the table, the hover
    and the village detail write them; with a partial denominator, ``counted`` (the
    actives of the villages with a denominator) says what the coverage is made of."""
    out = []
    for flag in str(flags or "").split():
        if flag == "partial_eligible" and counted is not None and counted == counted:
            out.append(t("flag.partial_eligible_n", lang, n=formatting.count(counted, lang)))
        else:
            out.append(t(f"flag.{flag}", lang))
    return ", ".join(out)
