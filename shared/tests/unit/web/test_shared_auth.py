"""Bearer tokens, roles and area scope."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Annotated

import httpx
import jwt
import pytest
from fastapi import Depends, FastAPI

from baotro_shared.web.auth import (
    CurrentPrincipal,
    Principal,
    Role,
    TokenConfig,
    decode_token,
    ensure_commune_access,
    issue_token,
    require_roles,
)
from baotro_shared.web.problems import ProblemError, install_problem_handlers

CONFIG = TokenConfig(
    secret="unit-test-signing-key-of-at-least-32-chars", issuer="baotro", audience="baotro"
)
HAC_THANH = "14797"
QUANG_PHU = "16522"


def _decode_problem(token: str, config: TokenConfig = CONFIG) -> ProblemError:
    with pytest.raises(ProblemError) as excinfo:
        decode_token(config, token)
    return excinfo.value


def test_issued_token_decodes_to_the_same_principal() -> None:
    token = issue_token(
        CONFIG, sub="can-bo-01", role=Role.CASE_WORKER, communes=[HAC_THANH, QUANG_PHU, HAC_THANH]
    )

    principal = decode_token(CONFIG, token)

    assert principal == Principal(
        sub="can-bo-01", role=Role.CASE_WORKER, communes=frozenset({HAC_THANH, QUANG_PHU})
    )


def test_issued_token_carries_oidc_style_claims() -> None:
    token = issue_token(CONFIG, sub="ke-toan", role="accountant", ttl=timedelta(hours=1))

    claims = jwt.decode(token, CONFIG.secret, algorithms=["HS256"], audience="baotro")

    assert claims["iss"] == "baotro"
    assert claims["aud"] == "baotro"
    assert claims["role"] == "accountant"
    assert claims["exp"] - claims["iat"] == 3600
    assert "communes" not in claims


def test_token_without_communes_covers_the_whole_province() -> None:
    principal = decode_token(CONFIG, issue_token(CONFIG, sub="gs", role=Role.SUPERVISOR))

    assert principal.communes is None
    assert principal.scope_filter() is None
    assert principal.may_access(HAC_THANH)
    assert principal.may_access(QUANG_PHU)


def test_communes_scope_limits_access() -> None:
    principal = Principal(sub="cb", role=Role.CASE_WORKER, communes=frozenset({HAC_THANH}))

    assert principal.may_access(HAC_THANH)
    assert not principal.may_access(QUANG_PHU)
    assert principal.scope_filter() == frozenset({HAC_THANH})


def test_empty_communes_scope_gives_access_to_no_commune() -> None:
    principal = decode_token(CONFIG, issue_token(CONFIG, sub="cb", role="case_worker", communes=[]))

    assert principal.communes == frozenset()
    assert not principal.may_access(HAC_THANH)


def test_issue_refuses_an_unknown_role() -> None:
    with pytest.raises(ValueError, match="janitor"):
        issue_token(CONFIG, sub="x", role="janitor")


def test_expired_token_is_401_asking_to_log_in_again() -> None:
    token = issue_token(CONFIG, sub="cb", role=Role.CASE_WORKER, ttl=timedelta(minutes=-1))

    problem = _decode_problem(token)

    assert problem.status == 401
    assert problem.slug == "unauthorized"
    assert "hết hạn" in problem.detail
    assert problem.headers == {"WWW-Authenticate": 'Bearer realm="baotro"'}


def test_token_signed_with_another_key_is_401() -> None:
    other = dataclasses.replace(CONFIG, secret="somebody-elses-signing-key-32-chars-long")
    token = issue_token(other, sub="cb", role=Role.FUND_ADMIN)

    problem = _decode_problem(token)

    assert problem.status == 401
    assert problem.detail == "Mã xác thực (token) không hợp lệ."


def test_token_for_another_audience_is_401() -> None:
    token = issue_token(
        dataclasses.replace(CONFIG, audience="other-app"), sub="cb", role=Role.FUND_ADMIN
    )

    assert _decode_problem(token).status == 401


def test_token_from_another_issuer_is_401() -> None:
    token = issue_token(
        dataclasses.replace(CONFIG, issuer="someone-else"), sub="cb", role=Role.FUND_ADMIN
    )

    assert _decode_problem(token).status == 401


def test_token_with_an_unknown_role_is_401() -> None:
    token = issue_token(CONFIG, sub="cb", role=Role.CASE_WORKER, extra={"role": "janitor"})

    problem = _decode_problem(token)

    assert problem.status == 401
    assert "vai trò" in problem.detail


def test_token_with_a_malformed_communes_claim_is_401() -> None:
    token = issue_token(CONFIG, sub="cb", role=Role.CASE_WORKER, extra={"communes": HAC_THANH})

    problem = _decode_problem(token)

    assert problem.status == 401
    assert "địa bàn" in problem.detail


def test_token_without_expiry_is_401() -> None:
    token = jwt.encode(
        {"iss": "baotro", "aud": "baotro", "sub": "cb", "role": "fund_admin"},
        CONFIG.secret,
        algorithm="HS256",
    )

    assert _decode_problem(token).status == 401


def test_unsigned_token_is_401() -> None:
    now = datetime.now(UTC)
    claims = {
        "iss": "baotro",
        "aud": "baotro",
        "sub": "cb",
        "role": "fund_admin",
        "exp": int((now + timedelta(hours=1)).timestamp()),
    }
    token = jwt.encode(claims, None, algorithm="none")

    assert _decode_problem(token).status == 401


def test_garbage_token_is_401() -> None:
    assert _decode_problem("not.a.token").status == 401


def test_ensure_commune_access_is_403_outside_the_assigned_communes() -> None:
    principal = Principal(sub="cb", role=Role.CASE_WORKER, communes=frozenset({HAC_THANH}))
    ensure_commune_access(principal, HAC_THANH)

    with pytest.raises(ProblemError) as excinfo:
        ensure_commune_access(principal, QUANG_PHU)

    assert excinfo.value.status == 403
    assert excinfo.value.slug == "out-of-scope"
    assert QUANG_PHU in excinfo.value.detail
    assert "ngoài địa bàn" in excinfo.value.detail


Bookkeeper = Annotated[Principal, Depends(require_roles(Role.ACCOUNTANT, Role.FUND_ADMIN))]


def _app() -> FastAPI:
    app = FastAPI()
    app.state.token_config = CONFIG
    install_problem_handlers(app)

    @app.get("/ledger")
    async def ledger(principal: Bookkeeper) -> dict[str, str]:
        return {"sub": principal.sub, "role": principal.role.value}

    @app.get("/me")
    async def me(principal: CurrentPrincipal) -> dict[str, str]:
        return {"sub": principal.sub}

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def _bearer(role: Role, sub: str = "tester") -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(CONFIG, sub=sub, role=role)}"}


async def test_require_roles_admits_the_listed_roles(client: httpx.AsyncClient) -> None:
    response = await client.get("/ledger", headers=_bearer(Role.ACCOUNTANT, sub="ke-toan-01"))

    assert response.status_code == 200
    assert response.json() == {"sub": "ke-toan-01", "role": "accountant"}


async def test_require_roles_is_403_in_vietnamese_for_other_roles(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/ledger", headers=_bearer(Role.AUDITOR))

    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["title"] == "Không có quyền"
    assert problem["type"].endswith("/forbidden")
    assert problem["detail"] == (
        "Vai trò 'kiểm toán' không được phép thực hiện thao tác này (cần: kế toán, quản trị quỹ)."
    )


async def test_missing_token_is_401_with_a_bearer_challenge(client: httpx.AsyncClient) -> None:
    response = await client.get("/ledger")

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="baotro"'
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "thiếu mã xác thực" in response.json()["detail"]


async def test_other_authorization_schemes_are_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})

    assert response.status_code == 401


async def test_invalid_bearer_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/me", headers={"Authorization": "Bearer not.a.token"})

    assert response.status_code == 401
    assert response.json()["detail"] == "Mã xác thực (token) không hợp lệ."
