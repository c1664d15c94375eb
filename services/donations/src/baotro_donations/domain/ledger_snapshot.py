"""A `Ledger` rebuilt from day totals: enough to validate one entry without every entry.

Validation reads asset pots only (`Ledger.available`, `restriction_balance`, `pot_balance`),
and only day by day. So the day totals of the pots an entry may touch, each turned into one
balanced summary entry (Dr the asset pot / Cr the fund balance of its restriction, or the
reverse when the day took money out), plus the real entries a reversal needs (the original and
its earlier reversals), give the same decisions as the whole book. Income, expense and fund
balance accounts are not meaningful in such a ledger.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date

from baotro_donations.domain.ledger import Ledger
from baotro_donations.domain.ledger_accounts import (
    RESTRICTED_NET_ASSETS,
    UNRESTRICTED_NET_ASSETS,
    AccountKind,
    Fund,
    Money,
    Restriction,
    restriction_key,
)
from baotro_donations.domain.ledger_entries import JournalEntry, Posting, Side

PotDay = tuple[str, Restriction | None, date]
"""(asset account code, restriction, day)."""

_SUMMARY_IDS = uuid.UUID("6f1d3c1e-7b0a-4c55-9a51-2f0e4b8d9c10")


def summary_entry(fund: Fund, pot_day: PotDay, change: Money) -> JournalEntry:
    """One balanced entry carrying a pot's net change (debit − credit) of one day."""
    code, restriction, day = pot_day
    asset = fund.asset_account(code)
    balance = UNRESTRICTED_NET_ASSETS if restriction is None else RESTRICTED_NET_ASSETS
    side = Side.DEBIT if change > 0 else Side.CREDIT
    return JournalEntry(
        id=uuid.uuid5(_SUMMARY_IDS, f"{fund.code}|{code}|{restriction_key(restriction)}|{day}"),
        fund=fund.code,
        date=day,
        memo=f"Tổng hợp ngày {day:%d/%m/%Y}",
        lines=(
            Posting(asset, side, abs(change), restriction),
            Posting(balance, side.opposite, abs(change), restriction),
        ),
    )


def snapshot_ledger(
    fund: Fund,
    day_changes: Mapping[PotDay, Money],
    entries: Iterable[JournalEntry] = (),
) -> Ledger:
    """The ledger of `fund` made of `entries` and one summary entry per pot and day.

    `day_changes` are the asset pots' net changes (debit − credit) per day over the whole
    book, `entries` included: their own asset lines are taken out of the totals so that
    nothing counts twice. Every pot an entry of `entries` touches must be in `day_changes`.
    """
    real = tuple(entries)
    remaining: dict[PotDay, Money] = defaultdict(int, day_changes)
    for entry in real:
        for line in entry.lines:
            if line.account.kind is AccountKind.ASSET:
                remaining[line.account.code, line.restriction, entry.date] -= line.normal_amount
    summaries = tuple(
        summary_entry(fund, pot_day, change)
        for pot_day, change in sorted(remaining.items(), key=_by_day)
        if change
    )
    return Ledger(funds={fund.code: fund}, entries=(*summaries, *real))


def _by_day(item: tuple[PotDay, Money]) -> tuple[date, str, str]:
    (code, restriction, day), _ = item
    return day, code, restriction_key(restriction)
