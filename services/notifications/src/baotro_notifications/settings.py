"""Notifications settings (env prefix `NOTIFICATIONS_`)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from baotro_shared.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore")

    service_name: str = "notifications"
    port: int = 8003
