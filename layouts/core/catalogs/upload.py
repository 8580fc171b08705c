"""Messages of the intake page's dry run, commit confirmation, store versions and size
limit (Bahasa Indonesia first, English too). Merged into :data:`layouts.core.i18n.MESSAGES`."""

from __future__ import annotations

from typing import Final

_M: Final[dict[str, tuple[str, str]]] = {
    "upload.limit": ("Maks. {mb} MB per berkas", "At most {mb} MB per file"),
    "upload.too_large": (
        "Ditolak: berkas lebih besar dari batas {mb} MB; perkecil atau pecah berkasnya",
        "Refused: the file is larger than the limit of {mb} MB; make it smaller or split it",
    ),
    "upload.unreadable": (
        "Ditolak: {name}: berkas tidak dapat dibaca ({what})",
        "Refused: {name}: the file cannot be read ({what})",
    ),
    "upload.diff.title": ("Dibandingkan dengan data saat ini", "Compared with the current data"),
    "upload.diff.figure": ("Angka", "Figure"),
    "upload.diff.current": ("Saat ini", "Current"),
    "upload.diff.new": ("Baru", "New"),
    "upload.diff.change": ("Selisih", "Change"),
    "upload.diff.no_store": ("Belum ada data saat ini.", "No current data yet."),
    "upload.fig.rows_in": ("Baris masuk", "Rows in"),
    "upload.fig.matched": ("Cocok", "Matched"),
    "upload.fig.unmatched": ("Tidak cocok", "Unmatched"),
    "upload.fig.rejected": ("Ditolak", "Rejected"),
    "upload.fig.duplicates": ("Duplikat", "Duplicates"),
    "upload.fig.villages": ("Desa", "Villages"),
    "upload.loss": (
        "Peringatan: {file} kehilangan {lost} dari {rows_in} baris ({pct}): {reasons}",
        "Warning: {file} loses {lost} of {rows_in} rows ({pct}): {reasons}",
    ),
    "upload.reason.no_rows": (
        "Data baru tidak berisi satu baris pun.",
        "The new data has no row at all.",
    ),
    "upload.reason.file_loss": (
        "Sebuah berkas kehilangan lebih dari 5 % barisnya.",
        "A file loses more than 5 % of its rows.",
    ),
    "upload.reason.fewer_villages": (
        "Jumlah desa lebih sedikit dari data saat ini.",
        "Fewer villages than the current data.",
    ),
    "upload.reason.fewer_matched": (
        "Baris yang cocok turun lebih dari 5 % dibanding data saat ini.",
        "Matched rows fall by more than 5 % against the current data.",
    ),
    "upload.reason.outreach_lost": (
        "Data penjangkauan (Bhabinkamtibmas, kegiatan) saat ini tidak ada di data baru: pilih "
        "berkasnya agar tetap ada.",
        "The current outreach data (roster, events) is not in the new data: select its files "
        "to keep it.",
    ),
    "upload.origin.selected": ("dipilih", "selected"),
    "upload.origin.last_commit": ("dari penerapan terakhir", "from the last commit"),
    "upload.origin.store": ("dari data saat ini", "from the current data"),
    "upload.origins": ("Berkas yang dipakai: {parts}", "Files used: {parts}"),
    "upload.confirm": (
        "Saya sudah memeriksa selisihnya: terapkan walau data berkurang",
        "I have checked the difference: commit although data is lost",
    ),
    "upload.job.confirm": (
        "Belum diterapkan: data baru kehilangan data dibanding data saat ini. Periksa "
        "selisihnya, centang konfirmasi, lalu tekan Terapkan lagi.",
        "Not committed: the new data loses data against the current data. Check the "
        "difference, tick the confirmation, then press Commit again.",
    ),
    "upload.versions.title": ("Versi data sebelumnya", "Earlier data versions"),
    "upload.versions.none": ("Belum ada versi sebelumnya.", "No earlier version kept."),
    "upload.versions.label": (
        "{version} · {rows_in} baris · {matched} cocok · {villages} desa",
        "{version} · {rows_in} rows · {matched} matched · {villages} villages",
    ),
    "upload.versions.unreadable": ("{version} · tidak terbaca", "{version} · unreadable"),
    "upload.rollback": ("Kembalikan versi ini", "Roll back to this version"),
    "upload.rolled_back": (
        "Data kembali ke versi {version}; versi sebelumnya disimpan ({aside}).",
        "Data rolled back to version {version}; the previous one is kept ({aside}).",
    ),
}

#: The upload checks' refusals (analytics.io.upload_checks: InputError ``code`` + ``params``).
#: The columns an upload must have, named in the page's messages.
_FIELDS: Final[dict[str, tuple[str, str]]] = {
    "identity": ("nomor peserta (KPJ atau NIK)", "membership id (KPJ or NIK)"),
    "registered_on": ("tanggal kepesertaan", "registration date"),
    "location": ("lokasi desa (kode atau nama desa)", "village (code or name)"),
    "segment": ("segmen", "segment"),
    "workforce": ("angkatan kerja", "workforce"),
}

_ERR: Final[dict[str, tuple[str, str]]] = {
    "unknown_kind": ("{name}: jenis unggahan tidak dikenal", "{name}: unknown kind of upload"),
    "too_large": (
        "{name}: {size_mb} MB, lebih besar dari batas {limit_mb} MB",
        "{name}: {size_mb} MB, more than the limit of {limit_mb} MB",
    ),
    "empty": ("{name}: berkas kosong", "{name}: the file is empty"),
    "wrong_type": (
        "{name}: berkas jenis ini harus salah satu dari {types}",
        "{name}: a file of this kind must be one of {types}",
    ),
    "wrong_content": (
        "{name}: isinya bukan berkas {suffix} (jenis lain yang diganti namanya?)",
        "{name}: the content is not a {suffix} file (wrong type renamed?)",
    ),
    "binary": ("{name}: bukan berkas teks (isi biner)", "{name}: not a text file (binary content)"),
    "not_utf8": ("{name}: GeoJSON harus teks UTF-8", "{name}: GeoJSON must be UTF-8 text"),
    "unreadable_table": (
        "{name}: berkas tidak dapat dibaca sebagai tabel CSV/XLSX",
        "{name}: the file cannot be read as a CSV/XLSX table",
    ),
    "no_header": ("{name}: baris judul kolom tidak ditemukan", "{name}: no header row found"),
    "missing_column": (
        "{name}: kolom {field} tidak ditemukan (kolom yang ada: {found}). Beri kolom itu judul "
        "yang dikenali, misalnya {example}, lalu unggah lagi.",
        "{name}: no {field} column (columns found: {found}). Give that column a header that is "
        "recognised, e.g. {example}, and upload it again.",
    ),
    "no_content": (
        "unggahan tiba tanpa isi; coba lagi",
        "the upload arrived without content; try again",
    ),
    "damaged": (
        "unggahan tiba rusak (bukan base64); coba lagi",
        "the upload arrived damaged (not base64); try again",
    ),
    "unsafe_zip": (
        "{name}: arsip zip ditolak (jalur tidak aman, tautan, atau terlalu besar saat dibuka)",
        "{name}: zip archive refused (unsafe paths, links, or too large once unpacked)",
    ),
    "zip_entries": (
        "{name}: {n} isi arsip, lebih dari {most}",
        "{name}: {n} entries, more than {most}",
    ),
    "zip_absolute": (
        "{name}: isi {entry!r} memakai jalur absolut",
        "{name}: entry {entry!r} has an absolute path",
    ),
    "zip_leaves": (
        "{name}: isi {entry!r} keluar dari folder arsip",
        "{name}: entry {entry!r} leaves the archive folder",
    ),
    "zip_link": (
        "{name}: isi {entry!r} adalah tautan atau berkas khusus",
        "{name}: entry {entry!r} is a link or special file",
    ),
    "zip_type": (
        "{name}: isi {entry!r} bukan jenis berkas yang diharapkan ({types})",
        "{name}: entry {entry!r} is not an expected file type ({types})",
    ),
    "zip_total": (
        "{name}: lebih dari {limit_mb} MB setelah dibuka",
        "{name}: more than {limit_mb} MB once unpacked",
    ),
    "zip_ratio": (
        "{name}: isi {entry!r} terkompresi terlalu rapat (dicurigai bom zip)",
        "{name}: entry {entry!r} is compressed suspiciously well",
    ),
    "zip_unreadable": (
        "{name}: bukan arsip zip yang dapat dibaca",
        "{name}: not a readable zip archive",
    ),
    "zip_more_data": (
        "{name}: isi arsip lebih besar dari yang tertulis",
        "{name}: more data than declared",
    ),
    "zip_damaged": (
        "{name}: isi {entry!r} rusak; buat ulang zip-nya lalu unggah lagi",
        "{name}: entry {entry!r} is damaged; make the zip again and upload it again",
    ),
    "missing_kinds": (
        "pilih dulu berkas setiap jenis: {kinds} (batas wilayah dan tenaga kerja diambil dari "
        "data saat ini; registri harus dipilih atau dipakai dari penerapan terakhir)",
        "select a file of each kind first: {kinds} (the current data gives the boundaries "
        "and workforce; a registry must be selected, or kept from the last commit)",
    ),
}

UPLOAD_MESSAGES: Final[dict[str, dict[str, str]]] = {
    **{key: {"id": id_text, "en": en_text} for key, (id_text, en_text) in _M.items()},
    **{f"upload.err.{key}": {"id": i, "en": e} for key, (i, e) in _ERR.items()},
    **{f"upload.field.{key}": {"id": i, "en": e} for key, (i, e) in _FIELDS.items()},
}
