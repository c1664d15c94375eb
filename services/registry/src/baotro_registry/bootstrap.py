"""Wiring: settings → runtime → app. Nothing is built at import time."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from fastapi import FastAPI

from baotro_registry.adapters.orm import Base
from baotro_registry.entrypoints.appeals_api import router as appeals_router
from baotro_registry.entrypoints.cases_api import router
from baotro_registry.entrypoints.children_api import router as children_router
from baotro_registry.entrypoints.consumers import HANDLERS
from baotro_registry.entrypoints.imports_api import router as imports_router
from baotro_registry.entrypoints.reference_api import router as reference_router
from baotro_registry.entrypoints.sponsorships_api import router as sponsorships_router
from baotro_registry.service_layer.unit_of_work import RegistryUnitOfWork
from baotro_registry.settings import RegistrySettings
from baotro_shared.runtime import ServiceDefinition, ServiceRuntime
from baotro_shared.web.admin import admin_router
from baotro_shared.web.app import create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


def definition(settings: RegistrySettings | None = None) -> ServiceDefinition[RegistryUnitOfWork]:
    cipher = (settings or RegistrySettings()).cipher()
    return ServiceDefinition(
        name="registry",
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        uow_class=partial(RegistryUnitOfWork, cipher=cipher),
        handlers=HANDLERS,
    )


def build_runtime(settings: RegistrySettings) -> ServiceRuntime[RegistryUnitOfWork]:
    return ServiceRuntime(settings, definition(settings))


def create_app(settings: RegistrySettings | None = None) -> FastAPI:
    settings = settings or RegistrySettings()
    return create_service_app(
        build_runtime(settings),
        title="Bảo Trợ — Registry",
        description="Sổ theo dõi trẻ em có hoàn cảnh đặc biệt và hồ sơ (case) của các em.",
        routers=[
            router,
            children_router,
            appeals_router,
            sponsorships_router,
            imports_router,
            reference_router,
            admin_router(),
        ],
    )
