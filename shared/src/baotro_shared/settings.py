"""Typed settings shared by every service; each service subclasses with its own env prefix."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SIGNING_KEY = "baotro-development-signing-key-not-for-production"

Environment = Literal["development", "test", "production"]
ReplayOnStart = Literal["auto", "always", "never"]


def _platform(name: str) -> AliasChoices:
    """A platform-wide variable: same name for every service (no service prefix)."""
    return AliasChoices(name)


class ServiceSettings(BaseSettings):
    """What every service needs; subclasses set `service_name`, the env prefix and defaults."""

    model_config = SettingsConfigDict(extra="ignore", env_file=None, populate_by_name=True)

    service_name: str = "service"
    environment: Environment = Field("development", validation_alias=_platform("BAOTRO_ENV"))
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(1, ge=1, le=64)
    """Server processes (`serve`): each takes the connections the kernel hands its own socket
    on the port (SO_REUSEPORT), runs the app and its consumers. More than one on
    PostgreSQL only (SQLite files take one writer at a time)."""
    database_url: str = ""
    var_dir: Path = Field(Path("var"), validation_alias=_platform("BAOTRO_VAR_DIR"))

    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092", validation_alias=_platform("KAFKA_BOOTSTRAP_SERVERS")
    )
    topic_partitions: int = Field(3, validation_alias=_platform("BAOTRO_TOPIC_PARTITIONS"))
    topic_replication_factor: int = Field(
        1, validation_alias=_platform("BAOTRO_TOPIC_REPLICATION_FACTOR")
    )

    jwt_secret: str = Field(
        DEVELOPMENT_SIGNING_KEY, validation_alias=_platform("BAOTRO_JWT_SECRET")
    )
    jwt_issuer: str = Field("baotro", validation_alias=_platform("BAOTRO_JWT_ISSUER"))
    jwt_audience: str = Field("baotro", validation_alias=_platform("BAOTRO_JWT_AUDIENCE"))

    outbox_batch_size: int = 500
    outbox_poll_interval_s: float = 0.2
    outbox_retention_days: int = 3650
    replay_on_start: ReplayOnStart = "auto"

    consumer_max_attempts: int = 5
    consumer_backoff_initial_s: float = 0.2
    consumer_backoff_max_s: float = 10.0
    consumer_poll_timeout_ms: int = 200
    consumer_fetch_max_wait_ms: int = 50
    consumer_session_timeout_ms: int = 10000
    consumer_batch_size: int = Field(100, ge=1)
    """Events of one partition fetched together are applied in one transaction, up to this
    many (1: one transaction per event)."""
    """Kafka brokers refuse less than 6 s by default; Tansu delays a group join by half of it."""

    log_level: str = Field("INFO", validation_alias=_platform("BAOTRO_LOG_LEVEL"))
    log_json: bool = Field(True, validation_alias=_platform("BAOTRO_LOG_JSON"))
    otlp_endpoint: str | None = Field(
        None, validation_alias=_platform("OTEL_EXPORTER_OTLP_ENDPOINT")
    )

    @model_validator(mode="after")
    def _refuse_insecure_defaults(self) -> ServiceSettings:
        if self.environment == "production" and self.jwt_secret == DEVELOPMENT_SIGNING_KEY:
            raise ValueError(
                "BAOTRO_JWT_SECRET must be set in production: the development signing key "
                "is public and is refused when BAOTRO_ENV=production"
            )
        if self.environment == "production" and len(self.jwt_secret) < 32:
            raise ValueError("BAOTRO_JWT_SECRET must be at least 32 characters in production")
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.var_dir / (self.service_name + '.db')}"
        return self

    @property
    def source(self) -> str:
        """CloudEvents `source` of the events this service emits."""
        return f"/baotro/{self.service_name}"

    @property
    def consumer_group(self) -> str:
        """Kafka consumer group id of this service."""
        return f"baotro.{self.service_name}"


class PlatformSettings(BaseSettings):
    """Settings that are not a service's own: the CLI and the dev stack read these."""

    model_config = SettingsConfigDict(extra="ignore")

    environment: Environment = Field("development", validation_alias=_platform("BAOTRO_ENV"))
    jwt_secret: str = Field(
        DEVELOPMENT_SIGNING_KEY, validation_alias=_platform("BAOTRO_JWT_SECRET")
    )
    jwt_issuer: str = Field("baotro", validation_alias=_platform("BAOTRO_JWT_ISSUER"))
    jwt_audience: str = Field("baotro", validation_alias=_platform("BAOTRO_JWT_AUDIENCE"))
    kafka_bootstrap_servers: str | None = Field(
        None, validation_alias=_platform("KAFKA_BOOTSTRAP_SERVERS")
    )
    var_dir: Path = Field(Path("var"), validation_alias=_platform("BAOTRO_VAR_DIR"))

    @model_validator(mode="after")
    def _refuse_insecure_defaults(self) -> PlatformSettings:
        if self.environment == "production" and self.jwt_secret == DEVELOPMENT_SIGNING_KEY:
            raise ValueError("BAOTRO_JWT_SECRET must be set in production")
        return self
