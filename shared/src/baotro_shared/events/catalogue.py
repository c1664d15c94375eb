"""The catalogue of event types: code, from which topics and the AsyncAPI document derive."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from baotro_shared.events.base import EventData
from baotro_shared.events.envelope import Envelope, schema_urn

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class UnknownEventError(LookupError):
    """An envelope whose type or version the catalogue does not know."""


@dataclass(frozen=True)
class EventSpec:
    """One event type: its current payload model and upcasters from older versions."""

    event_type: str
    model: type[EventData]
    upcasters: dict[int, Upcaster] = field(default_factory=dict)

    @property
    def version(self) -> int:
        return self.model.version

    @property
    def topic(self) -> str:
        """Topic = event type."""
        return self.event_type

    @property
    def dlq_topic(self) -> str:
        return dead_letter_topic(self.event_type)


def dead_letter_topic(topic: str) -> str:
    """The dead-letter topic of a topic."""
    return f"{topic}.dlq"


class EventCatalogue:
    """Registry of event types; `register` is used as a class decorator on payload models."""

    def __init__(self) -> None:
        self._specs: dict[str, EventSpec] = {}

    def register(self, model: type[EventData]) -> type[EventData]:
        if model.event_type in self._specs:
            raise ValueError(f"event type {model.event_type} registered twice")
        self._specs[model.event_type] = EventSpec(model.event_type, model, {})
        return model

    def add_upcaster(self, event_type: str, from_version: int, upcast: Upcaster) -> None:
        """Register `upcast` turning a `from_version` payload into `from_version + 1`."""
        self._specs[event_type].upcasters[from_version] = upcast

    def spec(self, event_type: str) -> EventSpec:
        try:
            return self._specs[event_type]
        except KeyError as exc:
            raise UnknownEventError(f"unknown event type {event_type!r}") from exc

    def specs(self) -> list[EventSpec]:
        return sorted(self._specs.values(), key=lambda s: s.event_type)

    def topics(self, *, with_dlq: bool = True) -> list[str]:
        """Every topic of the catalogue, and their dead-letter topics."""
        names = [s.topic for s in self.specs()]
        if with_dlq:
            names += [s.dlq_topic for s in self.specs()]
        return sorted(names)

    def produced_by(self, service: str) -> list[EventSpec]:
        return [s for s in self.specs() if s.model.producer == service]

    def envelope(
        self,
        data: EventData,
        *,
        source: str,
        traceparent: str | None = None,
        tracestate: str | None = None,
    ) -> Envelope:
        """Wrap a payload in a new envelope."""
        spec = self.spec(data.event_type)
        if type(data) is not spec.model:
            raise TypeError(f"{type(data).__name__} is not the model of {data.event_type}")
        return Envelope(
            source=source,
            type=data.event_type,
            subject=data.key(),
            dataschema=schema_urn(data.event_type, data.version),
            dataversion=data.version,
            traceparent=traceparent,
            tracestate=tracestate,
            data=data.model_dump(mode="json"),
        )

    def parse(self, envelope: Envelope) -> EventData:
        """The typed payload of an envelope, upcast to the current version."""
        spec = self.spec(envelope.type)
        payload = dict(envelope.data)
        version = envelope.dataversion
        if version > spec.version:
            raise UnknownEventError(
                f"{envelope.type} v{version} is newer than this service knows (v{spec.version})"
            )
        while version < spec.version:
            try:
                payload = spec.upcasters[version](payload)
            except KeyError as exc:
                raise UnknownEventError(f"no upcaster for {envelope.type} from v{version}") from exc
            version += 1
        return spec.model.model_validate(payload)


CATALOGUE = EventCatalogue()
"""The platform's event catalogue; contract modules register into it on import."""


def load_contracts() -> EventCatalogue:
    """Import every contract module so that the catalogue is complete, and return it."""
    from baotro_shared.events import contracts  # noqa: F401

    return CATALOGUE
