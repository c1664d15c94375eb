"""Settings of a service that encrypts personal data (registry: children; donations: donors).

Mixed into the service's settings class (before `ServiceSettings`), so each service has its
own keys under its own prefix (`REGISTRY_PII_KEYS`, `DONATIONS_PII_KEYS`, ...).
"""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, model_validator

from baotro_shared.crypto import DEVELOPMENT_INDEX_KEY, DEVELOPMENT_KEYRING, FieldCipher


class PiiKeySettings(BaseModel):
    pii_keys: str = DEVELOPMENT_KEYRING
    """Keyring of the field encryption: `id:base64(32 bytes),id2:...` (old keys stay to read)."""
    pii_active_key: str = "dev1"
    """The key id that encrypts new values."""
    pii_index_key: str = DEVELOPMENT_INDEX_KEY
    """HMAC key of the blind indexes (base64), separate from the encryption keys."""

    @model_validator(mode="after")
    def _refuse_development_keys(self) -> Self:
        environment = getattr(self, "environment", "development")
        if environment == "production" and (
            self.pii_keys == DEVELOPMENT_KEYRING or self.pii_index_key == DEVELOPMENT_INDEX_KEY
        ):
            prefix = str(self.model_config.get("env_prefix", ""))
            raise ValueError(
                f"{prefix}PII_KEYS and {prefix}PII_INDEX_KEY must be set in production: "
                "the development keys are public"
            )
        self.cipher()  # fail at start on a malformed keyring, not at the first write
        return self

    def cipher(self) -> FieldCipher:
        return FieldCipher.from_settings(self.pii_keys, self.pii_active_key, self.pii_index_key)
