"""Words of the area report (Bahasa Indonesia); numbers go through analytics.formatting."""

from __future__ import annotations

from typing import Any, Final

from analytics import formatting

#: The report is written in Bahasa Indonesia.
LANG: Final = "id"

LEVEL_NAMES: Final = {
    "provinsi": "Provinsi",
    "kabupaten": "Kabupaten/kota",
    "kecamatan": "Kecamatan",
    "desa": "Desa/kelurahan",
}
SEGMENT_NAMES: Final = {
    "ALL": "Semua segmen",
    "PU": "PU (penerima upah)",
    "BPU": "BPU (bukan penerima upah)",
    "JAKON": "Jasa konstruksi",
    "PMI": "Pekerja migran",
}
METHOD_NOTES: Final = (
    (
        "Cakupan",
        "Peserta aktif pada akhir bulan dibagi jumlah pekerja (penyebut) di wilayah, dalam "
        "persen. Peserta dihitung menurut desa tempat tinggal yang tercatat di registri; "
        "satu orang dihitung sekali per segmen.",
    ),
    (
        "Penyebut",
        "Jumlah pekerja per desa dari sumber penyebut yang disebut di bawah. Desa tanpa "
        "penyebut tidak masuk perhitungan cakupan wilayah di atasnya (lihat kualitas data).",
    ),
    (
        "Belum terlindungi",
        "Penyebut dikurangi peserta aktif, tidak kurang dari nol. Cakupan di atas 100% adalah "
        "tanda masalah data (pembilang dan penyebut tidak cocok), bukan keberhasilan.",
    ),
    (
        "Kelas peta",
        "Pita target: <10, 10-25, 25-50, 50-75 dan >=75%. Setiap kelas [a; b) memuat batas "
        "bawah dan tidak memuat batas atas, kecuali kelas terakhir.",
    ),
    (
        "Proyeksi",
        "Laju = kemiringan kuadrat terkecil cakupan 12 bulan terakhir (pp per bulan). Bulan "
        "tercapainya target = cakupan terakhir ditambah laju x bulan; tidak tercapai bila "
        "laju nol atau turun.",
    ),
    (
        "Prioritas kunjungan",
        "Skor berbobot: pekerja informal belum terlindungi (0,5), cakupan BPU rendah (0,2), "
        "laju lambat (0,15) dan lama sejak kunjungan terakhir (0,15). Lihat docs/outreach.md.",
    ),
)


def num(value: Any, digits: int = 0) -> str:
    """``1.234.567`` / ``12,5`` (:func:`analytics.formatting.number`); ``s`` stays ``s``."""
    return value if isinstance(value, str) else formatting.number(value, LANG, digits)


def pct(value: Any, digits: int = formatting.PERCENT_DIGITS) -> str:
    """``15,2%`` (:func:`analytics.formatting.percent`); ``s`` stays ``s``."""
    return value if isinstance(value, str) else formatting.percent(value, LANG, digits)


def pp(value: Any) -> str:
    """``+0,1 pp`` (:func:`analytics.formatting.pp`); ``s`` stays ``s``."""
    return value if isinstance(value, str) else formatting.pp(value, LANG)


def pace(value: Any) -> str:
    """``+0,05 pp/bulan`` (:func:`analytics.formatting.pp_per_month`)."""
    return value if isinstance(value, str) else formatting.pp_per_month(value, LANG)


def month_long(month: Any) -> str:
    return formatting.month(month, LANG, long=True)
