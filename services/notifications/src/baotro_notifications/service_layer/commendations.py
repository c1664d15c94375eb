"""Commendations: yearly rules, evaluation into proposals (once per donor, rule and period),
approval into a certificate, a notice to the donor and `commendation.issued`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from baotro_notifications.adapters.commendation_repository import rule_of
from baotro_notifications.adapters.delivery_repository import new_delivery
from baotro_notifications.adapters.letter_renderer import LetterRenderer
from baotro_notifications.adapters.orm_commendations import (
    CommendationRecord,
    CommendationRuleRecord,
)
from baotro_notifications.domain.commendation import (
    CommendationRule,
    CommendationStatus,
    award_reason,
    check_rule,
    meets,
)
from baotro_notifications.domain.donors import DonorProfile, addressee
from baotro_notifications.domain.letters import Certificate, award_title
from baotro_notifications.domain.notices import NoticeKind
from baotro_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from baotro_shared.documents import render_pdf_async
from baotro_shared.events.contracts.notifications import CommendationIssued, CommendationProposed
from baotro_shared.timeutil import VIETNAM


class CommendationRefusedError(Exception):
    """A request the rules refuse; `status` is the HTTP status, `message` Vietnamese."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class NewRule:
    year: int
    name: str
    award: str
    donor_kinds: frozenset[str] = frozenset()
    min_total: int | None = None
    min_sponsorships: int | None = None
    min_campaigns_mobilised: int | None = None
    period_start: date | None = None
    period_end: date | None = None
    signer_title: str | None = None
    signer_name: str | None = None


async def create_rule(uow: NotificationsUnitOfWork, cmd: NewRule, *, by: str) -> CommendationRule:
    rule = CommendationRule(
        id=uuid.uuid4(),
        year=cmd.year,
        name=cmd.name.strip(),
        award=cmd.award.strip(),
        period_start=cmd.period_start or date(cmd.year, 1, 1),
        period_end=cmd.period_end or date(cmd.year, 12, 31),
        donor_kinds=cmd.donor_kinds,
        min_total=cmd.min_total,
        min_sponsorships=cmd.min_sponsorships,
        min_campaigns_mobilised=cmd.min_campaigns_mobilised,
        signer_title=cmd.signer_title,
        signer_name=cmd.signer_name,
    )
    try:
        check_rule(rule)
    except ValueError as exc:
        raise CommendationRefusedError(422, str(exc)) from exc
    uow.commendations.add_rule(
        CommendationRuleRecord(
            id=rule.id,
            year=rule.year,
            name=rule.name,
            award=rule.award,
            period_start=rule.period_start,
            period_end=rule.period_end,
            donor_kinds=sorted(rule.donor_kinds),
            min_total=rule.min_total,
            min_sponsorships=rule.min_sponsorships,
            min_campaigns_mobilised=rule.min_campaigns_mobilised,
            signer_title=rule.signer_title,
            signer_name=rule.signer_name,
            created_at=datetime.now(UTC),
            created_by=by,
        )
    )
    await uow.commit()
    return rule


async def evaluate(
    uow: NotificationsUnitOfWork, *, year: int, rule_id: uuid.UUID | None = None
) -> list[uuid.UUID]:
    """Propose every donor who meets a rule of `year` (and was not proposed for it yet), and
    commit; the new proposals' ids. `commendation.proposed` leaves through the outbox."""
    now = datetime.now(UTC)
    proposed: list[uuid.UUID] = []
    for row in await uow.commendations.rules(year=year):
        if rule_id is not None and row.id != rule_id:
            continue
        rule = rule_of(row)
        for standing in await uow.commendations.standings(rule.period_start, rule.period_end):
            if not meets(rule, standing):
                continue
            donations = await uow.commendations.evidence_donations(
                standing.donor_id, rule.period_start, rule.period_end
            )
            pledges = await uow.commendations.pledges_reached(
                standing.donor_id, rule.period_start, rule.period_end
            )
            commendation_id = uuid.uuid4()
            evidence = {
                "donation_ids": [str(d) for d in donations],
                "donation_count": standing.donation_count,
                "total_given": standing.total_given,
                "sponsorships_held": standing.sponsorships_held,
                "campaigns_mobilised": standing.campaigns_mobilised,
                "pledges_reached": [str(p) for p in pledges],
                "anonymous": standing.anonymous,
                "reason": award_reason(rule, standing),
            }
            added = await uow.commendations.propose(
                {
                    "id": commendation_id,
                    "rule_id": rule.id,
                    "donor_id": standing.donor_id,
                    "donor_kind": standing.kind,
                    "period_start": rule.period_start,
                    "period_end": rule.period_end,
                    "status": CommendationStatus.PROPOSED.value,
                    "award": rule.award,
                    "total_given": standing.total_given,
                    "donation_count": standing.donation_count,
                    "evidence": evidence,
                    "proposed_at": now,
                }
            )
            if not added:
                continue
            proposed.append(commendation_id)
            await uow.publish(
                CommendationProposed(
                    commendation_id=commendation_id,
                    rule_id=rule.id,
                    donor_id=standing.donor_id,
                    donor_kind=standing.kind,
                    award=rule.award,
                    period_start=rule.period_start,
                    period_end=rule.period_end,
                    total_given=standing.total_given,
                    donation_count=standing.donation_count,
                    donation_ids=tuple(donations),
                    sponsorships_held=standing.sponsorships_held,
                    campaigns_mobilised=standing.campaigns_mobilised,
                    proposed_at=now,
                )
            )
    await uow.commit()
    return proposed


async def proposal(uow: NotificationsUnitOfWork, commendation_id: uuid.UUID) -> CommendationRecord:
    """A commendation still awaiting its decision (404 / 409 otherwise)."""
    record = await uow.commendations.get(commendation_id, lock=True)
    if record is None:
        raise CommendationRefusedError(404, "Không tìm thấy đề xuất khen thưởng này.")
    if record.status != CommendationStatus.PROPOSED.value:
        raise CommendationRefusedError(
            409, "Đề xuất khen thưởng này đã được xét duyệt (phê duyệt hoặc từ chối) trước đó."
        )
    return record


async def approve(
    uow: NotificationsUnitOfWork,
    commendation_id: uuid.UUID,
    *,
    donor: DonorProfile,
    renderer: LetterRenderer,
    by: str,
    number_suffix: str,
) -> CommendationRecord:
    """Number and render the certificate, queue the notice to the donor, and emit
    `commendation.issued` — all in one transaction, committed here."""
    record = await proposal(uow, commendation_id)
    rule_row = await uow.commendations.rule(record.rule_id)
    assert rule_row is not None
    now = datetime.now(UTC)
    issued_on = now.astimezone(VIETNAM).date()
    head = renderer.head
    sequence = await uow.commendations.certificates_issued(issued_on.year) + 1
    number = f"{sequence:03d}/{issued_on.year}/{number_suffix}"
    signer_title = rule_row.signer_title or f"{head.director_title} {head.fund_name}"
    certificate = Certificate(
        title=award_title(record.award),
        issuer=signer_title.upper(),
        awarded_to=addressee(donor),
        reason=str(record.evidence.get("reason", "")),
        number=number,
        issued_on=issued_on,
        signer_title=(rule_row.signer_title or head.director_title).upper(),
        signer_name=rule_row.signer_name or head.director_name,
        award=record.award,
    )
    record.certificate_pdf = await render_pdf_async(renderer.certificate_html(certificate))
    record.certificate_number = number
    record.status = CommendationStatus.APPROVED.value
    record.decided_at = now
    record.decided_by = by
    await uow.deliveries.add_unless_exists(
        new_delivery(
            kind=NoticeKind.COMMENDATION,
            dedupe_key=f"commendation:{record.id}",
            now=now,
            donor_id=record.donor_id,
            commendation_id=record.id,
        )
    )
    await uow.publish(
        CommendationIssued(
            commendation_id=record.id,
            rule_id=record.rule_id,
            donor_id=record.donor_id,
            award=record.award,
            certificate_number=number,
            period_start=record.period_start,
            period_end=record.period_end,
            total_given=record.total_given,
            issued_at=now,
        )
    )
    await uow.commit()
    return record


async def reject(
    uow: NotificationsUnitOfWork, commendation_id: uuid.UUID, *, by: str, reason: str
) -> CommendationRecord:
    record = await proposal(uow, commendation_id)
    record.status = CommendationStatus.REJECTED.value
    record.decided_at = datetime.now(UTC)
    record.decided_by = by
    record.rejection_reason = reason
    await uow.commit()
    return record
