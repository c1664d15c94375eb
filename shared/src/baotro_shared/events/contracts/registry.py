"""Events published by the registry service. No personal data of children, ever."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from baotro_shared.events.base import EventData
from baotro_shared.events.catalogue import CATALOGUE

LegalGroupCode = str
"""One of the 14 groups of Luật Trẻ em 2016, Điều 10: a b c d đ e g h i k l m n o."""


@CATALOGUE.register
class CaseOpened(EventData):
    """A case was opened for a child in special circumstances."""

    event_type = "case.opened"
    version = 1
    producer = "registry"
    key_field = "case_id"
    summary = "A case was opened in a commune, for one or more legal groups of children."

    case_id: uuid.UUID
    child_id: uuid.UUID | None = None
    commune_code: str = Field(description="Ward/commune code (two-tier units from 1 July 2025)")
    province_code: str
    groups: tuple[LegalGroupCode, ...] = Field(min_length=1)
    stage: str = "new"
    opened_at: datetime
    opened_by_role: str
