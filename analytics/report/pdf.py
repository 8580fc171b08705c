"""The area report as an A4 PDF in Bahasa Indonesia (reportlab).

:func:`render_report` lays out a :class:`~analytics.report.content.ReportContent` and the
two figures (PNG bytes rendered by the caller): cover, KPIs, map, trend, villages with the
largest gaps, sub-areas, outreach plan summary, data quality and method notes. Every page
has a footer with the area, the data date and "Halaman i dari n". It prints readably in
grayscale: values are in tables next to the figures, class labels are written out, and the
trend's target and projection differ by line style, not colour alone.
"""

from __future__ import annotations

import io
from typing import Any, Final

from analytics.exports.suppression import MARK
from analytics.formatting import MISSING
from analytics.report.content import ReportContent
from analytics.report.pdf_pages import numbered_canvas
from analytics.report.pdf_pages import pdf_text as esc
from analytics.report.text import (
    LEVEL_NAMES,
    METHOD_NOTES,
    SEGMENT_NAMES,
    month_long,
    num,
    pct,
    pp,
)
from analytics.report.text import pace as pp_per_month

GRAY: Final = 0.86


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import getSampleStyleSheet

    base = getSampleStyleSheet()
    body = base["BodyText"].clone("body", fontSize=9.5, leading=12.5)
    return {
        "title": base["Title"].clone("title", fontSize=24, leading=30),
        "h1": base["Heading1"].clone("h1", fontSize=15, leading=19, spaceBefore=4),
        "h2": base["Heading2"].clone("h2", fontSize=12, leading=15),
        "body": body,
        "small": body.clone("small", fontSize=8, leading=10),
        "cell": body.clone("cell", fontSize=8, leading=9.5),
        "big": body.clone("big", fontSize=13, leading=17),
    }


def _table(rows: list[list[Any]], widths: list[float], numeric_from: int) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    gray = colors.Color(GRAY, GRAY, GRAY)
    style = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), gray),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.Color(0.6, 0.6, 0.6)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
    ]
    return Table(rows, colWidths=widths, repeatRows=1, style=TableStyle(style))


def _cover(c: ReportContent, s: dict[str, Any], generated: str) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, Spacer

    meta = c.meta
    k = c.kpis
    lines = [
        Spacer(1, 40 * mm),
        Paragraph("Laporan Cakupan Jaminan Sosial Ketenagakerjaan", s["h2"]),
        Paragraph(esc(c.area_name), s["title"]),
        Paragraph(f"{LEVEL_NAMES.get(c.level, c.level)} · kode {c.area_code}", s["big"]),
        Spacer(1, 6 * mm),
        Paragraph(f"Periode: <b>{month_long(c.month)}</b>", s["big"]),
        Paragraph(f"Segmen: <b>{esc(SEGMENT_NAMES.get(c.segment, c.segment))}</b>", s["big"]),
        Spacer(1, 10 * mm),
        Paragraph(
            f"Cakupan <b>{pct(MARK if c.kpis_hidden else k.coverage_pct)}</b> dari target "
            f"{pct(c.target_pct)}; <b>{num(MARK if c.kpis_hidden else k.uncovered)}</b> pekerja "
            "belum terlindungi.",
            s["big"],
        ),
        Spacer(1, 30 * mm),
        Paragraph(f"Data sampai: {esc(str(meta.get('data_until') or MISSING))}", s["body"]),
        Paragraph(f"Penyebut: {esc(str(meta.get('workforce_source') or MISSING))}", s["body"]),
        Paragraph(f"Dibuat: {generated} dengan Cakupan", s["body"]),
    ]
    if c.threshold is not None:
        lines.append(
            Paragraph(
                f"Perlindungan jumlah kecil aktif (ambang {c.threshold}): jumlah 1-"
                f"{c.threshold - 1} orang ditandai '{MARK}'.",
                s["body"],
            )
        )
    if meta.get("demo"):
        lines += [
            Spacer(1, 6 * mm),
            Paragraph("<b>DATA SINTETIS (demo): bukan data sebenarnya.</b>", s["big"]),
        ]
    return [*lines, PageBreak()]


def _kpis(c: ReportContent, s: dict[str, Any]) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    k = c.kpis
    hide = c.kpis_hidden
    if k.coverage_pct is None:
        projection = MISSING
    elif k.target_reached:
        projection = "sudah tercapai"
    elif k.projected_month is None:
        projection = "tidak tercapai dengan laju ini"
    else:
        projection = month_long(k.projected_month)
    pace = pp_per_month(k.pace_pp_per_month)
    rows = [
        ["Indikator", "Nilai"],
        ["Cakupan", pct(MARK if hide else k.coverage_pct)],
        ["Peserta aktif", num(MARK if hide else k.active)],
        ["Pekerja (penyebut)", num(k.eligible)],
        ["Belum terlindungi", num(MARK if hide else k.uncovered)],
        ["Perubahan 1 bulan", pp(MARK if hide else k.change_mom_pp)],
        ["Perubahan 12 bulan", pp(MARK if hide else k.change_yoy_pp)],
        ["Laju 12 bulan", MARK if hide else pace],
        [f"Proyeksi capai target {pct(c.target_pct)}", MARK if hide else projection],
        ["Desa dengan penyebut", f"{k.villages_with_eligible} dari {k.villages}"],
    ]
    seg_rows = [["Segmen", "Peserta aktif", "Pekerja (penyebut)", "Cakupan"]]
    seg_rows += [
        [
            SEGMENT_NAMES.get(str(r.segment), str(r.segment)),
            num(r.active),
            num(r.eligible),
            pct(r.coverage_pct),
        ]
        for r in c.segments.itertuples(index=False)
    ]
    return [
        Paragraph(f"Ringkasan · {esc(c.area_name)} · {month_long(c.month)}", s["h1"]),
        _table(rows, [90 * mm, 60 * mm], 1),
        Spacer(1, 5 * mm),
        Paragraph("Peserta per segmen", s["h2"]),
        _table(seg_rows, [60 * mm, 35 * mm, 40 * mm, 30 * mm], 1),
        Spacer(1, 3 * mm),
        Paragraph(
            "PU = penerima upah; BPU = bukan penerima upah (pekerja informal). Segmen tanpa "
            "penyebut tidak punya angka cakupan.",
            s["small"],
        ),
    ]


def _figure(png: bytes, title: str, note: str, s: dict[str, Any]) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image, KeepTogether, Paragraph, Spacer

    reader = ImageReader(io.BytesIO(png))
    w, h = reader.getSize()
    width = 150 * mm
    image = Image(io.BytesIO(png), width=width, height=width * h / w)
    return [
        KeepTogether([Paragraph(title, s["h1"]), image, Paragraph(note, s["small"])]),
        Spacer(1, 4 * mm),
    ]


def _villages(c: ReportContent, s: dict[str, Any]) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    rows: list[list[Any]] = [
        [
            "#",
            "Desa/kelurahan",
            "Kecamatan",
            "Belum\nterlindungi",
            "Cakupan",
            "Aktif",
            "Penyebut",
            "Kelas",
        ]
    ]
    for i, r in enumerate(c.top_villages.itertuples(index=False), start=1):
        rows.append(
            [
                str(i),
                Paragraph(
                    f"{esc(str(r.area_name))}<br/><font size=6.5>{r.area_code}</font>", s["cell"]
                ),
                Paragraph(esc(str(r.kecamatan)), s["cell"]),
                num(r.uncovered),
                pct(r.coverage_pct),
                num(r.active),
                num(r.eligible),
                r.class_label,
            ]
        )
    widths = [8 * mm, 42 * mm, 32 * mm, 20 * mm, 17 * mm, 16 * mm, 18 * mm, 27 * mm]
    out: list[Any] = [
        Paragraph(f"{len(c.top_villages)} desa dengan kesenjangan terbesar", s["h1"]),
        Paragraph(
            f"Dari {c.villages_total} desa/kelurahan di {esc(c.area_name)}, diurutkan menurut "
            "jumlah pekerja belum terlindungi (penyebut dikurangi peserta aktif).",
            s["body"],
        ),
        Spacer(1, 2 * mm),
    ]
    if len(c.top_villages):
        out.append(_table(rows, widths, 3))
    else:
        out.append(Paragraph("Tidak ada desa dengan penyebut pada bulan ini.", s["body"]))
    return out


def _sub_areas(c: ReportContent, s: dict[str, Any]) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    name = LEVEL_NAMES.get(c.sub_level, c.sub_level)
    rows: list[list[Any]] = [
        [name, "Kode", "Aktif", "Penyebut", "Cakupan", "Belum\nterlindungi", "Perubahan\n12 bulan"]
    ]
    rows += [
        [
            Paragraph(esc(str(r.area_name)), s["cell"]),
            r.area_code,
            num(r.active),
            num(r.eligible),
            pct(r.coverage_pct),
            num(r.uncovered),
            pp(r.change_yoy_pp),
        ]
        for r in c.sub_areas.itertuples(index=False)
    ]
    widths = [50 * mm, 22 * mm, 18 * mm, 20 * mm, 18 * mm, 24 * mm, 24 * mm]
    return [
        Spacer(1, 5 * mm),
        Paragraph(f"Menurut {name.lower()}", s["h1"]),
        _table(rows, widths, 2),
    ]


def _plan(c: ReportContent, s: dict[str, Any]) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    out: list[Any] = [Paragraph("Rencana penjangkauan (Bhabinkamtibmas)", s["h1"])]
    p = c.plan
    if p is None:
        return [*out, Paragraph("Tidak ada data petugas untuk wilayah ini.", s["body"])]
    out.append(
        Paragraph(
            f"{p.officers} Bhabinkamtibmas dari {p.polsek} Polsek membina "
            f"{p.villages_with_officer} dari {p.villages} desa. Sejak {month_long(p.since)}: "
            f"{p.events_recent} kegiatan sosialisasi, {num(p.attendees_recent)} peserta hadir, "
            f"{num(p.registrations_recent)} pendaftaran tercatat.",
            s["body"],
        )
    )
    rows: list[list[Any]] = [
        ["Peringkat", "Desa/kelurahan", "Belum terlindungi\n(BPU)", "Cakupan BPU", "Polsek"]
    ]
    rows += [
        [
            str(r.rank),
            Paragraph(
                f"{esc(str(r.village_name))}<br/><font size=6.5>{r.village_code}</font>", s["cell"]
            ),
            num(r.uncovered),
            pct(r.coverage_pct),
            Paragraph(esc(str(r.polsek)), s["cell"]),
        ]
        for r in p.priority.itertuples(index=False)
    ]
    return [
        *out,
        Spacer(1, 2 * mm),
        Paragraph("Desa prioritas kunjungan", s["h2"]),
        _table(rows, [20 * mm, 55 * mm, 32 * mm, 25 * mm, 48 * mm], 2),
        Paragraph("Polsek '—': desa belum punya Bhabinkamtibmas.", s["small"]),
    ]


def _quality(c: ReportContent, s: dict[str, Any]) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    q = c.quality
    totals = q["totals"]
    rows = [
        ["Pemeriksaan", "Jumlah"],
        ["Desa dengan cakupan > 100% (periksa data)", num(q["over_100"])],
        ["Desa tanpa penyebut", num(q["missing_eligible"])],
        ["Baris registri cocok ke desa (kabupaten ini)", num(q["matched_kabupaten"])],
        ["Baris registri tidak cocok (kabupaten ini)", num(q["unmatched_kabupaten"])],
    ]
    if totals is not None:
        rows += [
            ["Baris registri masuk (seluruh build)", num(totals["rows_in"])],
            ["  cocok", num(totals["matched"])],
            ["  tidak cocok", num(totals["unmatched"])],
            ["  ditolak", num(totals["rejected"])],
            ["  duplikat", num(totals["duplicates"])],
        ]
    return [
        Spacer(1, 5 * mm),
        Paragraph("Kualitas data", s["h1"]),
        Paragraph(
            "Setiap baris registri tercatat: cocok, tidak cocok, ditolak atau duplikat "
            "(baris masuk = cocok + tidak cocok + ditolak + duplikat). Rincian alasan ada di "
            "halaman Kualitas data pada dasbor.",
            s["body"],
        ),
        _table(rows, [110 * mm, 40 * mm], 1),
    ]


def _method(c: ReportContent, s: dict[str, Any]) -> list[Any]:
    from reportlab.platypus import Paragraph

    out: list[Any] = [Paragraph("Catatan metode", s["h1"])]
    out += [Paragraph(f"<b>{esc(term)}.</b> {esc(text)}", s["body"]) for term, text in METHOD_NOTES]
    sources = ", ".join(
        f"{src.get('file')} ({src.get('kind')})" for src in c.meta.get("sources") or []
    )
    out.append(Paragraph(f"<b>Sumber data.</b> {esc(sources or MISSING)}", s["body"]))
    out += [Paragraph(esc(note), s["small"]) for note in c.footnotes]
    return out


def render_report(c: ReportContent, map_png: bytes, trend_png: bytes, generated: str) -> bytes:
    """The report PDF (A4 portrait) as bytes; ``generated`` is the date written on it."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, SimpleDocTemplate

    s = _styles()
    story: list[Any] = _cover(c, s, generated)
    story += _kpis(c, s)
    story.append(PageBreak())
    story += _figure(
        map_png,
        f"Peta cakupan desa · {month_long(c.month)}",
        "Warna lebih gelap = cakupan lebih tinggi; nilai setiap desa ada di tabel berikut.",
        s,
    )
    story += _figure(
        trend_png,
        "Tren cakupan, target dan proyeksi",
        "Garis utuh: cakupan bulanan; garis titik-titik: proyeksi pada laju 12 bulan "
        "terakhir; garis putus-putus: target.",
        s,
    )
    story.append(PageBreak())
    story += _villages(c, s)
    story += _sub_areas(c, s)
    story.append(PageBreak())
    story += _plan(c, s)
    story += _quality(c, s)
    story.append(PageBreak())
    story += _method(c, s)
    footer = f"Cakupan · {c.area_name} ({c.area_code}) · {month_long(c.month)}"
    if c.meta.get("data_until"):
        footer += f" · data sampai {c.meta['data_until']}"
    if c.meta.get("demo"):
        footer += " · DATA SINTETIS"
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=f"Laporan cakupan {c.area_name} {month_long(c.month)}",
        author="Cakupan",
    )
    doc.build(story, canvasmaker=numbered_canvas(footer))
    return buffer.getvalue()
