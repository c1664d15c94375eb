"""Wiring: settings → runtime → app. Nothing is built at import time."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from baotro_notifications.adapters.orm import Base
from baotro_notifications.entrypoints.commendations_api import router as commendations_router
from baotro_notifications.entrypoints.consumers import HANDLERS
from baotro_notifications.entrypoints.deliveries_api import router as deliveries_router
from baotro_notifications.runtime import NotificationsRuntime
from baotro_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from baotro_notifications.settings import NotificationsSettings
from baotro_shared.runtime import ServiceDefinition
from baotro_shared.web.admin import admin_router
from baotro_shared.web.app import create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


def definition() -> ServiceDefinition[NotificationsUnitOfWork]:
    return ServiceDefinition(
        name="notifications",
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        uow_class=NotificationsUnitOfWork,
        handlers=HANDLERS,
    )


def build_runtime(settings: NotificationsSettings) -> NotificationsRuntime:
    return NotificationsRuntime(settings, definition())


def create_app(settings: NotificationsSettings | None = None) -> FastAPI:
    settings = settings or NotificationsSettings()
    return create_service_app(
        build_runtime(settings),
        title="Bảo Trợ — Notifications",
        description=(
            "Thư cảm ơn nhà hảo tâm (email, SMS, Zalo, thư giấy), thư tổng hợp cho đơn vị, "
            "đính chính, và khen thưởng (Giấy khen, Bằng khen)."
        ),
        routers=[deliveries_router, commendations_router, admin_router()],
    )
