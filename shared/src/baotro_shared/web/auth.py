"""Bearer JWT auth: roles and area scope (communes), as FastAPI dependencies."""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from baotro_shared.web.problems import ProblemError


class Role(enum.StrEnum):
    FUND_ADMIN = "fund_admin"
    ACCOUNTANT = "accountant"
    CASE_WORKER = "case_worker"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"
    SERVICE = "service"


@dataclass(frozen=True)
class Principal:
    """Who is calling: subject, role, and the communes they may act in (None = province)."""

    sub: str
    role: Role
    communes: frozenset[str] | None

    def may_access(self, commune_code: str) -> bool:
        return self.communes is None or commune_code in self.communes

    def scope_filter(self) -> frozenset[str] | None:
        """Communes to restrict queries to, or None for the whole province."""
        return self.communes


@dataclass(frozen=True)
class TokenConfig:
    secret: str
    issuer: str
    audience: str
    algorithm: str = "HS256"


def issue_token(
    config: TokenConfig,
    *,
    sub: str,
    role: Role | str,
    communes: Iterable[str] | None = None,
    ttl: timedelta = timedelta(hours=12),
    extra: dict[str, Any] | None = None,
) -> str:
    """A signed token with OIDC-style claims (`iss`, `aud`, `sub`, `iat`, `exp`)."""
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "iss": config.issuer,
        "aud": config.audience,
        "sub": sub,
        "role": Role(role).value,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    if communes is not None:
        claims["communes"] = sorted(set(communes))
    if extra:
        claims.update(extra)
    return jwt.encode(claims, config.secret, algorithm=config.algorithm)


def _unauthorized(detail: str) -> ProblemError:
    return ProblemError(
        401, detail, slug="unauthorized", headers={"WWW-Authenticate": 'Bearer realm="baotro"'}
    )


def decode_token(config: TokenConfig, token: str) -> Principal:
    """Verify a token; raises a 401 problem when it is not acceptable."""
    try:
        claims = jwt.decode(
            token,
            config.secret,
            algorithms=[config.algorithm],
            audience=config.audience,
            issuer=config.issuer,
            options={"require": ["exp", "sub", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise _unauthorized("Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại.") from exc
    except jwt.PyJWTError as exc:
        raise _unauthorized("Mã xác thực (token) không hợp lệ.") from exc
    try:
        role = Role(claims.get("role", ""))
    except ValueError as exc:
        raise _unauthorized("Mã xác thực không mang vai trò hợp lệ.") from exc
    communes = claims.get("communes")
    if communes is not None and not (
        isinstance(communes, list) and all(isinstance(c, str) for c in communes)
    ):
        raise _unauthorized("Phạm vi địa bàn trong mã xác thực không hợp lệ.")
    return Principal(
        sub=str(claims["sub"]),
        role=role,
        communes=frozenset(communes) if communes is not None else None,
    )


_bearer = HTTPBearer(auto_error=False)


def token_config_of(request: Request) -> TokenConfig:
    config: TokenConfig = request.app.state.token_config
    return config


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The authenticated caller; 401 without a valid bearer token."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized("Cần đăng nhập: thiếu mã xác thực (Authorization: Bearer …).")
    return decode_token(token_config_of(request), credentials.credentials)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]

_ROLE_NAMES_VI = {
    Role.FUND_ADMIN: "quản trị quỹ",
    Role.ACCOUNTANT: "kế toán",
    Role.CASE_WORKER: "cán bộ xã",
    Role.SUPERVISOR: "giám sát",
    Role.AUDITOR: "kiểm toán",
    Role.SERVICE: "dịch vụ",
}


def require_roles(*roles: Role) -> Callable[..., Any]:
    """A dependency admitting only `roles`; 403 for any other authenticated caller."""
    allowed: Collection[Role] = frozenset(roles)

    async def _dependency(principal: CurrentPrincipal) -> Principal:
        if principal.role not in allowed:
            names = ", ".join(_ROLE_NAMES_VI[r] for r in roles)
            raise ProblemError(
                403,
                f"Vai trò '{_ROLE_NAMES_VI[principal.role]}' không được phép thực hiện thao tác "
                f"này (cần: {names}).",
                slug="forbidden",
            )
        return principal

    return _dependency


def ensure_commune_access(principal: Principal, commune_code: str) -> None:
    """403 unless the caller's area scope covers `commune_code`."""
    if not principal.may_access(commune_code):
        raise ProblemError(
            403,
            f"Bạn không có quyền với xã/phường mã {commune_code}: ngoài địa bàn được phân công.",
            slug="out-of-scope",
        )
