"""The pure per-line stage of a large statement import (`understand_lines`: memos read, the
hashes of the deduplication keys, what matching reads) in a process of its own.

In a thread it held the interpreter lock a third of the import's time (the import waited for
it); in a process it runs on another core while the import matches, posts and talks to
PostgreSQL. The process (`python -m baotro_donations.service_layer.bank_line_worker`) imports
only the pure reading modules, starts in a fraction of a second, serves one import (the
statement's batches in order: it numbers the fingerprints) and ends with it. Requests and
answers are pickled frames on its stdin and stdout, in order.

Once the statement brings nothing new (a file imported again), the import has nothing else
to do but wait: it takes the numbering over (`hand_over_keys`) and reads the rest itself,
without copying every line to the worker and back.
"""

from __future__ import annotations

import asyncio
import gc
import pickle
import struct
import sys
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, BinaryIO, Self

from baotro_donations.domain.bank_dedupe import StatementKeys
from baotro_donations.domain.bank_statement import StatementLine
from baotro_donations.domain.matching import NameMatch
from baotro_donations.service_layer.bank_line_reading import (
    PayerNames,
    Understood,
    sent_line,
    understand_lines,
)

WORKER_LINES = 20_000
"""Statements of fewer lines are understood in a thread: a process costs its start and the
copying of lines both ways."""
_HEADER = struct.Struct("!Q")
_WORKER_GC_THRESHOLDS = (100_000, 50, 100)
_HAND_OVER_KEYS = "keys"
"""The request for the state of the worker's `StatementKeys` (the import goes on alone)."""


class LineWorkerError(RuntimeError):
    """The worker process failed or ended."""


class LineWorker:
    """`understand_lines` in a worker process, one request at a time, answers in order.
    `async with LineWorker.started(): ...` ends it (and waits for it) on leaving."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self._process = process

    @classmethod
    async def started(cls) -> Self:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", __name__,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        return cls(process)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        process = self._process
        if process.returncode is None:
            if process.stdin is not None:
                process.stdin.close()
            try:
                await asyncio.wait_for(process.wait(), timeout=5)
            except TimeoutError:
                process.kill()
                await process.wait()

    async def understand(
        self,
        lines: Sequence[StatementLine],
        account: str,
        prefixes: Sequence[str],
        *,
        with_views: bool,
        donor_names: Mapping[uuid.UUID, str] | None = None,
    ) -> tuple[list[Understood], dict[str, NameMatch]]:
        """`understand_lines` of `lines` in the worker, and, when it has the donors' names
        (`donor_names`, their `sorted_words`, given once), the matches of the payers' names
        of these lines it had not seen (`PayerNames`), when `with_views`."""
        sent = [sent_line(line) for line in lines]
        request = (sent, account, tuple(prefixes), with_views, donor_names)
        result: tuple[list[Understood], dict[str, NameMatch]] = await self._ask(request)
        return result

    async def hand_over_keys(self) -> tuple[dict[str, int], set[str]]:
        """The state of the worker's `StatementKeys` after the batches it understood, for
        the import to number the next ones itself (`StatementKeys.resume`)."""
        answer: tuple[dict[str, int], set[str]] = await self._ask(_HAND_OVER_KEYS)
        return answer

    async def _ask(self, request: Any) -> Any:
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None
        assert stdout is not None
        body = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            stdin.write(_HEADER.pack(len(body)) + body)
            await stdin.drain()
            (size,) = _HEADER.unpack(await stdout.readexactly(_HEADER.size))
            ok, answer = pickle.loads(await stdout.readexactly(size))  # noqa: S301 - our child
        except (OSError, asyncio.IncompleteReadError) as error:
            raise LineWorkerError("the statement line worker ended") from error
        if not ok:
            raise LineWorkerError(f"the statement line worker failed: {answer}")
        return answer


def _read_frame(stream: BinaryIO) -> Any | None:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    return pickle.loads(stream.read(size))  # noqa: S301 - our parent


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """The worker's loop: a request in, its answer out, until the input ends. The requests
    are the batches of one statement, in order (the worker numbers its fingerprints)."""
    # A batch makes a hundred thousand objects and drops them: with Python's thresholds the
    # collector would walk them every 700 (a third of the worker's time); nothing it makes
    # holds a cycle.
    gc.set_threshold(*_WORKER_GC_THRESHOLDS)
    keys = StatementKeys()
    names: PayerNames | None = None
    while (request := _read_frame(requests)) is not None:
        answer: tuple[bool, Any]
        if request == _HAND_OVER_KEYS:
            answer = (True, keys.state())
            _write_frame(answers, answer)
            continue
        lines, account, prefixes, with_views, donor_names = request
        if donor_names is not None:
            names = PayerNames(donor_names)
        try:
            understood = understand_lines(lines, account, prefixes, with_views, keys)
            matches = names.ahead(lines, understood) if names and with_views else {}
            answer = (True, (understood, matches))
        except Exception as error:  # reported to the import, which fails
            answer = (False, repr(error))
        _write_frame(answers, answer)


def _write_frame(stream: BinaryIO, answer: tuple[bool, Any]) -> None:
    body = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(body)) + body)
    stream.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
