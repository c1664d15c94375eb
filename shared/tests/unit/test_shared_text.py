"""Folding: diacritics (Đ included), case, spaces."""

from __future__ import annotations

from baotro_shared.text import compact, fold, fold_lower, holds_nul


def test_fold_removes_diacritics_including_d_stroke() -> None:
    assert fold("  Nguyễn  Văn Đức\n") == "NGUYEN VAN DUC"
    assert fold("ĐỖ THỊ HƯƠNG") == "DO THI HUONG"
    assert fold_lower("Ủng hộ lũ lụt") == "ung ho lu lut"


def test_compact_keeps_letters_and_digits() -> None:
    assert compact("th k7k 2m-9\nqb") == "THK7K2M9QB"
    assert compact("đ") == "D"


def test_holds_nul_counts_the_backslashes_before_an_escape() -> None:
    assert holds_nul(b'"\\u0000"', json=True)
    assert not holds_nul(b'"\\\\u0000"', json=True)
    assert holds_nul(b'"\\\\\\u0000"', json=True)
    assert not holds_nul(b"a=%01", json=False)
    assert holds_nul(b"a=%00", json=False)
