"""Every role against in-scope and out-of-scope children; no personal data in logs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import structlog

from baotro_shared.testing.harness import RunningService, ServiceHarness

HAC_THANH = "14797"
QUANG_PHU = "16522"
CHILD: dict[str, Any] = {
    "full_name": "Trần Thị Mai",
    "date_of_birth": "2015-07-21",
    "national_id": "038315009876",
    "guardian_name": "Trần Văn Hùng",
    "guardian_phone": "0987654321",
    "address": "Thôn Đông, Phường Hạc Thành",
    "commune_code": HAC_THANH,
    "groups": ["d"],
}
PERSONAL = (
    "Trần Thị Mai",
    "TRAN THI MAI",
    "038315009876",
    "0987654321",
    "Trần Văn Hùng",
    "Thôn Đông",
    "2015-07-21",
)

Headers = Callable[..., dict[str, str]]

# role, communes of the token, may read (status), sees personal data, may write
MATRIX = [
    ("case_worker", [HAC_THANH], 200, True, True),
    ("case_worker", [QUANG_PHU], 404, False, False),
    ("supervisor", None, 200, True, True),
    ("supervisor", [HAC_THANH], 200, True, True),
    ("supervisor", [QUANG_PHU], 404, False, False),
    ("auditor", None, 200, True, False),
    ("fund_admin", None, 200, False, False),
    ("accountant", None, 403, False, False),
    ("service", None, 200, False, False),
]


async def _child(registry: RunningService, auth_header: Headers) -> str:
    created = await registry.client.post(
        "/v1/children", json=CHILD, headers=auth_header("case_worker", [HAC_THANH])
    )
    assert created.status_code == 201, created.text
    child_id: str = created.json()["id"]
    return child_id


@pytest.mark.parametrize(("role", "communes", "read", "personal", "write"), MATRIX)
async def test_role_and_scope_decide_what_a_caller_may_read_and_change(
    services: ServiceHarness,
    auth_header: Headers,
    role: str,
    communes: list[str] | None,
    read: int,
    personal: bool,
    write: bool,
) -> None:
    registry = await services.start("registry")
    child_id = await _child(registry, auth_header)
    headers = auth_header(role, communes)

    response = await registry.client.get(f"/v1/children/{child_id}", headers=headers)
    assert response.status_code == read
    if read == 200:
        assert (response.json()["personal"] is not None) is personal
    listed = await registry.client.get("/v1/children", headers=headers)
    if read == 403:
        assert listed.status_code == 403
    else:
        assert listed.json()["total"] == (1 if read == 200 else 0)

    patch = await registry.client.patch(
        f"/v1/children/{child_id}", json={"address": "Thôn Tây"}, headers=headers
    )
    assert (patch.status_code == 200) is write, patch.text
    if not write:
        assert patch.status_code in (403, 404)
    create = await registry.client.post(
        "/v1/children",
        json={**CHILD, "full_name": "Lê Văn Nam", "national_id": None},
        headers=headers,
    )
    assert (create.status_code == 201) is write, create.text


async def test_no_personal_data_in_log_lines_of_registration_reads_and_errors(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")
    worker = auth_header("case_worker", [HAC_THANH])
    with structlog.testing.capture_logs() as logs:
        child_id = await _child(registry, auth_header)
        await registry.client.get(f"/v1/children/{child_id}", headers=worker)
        await registry.client.post("/v1/children", json=CHILD, headers=worker)  # duplicate
        await registry.client.post(
            "/v1/children", json={**CHILD, "national_id": "0383150098"}, headers=worker
        )
        await registry.client.patch(
            f"/v1/children/{child_id}", json={"guardian_phone": "12"}, headers=worker
        )
    assert logs, "the registry logs its work"
    text = repr(logs)
    for secret in PERSONAL:
        assert secret not in text
