"""Messages of the outreach page (Bahasa Indonesia first, English), merged into i18n."""

from __future__ import annotations

from typing import Final

OUTREACH_MESSAGES: Final[dict[str, dict[str, str]]] = {
    "nav.outreach": {"id": "Penjangkauan", "en": "Outreach"},
    "out.title": {
        "id": "Penjangkauan bersama Bhabinkamtibmas",
        "en": "Outreach with village police officers (Bhabinkamtibmas)",
    },
    "out.intro": {
        "id": "Pilih Polres dan Polsek, jangka waktu dan kapasitas kunjungan. Peta, peringkat "
        "dan rencana langsung diperbarui; unduh rencana (XLSX) dan lembar briefing (PDF) di "
        "bawah.",
        "en": "Pick a Polres and Polsek, a horizon and a visit capacity. The map, ranking and "
        "plan update at once; download the plan (XLSX) and briefing sheet (PDF) below.",
    },
    "out.no_roster": {
        "id": "Data olahan belum berisi daftar Bhabinkamtibmas. Tambahkan daftar petugas dan "
        "catatan kegiatan sosialisasi saat build: `cakupan build ... --roster FILE --events "
        "FILE` (lihat docs/outreach.md untuk kolomnya), lalu muat ulang halaman ini.",
        "en": "The processed data has no officer roster. Add the roster and the outreach "
        "event log when building: `cakupan build ... --roster FILE --events FILE` (columns in "
        "docs/outreach.md), then reload this page.",
    },
    "out.not_allowed": {
        "id": "Peran Anda tidak mencakup perencanaan penjangkauan. Hubungi admin Cakupan.",
        "en": "Your role does not include outreach planning. Ask the Cakupan admin.",
    },
    "out.polres": {"id": "Polres", "en": "Polres (district police)"},
    "out.polsek": {"id": "Polsek", "en": "Polsek (sub-district police)"},
    "out.all_polsek": {"id": "(semua Polsek)", "en": "(all Polsek)"},
    "out.weeks": {"id": "Jangka waktu", "en": "Horizon"},
    "out.weeks_n": {"id": "{n} minggu", "en": "{n} weeks"},
    "out.capacity": {
        "id": "Kunjungan per petugas per minggu",
        "en": "Visits per officer per week",
    },
    "out.weights": {"id": "Bobot prioritas", "en": "Priority weights"},
    "out.w.gap": {"id": "Pekerja informal belum terlindungi", "en": "Uncovered informal workers"},
    "out.w.coverage": {"id": "Cakupan BPU rendah", "en": "Low BPU coverage"},
    "out.w.pace": {"id": "Laju penambahan lambat", "en": "Slow progress"},
    "out.w.recency": {"id": "Lama sejak sosialisasi", "en": "Time since last outreach"},
    "out.weights_note": {
        "id": "Bobot dipakai (jumlah 1): gap {gap} · cakupan {coverage} · laju {pace} · "
        "kebaruan {recency}",
        "en": "Weights applied (sum 1): gap {gap} · coverage {coverage} · pace {pace} · "
        "recency {recency}",
    },
    "out.weights_invalid": {
        "id": "Semua bobot nol: dipakai bobot bawaan.",
        "en": "All weights are zero: the default weights are used.",
    },
    "out.map_title": {"id": "Desa menurut Bhabinkamtibmas", "en": "Villages by officer"},
    "out.officer": {"id": "Bhabinkamtibmas", "en": "Officer"},
    "out.no_officer": {"id": "Tanpa Bhabinkamtibmas", "en": "No officer"},
    "out.many_officers": {
        "id": "{n} Bhabinkamtibmas (warna berulang; arahkan kursor ke desa untuk namanya)",
        "en": "{n} officers (colours repeat; hover a village for its officer)",
    },
    "out.polsek_officers": {
        "id": "{polsek} ({n} Bhabinkamtibmas)",
        "en": "{polsek} ({n} officers)",
    },
    "out.many_polsek": {
        "id": "{n} Polsek (warna berulang; arahkan kursor ke desa untuk Polseknya)",
        "en": "{n} Polsek (colours repeat; hover a village for its Polsek)",
    },
    "out.map_by_polsek": {
        "id": "Warna = Polsek (terlalu banyak Bhabinkamtibmas untuk satu warna per orang; "
        "arahkan kursor ke desa untuk nama petugasnya).",
        "en": "Colour = Polsek (too many officers for a colour each; hover a village for "
        "its officer).",
    },
    "out.top_n": {
        "id": "{n} desa prioritas teratas (angka = peringkat)",
        "en": "Top {n} priority villages (number = rank)",
    },
    "out.priority_title": {"id": "Peringkat prioritas desa", "en": "Village priority ranking"},
    "out.priority_note": {
        "id": "Skor 0–100 = jumlah berbobot empat faktor; tiap faktor ditampilkan nilai "
        "mentahnya dan skalanya 0–1 (1 = paling perlu dikunjungi).",
        "en": "Score 0–100 = weighted sum of four factors; each factor is shown raw and "
        "scaled 0–1 (1 = most reason to visit).",
    },
    "out.plan_title": {"id": "Rencana kunjungan", "en": "Visit plan"},
    "out.plan_summary": {
        "id": "{visits} kunjungan oleh {officers} Bhabinkamtibmas selama {weeks} minggu mulai "
        "{start}; perkiraan {expected} pendaftaran. Dasar perkiraan: {conversion}.",
        "en": "{visits} visits by {officers} officers over {weeks} weeks from {start}; "
        "about {expected} registrations expected. Basis: {conversion}.",
    },
    "out.unassigned_title": {
        "id": "Desa tanpa Bhabinkamtibmas dan usulan petugas",
        "en": "Villages without an officer, with proposed officers",
    },
    "out.unassigned_note": {
        "id": "Usulan hanya untuk desa di paruh atas peringkat: petugas dengan sisa kapasitas "
        "yang desanya bersebelahan, atau yang terdekat.",
        "en": "Proposals only for villages in the top half of the ranking: an officer with "
        "spare capacity whose villages border it, else the nearest.",
    },
    "out.impact_title": {"id": "Dampak sosialisasi", "en": "Impact of outreach"},
    "out.impact_polsek": {"id": "Per Polsek", "en": "Per Polsek"},
    "out.impact_officer": {"id": "Per Bhabinkamtibmas", "en": "Per officer"},
    "out.all_areas": {"id": "Seluruh wilayah", "en": "All areas"},
    "out.polres_area": {"id": "Wilayah {polres}", "en": "Area of {polres}"},
    "out.downloads": {"id": "Unduh rencana", "en": "Downloads"},
    "out.job.running": {
        "id": "Menyusun berkas semua Polsek…",
        "en": "Preparing the files of every Polsek…",
    },
    "out.job.done": {"id": "Berkas siap diunduh.", "en": "The file is ready."},
    "out.job.failed": {"id": "Berkas gagal dibuat: {msg}", "en": "The file failed: {msg}"},
    "out.all_polsek_files": {
        "id": "Semua Polsek: satu XLSX dengan lembar per Polsek dan satu PDF berisi briefing "
        "setiap Polsek.",
        "en": "All Polsek: one XLSX with a sheet per Polsek and one PDF with every Polsek's "
        "briefing.",
    },
    "out.xlsx": {"id": "Unduh rencana (XLSX)", "en": "Download plan (XLSX)"},
    "out.pdf": {"id": "Unduh lembar briefing (PDF)", "en": "Download briefing sheet (PDF)"},
    "out.ready": {
        "id": "Rencana {polsek}: {weeks} minggu, {capacity} kunjungan per petugas per minggu.",
        "en": "Plan of {polsek}: {weeks} weeks, {capacity} visits per officer per week.",
    },
    "out.error": {"id": "Rencana tidak dapat dibuat: {error}", "en": "No plan: {error}"},
    "out.basis.adjacent": {"id": "desa bersebelahan", "en": "bordering village"},
    "out.basis.distance": {"id": "jarak terdekat", "en": "nearest"},
    "out.basis.capacity": {"id": "kapasitas tersisa", "en": "spare capacity"},
    "out.col.week": {"id": "Minggu", "en": "Week"},
    "out.col.week_start": {"id": "Mulai", "en": "Starts"},
    "out.col.village": {"id": "Desa/kelurahan", "en": "Village"},
    "out.col.visit": {"id": "Kunjungan ke", "en": "Visit no."},
    "out.col.expected": {"id": "Perkiraan pendaftaran", "en": "Expected registrations"},
    "out.col.score": {"id": "Skor", "en": "Score"},
    "out.col.explanation": {"id": "Alasan", "en": "Reason"},
    "out.col.gap_norm": {"id": "Gap (0–1)", "en": "Gap (0–1)"},
    "out.col.coverage_norm": {"id": "Cakupan (0–1)", "en": "Coverage (0–1)"},
    "out.col.years": {"id": "Tahun untuk menutup gap", "en": "Years to close the gap"},
    "out.col.pace_norm": {"id": "Laju (0–1)", "en": "Pace (0–1)"},
    "out.col.last_event": {"id": "Sosialisasi terakhir", "en": "Last outreach"},
    "out.col.months": {"id": "Bulan sejak sosialisasi", "en": "Months since outreach"},
    "out.col.recency_norm": {"id": "Kebaruan (0–1)", "en": "Recency (0–1)"},
    "out.col.high": {"id": "Prioritas tinggi", "en": "High priority"},
    "out.col.proposed": {"id": "Usulan petugas", "en": "Proposed officer"},
    "out.col.basis": {"id": "Dasar usulan", "en": "Basis"},
    "out.col.distance": {"id": "Jarak (km)", "en": "Distance (km)"},
    "out.col.alternatives": {"id": "Alternatif", "en": "Alternatives"},
    "out.col.events": {"id": "Kegiatan", "en": "Events"},
    "out.col.villages": {"id": "Desa", "en": "Villages"},
    "out.col.before": {"id": "Sebelum (per minggu)", "en": "Before (per week)"},
    "out.col.after": {"id": "Sesudah (per minggu)", "en": "After (per week)"},
    "out.col.did": {"id": "Tambahan per minggu", "en": "Extra per week"},
    "out.col.ci_low": {"id": "Batas bawah 95%", "en": "95% low"},
    "out.col.ci_high": {"id": "Batas atas 95%", "en": "95% high"},
    "out.col.on_day": {"id": "Daftar di hari kegiatan", "en": "Registered on the day"},
    "out.col.small": {"id": "Sampel kecil", "en": "Small sample"},
    "impact.lead": {
        "id": "{scope}: dalam {k} minggu setelah sosialisasi, pendaftaran BPU di desa yang "
        "dikunjungi rata-rata {did} per minggu {direction} daripada di desa pembanding "
        "(desa sekecamatan tanpa kegiatan, cakupan mirip); {n} kegiatan di {v} desa.",
        "en": "{scope}: in the {k} weeks after an outreach event, BPU registrations in the "
        "visited village were on average {did} per week {direction} than in comparison "
        "villages (same kecamatan, no event, similar coverage); {n} events in {v} villages.",
    },
    "impact.more": {"id": "lebih banyak", "en": "higher"},
    "impact.less": {"id": "lebih sedikit", "en": "lower"},
    "impact.interval": {
        "id": "Selang kepercayaan 95%: {low} sampai {high} per minggu.",
        "en": "95% confidence interval: {low} to {high} per week.",
    },
    "impact.positive": {
        "id": "Selang ini di atas 0: kenaikan ini kemungkinan besar bukan kebetulan.",
        "en": "The interval is above 0: the rise is unlikely to be chance.",
    },
    "impact.unclear": {
        "id": "Selang ini mencakup 0: data belum cukup untuk menyatakan ada dampak.",
        "en": "The interval includes 0: the data cannot yet show an effect.",
    },
    "impact.negative": {
        "id": "Selang ini di bawah 0: pendaftaran justru lebih rendah daripada desa "
        "pembanding; periksa datanya.",
        "en": "The interval is below 0: registrations were lower than in comparison "
        "villages; check the data.",
    },
    "impact.no_ci": {
        "id": "Selang tidak dapat dihitung (kurang dari 2 desa).",
        "en": "No interval (fewer than 2 villages).",
    },
    "impact.small": {
        "id": "Sampel kecil (kurang dari 5 kegiatan atau 5 desa): baca sebagai petunjuk, bukan "
        "temuan.",
        "en": "Small sample (fewer than 5 events or 5 villages): an indication, not a finding.",
    },
    "impact.on_day": {
        "id": "Selain itu, {n} orang mendaftar pada hari kegiatan (dicatat terpisah).",
        "en": "Besides, {n} people registered on the day of the events (counted separately).",
    },
    "impact.none": {
        "id": "{scope}: belum ada kegiatan yang dapat dinilai (perlu {k} minggu data sebelum dan "
        "sesudah kegiatan, tanpa kegiatan lain di desa yang sama).",
        "en": "{scope}: no event can be assessed yet (it needs {k} weeks of data before and "
        "after, with no other event in the same village).",
    },
    "impact.caveats": {
        "id": "Perhatian: desa tidak dipilih secara acak (desa yang dipilih bisa memang akan "
        "membaik), warga desa tetangga bisa ikut mendaftar sehingga dampak tampak lebih kecil, "
        "dan tanggal pendaftaran bisa tercatat terlambat. Jangan menilai petugas dari sedikit "
        "kegiatan.",
        "en": "Caveats: villages are not chosen at random (they may have been about to improve "
        "anyway), neighbours may register too so the effect looks smaller, and registration "
        "dates can lag. Do not judge an officer on a few events.",
    },
    "impact.no_events": {
        "id": "Belum ada catatan kegiatan sosialisasi (`cakupan build ... --events FILE`).",
        "en": "No outreach events recorded (`cakupan build ... --events FILE`).",
    },
    "impact.excluded": {
        "id": "{n} kegiatan tidak dinilai: {reasons}.",
        "en": "{n} events not assessed: {reasons}.",
    },
    "impact.reason.overlapping_event": {
        "id": "ada kegiatan lain di desa yang sama dalam jendela waktu",
        "en": "another event in the same village within the window",
    },
    "impact.reason.window_outside_data": {
        "id": "jendela waktu di luar data",
        "en": "window outside the data",
    },
    "impact.reason.no_controls": {"id": "tanpa desa pembanding", "en": "no comparison village"},
}
