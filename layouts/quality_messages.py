"""Messages of the data-quality page's row lists: what each reason means and what to fix.

``fix.<reason>`` is the sentence shown beside a row; ``fix.<list>.<reason>`` overrides it
where the same code means something else in another input (``unknown_code`` of the
workforce file is a village code missing from the boundaries, as for a registry row, but
the fix is in another file). ``reason.<list>.<reason>`` are the short labels of the
reconciliation tables. Merged into :data:`layouts.i18n.MESSAGES`.
"""

from __future__ import annotations

from typing import Final

_FIX: Final[dict[str, tuple[str, str]]] = {
    # registries: unmatched (not placed in a village)
    "unknown_code": (
        "Kode desa tidak ada di batas wilayah: periksa kode atau isi nama desa/kecamatan",
        "Village code not in the boundaries: check the code or fill in the village/district name",
    ),
    "unknown_name": (
        "Nama desa tidak ditemukan di kecamatan/kabupaten itu: periksa ejaan atau isi kode desa",
        "Village name not found in that district/regency: check the spelling or add the code",
    ),
    "ambiguous_name": (
        "Nama desa ada lebih dari satu: isi kecamatan dan kabupaten, atau kode desa",
        "Village name is not unique: fill in the district and regency, or the village code",
    ),
    "no_location": (
        "Baris tanpa lokasi: isi kode desa, atau nama desa dengan kecamatan dan kabupaten",
        "Row without a location: fill in the village code, or the village, district and regency",
    ),
    # registries: rejected
    "no_identity": (
        "KPJ dan NIK kosong: isi salah satu agar peserta dapat dihitung",
        "KPJ and NIK are both empty: fill in one so the member can be counted",
    ),
    "invalid_identity": (
        "KPJ/NIK rusak (notasi ilmiah seperti 3,47E+15, angka desimal, sel angka, atau NIK "
        "bukan 16 digit): format kolom sebagai Teks di Excel dan salin ulang dari sumbernya",
        "KPJ/NIK damaged (scientific notation like 3.47E+15, a decimal part, a numeric cell, "
        "or a NIK that is not 16 digits): format the column as Text in Excel and copy it "
        "again from the source",
    ),
    "missing_registration_date": (
        "Tanggal kepesertaan kosong: isi tanggal mulai kepesertaan",
        "Registration date is empty: fill in the membership start date",
    ),
    "invalid_registration_date": (
        "Tanggal kepesertaan tidak terbaca: tulis sebagai tanggal yang ada (mis. 2024-03-31)",
        "Registration date cannot be read: write a real date (e.g. 2024-03-31)",
    ),
    "unknown_segment": (
        "Segmen tidak dikenal: gunakan PU, BPU, JAKON atau PMI",
        "Unknown segment: use PU, BPU, JAKON or PMI",
    ),
    "invalid_end_date": (
        "Tanggal nonaktif tidak terbaca: tulis sebagai tanggal yang ada atau kosongkan",
        "End date cannot be read: write a real date or leave it empty",
    ),
    "end_before_registration": (
        "Tanggal nonaktif sebelum tanggal kepesertaan: periksa kedua tanggal",
        "End date before the registration date: check both dates",
    ),
    # workforce (denominator)
    "workforce_rejected.invalid_code": (
        "Kode desa tidak terbaca: tulis kode Kemendagri 10 digit (mis. 34.71.01.1001)",
        "Village code cannot be read: write the 10-digit Kemendagri code (e.g. 34.71.01.1001)",
    ),
    "workforce_rejected.unknown_code": (
        "Kode desa tidak ada di batas wilayah: periksa kode desa di berkas tenaga kerja",
        "Village code not in the boundaries: check the code in the workforce file",
    ),
    "invalid_year": (
        "Tahun tidak terbaca: isi tahun data (mis. 2024)",
        "Year cannot be read: fill in the year of the data (e.g. 2024)",
    ),
    "invalid_workers": (
        "Jumlah pekerja bukan angka bulat ≥ 0: perbaiki angkanya",
        "Workers is not a whole number ≥ 0: correct the number",
    ),
    "invalid_informal_workers": (
        "Jumlah pekerja informal bukan angka bulat ≥ 0: perbaiki angkanya",
        "Informal workers is not a whole number ≥ 0: correct the number",
    ),
    "informal_exceeds_workers": (
        "Pekerja informal lebih banyak dari jumlah pekerja: periksa kedua angka",
        "More informal workers than workers: check both numbers",
    ),
    "duplicate": (
        "Baris ganda (sudah ada baris yang sama sebelumnya): hapus salah satu",
        "Duplicate row (the same row appears earlier): remove one of them",
    ),
    # outreach roster and events
    "invalid_nrp": (
        "NRP tidak sah: tulis NRP 8 digit petugas",
        "Invalid NRP: write the officer's 8-digit NRP",
    ),
    "missing_name": ("Nama petugas kosong: isi nama", "Officer name is empty: fill it in"),
    "missing_polsek": ("Polsek kosong: isi nama polsek", "Polsek is empty: fill it in"),
    "missing_polres": ("Polres kosong: isi nama polres", "Polres is empty: fill it in"),
    "invalid_village_code": (
        "Kode desa tidak terbaca: tulis kode Kemendagri 10 digit",
        "Village code cannot be read: write the 10-digit Kemendagri code",
    ),
    "unknown_village": (
        "Kode desa tidak ada di batas wilayah: periksa kode desa",
        "Village code not in the boundaries: check the village code",
    ),
    "missing_date": ("Tanggal kegiatan kosong: isi tanggal", "Event date is empty: fill it in"),
    "invalid_date": (
        "Tanggal kegiatan tidak terbaca: tulis sebagai tanggal yang ada",
        "Event date cannot be read: write a real date",
    ),
    "invalid_attendees": (
        "Jumlah peserta kegiatan bukan angka bulat ≥ 0: perbaiki angkanya",
        "Attendees is not a whole number ≥ 0: correct the number",
    ),
    "invalid_registrations": (
        "Jumlah pendaftaran bukan angka bulat ≥ 0: perbaiki angkanya",
        "Registrations is not a whole number ≥ 0: correct the number",
    ),
    "registrations_exceed_attendees": (
        "Pendaftaran lebih banyak dari peserta kegiatan: periksa kedua angka",
        "More registrations than attendees: check both numbers",
    ),
}

_REASON: Final[dict[str, tuple[str, str]]] = {
    "invalid_identity": ("KPJ/NIK rusak", "damaged KPJ/NIK"),
    "invalid_end_date": ("tanggal nonaktif tidak sah", "invalid end date"),
    "workforce_rejected.invalid_code": ("kode desa tidak terbaca", "unreadable village code"),
    "workforce_rejected.unknown_code": ("kode desa tidak dikenal", "unknown village code"),
    "invalid_year": ("tahun tidak sah", "invalid year"),
    "invalid_workers": ("jumlah pekerja tidak sah", "invalid workers"),
    "invalid_informal_workers": ("jumlah informal tidak sah", "invalid informal workers"),
    "informal_exceeds_workers": ("informal > pekerja", "informal > workers"),
    "duplicate": ("baris ganda", "duplicate row"),
    "invalid_nrp": ("NRP tidak sah", "invalid NRP"),
    "missing_name": ("nama kosong", "missing name"),
    "missing_polsek": ("polsek kosong", "missing polsek"),
    "missing_polres": ("polres kosong", "missing polres"),
    "invalid_village_code": ("kode desa tidak terbaca", "unreadable village code"),
    "unknown_village": ("desa tidak dikenal", "unknown village"),
    "missing_date": ("tanggal kosong", "missing date"),
    "invalid_date": ("tanggal tidak sah", "invalid date"),
    "invalid_attendees": ("jumlah peserta tidak sah", "invalid attendees"),
    "invalid_registrations": ("jumlah pendaftaran tidak sah", "invalid registrations"),
    "registrations_exceed_attendees": ("pendaftaran > peserta", "registrations > attendees"),
}

_PAGE: Final[dict[str, tuple[str, str]]] = {
    "rows.title": ("Baris yang perlu diperbaiki", "Rows to fix"),
    "rows.intro": (
        "Setiap baris yang tidak cocok atau ditolak, dengan yang perlu diperbaiki di berkas "
        "sumber. Saring per kolom (berkas, alasan, kabupaten) di baris bawah judul.",
        "Every unmatched or rejected row, with what to fix in the source file. Filter each "
        "column (file, reason, regency) in the row under the headers.",
    ),
    "rows.none": ("Tidak ada baris yang perlu diperbaiki.", "No row needs fixing."),
    "rows.refused": (
        "Daftar baris hanya untuk admin dan kantor cabang; peran Anda melihat jumlahnya saja "
        "(tabel di atas).",
        "Row lists are for administrators and branch offices; your role sees the counts only "
        "(tables above).",
    ),
    "rows.list": ("Daftar", "List"),
    "rows.source_row": ("Baris", "Row"),
    "rows.fix": ("Yang perlu diperbaiki", "What to fix"),
    "rows.offending": ("Nilai bermasalah", "Offending value"),
    "rows.location": ("Lokasi di berkas", "Location in the file"),
    "rows.detail": ("Nilai lain", "Other values"),
    "rows.kind.unmatched": ("Kepesertaan: tidak cocok", "Registry: unmatched"),
    "rows.kind.rejected": ("Kepesertaan: ditolak", "Registry: rejected"),
    "rows.kind.workforce_rejected": ("Tenaga kerja: ditolak", "Workforce: rejected"),
    "rows.kind.roster_rejected": ("Bhabinkamtibmas: ditolak", "Officer roster: rejected"),
    "rows.kind.events_rejected": ("Kegiatan: ditolak", "Outreach events: rejected"),
    "rec.title": ("Rekonsiliasi data pendukung", "Reconciliation of the other inputs"),
    "rec.input": ("Data", "Input"),
    "rec.accepted": ("Diterima", "Accepted"),
    "rec.note": ("Keterangan", "Notes"),
    "rec.workforce": ("Tenaga kerja (penyebut)", "Workforce (denominator)"),
    "rec.roster": ("Bhabinkamtibmas", "Officer roster"),
    "rec.events": ("Kegiatan sosialisasi", "Outreach events"),
    "rec.officers": ("{n} petugas, {villages} desa", "{n} officers, {villages} villages"),
    "rec.period": (
        "{registrations} pendaftaran, {first} s.d. {last}",
        "{registrations} registrations, {first} to {last}",
    ),
    "rec.none": ("(tidak ada)", "(none)"),
    "loss.title": (
        "Peringatan: {file} kehilangan {share} barisnya",
        "Warning: {file} loses {share} of its rows",
    ),
    "loss.body": (
        "{lost} dari {rows} baris tidak cocok atau ditolak (batas {limit}). Alasan terbanyak:",
        "{lost} of {rows} rows are unmatched or rejected (limit {limit}). Largest reasons:",
    ),
    "loss.examples": ("contoh", "e.g."),
    "loss.fix": (
        "Perbaiki berkas sumber (lihat baris yang perlu diperbaiki di bawah) lalu bangun ulang.",
        "Fix the source file (see the rows to fix below), then rebuild.",
    ),
}


def _entries(prefix: str, table: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    return {f"{prefix}{key}": {"id": id_, "en": en} for key, (id_, en) in table.items()}


#: The detail of a village flag, worded from its numbers (analytics.quality keeps numbers).
_FLAG_DETAIL: Final[dict[str, tuple[str, str]]] = {
    "over_100": (
        "{active} peserta aktif > {eligible} pekerja ({pct})",
        "{active} active > {eligible} eligible ({pct})",
    ),
    "no_workforce": (
        "tidak ada angka pekerja untuk desa ini",
        "no workforce figure for this village",
    ),
    "zero_eligible": ("jumlah pekerja 0", "eligible workers is 0"),
    "header": ("Rincian", "Detail"),
}

QUALITY_MESSAGES: Final[dict[str, dict[str, str]]] = {
    **_entries("quality.detail.", _FLAG_DETAIL),
    **_entries("fix.", _FIX),
    **_entries("reason.", _REASON),
    **_entries("quality.", _PAGE),
}
