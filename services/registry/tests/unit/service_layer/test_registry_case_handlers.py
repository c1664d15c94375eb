"""`handle_open_case` with a fake unit of work: scope, the transaction and the event."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

import pytest

from baotro_registry.domain.case import Case, CaseRejectedError
from baotro_registry.domain.children import Child, PersonalData
from baotro_registry.domain.communes import CommuneDirectory, commune_directory
from baotro_registry.service_layer.case_handlers import OpenCase, handle_open_case
from baotro_shared.events.base import EventData
from baotro_shared.events.catalogue import CATALOGUE
from baotro_shared.events.contracts.registry import CaseOpened
from baotro_shared.events.envelope import Envelope
from baotro_shared.web.auth import Principal, Role
from baotro_shared.web.problems import ProblemError

HAC_THANH = "14797"
QUANG_PHU = "16522"


@dataclass
class FakeCaseRepository:
    added: list[Case] = field(default_factory=list)

    async def add(self, case: Case) -> None:
        self.added.append(case)


@dataclass
class FakeChildRepository:
    children: dict[uuid.UUID, Child] = field(default_factory=dict)

    async def get(
        self, child_id: uuid.UUID, *, communes: frozenset[str] | None, personal: bool
    ) -> Child | None:
        child = self.children.get(child_id)
        if child is None or (communes is not None and child.commune_code not in communes):
            return None
        return child

    def register(self, commune_code: str = HAC_THANH, birth_year: int = 2015) -> uuid.UUID:
        now = datetime.now(UTC)
        child = Child(
            id=uuid.uuid4(),
            commune_code=commune_code,
            birth_year=birth_year,
            personal=PersonalData(full_name=""),
            created_at=now,
            created_by="tester",
            updated_at=now,
        )
        self.children[child.id] = child
        return child.id


@dataclass
class FakeUnitOfWork:
    """Records what a handler does; only what was there at `commit()` counts as committed."""

    cases: FakeCaseRepository = field(default_factory=FakeCaseRepository)
    children: FakeChildRepository = field(default_factory=FakeChildRepository)
    published: list[EventData] = field(default_factory=list)
    envelopes: list[Envelope] = field(default_factory=list)
    entered: bool = False
    committed: bool = False
    committed_cases: list[Case] = field(default_factory=list)
    committed_events: list[EventData] = field(default_factory=list)

    async def __aenter__(self) -> FakeUnitOfWork:
        self.entered = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def publish(self, data: EventData) -> Envelope:
        envelope = CATALOGUE.envelope(data, source="/baotro/registry")
        self.published.append(data)
        self.envelopes.append(envelope)
        return envelope

    async def commit(self) -> None:
        self.committed = True
        self.committed_cases = list(self.cases.added)
        self.committed_events = list(self.published)


@pytest.fixture(scope="module")
def directory() -> CommuneDirectory:
    return commune_directory("38")


def _case_worker(*communes: str, sub: str = "nguyen.van.a@xa-hac-thanh") -> Principal:
    return Principal(sub=sub, role=Role.CASE_WORKER, communes=frozenset(communes))


async def _open(
    uow: FakeUnitOfWork,
    principal: Principal,
    directory: CommuneDirectory,
    *,
    commune_code: str = HAC_THANH,
    groups: list[str] | None = None,
    child_id: uuid.UUID | None = None,
) -> Case:
    command = OpenCase(commune_code=commune_code, groups=groups or ["a", "Đ"], child_id=child_id)
    return await handle_open_case(
        uow,  # type: ignore[arg-type]
        command,
        principal=principal,
        directory=directory,
    )


async def test_opens_the_case_and_publishes_case_opened_in_one_commit(
    directory: CommuneDirectory,
) -> None:
    uow = FakeUnitOfWork()

    case = await _open(uow, _case_worker(HAC_THANH), directory)

    assert uow.committed
    assert uow.committed_cases == [case]
    assert [type(e) for e in uow.committed_events] == [CaseOpened]
    assert case.groups == ("a", "đ")
    assert case.opened_by == "nguyen.van.a@xa-hac-thanh"


async def test_case_opened_describes_the_case(directory: CommuneDirectory) -> None:
    uow = FakeUnitOfWork()
    child = uow.children.register()
    before = datetime.now(UTC)

    case = await _open(
        uow, _case_worker(HAC_THANH), directory, child_id=child, groups=["n", "a", "a"]
    )

    [event] = uow.committed_events
    assert isinstance(event, CaseOpened)
    assert event.case_id == case.id
    assert event.child_id == child
    assert event.commune_code == HAC_THANH
    assert event.province_code == "38"
    assert event.groups == ("a", "n")
    assert event.stage == "new"
    assert event.opened_by_role == "case_worker"
    assert event.opened_at == case.opened_at
    assert event.opened_at.tzinfo is not None
    assert before - timedelta(seconds=1) <= event.opened_at <= datetime.now(UTC)


async def test_case_opened_carries_no_personal_data(directory: CommuneDirectory) -> None:
    uow = FakeUnitOfWork()
    principal = _case_worker(HAC_THANH, sub="nguyen.van.a@xa-hac-thanh")

    await _open(uow, principal, directory, child_id=uow.children.register())

    [event] = uow.committed_events
    assert set(event.model_dump()) == {
        "case_id",
        "child_id",
        "commune_code",
        "province_code",
        "groups",
        "stage",
        "opened_at",
        "opened_by_role",
        "age_band",
    }
    [envelope] = uow.envelopes
    wire = envelope.to_json_bytes().decode("utf-8")
    assert "nguyen.van.a" not in wire, "who opened the case is personal data"
    assert set(json.loads(wire)["data"]) == set(event.model_dump())


async def test_case_opened_is_keyed_by_the_case(directory: CommuneDirectory) -> None:
    uow = FakeUnitOfWork()

    case = await _open(uow, _case_worker(HAC_THANH), directory)

    [envelope] = uow.envelopes
    assert envelope.type == "case.opened"
    assert envelope.subject == str(case.id)


async def test_case_worker_outside_their_communes_gets_403_and_nothing_is_committed(
    directory: CommuneDirectory,
) -> None:
    uow = FakeUnitOfWork()

    with pytest.raises(ProblemError) as excinfo:
        await _open(uow, _case_worker(HAC_THANH), directory, commune_code=QUANG_PHU)

    assert excinfo.value.status == 403
    assert excinfo.value.slug == "out-of-scope"
    assert QUANG_PHU in excinfo.value.detail
    assert not uow.committed
    assert uow.cases.added == []
    assert uow.published == []


async def test_province_wide_roles_open_cases_in_any_commune(directory: CommuneDirectory) -> None:
    for role in (Role.SUPERVISOR, Role.FUND_ADMIN):
        uow = FakeUnitOfWork()

        case = await _open(
            uow, Principal(sub="gs", role=role, communes=None), directory, commune_code=QUANG_PHU
        )

        assert uow.committed_cases == [case]
        [event] = uow.committed_events
        assert isinstance(event, CaseOpened)
        assert event.opened_by_role == role.value


@pytest.mark.parametrize(
    ("overrides", "field_name"),
    [
        ({"commune_code": "00001"}, "commune_code"),
        ({"groups": ["f"]}, "groups"),
    ],
)
async def test_rejected_case_commits_nothing(
    directory: CommuneDirectory, overrides: dict[str, Any], field_name: str
) -> None:
    uow = FakeUnitOfWork()

    with pytest.raises(CaseRejectedError) as excinfo:
        await _open(uow, _case_worker(HAC_THANH), directory, **overrides)

    assert excinfo.value.field == field_name
    assert not uow.entered
    assert not uow.committed
    assert uow.published == []


async def test_a_linked_child_gives_the_event_its_age_band(directory: CommuneDirectory) -> None:
    uow = FakeUnitOfWork()
    child = uow.children.register(birth_year=datetime.now(UTC).year - 8)

    await _open(uow, _case_worker(HAC_THANH), directory, child_id=child)

    [event] = uow.committed_events
    assert isinstance(event, CaseOpened)
    assert event.age_band == "6-10"


async def test_without_a_child_the_event_has_no_age_band(directory: CommuneDirectory) -> None:
    uow = FakeUnitOfWork()

    await _open(uow, _case_worker(HAC_THANH), directory)

    [event] = uow.committed_events
    assert isinstance(event, CaseOpened)
    assert event.age_band is None


async def test_a_child_outside_the_callers_area_is_refused(directory: CommuneDirectory) -> None:
    uow = FakeUnitOfWork()
    elsewhere = uow.children.register(commune_code=QUANG_PHU)

    with pytest.raises(CaseRejectedError) as excinfo:
        await _open(uow, _case_worker(HAC_THANH), directory, child_id=elsewhere)

    assert excinfo.value.field == "child_id"
    assert not uow.committed
    with pytest.raises(CaseRejectedError):
        await _open(uow, _case_worker(HAC_THANH), directory, child_id=uuid.uuid4())


async def test_the_case_is_opened_in_the_childs_commune(directory: CommuneDirectory) -> None:
    uow = FakeUnitOfWork()
    child = uow.children.register(commune_code=QUANG_PHU)
    province = Principal(sub="gs", role=Role.SUPERVISOR, communes=None)

    with pytest.raises(CaseRejectedError) as excinfo:
        await _open(uow, province, directory, commune_code=HAC_THANH, child_id=child)

    assert excinfo.value.field == "commune_code"
    assert "phải trùng" in excinfo.value.message
    assert not uow.committed
