"""The Zalo OA's access token, renewed with its refresh token before it expires (it lives 25
hours) and when Zalo refuses it.

Zalo gives a new refresh token with every renewal and the one used is spent, so the chain
lives in the database (`zalo_tokens`, one row) and a renewal holds that row's lock from
reading the refresh token to storing the next: the service's processes share one chain and
never spend a refresh token twice. Tokens are never logged.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import structlog
from sqlalchemy import select

from baotro_notifications.adapters.orm_zalo import ZaloTokenRecord
from baotro_notifications.adapters.upsert import insert_unless_exists
from baotro_notifications.settings import NotificationsSettings
from baotro_shared.uow import UnitOfWork

log = structlog.get_logger(__name__)

DEFAULT_LIFETIME_S = 90_000
"""What Zalo's `expires_in` says of an access token (25 hours), when it says nothing."""


class ZaloTokenError(Exception):
    """No access token to be had: the renewal was refused or Zalo could not be reached."""


class ZaloTokens:
    """The access token to send with; see the module's docstring. Without renewal configured
    (no app id, secret and refresh token), the settings' access token, as it is."""

    def __init__(
        self,
        settings: NotificationsSettings,
        client: httpx.AsyncClient,
        new_uow: Callable[[], UnitOfWork],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._settings = settings
        self._client = client
        self._new_uow = new_uow
        self._clock = clock
        self._margin = timedelta(seconds=settings.zalo_token_margin_s)
        self._lock = asyncio.Lock()
        self._token: str | None = None
        self._expires_at: datetime | None = None

    @property
    def renewable(self) -> bool:
        return self._settings.zalo_renewal_enabled

    async def access_token(self) -> str:
        if not self.renewable:
            if not self._settings.zalo_access_token:
                raise ZaloTokenError("no Zalo access token configured")
            return self._settings.zalo_access_token
        if self._token is not None and self._usable(self._token, self._expires_at, None):
            return self._token
        return await self._current(refused=None)

    async def renew(self, refused: str) -> str:
        """An access token other than `refused`, which Zalo said is not valid."""
        if not self.renewable:
            raise ZaloTokenError("Zalo refused the access token and no renewal is configured")
        return await self._current(refused=refused)

    def _usable(self, token: str | None, expires_at: datetime | None, refused: str | None) -> bool:
        if not token or token == refused:
            return False
        return expires_at is None or expires_at - self._margin > self._clock()

    async def _current(self, refused: str | None) -> str:
        async with self._lock:  # one renewal at a time in this process (the row: across them)
            if self._usable(self._token, self._expires_at, refused):
                assert self._token is not None
                return self._token  # renewed while this task waited
            async with self._new_uow() as uow:
                record = await self._locked_record(uow)
                if not self._usable(record.access_token, record.expires_at, refused):
                    await self._renew(record)
                await uow.commit()
                self._token, self._expires_at = record.access_token, record.expires_at
        assert self._token is not None
        return self._token

    async def _locked_record(self, uow: UnitOfWork) -> ZaloTokenRecord:
        """The chain's row, locked; started (or started again) from the settings' tokens
        when there is none yet or the settings give a refresh token of a new authorisation."""
        settings = self._settings
        assert settings.zalo_refresh_token is not None
        seed = hashlib.sha256(settings.zalo_refresh_token.encode()).hexdigest()
        first = {
            "id": 1,
            "access_token": settings.zalo_access_token,
            "refresh_token": settings.zalo_refresh_token,
            "expires_at": None,
            "renewed_at": None,
            "seed_sha256": seed,
        }
        await insert_unless_exists(uow.session, ZaloTokenRecord.__table__, first)  # type: ignore[arg-type]
        query = select(ZaloTokenRecord).where(ZaloTokenRecord.id == 1).with_for_update()
        record = (await uow.session.scalars(query)).one()
        if record.seed_sha256 != seed:
            log.warning("notifications.zalo.authorised_again")
            record.access_token = settings.zalo_access_token
            record.refresh_token = settings.zalo_refresh_token
            record.expires_at, record.seed_sha256 = None, seed
        return record

    async def _renew(self, record: ZaloTokenRecord) -> None:
        settings = self._settings
        assert settings.zalo_app_id is not None
        assert settings.zalo_app_secret is not None
        form = {
            "app_id": settings.zalo_app_id,
            "grant_type": "refresh_token",
            "refresh_token": record.refresh_token,
        }
        try:
            response = await self._client.post(
                settings.zalo_oauth_url, data=form, headers={"secret_key": settings.zalo_app_secret}
            )
        except httpx.HTTPError as exc:
            raise ZaloTokenError(f"Zalo OAuth unreachable: {type(exc).__name__}") from exc
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise ZaloTokenError(f"Zalo OAuth HTTP {response.status_code}: unreadable answer")
        access, refresh = answer.get("access_token"), answer.get("refresh_token")
        if response.status_code >= 400 or not access or not refresh:
            error = answer.get("error", response.status_code)
            reason = answer.get("error_description") or answer.get("error_name") or "refused"
            log.error("notifications.zalo.renewal_refused", error=error, reason=str(reason)[:200])
            raise ZaloTokenError(f"Zalo OAuth error {error}: {str(reason)[:300]}")
        try:
            lifetime = int(answer.get("expires_in") or DEFAULT_LIFETIME_S)
        except (TypeError, ValueError):
            lifetime = DEFAULT_LIFETIME_S
        now = self._clock()
        record.access_token, record.refresh_token = str(access), str(refresh)
        record.expires_at, record.renewed_at = now + timedelta(seconds=lifetime), now
        log.info("notifications.zalo.renewed", expires_at=record.expires_at.isoformat())
