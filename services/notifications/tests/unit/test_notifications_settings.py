"""Channel settings: Zalo is on with an access token or with what renews one; half of the
renewal's settings is refused at start-up rather than failing the first thank-you."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from baotro_notifications.settings import NotificationsSettings

RENEWAL = {"zalo_app_id": "4291763606161179100", "zalo_app_secret": "s", "zalo_refresh_token": "r"}


def test_zalo_is_on_with_an_access_token_or_with_its_renewal() -> None:
    assert not NotificationsSettings(zalo_template_id="284512").zalo_enabled
    given = NotificationsSettings(zalo_template_id="284512", zalo_access_token="t")
    renewed = NotificationsSettings(zalo_template_id="284512", **RENEWAL)

    assert given.zalo_enabled
    assert not given.zalo_renewal_enabled
    assert renewed.zalo_enabled
    assert renewed.zalo_renewal_enabled


@pytest.mark.parametrize("missing", sorted(RENEWAL))
def test_half_of_the_renewal_settings_is_refused(missing: str) -> None:
    partial = {name: value for name, value in RENEWAL.items() if name != missing}

    with pytest.raises(ValidationError, match="go together"):
        NotificationsSettings(zalo_template_id="284512", **partial)
