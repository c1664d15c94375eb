"""Reporting settings (env prefix `REPORTING_`)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from baotro_shared.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore")

    service_name: str = "reporting"
    port: int = 8004
    fund_name: str = "Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa"
