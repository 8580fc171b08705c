"""Words of the outreach plan files (XLSX workbooks, PDF briefings) in Bahasa Indonesia
(the default) and English, as :mod:`analytics.report.text` keeps the report's.

:func:`words` looks up one label or sentence (``{name}`` fields filled in);
:func:`headers` gives a table's column headers and :func:`basis_labels` the proposal
bases. Numbers and dates are not formatted here: :mod:`analytics.formatting` does that.
"""

from __future__ import annotations

from typing import Final

from analytics import formatting

#: The files' default language (``cakupan plan --lang``; the app passes the user's).
LANG: Final = "id"

Pair = tuple[str, str]

_HEADERS: Final[dict[str, dict[str, Pair]]] = {
    "schedule": {
        "week": ("Minggu ke", "Week"),
        "week_start": ("Mulai minggu", "Week starting"),
        "nrp": ("NRP", "NRP"),
        "name": ("Nama Bhabinkamtibmas", "Bhabinkamtibmas name"),
        "village_code": ("Kode desa", "Village code"),
        "village_name": ("Desa/kelurahan", "Village"),
        "visit": ("Kunjungan ke", "Visit no."),
        "priority_rank": ("Peringkat prioritas", "Priority rank"),
        "score": ("Skor prioritas (0-100)", "Priority score (0-100)"),
        "uncovered": ("Pekerja informal belum terlindungi", "Informal workers not covered"),
        "coverage_pct": ("Cakupan BPU (%)", "BPU coverage (%)"),
        "expected_registrations": ("Perkiraan pendaftaran", "Expected registrations"),
    },
    "summary": {
        "nrp": ("NRP", "NRP"),
        "name": ("Nama", "Name"),
        "rank": ("Pangkat", "Rank"),
        "polsek": ("Polsek", "Polsek"),
        "phone": ("Telepon kantor Polsek", "Polsek office phone"),
        "villages": ("Jumlah desa binaan", "Assigned villages"),
        "village_names": ("Desa binaan", "Village names"),
        "capacity": ("Kapasitas kunjungan", "Visit capacity"),
        "visits_planned": ("Kunjungan direncanakan", "Visits planned"),
        "first_visits": ("Kunjungan pertama", "First visits"),
        "spare": ("Kapasitas tersisa", "Spare capacity"),
        "reserved": ("Dicadangkan untuk desa tanpa Bhabin", "Reserved for unassigned villages"),
        "expected_registrations": ("Perkiraan pendaftaran", "Expected registrations"),
    },
    "unassigned": {
        "village_code": ("Kode desa", "Village code"),
        "village_name": ("Desa/kelurahan", "Village"),
        "priority_rank": ("Peringkat prioritas", "Priority rank"),
        "score": ("Skor prioritas (0-100)", "Priority score (0-100)"),
        "uncovered": ("Pekerja informal belum terlindungi", "Informal workers not covered"),
        "coverage_pct": ("Cakupan BPU (%)", "BPU coverage (%)"),
        "high_priority": ("Prioritas tinggi", "High priority"),
        "proposed_nrp": ("Usulan NRP", "Proposed NRP"),
        "proposed_name": ("Usulan Bhabinkamtibmas", "Proposed Bhabinkamtibmas"),
        "basis": ("Dasar usulan", "Basis of proposal"),
        "distance_km": ("Jarak (km)", "Distance (km)"),
        "alternatives": ("Alternatif", "Alternatives"),
        "explanation": ("Alasan prioritas", "Why this priority"),
    },
    "priority": {
        "rank": ("Peringkat prioritas", "Priority rank"),
        "village_code": ("Kode desa", "Village code"),
        "village_name": ("Desa/kelurahan", "Village"),
        "kecamatan_code": ("Kode kecamatan", "District code"),
        "month": ("Bulan", "Month"),
        "active": ("Peserta BPU aktif", "Active BPU members"),
        "eligible": ("Pekerja informal (penyebut)", "Informal workers (denominator)"),
        "uncovered": ("Pekerja informal belum terlindungi", "Informal workers not covered"),
        "coverage_pct": ("Cakupan BPU (%)", "BPU coverage (%)"),
        "net_growth_12m": ("Pertumbuhan bersih 12 bulan", "Net growth, 12 months"),
        "years_to_close": ("Tahun untuk menutup kesenjangan", "Years to close the gap"),
        "last_event": ("Sosialisasi terakhir", "Last outreach event"),
        "months_since_event": ("Bulan sejak sosialisasi", "Months since the event"),
        "gap_norm": ("Nilai kesenjangan (0-1)", "Gap score (0-1)"),
        "coverage_norm": ("Nilai cakupan (0-1)", "Coverage score (0-1)"),
        "pace_norm": ("Nilai laju (0-1)", "Pace score (0-1)"),
        "recency_norm": ("Nilai kebaruan (0-1)", "Recency score (0-1)"),
        "score": ("Skor prioritas (0-100)", "Priority score (0-100)"),
        "explanation": ("Alasan prioritas", "Why this priority"),
    },
    "polsek_summary": {
        "polsek": ("Polsek", "Polsek"),
        "sheet": ("Lembar", "Sheet"),
        "officers": ("Bhabinkamtibmas", "Bhabinkamtibmas"),
        "villages": ("Desa binaan", "Assigned villages"),
        "visits_planned": ("Kunjungan direncanakan", "Visits planned"),
        "first_visits": ("Kunjungan pertama", "First visits"),
        "expected_registrations": ("Perkiraan pendaftaran", "Expected registrations"),
        "unassigned": (
            "Desa tanpa Bhabin (di kecamatan Polsek)",
            "Unassigned villages (in the Polsek's districts)",
        ),
    },
}

_BASIS: Final[dict[str, Pair]] = {
    "adjacent": ("desa bersebelahan", "adjacent village"),
    "distance": ("jarak terdekat", "nearest distance"),
    "capacity": ("kapasitas tersisa", "spare capacity"),
}

_WORDS: Final[dict[str, Pair]] = {
    # Sheet names (at most 31 characters, Excel's limit).
    "sheet.schedule": ("Jadwal", "Schedule"),
    "sheet.summary": ("Ringkasan", "Summary"),
    "sheet.officers": ("Petugas", "Officers"),
    "sheet.unassigned": ("Desa tanpa Bhabin", "Unassigned villages"),
    "sheet.notes": ("Keterangan", "Notes"),
    # The notes sheet.
    "note.scope": ("Cakupan rencana", "Plan scope"),
    "note.start": ("Mulai", "Start"),
    "note.weeks": ("Jumlah minggu", "Weeks"),
    "note.capacity": ("Kunjungan per Bhabinkamtibmas per minggu", "Visits per officer per week"),
    "note.conversion": ("Perkiraan pendaftaran per kunjungan", "Expected registrations per visit"),
    "note.per_polsek": ("Lembar per Polsek", "Sheet per Polsek"),
    "note.per_polsek_text": (
        "Bagian Polsek itu dari rencana Polres (peringkat prioritas di seluruh Polres), "
        "sama dengan tabel halaman Penjangkauan untuk (semua Polsek).",
        "That Polsek's part of the Polres plan (priority ranks across the whole Polres), "
        "the same as the Outreach page's table for (all Polsek).",
    ),
    "note.method": ("Metode", "Method"),
    "note.method_text": (
        "Skor prioritas berbobot dari empat faktor: pekerja informal belum terlindungi, "
        "cakupan BPU rendah, laju kenaikan lambat dan lama sejak kunjungan terakhir (bobot "
        "dipilih di halaman Penjangkauan aplikasi Cakupan). Jadwal hanya di desa binaan "
        "setiap Bhabinkamtibmas, tidak ke desa yang sama dua kali dalam satu minggu.",
        "A weighted priority score of four factors: informal workers not covered, low BPU "
        "coverage, slow growth and time since the last visit (weights chosen on the "
        "Outreach page of the Cakupan app). Visits only to each officer's own villages, "
        "never the same village twice in a week.",
    ),
    "total": ("Jumlah", "Total"),
    # The PDF briefing.
    "pdf.title": (
        "Lembar Pengarahan Bhabinkamtibmas — {unit}",
        "Bhabinkamtibmas Briefing — {unit}",
    ),
    "pdf.doc_title": ("Lembar pengarahan {unit}", "Briefing {unit}"),
    "pdf.doc_title_all": (
        "Lembar pengarahan {unit} (semua Polsek)",
        "Briefing {unit} (all Polsek)",
    ),
    "pdf.subject": (
        "Rencana penjangkauan {scope}, {weeks} minggu mulai {start}",
        "Outreach plan {scope}, {weeks} weeks from {start}",
    ),
    "pdf.plan_line": (
        "{weeks} minggu mulai {start}, {capacity} kunjungan per minggu. Perkiraan: {conversion}.",
        "{weeks} weeks from {start}, {capacity} visits per week. Expected: {conversion}.",
    ),
    "pdf.polsek_count": ("{n} Polsek.", "{n} Polsek."),
    "pdf.contact": ("Kontak:", "Contact:"),
    "pdf.contact_text": ("telepon kantor Polsek {phone}", "Polsek office phone {phone}"),
    "pdf.villages": ("Desa binaan:", "Assigned villages:"),
    "pdf.col.week": ("Minggu", "Week"),
    "pdf.col.date": ("Tanggal", "Date"),
    "pdf.col.village": ("Desa/kelurahan", "Village"),
    "pdf.col.visit": ("Kunj.", "Visit"),
    "pdf.col.uncovered": ("Pekerja informal\nbelum terlindungi", "Informal workers\nnot covered"),
    "pdf.col.coverage": ("Cakupan\nBPU", "BPU\ncoverage"),
    "pdf.col.expected": ("Perkiraan\npendaftaran", "Expected\nregistrations"),
    "pdf.col.rank": ("Peringkat", "Rank"),
    "pdf.col.not_covered": ("Belum\nterlindungi", "Not\ncovered"),
    "pdf.col.coverage_short": ("Cakupan", "Coverage"),
    "pdf.col.proposal": ("Usulan petugas", "Proposed officer"),
    "pdf.col.officers": ("Bhabin-\nkamtibmas", "Bhabin-\nkamtibmas"),
    "pdf.col.villages": ("Desa\nbinaan", "Assigned\nvillages"),
    "pdf.col.visits": ("Kunjungan", "Visits"),
    "pdf.note": (
        "Catatan: kunjungi desa sesuai urutan; desa dikunjungi ulang hanya setelah semua "
        "desa binaan dikunjungi. Jangan mencatat data pribadi peserta pada lembar ini.",
        "Note: visit the villages in this order; a village is visited again only after all "
        "assigned villages have been visited. Do not write members' personal data on this "
        "sheet.",
    ),
    "pdf.unassigned_title": (
        "Desa tanpa Bhabinkamtibmas — {unit}",
        "Villages without a Bhabinkamtibmas — {unit}",
    ),
    "pdf.basis.adjacent": ("bersebelahan", "adjacent"),
    "pdf.basis.capacity": ("kapasitas tersisa", "spare capacity"),
    "pdf.no_capacity": (
        "tidak ada petugas dengan kapasitas tersisa",
        "no officer with spare capacity",
    ),
    "pdf.low_priority": ("prioritas rendah (tidak diusulkan)", "low priority (not proposed)"),
    "pdf.no_plan": ("Tidak ada rencana untuk {unit}.", "No plan for {unit}."),
    "footer.data_until": ("Data per {date}", "Data as of {date}"),
    "footer.demo": ("DATA SINTETIS (demo)", "SYNTHETIC DATA (demo)"),
    "footer.page_of": ("Halaman {page} dari {pages}", "Page {page} of {pages}"),
}


def _index(lang: object) -> int:
    return 1 if formatting.lang_of(lang) == "en" else 0


def words(key: str, lang: str = LANG, **values: object) -> str:
    """The files' text ``key`` in ``lang``, with ``values`` filled in."""
    text = _WORDS[key][_index(lang)]
    return text.format(**values) if values else text


def headers(table: str, lang: str = LANG) -> dict[str, str]:
    """Column -> header of ``table`` (``schedule``, ``summary``, ``unassigned``,
    ``priority``, ``polsek_summary``) in ``lang``."""
    i = _index(lang)
    return {column: pair[i] for column, pair in _HEADERS[table].items()}


def basis_labels(lang: str = LANG) -> dict[str, str]:
    """The basis of a proposed officer (``adjacent``, ``distance``, ``capacity``) in ``lang``."""
    i = _index(lang)
    return {basis: pair[i] for basis, pair in _BASIS.items()}
