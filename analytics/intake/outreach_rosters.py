"""Reading the Bhabinkamtibmas roster and the outreach event log, with no silent loss.

Both files are CSV or XLSX with Indonesian headers (aliases below; a mapping file can name
others). Every data row ends up in exactly one of: accepted (``.frame``), rejected or
duplicate (both listed in ``.rejected``, duplicates with reason ``duplicate`` and the row
they repeat), so ``rows_in = accepted + rejected + duplicates`` holds. Blank rows carry
nothing and are reported as ``blank_rows`` beside the count. Precedence: a row is checked
for rejection reasons first (the first failing check gives its reason, in the order of
:data:`ROSTER_REASONS`/:data:`EVENT_REASONS`), then for duplicates among the valid rows
(the earlier row is kept), then placed (``unknown_village``: a well-formed code that is
not among the boundaries).

Events whose NRP is not in the roster (``officers=``) are kept, not rejected: the visit
happened and its registrations are real, while rosters go out of date. They are counted in
``reconciliation["warnings"]["unknown_officer"]`` so the roster can be corrected.

Rejected rows keep what a person needs to find and fix them (file, row, reason, NRP, codes,
raw values), never officer names.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import pandas as pd

from analytics.codes import normalize_village_codes
from analytics.errors import InputError
from analytics.intake.outcomes import TableIntake
from analytics.io.headers import REGISTRY_ALIASES, resolve_columns
from analytics.io.tables import inspect_table, read_columns
from analytics.io.values import PLACEHOLDERS, blank, parse_counts, parse_dates
from analytics.schemas import OfficerSchema, OutreachEventSchema

NRP_ALIASES: Final = ("NRP", "NO_NRP", "NOMOR_NRP", "NRP_NIP", "NRP_PERSONEL")
ROSTER_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "nrp": NRP_ALIASES,
    "name": ("NAMA", "NAMA_PERSONEL", "NAMA_BHABINKAMTIBMAS", "NAMA_PETUGAS", "NAMA_ANGGOTA"),
    "rank": ("PANGKAT", "PANGKAT_GOL", "GOLONGAN_PANGKAT"),
    "polsek": ("POLSEK", "NAMA_POLSEK", "POLSEK_POLSUBSEKTOR"),
    "polres": ("POLRES", "POLRESTA", "NAMA_POLRES", "POLRES_POLRESTA", "POLRES_TA"),
    "village_code": REGISTRY_ALIASES["village_code"],
    "phone": ("NO_HP_KANTOR", "NO_TELP_KANTOR", "TELEPON_KANTOR", "TELP_POLSEK", "NO_TELEPON"),
}
EVENT_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "event_date": ("TANGGAL", "TGL", "TANGGAL_KEGIATAN", "TGL_KEGIATAN", "TANGGAL_SOSIALISASI"),
    "village_code": REGISTRY_ALIASES["village_code"],
    "nrp": NRP_ALIASES,
    "attendees": ("JUMLAH_PESERTA", "PESERTA", "JML_PESERTA", "JUMLAH_HADIR", "HADIR"),
    "registrations": (
        "PENDAFTARAN",
        "JUMLAH_PENDAFTARAN",
        "PENDAFTAR",
        "JML_PENDAFTAR",
        "JUMLAH_TERDAFTAR",
    ),
}
ROSTER_REQUIRED: Final = ("nrp", "name", "polsek", "polres", "village_code")
EVENT_REQUIRED: Final = ("event_date", "village_code", "nrp", "attendees", "registrations")
ROSTER_REASONS: Final = (
    "invalid_nrp",
    "missing_name",
    "missing_polsek",
    "missing_polres",
    "invalid_village_code",
)
EVENT_REASONS: Final = (
    "invalid_nrp",
    "missing_date",
    "invalid_date",
    "invalid_village_code",
    "invalid_attendees",
    "invalid_registrations",
    "registrations_exceed_attendees",
)
ROSTER_COLUMNS: Final = ("nrp", "name", "rank", "polsek", "polres", "village_code", "phone")
EVENT_COLUMNS: Final = ("event_date", "village_code", "nrp", "attendees", "registrations")


def _read(
    path: Path,
    aliases: Mapping[str, Sequence[str]],
    required: Sequence[str],
    mapping: Mapping[str, str] | None,
    placeholders: Collection[str] = PLACEHOLDERS,
) -> tuple[pd.DataFrame, pd.Series, int]:
    def recognise(headers: Sequence[str]) -> bool:
        return set(required) <= set(resolve_columns(headers, aliases, None, file=path.name))

    source = inspect_table(Path(path), recognise)
    columns = resolve_columns(source.headers, aliases, mapping, file=path.name)
    missing = [f for f in required if f not in columns]
    if missing:
        wanted = "; ".join(f"{f} ({' / '.join(aliases[f][:3])})" for f in missing)
        raise InputError(
            f"required column(s) not found: {wanted}. Found: {', '.join(source.headers)}. "
            "Rename the header or name it in the mapping file.",
            file=path.name,
            column=missing[0],
        )
    table = read_columns(source, columns, text_only=("village_code",), placeholders=placeholders)
    frame = table.frame.reindex(columns=list(aliases))
    return frame, table.source_row, table.blank_rows


def _text(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.split().str.join(" ")
    return text.mask(text == "")


def _nrp(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.replace(r"\s+", "", regex=True)
    return text.where(text.str.fullmatch(r"\d{8}").fillna(False))


def _first_reason(checks: Sequence[tuple[str, pd.Series]], index: pd.Index) -> pd.Series:
    reason = pd.Series(pd.NA, index=index, dtype="string")
    for name, failed in checks:
        reason = reason.mask(reason.isna() & failed.fillna(True).astype(bool), name)
    return reason


def _settle(
    df: pd.DataFrame,
    reason: pd.Series,
    key: Sequence[str],
    known_villages: set[str],
    report: Sequence[str],
    file: str,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Apply the precedence rejected -> duplicate -> unknown village; build the report."""
    valid = reason.isna()
    dup = df[valid].duplicated(list(key), keep="first").reindex(df.index, fill_value=False)
    first_row = (
        df[valid].groupby(list(key), sort=False)["source_row"].transform("first").reindex(df.index)
    )
    reason = reason.mask(dup, "duplicate")
    unknown = reason.isna() & ~df["village_code"].isin(known_villages)
    reason = reason.mask(unknown, "unknown_village")
    accepted = df[reason.isna()]
    set_aside = df[reason.notna()].assign(
        reason=reason[reason.notna()].astype(str),
        first_row=first_row.where(dup)[reason.notna()].astype("Int64"),
        source_file=file,
    )
    rejected = set_aside.reindex(
        columns=["source_file", "source_row", "reason", *report, "first_row"]
    ).reset_index(drop=True)
    counts = rejected["reason"].value_counts()
    duplicates = int(counts.get("duplicate", 0))
    recon = {
        "file": file,
        "rows_in": len(df),
        "accepted": len(accepted),
        "rejected": len(rejected) - duplicates,
        "duplicates": duplicates,
        "reasons": {str(k): int(v) for k, v in counts.items() if k != "duplicate"},
    }
    return accepted, rejected, recon


def _village_codes(villages: pd.DataFrame) -> set[str]:
    return set(villages["village_code"].astype(str))


def ingest_roster(
    path: Path,
    villages: pd.DataFrame,
    mapping: Mapping[str, str] | None = None,
    *,
    placeholders: Collection[str] = PLACEHOLDERS,
) -> TableIntake:
    """Read the officer roster into OfficerSchema rows (plus ``phone`` when present).

    The duplicate key is (NRP, village code). One officer's name, rank, Polsek and Polres
    are taken from his first row; rows that disagree are counted in
    ``warnings["conflicting_officer_details"]``.
    """
    path = Path(path)
    raw, source_row, blank_rows = _read(
        path, ROSTER_ALIASES, ROSTER_REQUIRED, mapping, placeholders
    )
    df = pd.DataFrame(
        {
            "nrp": _nrp(raw["nrp"]),
            "name": _text(raw["name"]),
            "rank": _text(raw["rank"]),
            "polsek": _text(raw["polsek"]),
            "polres": _text(raw["polres"]),
            "village_code": normalize_village_codes(raw["village_code"]),
            "phone": _text(raw["phone"]),
            "source_row": source_row,
            "nrp_raw": raw["nrp"],
            "village_code_raw": raw["village_code"],
        }
    )
    reason = _first_reason(
        [
            ("invalid_nrp", df["nrp"].isna()),
            ("missing_name", df["name"].isna()),
            ("missing_polsek", df["polsek"].isna()),
            ("missing_polres", df["polres"].isna()),
            ("invalid_village_code", df["village_code"].isna()),
        ],
        df.index,
    )
    accepted, rejected, recon = _settle(
        df,
        reason,
        ("nrp", "village_code"),
        _village_codes(villages),
        ("nrp_raw", "polsek", "polres", "village_code_raw"),
        path.name,
    )
    details = ["name", "rank", "polsek", "polres"]
    first = accepted.groupby("nrp")[details].transform("first")
    conflicting = (accepted[details].fillna("") != first.fillna("")).any(axis=1)
    frame = accepted.assign(**{c: first[c] for c in details})
    frame = frame.reindex(columns=list(ROSTER_COLUMNS)).astype(
        {c: "str" for c in ROSTER_COLUMNS if c not in ("rank", "phone")}
    )
    frame = OfficerSchema.validate(frame.sort_values(["nrp", "village_code"], ignore_index=True))
    recon.update(
        blank_rows=blank_rows,
        warnings={"conflicting_officer_details": int(conflicting.sum())},
        officers=int(frame["nrp"].nunique()),
        villages_covered=int(frame["village_code"].nunique()),
    )
    return TableIntake(frame, rejected, recon)


def ingest_events(
    path: Path,
    villages: pd.DataFrame,
    mapping: Mapping[str, str] | None = None,
    *,
    officers: pd.DataFrame | None = None,
    placeholders: Collection[str] = PLACEHOLDERS,
) -> TableIntake:
    """Read the outreach event log into OutreachEventSchema rows.

    Dates are ``DD/MM/YYYY``, ``DD-MM-YYYY`` or ISO (or real spreadsheet dates). The
    duplicate key is (date, village, NRP): one officer's event in one village on one day.
    """
    path = Path(path)
    raw, source_row, blank_rows = _read(path, EVENT_ALIASES, EVENT_REQUIRED, mapping, placeholders)
    attendees, registrations = parse_counts(raw["attendees"]), parse_counts(raw["registrations"])
    df = pd.DataFrame(
        {
            "event_date": parse_dates(raw["event_date"]),
            "village_code": normalize_village_codes(raw["village_code"]),
            "nrp": _nrp(raw["nrp"]),
            "attendees": attendees,
            "registrations": registrations,
            "source_row": source_row,
            "event_date_raw": raw["event_date"].astype("string"),
            "village_code_raw": raw["village_code"],
            "nrp_raw": raw["nrp"],
            "attendees_raw": raw["attendees"],
            "registrations_raw": raw["registrations"],
        }
    )
    reason = _first_reason(
        [
            ("invalid_nrp", df["nrp"].isna()),
            ("missing_date", blank(raw["event_date"])),
            ("invalid_date", df["event_date"].isna()),
            ("invalid_village_code", df["village_code"].isna()),
            ("invalid_attendees", df["attendees"].isna()),
            ("invalid_registrations", df["registrations"].isna()),
            ("registrations_exceed_attendees", df["registrations"] > df["attendees"]),
        ],
        df.index,
    )
    accepted, rejected, recon = _settle(
        df,
        reason,
        ("event_date", "village_code", "nrp"),
        _village_codes(villages),
        (
            "event_date_raw",
            "village_code_raw",
            "nrp_raw",
            "attendees_raw",
            "registrations_raw",
        ),
        path.name,
    )
    frame = accepted.reindex(columns=list(EVENT_COLUMNS)).astype(
        {"village_code": "str", "nrp": "str", "attendees": "int64", "registrations": "int64"}
    )
    frame = OutreachEventSchema.validate(
        frame.sort_values(["event_date", "village_code", "nrp"], ignore_index=True)
    )
    warnings: dict[str, int] = {}
    if officers is not None:
        warnings["unknown_officer"] = int((~frame["nrp"].isin(set(officers["nrp"]))).sum())
    recon.update(
        blank_rows=blank_rows,
        warnings=warnings,
        registrations=int(frame["registrations"].sum()),
        first_date=frame["event_date"].min().date().isoformat() if len(frame) else None,
        last_date=frame["event_date"].max().date().isoformat() if len(frame) else None,
    )
    return TableIntake(frame, rejected, recon)
