"""Placing rows in villages: codes, names with prefixes, typos, ambiguity, reasons."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analytics.io.boundaries import read_villages
from analytics.matching import (
    NameKey,
    build_gazetteer,
    closest,
    max_edits,
    name_key,
    place_rows,
)

VILLAGES = pd.DataFrame(
    [
        ("34.71.01.1001", "Bener", "34.71.01", "Tegalrejo", "34.71", "Kota Yogyakarta"),
        ("34.71.01.1002", "Kricak", "34.71.01", "Tegalrejo", "34.71", "Kota Yogyakarta"),
        ("34.04.07.2001", "Caturtunggal", "34.04.07", "Depok", "34.04", "Kabupaten Sleman"),
        ("34.04.07.2002", "Maguwoharjo", "34.04.07", "Depok", "34.04", "Kabupaten Sleman"),
        ("34.04.01.2001", "Argomulyo", "34.04.01", "Cangkringan", "34.04", "Kabupaten Sleman"),
        ("34.02.01.2001", "Argomulyo", "34.02.01", "Sedayu", "34.02", "Kabupaten Bantul"),
        ("32.01.01.2001", "Sukamaju", "32.01.01", "Cibinong", "32.01", "Kabupaten Bogor"),
        ("32.71.01.1001", "Sukamaju", "32.71.01", "Bogor Tengah", "32.71", "Kota Bogor"),
        ("32.71.01.1002", "Paledang", "32.71.01", "Bogor Tengah", "32.71", "Kota Bogor"),
    ],
    columns=[
        "village_code",
        "village_name",
        "kecamatan_code",
        "kecamatan_name",
        "kabupaten_code",
        "kabupaten_name",
    ],
)


def _place(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["village_code_raw", "desa", "kecamatan", "kabupaten"], dtype="str"
    )
    return place_rows(frame, build_gazetteer(VILLAGES))


def _outcome(result: pd.DataFrame) -> list[tuple]:
    return [
        tuple(None if pd.isna(v) else v for v in row)
        for row in result[["village_code", "match_method", "reason"]].itertuples(index=False)
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Kalurahan Caturtunggal", ("caturtunggal", None)),
        ("DESA  Bener", ("bener", None)),
        ("Kel. Kricak", ("kricak", None)),
        ("Ds. Kricak", ("kricak", None)),
        ("Kelurahan", ("kelurahan", None)),  # a prefix alone is the name
        ("Mágúwoharjo", ("maguwoharjo", None)),
    ],
)
def test_village_name_keys(raw: str, expected: tuple) -> None:
    key = name_key(raw, "desa")
    assert key is not None
    assert (key.key, key.hint) == expected


def test_area_name_keys() -> None:
    assert name_key("Kab. Gunung Kidul", "kabupaten") == NameKey(
        "gunungkidul", "kabgunungkidul", "kabupaten"
    )
    assert name_key("KOTA YOGYAKARTA", "kabupaten") == NameKey(
        "yogyakarta", "kotayogyakarta", "kota"
    )
    assert name_key("Kota Adm. Jakarta Pusat", "kabupaten").key == "jakartapusat"
    assert name_key("Kapanewon Depok", "kecamatan").key == "depok"
    assert name_key("Kec. Kotagede", "kecamatan").key == "kotagede"
    assert name_key("  ", "desa") is None
    assert name_key(None, "desa") is None


def test_closest_counts_edits_with_a_margin_and_a_length_bound() -> None:
    assert [max_edits(n) for n in (2, 3, 4, 9, 10, 25)] == [0, 0, 1, 1, 2, 2]
    assert closest("caturtunggl", ["caturtunggal", "maguwoharjo"]) == ("caturtunggal", None)
    assert closest("benar", ["bener", "kricak"]) == ("bener", None)  # one substitution
    assert closest("beji", ["bejo"]) == ("bejo", None)  # one edit in four letters
    assert closest("bej", ["bejo", "kricak"]) == ("bejo", None)  # one deletion
    assert closest("awa", ["awo"]) == (None, "unknown_name")  # three letters: exact only
    assert closest("bneer", ["bener", "kricak"]) == ("bener", None)  # swapped neighbours
    # Two edits: tolerated from ten letters, not below.
    assert closest("caturtungal", ["caturtunggal"]) == ("caturtunggal", None)
    assert closest("catrtungal", ["caturtunggal"]) == ("caturtunggal", None)
    assert closest("maguwhrjo", ["maguwoharjo"]) == ("maguwoharjo", None)  # 11 letters
    assert closest("mguwhrjo", ["maguwoharjo"]) == (None, "unknown_name")  # three edits
    assert closest("benra", ["bener"]) == (None, "unknown_name")  # two edits in five letters
    # Two candidates one letter away from the query: neither is clearly closest.
    assert closest("sukamaja", ["sukamaju", "sukamaji"]) == (None, "ambiguous_name")
    assert closest("", ["bener"]) == (None, "unknown_name")
    assert closest("bener", []) == (None, "unknown_name")


def test_a_shared_ending_no_longer_hides_a_single_typo() -> None:
    """The issue's example (real DIY names of Kapanewon Tempel): ``Monorejo`` is one
    substitution from Mororejo and three or more from every other village; the ratio rule
    left it ambiguous because Pondokrejo scored within 10 points."""
    tempel = ["banyurejo", "lumbungrejo", "margorejo", "merdikorejo", "mororejo"]
    tempel += ["pondokrejo", "pandowoharjo", "sumberrejo", "tambakrejo", "tempel"]
    assert closest("monorejo", sorted(tempel)) == ("mororejo", None)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Soemberredjo", "sumberrejo"),  # old spelling: oe, dj
        ("Tjaturtoenggal", "caturtunggal"),  # tj, oe
        ("Njamplungan", "nyamplungan"),  # nj
        ("Sjarifah", "syarifah"),  # sj
        ("Chairil", "khairil"),  # ch
        ("Bandjar", "banjar"),  # ndj is nj, not ny
    ],
)
def test_old_spelling_is_read_as_todays(typed: str, expected: str) -> None:
    keys = sorted({expected, "banyar", "sumberejo", "caturharjo", "nyampungan", "syarif"})
    key = name_key(typed, "desa")
    assert key is not None
    assert closest(key.key, keys) == (expected, None)


def test_two_candidates_equally_close_stay_ambiguous() -> None:
    # One edit from both: a substitution, an insertion, a deletion, a transposition.
    assert closest("sidorejo", ["sidorojo", "sidarejo"]) == (None, "ambiguous_name")
    assert closest("wonosar", ["wonosari", "wonosara"]) == (None, "ambiguous_name")
    assert closest("kartasurra", ["kartasura", "kartasurya"]) == (None, "ambiguous_name")
    assert closest("sidomluyo", ["sidomulyo", "sidomlyo"]) == (None, "ambiguous_name")
    # Equal after folding the old spelling too.
    assert closest("soemberejo", ["sumberejo", "sumberjo"]) == ("sumberejo", None)
    assert closest("soembrejo", ["sumberejo", "sumbrjo"]) == (None, "ambiguous_name")


def test_codes_in_every_form_win_over_names() -> None:
    result = _place(
        [
            ("34.71.01.1001", "Kricak", None, None),
            ("3471011002", None, None, None),
            ("34 71 01 1002", None, None, None),
            ("34.71.01.9999", None, None, None),
            ("3471", None, None, None),
            ("34.71.01.9999", "Bener", "Tegalrejo", None),
        ]
    )
    assert _outcome(result) == [
        ("34.71.01.1001", "code", None),
        ("34.71.01.1002", "code", None),
        ("34.71.01.1002", "code", None),
        (None, None, "unknown_code"),
        (None, None, "unknown_code"),
        ("34.71.01.1001", "name", None),
    ]
    assert result["kabupaten_code"].astype(object).fillna("-").tolist() == [
        "34.71",
        "34.71",
        "34.71",
        "34.71",
        "-",
        "34.71",
    ]


def test_names_with_prefixes_scopes_typos_and_ambiguity() -> None:
    result = _place(
        [
            (None, "Kalurahan Caturtunggal", "Kapanewon Depok", "Kab. Sleman"),  # prefixes
            (None, "MAGUWOHARJO", None, None),  # unique name, no scope needed
            (None, "Caturtunggl", "Depok", None),  # one letter missing
            (None, "Argomulyo", None, None),  # in two kabupaten
            (None, "Argomulyo", "Kec. Sedayu", None),  # kecamatan decides
            (None, "Argomulyo", None, "Sleman"),  # kabupaten decides
            (None, "Argomulyo", "Cangkringn", "Kabupaten Slemn"),  # typos in the scope too
            (None, "Sukamaju", None, "Bogor"),  # Kota and Kabupaten Bogor both fit
            (None, "Sukamaju", None, "Kota Bogor"),  # the prefix tells them apart
            (None, "Sukamaju", None, "Kabupaten Bogor"),
            (None, "Wonosari", None, None),  # not in the boundaries
            (None, "Bener", None, "Sleman"),  # exists, but not in that kabupaten
            (None, "Bener", "Atlantis", None),  # unknown kecamatan
            (None, None, "Depok", None),  # no village given
            (None, None, None, None),
        ]
    )
    assert _outcome(result) == [
        ("34.04.07.2001", "name", None),
        ("34.04.07.2002", "name", None),
        ("34.04.07.2001", "name", None),
        (None, None, "ambiguous_name"),
        ("34.02.01.2001", "name", None),
        ("34.04.01.2001", "name", None),
        ("34.04.01.2001", "name", None),
        (None, None, "ambiguous_name"),
        ("32.71.01.1001", "name", None),
        ("32.01.01.2001", "name", None),
        (None, None, "unknown_name"),
        (None, None, "unknown_name"),
        (None, None, "unknown_name"),
        (None, None, "no_location"),
        (None, None, "no_location"),
    ]
    kab = result["kabupaten_code"].astype(object).fillna("-").tolist()
    # The kabupaten is known from the names even when the village is not.
    assert kab[10:14] == ["-", "34.04", "-", "34.04"]


def test_same_spelling_on_many_rows_is_resolved_once_and_spread() -> None:
    rows = [(None, "Kricak", "Tegalrejo", None)] * 1000 + [("3471011001", None, None, None)] * 1000
    result = _place(rows)
    assert result["match_method"].value_counts().to_dict() == {"name": 1000, "code": 1000}
    assert result.index.equals(pd.RangeIndex(2000))


def test_missing_columns_count_as_empty() -> None:
    frame = pd.DataFrame({"desa": ["Kricak", None]}, dtype="str")
    result = place_rows(frame, build_gazetteer(VILLAGES))
    assert _outcome(result) == [("34.71.01.1002", "name", None), (None, None, "no_location")]


@pytest.mark.shared
def test_diy_name_only_rows_typed_diy_style(shared_data: Path) -> None:
    villages = read_villages(shared_data / "diy" / "diy_desa_cahyadsn_kepmendagri2025.geojson")
    result = _place_real(
        villages,
        [
            ("Kalurahan Caturtunggal", "Kapanewon Depok", "Kabupaten Sleman"),
            ("Kal. Sinduadi", "Kapanewon Mlati", None),
            ("Kelurahan Kricak", "Kemantren Tegalrejo", "Kota Yogyakarta"),
            ("Argomulyo", "Kapanewon Sedayu", "Bantul"),
            ("Argomulyo", None, None),  # Sedayu (Bantul) and Cangkringan (Sleman)
            ("Argomulyo", None, "Kab. Sleman"),
            ("WONOKERTO", "Kapanewon Turi", None),
            ("Banguntapn", "Banguntapan", "Bantul"),  # typo in the village
            ("Jangkaran", "Temon", "Kulonprogo"),  # Kulon Progo written as one word
            ("Kalurahan Semanu", "Kapanewon Semanu", "Gunung Kidul"),
            ("Antah Berantah", None, "Sleman"),
        ],
    )
    codes = result["village_code"].astype(object).fillna(result["reason"].astype(object)).tolist()
    expected_names = villages.set_index("village_code")["village_name"]
    assert codes[4] == "ambiguous_name"
    assert codes[10] == "unknown_name"
    placed = [expected_names.get(c) for c in codes[:4] + codes[5:10]]
    assert placed == [
        "Caturtunggal",
        "Sinduadi",
        "Kricak",
        "Argomulyo",
        "Argomulyo",
        "Wonokerto",
        "Banguntapan",
        "Jangkaran",
        "Semanu",
    ]
    assert codes[3].startswith("34.02.") and codes[5].startswith("34.04.")


def _place_real(villages: pd.DataFrame, rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["desa", "kecamatan", "kabupaten"], dtype="str")
    return place_rows(frame, build_gazetteer(villages))


KINDS = pd.DataFrame(
    [
        ("34.04.11.2001", "Mororejo", "34.04.11", "Tempel", "34.04", "Kabupaten Sleman"),
        ("34.04.11.2002", "Pondokrejo", "34.04.11", "Tempel", "34.04", "Kabupaten Sleman"),
        ("34.04.11.2003", "Lumbungrejo", "34.04.11", "Tempel", "34.04", "Kabupaten Sleman"),
        ("34.04.11.2004", "Sumberrejo", "34.04.11", "Tempel", "34.04", "Kabupaten Sleman"),
        ("34.04.11.2005", "Sendang Arum", "34.04.11", "Tempel", "34.04", "Kabupaten Sleman"),
        ("34.04.11.2006", "Sidomulyo II", "34.04.11", "Tempel", "34.04", "Kabupaten Sleman"),
        ("34.04.11.2007", "Sidomulyo I", "34.04.11", "Tempel", "34.04", "Kabupaten Sleman"),
        ("34.04.11.2008", "Caturtunggal", "34.04.11", "Tempel", "34.04", "Kabupaten Sleman"),
        ("34.04.11.2009", "Sidorejo", "34.04.11", "Tempel", "34.04", "Kabupaten Sleman"),
        ("34.04.11.2010", "Sidarojo", "34.04.11", "Tempel", "34.04", "Kabupaten Sleman"),
        ("34.04.12.2001", "Sidorejo", "34.04.12", "Turi", "34.04", "Kabupaten Sleman"),
        ("34.02.01.2001", "Argomulyo", "34.02.01", "Sedayu", "34.02", "Kabupaten Bantul"),
    ],
    columns=VILLAGES.columns,
)


@pytest.mark.parametrize(
    ("kind", "desa", "kecamatan", "kabupaten", "expected"),
    [
        ("substitution", "Monorejo", "Tempel", "Sleman", "Mororejo"),
        ("insertion", "Pondokrejjo", "Kapanewon Tempel", None, "Pondokrejo"),
        ("deletion", "Lumbngrejo", "Tempel", None, "Lumbungrejo"),
        ("transposition", "Lumbugnrejo", "Tempel", None, "Lumbungrejo"),
        ("two edits in 10+ letters", "Catrtungal", "Tempel", None, "Caturtunggal"),
        ("old spelling", "Soemberredjo", "Tempel", None, "Sumberrejo"),
        ("spacing", "Sendangarum", "Tempel", None, "Sendang Arum"),
        ("spacing", "Cat Urtunggal", "Tempel", None, "Caturtunggal"),
        ("numerals", "Sidomulyo 2", "Tempel", None, "Sidomulyo II"),
        ("numerals", "SIDOMULYO 1", "Tempel", None, "Sidomulyo I"),
        ("prefix and case", "DESA MOROREJO", "KEC. TEMPEL", "KAB. SLEMAN", "Mororejo"),
        ("prefix and case", "Kal. pondokrejo", "kapanewon tempel", None, "Pondokrejo"),
        ("messy kecamatan", "Mororejo", "Tempell", "Kabupaten Slemn", "Mororejo"),
        ("messy kecamatan", "Monorejo", "Tmepel", None, "Mororejo"),
        ("old-spelt kabupaten", "Argomuljo", "Sedajoe", "Kab. Bantoel", "Argomulyo"),
        ("old-spelt prefixes", "Mororedjo", "Ketjamatan Tempel", "Kaboepaten Sleman", "Mororejo"),
        ("no kecamatan", "Argomulya", None, "Bantul", "Argomulyo"),
    ],
)
def test_each_variant_kind_is_placed(
    kind: str, desa: str, kecamatan: str | None, kabupaten: str | None, expected: str
) -> None:
    frame = pd.DataFrame([(desa, kecamatan, kabupaten)], columns=["desa", "kecamatan", "kabupaten"])
    result = place_rows(frame.astype("str").where(frame.notna()), build_gazetteer(KINDS))
    names = KINDS.set_index("village_code")["village_name"]
    assert names[result["village_code"].iloc[0]] == expected, kind


@pytest.mark.parametrize(
    ("desa", "kecamatan", "reason"),
    [
        ("Sidorojo", "Tempel", "ambiguous_name"),  # one edit from Sidorejo and Sidarojo
        ("Sidomulyo", "Tempel", "ambiguous_name"),  # I or II: one edit from both
        ("Sidorejo", None, "ambiguous_name"),  # in Tempel and in Turi
        ("Sidorejoo", None, "ambiguous_name"),  # a typo of a name in two kecamatan
        ("Mrrjo", "Tempel", "unknown_name"),  # three edits from Mororejo
        ("Sumbrrejo", "Turi", "unknown_name"),  # close to Sumberrejo, but not in Turi
        ("Mororejo", "Kecamatan Atlantis", "unknown_name"),
    ],
)
def test_equally_close_or_too_far_is_not_guessed(
    desa: str, kecamatan: str | None, reason: str
) -> None:
    frame = pd.DataFrame([(desa, kecamatan)], columns=["desa", "kecamatan"])
    result = place_rows(frame.astype("str").where(frame.notna()), build_gazetteer(KINDS))
    assert _outcome(result) == [(None, None, reason)]


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Sidomulyo II", "sidomulyo2"),
        ("Sidomulyo 2", "sidomulyo2"),
        ("Tungkal XIV", "tungkal14"),
        ("Manau IX Dua", "manau9dua"),
        ("Vi Raya", "viraya"),  # the first word is a name, not a numeral
        ("Desa I", "i"),  # ... also after a prefix
        ("Kal. Sinduadi", "sinduadi"),
        ("Keloerahan Kricak", "kricak"),  # a prefix in the old spelling
        ("Perk. Tolan I/II", "perktolan12"),
    ],
)
def test_numerals_and_prefixes_in_keys(raw: str, key: str) -> None:
    found = name_key(raw, "desa")
    assert found is not None and found.key == key
