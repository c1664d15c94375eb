"""HTTP API of donors, campaigns and pledges.

Accountants and fund administrators write; they, auditors and other services (`service`
token, e.g. notifications fetching a donor's contact) read. Refusals are problem+json with the
domain's Vietnamese message and status.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, status

from baotro_donations.domain.campaigns import Campaign, CampaignKind
from baotro_donations.domain.donors import (
    ContactChannel,
    Donor,
    DonorKind,
    KnownBankAccount,
    known_bank_account,
    refuse,
)
from baotro_donations.domain.ledger_accounts import LedgerRefusedError
from baotro_donations.entrypoints.dependencies import Staff, Uow, problem_of
from baotro_donations.entrypoints.parties_schemas import (
    BankAccountIn,
    BankAccountOut,
    CampaignCreate,
    CampaignDetail,
    CampaignKindName,
    CampaignPage,
    CampaignPublic,
    DonorCreate,
    DonorKindName,
    DonorListItem,
    DonorPage,
    DonorPublic,
    DonorsFound,
    DonorsLookup,
    DonorUpdate,
    PledgeCreate,
    PledgeOut,
    PledgeProgressOut,
    ProgressOut,
)
from baotro_donations.service_layer import party_handlers as handlers
from baotro_shared.web.auth import Principal, Role, require_roles
from baotro_shared.web.paging import Offset

router = APIRouter(prefix="/v1")
T = TypeVar("T")


Reader = Annotated[
    Principal,
    Depends(require_roles(Role.ACCOUNTANT, Role.FUND_ADMIN, Role.AUDITOR, Role.SERVICE)),
]
NOT_EMPTY = frozenset({"kind", "display_name", "anonymous", "opted_out", "bank_accounts"})


async def _refusals(call: Awaitable[T]) -> T:
    try:
        return await call
    except LedgerRefusedError as exc:
        raise problem_of(exc) from exc


def _accounts(items: list[BankAccountIn]) -> tuple[KnownBankAccount, ...]:
    try:
        return tuple(known_bank_account(a.number, a.bank_bin, a.bank_name) for a in items)
    except LedgerRefusedError as exc:
        raise problem_of(exc) from exc


def _donor_out(d: Donor) -> DonorPublic:
    return DonorPublic(
        id=d.id,
        kind=d.kind.value,
        display_name=d.display_name,
        salutation=d.salutation,
        anonymous=d.anonymous,
        public_name=d.public_name,
        email=d.contact.email,
        phone=d.contact.phone,
        address=d.contact.address,
        preferred_channel=d.preferred_channel.value if d.preferred_channel else None,
        opted_out=d.opted_out,
        headcount=d.headcount,
        average_daily_wage=d.average_daily_wage,
        commune_code=d.commune_code,
        bank_accounts=[BankAccountOut(**vars(a)) for a in d.bank_accounts],
        created_at=d.created_at,
        updated_at=d.updated_at,
    )


def _changes(body: DonorUpdate) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in body.model_fields_set:
        value = getattr(body, name)
        if value is None and name in NOT_EMPTY:
            raise problem_of(refuse("Trường này không được để trống.", field=name))
        if name == "kind":
            value = DonorKind(value)
        elif name == "preferred_channel" and value is not None:
            value = ContactChannel(value)
        elif name == "bank_accounts":
            value = _accounts(value)
        changes[name] = value
    return changes


def donor_fields_of(body: DonorCreate) -> handlers.DonorFields:
    """A new donor's fields as the handlers take them."""
    return handlers.DonorFields(
        kind=DonorKind(body.kind),
        display_name=body.display_name,
        salutation=body.salutation,
        anonymous=body.anonymous,
        email=body.email,
        phone=body.phone,
        address=body.address,
        preferred_channel=ContactChannel(body.preferred_channel)
        if body.preferred_channel
        else None,
        opted_out=body.opted_out,
        headcount=body.headcount,
        average_daily_wage=body.average_daily_wage,
        commune_code=body.commune_code,
        bank_accounts=_accounts(body.bank_accounts),
    )


@router.post(
    "/donors", status_code=status.HTTP_201_CREATED, response_model=DonorPublic, tags=["donors"]
)
async def create_donor(body: DonorCreate, uow: Uow, principal: Staff) -> DonorPublic:
    """Thêm nhà tài trợ (cá nhân, hộ gia đình, doanh nghiệp, cơ quan hoặc đơn vị)."""
    fields = donor_fields_of(body)
    donor = await _refusals(handlers.create_donor(uow, fields, actor=principal.sub))
    return _donor_out(donor)


@router.get("/donors", response_model=DonorPage, tags=["donors"])
async def search_donors(
    uow: Uow,
    _principal: Reader,
    q: Annotated[str | None, Query(max_length=200, description="Tên, có dấu hay không")] = None,
    kind: DonorKindName | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> DonorPage:
    """Tìm nhà tài trợ theo tên (không phân biệt dấu, hoa thường); không trả thông tin liên hệ."""
    found, total = await handlers.search_donors(
        uow, query=q, kind=DonorKind(kind) if kind else None, limit=limit, offset=offset
    )
    items = [
        DonorListItem(
            id=d.id, kind=d.kind.value, display_name=d.display_name, anonymous=d.anonymous
        )
        for d in found
    ]
    return DonorPage(items=items, total=total, limit=limit, offset=offset)


@router.post("/donors/lookup", response_model=DonorsFound, tags=["donors"])
async def lookup_donors(body: DonorsLookup, uow: Uow, _principal: Reader) -> DonorsFound:
    """Nhiều hồ sơ nhà tài trợ một lần (tối đa 200), kể cả thông tin liên hệ (chỉ trong nội
    bộ: dịch vụ gửi thư cảm ơn hỏi một lượt thư một lần thay vì từng người)."""
    found = await handlers.get_donors(uow, body.ids)
    known = {d.id for d in found}
    return DonorsFound(
        items=[_donor_out(d) for d in found],
        missing=[i for i in dict.fromkeys(body.ids) if i not in known],
    )


@router.get("/donors/{donor_id}", response_model=DonorPublic, tags=["donors"])
async def read_donor(donor_id: uuid.UUID, uow: Uow, _principal: Reader) -> DonorPublic:
    """Hồ sơ nhà tài trợ, kể cả thông tin liên hệ (chỉ trong nội bộ)."""
    return _donor_out(await _refusals(handlers.get_donor(uow, donor_id)))


@router.patch("/donors/{donor_id}", response_model=DonorPublic, tags=["donors"])
async def update_donor(
    donor_id: uuid.UUID, body: DonorUpdate, uow: Uow, principal: Staff
) -> DonorPublic:
    """Sửa một phần hồ sơ nhà tài trợ; gửi null để xóa một thông tin không bắt buộc."""
    changes = _changes(body)
    donor = await _refusals(handlers.update_donor(uow, donor_id, changes, actor=principal.sub))
    return _donor_out(donor)


# -- campaigns and pledges ------------------------------------------------------------------
def _campaign_out(c: Campaign) -> CampaignPublic:
    return CampaignPublic(
        id=c.id,
        fund_code=c.fund_code,
        name=c.name,
        kind=c.kind.value,
        starts_on=c.starts_on,
        ends_on=c.ends_on,
        target_amount=c.target_amount,
        restricted=c.restricted,
        created_at=c.created_at,
        created_by=c.created_by,
    )


def _pledge_out(p: handlers.PledgeProgress) -> PledgeOut:
    pledge = p.pledge
    return PledgeOut(
        id=pledge.id,
        campaign_id=pledge.campaign_id,
        unit_id=pledge.unit_id,
        unit_name=p.unit_name,
        target_amount=pledge.target_amount,
        headcount=pledge.headcount,
        average_daily_wage=pledge.average_daily_wage,
        raised=p.raised.net,
        raised_gross=p.raised.gross,
        reversed=p.raised.reversed,
        percent=p.percent,
        created_at=pledge.created_at,
        created_by=pledge.created_by,
    )


@router.post(
    "/campaigns",
    status_code=status.HTTP_201_CREATED,
    response_model=CampaignPublic,
    tags=["campaigns"],
)
async def open_campaign(body: CampaignCreate, uow: Uow, principal: Staff) -> CampaignPublic:
    """Mở đợt vận động (phát sự kiện campaign.opened)."""
    command = handlers.OpenCampaign(
        fund_code=body.fund_code,
        name=body.name,
        kind=CampaignKind(body.kind),
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        target_amount=body.target_amount,
        restricted=body.restricted,
    )
    campaign = await _refusals(handlers.open_campaign(uow, command, actor=principal.sub))
    return _campaign_out(campaign)


@router.get("/campaigns", response_model=CampaignPage, tags=["campaigns"])
async def list_campaigns(
    uow: Uow,
    _principal: Reader,
    fund: Annotated[str | None, Query(max_length=16)] = None,
    kind: CampaignKindName | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> CampaignPage:
    """Các đợt vận động, mới nhất trước."""
    found, total = await handlers.list_campaigns(
        uow,
        fund_code=fund,
        kind=CampaignKind(kind) if kind else None,
        limit=limit,
        offset=offset,
    )
    return CampaignPage(
        items=[_campaign_out(c) for c in found], total=total, limit=limit, offset=offset
    )


@router.get("/campaigns/{campaign_id}", response_model=CampaignDetail, tags=["campaigns"])
async def read_campaign(campaign_id: uuid.UUID, uow: Uow, _principal: Reader) -> CampaignDetail:
    """Đợt vận động và tiến độ: số đã ủng hộ (trừ phần đảo), theo từng đơn vị cam kết."""
    view = await _refusals(handlers.campaign_progress(uow, campaign_id))
    pledges = [
        PledgeProgressOut(
            pledge_id=p.pledge.id,
            unit_id=p.pledge.unit_id,
            unit_name=p.unit_name,
            target=p.pledge.target_amount,
            raised=p.raised.net,
            raised_gross=p.raised.gross,
            reversed=p.raised.reversed,
            percent=p.percent,
        )
        for p in view.pledges
    ]
    progress = ProgressOut(
        raised=view.raised.net,
        raised_gross=view.raised.gross,
        reversed=view.raised.reversed,
        target=view.target,
        percent=view.percent,
        pledges=pledges,
    )
    return CampaignDetail(**_campaign_out(view.campaign).model_dump(), progress=progress)


@router.post(
    "/campaigns/{campaign_id}/pledges",
    status_code=status.HTTP_201_CREATED,
    response_model=PledgeOut,
    tags=["campaigns"],
)
async def create_pledge(
    campaign_id: uuid.UUID, body: PledgeCreate, uow: Uow, principal: Staff
) -> PledgeOut:
    """Đơn vị đăng ký cam kết ủng hộ (phát sự kiện pledge.created)."""
    pledge = await _refusals(
        handlers.create_pledge(
            uow,
            campaign_id,
            unit_id=body.unit_id,
            target_amount=body.target_amount,
            actor=principal.sub,
        )
    )
    return _pledge_out(pledge)


@router.get("/pledges/{pledge_id}", response_model=PledgeOut, tags=["campaigns"])
async def read_pledge(pledge_id: uuid.UUID, uow: Uow, _principal: Reader) -> PledgeOut:
    """Cam kết của một đơn vị và số đã ủng hộ."""
    return _pledge_out(await _refusals(handlers.get_pledge(uow, pledge_id)))
