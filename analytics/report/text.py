"""Words of the area report in Bahasa Indonesia (the default) and English; numbers go
through analytics.formatting in the same language.

:func:`words` looks up one sentence or label of :data:`WORDS` (``{name}`` fields filled
in); :func:`level_name`, :func:`segment_name` and :func:`method_notes` give the names and
notes per language. The number helpers (:func:`num`, :func:`pct`, ...) take ``lang`` last,
Indonesian when left out.
"""

from __future__ import annotations

from typing import Any, Final

from analytics import formatting

#: The report's default language (``cakupan report --lang``; the app passes the user's).
LANG: Final = "id"

_LEVELS: Final[dict[str, tuple[str, str]]] = {
    "provinsi": ("Provinsi", "Province"),
    "kabupaten": ("Kabupaten/kota", "Regency/city"),
    "kecamatan": ("Kecamatan", "District"),
    "desa": ("Desa/kelurahan", "Village"),
}
_SEGMENTS: Final[dict[str, tuple[str, str]]] = {
    "ALL": ("Semua segmen", "All segments"),
    "PU": ("PU (penerima upah)", "PU (wage earners)"),
    "BPU": ("BPU (bukan penerima upah)", "BPU (non-wage earners)"),
    "JAKON": ("Jasa konstruksi", "Construction services"),
    "PMI": ("Pekerja migran", "Migrant workers"),
}
#: Kept for callers that read the Indonesian names directly.
LEVEL_NAMES: Final = {k: v[0] for k, v in _LEVELS.items()}
SEGMENT_NAMES: Final = {k: v[0] for k, v in _SEGMENTS.items()}

_METHOD: Final[tuple[tuple[tuple[str, str], tuple[str, str]], ...]] = (
    (
        ("Cakupan", "Coverage"),
        (
            "Peserta aktif pada akhir bulan dibagi jumlah pekerja (penyebut) di wilayah, dalam "
            "persen. Peserta dihitung menurut desa tempat tinggal yang tercatat di registri; "
            "satu orang dihitung sekali per segmen.",
            "Active members at the end of the month divided by the number of workers (the "
            "denominator) in the area, in percent. Members are counted by the village of "
            "residence recorded in the registry; one person counts once per segment.",
        ),
    ),
    (
        ("Penyebut", "Denominator"),
        (
            "Jumlah pekerja per desa dari sumber penyebut yang disebut di bawah. Desa tanpa "
            "penyebut tidak masuk perhitungan cakupan wilayah di atasnya (lihat kualitas data).",
            "Workers per village from the denominator source named below. Villages without "
            "a denominator are left out of the coverage of the areas above them (see data "
            "quality).",
        ),
    ),
    (
        ("Belum terlindungi", "Not covered"),
        (
            "Penyebut dikurangi peserta aktif, tidak kurang dari nol. Cakupan di atas 100% "
            "adalah tanda masalah data (pembilang dan penyebut tidak cocok), bukan keberhasilan.",
            "The denominator minus active members, never below zero. Coverage above 100% "
            "signals a data problem (numerator and denominator do not match), not a success.",
        ),
    ),
    (
        ("Kelas peta", "Map classes"),
        (
            "Pita target: <10, 10-25, 25-50, 50-75 dan >=75%. Setiap kelas [a; b) memuat batas "
            "bawah dan tidak memuat batas atas, kecuali kelas terakhir.",
            "Target bands: <10, 10-25, 25-50, 50-75 and >=75%. Each class [a; b) holds its "
            "lower bound and not its upper bound, except the last class.",
        ),
    ),
    (
        ("Proyeksi", "Projection"),
        (
            "Laju = kemiringan kuadrat terkecil cakupan 12 bulan terakhir (pp per bulan). Bulan "
            "tercapainya target = cakupan terakhir ditambah laju x bulan; tidak tercapai bila "
            "laju nol atau turun.",
            "Pace = least-squares slope of coverage over the last 12 months (pp per month). "
            "The month the target is reached = latest coverage plus pace x months; not "
            "reached when the pace is zero or falling.",
        ),
    ),
    (
        ("Prioritas kunjungan", "Visit priority"),
        (
            "Skor berbobot: pekerja informal belum terlindungi (0,5), cakupan BPU rendah (0,2), "
            "laju lambat (0,15) dan lama sejak kunjungan terakhir (0,15).",
            "Weighted score: informal workers not covered (0.5), low BPU coverage (0.2), slow "
            "pace (0.15) and time since the last visit (0.15).",
        ),
    ),
)
#: Kept for callers that read the Indonesian notes directly.
METHOD_NOTES: Final = tuple((term[0], text[0]) for term, text in _METHOD)

#: Every sentence and label of the PDF: key -> (Bahasa Indonesia, English).
_WORDS: Final[dict[str, tuple[str, str]]] = {
    # cover
    "cover.kicker": (
        "Laporan Cakupan Jaminan Sosial Ketenagakerjaan",
        "Employment Social Security Coverage Report",
    ),
    "cover.level_code": ("{level} · kode {code}", "{level} · code {code}"),
    "cover.period": ("Periode: <b>{month}</b>", "Period: <b>{month}</b>"),
    "cover.segment": ("Segmen: <b>{segment}</b>", "Segment: <b>{segment}</b>"),
    "cover.headline": (
        "Cakupan <b>{pct}</b> dari target {target}; <b>{uncovered}</b> pekerja belum terlindungi.",
        "Coverage <b>{pct}</b> against a target of {target}; <b>{uncovered}</b> workers not "
        "covered.",
    ),
    "cover.data_until": ("Data sampai: {value}", "Data until: {value}"),
    "cover.denominator": ("Penyebut: {value}", "Denominator: {value}"),
    "cover.generated": ("Dibuat: {day} dengan Cakupan", "Made: {day} with Cakupan"),
    "cover.protection": (
        "Perlindungan jumlah kecil aktif (ambang {threshold}): jumlah 1-{below} orang "
        "ditandai '{mark}'.",
        "Small-count protection on (threshold {threshold}): counts of 1-{below} people are "
        "marked '{mark}'.",
    ),
    "cover.synthetic": (
        "<b>DATA SINTETIS (demo): bukan data sebenarnya.</b>",
        "<b>SYNTHETIC DATA (demo): not real data.</b>",
    ),
    # KPIs
    "kpi.reached": ("sudah tercapai", "already reached"),
    "kpi.not_reached": ("tidak tercapai dengan laju sekarang", "not at the current pace"),
    "kpi.indicator": ("Indikator", "Indicator"),
    "kpi.value": ("Nilai", "Value"),
    "kpi.coverage": ("Cakupan", "Coverage"),
    "kpi.active": ("Peserta aktif", "Active members"),
    "kpi.eligible": ("Pekerja (penyebut)", "Workers (denominator)"),
    "kpi.uncovered": ("Belum terlindungi", "Not covered"),
    "kpi.mom": ("Perubahan 1 bulan", "1-month change"),
    "kpi.yoy": ("Perubahan 12 bulan", "12-month change"),
    "kpi.pace": ("Laju 12 bulan", "12-month pace"),
    "kpi.projection": ("Proyeksi capai target {target}", "Projected to reach {target}"),
    "kpi.villages": ("Desa dengan penyebut", "Villages with a denominator"),
    "kpi.of": ("{n} dari {total}", "{n} of {total}"),
    "kpi.segment": ("Segmen", "Segment"),
    "kpi.summary": ("Ringkasan · {area} · {month}", "Summary · {area} · {month}"),
    "kpi.by_segment": ("Peserta per segmen", "Members by segment"),
    "kpi.segment_note": (
        "PU = penerima upah; BPU = bukan penerima upah (pekerja informal). Segmen tanpa "
        "penyebut tidak punya angka cakupan.",
        "PU = wage earners; BPU = non-wage earners (informal workers). Segments without a "
        "denominator have no coverage figure.",
    ),
    # figures
    "fig.map": ("Peta cakupan desa · {month}", "Village coverage map · {month}"),
    "fig.map_note": (
        "Warna lebih gelap = cakupan lebih tinggi; nilai setiap desa ada di tabel berikut.",
        "Darker = higher coverage; every village's value is in the tables that follow.",
    ),
    "fig.trend": ("Tren cakupan, target dan proyeksi", "Coverage trend, target and projection"),
    "fig.trend_note": (
        "Garis utuh: cakupan bulanan; garis titik-titik: proyeksi pada laju 12 bulan "
        "terakhir; garis putus-putus: target.",
        "Solid line: monthly coverage; dotted line: projection at the pace of the last 12 "
        "months; dashed line: target.",
    ),
    # villages and sub-areas
    "vil.village": ("Desa/kelurahan", "Village"),
    "vil.kecamatan": ("Kecamatan", "District"),
    "vil.uncovered": ("Belum\nterlindungi", "Not\ncovered"),
    "vil.coverage": ("Cakupan", "Coverage"),
    "vil.active": ("Aktif", "Active"),
    "vil.eligible": ("Penyebut", "Denominator"),
    "vil.class": ("Kelas", "Class"),
    "vil.title": ("{n} desa dengan kesenjangan terbesar", "{n} villages with the largest gaps"),
    "vil.intro": (
        "Dari {total} desa/kelurahan di {area}, diurutkan menurut jumlah pekerja belum "
        "terlindungi (penyebut dikurangi peserta aktif).",
        "Of the {total} villages in {area}, ordered by workers not covered (the denominator "
        "minus active members).",
    ),
    "vil.none": (
        "Tidak ada desa dengan penyebut pada bulan ini.",
        "No village has a denominator in this month.",
    ),
    "vil.no_data": ("tanpa data", "no data"),
    "sub.code": ("Kode", "Code"),
    "sub.change": ("Perubahan\n12 bulan", "12-month\nchange"),
    "sub.title": ("Menurut {level}", "By {level}"),
    # outreach plan
    "plan.title": (
        "Rencana penjangkauan (Bhabinkamtibmas)",
        "Outreach plan (Bhabinkamtibmas)",
    ),
    "plan.none": (
        "Tidak ada data petugas untuk wilayah ini.",
        "No officer data for this area.",
    ),
    "plan.summary": (
        "{officers} Bhabinkamtibmas dari {polsek} Polsek membina {with_officer} dari "
        "{villages} desa. Sejak {since}: {events} kegiatan sosialisasi, {attendees} peserta "
        "hadir, {registrations} pendaftaran tercatat.",
        "{officers} Bhabinkamtibmas of {polsek} Polsek look after {with_officer} of "
        "{villages} villages. Since {since}: {events} outreach events, {attendees} attendees, "
        "{registrations} registrations recorded.",
    ),
    "plan.rank": ("Peringkat", "Rank"),
    "plan.uncovered": ("Belum terlindungi\n(BPU)", "Not covered\n(BPU)"),
    "plan.coverage": ("Cakupan BPU", "BPU coverage"),
    "plan.priority": ("Desa prioritas kunjungan", "Villages to visit first"),
    "plan.no_officer": (
        "Polsek '—': desa belum punya Bhabinkamtibmas.",
        "Polsek '—': the village has no Bhabinkamtibmas yet.",
    ),
    # data quality
    "q.check": ("Pemeriksaan", "Check"),
    "q.count": ("Jumlah", "Count"),
    "q.over_100": (
        "Desa dengan cakupan > 100% (periksa data)",
        "Villages with coverage > 100% (check the data)",
    ),
    "q.missing": ("Desa tanpa penyebut", "Villages without a denominator"),
    "q.matched_kab": (
        "Baris registri cocok ke desa (kabupaten ini)",
        "Registry rows placed in a village (this regency)",
    ),
    "q.unmatched_kab": (
        "Baris registri tidak cocok (kabupaten ini)",
        "Registry rows not placed (this regency)",
    ),
    "q.rows_in": ("Baris registri masuk (seluruh build)", "Registry rows in (whole build)"),
    "q.matched": ("  cocok", "  placed"),
    "q.unmatched": ("  tidak cocok", "  not placed"),
    "q.rejected": ("  ditolak", "  rejected"),
    "q.duplicates": ("  duplikat", "  duplicates"),
    "q.title": ("Kualitas data", "Data quality"),
    "q.intro": (
        "Setiap baris registri tercatat: cocok, tidak cocok, ditolak atau duplikat "
        "(baris masuk = cocok + tidak cocok + ditolak + duplikat). Rincian alasan ada di "
        "halaman Kualitas data pada dasbor.",
        "Every registry row is accounted for: placed, not placed, rejected or duplicate "
        "(rows in = placed + not placed + rejected + duplicates). The reasons are listed on "
        "the dashboard's Data quality page.",
    ),
    # method, footer, metadata
    "method.title": ("Catatan metode", "Method notes"),
    "method.sources": ("Sumber data.", "Data sources."),
    "footer.data_until": ("data sampai {value}", "data until {value}"),
    "footer.synthetic": ("DATA SINTETIS", "SYNTHETIC DATA"),
    "footer.page_of": ("Halaman {page} dari {pages}", "Page {page} of {pages}"),
    "doc.title": ("Laporan cakupan {area} {month}", "Coverage report {area} {month}"),
}


def lang_of(lang: object) -> str:
    """``lang`` when the report has it (``id``, ``en``), else Indonesian."""
    return formatting.lang_of(lang)


def words(key: str, lang: str = LANG, **values: object) -> str:
    """The report's text ``key`` in ``lang``, with ``values`` filled in."""
    text = _WORDS[key][1 if lang_of(lang) == "en" else 0]
    return text.format(**values) if values else text


def level_name(level: str, lang: str = LANG) -> str:
    names = _LEVELS.get(level)
    return level if names is None else names[1 if lang_of(lang) == "en" else 0]


def segment_name(segment: str, lang: str = LANG) -> str:
    names = _SEGMENTS.get(segment)
    return segment if names is None else names[1 if lang_of(lang) == "en" else 0]


def method_notes(lang: str = LANG) -> tuple[tuple[str, str], ...]:
    i = 1 if lang_of(lang) == "en" else 0
    return tuple((term[i], text[i]) for term, text in _METHOD)


def num(value: Any, digits: int = 0, lang: str = LANG) -> str:
    """``1.234.567`` / ``12,5`` (:func:`analytics.formatting.number`); ``s`` stays ``s``."""
    return value if isinstance(value, str) else formatting.number(value, lang, digits)


def pct(value: Any, digits: int = formatting.PERCENT_DIGITS, lang: str = LANG) -> str:
    """``15,2%`` (:func:`analytics.formatting.percent`); ``s`` stays ``s``."""
    return value if isinstance(value, str) else formatting.percent(value, lang, digits)


def pp(value: Any, lang: str = LANG) -> str:
    """``+0,1 pp`` (:func:`analytics.formatting.pp`); ``s`` stays ``s``."""
    return value if isinstance(value, str) else formatting.pp(value, lang)


def pace(value: Any, lang: str = LANG) -> str:
    """``+0,05 pp/bulan`` (:func:`analytics.formatting.pp_per_month`)."""
    return value if isinstance(value, str) else formatting.pp_per_month(value, lang)


def month_long(month: Any, lang: str = LANG) -> str:
    return formatting.month(month, lang, long=True)
