"""What matching looks up besides a bank line (understood in `bank_line_reading`): the
index of payment codes, donors' accounts and names, open pledges and rules, built per batch
in bulk."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal

from baotro_donations.domain.matching import (
    BankLineView,
    CodeTarget,
    KeywordRule,
    LearnedRule,
    MatchIndex,
    NameMatch,
    OpenPledge,
    sorted_words,
)
from baotro_donations.service_layer.bank_line_reading import digits
from baotro_donations.service_layer.unit_of_work import DonationsUnitOfWork
from baotro_donations.settings import FundConfig
from baotro_shared.text import fold

CODE_GRACE = timedelta(days=31)
"""A campaign's payment code still counts this long after the campaign ends."""


@dataclass
class MatchRules:
    learned: list[LearnedRule]
    keywords: list[KeywordRule]
    donor_names: dict[uuid.UUID, str]
    pledges: list[OpenPledge]
    sorted_donor_names: dict[uuid.UUID, str] = field(init=False)
    name_matches: dict[str, NameMatch] = field(init=False, default_factory=dict)
    """Payer names compared with the donors' names so far, for every batch's index."""

    def __post_init__(self) -> None:
        self.sorted_donor_names = {k: sorted_words(v) for k, v in self.donor_names.items()}


async def load_rules(
    uow: DonationsUnitOfWork,
    fund: FundConfig,
    first: date,
    last: date,
    *,
    payer_name: str | Literal["all"] | None = "all",
) -> MatchRules:
    """What matching needs besides the lines. A statement loads every donor's name once;
    one transfer (`payer_name`) only the donors whose name has the payer's last word (the
    given name, which a close enough name always shares), or none without a payer name."""
    learned: list[LearnedRule] = []
    keywords: list[KeywordRule] = []
    for rule in await uow.bank_feeds.rules(fund.code):
        if rule.kind == "keyword" and rule.memo_words and rule.target_id:
            keywords.append(
                KeywordRule(
                    keywords=fold(rule.memo_words),
                    campaign_id=rule.target_id,
                    campaign_name=rule.target_label or rule.target_id,
                    confidence=rule.confidence,
                )
            )
        elif rule.kind == "learned":
            learned.append(
                LearnedRule(
                    rule_id=rule.id,
                    sender_account=rule.sender_account,
                    payer_name=rule.payer_name,
                    memo_words=rule.memo_words,
                    target_kind=rule.target_kind,
                    target_id=rule.target_id,
                    donor_id=rule.donor_id,
                    confidence=rule.confidence,
                )
            )
    pledges = []
    for pledge, campaign, unit_name in await uow.bank_feeds.open_pledges(fund.code, first, last):
        raised = await uow.parties.raised_per_pledge(pledge_id=pledge.id)
        got = raised.get(pledge.id)
        expected = pledge.target_amount - (got.gross - got.reversed if got else 0)
        if expected > 0:
            pledges.append(
                OpenPledge(
                    pledge_id=pledge.id,
                    unit_id=pledge.unit_id,
                    unit_name=unit_name,
                    expected=expected,
                    starts_on=campaign.starts_on,
                    ends_on=campaign.ends_on,
                )
            )
    if payer_name == "all":
        names = await uow.bank_feeds.donor_names()
    elif payer_name:
        names = await uow.bank_feeds.donor_names(containing=payer_name.split()[-1])
    else:
        names = {}
    return MatchRules(learned, keywords, names, pledges)


async def match_index(
    uow: DonationsUnitOfWork, views: Sequence[BankLineView], rules: MatchRules
) -> DatedIndex:
    codes = await uow.bank_feeds.payment_codes(c for view in views for c in view.codes)
    campaigns = await uow.bank_feeds.campaigns(
        uuid.UUID(c.target_id) for c in codes if c.target_kind == "campaign"
    )
    donors = await uow.bank_feeds.donor_labels(
        uuid.UUID(c.target_id) for c in codes if c.target_kind == "donor"
    )
    targets = {}
    for c in codes:
        donor_id = uuid.UUID(c.target_id) if c.target_kind == "donor" else None
        if c.target_kind == "campaign":
            name, _ = campaigns.get(uuid.UUID(c.target_id), (c.target_id, None))
            label = f"đợt vận động «{name}»"
        elif donor_id is not None:
            label = f"nhà tài trợ {donors.get(donor_id, c.target_id)}"
        else:
            label = TARGET_LABELS.get(c.target_kind, c.target_kind)
        targets[c.code] = CodeTarget(c.code, c.target_kind, c.target_id, label, donor_id)
    ends = {
        c.code: ends_on
        for c in codes
        if c.target_kind == "campaign"
        and (ends_on := campaigns.get(uuid.UUID(c.target_id), ("", None))[1]) is not None
    }
    accounts = {
        a
        for view in views
        for raw in (view.facts.sender_account, view.counter_account)
        if raw and (a := digits(raw))
    }
    index = MatchIndex(
        codes=targets,
        donors_by_account=await uow.bank_feeds.donors_by_accounts(accounts),
        donor_names=rules.donor_names,
        sorted_donor_names=rules.sorted_donor_names,
        name_matches=rules.name_matches,
        open_pledges=rules.pledges,
        rules=rules.learned,
        keywords=rules.keywords,
    )
    return DatedIndex(index, ends)


@dataclass(frozen=True)
class DatedIndex:
    """The match index, whose campaign codes expire: a campaign's code still counts for a
    month after the campaign ends (late transfers); later, it is the accountant's call."""

    index: MatchIndex
    ends: dict[str, date]

    def on(self, view: BankLineView) -> MatchIndex:
        expired = {
            code
            for code in view.codes
            if code in self.ends and view.booked_on > self.ends[code] + CODE_GRACE
        }
        if not expired:
            return self.index
        codes = {
            code: replace(target, active=False) if code in expired else target
            for code, target in self.index.codes.items()
        }
        return replace(self.index, codes=codes)


TARGET_LABELS = {
    "pledge": "một cam kết đóng góp",
    "appeal": "một hoàn cảnh kêu gọi",
    "sponsorship": "một khoản đỡ đầu",
}
