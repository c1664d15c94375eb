"""An AsyncAPI 3 document generated from the event catalogue."""

from __future__ import annotations

from typing import Any

import yaml

from baotro_shared.events.catalogue import EventCatalogue, load_contracts
from baotro_shared.events.envelope import Envelope


def _message_name(event_type: str) -> str:
    return "".join(part.capitalize() for part in event_type.replace("_", ".").split("."))


def asyncapi_document(catalogue: EventCatalogue | None = None) -> dict[str, Any]:
    catalogue = catalogue or load_contracts()
    envelope_schema = Envelope.model_json_schema()
    envelope_schema["properties"].pop("data", None)
    envelope_schema["required"] = [r for r in envelope_schema.get("required", []) if r != "data"]
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Envelope": envelope_schema}
    for spec in catalogue.specs():
        name = _message_name(spec.event_type)
        data_schema = spec.model.model_json_schema(ref_template="#/components/schemas/{model}")
        for key, sub in data_schema.pop("$defs", {}).items():
            schemas[key] = sub
        schemas[f"{name}Data"] = data_schema
        messages[name] = {
            "name": spec.event_type,
            "title": name,
            "summary": spec.model.summary or (spec.model.__doc__ or "").strip(),
            "contentType": "application/json",
            "headers": {
                "type": "object",
                "properties": {
                    "traceparent": {"type": "string", "description": "W3C trace context"},
                },
            },
            "payload": {
                "allOf": [
                    {"$ref": "#/components/schemas/Envelope"},
                    {
                        "type": "object",
                        "required": ["data"],
                        "properties": {
                            "type": {"const": spec.event_type},
                            "dataversion": {"const": spec.version},
                            "data": {"$ref": f"#/components/schemas/{name}Data"},
                        },
                    },
                ]
            },
            "bindings": {
                "kafka": {"key": {"type": "string", "description": f"the {spec.model.key_field}"}}
            },
        }
        channels[spec.event_type] = {
            "address": spec.topic,
            "description": f"Owned by {spec.model.producer}; key = {spec.model.key_field}.",
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
        }
        channels[spec.dlq_topic] = {
            "address": spec.dlq_topic,
            "description": "Dead letters of every consumer group of the topic; headers carry "
            "baotro-error, baotro-consumer and the original partition and offset.",
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
        }
        operations[f"{spec.model.producer}.publish.{spec.event_type}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{spec.event_type}"},
            "summary": f"{spec.model.producer} publishes through its transactional outbox",
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Bảo Trợ events",
            "version": "1.0.0",
            "description": "Events between the Bảo Trợ services. CloudEvents 1.0 structured "
            "mode; topic = event type; no personal data of children.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "bundled Tansu broker of `make run`",
            },
            "production": {
                "host": "kafka:9092",
                "protocol": "kafka",
                "description": "Apache Kafka (KRaft), RF 3, min.insync.replicas 2",
            },
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def asyncapi_yaml(catalogue: EventCatalogue | None = None) -> str:
    text: str = yaml.safe_dump(asyncapi_document(catalogue), sort_keys=False, allow_unicode=True)
    return text
