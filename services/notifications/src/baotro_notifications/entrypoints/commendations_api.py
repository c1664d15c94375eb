"""HTTP API of commendations: yearly rules, evaluation (on demand; also nightly), proposals,
approval into a certificate, rejection."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from baotro_notifications.adapters.donor_directory import DonorLookupError, DonorNotFoundError
from baotro_notifications.domain.commendation import CommendationStatus
from baotro_notifications.entrypoints.dependencies import Admin, Operator, Reader, Runtime, Uow
from baotro_notifications.entrypoints.schemas import (
    CommendationPublic,
    EvaluateRequest,
    EvaluateResult,
    RejectRequest,
    RuleCreate,
    RulePublic,
)
from baotro_notifications.service_layer import commendations as service
from baotro_shared.timeutil import VIETNAM
from baotro_shared.web.paging import Offset
from baotro_shared.web.problems import ProblemError

router = APIRouter(prefix="/v1", tags=["commendations"])


def _problem(exc: service.CommendationRefusedError) -> ProblemError:
    return ProblemError(exc.status, exc.message)


@router.post(
    "/commendation-rules", status_code=status.HTTP_201_CREATED, summary="Add a yearly rule"
)
async def create_rule(body: RuleCreate, uow: Uow, principal: Admin) -> RulePublic:
    cmd = service.NewRule(
        year=body.year,
        name=body.name,
        award=body.award,
        donor_kinds=frozenset(body.donor_kinds),
        min_total=body.min_total,
        min_sponsorships=body.min_sponsorships,
        min_campaigns_mobilised=body.min_campaigns_mobilised,
        period_start=body.period_start,
        period_end=body.period_end,
        signer_title=body.signer_title,
        signer_name=body.signer_name,
    )
    async with uow:
        try:
            rule = await service.create_rule(uow, cmd, by=principal.sub)
        except service.CommendationRefusedError as exc:
            raise _problem(exc) from exc
        row = await uow.commendations.rule(rule.id)
        assert row is not None
        return RulePublic.of(row)


Year = Annotated[int | None, Query(ge=2000, le=2100, description="only this year's")]


@router.get("/commendation-rules", summary="Rules, by year")
async def list_rules(uow: Uow, _reader: Reader, year: Year = None) -> list[RulePublic]:
    async with uow:
        return [RulePublic.of(r) for r in await uow.commendations.rules(year=year)]


@router.post("/commendations/evaluate", summary="Evaluate the rules of a year now")
async def evaluate(body: EvaluateRequest, uow: Uow, _operator: Operator) -> EvaluateResult:
    year = body.year or datetime.now(UTC).astimezone(VIETNAM).year
    async with uow:
        ids = await service.evaluate(uow, year=year, rule_id=body.rule_id)
        proposed = [await uow.commendations.get(i) for i in ids]
        return EvaluateResult(
            year=year, proposed=[CommendationPublic.of(p) for p in proposed if p is not None]
        )


@router.get("/commendations", summary="Proposals and decisions")
async def list_commendations(
    uow: Uow,
    _reader: Reader,
    status: CommendationStatus | None = None,
    year: Year = None,
    limit: int = Query(100, ge=1, le=500),
    offset: Offset = 0,
) -> list[CommendationPublic]:
    async with uow:
        rows = await uow.commendations.search(status=status, year=year, limit=limit, offset=offset)
        return [CommendationPublic.of(r) for r in rows]


@router.get("/commendations/{commendation_id}", summary="One proposal or decision")
async def read_commendation(
    commendation_id: uuid.UUID, uow: Uow, _reader: Reader
) -> CommendationPublic:
    async with uow:
        row = await uow.commendations.get(commendation_id)
        if row is None:
            raise ProblemError(404, "Không tìm thấy đề xuất khen thưởng này.")
        return CommendationPublic.of(row)


@router.post(
    "/commendations/{commendation_id}/approve",
    summary="Approve: certificate, notice to the donor, commendation.issued",
)
async def approve(
    commendation_id: uuid.UUID, uow: Uow, runtime: Runtime, principal: Admin
) -> CommendationPublic:
    async with uow:
        try:
            donor_id = (await service.proposal(uow, commendation_id)).donor_id
        except service.CommendationRefusedError as exc:
            raise _problem(exc) from exc
    try:
        donor = await runtime.directory.get(donor_id)
    except DonorNotFoundError as exc:
        raise ProblemError(
            409, "Dịch vụ tiếp nhận tài trợ không còn hồ sơ nhà hảo tâm này: không thể lập bằng."
        ) from exc
    except DonorLookupError as exc:
        raise ProblemError(
            503, "Chưa lấy được tên nhà hảo tâm từ dịch vụ tiếp nhận tài trợ; vui lòng thử lại."
        ) from exc
    async with uow:
        try:
            record = await service.approve(
                uow,
                commendation_id,
                donor=donor,
                renderer=runtime.renderer,
                by=principal.sub,
                number_suffix=runtime.notification_settings.certificate_number_suffix,
            )
        except service.CommendationRefusedError as exc:
            raise _problem(exc) from exc
        public = CommendationPublic.of(record)
    runtime.dispatcher.wake()
    return public


@router.post("/commendations/{commendation_id}/reject", summary="Reject a proposal")
async def reject(
    commendation_id: uuid.UUID, body: RejectRequest, uow: Uow, principal: Admin
) -> CommendationPublic:
    async with uow:
        try:
            record = await service.reject(
                uow, commendation_id, by=principal.sub, reason=body.reason
            )
        except service.CommendationRefusedError as exc:
            raise _problem(exc) from exc
        public = CommendationPublic.of(record)
    return public


@router.get(
    "/commendations/{commendation_id}/certificate.pdf",
    summary="The certificate (PDF, A4 landscape)",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def certificate(commendation_id: uuid.UUID, uow: Uow, _reader: Reader) -> Response:
    async with uow:
        row = await uow.commendations.get(commendation_id)
        if row is None or row.certificate_pdf is None:
            raise ProblemError(404, "Chưa có bằng/giấy khen cho đề xuất này.")
        pdf = row.certificate_pdf
        name = (row.certificate_number or row.id.hex).replace("/", "-")
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="giay-khen-{name}.pdf"'},
    )
