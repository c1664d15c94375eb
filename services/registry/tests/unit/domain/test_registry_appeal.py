"""Appeal rules: alias, sensitive groups, consent, story, four-eyes approval, withdrawal."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from baotro_registry.domain.appeal import (
    ALIAS_WORDS,
    Appeal,
    AppealRefusedError,
    AppealStatus,
    NeedKind,
    WithdrawReason,
    alias_for,
    approve,
    check_story,
    draft_appeal,
    ensure_may_appear_publicly,
    ensure_public_consent,
    reject,
    withdraw,
)
from baotro_registry.domain.children import Child, PersonalData
from baotro_registry.domain.consent import Consent, ConsentGiver, ConsentPurpose
from baotro_registry.domain.pii_guard import PersonalMarkers
from baotro_shared.text import fold

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
CHILD = Child(
    id=uuid.uuid4(),
    commune_code="14797",
    birth_year=2016,
    personal=PersonalData(full_name="Nguyễn Văn An", date_of_birth=date(2016, 3, 9)),
    created_at=NOW,
    created_by="worker",
    updated_at=NOW,
    groups=("a",),
)


def _draft(**override: Any) -> Appeal:
    values: dict[str, Any] = {
        "appeal_id": uuid.uuid4(),
        "case_id": uuid.uuid4(),
        "child": CHILD,
        "band": "6-10",
        "province_code": "38",
        "province_name": "Thanh Hóa",
        "need_kind": NeedKind.TUITION,
        "amount_sought": 5_000_000,
        "story": None,
        "created_by": "worker",
        "now": NOW,
    }
    values.update(override)
    return draft_appeal(**values)


def _consent(giver: ConsentGiver, *, withdrawn: bool = False) -> Consent:
    return Consent(
        id=uuid.uuid4(),
        child_id=CHILD.id,
        purpose=ConsentPurpose.PUBLIC_APPEAL,
        given_by=giver,
        given_on=date(2026, 11, 1),
        recorded_by="worker",
        recorded_at=NOW,
        withdrawn_at=NOW if withdrawn else None,
    )


def test_alias_is_deterministic_per_appeal_and_neutral() -> None:
    appeal_id = uuid.uuid4()
    alias = alias_for(appeal_id, "6-10", "Nguyễn Văn An")
    assert alias == alias_for(appeal_id, "6-10", "Nguyễn Văn An")
    prefix, word = alias.split(" ", 1)
    assert prefix == "Em"
    assert word in ALIAS_WORDS
    assert alias_for(appeal_id, "3-5", "Nguyễn Văn An").startswith("Bé ")


def test_alias_never_shares_an_initial_or_a_word_with_the_child_s_name() -> None:
    for _ in range(200):
        name = "Lê Thị Mây Sương"
        alias = alias_for(uuid.uuid4(), "6-10", name)
        word = alias.split(" ", 1)[1]
        assert fold(word)[0] not in {"L", "T", "M", "S"}


def test_alias_differs_between_appeals() -> None:
    aliases = {alias_for(uuid.uuid4(), "6-10", "Hà Văn Khánh") for _ in range(100)}
    assert len(aliases) > 5


@pytest.mark.parametrize("group", ["đ", "e", "g", "l", "m"])
def test_sensitive_groups_never_appear_publicly(group: str) -> None:
    with pytest.raises(AppealRefusedError) as refused:
        ensure_may_appear_publicly(("a", group))
    assert refused.value.status == 422
    assert "không được đưa lên bài kêu gọi công khai" in refused.value.message


def test_other_groups_may_appear() -> None:
    ensure_may_appear_publicly(("a", "b", "c", "d", "h", "i", "k", "n", "o"))


def test_consent_of_guardian_and_child_from_seven_is_needed() -> None:
    with pytest.raises(AppealRefusedError, match="người giám hộ, trẻ"):
        ensure_public_consent([], 10)
    with pytest.raises(AppealRefusedError, match="trẻ \\(từ đủ 7 tuổi\\)"):
        ensure_public_consent([_consent(ConsentGiver.GUARDIAN)], 7)
    ensure_public_consent([_consent(ConsentGiver.GUARDIAN)], 6)
    ensure_public_consent([_consent(ConsentGiver.GUARDIAN), _consent(ConsentGiver.CHILD)], 10)
    with pytest.raises(AppealRefusedError):
        ensure_public_consent(
            [_consent(ConsentGiver.GUARDIAN), _consent(ConsentGiver.CHILD, withdrawn=True)], 10
        )


def test_a_story_with_personal_data_is_refused_naming_only_the_kind() -> None:
    markers = PersonalMarkers(full_name="Nguyễn Văn An", phones=("0912345678",))
    with pytest.raises(AppealRefusedError) as refused:
        check_story("Em An cần giúp đỡ, gọi 0912 345 678.", markers)
    assert refused.value.status == 422
    assert refused.value.field == "story"
    assert "họ tên của trẻ" in refused.value.message
    assert "số điện thoại" in refused.value.message
    assert "0912" not in refused.value.message
    assert " An " not in refused.value.message


def test_a_clean_story_is_trimmed_and_an_empty_one_is_none() -> None:
    markers = PersonalMarkers(full_name="Nguyễn Văn An")
    assert check_story("  Em  mồ côi cha.\n", markers) == "Em mồ côi cha."
    assert check_story("   ", markers) is None
    assert check_story(None, markers) is None
    with pytest.raises(AppealRefusedError, match="tối đa"):
        check_story("a " * 600, markers)


@pytest.mark.parametrize("amount", [0, -1, 2_000_000_001])
def test_the_amount_sought_is_positive_and_bounded(amount: int) -> None:
    with pytest.raises(AppealRefusedError) as refused:
        _draft(amount_sought=amount)
    assert refused.value.field == "amount_sought"


def test_a_draft_waits_for_approval_and_carries_no_name() -> None:
    appeal = _draft()
    assert appeal.status is AppealStatus.PENDING_APPROVAL
    assert "An" not in appeal.alias.split()
    assert appeal.commune_code == "14797"


def test_the_author_cannot_approve_or_reject_their_own_appeal() -> None:
    appeal = _draft()
    with pytest.raises(AppealRefusedError) as refused:
        approve(appeal, by="worker", now=NOW, comment=None)
    assert refused.value.status == 403
    with pytest.raises(AppealRefusedError):
        reject(appeal, by="worker", now=NOW, comment="không")


def test_approval_publishes_and_can_happen_once() -> None:
    appeal = _draft()
    published = approve(appeal, by="supervisor", now=NOW, comment="Đồng ý")
    assert published.status is AppealStatus.PUBLISHED
    assert published.published_at == NOW
    assert published.reviewed_by == "supervisor"
    with pytest.raises(AppealRefusedError) as again:
        approve(published, by="other", now=NOW, comment=None)
    assert again.value.status == 409


def test_rejection_needs_a_comment() -> None:
    appeal = _draft()
    with pytest.raises(AppealRefusedError, match="lý do"):
        reject(appeal, by="supervisor", now=NOW, comment="  ")
    rejected = reject(appeal, by="supervisor", now=NOW, comment="Sửa câu chuyện")
    assert rejected.status is AppealStatus.REJECTED
    assert rejected.review_comment == "Sửa câu chuyện"


def test_pending_and_published_appeals_can_be_withdrawn_once() -> None:
    appeal = _draft()
    published = approve(appeal, by="supervisor", now=NOW, comment=None)
    for current in (appeal, published):
        gone = withdraw(current, by="x", now=NOW, reason=WithdrawReason.CONSENT_WITHDRAWN)
        assert gone.status is AppealStatus.WITHDRAWN
        assert gone.withdraw_reason == "consent_withdrawn"
        with pytest.raises(AppealRefusedError):
            withdraw(gone, by="x", now=NOW, reason=WithdrawReason.SUPERVISOR)
    rejected = replace(published, status=AppealStatus.REJECTED)
    with pytest.raises(AppealRefusedError):
        withdraw(rejected, by="x", now=NOW, reason=WithdrawReason.SUPERVISOR)
