"""Upload refusals reach the page in the reader's language: the checks raise a code and
its values, the page words them (layouts.upload_views.error_text)."""

from __future__ import annotations

import pytest

from analytics.errors import InputError
from analytics.io.upload_checks import check_content
from layouts.upload_views import error_text

MB = 1024 * 1024


def _refusal(name: str, data: bytes, kind: str = "registry", limit: int = MB) -> InputError:
    with pytest.raises(InputError) as info:
        check_content(name, data, kind, limit)
    return info.value


def test_refusals_in_both_languages() -> None:
    big = _refusal("besar.csv", b"a" * int(1.5 * MB))
    assert str(big) == "besar.csv: 1.5 MB, more than the limit of 1 MB"  # CLI, audit
    assert error_text(big, "id") == "besar.csv: 1,5 MB, lebih besar dari batas 1 MB"
    assert error_text(big, "en") == "besar.csv: 1.5 MB, more than the limit of 1 MB"
    wrong = _refusal("foto.png", b"\x89PNG....")
    assert error_text(wrong, "id") == (
        "foto.png: berkas jenis ini harus salah satu dari .csv, .xlsx"
    )
    renamed = _refusal("data.xlsx", b"not a zip")
    assert error_text(renamed, "id") == (
        "data.xlsx: isinya bukan berkas .xlsx (jenis lain yang diganti namanya?)"
    )
    assert error_text(_refusal("kosong.csv", b""), "en") == "kosong.csv: the file is empty"
    assert (
        error_text(_refusal("x.csv", b"MZ\x90\x00"), "id") == "x.csv: bukan berkas teks (isi biner)"
    )


def test_an_error_without_a_code_is_shown_as_it_is() -> None:
    assert error_text(InputError("file x.csv: row 3: bad"), "id") == "file x.csv: row 3: bad"
    # a code whose params do not fit the catalog falls back to the English text, no crash
    assert error_text(InputError("boom", code="too_large"), "id") == "boom"
