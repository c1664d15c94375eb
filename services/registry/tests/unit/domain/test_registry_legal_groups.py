"""The 14 groups of children in special circumstances (Luật Trẻ em 2016, Điều 10)."""

from __future__ import annotations

import pytest

from baotro_registry.domain.legal_groups import LEGAL_GROUPS, normalise_group_code
from baotro_shared.events.contracts.registry import LEGAL_GROUP_CODES


def test_there_are_exactly_the_fourteen_groups_of_the_law_in_its_order() -> None:
    assert list(LEGAL_GROUPS) == [
        "a",
        "b",
        "c",
        "d",
        "đ",
        "e",
        "g",
        "h",
        "i",
        "k",
        "l",
        "m",
        "n",
        "o",
    ]


def test_sensitive_groups_are_hiv_law_breaking_drugs_sexual_abuse_and_trafficking() -> None:
    sensitive = {code for code, group in LEGAL_GROUPS.items() if group.sensitive}

    assert sensitive == {"đ", "e", "g", "l", "m"}


def test_each_group_is_keyed_by_its_code_and_named_in_vietnamese() -> None:
    for code, group in LEGAL_GROUPS.items():
        assert group.code == code
        assert group.name_vi.startswith("Trẻ em"), group.name_vi


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Đ", "đ"),
        ("đ", "đ"),
        ("dd", "đ"),
        ("DD", "đ"),
        (" A ", "a"),
        ("o", "o"),
        ("d", "d"),
        ("\tK\n", "k"),
    ],
)
def test_normalise_group_code(raw: str, code: str) -> None:
    assert normalise_group_code(raw) == code


def test_normalise_leaves_unknown_codes_for_validation_to_refuse() -> None:
    assert normalise_group_code(" F ") == "f"
    assert "f" not in LEGAL_GROUPS


def test_the_shared_contract_lists_the_same_codes_in_the_same_order() -> None:
    assert tuple(LEGAL_GROUPS) == LEGAL_GROUP_CODES
