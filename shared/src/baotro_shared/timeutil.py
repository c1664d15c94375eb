"""Time: people think in Asia/Ho_Chi_Minh, storage is UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def to_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is read as Vietnam time (what a user typed)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    return moment.astimezone(UTC)


def today_in_vietnam() -> date:
    """Today's date for people in Vietnam (a calendar day, not a UTC one)."""
    return datetime.now(VIETNAM).date()
