"""The donors API client: one signed `service` token reused for its lifetime (not one per
donor), renewed before it expires; answers mapped to profiles and lookup errors."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

from baotro_notifications.adapters.donor_directory import (
    DonorLookupError,
    DonorNotFoundError,
    HttpDonorDirectory,
)
from baotro_notifications.domain.donors import Channel
from baotro_shared.web.auth import Role, TokenConfig, decode_token, issue_token

TOKENS = TokenConfig("a-test-secret-of-at-least-32-bytes!!", "baotro", "baotro-services")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _directory(seen: list[str], status: int = 200) -> HttpDonorDirectory:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"].removeprefix("Bearer "))
        donor_id = request.url.path.rsplit("/", 1)[-1]
        body = {
            "id": donor_id,
            "kind": "person",
            "display_name": "Nguyễn Văn An",
            "email": "an@example.vn",
            "preferred_channel": "email",
        }
        return httpx.Response(status, json=body)

    return HttpDonorDirectory(
        "http://donations.test", TOKENS, transport=httpx.MockTransport(answer)
    )


async def test_one_token_serves_many_lookups_and_is_renewed_before_it_expires(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = Clock()
    module = "baotro_notifications.adapters.donor_directory"
    monkeypatch.setattr(f"{module}.monotonic", clock)
    signed: list[float] = []

    def counting_issue(*args: Any, **kwargs: Any) -> str:
        signed.append(clock.now)
        return issue_token(*args, **kwargs)

    monkeypatch.setattr(f"{module}.issue_token", counting_issue)
    seen: list[str] = []
    directory = _directory(seen)

    for _ in range(3):
        await directory.get(uuid.uuid4())
    clock.now += 3 * 60
    await directory.get(uuid.uuid4())
    clock.now += 61
    await directory.get(uuid.uuid4())

    assert signed == [1000.0, 1000.0 + 3 * 60 + 61], "signed once, then again after 4 minutes"
    assert len(set(seen[:4])) == 1
    principal = decode_token(TOKENS, seen[4])
    assert principal.role is Role.SERVICE
    assert principal.sub == "service:notifications"
    await directory.aclose()


async def test_a_donor_is_read_into_a_profile() -> None:
    donor_id = uuid.uuid4()
    directory = _directory([])

    donor = await directory.get(donor_id)

    assert donor.id == donor_id
    assert donor.email == "an@example.vn"
    assert donor.preferred_channel is Channel.EMAIL
    await directory.aclose()


@pytest.mark.parametrize(("status", "error"), [(404, DonorNotFoundError), (503, DonorLookupError)])
async def test_answers_other_than_ok_are_lookup_errors(status: int, error: type[Exception]) -> None:
    directory = _directory([], status=status)

    with pytest.raises(error):
        await directory.get(uuid.uuid4())
    await directory.aclose()


async def test_many_donors_are_asked_in_requests_of_at_most_200_and_unknown_ones_absent() -> None:
    requests: list[list[str]] = []
    unknown = str(uuid.uuid4())

    def answer(request: httpx.Request) -> httpx.Response:
        ids = json.loads(request.content)["ids"]
        requests.append(ids)
        items = [
            {"id": i, "kind": "person", "display_name": f"Nhà hảo tâm {i[:4]}"}
            for i in ids
            if i != unknown
        ]
        return httpx.Response(200, json={"items": items, "missing": [unknown]})

    directory = HttpDonorDirectory(
        "http://donations.test", TOKENS, transport=httpx.MockTransport(answer)
    )
    wanted = [uuid.uuid4() for _ in range(450)]

    found = await directory.get_many([*wanted, uuid.UUID(unknown), wanted[0]])

    assert [len(r) for r in requests] == [200, 200, 51]
    assert set(found) == set(wanted)
    assert found[wanted[7]].display_name.startswith("Nhà hảo tâm")
    await directory.aclose()


async def test_a_refused_lookup_is_a_lookup_error() -> None:
    directory = HttpDonorDirectory(
        "http://donations.test",
        TOKENS,
        transport=httpx.MockTransport(lambda _r: httpx.Response(503, json={})),
    )

    with pytest.raises(DonorLookupError, match="503"):
        await directory.get_many([uuid.uuid4()])
    await directory.aclose()
