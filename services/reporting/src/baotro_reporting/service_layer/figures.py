"""Collect a report's figures from the read models (one read-only unit of work)."""

from __future__ import annotations

from datetime import timedelta

from baotro_reporting.domain.labels import (
    CHANNELS,
    DONOR_KINDS,
    PURPOSES,
    group_label,
    label,
)
from baotro_reporting.domain.periods import Period
from baotro_reporting.domain.report_figures import (
    PledgeRow,
    ReportFigures,
    Row,
    Table,
    merge_rows,
    month_rows,
)
from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork

NO_CAMPAIGN = "Không thuộc chiến dịch"
NO_UNIT = "Không qua đơn vị đăng ký"
NO_COMMUNE = "Hỗ trợ chung (không theo xã)"


async def collect_figures(
    uow: ReportingUnitOfWork, *, fund_code: str, fund_name: str, kind: str, period: Period
) -> ReportFigures:
    money = uow.money
    start, end = period.start, period.end
    before = start - timedelta(days=1)
    opening = await money.received_total(fund_code=fund_code, end=before) - (
        await money.spent_total(fund_code=fund_code, end=before)
    )
    by_channel = merge_rows(
        [
            (label(CHANNELS, c), a, n)
            for c, a, n in await money.received_by(
                ["channel"], fund_code=fund_code, start=start, end=end
            )
        ]
    )
    by_kind = merge_rows(
        [
            (label(DONOR_KINDS, k or "unknown"), a, n)
            for k, a, n in await money.received_by(
                ["donor_kind"], fund_code=fund_code, start=start, end=end
            )
        ]
    )
    campaigns = await money.campaign_names()
    by_campaign = merge_rows(
        [
            (campaigns.get(c, "Chiến dịch (chưa rõ tên)") if c else NO_CAMPAIGN, a, n)
            for c, a, n in await money.received_by(
                ["campaign_id"], fund_code=fund_code, start=start, end=end
            )
        ]
    )
    pledges = await money.pledges_of(fund_code)
    units = {p.pledge_id: p.unit_name for p in pledges}
    by_unit = merge_rows(
        [
            (units.get(p, "Đơn vị (chưa rõ tên)") if p else NO_UNIT, a, n)
            for p, a, n in await money.received_by(
                ["pledge_id"], fund_code=fund_code, start=start, end=end
            )
        ]
    )
    channel_labels = tuple(dict.fromkeys(label(CHANNELS, c) for c in CHANNELS))
    daily = [
        (day, label(CHANNELS, c), a)
        for day, c, a, _n in await money.received_by(
            ["day", "channel"], fund_code=fund_code, start=start, end=end
        )
    ]
    raised = await money.raised_for_pledges([p.pledge_id for p in pledges], end=end)
    pledge_rows = tuple(
        sorted(
            (
                PledgeRow(
                    campaign=campaigns.get(p.campaign_id, ""),
                    unit=p.unit_name,
                    headcount=p.headcount,
                    target=p.target_amount,
                    raised=raised.get(p.pledge_id, 0),
                )
                for p in pledges
            ),
            key=lambda r: (r.campaign, r.unit),
        )
    )
    by_purpose = merge_rows(
        [
            (label(PURPOSES, p), a, n)
            for p, a, n in await money.spent_by(
                ["purpose"], fund_code=fund_code, start=start, end=end
            )
        ]
    )
    by_group = tuple(
        Row(f"{code} — {group_label(code)}", a, n)
        for code, a, n in await money.spent_by_group(fund_code=fund_code, start=start, end=end)
    )
    by_commune = merge_rows(
        [
            (c or NO_COMMUNE, a, n)
            for c, a, n in await money.spent_by(
                ["commune_code"], fund_code=fund_code, start=start, end=end
            )
        ]
    )
    received = await money.received_total(fund_code=fund_code, start=start, end=end)
    spent = await money.spent_total(fund_code=fund_code, start=start, end=end)
    stats = await uow.case_views.stats(communes=None)
    return ReportFigures(
        fund_code=fund_code,
        fund_name=fund_name,
        kind=kind,
        period=period,
        opening_balance=opening,
        received=received,
        spent=spent,
        by_channel=Table("Thu theo hình thức", by_channel),
        by_donor_kind=Table("Thu theo loại nhà tài trợ", by_kind),
        by_campaign=Table("Thu theo chiến dịch", by_campaign),
        by_unit=Table("Thu theo đơn vị đăng ký", by_unit),
        months=month_rows(daily, period, channel_labels),
        channels=channel_labels,
        pledges=pledge_rows,
        by_purpose=Table("Chi theo mục đích", by_purpose),
        by_group=Table(
            "Chi theo nhóm trẻ em",
            by_group,
            note="Một khoản chi cho nhiều nhóm được tính ở mỗi nhóm, nên cộng các dòng "
            "có thể lớn hơn tổng chi.",
            adds_up=False,
        ),
        by_commune=Table("Chi theo xã, phường (mã)", by_commune),
        open_cases=stats.open_total,
        children_reached=await money.beneficiaries(fund_code=fund_code, start=start, end=end),
    )
