"""Donors' names, preferences and contact details, asked of the donations service with a
short-lived `service` token at the moment a notice is sent: one donor
(`GET /v1/donors/{id}`), or the donors of a dispatch round at once
(`POST /v1/donors/lookup`, up to 200 per request)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from time import monotonic
from typing import Protocol

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from baotro_notifications.domain.donors import Channel, DonorProfile
from baotro_shared.web.auth import Role, TokenConfig, issue_token

SERVICE_SUBJECT = "service:notifications"
TOKEN_TTL = timedelta(minutes=5)
TOKEN_RENEW_BEFORE = timedelta(minutes=1)


class DonorNotFoundError(LookupError):
    """The donations service does not know this donor."""


class DonorLookupError(RuntimeError):
    """The donations service could not answer now (unreachable, 5xx, refused token)."""


class DonorDirectory(Protocol):
    async def get(self, donor_id: uuid.UUID) -> DonorProfile: ...

    async def get_many(self, donor_ids: list[uuid.UUID]) -> dict[uuid.UUID, DonorProfile]:
        """The donors known to donations (the unknown ones are absent)."""
        ...


LOOKUP_MAX = 200


class _DonorBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    kind: str
    display_name: str = ""
    salutation: str | None = None
    anonymous: bool = False
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    preferred_channel: str | None = None
    opted_out: bool = False


class _DonorsFound(BaseModel):
    model_config = ConfigDict(extra="ignore")

    items: list[_DonorBody]


class HttpDonorDirectory:
    """The donors API of the donations service over HTTP."""

    def __init__(
        self,
        base_url: str,
        tokens: TokenConfig,
        *,
        timeout_s: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._tokens = tokens
        self._token_value = ""
        self._token_renew_at = 0.0
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=timeout_s, transport=transport
        )

    def _token(self) -> str:
        """A 5-minute `service` token, signed anew after 4 minutes (not once per donor)."""
        now = monotonic()
        if now >= self._token_renew_at:
            self._token_value = issue_token(
                self._tokens, sub=SERVICE_SUBJECT, role=Role.SERVICE, ttl=TOKEN_TTL
            )
            self._token_renew_at = now + (TOKEN_TTL - TOKEN_RENEW_BEFORE).total_seconds()
        return self._token_value

    async def get(self, donor_id: uuid.UUID) -> DonorProfile:
        try:
            response = await self._client.get(
                f"/v1/donors/{donor_id}", headers={"Authorization": f"Bearer {self._token()}"}
            )
        except httpx.HTTPError as exc:
            raise DonorLookupError(f"donations unreachable: {type(exc).__name__}") from exc
        if response.status_code == 404:
            raise DonorNotFoundError(str(donor_id))
        if response.status_code != 200:
            raise DonorLookupError(f"donations answered {response.status_code}")
        try:
            body = _DonorBody.model_validate_json(response.content)
        except ValidationError as exc:
            raise DonorLookupError("donations answered an unreadable donor") from exc
        return _profile(body)

    async def get_many(self, donor_ids: list[uuid.UUID]) -> dict[uuid.UUID, DonorProfile]:
        unique = list(dict.fromkeys(donor_ids))
        found: dict[uuid.UUID, DonorProfile] = {}
        for start in range(0, len(unique), LOOKUP_MAX):
            chunk = unique[start : start + LOOKUP_MAX]
            try:
                response = await self._client.post(
                    "/v1/donors/lookup",
                    json={"ids": [str(i) for i in chunk]},
                    headers={"Authorization": f"Bearer {self._token()}"},
                )
            except httpx.HTTPError as exc:
                raise DonorLookupError(f"donations unreachable: {type(exc).__name__}") from exc
            if response.status_code != 200:
                raise DonorLookupError(f"donations answered {response.status_code}")
            try:
                items = _DonorsFound.model_validate_json(response.content).items
            except ValidationError as exc:
                raise DonorLookupError("donations answered unreadable donors") from exc
            found.update((body.id, _profile(body)) for body in items)
        return found

    async def aclose(self) -> None:
        await self._client.aclose()


def _profile(body: _DonorBody) -> DonorProfile:
    preferred = body.preferred_channel
    return DonorProfile(
        id=body.id,
        kind=body.kind,
        display_name=body.display_name,
        salutation=body.salutation,
        anonymous=body.anonymous,
        email=body.email or None,
        phone=body.phone or None,
        address=body.address or None,
        preferred_channel=Channel(preferred) if preferred in set(Channel) else None,
        opted_out=body.opted_out,
    )
