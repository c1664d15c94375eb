"""Transactional outbox, relay, idempotent consumers, dead letters and replay."""
