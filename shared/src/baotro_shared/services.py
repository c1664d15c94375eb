"""The four services, by name: how to run them and where their settings and definitions are."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from baotro_shared.settings import ServiceSettings


@dataclass(frozen=True)
class ServiceRef:
    name: str
    module: str
    port: int

    def settings_class(self) -> type[ServiceSettings]:
        cls: type[ServiceSettings] = getattr(
            importlib.import_module(f"{self.module}.settings"),
            f"{self.name.capitalize()}Settings",
        )
        return cls

    def definition(self) -> Any:
        """The service's `ServiceDefinition` (imports the service package)."""
        return importlib.import_module(f"{self.module}.bootstrap").definition()


SERVICES: dict[str, ServiceRef] = {
    ref.name: ref
    for ref in (
        ServiceRef("registry", "baotro_registry", 8001),
        ServiceRef("donations", "baotro_donations", 8002),
        ServiceRef("notifications", "baotro_notifications", 8003),
        ServiceRef("reporting", "baotro_reporting", 8004),
    )
}
