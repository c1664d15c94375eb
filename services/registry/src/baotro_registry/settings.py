"""Registry settings (env prefix `REGISTRY_`)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from baotro_shared.pii_settings import PiiKeySettings
from baotro_shared.settings import ServiceSettings


class RegistrySettings(PiiKeySettings, ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="ignore")

    service_name: str = "registry"
    port: int = 8001
    province_code: str = "38"
    """The fund's province (38 = Thanh Hóa); communes are validated against it."""
