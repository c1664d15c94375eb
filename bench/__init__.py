"""Benchmarks of the Bảo Trợ event backbone: `python -m bench` (or `make bench`).

Three figures, each on the real code paths:

1. relay throughput: committed outbox rows → broker ack, `OutboxRelay` on PostgreSQL (and
   SQLite) beside a raw aiokafka producer sending the same messages;
2. end-to-end latency: commit in registry → row committed in reporting's `case_view`, at a
   steady offered rate, with the real services running in this process;
3. memory: peak RSS of this process per phase, and of the broker.
"""
