"""Method notes: one anchored section per indicator (numerator, denominator, source, date)."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, dcc, html

from analytics.store import StoreError
from layouts.data_access import current_settings, current_store
from layouts.i18n import fmt_month, fmt_pct, t
from layouts.page_titles import page_title
from layouts.url_state import parse_query

dash.register_page(__name__, path="/metode", name="Metode", title=page_title("nav.method"))

METHOD_READY = "method-ready"
METHOD_SCROLLED = "method-scrolled"
# The page is drawn after the browser handled the #anchor: scroll to it once drawn.
SCROLL_TO_HASH_JS = """
function(ready) {
    const id = decodeURIComponent(window.location.hash.slice(1));
    const el = id && document.getElementById(id);
    if (el) { setTimeout(() => el.scrollIntoView({block: "start"}), 30); }
    return "";
}
"""

REGISTRY = {
    "id": "Data kepesertaan BPJS Ketenagakerjaan (ekspor registri)",
    "en": "BPJS Ketenagakerjaan membership registry exports",
}

#: anchor -> (title, numerator, denominator, note), each {id, en}; "{ws}" is the
#: workforce source from meta.json, "{target}" the coverage target.
NOTES: dict[str, tuple[dict[str, str], ...]] = {
    "cakupan": (
        {"id": "Cakupan (%)", "en": "Coverage (%)"},
        {
            "id": "Peserta aktif pada akhir bulan, di desa yang punya penyebut",
            "en": "Members active at the end of the month, in villages with a denominator",
        },
        {
            "id": "Pekerja (ALL), pekerja informal (BPU) atau pekerja dikurangi informal (PU)",
            "en": "Workers (ALL), informal workers (BPU) or workers minus informal (PU)",
        },
        {
            "id": "100 × aktif / penyebut. Tingkat atas menjumlahkan pembilang dan penyebut "
            "(tidak merata-ratakan persen); kartu menyebut berapa desa yang punya penyebut. "
            "Di atas 100% adalah tanda masalah data, bukan keberhasilan.",
            "en": "100 × active / denominator. Higher levels sum numerators and denominators "
            "(never average percentages); the card says how many villages have one. "
            "Above 100% is a data-quality signal, not a success.",
        },
    ),
    "aktif": (
        {"id": "Peserta aktif", "en": "Active members"},
        {
            "id": "Kepesertaan dengan tanggal daftar ≤ akhir bulan dan tanpa tanggal nonaktif "
            "atau nonaktif sesudah akhir bulan",
            "en": "Memberships registered on or before the month's last day and not ended, or "
            "ended after it",
        },
        {"id": "—", "en": "—"},
        {
            "id": "Dihitung per desa, segmen dan bulan.",
            "en": "Counted per village, segment and month.",
        },
    ),
    "eligible": (
        {"id": "Pekerja (penyebut)", "en": "Workers (denominator)"},
        {"id": "—", "en": "—"},
        {
            "id": "Data tenaga kerja per desa untuk tahun bulan itu (atau tahun terdekat "
            "sebelumnya, atau tahun paling awal)",
            "en": "Village workforce of the month's year (or the latest earlier year, or the "
            "earliest year)",
        },
        {
            "id": "Sumber: {ws}. JAKON dan PMI tidak punya penyebut desa.",
            "en": "Source: {ws}. JAKON and PMI have no village denominator.",
        },
    ),
    "kesenjangan": (
        {"id": "Pekerja belum terlindungi", "en": "Uncovered workers"},
        {
            "id": "Penyebut dikurangi peserta aktif (desa dengan penyebut)",
            "en": "Denominator minus active members (villages with a denominator)",
        },
        {"id": "—", "en": "—"},
        {
            "id": "Dibatasi di nol. Peta simbol: luas lingkaran sebanding jumlahnya; "
            "kesenjangan terbesar adalah tempat sosialisasi paling berdampak.",
            "en": "Clipped at zero. Symbol map: circle area proportional to it; the largest "
            "absolute gaps are where outreach pays most.",
        },
    ),
    "perubahan": (
        {"id": "Perubahan 1 dan 12 bulan", "en": "Change over 1 and 12 months"},
        {
            "id": "Cakupan bulan ini dikurangi cakupan 1 (atau 12) bulan sebelumnya",
            "en": "Coverage this month minus 1 (or 12) months earlier",
        },
        {"id": "—", "en": "—"},
        {"id": "Dalam poin persentase (pp).", "en": "In percentage points (pp)."},
    ),
    "proyeksi": (
        {"id": "Proyeksi capai target", "en": "Projected month of reaching the target"},
        {
            "id": "Laju: kemiringan kuadrat terkecil cakupan 12 bulan terakhir (pp/bulan)",
            "en": "Pace: least-squares slope of the last 12 months' coverage (pp/month)",
        },
        {"id": "Target {target}", "en": "Target {target}"},
        {
            "id": "Bulan pertama cakupan terakhir + laju × bulan mencapai target; tidak "
            "tercapai bila laju datar atau turun.",
            "en": "First month latest coverage + pace × months reaches the target; not "
            "reached when the pace is flat or falling.",
        },
    ),
    "kelas": (
        {"id": "Kelas peta", "en": "Map classes"},
        {"id": "—", "en": "—"},
        {"id": "—", "en": "—"},
        {
            "id": "Kuantil, interval sama, jeda alami (Fisher-Jenks; di atas 120 nilai dihitung "
            "pada kuantil data) atau pita target <10, 10-25, 25-50, 50-75, ≥75%. Tiap kelas "
            "[bawah; atas): termasuk batas bawah, tanpa batas atas; kelas terakhir tertutup. "
            "Abu-abu: tidak ada data; magenta: di atas 100% (periksa data).",
            "en": "Quantiles, equal intervals, natural breaks (Fisher-Jenks; above 120 values on "
            "the data's quantiles) or target bands <10, 10-25, 25-50, 50-75, ≥75%. Each "
            "class is [lower; upper): lower bound in, upper out; the last class is closed. "
            "Grey: no data; magenta: above 100% (check data).",
        },
    ),
    "segmen": (
        {"id": "Segmen", "en": "Segments"},
        {
            "id": "PU: penerima upah; BPU: bukan penerima upah (informal); JAKON; PMI",
            "en": "PU: wage earners; BPU: informal workers; JAKON: construction; PMI: migrants",
        },
        {
            "id": "ALL: semua pekerja; BPU: pekerja informal; PU: pekerja dikurangi informal",
            "en": "ALL: all workers; BPU: informal workers; PU: workers minus informal",
        },
        {
            "id": "BPU dipilih lebih dulu: pekerja informal desa adalah sasaran utama.",
            "en": "BPU comes preselected: informal village workers are the point.",
        },
    ),
    "kualitas": (
        {"id": "Kualitas data", "en": "Data quality"},
        {
            "id": "Baris masuk = cocok (kode/nama) + tidak cocok + ditolak + duplikat",
            "en": "Rows in = matched (code/name) + unmatched + rejected + duplicates",
        },
        {"id": "—", "en": "—"},
        {
            "id": "Tanda desa: cakupan di atas 100%, penyebut tidak ada, penyebut sebagian.",
            "en": "Village flags: coverage above 100%, missing denominator, partial denominator.",
        },
    ),
}


def layout(**query: object) -> html.Div:
    lang = parse_query(query).lang
    meta: dict[str, Any] = {}
    store = current_store()
    try:
        if store.exists():
            meta = store.meta()
    except StoreError:
        meta = {}
    target = fmt_pct(meta.get("target_pct", current_settings().target_pct), lang)
    ws = meta.get("workforce_source") or t("unknown", lang)
    data_until = meta.get("data_until")
    dated = [
        html.Dt(t("method.source", lang)),
        html.Dd(f"{REGISTRY[lang]}; {ws}"),
        html.Dt(t("method.data_date", lang)),
        html.Dd(
            fmt_month(data_until, lang, long=True) + f" ({data_until})"
            if data_until
            else t("unknown", lang)
        ),
        html.Dt(t("method.built_at", lang)),
        html.Dd(str(meta.get("built_at", "—"))),
    ]
    sections: list[Any] = [
        dcc.Store(id=METHOD_READY, data=True),
        html.Div(id=METHOD_SCROLLED, hidden=True),
        html.H2(t("method.title", lang), className="page-title"),
    ]
    for anchor, (title, num, den, note) in NOTES.items():
        sections.append(
            html.Section(
                [
                    html.H3(title[lang]),
                    html.Dl(
                        [
                            html.Dt(t("method.numerator", lang)),
                            html.Dd(num[lang]),
                            html.Dt(t("method.denominator", lang)),
                            html.Dd(den[lang].format(target=target, ws=ws)),
                            *dated,
                        ]
                    ),
                    html.P(note[lang].format(target=target, ws=ws)),
                ],
                id=anchor,
                className="method-section",
            )
        )
    return html.Div(sections)


def register_callbacks(app: dash.Dash) -> None:
    app.clientside_callback(
        SCROLL_TO_HASH_JS, Output(METHOD_SCROLLED, "children"), Input(METHOD_READY, "data")
    )
