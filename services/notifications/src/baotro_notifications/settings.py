"""Notifications settings (env prefix `NOTIFICATIONS_`): where contact details come from, the
channels' endpoints and credentials, retries, the unit-summary quiet period, the letterhead."""

from __future__ import annotations

from datetime import time
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from baotro_shared.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore")

    service_name: str = "notifications"
    port: int = 8003

    # where contact details and preferences come from (asked at send time, never stored)
    donations_url: str = "http://127.0.0.1:8002"
    donations_timeout_s: float = 5.0

    # e-mail
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_tls: bool = False
    smtp_timeout_s: float = 15.0
    smtp_connections: int = Field(8, ge=0)
    """SMTP connections kept open and reused, one message at a time each (0: a new connection
    per message). A connection the server closed meanwhile is replaced and the message sent
    again once."""
    smtp_connection_max_messages: int = Field(100, ge=1)
    smtp_connection_idle_s: float = 30.0
    """A kept connection unused this long is closed instead of reused."""
    mail_from: str = "Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa <camon@quybaotrotreem.thanhhoa.gov.vn>"
    mail_reply_to: str | None = None
    email_letter: Literal["pdf", "html"] = "pdf"
    """pdf: a plain-text e-mail with the signed letter attached as a PDF drawn at send time
    (ReportLab, ~8 ms of CPU per letter); html: the letter itself is the e-mail's HTML body
    (plain text alongside) and its PDF is drawn on demand by
    `GET /v1/deliveries/{id}/letter.pdf`, then kept. Printed letters (channel post) are always
    drawn at send time."""
    render_processes: int = Field(0, ge=0)
    """0: PDFs are drawn in one worker thread of the service (ReportLab is Python: it shares
    the service's core); N: in a pool of N worker processes, at a lower CPU priority than the
    service (its API and consumer stay responsive) — for machines with cores to spare."""
    render_process_max_letters: int = Field(5000, ge=1)
    """A render process is replaced after this many PDFs (bounds any slow growth)."""

    # SMS through eSMS.vn (JSON API SendMultipleMessage_V4_post_json); None = no SMS
    sms_url: str | None = None
    sms_api_key: str | None = None
    sms_secret_key: str | None = None
    sms_brandname: str | None = None
    sms_type: str = "2"
    """eSMS SmsType: 2 = customer care message with a registered brand name."""
    sms_sandbox: bool = False

    # Zalo Notification Service (an approved template per notice kind); None = no Zalo
    zalo_url: str = "https://business.openapi.zalo.me/message/template"
    zalo_access_token: str | None = None
    zalo_template_id: str | None = None
    """The approved ZNS template of thank-you notices (params below)."""
    zalo_app_id: str | None = None
    zalo_app_secret: str | None = None
    zalo_refresh_token: str | None = None
    """With the app's id and secret, the OA's access token is renewed by itself: an access
    token lives 25 hours and each renewal gives a new refresh token (kept in the database,
    shared by every process). This one is the first, from the OA's authorisation; an
    `zalo_access_token` given too is used until it expires or is refused."""
    zalo_oauth_url: str = "https://oauth.zaloapp.com/v4/oa/access_token"
    zalo_token_margin_s: float = 600.0
    """An access token this close to its expiry is renewed before use."""

    # delivery retries: exponential backoff, then failed (a person may retry)
    delivery_max_attempts: int = Field(5, ge=1)
    delivery_backoff_initial_s: float = 30.0
    delivery_backoff_max_s: float = 3600.0
    donor_lookup_backoff_initial_s: float = 5.0
    donor_lookup_backoff_max_s: float = 600.0
    dispatch_interval_s: float = 0.25
    """How often an idle dispatcher looks for due notices (a poll is one indexed query)."""
    dispatch_batch_size: int = 50
    """Notices leased, read and recorded together (one transaction each way per round)."""
    dispatch_concurrency: int = 16
    """Notices of a round on their way at once (donor lookup, rendering, sending)."""
    dispatch_lease_s: float = 300.0
    """A claimed notice not finished within this time (a crash) is picked up again."""

    # many gifts of one unit to one campaign pledge: one summary after this quiet time
    unit_summary_quiet_period_s: float = 3 * 24 * 3600.0

    # commendation rules are evaluated every night at this Vietnam time (and on demand)
    commendation_evaluation_enabled: bool = True
    commendation_evaluation_time: time = time(1, 30)

    # the letterhead and the signature block
    fund_name: str = "Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa"
    fund_parent_body: str = "Sở Y tế tỉnh Thanh Hóa"
    fund_address: str = "Thành phố Thanh Hóa, tỉnh Thanh Hóa"
    fund_phone: str | None = None
    place_name: str = "Thanh Hóa"
    director_title: str = "Giám đốc"
    director_name: str = ""
    """Printed under the signature; set NOTIFICATIONS_DIRECTOR_NAME."""
    certificate_number_suffix: str = "GK-QBTTE"

    @model_validator(mode="after")
    def _refuse_half_configured_channels(self) -> NotificationsSettings:
        if self.sms_url and not (self.sms_api_key and self.sms_secret_key):
            raise ValueError(
                "NOTIFICATIONS_SMS_URL needs NOTIFICATIONS_SMS_API_KEY and _SECRET_KEY"
            )
        renewal = (self.zalo_app_id, self.zalo_app_secret, self.zalo_refresh_token)
        if any(renewal) and not all(renewal):
            raise ValueError(
                "NOTIFICATIONS_ZALO_REFRESH_TOKEN, _APP_ID and _APP_SECRET go together"
            )
        return self

    @property
    def zalo_renewal_enabled(self) -> bool:
        return bool(self.zalo_app_id and self.zalo_app_secret and self.zalo_refresh_token)

    @property
    def sms_enabled(self) -> bool:
        return bool(self.sms_url and self.sms_api_key and self.sms_secret_key)

    @property
    def zalo_enabled(self) -> bool:
        token = self.zalo_access_token or self.zalo_renewal_enabled
        return bool(self.zalo_url and token and self.zalo_template_id)
