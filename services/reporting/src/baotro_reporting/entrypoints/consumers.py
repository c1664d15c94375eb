"""The topics reporting consumes and the projection handling each (some also in runs)."""

from __future__ import annotations

from collections.abc import Mapping

from baotro_reporting.service_layer import projections as p
from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_shared.messaging.consumer import BatchHandler, Handler

HANDLERS: Mapping[str, Handler[ReportingUnitOfWork]] = {
    "case.opened": p.on_case_opened,
    "case.stage_changed": p.on_case_stage_changed,
    "case.closed": p.on_case_closed,
    "donation.received": p.on_donation_received,
    "donation.reversed": p.on_donation_reversed,
    "disbursement.made": p.on_disbursement_made,
    "campaign.opened": p.on_campaign_opened,
    "pledge.created": p.on_pledge_created,
    "appeal.published": p.on_appeal_published,
    "appeal.withdrawn": p.on_appeal_withdrawn,
    "payment_code.issued": p.on_payment_code_issued,
}

BATCH_HANDLERS: Mapping[str, BatchHandler[ReportingUnitOfWork]] = {
    "donation.received": p.on_donations_received,
}
"""Types that come in long runs (a replay: one gift per statement line), applied at once."""
