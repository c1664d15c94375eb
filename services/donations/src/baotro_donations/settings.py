"""Donations settings (env prefix `DONATIONS_`)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from baotro_shared.settings import ServiceSettings


class DonationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DONATIONS_", extra="ignore")

    service_name: str = "donations"
    port: int = 8002
