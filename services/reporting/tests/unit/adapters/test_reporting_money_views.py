"""Money read models and the public statement on SQLite: idempotent, order-independent,
searchable across diacritics, never showing what must stay private."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from baotro_reporting.domain.statement import ANONYMOUS, StatementPage, StatementQuery
from baotro_reporting.service_layer import projections as p
from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_shared.events.base import EventData
from baotro_shared.events.contracts.donations import (
    CampaignOpened,
    DisbursementMade,
    DonationReceived,
    DonationReversed,
    PledgeCreated,
)
from baotro_shared.events.contracts.registry import AppealPublished, AppealWithdrawn

UowFactory = Callable[[], ReportingUnitOfWork]
NOW = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)
HANDLERS: dict[type[EventData], Any] = {
    DonationReceived: p.on_donation_received,
    DonationReversed: p.on_donation_reversed,
    DisbursementMade: p.on_disbursement_made,
    CampaignOpened: p.on_campaign_opened,
    PledgeCreated: p.on_pledge_created,
    AppealPublished: p.on_appeal_published,
    AppealWithdrawn: p.on_appeal_withdrawn,
}


def gift(amount: int = 500_000, **fields: Any) -> DonationReceived:
    values: dict[str, Any] = {
        "donation_id": uuid.uuid4(),
        "fund_code": "TH",
        "amount": amount,
        "received_on": date(2026, 6, 1),
        "recorded_at": NOW,
        "channel": "bank",
        **fields,
    }
    return DonationReceived(**values)


def reversal(of: DonationReceived, amount: int, on: date = date(2026, 6, 20)) -> DonationReversed:
    return DonationReversed(
        donation_id=of.donation_id,
        reversal_id=uuid.uuid4(),
        amount=amount,
        target_kind=of.target_kind,
        target_id=of.target_id,
        reason="Chuyển nhầm của ông Phạm Văn Lộ",
        reversed_at=NOW,
        reversed_on=on,
    )


def paid(amount: int = 2_000_000, **fields: Any) -> DisbursementMade:
    values: dict[str, Any] = {
        "disbursement_id": uuid.uuid4(),
        "fund_code": "TH",
        "amount": amount,
        "paid_on": date(2026, 6, 10),
        "purpose": "scholarship",
        "commune_code": "14797",
        "groups": ("a", "d"),
        "public_description": "Học bổng năm học 2026-2027",
        "made_at": NOW,
        **fields,
    }
    return DisbursementMade(**values)


async def apply(uow_factory: UowFactory, *events: EventData) -> None:
    for e in events:
        async with uow_factory() as uow:
            await HANDLERS[type(e)](uow, e, None)
            await uow.commit()


async def search(uow_factory: UowFactory, **query: Any) -> StatementPage:
    async with uow_factory() as uow:
        return await uow.statement.search(StatementQuery(**query))


async def received(uow_factory: UowFactory, **window: Any) -> int:
    async with uow_factory() as uow:
        return await uow.money.received_total(fund_code="TH", **window)


async def test_search_finds_a_name_without_diacritics_or_case(uow_factory: UowFactory) -> None:
    await apply(
        uow_factory,
        gift(donor_display_name="NGUYỄN VĂN A", public_memo="Ủng hộ quỹ"),
        gift(donor_display_name="Trần Thị Bình", public_memo="ung ho tre em"),
    )

    page = await search(uow_factory, text="nguyen van a")

    assert [line.name for line in page.lines] == ["NGUYỄN VĂN A"]
    assert (page.total, page.total_is_exact) == (1, True)
    assert [ln.name for ln in (await search(uow_factory, text="UNG HO")).lines] == [
        "Trần Thị Bình",
        "NGUYỄN VĂN A",
    ]


async def test_search_by_amount_and_date_ranges(uow_factory: UowFactory) -> None:
    await apply(
        uow_factory,
        gift(100_000, received_on=date(2026, 6, 1)),
        gift(500_000, received_on=date(2026, 6, 2)),
        gift(900_000, received_on=date(2026, 6, 3)),
    )

    by_amount = await search(uow_factory, min_amount=200_000, max_amount=900_000)
    by_date = await search(uow_factory, date_from=date(2026, 6, 2), date_to=date(2026, 6, 2))

    assert [line.amount for line in by_amount.lines] == [900_000, 500_000]
    assert [line.amount for line in by_date.lines] == [500_000]


async def test_pages_are_newest_first_and_do_not_overlap(uow_factory: UowFactory) -> None:
    await apply(uow_factory, *(gift(1000 + i, received_on=date(2026, 6, 1 + i)) for i in range(25)))

    first = await search(uow_factory, size=10)
    third = await search(uow_factory, page=3, size=10)

    assert first.total == 25
    assert first.has_next
    assert first.last_page == 3
    assert [line.amount for line in first.lines] == [1024 - i for i in range(10)]
    assert [line.amount for line in third.lines] == [1004 - i for i in range(5)]
    assert not third.has_next


async def test_an_anonymous_gift_shows_neither_name_nor_memo(uow_factory: UowFactory) -> None:
    await apply(
        uow_factory,
        gift(
            donor_display_name="Trần Thị Bí Mật",
            anonymous=True,
            public_memo="CT tu 0011001932418 Tran Thi Bi Mat ung ho",
        ),
    )

    [line] = (await search(uow_factory)).lines

    assert (line.name, line.memo) == (ANONYMOUS, "")
    assert (await search(uow_factory, text="bi mat")).total == 0
    assert (await search(uow_factory, text="an danh")).total == 1


async def test_account_numbers_in_a_memo_are_masked(uow_factory: UowFactory) -> None:
    await apply(uow_factory, gift(public_memo="NGUYEN VAN AN CT tu 0011001932418 ung ho"))

    [line] = (await search(uow_factory)).lines

    assert line.memo == "NGUYEN VAN AN CT tu ************* ung ho"
    assert (await search(uow_factory, text="0011001932418")).total == 0


async def test_a_reversal_is_its_own_negative_line_whichever_event_comes_first(
    uow_factory: UowFactory,
) -> None:
    first = gift(1_000_000, donor_display_name="Lê Văn Hùng", received_on=date(2026, 5, 30))
    second = gift(300_000, donor_display_name="Phạm Thị Lan", received_on=date(2026, 5, 30))
    await apply(uow_factory, first, reversal(first, 400_000))
    await apply(uow_factory, reversal(second, 300_000), second)  # the reversal arrives first

    lines = (await search(uow_factory)).lines

    assert sorted((ln.kind, ln.name, ln.amount) for ln in lines) == [
        ("donation", "Lê Văn Hùng", 1_000_000),
        ("donation", "Phạm Thị Lan", 300_000),
        ("reversal", "Lê Văn Hùng", -400_000),
        ("reversal", "Phạm Thị Lan", -300_000),
    ]
    assert [ln.kind for ln in lines[:2]] == ["reversal", "reversal"]  # newest date first
    assert all("Phạm Văn Lộ" not in ln.memo for ln in lines)  # the reason stays internal
    assert await received(uow_factory) == 600_000
    assert await received(uow_factory, end=date(2026, 5, 31)) == 1_300_000
    assert await received(uow_factory, start=date(2026, 6, 1)) == -700_000


async def test_an_event_applied_twice_counts_once(uow_factory: UowFactory) -> None:
    once = gift(700_000)
    spent = paid()

    await apply(uow_factory, once, once, spent, spent)

    assert await received(uow_factory) == 700_000
    assert (await search(uow_factory)).total == 2


async def test_a_disbursement_line_names_purpose_groups_and_commune_never_a_child(
    uow_factory: UowFactory,
) -> None:
    await apply(uow_factory, paid(groups=("d", "l"), beneficiaries=3))

    [line] = (await search(uow_factory, kind="out")).lines

    assert line.amount == -2_000_000
    assert line.name == "Chi hỗ trợ: Học bổng"
    assert "Khuyết tật" in line.memo
    assert "14797" in line.memo
    assert "xâm hại" not in line.memo  # a sensitive group is never named in public
    assert "nhóm được bảo mật" in line.memo
    assert (await search(uow_factory, kind="in")).total == 0
    assert (await search(uow_factory, text="hoc bong")).total == 1


async def test_appeals_show_what_they_raised_and_leave_when_withdrawn(
    uow_factory: UowFactory,
) -> None:
    appeal_id = uuid.uuid4()
    published = AppealPublished(
        appeal_id=appeal_id,
        alias="Bé Mây",
        age_band="6-10",
        province_code="38",
        province_name="Thanh Hóa",
        need_kind="Học phí",
        amount_sought=5_000_000,
        story="Em học rất chăm.",
        published_at=NOW,
    )
    given = gift(1_500_000, target_kind="appeal", target_id=str(appeal_id))
    await apply(uow_factory, published, given, gift(200_000), reversal(given, 500_000))

    async with uow_factory() as uow:
        [appeal] = await uow.portal.appeals()
    assert (appeal.alias, appeal.raised, appeal.amount_sought) == ("Bé Mây", 1_000_000, 5_000_000)

    await apply(
        uow_factory, AppealWithdrawn(appeal_id=appeal_id, reason="consent", withdrawn_at=NOW)
    )
    async with uow_factory() as uow:
        assert await uow.portal.appeals() == []


async def test_campaign_progress_counts_pledged_gifts(uow_factory: UowFactory) -> None:
    campaign = CampaignOpened(
        campaign_id=uuid.uuid4(),
        fund_code="TH",
        name="Một ngày lương vì trẻ em 2026",
        kind="one_day_salary",
        starts_on=date(2026, 5, 1),
        ends_on=date(2026, 6, 30),
        target_amount=10_000_000,
        opened_at=NOW,
    )
    pledge = PledgeCreated(
        pledge_id=uuid.uuid4(),
        campaign_id=campaign.campaign_id,
        fund_code="TH",
        unit_id=uuid.uuid4(),
        unit_name="Sở Y tế",
        headcount=20,
        target_amount=4_000_000,
        created_at=NOW,
    )
    await apply(
        uow_factory,
        campaign,
        pledge,
        gift(
            2_500_000,
            target_kind="pledge",
            target_id=str(pledge.pledge_id),
            campaign_id=campaign.campaign_id,
            pledge_id=pledge.pledge_id,
        ),
    )

    async with uow_factory() as uow:
        [running] = await uow.portal.campaigns(today=date(2026, 6, 15), fund_code="TH")
        assert await uow.portal.campaigns(today=date(2026, 7, 1), fund_code="TH") == []
        pledges = await uow.money.raised_for_pledges([pledge.pledge_id])
    assert (running.raised, running.target, running.percent) == (2_500_000, 10_000_000, 25)
    assert pledges == {pledge.pledge_id: 2_500_000}
    line = (await search(uow_factory)).lines[0]
    assert line.purpose == "Ủng hộ theo đăng ký của đơn vị: Một ngày lương vì trẻ em 2026"


async def test_gifts_applied_at_once_read_as_applied_one_by_one(
    uow_factory: UowFactory,
) -> None:
    """A run of gifts (a replay) gives the lines and totals of the same gifts one by one:
    one applied before, one twice in the run, one whose reversal came first, one anonymous."""
    before = gift(100_000, donor_display_name="Trần Thị Mai")
    waited = gift(300_000, donor_display_name="Phạm Thị Lan", public_memo="ung ho tre em")
    hidden = gift(50_000, donor_display_name="Võ Văn Tú", anonymous=True, public_memo="Võ Văn Tú")
    named = gift(200_000, donor_display_name="Lê Văn Hùng", public_memo="MBVCB.123 ung ho")
    await apply(uow_factory, before, reversal(waited, 300_000))

    async with uow_factory() as uow:
        await p.on_donations_received(
            uow,
            [(event, None) for event in (before, waited, hidden, named, named)],  # type: ignore[misc]
        )
        await uow.commit()

    lines = (await search(uow_factory)).lines
    assert sorted((ln.kind, ln.amount, ln.name, ln.memo) for ln in lines) == [
        ("donation", 50_000, ANONYMOUS, ""),
        ("donation", 100_000, "Trần Thị Mai", ""),
        ("donation", 200_000, "Lê Văn Hùng", "MBVCB.123 ung ho"),
        ("donation", 300_000, "Phạm Thị Lan", "ung ho tre em"),
        ("reversal", -300_000, "Phạm Thị Lan", "Hoàn trả / điều chỉnh giảm khoản ủng hộ"),
    ]
    assert (await search(uow_factory, text="pham thi lan")).total == 2  # the reversal too
    assert await received(uow_factory) == 350_000
