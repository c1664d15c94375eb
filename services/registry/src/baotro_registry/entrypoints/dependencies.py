"""FastAPI dependencies of the registry: the unit of work and the commune directory."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from baotro_registry.domain.communes import CommuneDirectory, commune_directory
from baotro_registry.service_layer.unit_of_work import RegistryUnitOfWork
from baotro_registry.settings import RegistrySettings
from baotro_shared.runtime import ServiceRuntime


def _uow(request: Request) -> RegistryUnitOfWork:
    runtime: ServiceRuntime[RegistryUnitOfWork] = request.app.state.runtime
    return runtime.uow()


def _directory(request: Request) -> CommuneDirectory:
    settings: RegistrySettings = request.app.state.settings
    return commune_directory(settings.province_code)


Uow = Annotated[RegistryUnitOfWork, Depends(_uow)]
Directory = Annotated[CommuneDirectory, Depends(_directory)]
