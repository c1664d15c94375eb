"""The event catalogue: registration, envelopes, upcasting and topics."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from baotro_shared.events.base import EventData
from baotro_shared.events.catalogue import (
    CATALOGUE,
    EventCatalogue,
    UnknownEventError,
    dead_letter_topic,
    load_contracts,
)
from baotro_shared.events.contracts.registry import CaseOpened
from baotro_shared.events.envelope import Envelope, schema_urn


class WidgetMade(EventData):
    """A test event at version 3; v1 had no colour, v2 called the size `sz`."""

    event_type = "widget.made"
    version = 3
    producer = "workshop"
    key_field = "widget_id"

    widget_id: str
    colour: str
    size: int


class WidgetImpostor(EventData):
    """Claims the type of `WidgetMade` without being its model."""

    event_type = "widget.made"
    version = 3
    producer = "workshop"
    key_field = "widget_id"

    widget_id: str
    colour: str
    size: int


class GadgetSold(EventData):
    event_type = "gadget.sold"
    producer = "shop"
    key_field = "gadget_id"

    gadget_id: str


def _v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "colour": "red"}


def _v2_to_v3(payload: dict[str, Any]) -> dict[str, Any]:
    upcast = dict(payload)
    upcast["size"] = upcast.pop("sz")
    return upcast


@pytest.fixture
def catalogue() -> EventCatalogue:
    catalogue = EventCatalogue()
    catalogue.register(WidgetMade)
    catalogue.register(GadgetSold)
    return catalogue


def _old_envelope(version: int, data: dict[str, Any]) -> Envelope:
    return Envelope(
        source="/baotro/workshop",
        type="widget.made",
        subject=str(data["widget_id"]),
        dataschema=schema_urn("widget.made", version),
        dataversion=version,
        data=data,
    )


def test_register_returns_the_model_so_it_works_as_a_decorator() -> None:
    catalogue = EventCatalogue()

    assert catalogue.register(WidgetMade) is WidgetMade
    assert catalogue.spec("widget.made").model is WidgetMade


def test_registering_an_event_type_twice_fails(catalogue: EventCatalogue) -> None:
    with pytest.raises(ValueError, match=r"widget\.made registered twice"):
        catalogue.register(WidgetImpostor)


def test_unknown_event_type_is_refused(catalogue: EventCatalogue) -> None:
    with pytest.raises(UnknownEventError, match="unknown event type"):
        catalogue.spec("widget.melted")


def test_envelope_wraps_a_payload_with_its_key_schema_and_version(
    catalogue: EventCatalogue,
) -> None:
    envelope = catalogue.envelope(
        WidgetMade(widget_id="w-1", colour="blue", size=3),
        source="/baotro/workshop",
        traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    )

    assert envelope.type == "widget.made"
    assert envelope.subject == "w-1"
    assert envelope.source == "/baotro/workshop"
    assert envelope.dataversion == 3
    assert envelope.dataschema == "urn:baotro:events:widget.made:v3"
    assert envelope.traceparent is not None
    assert envelope.data == {"widget_id": "w-1", "colour": "blue", "size": 3}


def test_envelope_refuses_a_payload_that_is_not_the_registered_model(
    catalogue: EventCatalogue,
) -> None:
    with pytest.raises(TypeError, match=r"WidgetImpostor is not the model of widget\.made"):
        catalogue.envelope(
            WidgetImpostor(widget_id="w-1", colour="blue", size=3), source="/baotro/workshop"
        )


def test_envelope_refuses_an_unregistered_event_type() -> None:
    with pytest.raises(UnknownEventError):
        EventCatalogue().envelope(GadgetSold(gadget_id="g-1"), source="/baotro/shop")


def test_parse_returns_the_typed_payload_of_a_current_envelope(
    catalogue: EventCatalogue,
) -> None:
    data = WidgetMade(widget_id="w-1", colour="blue", size=3)
    envelope = Envelope.from_json_bytes(
        catalogue.envelope(data, source="/baotro/workshop").to_json_bytes()
    )

    assert catalogue.parse(envelope) == data


def test_parse_upcasts_through_every_registered_upcaster(catalogue: EventCatalogue) -> None:
    catalogue.add_upcaster("widget.made", 1, _v1_to_v2)
    catalogue.add_upcaster("widget.made", 2, _v2_to_v3)

    from_v1 = catalogue.parse(_old_envelope(1, {"widget_id": "w-1", "sz": 7}))
    from_v2 = catalogue.parse(_old_envelope(2, {"widget_id": "w-2", "colour": "green", "sz": 5}))

    assert from_v1 == WidgetMade(widget_id="w-1", colour="red", size=7)
    assert from_v2 == WidgetMade(widget_id="w-2", colour="green", size=5)


def test_parse_refuses_a_version_newer_than_the_model(catalogue: EventCatalogue) -> None:
    with pytest.raises(UnknownEventError, match=r"v4 is newer than this service knows \(v3\)"):
        catalogue.parse(_old_envelope(4, {"widget_id": "w-1", "colour": "red", "size": 1}))


def test_parse_refuses_an_old_version_without_an_upcaster(catalogue: EventCatalogue) -> None:
    catalogue.add_upcaster("widget.made", 2, _v2_to_v3)

    with pytest.raises(UnknownEventError, match=r"no upcaster for widget\.made from v1"):
        catalogue.parse(_old_envelope(1, {"widget_id": "w-1", "sz": 7}))


def test_parse_refuses_an_unknown_event_type(catalogue: EventCatalogue) -> None:
    envelope = _old_envelope(1, {"widget_id": "w-1"}).model_copy(update={"type": "widget.melted"})

    with pytest.raises(UnknownEventError):
        catalogue.parse(envelope)


def test_parse_ignores_fields_added_later_by_the_producer(catalogue: EventCatalogue) -> None:
    envelope = _old_envelope(3, {"widget_id": "w-1", "colour": "red", "size": 1, "weight": 2})

    assert catalogue.parse(envelope) == WidgetMade(widget_id="w-1", colour="red", size=1)


def test_topics_are_the_event_types_and_their_dead_letter_topics(
    catalogue: EventCatalogue,
) -> None:
    assert catalogue.topics() == [
        "gadget.sold",
        "gadget.sold.dlq",
        "widget.made",
        "widget.made.dlq",
    ]
    assert catalogue.topics(with_dlq=False) == ["gadget.sold", "widget.made"]
    assert dead_letter_topic("widget.made") == "widget.made.dlq"


def test_specs_are_sorted_and_produced_by_filters_by_owner(catalogue: EventCatalogue) -> None:
    assert [s.event_type for s in catalogue.specs()] == ["gadget.sold", "widget.made"]
    assert [s.event_type for s in catalogue.produced_by("workshop")] == ["widget.made"]
    assert catalogue.produced_by("nobody") == []


def test_the_platform_catalogue_knows_case_opened_as_produced_by_the_registry() -> None:
    catalogue = load_contracts()

    assert catalogue is CATALOGUE
    assert catalogue.spec("case.opened").model is CaseOpened
    assert "case.opened" in catalogue.topics()
    assert "case.opened.dlq" in catalogue.topics()
    registry_events = [s.event_type for s in catalogue.produced_by("registry")]
    assert "case.opened" in registry_events
    assert all(e.split(".")[0] in REGISTRY_AGGREGATES for e in registry_events)


def test_case_opened_survives_the_wire_through_the_platform_catalogue() -> None:
    event = CaseOpened(
        case_id=uuid.uuid4(),
        commune_code="14797",
        province_code="38",
        groups=("a", "đ"),
        opened_at=datetime(2025, 7, 1, 8, 30, tzinfo=UTC),
        opened_by_role="case_worker",
    )
    envelope = CATALOGUE.envelope(event, source="/baotro/registry")

    parsed = CATALOGUE.parse(Envelope.from_json_bytes(envelope.to_json_bytes()))

    assert parsed == event
    assert envelope.subject == str(event.case_id)


REGISTRY_AGGREGATES = {"child", "case", "support", "consent", "appeal", "sponsorship"}
