"""Kafka clients: producer, consumer and topic administration."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

log = structlog.get_logger(__name__)


def build_producer(bootstrap_servers: str, *, client_id: str) -> AIOKafkaProducer:
    """A producer that waits for every in-sync replica (`acks=all`).

    No idempotent producer: the bundled broker cannot do it, and consumers are idempotent.
    """
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=False,
        linger_ms=2,
        max_batch_size=256 * 1024,
        request_timeout_ms=15000,
        retry_backoff_ms=200,
    )


def build_consumer(
    bootstrap_servers: str,
    *,
    group_id: str,
    topics: Iterable[str],
    client_id: str,
    session_timeout_ms: int = 10000,
    fetch_max_wait_ms: int = 50,
) -> AIOKafkaConsumer:
    """A consumer that commits offsets itself, only after the database commit."""
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap_servers,
        group_id=group_id,
        client_id=client_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_uncommitted",
        max_poll_records=500,
        # Tansu answers a fetch when this wait expires, not when data arrives: keep it short
        fetch_max_wait_ms=fetch_max_wait_ms,
        session_timeout_ms=session_timeout_ms,
        heartbeat_interval_ms=max(session_timeout_ms // 4, 100),
        metadata_max_age_ms=5000,
    )


async def ensure_topics(
    bootstrap_servers: str, topics: Iterable[str], *, partitions: int, replication_factor: int
) -> list[str]:
    """Create the topics that do not exist yet; returns the names created."""
    wanted = sorted(set(topics))
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="baotro-admin")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in wanted if t not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(
                    [NewTopic(t, partitions, replication_factor) for t in missing]
                )
            log.info("broker.topics.created", topics=missing)
        return missing
    finally:
        await admin.close()


async def total_messages(bootstrap_servers: str, topics: Iterable[str]) -> int:
    """How many messages the broker holds in `topics` (sum of end offsets)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, client_id="baotro-probe")
    await consumer.start()
    try:
        partitions: list[TopicPartition] = []
        for topic in topics:
            for p in consumer.partitions_for_topic(topic) or set():
                partitions.append(TopicPartition(topic, p))
        if not partitions:
            await consumer._client.force_metadata_update()
            for topic in topics:
                for p in consumer.partitions_for_topic(topic) or set():
                    partitions.append(TopicPartition(topic, p))
        if not partitions:
            return 0
        ends = await consumer.end_offsets(partitions)
        return int(sum(ends.values()))
    finally:
        await consumer.stop()
