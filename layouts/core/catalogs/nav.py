"""Messages of the header (who is logged in, log-out) and of the notice a page shows when
its address asked for something it cannot show (Bahasa Indonesia first, English too).
Merged into :data:`layouts.core.i18n.MESSAGES`."""

from __future__ import annotations

from typing import Final

_M: Final[dict[str, tuple[str, str]]] = {
    "nav.logout": ("Keluar", "Log out"),
    # background jobs (reports, outreach files, rebuilds)
    "job.expired": (
        "berkas sudah tidak disimpan lagi; buat ulang",
        "the file is no longer kept; make it again",
    ),
    "job.unknown": (
        "tugas ini tidak dikenal (server dimulai ulang?); coba lagi",
        "this job is not known (was the server restarted?); try again",
    ),
    "job.internal": (
        "kesalahan di server (sudah dicatat); coba lagi atau hubungi admin",
        "an error on the server (logged); try again or ask the admin",
    ),
    "nav.user_label": ("Masuk sebagai", "Logged in as"),
    "role.admin": ("Admin", "Admin"),
    "role.branch": ("Kantor cabang", "Branch office"),
    "role.police": ("Kepolisian", "Police"),
    "role.viewer": ("Tamu (lihat saja)", "Guest (view only)"),
    "territory.all": ("seluruh wilayah", "all areas"),
    "view.notice.title": (
        "Alamat ini meminta tampilan yang tidak dapat ditampilkan.",
        "This address asks for a view that cannot be shown.",
    ),
    "view.notice.showing": ("Ditampilkan: {area}.", "Showing: {area}."),
    "view.outside": (
        "Wilayah {code} berada di luar wilayah akses Anda.",
        "Area {code} is outside the areas you may see.",
    ),
    "view.unknown_area": (
        "Wilayah {code} tidak ada dalam data.",
        "Area {code} is not in the data.",
    ),
    "view.bad.area": (
        "Kode wilayah “{value}” tidak sah (contoh: 35.07).",
        "Area code “{value}” is not valid (for example 35.07).",
    ),
    "view.bad.level": (
        "Tingkat “{value}” tidak dikenal (kabupaten, kecamatan atau desa).",
        "Level “{value}” is unknown (kabupaten, kecamatan or desa).",
    ),
    "view.bad.month": (
        "Bulan “{value}” tidak sah (bentuk TTTT-BB, contoh 2024-12).",
        "Month “{value}” is not valid (form YYYY-MM, for example 2024-12).",
    ),
    "view.month_missing": (
        "Bulan {month} tidak ada dalam data; bulan terakhir ditampilkan.",
        "Month {month} is not in the data; the latest month is shown.",
    ),
    "view.bad.other": (
        "Nilai “{value}” untuk {field} tidak sah; nilai bawaan dipakai.",
        "Value “{value}” for {field} is not valid; the default is used.",
    ),
    "view.unknown_polres": (
        "{name} tidak termasuk wilayah akses Anda atau tidak ada dalam daftar personel.",
        "{name} is not in the areas you may see or not in the officer roster.",
    ),
    "view.unknown_polsek": (
        "{name} tidak ada di {polres}.",
        "{name} is not in {polres}.",
    ),
}

NAV_MESSAGES: Final[dict[str, dict[str, str]]] = {
    key: {"id": id_text, "en": en_text} for key, (id_text, en_text) in _M.items()
}
