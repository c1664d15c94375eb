"""Service settings: env prefixes, platform-wide variables and insecure defaults."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy.engine import make_url

from baotro_donations.settings import DonationsSettings
from baotro_notifications.settings import NotificationsSettings
from baotro_registry.settings import RegistrySettings
from baotro_reporting.settings import ReportingSettings
from baotro_shared.services import SERVICES
from baotro_shared.settings import DEVELOPMENT_SIGNING_KEY, PlatformSettings, ServiceSettings

PRODUCTION_SECRET = "a-production-secret-of-more-than-32-characters"

SERVICE_PREFIXES = ("REGISTRY_", "DONATIONS_", "NOTIFICATIONS_", "REPORTING_")
PLATFORM_VARIABLES = (
    "BAOTRO_ENV",
    "BAOTRO_VAR_DIR",
    "BAOTRO_JWT_SECRET",
    "BAOTRO_JWT_ISSUER",
    "BAOTRO_JWT_AUDIENCE",
    "BAOTRO_TOPIC_PARTITIONS",
    "BAOTRO_TOPIC_REPLICATION_FACTOR",
    "BAOTRO_LOG_LEVEL",
    "BAOTRO_LOG_JSON",
    "KAFKA_BOOTSTRAP_SERVERS",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No variable of the machine running the tests leaks into the settings."""
    for name in PLATFORM_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name in list(os.environ):
        if name.startswith(SERVICE_PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_production_refuses_the_development_signing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAOTRO_ENV", "production")

    with pytest.raises(ValidationError) as excinfo:
        RegistrySettings()

    message = str(excinfo.value)
    assert "BAOTRO_JWT_SECRET must be set in production" in message
    assert "development signing key" in message


def test_production_refuses_a_short_signing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAOTRO_ENV", "production")
    monkeypatch.setenv("BAOTRO_JWT_SECRET", "too-short")

    with pytest.raises(ValidationError, match="at least 32 characters"):
        ReportingSettings()


def test_production_accepts_a_real_signing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAOTRO_ENV", "production")
    monkeypatch.setenv("BAOTRO_JWT_SECRET", PRODUCTION_SECRET)
    _real_encryption_keys(monkeypatch)

    settings = RegistrySettings()

    assert settings.environment == "production"
    assert settings.jwt_secret == PRODUCTION_SECRET
    assert settings.cipher().active_key_id == "k2026"


def test_production_refuses_the_development_encryption_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BAOTRO_ENV", "production")
    monkeypatch.setenv("BAOTRO_JWT_SECRET", PRODUCTION_SECRET)

    with pytest.raises(ValidationError, match="REGISTRY_PII_KEYS"):
        RegistrySettings()


def test_development_uses_the_development_signing_key() -> None:
    settings = RegistrySettings()

    assert settings.environment == "development"
    assert settings.jwt_secret == DEVELOPMENT_SIGNING_KEY


def test_platform_settings_refuse_the_development_key_in_production(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BAOTRO_ENV", "production")

    with pytest.raises(ValidationError, match="BAOTRO_JWT_SECRET must be set in production"):
        PlatformSettings()


def test_default_database_is_a_sqlite_file_of_the_service_under_var() -> None:
    url = make_url(RegistrySettings().database_url)

    assert url.drivername == "sqlite+aiosqlite"
    assert Path(url.database or "") == Path("var") / "registry.db"


def test_database_file_follows_the_var_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BAOTRO_VAR_DIR", str(tmp_path / "data"))

    url = make_url(ReportingSettings().database_url)

    assert Path(url.database or "") == tmp_path / "data" / "reporting.db"


def test_service_prefix_sets_the_database_url_of_that_service_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = "postgresql+asyncpg://registry@db:5432/registry"
    monkeypatch.setenv("REGISTRY_DATABASE_URL", url)

    assert RegistrySettings().database_url == url
    assert ReportingSettings().database_url.startswith("sqlite+aiosqlite:///")


def test_service_prefix_sets_the_service_own_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_PORT", "9101")
    monkeypatch.setenv("REGISTRY_PROVINCE_CODE", "01")
    monkeypatch.setenv("REPORTING_FUND_NAME", "Quỹ Bảo trợ trẻ em tỉnh Nghệ An")

    registry = RegistrySettings()

    assert registry.port == 9101
    assert registry.province_code == "01"
    assert ReportingSettings().fund_name == "Quỹ Bảo trợ trẻ em tỉnh Nghệ An"
    assert ReportingSettings().port == 8004


def test_kafka_bootstrap_servers_applies_unprefixed_to_every_service(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092")

    for cls in (RegistrySettings, DonationsSettings, NotificationsSettings, ReportingSettings):
        assert cls().kafka_bootstrap_servers == "kafka-1:9092,kafka-2:9092", cls.__name__
    assert PlatformSettings().kafka_bootstrap_servers == "kafka-1:9092,kafka-2:9092"


def test_platform_variables_win_over_service_prefixed_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
    monkeypatch.setenv("REGISTRY_KAFKA_BOOTSTRAP_SERVERS", "elsewhere:9092")
    monkeypatch.setenv("BAOTRO_ENV", "production")
    monkeypatch.setenv("BAOTRO_JWT_SECRET", PRODUCTION_SECRET)
    monkeypatch.setenv("REGISTRY_ENVIRONMENT", "development")
    monkeypatch.setenv("BAOTRO_TOPIC_PARTITIONS", "12")
    monkeypatch.setenv("BAOTRO_LOG_JSON", "false")
    _real_encryption_keys(monkeypatch)

    settings = RegistrySettings()

    assert settings.kafka_bootstrap_servers == "kafka:9092"
    assert settings.environment == "production"
    assert settings.topic_partitions == 12
    assert settings.log_json is False


def test_fields_can_be_given_by_name_in_code() -> None:
    settings = RegistrySettings(
        kafka_bootstrap_servers="broker:9092",
        jwt_secret=PRODUCTION_SECRET,
        database_url="sqlite+aiosqlite:///:memory:",
    )

    assert settings.kafka_bootstrap_servers == "broker:9092"
    assert settings.jwt_secret == PRODUCTION_SECRET
    assert settings.database_url == "sqlite+aiosqlite:///:memory:"


def test_source_and_consumer_group_derive_from_the_service_name() -> None:
    settings = ServiceSettings(service_name="registry")

    assert settings.source == "/baotro/registry"
    assert settings.consumer_group == "baotro.registry"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_service_has_its_settings_class_and_port(name: str) -> None:
    ref = SERVICES[name]

    settings = ref.settings_class()()

    assert settings.service_name == name
    assert settings.port == ref.port
    assert Path(make_url(settings.database_url).database or "").name == f"{name}.db"


def _real_encryption_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_PII_KEYS", "k2026:" + base64.b64encode(b"p" * 32).decode())
    monkeypatch.setenv("REGISTRY_PII_ACTIVE_KEY", "k2026")
    monkeypatch.setenv("REGISTRY_PII_INDEX_KEY", base64.b64encode(b"i" * 32).decode())
