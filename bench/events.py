"""Realistic `case.opened` events, built exactly as the registry builds them."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from baotro_registry.domain.communes import commune_directory
from baotro_registry.domain.legal_groups import LEGAL_GROUPS
from baotro_shared.events.catalogue import load_contracts
from baotro_shared.events.contracts.registry import CaseOpened

PROVINCE = "38"
"""Thanh Hóa, the registry's default province."""

SOURCE = "/baotro/registry"
TOPIC = CaseOpened.event_type


def random_traceparent(rng: random.Random) -> str:
    """A W3C `traceparent`, as the registry's instrumented request would carry."""
    return f"00-{rng.getrandbits(128):032x}-{rng.getrandbits(64):016x}-01"


def random_case_request(rng: random.Random, communes: list[str]) -> dict[str, Any]:
    """The body of `POST /v1/cases`: a commune of the province and one to three groups."""
    return {
        "commune_code": rng.choice(communes),
        "groups": rng.sample(list(LEGAL_GROUPS), rng.randint(1, 3)),
    }


def province_communes() -> list[str]:
    return sorted(commune_directory(PROVINCE).communes)


@dataclass(frozen=True)
class OutboxMessage:
    """One outbox row's values, and the same message as a producer sends it."""

    row: dict[str, Any]
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


def case_opened_messages(count: int, *, seed: int = 38) -> list[OutboxMessage]:
    """`count` envelopes of `case.opened` (≈ 700 bytes each), as `OutboxWriter.add` stores them."""
    rng = random.Random(seed)
    catalogue = load_contracts()
    communes = province_communes()
    now = datetime.now(UTC)
    messages: list[OutboxMessage] = []
    for _ in range(count):
        request = random_case_request(rng, communes)
        data = CaseOpened(
            case_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            child_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            commune_code=request["commune_code"],
            province_code=PROVINCE,
            groups=tuple(request["groups"]),
            opened_at=now,
            opened_by_role="case_worker",
        )
        traceparent = random_traceparent(rng)
        envelope = catalogue.envelope(data, source=SOURCE, traceparent=traceparent)
        headers = {"traceparent": traceparent}
        payload = envelope.to_json_bytes()
        row = {
            "event_id": envelope.id,
            "topic": TOPIC,
            "event_type": envelope.type,
            "key": envelope.subject,
            "payload": payload,
            "headers": headers,
            "created_at": now,
            "published_at": None,
            "publish_count": 0,
        }
        messages.append(
            OutboxMessage(
                row=row,
                key=envelope.subject.encode(),
                value=payload,
                # the relay's own conversion of the JSON `headers` column
                headers=[(k, str(v).encode()) for k, v in headers.items()],
            )
        )
    return messages
