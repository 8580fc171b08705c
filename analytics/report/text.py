"""Words and number formats of the area report (Bahasa Indonesia)."""

from __future__ import annotations

import math
from typing import Any, Final

import pandas as pd
from babel.dates import format_date

from analytics.suppression import MARK

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


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def num(value: Any, digits: int = 0) -> str:
    """``1.234.567`` / ``12,5``; ``s`` stays ``s``; an en dash when unknown."""
    if isinstance(value, str):
        return value
    if _missing(value):
        return "–"
    text = f"{float(value):,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def pct(value: Any, digits: int = 1) -> str:
    text = num(value, digits)
    return text if text in ("–", MARK) else text + "%"


def pp(value: Any) -> str:
    if isinstance(value, str) or _missing(value):
        return num(value)
    return ("+" if float(value) >= 0 else "") + num(value, 1) + " pp"


def month_long(month: Any) -> str:
    return str(format_date(pd.Timestamp(month).date(), "MMMM y", locale="id"))
