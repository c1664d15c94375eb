"""Wiring: settings → runtime → app. Nothing is built at import time."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from fastapi import FastAPI

from baotro_donations.adapters.orm import Base
from baotro_donations.entrypoints.consumers import HANDLERS
from baotro_donations.entrypoints.disbursements_api import router as disbursements_router
from baotro_donations.entrypoints.ledger_api import router as ledger_router
from baotro_donations.entrypoints.parties_api import router as parties_router
from baotro_donations.entrypoints.payment_codes_api import router as payment_codes_router
from baotro_donations.entrypoints.receipts_api import router as receipts_router
from baotro_donations.entrypoints.statements_api import router as statements_router
from baotro_donations.entrypoints.webhooks_api import router as webhooks_router
from baotro_donations.service_layer.bank_feed_handlers import fail_interrupted_imports
from baotro_donations.service_layer.unit_of_work import DonationsUnitOfWork
from baotro_donations.settings import DonationsSettings
from baotro_shared.runtime import ServiceDefinition, ServiceRuntime
from baotro_shared.web.admin import admin_router
from baotro_shared.web.app import create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


def definition(
    settings: DonationsSettings | None = None,
) -> ServiceDefinition[DonationsUnitOfWork]:
    settings = settings or DonationsSettings()
    return ServiceDefinition(
        name="donations",
        metadata=Base.metadata,
        migrations=MIGRATIONS,
        uow_class=partial(DonationsUnitOfWork, settings=settings, cipher=settings.cipher()),
        handlers=HANDLERS,
        on_start=fail_interrupted_imports,
    )


def build_runtime(settings: DonationsSettings) -> ServiceRuntime[DonationsUnitOfWork]:
    return ServiceRuntime(settings, definition(settings))


def create_app(settings: DonationsSettings | None = None) -> FastAPI:
    settings = settings or DonationsSettings()
    return create_service_app(
        build_runtime(settings),
        title="Bảo Trợ — Donations",
        description="Donations service: bank feeds, reconciliation, donors, campaigns, the ledger.",
        routers=[
            payment_codes_router,
            ledger_router,
            receipts_router,
            parties_router,
            disbursements_router,
            statements_router,
            webhooks_router,
            admin_router(),
        ],
        raw_body_paths=["/v1/webhooks/"],  # kept byte for byte, refused by their endpoints
    )
