"""Recording and withdrawing consents; a withdrawal is announced (`consent.withdrawn`), and
withdrawing the public-appeal consent takes the child's appeals off the portal at once."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from baotro_registry.domain.appeal import WithdrawReason
from baotro_registry.domain.consent import Consent, ConsentGiver, ConsentPurpose
from baotro_registry.service_layer.appeal_handlers import withdraw_appeals_of_child
from baotro_registry.service_layer.unit_of_work import RegistryUnitOfWork
from baotro_shared.events.contracts.registry import ConsentWithdrawn
from baotro_shared.web.auth import Principal
from baotro_shared.web.problems import ProblemError


async def handle_give_consent(
    uow: RegistryUnitOfWork,
    child_id: uuid.UUID,
    *,
    purpose: ConsentPurpose,
    given_by: ConsentGiver,
    given_on: date,
    principal: Principal,
) -> Consent:
    async with uow:
        child = await uow.children.get(child_id, communes=principal.scope_filter(), personal=False)
        if child is None:
            raise ProblemError(404, "Không tìm thấy trẻ này trong địa bàn của bạn.")
        if given_on > datetime.now(UTC).date():
            raise ProblemError(422, "Ngày đồng ý không thể ở tương lai.")
        consent = Consent(
            id=uuid.uuid4(),
            child_id=child_id,
            purpose=purpose,
            given_by=given_by,
            given_on=given_on,
            recorded_by=principal.sub,
            recorded_at=datetime.now(UTC),
        )
        await uow.consents.add(consent)
        await uow.commit()
    return consent


async def handle_list_consents(
    uow: RegistryUnitOfWork, child_id: uuid.UUID, *, principal: Principal
) -> list[Consent] | None:
    async with uow:
        child = await uow.children.get(child_id, communes=principal.scope_filter(), personal=False)
        if child is None:
            return None
        return await uow.consents.for_child(child_id)


async def handle_withdraw_consent(
    uow: RegistryUnitOfWork, consent_id: uuid.UUID, *, principal: Principal
) -> Consent:
    """Withdraw. For `public_appeal`, in the same transaction every pending or published appeal
    of the child is withdrawn (`appeal.withdrawn`, reason `consent_withdrawn`): whoever withdrew
    (guardian or child), the appeal goes; a new one needs consent recorded again."""
    now = datetime.now(UTC)
    async with uow:
        consent = await uow.consents.get(consent_id)
        child = (
            await uow.children.get(
                consent.child_id, communes=principal.scope_filter(), personal=False
            )
            if consent
            else None
        )
        if consent is None or child is None:
            raise ProblemError(404, "Không tìm thấy sự đồng ý này trong địa bàn của bạn.")
        if not consent.active:
            raise ProblemError(409, "Sự đồng ý này đã được rút trước đó.")
        await uow.consents.withdraw(consent_id, at=now, by=principal.sub)
        await uow.publish(
            ConsentWithdrawn(
                consent_id=consent.id,
                child_id=consent.child_id,
                purpose=consent.purpose.value,
                withdrawn_at=now,
            )
        )
        if consent.purpose is ConsentPurpose.PUBLIC_APPEAL:
            await withdraw_appeals_of_child(
                uow, consent.child_id, WithdrawReason.CONSENT_WITHDRAWN, by=principal.sub
            )
        await uow.commit()
    return Consent(**{**consent.__dict__, "withdrawn_at": now})
