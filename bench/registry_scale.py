"""Figure 4: the registry as it grows — registration, duplicate check, list with decryption.

The real registry runs in this process (`ServiceHarness`: app, runtime, relay, consumer) on
a throw-away PostgreSQL database and a fresh broker, with production timings. Children are
registered through the service layer (`handle_register_child`, as a supervisor of the whole
province): validation, the duplicate check (candidates by blind index or commune and birth
year ±1, decrypted and compared), field encryption, the audit of candidates shown, the
`child.registered` outbox row; a likely duplicate is confirmed and submitted again, as a
person would after looking. Names are generated from Vietnamese name lists (with
diacritics, family names weighted by frequency), communes drawn from the 166 of Thanh Hóa,
birth years 2009–2025, some guardians, some with a full date of birth and a national ID.

At each checkpoint (1k, 10k, 50k children, capped at the size asked for) the bench times:

* the duplicate check alone for fresh children that are not saved: `children.candidates()`
  + `find_duplicates()` in a unit of work, exactly the handler's steps;
* `GET /v1/children?commune_code=…&group=…&limit=50` through the ASGI app as a supervisor
  (personal fields decrypted, every row audited), beside the same endpoint as a fund_admin
  (the same SQL and the same code path; that role gets no personal fields, so no
  decryption and no audit insert) and beside the repository's query alone
  (`children.find(personal=False)`: the same count + page SQL and row mapping, no HTTP).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import text

from baotro_registry.domain.children import PersonalData, Sex, new_child
from baotro_registry.domain.communes import Commune, CommuneDirectory, commune_directory
from baotro_registry.domain.duplicates import find_duplicates
from baotro_registry.service_layer.child_handlers import (
    DuplicatesFoundError,
    RegisterChild,
    handle_register_child,
)
from baotro_shared.broker_process import BrokerProcess
from baotro_shared.runtime import ServiceRuntime
from baotro_shared.settings import DEVELOPMENT_SIGNING_KEY, ServiceSettings
from baotro_shared.testing.harness import FAST_TEST_SETTINGS, RunningService, ServiceHarness
from baotro_shared.testing.postgres import PostgresDatabases
from baotro_shared.web.auth import Principal, Role, TokenConfig, issue_token
from bench.environment import cpu_seconds
from bench.infra import running_broker
from bench.stats import Summary
from bench.table import Section

PROVINCE = "38"
CHECKPOINTS = (1_000, 10_000, 50_000)
WORKERS = 4
"""Registrations in flight at once (a few case workers at their desks)."""
DUPLICATE_PROBES = 200
PATH = "/v1/children"
PRODUCTION_TIMINGS: dict[str, Any] = {
    name: ServiceSettings.model_fields[name].default for name in FAST_TEST_SETTINGS
}

# family names with their rough share of the population (%)
FAMILY: dict[str, float] = {
    "Nguyễn": 38, "Trần": 11, "Lê": 9.5, "Phạm": 7, "Hoàng": 5, "Phan": 4.5, "Vũ": 3.9,
    "Đặng": 2.1, "Bùi": 2, "Đỗ": 1.4, "Hồ": 1.3, "Ngô": 1.3, "Dương": 1, "Lý": 0.5,
    "Trịnh": 0.8, "Đinh": 0.6, "Lương": 0.5, "Mai": 0.5, "Hà": 0.6, "Cao": 0.4, "Lò": 0.3,
    "Quách": 0.2, "Tống": 0.2, "Lại": 0.2,
}  # fmt: skip
MIDDLE = {
    Sex.MALE: ["Văn", "Đức", "Minh", "Hữu", "Quang", "Xuân", "Thành", "Công", "Gia", "Bảo",
               "Anh", "Trọng", "Đình", "Tuấn", "Hoàng", "Nhật"],
    Sex.FEMALE: ["Thị", "Ngọc", "Thu", "Thanh", "Hồng", "Phương", "Minh", "Bảo", "Khánh",
                 "Mai", "Diệu", "Quỳnh", "Thùy", "Kim", "Hải", "Bích"],
}  # fmt: skip
GIVEN = {
    Sex.MALE: ["An", "Anh", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Hải", "Hiếu", "Hùng",
               "Huy", "Khang", "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Mạnh", "Minh", "Nam",
               "Nghĩa", "Nhân", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Thắng",
               "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ", "Hưng"],
    Sex.FEMALE: ["An", "Anh", "Châu", "Chi", "Diệp", "Dung", "Giang", "Hà", "Hạnh", "Hằng",
                 "Hiền", "Hoa", "Hương", "Huyền", "Lan", "Linh", "Loan", "Ly", "Mai", "My",
                 "Ngân", "Ngọc", "Nhi", "Nhung", "Oanh", "Phương", "Quyên", "Tâm", "Thảo",
                 "Thư", "Trang", "Trâm", "Uyên", "Vân", "Vy", "Xuân", "Yến", "Hồng"],
}  # fmt: skip
GROUPS = ("a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m", "n", "o")
GROUP_WEIGHTS = (20, 3, 6, 10, 8, 6, 5, 8, 4, 8, 4, 6, 6, 6)


@dataclass(frozen=True)
class Checkpoint:
    size: int
    """Children in the registry when measured."""
    register_rate: float
    """Registrations per second since the previous checkpoint (duplicate check included)."""
    register_cpu_ms: float
    """CPU of this process per registration since the previous checkpoint."""
    duplicate_check: Summary
    candidates_mean: float
    """Candidates decrypted and compared per duplicate check."""
    list_personal: Summary
    list_plain: Summary
    list_sql: Summary
    rows_mean: float


@dataclass
class RegistryScaleResult:
    children: int
    checkpoints: list[Checkpoint] = field(default_factory=list)
    likely_duplicates: int = 0
    """Registrations refused as likely duplicates, then confirmed and submitted again."""
    wall_s: float = 0.0
    list_queries: int = 0


class People:
    """Realistic children of Thanh Hóa, reproducibly random."""

    def __init__(self, directory: CommuneDirectory, seed: int = 38) -> None:
        self._rng = random.Random(seed)
        self._communes: list[Commune] = [directory.communes[c] for c in sorted(directory.communes)]
        self._families = list(FAMILY)
        self._family_weights = list(FAMILY.values())

    def _name(self, sex: Sex) -> str:
        rng = self._rng
        family = rng.choices(self._families, self._family_weights)[0]
        middle = rng.choice(MIDDLE[sex])
        if rng.random() < 0.15:
            middle = f"{middle} {rng.choice(MIDDLE[sex])}"
        return f"{family} {middle} {rng.choice(GIVEN[sex])}"

    def commune(self) -> str:
        return self._rng.choice(self._communes).code

    def group(self) -> str:
        return self._rng.choices(GROUPS, GROUP_WEIGHTS)[0]

    def child(self) -> RegisterChild:
        rng = self._rng
        sex = rng.choice((Sex.MALE, Sex.FEMALE))
        year = rng.randint(2009, 2025)
        commune = rng.choice(self._communes)
        dob = date(year, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.6 else None
        guardian = rng.random() < 0.7
        national_id = (
            f"038{2 if sex is Sex.MALE else 3}{year % 100:02d}{rng.randrange(10**6):06d}"
            if rng.random() < 0.5
            else None
        )
        personal = PersonalData(
            full_name=self._name(sex),
            date_of_birth=dob,
            national_id=national_id,
            address=f"Thôn {rng.randint(1, 15)}, {commune.name}, tỉnh Thanh Hóa",
            guardian_name=self._name(rng.choice((Sex.MALE, Sex.FEMALE))) if guardian else None,
            guardian_phone=f"09{rng.randrange(10**8):08d}" if guardian else None,
            school=f"Trường Tiểu học {commune.name}" if rng.random() < 0.5 else None,
        )
        groups = sorted({self.group() for _ in range(rng.choice((1, 1, 2)))})
        return RegisterChild(
            personal=personal,
            commune_code=commune.code,
            birth_year=year,
            sex=sex,
            groups=groups,
            at_risk=[],
        )


def _token(role: Role) -> dict[str, str]:
    config = TokenConfig(DEVELOPMENT_SIGNING_KEY, "baotro", "baotro")
    return {"Authorization": f"Bearer {issue_token(config, sub=f'bench-{role}', role=role)}"}


class Scale:
    def __init__(self, registry: RunningService, directory: CommuneDirectory) -> None:
        self.registry = registry
        self.runtime: ServiceRuntime[Any] = registry.runtime
        self.directory = directory
        self.people = People(directory)
        self.principal = Principal("bench-supervisor", Role.SUPERVISOR, None)
        self.registered = 0
        self.likely = 0

    async def _register_one(self, command: RegisterChild) -> None:
        try:
            await handle_register_child(
                self.runtime.uow(),
                command,
                principal=self.principal,
                directory=self.directory,
                path=PATH,
            )
        except DuplicatesFoundError:
            self.likely += 1
            confirmed = replace(command, confirm_not_duplicate=True)
            await handle_register_child(
                self.runtime.uow(),
                confirmed,
                principal=self.principal,
                directory=self.directory,
                path=PATH,
            )

    async def grow_to(self, size: int) -> tuple[float, float]:
        """Register children until there are `size`; (children/s, CPU ms per child)."""
        target = size - self.registered

        async def worker() -> None:
            while self.registered < size:
                self.registered += 1
                await self._register_one(self.people.child())

        cpu, started = cpu_seconds(), time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(WORKERS)))
        wall = time.perf_counter() - started
        return target / wall, (cpu_seconds() - cpu) / target * 1000

    async def analyze(self) -> None:
        """What autovacuum does to a table that grew: fresh statistics for the planner."""
        async with self.runtime.engine.begin() as conn:
            await conn.execute(text("ANALYZE children"))

    async def duplicate_checks(self, probes: int) -> tuple[Summary, float]:
        times: list[float] = []
        counts: list[int] = []
        uow = self.runtime.uow()
        for _ in range(probes):
            command = self.people.child()
            started = time.perf_counter()
            async with uow:
                child = new_child(
                    personal=command.personal,
                    commune_code=command.commune_code,
                    birth_year=command.birth_year,
                    sex=command.sex,
                    groups=command.groups,
                    at_risk=[],
                    known_at_risk=set(),
                    directory=self.directory,
                    created_by="bench",
                    now=datetime.now(UTC),
                    today=date.today(),
                )
                candidates = list(await uow.children.candidates(child))
                find_duplicates(child, candidates)
            times.append((time.perf_counter() - started) * 1000)
            counts.append(len(candidates))
        return Summary.of(times), statistics.fmean(counts)

    async def list_queries(self, queries: int) -> tuple[Summary, Summary, Summary, float]:
        client = self.registry.client
        personal_headers, plain_headers = _token(Role.SUPERVISOR), _token(Role.FUND_ADMIN)
        personal: list[float] = []
        plain: list[float] = []
        sql: list[float] = []
        rows: list[int] = []
        for _ in range(queries):
            commune, group = self.people.commune(), self.people.group()
            params = {"commune_code": commune, "group": group, "limit": "50"}
            for headers, sink in ((personal_headers, personal), (plain_headers, plain)):
                started = time.perf_counter()
                response = await client.get(PATH, params=params, headers=headers)
                sink.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"GET {PATH}: {response.status_code} {response.text}")
            rows.append(len(response.json()["items"]))
            started = time.perf_counter()
            async with self.runtime.uow() as uow:
                await uow.children.find(
                    communes=None, personal=False, commune_code=commune, group=group, limit=50
                )
            sql.append((time.perf_counter() - started) * 1000)
        return Summary.of(personal), Summary.of(plain), Summary.of(sql), statistics.fmean(rows)


async def measure_registry_scale(
    *, postgres: PostgresDatabases, children: int, list_queries: int, say: Callable[[str], None]
) -> RegistryScaleResult:
    result = RegistryScaleResult(children=children, list_queries=list_queries)
    sizes = sorted({c for c in CHECKPOINTS if c < children} | {children})
    started = time.perf_counter()
    with running_broker() as broker:
        await _run(result, sizes, postgres, broker.process, list_queries, say)
    result.wall_s = time.perf_counter() - started
    return result


async def _run(
    result: RegistryScaleResult,
    sizes: list[int],
    postgres: PostgresDatabases,
    broker: BrokerProcess,
    list_queries: int,
    say: Callable[[str], None],
) -> None:
    run_id = f"bench{uuid.uuid4().hex[:6]}"
    harness = ServiceHarness(postgres=postgres, broker=broker, run_id=run_id)
    try:
        registry = await harness.start("registry", **PRODUCTION_TIMINGS)
        scale = Scale(registry, commune_directory(PROVINCE))
        for size in sizes:
            rate, cpu_ms = await scale.grow_to(size)
            await scale.analyze()
            say(f"  {size:,} children ({rate:,.0f}/s since the last checkpoint); timing queries")
            dup, candidates = await scale.duplicate_checks(DUPLICATE_PROBES)
            personal, plain, sql, rows = await scale.list_queries(list_queries)
            result.checkpoints.append(
                Checkpoint(size, rate, cpu_ms, dup, candidates, personal, plain, sql, rows)
            )
        result.likely_duplicates = scale.likely
    finally:
        await harness.stop_all()
        await postgres.drop(f"baotro_t_{run_id}_registry")


def _pair(s: Summary) -> str:
    return f"{s.p50:,.1f} / {s.p99:,.1f} ms"


def registry_section(r: RegistryScaleResult) -> Section:
    s = Section(
        f"4. Registry scale — {r.children:,} children registered in-process on PostgreSQL "
        f"({WORKERS} at a time, took {r.wall_s:.0f} s); list baseline: the same query "
        "without decryption or audit"
    )
    previous = 0
    for c in r.checkpoints:
        s.add(
            f"registrations {previous:,} → {c.size:,}",
            f"{c.register_rate:,.0f} children/s",
            "",
            f"duplicate check, encryption, audit, outbox included; CPU here "
            f"{c.register_cpu_ms:.1f} ms per child (relay included)",
        )
        previous = c.size
    for c in r.checkpoints:
        s.add(
            f"duplicate check at {c.size:,}",
            _pair(c.duplicate_check),
            "",
            f"p50 / p99 of {c.duplicate_check.count} checks: candidates query, decrypt, "
            f"compare; candidates decrypted per check: {c.candidates_mean:,.1f} on average",
        )
    for c in r.checkpoints:
        s.add(
            f"list 50, decrypted + audited, at {c.size:,}",
            _pair(c.list_personal),
            _pair(c.list_plain),
            f"×{c.list_personal.p50 / c.list_plain.p50:.2f} at p50 · supervisor vs fund_admin "
            "(same endpoint, no decryption, no audit) · rows per page: "
            f"{c.rows_mean:,.1f} on average",
        )
        s.add(
            f"  same SQL alone, at {c.size:,}",
            "",
            _pair(c.list_sql),
            "children.find(personal=False) in a unit of work: count + page query, rows "
            "mapped, no HTTP",
        )
    s.add(
        "likely duplicates confirmed",
        f"{r.likely_duplicates:,}",
        "",
        "registrations refused as likely duplicates (409), confirmed and submitted again",
    )
    return s


def registry_method(r: RegistryScaleResult) -> str:
    queries = r.list_queries
    return (
        "* Registry scale (section 4): the registry app and runtime run in the bench process\n"
        "  (ServiceHarness, production timings; its relay publishes child.registered to a\n"
        "  fresh broker meanwhile). Children are registered through handle_register_child as\n"
        f"  a province-wide supervisor, {WORKERS} at a time. At each checkpoint the table is\n"
        f"  ANALYZEd, then {DUPLICATE_PROBES} duplicate checks (candidates + find_duplicates for\n"
        f"  unsaved children) and {queries} list queries per contender, interleaved (random\n"
        "  commune of the 166, random legal group, limit 50) are timed.\n"
    )
