"""The CloudEvents 1.0 envelope every event travels in, with W3C trace context."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


def _new_id() -> str:
    return str(uuid.uuid4())


def _now() -> datetime:
    return datetime.now(UTC)


class Envelope(BaseModel):
    """A CloudEvents 1.0 structured-mode event (JSON), plus the distributed-tracing extension.

    `dataschema` names the payload contract and its version (`urn:baotro:events:<type>:v<n>`);
    `dataversion` repeats the version as an integer so consumers can upcast without parsing.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(default_factory=_new_id)
    source: str
    type: str
    subject: str
    time: datetime = Field(default_factory=_now)
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str
    dataversion: int = 1
    traceparent: str | None = None
    tracestate: str | None = None
    data: dict[str, Any]

    def to_json_bytes(self) -> bytes:
        """Serialise for the wire."""
        return self.model_dump_json().encode("utf-8")

    @classmethod
    def from_json_bytes(cls, raw: bytes) -> Envelope:
        """Parse from the wire; raises `pydantic.ValidationError` on a malformed envelope."""
        return cls.model_validate_json(raw)


def schema_urn(event_type: str, version: int) -> str:
    """The `dataschema` value for one event type and version."""
    return f"urn:baotro:events:{event_type}:v{version}"
