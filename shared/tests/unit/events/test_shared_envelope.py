"""The CloudEvents envelope: what goes on the wire and comes back from it."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from baotro_shared.events.envelope import Envelope, schema_urn

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def _envelope(**overrides: Any) -> Envelope:
    values: dict[str, Any] = {
        "source": "/baotro/registry",
        "type": "case.opened",
        "subject": "6f1c1f8e-6d0b-4d8e-9a52-3c1c1b9f3a10",
        "dataschema": schema_urn("case.opened", 1),
        "data": {"commune_code": "14797", "groups": ["a", "đ"]},
    }
    values.update(overrides)
    return Envelope(**values)


def test_round_trips_through_json_bytes() -> None:
    original = _envelope(traceparent=TRACEPARENT, tracestate="baotro=1")

    assert Envelope.from_json_bytes(original.to_json_bytes()) == original


def test_wire_form_is_utf8_json_carrying_the_cloudevents_attributes() -> None:
    wire = json.loads(_envelope().to_json_bytes().decode("utf-8"))

    for attribute in (
        "specversion",
        "id",
        "source",
        "type",
        "subject",
        "time",
        "datacontenttype",
        "dataschema",
        "data",
    ):
        assert attribute in wire, attribute
    assert wire["specversion"] == "1.0"
    assert wire["datacontenttype"] == "application/json"
    assert wire["dataschema"] == "urn:baotro:events:case.opened:v1"
    assert wire["dataversion"] == 1
    assert wire["data"]["groups"] == ["a", "đ"]
    uuid.UUID(wire["id"])


def test_time_is_timezone_aware_utc_by_default() -> None:
    before = datetime.now(UTC)
    envelope = _envelope()

    assert envelope.time.tzinfo is not None
    assert before <= envelope.time <= datetime.now(UTC)
    assert datetime.fromisoformat(json.loads(envelope.to_json_bytes())["time"]).tzinfo is not None


def test_every_envelope_gets_its_own_id() -> None:
    assert _envelope().id != _envelope().id


def test_trace_context_travels_with_the_event() -> None:
    wire = json.loads(_envelope(traceparent=TRACEPARENT).to_json_bytes())

    assert wire["traceparent"] == TRACEPARENT


def test_is_frozen() -> None:
    envelope = _envelope()

    with pytest.raises(ValidationError, match="frozen"):
        envelope.type = "case.closed"  # type: ignore[misc]


def test_ignores_attributes_it_does_not_know() -> None:
    wire = json.loads(_envelope().to_json_bytes())
    wire["someextension"] = "from a newer producer"

    parsed = Envelope.from_json_bytes(json.dumps(wire).encode())

    assert parsed.type == "case.opened"


def test_refuses_another_cloudevents_spec_version() -> None:
    with pytest.raises(ValidationError, match="specversion"):
        _envelope(specversion="0.3")


@pytest.mark.parametrize(
    "raw",
    [b"", b"not json", b"\xff\xfe", b"[]", b'{"type": "case.opened"}'],
    ids=["empty", "text", "not-utf8", "array", "incomplete"],
)
def test_from_json_bytes_raises_validation_error_on_a_malformed_envelope(raw: bytes) -> None:
    with pytest.raises(ValidationError):
        Envelope.from_json_bytes(raw)


def test_schema_urn_names_the_type_and_the_version() -> None:
    assert schema_urn("donation.received", 3) == "urn:baotro:events:donation.received:v3"
