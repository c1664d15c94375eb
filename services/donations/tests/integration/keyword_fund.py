"""The fund the statement-import tests set up: the account of the real Vietcombank statement,
a campaign for the storm's relief and a keyword rule that sends gifts to it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from baotro_donations.domain.campaigns import CampaignKind
from baotro_donations.service_layer.party_handlers import OpenCampaign, open_campaign
from baotro_donations.service_layer.reconciliation_handlers import NewRule, add_rule
from baotro_donations.service_layer.unit_of_work import DonationsUnitOfWork
from baotro_donations.settings import BankAccountConfig, DonationsSettings, FundConfig

FUND = FundConfig(
    code="TW",
    name="Ban Cứu trợ Trung ương",
    payment_code_prefix="TW",
    bank_accounts=[BankAccountConfig(key="VCB", bank_name="Vietcombank", number="0011.0019.32418")],
)
ACTOR = "ke-toan@quy"


async def open_campaign_with_keyword_rule(
    uow: Callable[[], DonationsUnitOfWork], settings: DonationsSettings, memo_words: str
) -> uuid.UUID:
    """The campaign «Ủng hộ đồng bào bị bão lũ» of FUND and the rule `memo_words` → it."""
    campaign = await open_campaign(
        uow(),
        OpenCampaign(
            fund_code=FUND.code,
            name="Ủng hộ đồng bào bị bão lũ",
            kind=CampaignKind.APPEAL_DRIVE,
            starts_on=date(2024, 9, 1),
            ends_on=date(2024, 12, 31),
        ),
        actor=ACTOR,
    )
    rule = NewRule(
        kind="keyword", target_kind="campaign", target_id=str(campaign.id), memo_words=memo_words
    )
    await add_rule(uow, rule, settings=settings, actor=ACTOR)
    return campaign.id
