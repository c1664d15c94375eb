"""Folding: diacritics (Đ included), case, spaces."""

from __future__ import annotations

from baotro_shared.text import compact, fold, fold_lower


def test_fold_removes_diacritics_including_d_stroke() -> None:
    assert fold("  Nguyễn  Văn Đức\n") == "NGUYEN VAN DUC"
    assert fold("ĐỖ THỊ HƯƠNG") == "DO THI HUONG"
    assert fold_lower("Ủng hộ lũ lụt") == "ung ho lu lut"


def test_compact_keeps_letters_and_digits() -> None:
    assert compact("th k7k 2m-9\nqb") == "THK7K2M9QB"
    assert compact("đ") == "D"
