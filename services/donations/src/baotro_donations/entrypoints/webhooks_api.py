"""Bank-feed webhooks: SePay and Casso post each transfer of the fund's accounts here.

The raw body is read before anything else: signatures are over its bytes, and a refused
request is kept byte for byte (`rejected_inputs`) so that no transfer is lost unseen. Nothing
is accepted unauthenticated: without a configured secret the endpoints answer 503. Both
providers retry until they get a 2xx, so a transfer seen before (same provider id) is
answered 200 again.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request

from baotro_donations.domain.bank_webhooks import (
    WebhookRefusedError,
    WebhookTransaction,
    load_json,
    not_configured,
    parse_casso,
    parse_sepay,
    verify_casso,
    verify_sepay,
)
from baotro_donations.entrypoints.dependencies import problem_of
from baotro_donations.service_layer.bank_feed_handlers import BankFeedRefusedError, UowFactory
from baotro_donations.service_layer.bank_webhook_handlers import (
    ingest_webhook_line,
    keep_rejected_input,
)
from baotro_donations.settings import DonationsSettings
from baotro_shared.runtime import ServiceRuntime
from baotro_shared.web.problems import ProblemError

router = APIRouter(prefix="/v1/webhooks", tags=["bank-feeds"])

MAX_BODY_BYTES = 256 * 1024
"""A webhook carries one transfer (Casso's older list, a few): far below this."""
SECRET_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})


def _context(request: Request) -> tuple[UowFactory, DonationsSettings]:
    runtime: ServiceRuntime[Any] = request.app.state.runtime
    settings: DonationsSettings = request.app.state.settings
    return runtime.uow, settings


def _kept_headers(request: Request) -> dict[str, str]:
    """The request's headers for inspection, never a secret (a wrong API key may be a
    near-miss of the right one)."""
    return {
        name: "[ẩn]" if name in SECRET_HEADERS else value for name, value in request.headers.items()
    }


async def _read_body(request: Request) -> tuple[bytes, bool]:
    """The raw body, read no further than `MAX_BODY_BYTES` (+1 to tell it is too long)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return bytes(body[: MAX_BODY_BYTES + 1]), True
    return bytes(body), False


def _check_size(too_long: bool) -> None:
    if too_long:
        raise WebhookRefusedError(413, "Nội dung webhook quá lớn.")


async def _refused(
    request: Request,
    new_uow: UowFactory,
    kind: str,
    body: bytes,
    exc: WebhookRefusedError | BankFeedRefusedError,
) -> ProblemError:
    """Keep the refused input, then the problem to answer."""
    await keep_rejected_input(
        new_uow,
        kind=kind,
        reason=exc.message,
        raw=body[:MAX_BODY_BYTES],
        headers=_kept_headers(request),
    )
    return problem_of(exc)


async def _ingest(
    new_uow: UowFactory, settings: DonationsSettings, transaction: WebhookTransaction
) -> None:
    await ingest_webhook_line(
        new_uow,
        transaction.line,
        settings=settings,
        account=transaction.account_number,
        source=transaction.source,
        source_id=transaction.source_id,
        actor=f"webhook:{transaction.source}",
    )


@router.post("/sepay", status_code=200)  # SePay's documented answer: 200 {"success": true}
async def sepay_webhook(request: Request) -> dict[str, bool]:
    """Giao dịch ngân hàng do SePay báo về (xác thực bằng khóa API hoặc chữ ký HMAC)."""
    new_uow, settings = _context(request)
    body, too_long = await _read_body(request)
    try:
        _check_size(too_long)
        verify_sepay(
            request.headers,
            body,
            api_key=settings.sepay_api_key,
            hmac_secret=settings.sepay_hmac_secret,
            tolerance_seconds=settings.webhook_tolerance_seconds,
            now=time.time(),
        )
        await _ingest(new_uow, settings, parse_sepay(body))
    except (WebhookRefusedError, BankFeedRefusedError) as exc:
        raise await _refused(request, new_uow, "webhook:sepay", body, exc) from exc
    return {"success": True}


@router.post("/casso", status_code=200)  # Casso only needs a 2xx
async def casso_webhook(request: Request) -> dict[str, bool]:
    """Giao dịch ngân hàng do Casso (webhook v2) báo về, có chữ ký X-Casso-Signature."""
    new_uow, settings = _context(request)
    body, too_long = await _read_body(request)
    try:
        _check_size(too_long)
        if not settings.casso_checksum_key:
            raise not_configured("Casso")  # whatever the body: nothing is read unverified
        document = load_json(body)
        verify_casso(
            request.headers,
            document,
            checksum_key=settings.casso_checksum_key,
            tolerance_seconds=settings.webhook_tolerance_seconds,
            now=time.time(),
        )
        for transaction in parse_casso(document):
            await _ingest(new_uow, settings, transaction)
    except (WebhookRefusedError, BankFeedRefusedError) as exc:
        raise await _refused(request, new_uow, "webhook:casso", body, exc) from exc
    return {"success": True}
