"""Events published by the reporting service."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from baotro_shared.events.base import EventData
from baotro_shared.events.catalogue import CATALOGUE

ReportKind = Literal["periodic", "disclosure"]


@CATALOGUE.register
class ReportGenerated(EventData):
    """A periodic report or a yearly public disclosure was generated (XLSX and PDF)."""

    event_type = "report.generated"
    version = 1
    producer = "reporting"
    key_field = "report_id"
    summary = "A periodic report or public disclosure was generated from the read models."

    report_id: uuid.UUID
    kind: ReportKind
    fund_code: str
    period: str = Field(description='"2026-06" (month), "2026-Q2" (quarter) or "2026" (year)')
    period_start: date
    period_end: date
    received_total: int = Field(description="đồng received in the period, net of reversals")
    spent_total: int = Field(ge=0, description="đồng disbursed in the period")
    published: bool = Field(False, description="Shown on the public portal (/bao-cao)")
    generated_at: datetime
