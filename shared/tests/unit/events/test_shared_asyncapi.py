"""The AsyncAPI 3 document generated from the event catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from baotro_shared.events.asyncapi import asyncapi_document, asyncapi_yaml
from baotro_shared.events.base import EventData
from baotro_shared.events.catalogue import EventCatalogue
from baotro_shared.events.envelope import Envelope

REPO = Path(__file__).resolve().parents[4]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return asyncapi_document()


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_is_an_asyncapi_3_document(document: dict[str, Any]) -> None:
    assert document["asyncapi"] == "3.0.0"
    assert document["defaultContentType"] == "application/json"
    assert document["info"]["title"] == "Bảo Trợ events"
    assert {s["protocol"] for s in document["servers"].values()} == {"kafka"}


def test_has_a_channel_per_event_type_and_its_dead_letter_topic(
    document: dict[str, Any],
) -> None:
    channels = document["channels"]

    assert channels["case.opened"]["address"] == "case.opened"
    assert channels["case.opened.dlq"]["address"] == "case.opened.dlq"
    for name in ("case.opened", "case.opened.dlq"):
        assert channels[name]["messages"] == {
            "CaseOpened": {"$ref": "#/components/messages/CaseOpened"}
        }


def test_message_payload_is_the_envelope_with_the_typed_data(document: dict[str, Any]) -> None:
    message = document["components"]["messages"]["CaseOpened"]
    envelope_ref, typed = message["payload"]["allOf"]

    assert message["name"] == "case.opened"
    assert envelope_ref == {"$ref": "#/components/schemas/Envelope"}
    assert typed["properties"]["type"] == {"const": "case.opened"}
    assert typed["properties"]["dataversion"] == {"const": 1}
    assert typed["properties"]["data"] == {"$ref": "#/components/schemas/CaseOpenedData"}
    assert typed["required"] == ["data"]


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    refs = list(_refs(document))

    assert refs
    for ref in refs:
        assert _resolve(document, ref) is not None, ref


def test_data_schema_is_the_payload_contract(document: dict[str, Any]) -> None:
    schema = document["components"]["schemas"]["CaseOpenedData"]

    assert {"case_id", "commune_code", "province_code", "groups", "opened_at"} <= set(
        schema["required"]
    )
    assert "$defs" not in schema


def test_envelope_schema_leaves_data_to_each_message(document: dict[str, Any]) -> None:
    envelope = document["components"]["schemas"]["Envelope"]

    assert "data" not in envelope["properties"]
    assert "data" not in envelope["required"]
    assert "data" in Envelope.model_json_schema()["properties"], "the model's schema was mutated"


def test_the_owner_publishes_each_event(document: dict[str, Any]) -> None:
    operation = document["operations"]["registry.publish.case.opened"]

    assert operation["action"] == "send"
    assert operation["channel"] == {"$ref": "#/channels/case.opened"}


def test_yaml_is_valid_and_says_the_same_as_the_document(document: dict[str, Any]) -> None:
    text = asyncapi_yaml()

    assert yaml.safe_load(text) == document
    assert "Bảo Trợ events" in text, "Vietnamese must stay readable, not escaped"


def test_committed_asyncapi_file_is_up_to_date(document: dict[str, Any]) -> None:
    committed = REPO / "deploy" / "asyncapi.yaml"
    assert committed.exists(), "deploy/asyncapi.yaml is checked in: run `make asyncapi`"

    assert yaml.safe_load(committed.read_text(encoding="utf-8")) == document, (
        "run `make asyncapi` to regenerate deploy/asyncapi.yaml"
    )


def test_documents_the_catalogue_it_is_given() -> None:
    class ParcelShipped(EventData):
        """A parcel left the warehouse."""

        event_type = "parcel.shipped"
        version = 2
        producer = "warehouse"
        key_field = "parcel_id"

        parcel_id: str

    catalogue = EventCatalogue()
    catalogue.register(ParcelShipped)

    document = asyncapi_document(catalogue)

    assert set(document["channels"]) == {"parcel.shipped", "parcel.shipped.dlq"}
    message = document["components"]["messages"]["ParcelShipped"]
    assert message["summary"] == "A parcel left the warehouse."
    assert message["payload"]["allOf"][1]["properties"]["dataversion"] == {"const": 2}
    assert "warehouse.publish.parcel.shipped" in document["operations"]
