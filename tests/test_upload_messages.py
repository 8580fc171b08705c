"""Upload refusals reach the page in the reader's language: the checks raise a code and
its values, the page words them (layouts.upload.views.error_text)."""

from __future__ import annotations

import pytest

from analytics.errors import InputError
from analytics.io.upload_checks import check_content
from layouts.upload.views import error_text

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


def test_a_file_without_a_required_column_names_it_in_the_pages_language(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The build's message points to the CLI's ``--mapping``; the page's tells a web user
    what to do with the file itself, in their language."""
    from test_intake import make_villages

    from analytics.intake.registries import ingest_registries
    from analytics.intake.workforce import ingest_workforce
    from layouts.upload.views import human_size

    wrong = tmp_path / "salah_berkas.csv"
    wrong.write_text("NAMA;KODE_DESA;SEGMEN\nBudi;3471011001;PU\n", encoding="utf-8")
    villages = make_villages()
    with pytest.raises(InputError) as info:
        ingest_registries([wrong], villages, b"k" * 32)
    assert "--mapping" in str(info.value)  # the CLI's words stay
    shown = error_text(info.value, "id")
    assert shown.startswith("salah_berkas.csv: kolom nomor peserta (KPJ atau NIK) tidak")
    assert "NAMA, KODE_DESA, SEGMEN" in shown and "NO_KPJ, NIK" in shown
    assert "--mapping" not in shown and "column" not in shown
    assert "no membership id (KPJ or NIK) column" in error_text(info.value, "en")
    workforce = tmp_path / "angkatan.csv"
    workforce.write_text("KODE_DESA;TAHUN\n3471011001;2024\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        ingest_workforce(workforce, villages)
    assert "kolom angkatan kerja tidak ditemukan" in error_text(info.value, "id")
    assert human_size(34_100, "id") == "33,3 KB" and human_size(34_100, "en") == "33.3 KB"


def test_the_dry_runs_changes_are_written_like_every_other_number() -> None:
    from analytics.store.diff import FIGURES
    from layouts.upload.diff import diff_view

    current = {key: 150_000 for key in FIGURES}
    new = {key: 3_025 for key in FIGURES}
    text = str(diff_view({"current": current, "new": new}, "id"))
    assert "-146.975" in text and "-146975" not in text
    text = str(diff_view({"current": current, "new": current}, "en"))
    assert "'0'" in text and "+0" not in text
