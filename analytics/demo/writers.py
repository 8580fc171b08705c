"""The I/O half of the demo: write :class:`DemoData` as the raw files a user brings.

Layout (``out_dir`` and ``shapefiles_dir`` are chosen by the caller)::

    <shapefiles_dir>/provinsi_contoh.gpkg            layers desa_kelurahan, batas_provinsi
    <out_dir>/registry/kepesertaan_penerima_upah.csv  UTF-8, comma, ISO dates
    <out_dir>/registry/kepesertaan_bpu.xlsx           text IDs, real date cells
    <out_dir>/registry/kepesertaan_manual_kecamatan.csv  cp1252, semicolon, DD/MM/YYYY
    <out_dir>/workforce/tenaga_kerja_desa.csv
    <out_dir>/outreach/bhabinkamtibmas.csv
    <out_dir>/outreach/kegiatan_sosialisasi.csv
    <out_dir>/truth.json                              what was planted (for tests)
    <out_dir>/README.txt                              written last: marks a complete demo
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Final
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import geopandas as gpd
import pandas as pd
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from analytics.demo.build import BPU_FILE, MANUAL_FILE, PU_FILE, DemoData, build_demo
from analytics.demo.registry import FILES, registry_tables
from analytics.errors import InputError

BOUNDARIES_FILE: Final = "provinsi_contoh.gpkg"
VILLAGE_LAYER: Final = "desa_kelurahan"
OUTLINE_LAYER: Final = "batas_provinsi"
WORKFORCE_FILE: Final = "workforce/tenaga_kerja_desa.csv"
ROSTER_FILE: Final = "outreach/bhabinkamtibmas.csv"
EVENTS_FILE: Final = "outreach/kegiatan_sosialisasi.csv"
TRUTH_FILE: Final = "truth.json"
README_FILE: Final = "README.txt"
#: Fixed timestamp for the XLSX properties and its zip entries (byte-identical output).
FIXED_TIME: Final = dt.datetime(2026, 1, 1, 0, 0, 0)

BOUNDARY_COLUMNS: Final = {
    "village_code": "KODE_DESA",
    "village_name": "NAMA_DESA",
    "kind": "JENIS",
    "kecamatan_code": "KODE_KEC",
    "kecamatan_name": "NAMA_KEC",
    "kabupaten_code": "KODE_KAB",
    "kabupaten_name": "NAMA_KAB",
    "province_code": "KODE_PROV",
    "province_name": "NAMA_PROV",
}

README_TEXT: Final = """\
DATA SINTETIS - BUKAN DATA NYATA
================================
Semua berkas di folder ini (dan provinsi_contoh.gpkg) adalah DATA SINTETIS: provinsi
"Provinsi Contoh" (kode 99) tidak ada, desa, peserta, NIK, nomor KPJ, nama orang, alamat,
petugas Bhabinkamtibmas dan nomor telepon semuanya dikarang oleh komputer. Batas wilayahnya
diletakkan di Samudra Hindia, di selatan Pulau Jawa, agar tidak tertukar dengan tempat nyata.
Dibuat dengan perintah: cakupan demo --seed {seed}

SYNTHETIC DATA - NOT REAL DATA
==============================
Every file in this folder (and provinsi_contoh.gpkg) is SYNTHETIC DATA: the province
"Provinsi Contoh" (code 99) does not exist; its villages, members, NIKs, KPJ numbers, names,
addresses, Bhabinkamtibmas officers and phone numbers are all made up by a computer. The
boundaries lie in the Indian Ocean south of Java so they cannot be mistaken for a real place.
Made by the command: cakupan demo --seed {seed}

truth.json lists the problems planted on purpose in the registry files (rows without an
identity, impossible dates, unknown villages, duplicates, ...) for the test suite.
"""


class _FixedTimeZip(ZipFile):
    """A zip whose entries all carry :data:`FIXED_TIME`, so equal content gives equal bytes."""

    def writestr(  # type: ignore[override]
        self,
        zinfo_or_arcname: str | ZipInfo,
        data: bytes | str,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if not isinstance(zinfo_or_arcname, ZipInfo):
            info = ZipInfo(zinfo_or_arcname, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(  # type: ignore[override]
        self,
        filename: str | Path,
        arcname: str | None = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        self.writestr(arcname or str(filename), Path(filename).read_bytes())


def _write_csv(table: pd.DataFrame, path: Path, *, sep: str = ",", encoding: str = "utf-8") -> None:
    table.to_csv(path, index=False, sep=sep, encoding=encoding, lineterminator="\n")


def _write_xlsx(table: pd.DataFrame, path: Path, sheet: str) -> None:
    """Text stays text (strings), dates are real date cells, empty values are empty cells."""
    book = Workbook(write_only=True)
    book.properties.creator = "cakupan demo (synthetic data)"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    ws = book.create_sheet(sheet)
    ws.append(list(table.columns))
    for row in table.itertuples(index=False):
        ws.append([None if v is None or v == "" else v for v in row])
    with _FixedTimeZip(path, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(book, archive).save()


def _write_boundaries(data: DemoData, shapefiles_dir: Path) -> Path:
    path = shapefiles_dir / BOUNDARIES_FILE
    path.unlink(missing_ok=True)
    villages = data.villages.rename(columns=BOUNDARY_COLUMNS)
    villages.to_file(path, layer=VILLAGE_LAYER, driver="GPKG", engine="pyogrio")
    outline = gpd.GeoDataFrame(
        {"KODE_PROV": ["99"], "NAMA_PROV": [data.villages["province_name"].iloc[0]]},
        geometry=[data.outline],
        crs=data.villages.crs,
    )
    outline.to_file(path, layer=OUTLINE_LAYER, driver="GPKG", engine="pyogrio")
    return path


def _roster(data: DemoData) -> pd.DataFrame:
    o = data.officers
    return pd.DataFrame(
        {
            "NRP": o["nrp"],
            "NAMA": o["name"],
            "PANGKAT": o["rank"],
            "POLSEK": o["polsek"],
            "POLRES": o["polres"],
            "KODE_DESA": o["village_code"],
            "NO_HP_KANTOR": o["office_phone"],
        }
    )


def _events(data: DemoData) -> pd.DataFrame:
    e = data.events
    return pd.DataFrame(
        {
            "TANGGAL": e["event_date"].dt.strftime("%d/%m/%Y"),
            "KODE_DESA": e["village_code"],
            "NRP": e["nrp"],
            "JUMLAH_PESERTA": e["attendees"],
            "PENDAFTARAN": e["registrations"],
        }
    )


def _workforce(data: DemoData) -> pd.DataFrame:
    w = data.workforce
    return pd.DataFrame(
        {
            "KODE_DESA": w["village_code"],
            "TAHUN": w["year"],
            "JUMLAH_PEKERJA": w["workers"],
            "PEKERJA_INFORMAL": w["informal_workers"],
            "SUMBER": w["source"],
        }
    )


def _prepare(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise InputError(
            "exists and is not a folder; choose another output folder", file=str(folder)
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder ({exc.strerror})", file=str(folder)) from exc


def write_demo(data: DemoData, out_dir: Path, shapefiles_dir: Path) -> dict[str, Path]:
    """Write the demo's raw files; returns ``{kind: path}`` of what was written.

    ``README.txt`` is written last, so its presence means the demo is complete.
    """
    out_dir, shapefiles_dir = Path(out_dir), Path(shapefiles_dir)
    for folder in (
        out_dir,
        shapefiles_dir,
        out_dir / "registry",
        out_dir / "workforce",
        out_dir / "outreach",
    ):
        _prepare(folder)
    (out_dir / README_FILE).unlink(missing_ok=True)
    written: dict[str, Path] = {"boundaries": _write_boundaries(data, shapefiles_dir)}
    registry = registry_tables(data)
    tables = {k: t.drop(columns="problem") for k, t in registry.tables.items()}
    _write_csv(tables[PU_FILE], out_dir / FILES[PU_FILE])
    _write_xlsx(tables[BPU_FILE], out_dir / FILES[BPU_FILE], sheet="Peserta BPU")
    _write_csv(tables[MANUAL_FILE], out_dir / FILES[MANUAL_FILE], sep=";", encoding="cp1252")
    for key, kind in (
        (PU_FILE, "registry_pu"),
        (BPU_FILE, "registry_bpu"),
        (MANUAL_FILE, "registry_manual"),
    ):
        written[kind] = out_dir / FILES[key]
    extra: dict[str, tuple[str, pd.DataFrame]] = {
        "workforce": (WORKFORCE_FILE, _workforce(data)),
        "roster": (ROSTER_FILE, _roster(data)),
        "events": (EVENTS_FILE, _events(data)),
    }
    for kind, (name, table) in extra.items():
        _write_csv(table, out_dir / name)
        written[kind] = out_dir / name
    truth: dict[str, Any] = registry.truth
    (out_dir / TRUTH_FILE).write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n")
    written["truth"] = out_dir / TRUTH_FILE
    (out_dir / README_FILE).write_text(README_TEXT.format(seed=data.seed), encoding="utf-8")
    written["readme"] = out_dir / README_FILE
    return written


def generate_demo(out_dir: Path, shapefiles_dir: Path, seed: int) -> dict[str, Path]:
    """Build the demo province for ``seed`` and write it (``cakupan demo --seed N``)."""
    return write_demo(build_demo(seed), out_dir, shapefiles_dir)
