"""The fund's chart of accounts: funds (one book each), accounts, restrictions (earmarks).

Circular 41/2022/TT-BTC asks for separate books for charity money, so a fund (the province
fund, each commune fund) is one book with its own chart. This is the fund's management chart;
mapping it to the statutory chart is a reporting concern.

    1xx  assets (debit-normal)
         111         Tiền mặt                           cash
         112.<KEY>   Tiền gửi ngân hàng, kho bạc        one per configured bank account
         152         Hiện vật nhận tài trợ              in-kind goods received
    3xx  net assets / fund balances (credit-normal)
         311         Quỹ không hạn chế                  unrestricted (opening balances, closing)
         312         Quỹ có hạn chế                     restricted (opening balances, closing)
         390         Điều chuyển nguồn quỹ              transfers between restrictions
    5xx  income (credit-normal)
         511         Thu tài trợ bằng tiền              cash and bank donations
         512         Thu tài trợ bằng hiện vật          in-kind donations
    6xx  expenses by purpose (debit-normal): 611 … 691, see `EXPENSE_ACCOUNTS`

Every posting also carries a restriction (None = unrestricted) and every entry balances within
each restriction, so the restriction is a balancing segment: the money of appeal X is the sum
of the asset accounts tagged X, which always equals X's net assets + income − expenses.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date

Money = int
"""An amount in đồng; never a float."""

_BANK_KEY = re.compile(r"^[A-Z0-9_]{1,20}$")
_FUND_CODE = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$")
FUND_CODE_MAX_LENGTH = 16


class LedgerRefusedError(Exception):
    """A refused ledger operation: `status` is the HTTP status to use, `message` Vietnamese."""

    def __init__(self, status: int, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


class InsufficientBalanceError(LedgerRefusedError):
    """Not enough money where it is asked for; `shortfall` = `required` − `available`."""

    def __init__(self, message: str, *, required: Money, available: Money) -> None:
        super().__init__(409, message, field="amount")
        self.required = required
        self.available = available
        self.shortfall = required - available


def format_dong(amount: Money) -> str:
    """`1250000` → "1.250.000 đồng" (Vietnamese thousands separator)."""
    return f"{amount:,} đồng".replace(",", ".")


def format_date_vi(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def check_amount(amount: object, *, field: str = "amount") -> Money:
    """`amount` as a positive integer number of đồng; refuses floats, bools and zero."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise LedgerRefusedError(
            422, "Số tiền phải là số nguyên đồng (không có phần lẻ).", field=field
        )
    if amount <= 0:
        raise LedgerRefusedError(422, "Số tiền phải lớn hơn 0 đồng.", field=field)
    return amount


def check_date(day: object, *, field: str = "date") -> date:
    """A calendar date (a datetime is refused: entries are dated, not timed)."""
    if type(day) is not date:
        raise LedgerRefusedError(
            422, "Ngày hạch toán phải là một ngày (không kèm giờ).", field=field
        )
    return day


class AccountKind(enum.StrEnum):
    ASSET = "asset"
    NET_ASSETS = "net_assets"
    INCOME = "income"
    EXPENSE = "expense"

    @property
    def debit_normal(self) -> bool:
        """Assets and expenses grow with debits; net assets and income with credits."""
        return self in (AccountKind.ASSET, AccountKind.EXPENSE)


class AssetType(enum.StrEnum):
    BANK = "bank"
    CASH = "cash"
    IN_KIND = "in_kind"


@dataclass(frozen=True)
class Account:
    code: str
    name: str
    kind: AccountKind
    asset_type: AssetType | None = None


CASH = Account("111", "Tiền mặt", AccountKind.ASSET, AssetType.CASH)
IN_KIND = Account("152", "Hiện vật nhận tài trợ", AccountKind.ASSET, AssetType.IN_KIND)
UNRESTRICTED_NET_ASSETS = Account("311", "Quỹ không hạn chế", AccountKind.NET_ASSETS)
RESTRICTED_NET_ASSETS = Account("312", "Quỹ có hạn chế", AccountKind.NET_ASSETS)
TRANSFERS_BETWEEN_RESTRICTIONS = Account("390", "Điều chuyển nguồn quỹ", AccountKind.NET_ASSETS)
CASH_DONATIONS = Account("511", "Thu tài trợ bằng tiền", AccountKind.INCOME)
IN_KIND_DONATIONS = Account("512", "Thu tài trợ bằng hiện vật", AccountKind.INCOME)


class Purpose(enum.StrEnum):
    """What a disbursement pays for; each purpose is one expense account."""

    SCHOLARSHIP = "scholarship"
    SCHOOL_SUPPLIES = "school_supplies"
    MEDICAL = "medical"
    NUTRITION = "nutrition"
    HOUSING = "housing"
    LIVING_COSTS = "living_costs"
    ASSISTIVE_DEVICE = "assistive_device"
    VOCATIONAL_TRAINING = "vocational_training"
    EMERGENCY_RELIEF = "emergency_relief"
    GIFTS = "gifts"
    FUND_OPERATIONS = "fund_operations"
    OTHER = "other"


EXPENSE_ACCOUNTS: dict[Purpose, Account] = {
    purpose: Account(code, name, AccountKind.EXPENSE)
    for purpose, code, name in (
        (Purpose.SCHOLARSHIP, "611", "Chi học bổng, học phí"),
        (Purpose.SCHOOL_SUPPLIES, "612", "Chi sách vở, đồ dùng học tập"),
        (Purpose.MEDICAL, "613", "Chi khám chữa bệnh, phẫu thuật"),
        (Purpose.NUTRITION, "614", "Chi dinh dưỡng"),
        (Purpose.HOUSING, "615", "Chi xây, sửa nhà ở"),
        (Purpose.LIVING_COSTS, "616", "Chi trợ cấp sinh hoạt"),
        (Purpose.ASSISTIVE_DEVICE, "617", "Chi dụng cụ hỗ trợ"),
        (Purpose.VOCATIONAL_TRAINING, "618", "Chi học nghề"),
        (Purpose.EMERGENCY_RELIEF, "619", "Chi hỗ trợ đột xuất"),
        (Purpose.GIFTS, "621", "Chi quà tặng (Tết, Trung thu, Tháng hành động)"),
        (Purpose.FUND_OPERATIONS, "631", "Chi hoạt động của quỹ"),
        (Purpose.OTHER, "691", "Chi khác"),
    )
}


class RestrictionKind(enum.StrEnum):
    APPEAL = "appeal"
    CASE = "case"
    CAMPAIGN = "campaign"
    SPONSORSHIP = "sponsorship"


RESTRICTION_NAMES_VI: dict[RestrictionKind, str] = {
    RestrictionKind.APPEAL: "bài kêu gọi",
    RestrictionKind.CASE: "hồ sơ trẻ",
    RestrictionKind.CAMPAIGN: "đợt vận động",
    RestrictionKind.SPONSORSHIP: "đỡ đầu",
}


@dataclass(frozen=True, order=True)
class Restriction:
    """Money earmarked by the donor for one appeal, child's case, campaign or sponsorship."""

    kind: RestrictionKind
    id: str

    def __post_init__(self) -> None:
        if not self.id or self.id != self.id.strip() or ":" in self.id:
            raise LedgerRefusedError(
                422, "Mã nguồn quỹ có hạn chế không được trống, có khoảng trắng thừa hay dấu ':'."
            )

    @property
    def key(self) -> str:
        """`restricted:<kind>:<id>`, the sub-ledger key of the restricted fund balance."""
        return f"restricted:{self.kind.value}:{self.id}"


def restriction_key(restriction: Restriction | None) -> str:
    return "unrestricted" if restriction is None else restriction.key


def restriction_label(restriction: Restriction | None) -> str:
    """Vietnamese wording for messages: "quỹ có hạn chế (bài kêu gọi A-12)"."""
    if restriction is None:
        return "quỹ không hạn chế"
    return f"quỹ có hạn chế ({RESTRICTION_NAMES_VI[restriction.kind]} {restriction.id})"


@dataclass(frozen=True)
class BankAccount:
    """A configured bank or State Treasury account: `key` short (e.g. "KBNN"), `number` as
    printed by the bank (e.g. "3751.0.111.4523")."""

    key: str
    bank_name: str
    number: str

    def __post_init__(self) -> None:
        if not _BANK_KEY.match(self.key):
            raise LedgerRefusedError(
                422, "Mã tài khoản ngân hàng chỉ gồm chữ in hoa, chữ số và '_' (tối đa 20 ký tự)."
            )

    @property
    def account(self) -> Account:
        return Account(
            f"112.{self.key}",
            f"Tiền gửi {self.bank_name} {self.number}",
            AccountKind.ASSET,
            AssetType.BANK,
        )


class FundLevel(enum.StrEnum):
    PROVINCE = "province"
    COMMUNE = "commune"


@dataclass(frozen=True)
class Fund:
    """One book: the province fund or a commune fund. `code` prefixes its receipt numbers."""

    code: str
    name: str
    level: FundLevel
    bank_accounts: tuple[BankAccount, ...] = ()
    accounts: dict[str, Account] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if len(self.code) > FUND_CODE_MAX_LENGTH or not _FUND_CODE.match(self.code):
            raise LedgerRefusedError(
                422,
                "Mã quỹ gồm chữ in hoa và chữ số, bắt đầu bằng chữ, có thể nối bằng '-' "
                f"(tối đa {FUND_CODE_MAX_LENGTH} ký tự).",
                field="code",
            )
        object.__setattr__(self, "bank_accounts", tuple(self.bank_accounts))
        keys = [bank.key for bank in self.bank_accounts]
        if len(set(keys)) != len(keys):
            raise LedgerRefusedError(422, "Mã tài khoản ngân hàng trong một quỹ bị trùng.")
        fixed = (
            CASH,
            IN_KIND,
            UNRESTRICTED_NET_ASSETS,
            RESTRICTED_NET_ASSETS,
            TRANSFERS_BETWEEN_RESTRICTIONS,
            CASH_DONATIONS,
            IN_KIND_DONATIONS,
            *EXPENSE_ACCOUNTS.values(),
        )
        chart = {account.code: account for account in fixed}
        chart.update({bank.account.code: bank.account for bank in self.bank_accounts})
        object.__setattr__(self, "accounts", chart)

    def account(self, code: str) -> Account:
        """The account `code` of this fund's chart; 422 when the fund has no such account."""
        try:
            return self.accounts[code]
        except KeyError:
            raise LedgerRefusedError(
                422, f"Tài khoản {code} không có trong sổ của quỹ {self.code}.", field="account"
            ) from None

    def asset_account(self, code: str) -> Account:
        account = self.account(code)
        if account.kind is not AccountKind.ASSET:
            raise LedgerRefusedError(
                422,
                f"Tài khoản {code} ({account.name}) không phải tài khoản tiền hay hiện vật.",
                field="account",
            )
        return account
