"""FastAPI dependencies of the notifications service: the unit of work and the runtime."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from baotro_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from baotro_shared.web.auth import Principal, Role, require_roles

if TYPE_CHECKING:
    from baotro_notifications.runtime import NotificationsRuntime


def _runtime(request: Request) -> NotificationsRuntime:
    runtime: NotificationsRuntime = request.app.state.runtime
    return runtime


def _uow(request: Request) -> NotificationsUnitOfWork:
    return _runtime(request).uow()


Uow = Annotated[NotificationsUnitOfWork, Depends(_uow)]
Runtime = Annotated["NotificationsRuntime", Depends(_runtime)]
Reader = Annotated[
    Principal, Depends(require_roles(Role.ACCOUNTANT, Role.FUND_ADMIN, Role.AUDITOR))
]
Operator = Annotated[Principal, Depends(require_roles(Role.ACCOUNTANT, Role.FUND_ADMIN))]
Admin = Annotated[Principal, Depends(require_roles(Role.FUND_ADMIN))]
