"""The Zalo OA's access token renews itself through Zalo's OAuth server (a local HTTP server
answering as `oauth.zaloapp.com/v4/oa/access_token` does): before it expires, when Zalo
refuses it, and along the chain of refresh tokens Zalo rotates; a refused renewal fails the
delivery the usual way, without a token in what is recorded."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conftest import Kit, ProviderStub

APP_ID = "4291763606161179100"
APP_SECRET = "app-secret-value"


def _renewing(zalo: ProviderStub, oauth: ProviderStub, **more: Any) -> dict[str, Any]:
    return {
        "zalo_url": f"{zalo.url}/message/template",
        "zalo_template_id": "284512",
        "zalo_app_id": APP_ID,
        "zalo_app_secret": APP_SECRET,
        "zalo_refresh_token": "refresh-1",
        "zalo_oauth_url": f"{oauth.url}/v4/oa/access_token",
        **more,
    }


def _tokens(n: int, lifetime: str = "90000") -> dict[str, str]:
    """Zalo's answer to the n-th renewal (it gives `expires_in` as a string)."""
    return {
        "access_token": f"access-{n}",
        "refresh_token": f"refresh-{n + 1}",
        "expires_in": lifetime,
    }


async def test_a_refused_access_token_is_renewed_and_the_message_sent_again(
    kit: Kit, zalo: ProviderStub, zalo_oauth: ProviderStub
) -> None:
    zalo.answers.append({"error": -124, "message": "Access token is invalid"})
    zalo_oauth.answers.append(_tokens(1))
    service = await kit.start(**_renewing(zalo, zalo_oauth, zalo_access_token="stale-token"))
    donor = kit.donors.add(phone="0987654321", preferred_channel="zalo")

    await kit.events.publish(kit.gift(donor, 100_000))

    [sent] = await kit.wait_for_status(service, "sent")
    assert sent["channel"] == "zalo"
    assert [r["headers"]["access_token"] for r in zalo.requests] == ["stale-token", "access-1"]
    [renewal] = zalo_oauth.requests
    assert renewal["path"] == "/v4/oa/access_token"
    assert renewal["headers"]["secret_key"] == APP_SECRET
    assert renewal["form"] == {
        "app_id": APP_ID,
        "grant_type": "refresh_token",
        "refresh_token": "refresh-1",
    }


async def test_tokens_are_renewed_before_they_expire_along_the_rotated_chain(
    kit: Kit, zalo: ProviderStub, zalo_oauth: ProviderStub
) -> None:
    zalo_oauth.answers.extend([_tokens(1, lifetime="1"), _tokens(2)])
    service = await kit.start(**_renewing(zalo, zalo_oauth, zalo_token_margin_s=0))
    donor = kit.donors.add(phone="0987654321", preferred_channel="zalo")

    await kit.events.publish(kit.gift(donor, 100_000))
    await kit.wait_for_status(service, "sent")
    await asyncio.sleep(1.2)  # access-1 lived one second
    await kit.events.publish(kit.gift(donor, 200_000))
    await kit.wait_for_status(service, "sent", count=2)
    await kit.events.publish(kit.gift(donor, 300_000))
    await kit.wait_for_status(service, "sent", count=3)

    # No token at start: renewed before the first message; the spent refresh token is
    # never sent again; access-2 lives 25 hours and serves the third message too.
    assert [r["form"]["refresh_token"] for r in zalo_oauth.requests] == ["refresh-1", "refresh-2"]
    tokens = [r["headers"]["access_token"] for r in zalo.requests]
    assert tokens == ["access-1", "access-2", "access-2"]


async def test_a_refused_renewal_fails_the_delivery_without_a_token_in_its_record(
    kit: Kit, zalo: ProviderStub, zalo_oauth: ProviderStub
) -> None:
    service = await kit.start(**_renewing(zalo, zalo_oauth), delivery_max_attempts=2)
    donor = kit.donors.add(phone="0987654321", preferred_channel="zalo")

    await kit.events.publish(kit.gift(donor, 100_000))

    [failed] = await kit.wait_for_status(service, "failed")
    assert failed["provider_status"] == "Zalo token"
    assert "-14014" in failed["last_error"]
    assert "Invalid refresh token" in failed["last_error"]
    assert "refresh-1" not in str(failed)
    assert APP_SECRET not in str(failed)
    assert len(zalo_oauth.requests) == 2  # tried again with the next attempt
    assert zalo.requests == []
