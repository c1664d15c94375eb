"""Opening a case: commune of the province, legal groups of the law."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from baotro_registry.domain.case import (
    CaseRejectedError,
    CaseStage,
    CaseStatus,
    open_case,
    validate_groups,
)
from baotro_registry.domain.communes import CommuneDirectory, commune_directory

HAC_THANH = "14797"
NOW = datetime(2025, 7, 1, 8, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def directory() -> CommuneDirectory:
    return commune_directory("38")


def test_valid_case_is_open_at_stage_new(directory: CommuneDirectory) -> None:
    child = uuid.uuid4()

    case = open_case(
        commune_code=HAC_THANH,
        groups=["a", "d"],
        directory=directory,
        opened_by="can-bo-01",
        now=NOW,
        child_id=child,
    )

    assert case.status is CaseStatus.OPEN
    assert case.stage is CaseStage.NEW
    assert case.commune_code == HAC_THANH
    assert case.groups == ("a", "d")
    assert case.opened_at == NOW
    assert case.opened_by == "can-bo-01"
    assert case.child_id == child
    assert isinstance(case.id, uuid.UUID)


def test_each_case_gets_its_own_id(directory: CommuneDirectory) -> None:
    first, second = (
        open_case(commune_code=HAC_THANH, groups=["a"], directory=directory, opened_by="x", now=NOW)
        for _ in range(2)
    )

    assert first.id != second.id


def test_commune_code_is_stored_in_its_canonical_form(directory: CommuneDirectory) -> None:
    case = open_case(
        commune_code=f" {HAC_THANH} ", groups=["a"], directory=directory, opened_by="x", now=NOW
    )

    assert case.commune_code == HAC_THANH


def test_groups_are_normalised_deduplicated_and_ordered_as_in_the_law(
    directory: CommuneDirectory,
) -> None:
    case = open_case(
        commune_code=HAC_THANH,
        groups=["o", "Đ", "a", "dd", " A ", "e", "d"],
        directory=directory,
        opened_by="x",
        now=NOW,
    )

    assert case.groups == ("a", "d", "đ", "e", "o")


def test_unknown_commune_is_rejected_naming_the_province(directory: CommuneDirectory) -> None:
    with pytest.raises(CaseRejectedError) as excinfo:
        open_case(commune_code="00001", groups=["a"], directory=directory, opened_by="x", now=NOW)

    error = excinfo.value
    assert error.field == "commune_code"
    assert "Mã xã/phường '00001' không thuộc Thanh Hóa" in error.message
    assert "166 xã, phường" in error.message
    assert str(error) == error.message


def test_empty_groups_are_rejected(directory: CommuneDirectory) -> None:
    with pytest.raises(CaseRejectedError) as excinfo:
        open_case(commune_code=HAC_THANH, groups=[], directory=directory, opened_by="x", now=NOW)

    assert excinfo.value.field == "groups"
    assert "Cần ít nhất một nhóm" in excinfo.value.message


def test_unknown_group_codes_are_rejected_by_name(directory: CommuneDirectory) -> None:
    with pytest.raises(CaseRejectedError) as excinfo:
        open_case(
            commune_code=HAC_THANH,
            groups=["a", "f", "z"],
            directory=directory,
            opened_by="x",
            now=NOW,
        )

    error = excinfo.value
    assert error.field == "groups"
    assert "Mã nhóm không hợp lệ: 'f', 'z'" in error.message
    assert "Điều 10" in error.message
    assert "a, b, c, d, đ, e, g, h, i, k, l, m, n, o" in error.message


def test_unknown_group_is_named_as_it_was_typed() -> None:
    with pytest.raises(CaseRejectedError, match="' J '"):
        validate_groups(["a", " J "])


def test_case_rejected_error_is_a_value_error() -> None:
    assert issubclass(CaseRejectedError, ValueError)
