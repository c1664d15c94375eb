"""Load for figure 7: what the public searches, and closed-loop clients that time it.

The clients speak plain HTTP/1.1 over keep-alive connections and parse responses with
httptools (the parser uvicorn uses): on 2 shared cores an httpx client spends more CPU per
request than the page it fetches, and every cycle the client burns is taken from the server
it measures. Each client sends one request, waits for the whole response, then sends the
next (no think time): with 50 clients the latency includes queueing at the server.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

import httptools  # type: ignore[import-not-found,unused-ignore]

from baotro_reporting.domain.statement import search_text
from bench.portal_server import CpuProbe, CpuSeconds

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thu", "Hữu", "Thanh", "Quang", "Hồng"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hà",
    "Hải",
    "Hoa",
    "Hùng",
    "Lan",
    "Linh",
    "Mai",
    "Nam",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Yến",
]
WORDS = ["ung ho", "bao lu", "tre em", "chuyen tien", "dong bao", "mttq", "yagi", "lang nu"]
RARE_FAMILY = ["Trịnh", "Lương", "Đinh", "Tạ", "Kiều", "Lò", "Quách", "Âu"]
RARE_GIVEN = ["Khoa", "Nhung", "Đạt", "Vỹ", "Khuê", "Luân", "Thoa", "Nghĩa"]
FIRST_DAY = date(2024, 9, 1)
DAYS = 12

Request = tuple[str, dict[str, str]]
"""(category, query parameters)"""


def person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _maybe_folded(rng: random.Random, text: str) -> str:
    return text if rng.random() < 0.5 else search_text(text)


def _amounts(rng: random.Random) -> dict[str, str]:
    low = rng.choice([10_000, 50_000, 100_000, 200_000, 500_000, 1_000_000])
    return {"min": str(low), "max": str(low * rng.choice([2, 5]))}


def _days(rng: random.Random) -> dict[str, str]:
    first = FIRST_DAY + timedelta(days=rng.randrange(DAYS - 1))
    return {"from": first.isoformat(), "to": (first + timedelta(days=1)).isoformat()}


def search_request(rng: random.Random) -> Request:
    """A realistic mix: names common and rare, with and without diacritics, memo words,
    amount and date ranges, combinations, a word still being typed; a tenth go past page 1."""
    pick = rng.random()
    if pick < 0.12:  # one of the commonest words of a Vietnamese statement
        words = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)}" if rng.random() < 0.5 else ""
        category, params = "common name", {"q": _maybe_folded(rng, words or rng.choice(FAMILY))}
    elif pick < 0.37:
        category, params = "full name", {"q": _maybe_folded(rng, person(rng))}
    elif pick < 0.47:  # names the generated lines never use: few or no lines
        rare = f"{rng.choice(RARE_FAMILY)} {rng.choice(MIDDLE)} {rng.choice(RARE_GIVEN)}"
        category, params = "rare name", {"q": _maybe_folded(rng, rare)}
    elif pick < 0.6:
        category, params = "memo words", {"q": rng.choice(WORDS)}
    elif pick < 0.72:
        category, params = "amount range", _amounts(rng)
    elif pick < 0.8:
        category, params = "date range", _days(rng)
    elif pick < 0.95:
        name = search_text(person(rng)).rsplit(" ", 1)[0]
        if rng.random() < 0.5:
            category, params = "combination", {"q": name, **_amounts(rng)}
        else:
            category, params = "combination", {"q": rng.choice(WORDS), **_days(rng)}
    else:  # "nguyen van t": the last word is being typed
        category, params = "prefix", {"q": search_text(person(rng))[:-2].strip()}
    if rng.random() < 0.1:
        params["page"] = str(rng.randint(2, 5))
    return category, params


class HttpConnection:
    """One keep-alive HTTP/1.1 connection: GET, read the whole response, give the status."""

    def __init__(self, host: str, port: int) -> None:
        self._host, self._port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._parser: httptools.HttpResponseParser | None = None
        self._complete = False
        self._keep_alive = True

    def on_headers_complete(self) -> None:  # httptools callback
        assert self._parser is not None
        self._keep_alive = bool(self._parser.should_keep_alive())

    def on_message_complete(self) -> None:  # httptools callback
        self._complete = True

    async def get(self, target: str) -> int:
        if self._reader is None or self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self._host, self._port)
        self._parser = parser = httptools.HttpResponseParser(self)
        self._complete = False
        self._writer.write(f"GET {target} HTTP/1.1\r\nHost: {self._host}\r\n\r\n".encode())
        while not self._complete:
            data = await self._reader.read(1 << 18)
            if not data:
                raise ConnectionError("the server closed the connection")
            parser.feed_data(data)
        status: int = parser.get_status_code()
        if not self._keep_alive:
            await self.close()
        return status

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            await self._writer.wait_closed()
        self._reader = self._writer = None


@dataclass
class LoadResult:
    clients: int
    seconds: float = 0.0
    latencies_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: int = 0
    load_average: tuple[float, float] = (0.0, 0.0)
    """The 1-minute load average when the run started and when it ended."""
    cpu: CpuSeconds | None = None
    """CPU spent during the timed window by the server, its PostgreSQL backends, the clients."""
    repeats_ms: list[float] = field(default_factory=list)
    """The timed requests that asked a search already asked earlier in the run (warm-up
    included): the ones a result cache can answer."""

    def cpu_ms_per_request(self) -> CpuSeconds | None:
        done = len(self.all_ms) + self.errors
        if self.cpu is None or not done:
            return None
        c = self.cpu
        return CpuSeconds(c.server * 1000 / done, c.postgres * 1000 / done, c.client * 1000 / done)

    @property
    def all_ms(self) -> list[float]:
        return [ms for values in self.latencies_ms.values() for ms in values]

    @property
    def rate(self) -> float:
        return len(self.all_ms) / self.seconds if self.seconds else 0.0

    @property
    def repeat_share(self) -> float:
        done = len(self.all_ms)
        return len(self.repeats_ms) / done if done else 0.0


def search_key(params: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The search a request asks, the way the server's cache sees it: words folded, blanks
    collapsed (the page and every filter count)."""
    words = " ".join(search_text(params.get("q", "")).split())
    return tuple(sorted({**params, "q": words}.items()))


async def run_clients(
    port: int,
    clients: int,
    duration_s: float,
    request: Callable[[random.Random], Request],
    *,
    path: str,
    warmup_s: float = 2.0,
    probe: CpuProbe | None = None,
    seed: int = 0,
) -> LoadResult:
    """`clients` loops, one request at a time each, timed for `duration_s` after a warm-up.
    Client i draws its requests from `random.Random(seed + i)`: runs with different seeds ask
    different searches (a run does not find the searches of an earlier one in a cache)."""
    result = LoadResult(clients=clients)
    asked: set[tuple[tuple[str, str], ...]] = set()
    warm_until = time.perf_counter() + warmup_s
    stop_at = warm_until + duration_s
    started_load = os.getloadavg()[0]
    stopped = asyncio.Event()

    async def account() -> None:
        if probe is None:
            return
        await asyncio.sleep(max(0.0, warm_until - time.perf_counter()))
        before = await probe.sample()
        watching = asyncio.create_task(probe.watch(stopped))
        await stopped.wait()
        await watching
        result.cpu = (await probe.sample()) - before

    async def client(own_seed: int) -> None:
        rng = random.Random(own_seed)
        connection = HttpConnection("127.0.0.1", port)
        try:
            while (now := time.perf_counter()) < stop_at:
                category, params = request(rng)
                target = f"{path}?{urlencode(params)}" if params else path
                key = search_key(params)
                repeat = key in asked
                asked.add(key)
                status = await connection.get(target)
                elapsed_ms = (time.perf_counter() - now) * 1000
                if now < warm_until:
                    continue
                if status == 200:
                    result.latencies_ms[category].append(elapsed_ms)
                    if repeat:
                        result.repeats_ms.append(elapsed_ms)
                else:
                    result.errors += 1
        finally:
            await connection.close()

    accounting = asyncio.create_task(account())
    await asyncio.gather(*(client(seed + i) for i in range(clients)))
    stopped.set()
    await accounting
    result.seconds = duration_s
    result.load_average = (started_load, os.getloadavg()[0])
    return result
