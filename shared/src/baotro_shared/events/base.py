"""Base class of event payloads: frozen, versioned, additive changes only."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class EventData(BaseModel):
    """The `data` of one event type at one version.

    Subclasses set `event_type` (`<aggregate>.<past tense>`), `version`, `producer` (the
    service that owns it) and `key_field` (the aggregate id: events of one aggregate share a
    partition and stay in order). Unknown fields are ignored so that a field added later does
    not break an older consumer; anything beyond an additive change needs a new version and an
    upcaster registered in the catalogue.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    version: ClassVar[int] = 1
    producer: ClassVar[str]
    key_field: ClassVar[str]
    summary: ClassVar[str] = ""

    def key(self) -> str:
        """The partition key: the aggregate id."""
        return str(getattr(self, self.key_field))
