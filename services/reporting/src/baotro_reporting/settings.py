"""Reporting settings (env prefix `REPORTING_`): the portal's fund, its public accounts."""

from __future__ import annotations

from pydantic import BaseModel, Field
from pydantic_settings import SettingsConfigDict

from baotro_shared.settings import ServiceSettings


class PublicAccount(BaseModel):
    """One of the fund's own receiving accounts (public by design: people give to it)."""

    bank_name: str
    number: str = Field(description="as the bank prints it, e.g. 3500.431.101.000.909")
    holder: str = "Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa"
    bin: str | None = Field(None, description="NAPAS BIN when the account receives VietQR")


THANH_HOA_ACCOUNTS = [
    PublicAccount(bank_name="Kho bạc Nhà nước tỉnh Thanh Hóa", number="3751.0.111.4523"),
    PublicAccount(
        bank_name="Agribank chi nhánh Thanh Hóa", number="3500.431.101.000.909", bin="970405"
    ),
]
"""The letter's two accounts; the State Treasury account cannot receive VietQR."""


class ReportingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore")

    service_name: str = "reporting"
    port: int = 8004
    fund_name: str = "Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa"
    fund_code: str = Field("TH", description="the fund the portal and reports show by default")
    accounts: list[PublicAccount] = Field(default_factory=lambda: list(THANH_HOA_ACCOUNTS))
    """JSON in REPORTING_ACCOUNTS."""
    general_memo: str = Field("UNG HO QUY BTTE THANH HOA", max_length=25)
    """The memo of the general VietQR code on /ung-ho (25 ASCII characters at most)."""
    statement_page_size: int = Field(20, ge=1, le=100)
    consumer_batch_size: int = Field(500, ge=1)
    """Events applied in one transaction: a replay of the statement sends gifts by the
    thousand, applied at once (`entrypoints.consumers.BATCH_HANDLERS`); 500 replayed about 1.4×
    as fast as 100 (fewer commits)."""
    portal_figures_ttl_s: float = Field(30.0, ge=0)
    """How old the home page's totals and campaign progress may be (0: computed each time)."""
    statement_cache_ttl_s: float = Field(30.0, ge=0)
    """How long a page of a public statement search is kept for the same search asked again
    while no line is written (0: no cache). Only the campaign names and appeal aliases shown
    may be this old: new lines drop the kept pages (`adapters.statement_cache`)."""
    statement_cache_check_ms: int = Field(1000, ge=0)
    """How often each process asks the database whether statement lines were added, while its
    cache answers searches from memory: a search shows the lines committed this long before it
    (0: asked before every search)."""
    statement_cache_max_mib: float = Field(32.0, gt=0)
    """The pages one process keeps, in MiB (the least recently asked go first)."""
    statement_index: bool = True
    """Hold the public statement's word index and shown columns in memory (PostgreSQL only;
    about 750 MiB and 25–45 s of building per process for a million lines): a search then costs
    PostgreSQL nothing (`adapters.statement_index`). Off: every search runs in SQL."""
    statement_index_max_added: int = Field(20_000, ge=0)
    """Lines indexed apart since the index was built before it is built anew as one."""
    statement_names_max_age_s: float = Field(30.0, ge=0)
    """With the index: how old the campaign names and appeal aliases that the purposes of its
    lines show may be (read again whenever lines are added, and at least this often)."""

    def vietqr_account(self) -> PublicAccount | None:
        return next((a for a in self.accounts if a.bin), None)
