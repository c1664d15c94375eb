"""HTTP API of bank feeds for staff: statement imports (`POST /v1/statements`, progress at
`GET /v1/statements/{id}`), the review queue (`GET /v1/bank-transactions`), decisions and
reconciliation rules.

A statement up to `import_inline_bytes` is imported before the answer (201); a larger one
is imported in the background (202) and its progress read from its import id.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable
from typing import Annotated, TypeVar

import structlog
from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile, status

from baotro_donations.adapters.orm_bank_feeds import BankTransactionRecord, ReconciliationRuleRecord
from baotro_donations.entrypoints.bank_feeds_schemas import (
    BankTransactionOut,
    BankTransactionPage,
    DecisionIn,
    ImportOut,
    MatchOut,
    RejectedLineOut,
    RuleIn,
    RuleOut,
    TransactionStatus,
)
from baotro_donations.entrypoints.dependencies import Reader, Settings, Staff, problem_of
from baotro_donations.entrypoints.parties_api import donor_fields_of
from baotro_donations.service_layer import bank_feed_handlers as feeds
from baotro_donations.service_layer import reconciliation_handlers as review
from baotro_donations.service_layer.unit_of_work import DonationsUnitOfWork
from baotro_shared.runtime import ServiceRuntime
from baotro_shared.web.paging import Offset
from baotro_shared.web.problems import ProblemError

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/v1")
MAX_STATEMENT_BYTES = 200 * 1024 * 1024
T = TypeVar("T")


def _runtime(request: Request) -> ServiceRuntime[DonationsUnitOfWork]:
    runtime: ServiceRuntime[DonationsUnitOfWork] = request.app.state.runtime
    return runtime


async def _refusals(call: Awaitable[T]) -> T:
    try:
        return await call
    except feeds.BankFeedRefusedError as refused:
        raise problem_of(refused) from refused


def _import_out(summary: feeds.ImportSummary) -> ImportOut:
    return ImportOut(
        import_id=summary.import_id,
        status=summary.status,
        format=summary.format,
        profile=summary.profile,
        lines=summary.lines,
        done_lines=summary.done_lines,
        imported=summary.imported,
        duplicates=summary.duplicates,
        matched=summary.matched,
        suggested=summary.suggested,
        unmatched=summary.unmatched,
        ignored=summary.ignored,
        rejected=[RejectedLineOut(line=r.line_no, reason=r.reason) for r in summary.rejected],
        message=summary.message,
    )


@router.post(
    "/statements",
    response_model=ImportOut,
    status_code=status.HTTP_201_CREATED,
    tags=["bank feeds"],
    responses={202: {"model": ImportOut, "description": "Tệp lớn: đang nhập, xem tiến độ"}},
)
async def import_statement(
    request: Request,
    response: Response,
    settings: Settings,
    principal: Staff,
    file: Annotated[UploadFile, File(description="Sao kê: CSV, XLSX, MT940 hoặc camt.053")],
    account: Annotated[str, Form(description="Tài khoản của quỹ: mã (AGRIBANK) hoặc số")],
    profile: Annotated[str | None, Form(description="Mẫu sao kê; bỏ trống để tự nhận")] = None,
) -> ImportOut:
    """Nhập sao kê ngân hàng: đọc, bỏ dòng trùng, đối chiếu và ghi sổ các khoản chắc chắn."""
    data = await file.read(MAX_STATEMENT_BYTES + 1)
    if len(data) > MAX_STATEMENT_BYTES:
        raise ProblemError(413, "Tệp sao kê quá lớn (tối đa 200 MB); hãy tách theo tháng.")
    runtime = _runtime(request)
    import_id = await _refusals(
        feeds.start_import(
            runtime.uow,
            data,
            settings=settings,
            account=account,
            filename=file.filename,
            actor=principal.sub,
        )
    )
    run = feeds.import_statement(
        runtime.uow,
        data,
        settings=settings,
        account=account,
        profile=profile or None,
        filename=file.filename,
        actor=principal.sub,
        import_id=import_id,
    )
    if len(data) <= settings.import_inline_bytes:
        return _import_out(await _refusals(run))
    _in_background(request, run, import_id)
    response.status_code = status.HTTP_202_ACCEPTED
    response.headers["Location"] = f"/v1/statements/{import_id}"
    return _import_out(await feeds.import_progress(runtime.uow, import_id))


def _in_background(
    request: Request, run: Awaitable[feeds.ImportSummary], import_id: uuid.UUID
) -> None:
    tasks: set[asyncio.Task[object]] = request.app.state.__dict__.setdefault("imports", set())

    async def guarded() -> None:
        try:
            await run
        except feeds.BankFeedRefusedError as refused:
            log.info(
                "donations.statement.refused", import_id=str(import_id), reason=refused.message
            )
        except Exception:
            log.exception("donations.statement.failed", import_id=str(import_id))

    task: asyncio.Task[object] = asyncio.create_task(guarded(), name=f"import-{import_id}")
    tasks.add(task)
    task.add_done_callback(tasks.discard)


@router.get("/statements/{import_id}", response_model=ImportOut, tags=["bank feeds"])
async def statement_progress(import_id: uuid.UUID, request: Request, _p: Reader) -> ImportOut:
    """Tiến độ và kết quả một lần nhập sao kê."""
    return _import_out(await _refusals(feeds.import_progress(_runtime(request).uow, import_id)))


def _transaction_out(tx: BankTransactionRecord) -> BankTransactionOut:
    return BankTransactionOut(
        id=tx.id,
        fund_code=tx.fund_code,
        bank_account=tx.bank_account,
        source=tx.source,
        import_id=tx.import_id,
        line_no=tx.line_no,
        booked_on=tx.booked_on,
        booked_at=tx.booked_at,
        amount=tx.amount,
        direction=tx.direction,
        memo=tx.memo,
        payer_name=tx.payer_name,
        sender_account=tx.sender_account,
        bank_reference=tx.bank_reference,
        status=tx.status,
        match=MatchOut(
            kind=tx.match_kind,
            target_kind=tx.match_target_kind,
            target_id=tx.match_target_id,
            donor_id=tx.match_donor_id,
            code=tx.match_code,
            confidence=tx.match_confidence,
            reason=tx.match_reason,
            refund_of=tx.refund_of,
        ),
        donation_ids=[uuid.UUID(d) for d in tx.donation_ids or []],
        decided_by=tx.decided_by,
        decided_at=tx.decided_at,
        decision_note=tx.decision_note,
    )


@router.get("/bank-transactions", response_model=BankTransactionPage, tags=["bank feeds"])
async def bank_transactions(
    request: Request,
    _p: Reader,
    status_: Annotated[TransactionStatus | None, Query(alias="status")] = None,
    import_id: uuid.UUID | None = None,
    direction: Annotated[str | None, Query(pattern="^(credit|debit)$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> BankTransactionPage:
    """Giao dịch ngân hàng theo trạng thái đối chiếu (hàng chờ kế toán xem xét)."""
    records, total = await review.bank_transactions(
        _runtime(request).uow,
        status=status_,
        import_id=import_id,
        direction=direction,
        limit=limit,
        offset=offset,
    )
    return BankTransactionPage(
        items=[_transaction_out(r) for r in records], total=total, limit=limit, offset=offset
    )


@router.get(
    "/bank-transactions/{transaction_id}", response_model=BankTransactionOut, tags=["bank feeds"]
)
async def bank_transaction(
    transaction_id: uuid.UUID, request: Request, _p: Reader
) -> BankTransactionOut:
    record = await _refusals(review.bank_transaction(_runtime(request).uow, transaction_id))
    return _transaction_out(record)


@router.post(
    "/bank-transactions/{transaction_id}/decision",
    response_model=BankTransactionOut,
    tags=["bank feeds"],
)
async def decide(
    transaction_id: uuid.UUID,
    body: DecisionIn,
    request: Request,
    settings: Settings,
    principal: Staff,
) -> BankTransactionOut:
    """Quyết định của kế toán cho một giao dịch: ghi cho đối tượng, tách, thêm nhà tài trợ,
    bỏ qua hoặc hoàn trả; có thể lưu thành quy tắc."""
    decision = review.Decision(
        action=body.action,
        target_kind=body.target_kind,
        target_id=body.target_id,
        donor_id=body.donor_id,
        parts=tuple(
            review.DonationPart(p.amount, p.target_kind, p.target_id, p.donor_id)
            for p in body.parts
        ),
        donor=donor_fields_of(body.donor) if body.donor else None,
        donation_id=body.donation_id,
        note=body.note,
        save_rule=body.save_rule,
        rule_memo_words=body.rule_memo_words,
        hide_memo=body.hide_memo,
    )
    record = await _refusals(
        review.decide(
            _runtime(request).uow, transaction_id, decision, settings=settings, actor=principal.sub
        )
    )
    return _transaction_out(record)


def _rule_out(r: ReconciliationRuleRecord) -> RuleOut:
    return RuleOut(
        id=r.id,
        fund_code=r.fund_code,
        kind=r.kind,
        sender_account=r.sender_account,
        payer_name=r.payer_name,
        memo_words=r.memo_words,
        target_kind=r.target_kind,
        target_id=r.target_id,
        target_label=r.target_label,
        donor_id=r.donor_id,
        confidence=r.confidence,
        created_at=r.created_at,
        created_by=r.created_by,
    )


@router.post(
    "/reconciliation-rules",
    response_model=RuleOut,
    status_code=status.HTTP_201_CREATED,
    tags=["bank feeds"],
)
async def add_rule(body: RuleIn, request: Request, settings: Settings, principal: Staff) -> RuleOut:
    """Thêm quy tắc đối chiếu: từ khóa trong nội dung → đợt vận động, hoặc theo tài khoản/tên."""
    rule = review.NewRule(**body.model_dump())
    record = await _refusals(
        review.add_rule(_runtime(request).uow, rule, settings=settings, actor=principal.sub)
    )
    return _rule_out(record)


@router.get("/reconciliation-rules", response_model=list[RuleOut], tags=["bank feeds"])
async def rules(request: Request, settings: Settings, _p: Reader) -> list[RuleOut]:
    return [_rule_out(r) for r in await review.list_rules(_runtime(request).uow, settings=settings)]


@router.delete(
    "/reconciliation-rules/{rule_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["bank feeds"]
)
async def retire_rule(rule_id: uuid.UUID, request: Request, _p: Staff) -> Response:
    await _refusals(review.retire_rule(_runtime(request).uow, rule_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
