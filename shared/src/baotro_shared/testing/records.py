"""Kafka records as a consumer receives them, for tests that hand messages to a consumer."""

from __future__ import annotations

from aiokafka.structs import ConsumerRecord


def consumer_record(
    value: bytes, *, topic: str = "case.opened", offset: int = 0, partition: int = 1
) -> ConsumerRecord[bytes, bytes]:
    key = b"key-1"
    return ConsumerRecord(
        topic=topic,
        partition=partition,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=key,
        value=value,
        checksum=None,
        serialized_key_size=len(key),
        serialized_value_size=len(value),
        headers=[],
    )
