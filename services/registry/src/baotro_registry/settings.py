"""Registry settings (env prefix `REGISTRY_`)."""

from __future__ import annotations

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from baotro_shared.crypto import DEVELOPMENT_INDEX_KEY, DEVELOPMENT_KEYRING, FieldCipher
from baotro_shared.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="ignore")

    service_name: str = "registry"
    port: int = 8001
    province_code: str = "38"
    """The fund's province (38 = Thanh Hóa); communes are validated against it."""
    pii_keys: str = DEVELOPMENT_KEYRING
    """Keyring of the field encryption: `id:base64(32 bytes),id2:...` (old keys stay to read)."""
    pii_active_key: str = "dev1"
    """The key id that encrypts new values."""
    pii_index_key: str = DEVELOPMENT_INDEX_KEY
    """HMAC key of the blind indexes (base64), separate from the encryption keys."""

    @model_validator(mode="after")
    def _refuse_development_keys(self) -> RegistrySettings:
        if self.environment == "production" and (
            self.pii_keys == DEVELOPMENT_KEYRING or self.pii_index_key == DEVELOPMENT_INDEX_KEY
        ):
            raise ValueError(
                "REGISTRY_PII_KEYS and REGISTRY_PII_INDEX_KEY must be set in production: "
                "the development keys are public"
            )
        self.cipher()  # fail at start on a malformed keyring, not at the first write
        return self

    def cipher(self) -> FieldCipher:
        return FieldCipher.from_settings(self.pii_keys, self.pii_active_key, self.pii_index_key)
