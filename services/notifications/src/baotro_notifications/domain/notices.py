"""Notices and their deliveries: kinds, statuses and the retry schedule (pure rules)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class NoticeKind(enum.StrEnum):
    THANK_YOU = "thank_you"
    UNIT_SUMMARY = "unit_summary"
    CORRECTION = "correction"
    COMMENDATION = "commendation"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class SkipReason(enum.StrEnum):
    """Why nothing was sent (shown to staff in Vietnamese by `skip_reason_vi`)."""

    NO_DONOR = "no_donor"
    DONOR_UNKNOWN = "donor_unknown"
    OPTED_OUT = "opted_out"
    NO_CHANNEL = "no_channel"
    FULLY_REVERSED = "fully_reversed"


SKIP_REASONS_VI = {
    SkipReason.NO_DONOR: "Khoản ủng hộ không gắn với nhà hảo tâm nào: không có người nhận thư.",
    SkipReason.DONOR_UNKNOWN: "Dịch vụ tiếp nhận tài trợ không có nhà hảo tâm này.",
    SkipReason.OPTED_OUT: "Nhà hảo tâm đã từ chối nhận thư cảm ơn.",
    SkipReason.NO_CHANNEL: "Không có địa chỉ liên hệ nào dùng được (email, điện thoại, bưu chính).",
    SkipReason.FULLY_REVERSED: "Khoản ủng hộ đã được hoàn trả toàn bộ trước khi gửi thư.",
}


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff: `initial`, doubled after each failure, capped at `maximum`."""

    initial_s: float
    maximum_s: float

    def delay(self, failures: int) -> float:
        """Seconds to wait after the `failures`-th consecutive failure (1-based)."""
        return float(min(self.initial_s * (2 ** max(failures - 1, 0)), self.maximum_s))


def gives_up(attempts: int, max_attempts: int) -> bool:
    """After `attempts` failed attempts, is the delivery failed (for a person to retry)?"""
    return attempts >= max_attempts
