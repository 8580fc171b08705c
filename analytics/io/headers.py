"""Header recognition: field aliases, header matching and the header mapping file.

Registry and workforce exports name their columns in many ways. Headers are compared
case-insensitively, ignoring spaces, underscores, dots, hyphens and slashes (``No. KPJ`` =
``NO_KPJ`` = ``nokpj``); each field has a list of recognised aliases, and a mapping file
(YAML or TOML) names the header of any field the aliases do not cover.

The same file may say which cell texts mean "empty" (default
:data:`analytics.io.values.PLACEHOLDERS`), with a top-level ``placeholders`` key: a list
replaces the set, a table with ``add`` and/or ``remove`` lists changes it::

    placeholders:
      add: ["tidak ada", "?"]
      remove: ["NA"]
    registry:
      kpj: Nomor Peserta
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from analytics.errors import InputError
from analytics.io.values import PLACEHOLDERS, placeholder_keys

#: The mapping file's key for the placeholder tokens (not a section of headers).
PLACEHOLDERS_KEY: Final = "placeholders"

_HEADER_NOISE: Final = re.compile(r"[\s_.\-/]+")

#: Registry fields and the headers recognised for each (first match wins, in this order).
REGISTRY_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "kpj": ("NO_KPJ", "KPJ", "NOMOR_KPJ", "NO_PESERTA", "NOMOR_PESERTA"),
    "nik": ("NIK", "NIK_PESERTA", "NO_NIK", "NOMOR_NIK", "NO_KTP"),
    "village_code": (
        "KODE_DESA",
        "KODE_KELURAHAN",
        "KODE_WILAYAH",
        "KODE_DESA_KELURAHAN",
        "KODE_KALURAHAN",
        "KD_DESA",
    ),
    "desa": ("DESA", "KELURAHAN", "DESA_KELURAHAN", "KALURAHAN", "NAMA_DESA", "NAMA_KELURAHAN"),
    "kecamatan": ("KECAMATAN", "KAPANEWON", "KEMANTREN", "NAMA_KECAMATAN", "KAPANEWON_KEMANTREN"),
    "kabupaten": ("KABUPATEN", "KOTA", "KAB_KOTA", "KABUPATEN_KOTA", "NAMA_KABUPATEN"),
    "segment": ("SEGMEN", "SEGMENT", "SEGMEN_PESERTA", "KEPESERTAAN"),
    "registered_on": (
        "TGL_KEPESERTAAN",
        "TGL_DAFTAR",
        "TANGGAL_KEPESERTAAN",
        "TANGGAL_DAFTAR",
        "TGL_REGISTRASI",
    ),
    "ended_on": ("TGL_NONAKTIF", "TGL_BERHENTI", "TANGGAL_NONAKTIF", "TANGGAL_BERHENTI"),
    # Recognised only so that they are never read: personal data stays in the source file.
    "person_name": ("NAMA", "NAMA_PESERTA", "NAMA_LENGKAP", "NAMA_TENAGA_KERJA"),
    "address": ("ALAMAT", "ALAMAT_PESERTA", "ALAMAT_DOMISILI", "ALAMAT_KTP"),
}
#: Fields recognised in order to be dropped without reading.
DROPPED_FIELDS: Final = frozenset({"person_name", "address"})

#: Workforce (denominator) fields.
WORKFORCE_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "village_code": REGISTRY_ALIASES["village_code"],
    "year": ("TAHUN", "TAHUN_DATA"),
    "workers": ("JUMLAH_PEKERJA", "PEKERJA", "JUMLAH_TENAGA_KERJA"),
    "informal_workers": ("PEKERJA_INFORMAL", "JUMLAH_PEKERJA_INFORMAL"),
    "source": ("SUMBER", "SUMBER_DATA"),
}


def header_key(header: object) -> str:
    """The comparison key of a header: upper case, without spaces, ``_``, ``.``, ``-``, ``/``."""
    return _HEADER_NOISE.sub("", str(header).replace("\ufeff", "")).upper()


def canonical_field(name: str, aliases: Mapping[str, Sequence[str]]) -> str | None:
    """The field that ``name`` stands for: a field name itself or one of its aliases."""
    if name in aliases:
        return name
    key = header_key(name)
    for field_name, names in aliases.items():
        if key == header_key(field_name) or key in {header_key(a) for a in names}:
            return field_name
    return None


def resolve_columns(
    headers: Sequence[str],
    aliases: Mapping[str, Sequence[str]],
    mapping: Mapping[str, str] | None = None,
    *,
    file: str,
) -> dict[str, str]:
    """Map fields to the headers of one file: ``{field: header}`` for every field found.

    The mapping (``{field or alias: header}``) is applied first when its header is present
    in this file; the built-in aliases fill in the rest. A header is used at most once.
    """
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(header_key(header), header)
    found: dict[str, str] = {}
    used: set[str] = set()
    for name, header in (mapping or {}).items():
        field_name = canonical_field(name, aliases)
        if field_name is None:
            raise InputError(
                f"the mapping names an unknown field {name!r}; known fields: " + ", ".join(aliases),
                file=file,
            )
        actual = header if header in headers else by_key.get(header_key(header))
        if actual is not None and actual not in used:
            found[field_name] = actual
            used.add(actual)
    for field_name, names in aliases.items():
        if field_name in found:
            continue
        for alias in (field_name, *names):
            actual = by_key.get(header_key(alias))
            if actual is not None and actual not in used:
                found[field_name] = actual
                used.add(actual)
                break
    return found


def _read_mapping_file(path: Path) -> Any:
    if not path.is_file():
        raise InputError("the mapping file does not exist", file=str(path))
    text = path.read_text(encoding="utf-8-sig")
    try:
        if path.suffix.lower() == ".toml":
            data: Any = tomllib.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text) or {}
    except Exception as exc:  # the parsers raise many types; the message is what matters
        raise InputError(f"cannot parse the mapping file: {exc}", file=str(path)) from exc
    return data


def load_placeholders(path: Path | None) -> frozenset[str]:
    """The placeholder tokens of a mapping file (see the module docstring), as comparison
    keys; the default set when the file is ``None`` or has no ``placeholders`` key."""
    default = placeholder_keys(PLACEHOLDERS)
    if path is None:
        return default
    data = _read_mapping_file(path)
    given = data.get(PLACEHOLDERS_KEY) if isinstance(data, dict) else None
    if given is None:
        return default

    def tokens(value: Any, where: str) -> frozenset[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(
                f"{where} must be a list of texts, e.g. placeholders: ['-', 'N/A']",
                file=path.name,
            )
        return placeholder_keys(value)

    if isinstance(given, list):
        return tokens(given, PLACEHOLDERS_KEY) | {""}
    if isinstance(given, dict) and set(given) <= {"add", "remove"}:
        added = tokens(given.get("add", []), "placeholders.add")
        removed = tokens(given.get("remove", []), "placeholders.remove") - {""}
        return (default | added) - removed
    raise InputError(
        "placeholders must be a list (replacing the default set) or a table with "
        "'add' and/or 'remove' lists",
        file=path.name,
    )


def load_mapping(path: Path | None) -> dict[str, dict[str, str]]:
    """Read a header mapping file (YAML or TOML): ``{"registry": {field: header}, ...}``.

    ``None`` gives an empty mapping. The ``placeholders`` key is :func:`load_placeholders`'s
    and left out here. Any other shape is an :class:`InputError`.
    """
    if path is None:
        return {}
    data = _read_mapping_file(path)
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k != PLACEHOLDERS_KEY}
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise InputError(
            "the mapping must be sections of field: header pairs, e.g. "
            "'registry: {kpj: Nomor Peserta}'",
            file=str(path),
        )
    result: dict[str, dict[str, str]] = {}
    for section, pairs in data.items():
        bad = [k for k, v in pairs.items() if not isinstance(v, str)]
        if bad:
            raise InputError(
                f"section {section!r}: header of {bad[0]!r} must be text", file=path.name
            )
        result[str(section)] = {str(k): v for k, v in pairs.items()}
    return result
