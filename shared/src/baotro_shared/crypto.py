"""Field-level encryption of personal data (AES-256-GCM) with key rotation and blind indexes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

DEVELOPMENT_KEYRING = "dev1:YmFvdHJvLWRldi1rZXktTk9ULWZvci1wcm9kLXVzZSE="
"""A public key for laptops and tests (32 bytes, base64); refused in production."""
DEVELOPMENT_INDEX_KEY = "YmFvdHJvLWRldi1pbmRleC1rZXktTk9ULWZvci1wcm8="

_NONCE_BYTES = 12


class DecryptionError(ValueError):
    """A ciphertext that does not open with its key and context (tampered, moved or wrong key)."""


def parse_keyring(spec: str) -> dict[str, bytes]:
    """`"k1:BASE64,k2:BASE64"` → `{"k1": key, "k2": key}`; each key must be 32 bytes."""
    keys: dict[str, bytes] = {}
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        key_id, _, encoded = part.partition(":")
        key = base64.b64decode(encoded)
        if len(key) != 32:
            raise ValueError(f"key {key_id!r} must be 32 bytes (AES-256), got {len(key)}")
        if not key_id or "." in key_id:
            raise ValueError("a key id must be non-empty and contain no '.'")
        keys[key_id] = key
    if not keys:
        raise ValueError("the keyring is empty")
    return keys


@dataclass(frozen=True)
class FieldCipher:
    """Encrypts one field value at a time, bound to its context (table, row id, field).

    A ciphertext reads `<key id>.<base64(nonce ‖ ciphertext ‖ tag)>`; the key id lets old rows
    be read after the active key changed, and re-encrypted later. The context is the AES-GCM
    associated data: a value copied to another row or field does not decrypt.
    """

    keys: Mapping[str, bytes]
    active_key_id: str
    index_key: bytes

    def __post_init__(self) -> None:
        if self.active_key_id not in self.keys:
            raise ValueError(f"active key {self.active_key_id!r} is not in the keyring")

    @classmethod
    def from_settings(cls, keyring: str, active_key_id: str, index_key: str) -> FieldCipher:
        return cls(parse_keyring(keyring), active_key_id, base64.b64decode(index_key))

    def encrypt(self, plaintext: str | None, *, context: str) -> str | None:
        if plaintext is None:
            return None
        nonce = os.urandom(_NONCE_BYTES)
        sealed = AESGCM(self.keys[self.active_key_id]).encrypt(
            nonce, plaintext.encode("utf-8"), context.encode("utf-8")
        )
        return f"{self.active_key_id}.{base64.b64encode(nonce + sealed).decode('ascii')}"

    def decrypt(self, token: str | None, *, context: str) -> str | None:
        if token is None:
            return None
        key_id, _, encoded = token.partition(".")
        key = self.keys.get(key_id)
        if key is None:
            raise DecryptionError(f"unknown key id {key_id!r}")
        raw = base64.b64decode(encoded)
        try:
            opened = AESGCM(key).decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode("utf-8")
            )
        except InvalidTag as exc:
            raise DecryptionError("ciphertext does not match its key or context") from exc
        return opened.decode("utf-8")

    def needs_rotation(self, token: str | None) -> bool:
        return token is not None and not token.startswith(self.active_key_id + ".")

    def blind_index(self, normalised: str, *, purpose: str) -> str:
        """A keyed hash for exact-match lookups of a normalised value, without the value."""
        digest = hmac.new(
            self.index_key, f"{purpose}\x00{normalised}".encode(), hashlib.sha256
        ).hexdigest()
        return digest[:40]
