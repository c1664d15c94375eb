"""Donations settings (env prefix `DONATIONS_`): the funds and their accounts are configuration."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import SettingsConfigDict

from baotro_donations.domain.ledger_accounts import BankAccount, Fund, FundLevel
from baotro_shared.pii_settings import PiiKeySettings
from baotro_shared.settings import ServiceSettings


class BankAccountConfig(BaseModel):
    key: str = Field(description="short key, e.g. AGRIBANK; ledger account 112.<key>")
    bank_name: str
    number: str = Field(description="as printed by the bank, e.g. 3500.431.101.000.909")
    bin: str | None = Field(None, description="NAPAS BIN for VietQR, e.g. 970405 (Agribank)")
    vietqr: bool = Field(False, description="codes' QR images point at this account")


class FundConfig(BaseModel):
    code: str = Field(description="book code; prefixes receipt numbers, e.g. TH")
    name: str
    level: Literal["province", "commune"] = "province"
    commune_code: str | None = None
    payment_code_prefix: str = Field(description="2–4 letters starting every payment code")
    bank_accounts: list[BankAccountConfig]
    governing_body: str | None = Field(
        None, description="agency over the fund, top left of receipts, e.g. SỞ Y TẾ TỈNH THANH HÓA"
    )
    address: str | None = Field(None, description="postal address printed on receipts")
    phone: str | None = Field(None, description="phone number printed on receipts")
    director_title: str = Field("GIÁM ĐỐC", description="title in the head's signature block")
    director_name: str | None = Field(None, description="head of the fund who signs receipts")
    accountant_name: str | None = Field(None, description="accountant who signs receipts")

    def ledger_fund(self) -> Fund:
        return Fund(
            code=self.code,
            name=self.name,
            level=FundLevel(self.level),
            bank_accounts=tuple(
                BankAccount(key=b.key, bank_name=b.bank_name, number=b.number)
                for b in self.bank_accounts
            ),
        )

    def vietqr_account(self) -> BankAccountConfig | None:
        """The account that QR codes point at (the State Treasury cannot receive VietQR)."""
        return next((b for b in self.bank_accounts if b.vietqr and b.bin), None)


THANH_HOA_PROVINCE_FUND = FundConfig(
    code="TH",
    name="Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa",
    level="province",
    payment_code_prefix="TH",
    # Child affairs moved to the health sector in 2025 (design/mission.md); the address is the
    # letter's "số 74 Tô Vĩnh Diện, phường Đông Thọ", in the wards of 1 July 2025.
    governing_body="SỞ Y TẾ TỈNH THANH HÓA",
    address="Số 74 Tô Vĩnh Diện, phường Hạc Thành, tỉnh Thanh Hóa",
    bank_accounts=[
        BankAccountConfig(
            key="KBNN",
            bank_name="Kho bạc Nhà nước tỉnh Thanh Hóa",
            number="3751.0.111.4523",
        ),
        BankAccountConfig(
            key="AGRIBANK",
            bank_name="Agribank chi nhánh Thanh Hóa",
            number="3500.431.101.000.909",
            bin="970405",
            vietqr=True,
        ),
    ],
)
"""The letter's two accounts (Công văn 2021); configuration, overridable by DONATIONS_FUNDS."""


class DonationsSettings(PiiKeySettings, ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DONATIONS_", extra="ignore")

    service_name: str = "donations"
    port: int = 8002
    funds: list[FundConfig] = Field(default_factory=lambda: [THANH_HOA_PROVINCE_FUND])
    """JSON in DONATIONS_FUNDS; the first fund is the default one."""

    sepay_api_key: str | None = Field(
        None, description="SePay webhook: the key SePay sends as `Authorization: Apikey <key>`"
    )
    sepay_hmac_secret: str | None = Field(
        None, description="SePay webhook: HMAC-SHA256 secret (signed, timestamped webhooks)"
    )
    casso_checksum_key: str | None = Field(
        None, description="Casso v2 webhook: the checksum key of X-Casso-Signature"
    )
    webhook_tolerance_seconds: int = Field(
        300, description="signed webhooks: how far their timestamp may be from now"
    )
    match_automatic: float = Field(
        0.9, description="reconciliation: confidence from which a match is applied automatically"
    )
    match_suggest: float = Field(
        0.5, description="reconciliation: confidence from which a match is suggested for review"
    )
    import_inline_bytes: int = Field(
        256_000, description="statements up to this size are imported before answering"
    )

    def fund(self, code: str) -> FundConfig | None:
        return next((f for f in self.funds if f.code == code), None)
