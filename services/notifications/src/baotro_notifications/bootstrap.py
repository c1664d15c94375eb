"""Wiring: settings → runtime → app. Nothing is built at import time."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from baotro_notifications.adapters.orm import Base
from baotro_notifications.entrypoints.consumers import HANDLERS
from baotro_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from baotro_notifications.settings import NotificationsSettings
from baotro_shared.runtime import ServiceDefinition, ServiceRuntime
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


def build_runtime(settings: NotificationsSettings) -> ServiceRuntime[NotificationsUnitOfWork]:
    return ServiceRuntime(settings, definition())


def create_app(settings: NotificationsSettings | None = None) -> FastAPI:
    settings = settings or NotificationsSettings()
    return create_service_app(
        build_runtime(settings),
        title="Bảo Trợ — Notifications",
        description="Notifications service: thank-you letters, commendations, deliveries.",
        routers=[admin_router()],
    )
