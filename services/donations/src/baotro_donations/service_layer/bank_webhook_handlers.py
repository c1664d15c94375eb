"""Bank-feed services' webhooks (SePay, Casso): one transfer at a time into the same table
of bank transactions as the statements, deduplicated against them (`bank_feed_handlers`),
matched and, when certain, recorded as a donation in the same transaction; and any input
refused as a whole kept byte for byte."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

import structlog

from baotro_donations.domain import bank_dedupe
from baotro_donations.domain.bank_dedupe import KeyedLine
from baotro_donations.domain.bank_statement import StatementLine
from baotro_donations.domain.matching import Thresholds
from baotro_donations.service_layer.bank_feed_handlers import UowFactory, resolve_account
from baotro_donations.service_layer.bank_line_reading import keyed_line, read_line
from baotro_donations.service_layer.bank_lines import load_rules
from baotro_donations.service_layer.bank_posting import LineSource, write_new_lines
from baotro_donations.service_layer.unit_of_work import DonationsUnitOfWork
from baotro_donations.settings import DonationsSettings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class IngestResult:
    transaction_id: uuid.UUID
    duplicate: bool
    status: str


async def ingest_webhook_line(
    new_uow: UowFactory,
    line: StatementLine,
    *,
    settings: DonationsSettings,
    account: str,
    source: Literal["sepay", "casso"],
    source_id: str,
    actor: str,
) -> IngestResult:
    """One transfer notified by a bank-feed service: idempotent on (source, source_id); the
    statement copy of the same transfer (imported before or after) is the same transaction."""
    fund, bank = resolve_account(settings, account)
    prefixes = [f.payment_code_prefix for f in settings.funds]
    item = read_line(line)
    keyed = keyed_line(f"{fund.code}/{bank.key}", item)
    keys = bank_dedupe.webhook_keys(keyed, source=source, source_id=source_id)
    async with new_uow() as uow:
        await uow.bank_feeds.lock_account(fund.code, bank.key)
        known = await uow.bank_feeds.known_keys(keys.lookup)
        existing = next((known[k] for k in keys.lookup if k in known), None)
        fingerprint = None
        if existing is None and not any(k.startswith("ref:") for k in keys.lookup):
            existing, fingerprint = await _by_fingerprint(uow, keyed, source)
        if existing is not None:
            await uow.bank_feeds.add_keys(dict.fromkeys(keys.register, existing))
            record = await uow.bank_feeds.transaction(existing)
            await uow.commit()
            uow.bank_feeds.detach_all()
            return IngestResult(existing, True, record.status if record else "unknown")
        rules = await load_rules(
            uow, fund, line.booked_on, line.booked_on, payer_name=item.facts.payer_name
        )
        tx_id = uuid.uuid4()
        [row] = await write_new_lines(
            uow,
            [(tx_id, item)],
            origin=LineSource(fund, bank, source=source, source_id=source_id),
            rules=rules,
            prefixes=prefixes,
            thresholds=Thresholds(settings.match_automatic, settings.match_suggest),
            actor=actor,
        )
        new_keys = dict.fromkeys(keys.register, tx_id)
        if fingerprint is not None:
            new_keys[fingerprint] = tx_id
        await uow.bank_feeds.add_new_keys(new_keys)
        await uow.commit()
    log.info(
        "donations.webhook.ingested", source=source, transaction_id=str(tx_id), status=row["status"]
    )
    return IngestResult(tx_id, False, row["status"])


async def _by_fingerprint(
    uow: DonationsUnitOfWork, keyed: KeyedLine, source: str
) -> tuple[uuid.UUID | None, str | None]:
    """Without a bank reference: the n-th transfer with this fingerprint notified by
    `source` is the n-th one of the statement. Returns (the transaction it duplicates, None)
    or (None, the fingerprint key to register)."""
    base = bank_dedupe.fingerprint_base(
        keyed.account, keyed.booked_on, keyed.direction, keyed.amount, keyed.memo
    )
    occurrence = 1
    while True:
        key = bank_dedupe.fingerprint_key(base, occurrence)
        found = (await uow.bank_feeds.known_keys([key])).get(key)
        if found is None:
            return None, key
        if not await uow.bank_feeds.has_key_kind(found, f"src:{source}"):
            return found, None
        occurrence += 1


async def keep_rejected_input(
    new_uow: UowFactory,
    *,
    kind: str,
    reason: str,
    raw: bytes,
    headers: dict[str, str] | None = None,
) -> uuid.UUID:
    """Keep an input refused as a whole, byte for byte, for inspection."""
    async with new_uow() as uow:
        kept = await uow.bank_feeds.keep_rejected(
            kind=kind, reason=reason, raw=raw, headers=headers
        )
        await uow.commit()
    log.info("donations.input.rejected", kind=kind, rejected_id=str(kept))
    return kept
