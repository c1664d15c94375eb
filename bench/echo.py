"""The broker's own floor: produce → consume latency with the services' client settings.

A producer from `build_producer` sends `case.opened`-sized messages at the same steady rate
to a topic of its own; a consumer from `build_consumer` polls it the way `EventConsumer`
does (`getmany` with the services' poll timeout). Latency runs from just before `send` to
the moment `getmany` hands the record over: no database on either side.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
import time

from aiokafka import AIOKafkaConsumer

from baotro_shared.messaging.broker import build_consumer, build_producer, ensure_topics
from baotro_shared.settings import ServiceSettings
from bench.stats import Summary

TOPIC_PREFIX = "bench.echo"
"""Prefix of the echo topics (one per run, so runs never read each other's messages)."""
POLL_TIMEOUT_MS: int = ServiceSettings.model_fields["consumer_poll_timeout_ms"].default
PARTITIONS: int = ServiceSettings.model_fields["topic_partitions"].default
_SEQ = struct.Struct(">Q")


async def _wait_assigned(consumer: AIOKafkaConsumer, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not consumer.assignment():
        if time.monotonic() > deadline:
            raise TimeoutError("the echo consumer was never assigned its partitions")
        await consumer.getmany(timeout_ms=100)


async def _receive(
    consumer: AIOKafkaConsumer, received: dict[int, float], count: int, all_in: asyncio.Event
) -> None:
    """Note when each message arrives, until all `count` of them did."""
    while len(received) < count:
        batches = await consumer.getmany(timeout_ms=POLL_TIMEOUT_MS)
        now = time.perf_counter()
        for records in batches.values():
            for record in records:
                received.setdefault(_SEQ.unpack_from(record.value)[0], now)
    all_in.set()


async def echo_latency(
    bootstrap: str,
    *,
    rate: float,
    duration_s: float,
    payload_bytes: int,
    fetch_max_wait_ms: int | None = None,
) -> Summary:
    """Milliseconds from `send` to `getmany`, at `rate` messages/s for `duration_s`.

    `fetch_max_wait_ms` is a what-if: the consumer of `build_consumer` with only that setting
    changed (`build_consumer` uses 50 ms; aiokafka's own default is 500 ms).
    """
    topic = f"{TOPIC_PREFIX}.{rate:g}.{fetch_max_wait_ms or 'default'}"
    await ensure_topics(bootstrap, [topic], partitions=PARTITIONS, replication_factor=1)
    consumer = build_consumer(
        bootstrap, group_id=f"bench.{topic}", topics=[topic], client_id="bench-echo"
    )
    if fetch_max_wait_ms is not None:
        # aiokafka keeps it here until start() hands it to the fetcher
        consumer._fetch_max_wait_ms = fetch_max_wait_ms
    producer = build_producer(bootstrap, client_id="bench-echo")
    await consumer.start()
    await producer.start()
    sent: dict[int, float] = {}
    received: dict[int, float] = {}
    all_in = asyncio.Event()
    count = max(1, int(rate * duration_s))
    receiver: asyncio.Task[None] | None = None
    try:
        await _wait_assigned(consumer)
        receiver = asyncio.create_task(_receive(consumer, received, count, all_in))
        padding = b"x" * max(0, payload_bytes - _SEQ.size)
        started = time.perf_counter()
        for seq in range(count):
            delay = started + seq / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            sent[seq] = time.perf_counter()
            await producer.send(topic, value=_SEQ.pack(seq) + padding, key=str(seq).encode())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_in.wait(), 30)
    finally:
        if receiver is not None:
            receiver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await receiver
        await producer.stop()
        await consumer.stop()
    if len(received) < len(sent):
        raise RuntimeError(f"echo: {len(sent) - len(received)} of {len(sent)} never arrived")
    return Summary.of([(received[s] - sent[s]) * 1000 for s in sent])
