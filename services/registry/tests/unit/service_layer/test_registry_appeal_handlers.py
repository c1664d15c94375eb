"""Appeal withdrawal inside other transactions (consent withdrawn, case closed), without I/O."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any

from baotro_registry.domain.appeal import Appeal, AppealStatus, NeedKind, WithdrawReason
from baotro_registry.domain.children import Child, PersonalData
from baotro_registry.domain.consent import Consent, ConsentGiver, ConsentPurpose
from baotro_registry.service_layer.appeal_handlers import withdraw_appeals_of_case
from baotro_registry.service_layer.consent_handlers import handle_withdraw_consent
from baotro_shared.events.base import EventData
from baotro_shared.events.contracts.registry import AppealWithdrawn, ConsentWithdrawn
from baotro_shared.web.auth import Principal, Role

NOW = datetime(2026, 11, 26, tzinfo=UTC)
CHILD_ID = uuid.uuid4()
CASE_ID = uuid.uuid4()
WORKER = Principal(sub="worker", role=Role.CASE_WORKER, communes=frozenset({"14797"}))


def _appeal(status: AppealStatus, case_id: uuid.UUID = CASE_ID) -> Appeal:
    return Appeal(
        id=uuid.uuid4(),
        case_id=case_id,
        child_id=CHILD_ID,
        commune_code="14797",
        alias="Em Mây",
        age_band="6-10",
        province_code="38",
        province_name="Thanh Hóa",
        need_kind=NeedKind.TUITION,
        amount_sought=5_000_000,
        story=None,
        status=status,
        created_by="worker",
        created_at=NOW,
    )


@dataclass
class FakeAppeals:
    rows: dict[uuid.UUID, Appeal]

    async def active_of(
        self, *, child_id: uuid.UUID | None = None, case_id: uuid.UUID | None = None
    ) -> list[Appeal]:
        return [
            a
            for a in self.rows.values()
            if a.active
            and (child_id is None or a.child_id == child_id)
            and (case_id is None or a.case_id == case_id)
        ]

    async def save(self, appeal: Appeal) -> None:
        self.rows[appeal.id] = appeal


@dataclass
class FakeConsents:
    rows: dict[uuid.UUID, Consent]

    async def get(self, consent_id: uuid.UUID) -> Consent | None:
        return self.rows.get(consent_id)

    async def withdraw(self, consent_id: uuid.UUID, *, at: datetime, by: str) -> None:
        self.rows[consent_id] = replace(self.rows[consent_id], withdrawn_at=at)


@dataclass
class FakeChildren:
    async def get(
        self, child_id: uuid.UUID, *, communes: Collection[str] | None, personal: bool
    ) -> Child | None:
        return Child(
            id=child_id,
            commune_code="14797",
            birth_year=2016,
            personal=PersonalData(full_name=""),
            created_at=NOW,
            created_by="worker",
            updated_at=NOW,
        )


@dataclass
class FakeUnitOfWork:
    appeals: FakeAppeals
    consents: FakeConsents = field(default_factory=lambda: FakeConsents({}))
    children: FakeChildren = field(default_factory=FakeChildren)
    published: list[EventData] = field(default_factory=list)
    committed_events: list[EventData] | None = None

    async def __aenter__(self) -> FakeUnitOfWork:
        return self

    async def __aexit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    async def publish(self, data: EventData) -> None:
        self.published.append(data)

    async def commit(self) -> None:
        self.committed_events = list(self.published)


def _uow(*appeals: Appeal, consents: list[Consent] | None = None) -> Any:
    return FakeUnitOfWork(
        FakeAppeals({a.id: a for a in appeals}),
        FakeConsents({c.id: c for c in consents or []}),
    )


async def test_closing_a_case_withdraws_live_appeals_and_leaves_the_commit_to_the_caller() -> None:
    pending = _appeal(AppealStatus.PENDING_APPROVAL)
    published = _appeal(AppealStatus.PUBLISHED)
    rejected = _appeal(AppealStatus.REJECTED)
    elsewhere = _appeal(AppealStatus.PUBLISHED, case_id=uuid.uuid4())
    uow = _uow(pending, published, rejected, elsewhere)

    withdrawn = await withdraw_appeals_of_case(uow, CASE_ID, "case_closed")

    assert {a.id for a in withdrawn} == {pending.id, published.id}
    assert uow.appeals.rows[published.id].status is AppealStatus.WITHDRAWN
    assert uow.appeals.rows[rejected.id].status is AppealStatus.REJECTED
    assert uow.appeals.rows[elsewhere.id].status is AppealStatus.PUBLISHED
    assert all(isinstance(e, AppealWithdrawn) for e in uow.published)
    assert {e.reason for e in uow.published} == {"case_closed"}
    assert uow.committed_events is None


async def test_withdrawing_the_public_appeal_consent_withdraws_appeals_in_the_same_commit() -> None:
    consent = Consent(
        id=uuid.uuid4(),
        child_id=CHILD_ID,
        purpose=ConsentPurpose.PUBLIC_APPEAL,
        given_by=ConsentGiver.CHILD,
        given_on=date(2026, 11, 1),
        recorded_by="worker",
        recorded_at=NOW,
    )
    appeal = _appeal(AppealStatus.PUBLISHED)
    uow = _uow(appeal, consents=[consent])

    await handle_withdraw_consent(uow, consent.id, principal=WORKER)

    assert [type(e) for e in uow.committed_events or []] == [ConsentWithdrawn, AppealWithdrawn]
    [_, appeal_event] = uow.committed_events
    assert appeal_event.reason == WithdrawReason.CONSENT_WITHDRAWN.value
    assert uow.appeals.rows[appeal.id].withdrawn_by == "worker"


async def test_withdrawing_another_consent_leaves_the_appeals_alone() -> None:
    consent = Consent(
        id=uuid.uuid4(),
        child_id=CHILD_ID,
        purpose=ConsentPurpose.PHOTO,
        given_by=ConsentGiver.GUARDIAN,
        given_on=date(2026, 11, 1),
        recorded_by="worker",
        recorded_at=NOW,
    )
    appeal = _appeal(AppealStatus.PUBLISHED)
    uow = _uow(appeal, consents=[consent])

    await handle_withdraw_consent(uow, consent.id, principal=WORKER)

    assert [type(e) for e in uow.committed_events or []] == [ConsentWithdrawn]
    assert uow.appeals.rows[appeal.id].status is AppealStatus.PUBLISHED
