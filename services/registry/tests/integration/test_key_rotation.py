"""Rotating the encryption key: old rows re-encrypted under the new key, still readable."""

from __future__ import annotations

import base64
from collections.abc import Callable

from sqlalchemy import text

from baotro_shared.testing.harness import ServiceHarness

OLD = "k2025:" + base64.b64encode(b"o" * 32).decode()
NEW = "k2026:" + base64.b64encode(b"n" * 32).decode()
CHILD = {
    "full_name": "Đỗ Thị Lan",
    "date_of_birth": "2014-05-01",
    "guardian_phone": "0977000111",
    "commune_code": "14797",
    "groups": ["b"],
}

Headers = Callable[..., dict[str, str]]


async def _raw(services: ServiceHarness) -> str:
    registry = services.running["registry"]
    async with registry.runtime.engine.connect() as conn:
        return str((await conn.execute(text("SELECT * FROM children"))).all())


async def test_rotation_re_encrypts_under_the_active_key_and_keeps_data_readable(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry", pii_keys=OLD, pii_active_key="k2025")
    supervisor = auth_header("supervisor")
    created = await registry.client.post("/v1/children", json=CHILD, headers=supervisor)
    assert created.status_code == 201, created.text
    child_url = f"/v1/children/{created.json()['id']}"
    assert "k2025." in await _raw(services)
    await services.stop("registry")

    registry = await services.start("registry", pii_keys=f"{NEW},{OLD}", pii_active_key="k2026")
    before = await registry.client.get(child_url, headers=supervisor)
    assert before.json()["personal"]["full_name"] == "Đỗ Thị Lan"  # old key still reads
    rotated = await registry.client.post("/v1/admin/rotate-keys", headers=auth_header("fund_admin"))
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["values"]["children"] == 3  # name, birth date, phone
    raw = await _raw(services)
    assert "k2025." not in raw
    assert "k2026." in raw
    again = await registry.client.post("/v1/admin/rotate-keys", headers=auth_header("fund_admin"))
    assert again.json()["total"] == 0
    await services.stop("registry")

    registry = await services.start("registry", pii_keys=NEW, pii_active_key="k2026")
    after = await registry.client.get(child_url, headers=supervisor)
    assert after.json()["personal"]["guardian_phone"] == "0977000111"  # old key retired
    refused = await registry.client.post("/v1/admin/rotate-keys", headers=supervisor)
    assert refused.status_code == 403
