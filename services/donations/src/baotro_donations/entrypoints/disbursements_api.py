"""HTTP API of disbursements: accountants ask (and amend or withdraw), fund administrators
approve or reject, auditors read; other roles are refused (403). A caller whose token names
communes sees and acts only on requests of those communes.

An approval that lacks money answers 409 with the ledger's Vietnamese message and the
`required`, `available` and `shortfall` amounts; the request stays pending.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from baotro_donations.adapters.disbursement_repository import DisbursementFilter
from baotro_donations.domain.disbursements import KEEP, Disbursement, DisbursementStatus
from baotro_donations.domain.ledger_accounts import (
    Fund,
    InsufficientBalanceError,
    LedgerRefusedError,
    Purpose,
)
from baotro_donations.entrypoints.dependencies import Funds, Reader, Uow, problem_of
from baotro_donations.entrypoints.disbursements_schemas import (
    DisbursementApproval,
    DisbursementCreate,
    DisbursementDecision,
    DisbursementOut,
    DisbursementPage,
    DisbursementUpdate,
)
from baotro_donations.service_layer.disbursement_handlers import (
    AmendDisbursement,
    RequestDisbursement,
    amend_disbursement,
    approve_disbursement,
    cancel_disbursement,
    get_disbursement,
    list_disbursements,
    reject_disbursement,
    request_disbursement,
)
from baotro_shared.web.auth import Principal, Role, require_roles
from baotro_shared.web.paging import Offset
from baotro_shared.web.problems import problem_response

router = APIRouter(prefix="/v1/disbursements", tags=["disbursements"])

Requester = Annotated[Principal, Depends(require_roles(Role.ACCOUNTANT))]
Approver = Annotated[Principal, Depends(require_roles(Role.FUND_ADMIN))]
REFUSED: dict[int | str, dict[str, Any]] = {
    403: {"description": "Vai trò không được phép, ngoài địa bàn, hoặc tự phê duyệt"},
    404: {"description": "Không tìm thấy đề nghị chi"},
    409: {"description": "Đề nghị đã được quyết định, hoặc không đủ số dư"},
}


def _out(d: Disbursement, funds: Sequence[Fund]) -> DisbursementOut:
    return DisbursementOut.of(d, next((f for f in funds if f.code == d.fund_code), None))


def _insufficient(request: Request, exc: InsufficientBalanceError) -> JSONResponse:
    return problem_response(
        request,
        409,
        exc.message,
        slug="insufficient-balance",
        errors=[{"field": exc.field, "message": exc.message}] if exc.field else None,
        extra={
            "required": exc.required,
            "available": exc.available,
            "shortfall": exc.shortfall,
        },
    )


@router.post("", status_code=201, response_model=DisbursementOut)
async def create(
    body: DisbursementCreate, uow: Uow, funds: Funds, principal: Requester
) -> DisbursementOut:
    """Lập đề nghị chi hỗ trợ (kế toán); chờ một quản trị quỹ khác phê duyệt."""
    command = RequestDisbursement(
        fund_code=body.fund_code,
        amount=body.amount,
        purpose=Purpose(body.purpose),
        restriction=body.restriction.domain() if body.restriction else None,
        allow_unrestricted=body.allow_unrestricted,
        paid_from=body.paid_from,
        planned_on=body.planned_on,
        case_id=body.case_id,
        commune_code=body.commune_code,
        groups=tuple(body.groups),
        beneficiaries=body.beneficiaries,
        public_description=body.public_description,
    )
    try:
        created = await request_disbursement(uow, command, principal=principal)
    except LedgerRefusedError as exc:
        raise problem_of(exc) from exc
    return _out(created, funds)


@router.get("", response_model=DisbursementPage)
async def search(
    uow: Uow,
    funds: Funds,
    principal: Reader,
    status: DisbursementStatus | None = None,
    case_id: uuid.UUID | None = None,
    fund: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> DisbursementPage:
    """Danh sách đề nghị chi, mới nhất trước, lọc theo trạng thái, hồ sơ, quỹ."""
    where = DisbursementFilter(status=status, case_id=case_id, fund_code=fund)
    items, total = await list_disbursements(
        uow, where, principal=principal, limit=limit, offset=offset
    )
    return DisbursementPage(
        items=[_out(d, funds) for d in items], total=total, limit=limit, offset=offset
    )


@router.get("/{disbursement_id}", response_model=DisbursementOut, responses=REFUSED)
async def read(
    disbursement_id: uuid.UUID, uow: Uow, funds: Funds, principal: Reader
) -> DisbursementOut:
    try:
        found = await get_disbursement(uow, disbursement_id, principal=principal)
    except LedgerRefusedError as exc:
        raise problem_of(exc) from exc
    return _out(found, funds)


@router.patch("/{disbursement_id}", response_model=DisbursementOut, responses=REFUSED)
async def amend(
    disbursement_id: uuid.UUID,
    body: DisbursementUpdate,
    uow: Uow,
    funds: Funds,
    principal: Requester,
) -> DisbursementOut:
    """Sửa đề nghị đang chờ duyệt: nguồn quỹ, tài khoản chi, số tiền (≤ kế hoạch), ngày."""
    given = body.model_fields_set
    changes = AmendDisbursement(
        restriction=(
            (body.restriction.domain() if body.restriction else None)
            if "restriction" in given
            else KEEP
        ),
        allow_unrestricted=(
            body.allow_unrestricted if body.allow_unrestricted is not None else KEEP
        ),
        paid_from=body.paid_from if body.paid_from is not None else KEEP,
        amount=body.amount if body.amount is not None else KEEP,
        planned_on=body.planned_on if body.planned_on is not None else KEEP,
        public_description=(
            body.public_description if body.public_description is not None else KEEP
        ),
    )
    try:
        amended = await amend_disbursement(uow, disbursement_id, changes, principal=principal)
    except LedgerRefusedError as exc:
        raise problem_of(exc) from exc
    return _out(amended, funds)


@router.post("/{disbursement_id}/approve", response_model=DisbursementOut, responses=REFUSED)
async def approve(
    disbursement_id: uuid.UUID,
    request: Request,
    uow: Uow,
    funds: Funds,
    principal: Approver,
    body: DisbursementApproval | None = None,
) -> DisbursementOut | JSONResponse:
    """Phê duyệt và chi (quản trị quỹ, không phải người lập): ghi sổ, phát disbursement.made."""
    try:
        paid = await approve_disbursement(
            uow, disbursement_id, principal=principal, paid_on=body.paid_on if body else None
        )
    except InsufficientBalanceError as exc:
        return _insufficient(request, exc)
    except LedgerRefusedError as exc:
        raise problem_of(exc) from exc
    return _out(paid, funds)


@router.post("/{disbursement_id}/reject", response_model=DisbursementOut, responses=REFUSED)
async def reject(
    disbursement_id: uuid.UUID,
    body: DisbursementDecision,
    uow: Uow,
    funds: Funds,
    principal: Approver,
) -> DisbursementOut:
    """Từ chối đề nghị chi (quản trị quỹ), bắt buộc ghi lý do."""
    try:
        rejected = await reject_disbursement(
            uow, disbursement_id, principal=principal, reason=body.reason
        )
    except LedgerRefusedError as exc:
        raise problem_of(exc) from exc
    return _out(rejected, funds)


@router.post("/{disbursement_id}/cancel", response_model=DisbursementOut, responses=REFUSED)
async def cancel(
    disbursement_id: uuid.UUID,
    body: DisbursementDecision,
    uow: Uow,
    funds: Funds,
    principal: Requester,
) -> DisbursementOut:
    """Hủy đề nghị chi đang chờ duyệt (người lập), bắt buộc ghi lý do."""
    try:
        cancelled = await cancel_disbursement(
            uow, disbursement_id, principal=principal, reason=body.reason
        )
    except LedgerRefusedError as exc:
        raise problem_of(exc) from exc
    return _out(cancelled, funds)
