"""Use cases of donors, campaigns and pledges, one transaction each, and `donation_context`
(what a gift to a campaign or a pledge counts towards), which runs inside the caller's.

Donors' contact details and account numbers are sealed by the repository; nothing here logs
them or puts them in an event (ids, kinds and an organisation's name only).
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import structlog

from baotro_donations.adapters.party_repository import (
    PLEDGE_TAKEN,
    DonorSummary,
    PartyRepository,
)
from baotro_donations.domain.campaigns import (
    Campaign,
    CampaignKind,
    Pledge,
    Raised,
    new_campaign,
    new_pledge,
    percent,
)
from baotro_donations.domain.donors import (
    Contact,
    ContactChannel,
    Donor,
    DonorKind,
    KnownBankAccount,
    refuse,
    validated,
)
from baotro_donations.service_layer.unit_of_work import DonationsUnitOfWork
from baotro_shared.events.contracts.donations import CampaignOpened, PledgeCreated

log = structlog.get_logger(__name__)

DONOR_NOT_FOUND = "Không tìm thấy nhà tài trợ này."
CAMPAIGN_NOT_FOUND = "Không tìm thấy đợt vận động này."
PLEDGE_NOT_FOUND = "Không tìm thấy cam kết ủng hộ này."
ANONYMOUS_UNIT = "Đơn vị giấu tên"


# -- donors ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class DonorFields:
    """What staff write about a donor (POST takes them all, PATCH some)."""

    kind: DonorKind
    display_name: str
    salutation: str | None = None
    anonymous: bool = False
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    preferred_channel: ContactChannel | None = None
    opted_out: bool = False
    headcount: int | None = None
    average_daily_wage: int | None = None
    commune_code: str | None = None
    bank_accounts: tuple[KnownBankAccount, ...] = ()


def _fields_of(donor: Donor) -> DonorFields:
    return DonorFields(
        kind=donor.kind,
        display_name=donor.display_name,
        salutation=donor.salutation,
        anonymous=donor.anonymous,
        email=donor.contact.email,
        phone=donor.contact.phone,
        address=donor.contact.address,
        preferred_channel=donor.preferred_channel,
        opted_out=donor.opted_out,
        headcount=donor.headcount,
        average_daily_wage=donor.average_daily_wage,
        commune_code=donor.commune_code,
        bank_accounts=donor.bank_accounts,
    )


def _donor_of(fields: DonorFields, base: Donor) -> Donor:
    values = asdict(fields)
    contact = Contact(values.pop("email"), values.pop("phone"), values.pop("address"))
    values["bank_accounts"] = fields.bank_accounts
    return validated(replace(base, contact=contact, **values))


async def _refuse_accounts_of_others(repo: PartyRepository, donor: Donor) -> None:
    numbers = [a.number for a in donor.bank_accounts]
    if await repo.accounts_of_others(numbers, donor_id=donor.id):
        raise refuse(
            "Số tài khoản ngân hàng này đã thuộc về một nhà tài trợ khác; "
            "hãy kiểm tra lại hoặc gộp hai hồ sơ.",
            field="bank_accounts",
            status=409,
        )


async def create_donor(uow: DonationsUnitOfWork, fields: DonorFields, *, actor: str) -> Donor:
    async with uow:
        donor = await create_donor_in(uow, fields, actor=actor)
        await uow.commit()
    log.info("donations.donor.created", donor_id=str(donor.id), kind=donor.kind.value)
    return donor


async def create_donor_in(uow: DonationsUnitOfWork, fields: DonorFields, *, actor: str) -> Donor:
    """`create_donor` inside the caller's transaction (reconciliation creates the donor of a
    bank transfer and records the gift together)."""
    now = datetime.now(UTC)
    blank = Donor(
        id=uuid.uuid4(),
        kind=fields.kind,
        display_name=fields.display_name,
        created_at=now,
        updated_at=now,
        created_by=actor,
    )
    donor = _donor_of(fields, blank)
    await _refuse_accounts_of_others(uow.parties, donor)
    await uow.parties.add_donor(donor)
    return donor


async def update_donor(
    uow: DonationsUnitOfWork, donor_id: uuid.UUID, changes: dict[str, Any], *, actor: str
) -> Donor:
    """Apply the named changes (a field set to None is cleared)."""
    async with uow:
        repo = uow.parties
        current = await repo.donor(donor_id, lock=True)
        if current is None:
            raise refuse(DONOR_NOT_FOUND, status=404)
        fields = replace(_fields_of(current), **changes)
        donor = _donor_of(fields, replace(current, updated_at=datetime.now(UTC)))
        leaves_units = current.kind is DonorKind.UNIT and donor.kind is not DonorKind.UNIT
        if leaves_units and await repo.unit_has_pledges(donor_id):
            raise refuse(
                "Đơn vị đã có cam kết ủng hộ nên không đổi sang loại nhà tài trợ khác.",
                field="kind",
                status=409,
            )
        await _refuse_accounts_of_others(repo, donor)
        await repo.save_donor(donor)
        await uow.commit()
    log.info("donations.donor.updated", donor_id=str(donor_id), fields=sorted(changes))
    return donor


async def get_donor(uow: DonationsUnitOfWork, donor_id: uuid.UUID) -> Donor:
    async with uow:
        donor = await uow.parties.donor(donor_id)
    if donor is None:
        raise refuse(DONOR_NOT_FOUND, status=404)
    return donor


async def get_donors(uow: DonationsUnitOfWork, donor_ids: list[uuid.UUID]) -> list[Donor]:
    """Several donors at once (notifications asks for a round of notices' donors together);
    the unknown ones are simply absent."""
    async with uow:
        return await uow.parties.donors(list(dict.fromkeys(donor_ids)))


async def search_donors(
    uow: DonationsUnitOfWork, *, query: str | None, kind: DonorKind | None, limit: int, offset: int
) -> tuple[list[DonorSummary], int]:
    async with uow:
        return await uow.parties.search_donors(query=query, kind=kind, limit=limit, offset=offset)


# -- campaigns and pledges ------------------------------------------------------------------
@dataclass(frozen=True)
class OpenCampaign:
    fund_code: str | None
    name: str
    kind: CampaignKind
    starts_on: date
    ends_on: date
    target_amount: int | None = None
    restricted: bool = False


@dataclass(frozen=True)
class PledgeProgress:
    pledge: Pledge
    unit_name: str
    raised: Raised

    @property
    def percent(self) -> float | None:
        return percent(self.raised.net, self.pledge.target_amount)


@dataclass(frozen=True)
class CampaignProgress:
    campaign: Campaign
    raised: Raised
    pledges: list[PledgeProgress]

    @property
    def target(self) -> int | None:
        """The campaign's own target, else the sum of its pledges' targets (None if neither)."""
        if self.campaign.target_amount is not None:
            return self.campaign.target_amount
        return sum(p.pledge.target_amount for p in self.pledges) or None

    @property
    def percent(self) -> float | None:
        return percent(self.raised.net, self.target)


async def open_campaign(uow: DonationsUnitOfWork, command: OpenCampaign, *, actor: str) -> Campaign:
    """Open a campaign and announce it (`campaign.opened`)."""
    funds = uow.settings.funds
    fund = funds[0] if command.fund_code is None and funds else None
    if command.fund_code is not None:
        fund = uow.settings.fund(command.fund_code)
    if fund is None:
        raise refuse(f"Không có quỹ mã «{command.fund_code}» trong cấu hình.", field="fund_code")
    now = datetime.now(UTC)
    campaign = new_campaign(
        fund_code=fund.code,
        name=command.name,
        kind=command.kind,
        starts_on=command.starts_on,
        ends_on=command.ends_on,
        target_amount=command.target_amount,
        restricted=command.restricted,
        created_at=now,
        created_by=actor,
    )
    async with uow:
        await uow.parties.add_campaign(campaign)
        await uow.publish(
            CampaignOpened(
                campaign_id=campaign.id,
                fund_code=campaign.fund_code,
                name=campaign.name,
                kind=campaign.kind.value,
                starts_on=campaign.starts_on,
                ends_on=campaign.ends_on,
                target_amount=campaign.target_amount,
                restricted=campaign.restricted,
                opened_at=now,
            )
        )
        await uow.commit()
    log.info("donations.campaign.opened", campaign_id=str(campaign.id), kind=campaign.kind.value)
    return campaign


async def list_campaigns(
    uow: DonationsUnitOfWork,
    *,
    fund_code: str | None,
    kind: CampaignKind | None,
    limit: int,
    offset: int,
) -> tuple[list[Campaign], int]:
    async with uow:
        return await uow.parties.campaigns(
            fund_code=fund_code, kind=kind, limit=limit, offset=offset
        )


async def campaign_progress(uow: DonationsUnitOfWork, campaign_id: uuid.UUID) -> CampaignProgress:
    """The campaign with the money raised towards it and towards each unit's pledge."""
    async with uow:
        campaign = await uow.parties.campaign(campaign_id)
        if campaign is None:
            raise refuse(CAMPAIGN_NOT_FOUND, status=404)
        raised = await uow.parties.raised_for_campaign(campaign_id)
        lines = await uow.parties.pledges(campaign_id)
        per_pledge = await uow.parties.raised_per_pledge(campaign_id=campaign_id)
    pledges = [
        PledgeProgress(line.pledge, line.unit_name, per_pledge.get(line.pledge.id, Raised()))
        for line in lines
    ]
    return CampaignProgress(campaign, raised, pledges)


async def create_pledge(
    uow: DonationsUnitOfWork,
    campaign_id: uuid.UUID,
    *,
    unit_id: uuid.UUID,
    target_amount: int | None,
    actor: str,
) -> PledgeProgress:
    """Record a unit's pledge (one per unit and campaign) and announce it (`pledge.created`)."""
    now = datetime.now(UTC)
    async with uow:
        campaign = await uow.parties.campaign(campaign_id)
        if campaign is None:
            raise refuse(CAMPAIGN_NOT_FOUND, status=404)
        unit = await uow.parties.donor(unit_id)
        if unit is None:
            raise refuse("Không tìm thấy đơn vị này.", field="unit_id")
        if await uow.parties.pledge_of(campaign_id, unit_id) is not None:
            raise refuse(PLEDGE_TAKEN, field="unit_id", status=409)
        pledge = new_pledge(
            campaign, unit, requested=target_amount, created_at=now, created_by=actor
        )
        await uow.parties.add_pledge(pledge)
        await uow.publish(
            PledgeCreated(
                pledge_id=pledge.id,
                campaign_id=campaign.id,
                fund_code=campaign.fund_code,
                unit_id=unit.id,
                unit_name=unit.public_name or ANONYMOUS_UNIT,
                headcount=pledge.headcount,
                target_amount=pledge.target_amount,
                created_at=now,
            )
        )
        await uow.commit()
    log.info("donations.pledge.created", pledge_id=str(pledge.id), campaign_id=str(campaign_id))
    return PledgeProgress(pledge, unit.display_name, Raised())


async def get_pledge(uow: DonationsUnitOfWork, pledge_id: uuid.UUID) -> PledgeProgress:
    async with uow:
        pledge = await uow.parties.pledge(pledge_id)
        if pledge is None:
            raise refuse(PLEDGE_NOT_FOUND, status=404)
        unit = await uow.parties.donor_summary(pledge.unit_id)
        raised = await uow.parties.raised_per_pledge(pledge_id=pledge_id)
    name = unit.display_name if unit else ""
    return PledgeProgress(pledge, name, raised.get(pledge_id, Raised()))


# -- what a gift counts towards -------------------------------------------------------------
@dataclass(frozen=True)
class DonationContext:
    """What a gift counts towards and who it is from, as the ledger records and announces it."""

    campaign_id: uuid.UUID | None = None
    pledge_id: uuid.UUID | None = None
    donor_id: uuid.UUID | None = None
    """The giver: a gift to a pledge is the unit's unless the gift names another donor."""
    donor_kind: DonorKind | None = None
    donor_public_name: str | None = None
    """None when the donor is anonymous or unknown."""
    anonymous: bool = False
    campaign_fund_code: str | None = None
    """The campaign's fund: a gift to it belongs in that fund's book."""
    campaign_restricted: bool = False
    """The campaign earmarks its gifts."""


def _target_uuid(target_id: str | None, message: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(target_id))
    except ValueError:
        raise refuse(message, field="target_id") from None


async def donation_context(
    uow: DonationsUnitOfWork,
    *,
    target_kind: str,
    target_id: str | None,
    donor_id: uuid.UUID | None,
) -> DonationContext:
    """Resolve a gift's campaign, pledge and donor inside the caller's open unit of work.

    A gift to a campaign from a unit that pledged to it counts towards that pledge too.
    Raises `LedgerRefusedError` (422, Vietnamese) for an unknown campaign, pledge or donor.
    """
    repo = uow.parties
    campaign: Campaign | None = None
    pledge: Pledge | None = None
    if target_kind == "pledge":
        pledge = await repo.pledge(_target_uuid(target_id, PLEDGE_NOT_FOUND))
        if pledge is None:
            raise refuse(PLEDGE_NOT_FOUND, field="target_id")
        campaign = await repo.campaign(pledge.campaign_id)
        donor_id = donor_id or pledge.unit_id
    elif target_kind == "campaign":
        campaign = await repo.campaign(_target_uuid(target_id, CAMPAIGN_NOT_FOUND))
        if campaign is None:
            raise refuse(CAMPAIGN_NOT_FOUND, field="target_id")
    donor = None if donor_id is None else await repo.donor_summary(donor_id)
    if donor_id is not None and donor is None:
        raise refuse(DONOR_NOT_FOUND, field="donor_id")
    if campaign is not None and pledge is None and donor and donor.kind is DonorKind.UNIT:
        pledge = await repo.pledge_of(campaign.id, donor.id)
    return DonationContext(
        campaign_id=campaign.id if campaign else None,
        pledge_id=pledge.id if pledge else None,
        donor_id=donor.id if donor else None,
        donor_kind=donor.kind if donor else None,
        donor_public_name=donor.public_name if donor else None,
        anonymous=donor.anonymous if donor else False,
        campaign_fund_code=campaign.fund_code if campaign else None,
        campaign_restricted=campaign.restricted if campaign else False,
    )
