"""Consent per purpose, from the guardian and, when the child is 7 or older, from the child."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime


class ConsentPurpose(enum.StrEnum):
    CARE = "care"
    SHARE_WITH_AGENCY = "share_with_agency"
    PUBLIC_APPEAL = "public_appeal"
    PHOTO = "photo"


class ConsentGiver(enum.StrEnum):
    GUARDIAN = "guardian"
    CHILD = "child"


CHILD_CONSENT_AGE = 7
"""Luật Trẻ em 2016 and the Personal Data Protection Law 2025: the child consents too from 7."""


@dataclass(frozen=True)
class Consent:
    id: uuid.UUID
    child_id: uuid.UUID
    purpose: ConsentPurpose
    given_by: ConsentGiver
    given_on: date
    recorded_by: str
    recorded_at: datetime
    withdrawn_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


def consent_is_effective(consents: list[Consent], purpose: ConsentPurpose, child_age: int) -> bool:
    """The guardian consented, and the child too when aged 7 or more; none withdrawn since."""
    givers = {c.given_by for c in consents if c.purpose == purpose and c.active}
    if ConsentGiver.GUARDIAN not in givers:
        return False
    return child_age < CHILD_CONSENT_AGE or ConsentGiver.CHILD in givers


def missing_givers(consents: list[Consent], purpose: ConsentPurpose, child_age: int) -> list[str]:
    """Vietnamese names of whose consent is still missing for `purpose`."""
    givers = {c.given_by for c in consents if c.purpose == purpose and c.active}
    missing = []
    if ConsentGiver.GUARDIAN not in givers:
        missing.append("người giám hộ")
    if child_age >= CHILD_CONSENT_AGE and ConsentGiver.CHILD not in givers:
        missing.append("trẻ (từ đủ 7 tuổi)")
    return missing
