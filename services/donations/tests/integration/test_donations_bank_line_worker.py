"""The import's line worker as a process of its own: its answers are the lines understood
here (numbered across batches, the payers' names compared once), it hands its numbering over
where it stands, it ends when the import closes it, and a worker that died fails the batch
rather than answering wrong."""

from __future__ import annotations

import uuid

import pytest

from baotro_donations.adapters.statement_readers import read_statement
from baotro_donations.domain import bank_dedupe
from baotro_donations.domain.bank_statement import StatementLine
from baotro_donations.domain.matching import sorted_words
from baotro_donations.service_layer.bank_line_reading import (
    PayerNames,
    sent_line,
    understand_lines,
)
from baotro_donations.service_layer.bank_line_worker import LineWorker, LineWorkerError
from baotro_shared.testing.shared_data import vietcombank_slice

ACCOUNT = "TH/VCB"
PREFIXES = ("TH",)


def _lines(count: int) -> list[StatementLine]:
    return list(read_statement(vietcombank_slice(1, count)).lines)


async def test_the_worker_answers_as_understanding_here_does() -> None:
    lines = _lines(2_000)
    donors = {uuid.UUID(int=1): sorted_words("NGUYEN VAN AN"), uuid.UUID(int=2): "HOA THI LE"}
    keys, names = bank_dedupe.StatementKeys(), PayerNames(donors)
    worker = await LineWorker.started()
    async with worker:
        for start, views in ((0, True), (700, False), (1_200, True)):
            part = lines[start : start + 800 if start < 1_200 else None]
            got, found = await worker.understand(
                part, ACCOUNT, PREFIXES, with_views=views, donor_names=donors if not start else None
            )
            sent = [sent_line(line) for line in part]
            here = understand_lines(sent, ACCOUNT, PREFIXES, views, keys)
            assert got == here
            assert found == (names.ahead(sent, here) if views else {})
        # the import takes the numbering over where the worker left it
        resumed = bank_dedupe.StatementKeys()
        resumed.resume(await worker.hand_over_keys())
        assert resumed.state() == keys.state()
    assert worker._process.returncode == 0


async def test_a_worker_that_died_fails_the_batch() -> None:
    worker = await LineWorker.started()
    worker._process.kill()
    await worker._process.wait()
    with pytest.raises(LineWorkerError):
        await worker.understand(_lines(10), ACCOUNT, PREFIXES, with_views=True)
    await worker.close()
