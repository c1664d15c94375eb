"""What every donations endpoint takes: the unit of work, settings, funds, the caller's role,
and the mapping of domain refusals to problem+json."""

from __future__ import annotations

from typing import Annotated, Protocol

from fastapi import Depends, Request

from baotro_donations.domain.ledger_accounts import Fund
from baotro_donations.service_layer.unit_of_work import DonationsUnitOfWork
from baotro_donations.settings import DonationsSettings
from baotro_shared.runtime import ServiceRuntime
from baotro_shared.web.auth import Principal, Role, require_roles
from baotro_shared.web.problems import ProblemError


def _uow(request: Request) -> DonationsUnitOfWork:
    runtime: ServiceRuntime[DonationsUnitOfWork] = request.app.state.runtime
    return runtime.uow()


def _settings(request: Request) -> DonationsSettings:
    settings: DonationsSettings = request.app.state.settings
    return settings


def _funds(request: Request) -> list[Fund]:
    return [f.ledger_fund() for f in _settings(request).funds]


Uow = Annotated[DonationsUnitOfWork, Depends(_uow)]
Settings = Annotated[DonationsSettings, Depends(_settings)]
Funds = Annotated[list[Fund], Depends(_funds)]
Staff = Annotated[Principal, Depends(require_roles(Role.ACCOUNTANT, Role.FUND_ADMIN))]
"""Accountants and fund administrators: they write."""
Reader = Annotated[
    Principal, Depends(require_roles(Role.ACCOUNTANT, Role.FUND_ADMIN, Role.AUDITOR))
]
"""Staff and auditors: they read."""


class Refusal(Protocol):
    """A domain refusal: HTTP status, Vietnamese message, the field at fault."""

    @property
    def status(self) -> int: ...
    @property
    def message(self) -> str: ...
    @property
    def field(self) -> str | None: ...


def problem_of(exc: Refusal) -> ProblemError:
    errors = [{"field": exc.field, "message": exc.message}] if exc.field else None
    return ProblemError(exc.status, exc.message, errors=errors)
