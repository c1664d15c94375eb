"""Column profiles of Vietnamese banks' statement exports (CSV and XLSX), like Odoo/OCA's sheet
import: which header names hold the date, the memo, the amounts; the thousands separator;
whether blank dates are filled down.

Header names are compared folded and in lower case ("Ngày hạch toán" = "ngay hach toan").
A profile is detected from the first rows when the user does not name one: the header row is
the first row that has a date, a memo and an amount column of the profile; the profile that
recognises the most columns wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from baotro_shared.text import fold_lower


@dataclass(frozen=True)
class ColumnProfile:
    name: str
    bank_name: str
    date: tuple[str, ...]
    memo: tuple[str, ...]
    credit: tuple[str, ...] = ()
    debit: tuple[str, ...] = ()
    amount: tuple[str, ...] = ()
    """One signed amount column (negative = money out), instead of credit/debit."""
    time: tuple[str, ...] = ()
    balance: tuple[str, ...] = ()
    document_number: tuple[str, ...] = ()
    reference: tuple[str, ...] = ()
    counterparty: tuple[str, ...] = ()
    thousands: str = ""
    """"." or ","; "" infers it per cell."""
    fill_down_dates: bool = False
    date_holds_document_number: bool = False
    """Vietcombank CashUp: one column "DD/MM/YYYY DocNo"."""

    def columns(self) -> dict[str, tuple[str, ...]]:
        return {
            "date": self.date,
            "memo": self.memo,
            "credit": self.credit,
            "debit": self.debit,
            "amount": self.amount,
            "time": self.time,
            "balance": self.balance,
            "document_number": self.document_number,
            "reference": self.reference,
            "counterparty": self.counterparty,
        }


_MEMO = ("transactiondetails", "description", "noi dung", "mo ta giao dich", "dien giai", "mo ta")


def _statement_export(name: str, bank_name: str) -> ColumnProfile:
    """The columns of VietinBank and Agribank statements as published (PDF turned into CSV)."""
    return ColumnProfile(
        name=name,
        bank_name=bank_name,
        date=("date",),
        time=("time",),
        document_number=("documentnumber",),
        reference=("referencenumber",),
        memo=("transactiondetails",),
        debit=("debitamount",),
        credit=("creditamount",),
        balance=("balance",),
        counterparty=("offsetaccount",),
        thousands=",",
        fill_down_dates=True,
    )


PROFILES: tuple[ColumnProfile, ...] = (
    ColumnProfile(
        name="vietcombank",
        bank_name="Vietcombank",
        date=("tnxdate", "ngay giao dich", "ngay gd"),
        document_number=("docno", "so ct", "so chung tu"),
        debit=("debit", "ghi no", "so tien ghi no"),
        credit=("credit", "ghi co", "so tien ghi co"),
        balance=("balance", "so du"),
        memo=_MEMO,
        thousands=".",
    ),
    ColumnProfile(
        name="vietcombank_cashup",
        bank_name="Vietcombank",
        date=("ngay gd/so ct", "ngay giao dich/so ct", "date/docno", "ngay/so ct"),
        debit=("debit", "no", "ghi no"),
        credit=("credit", "co", "ghi co"),
        balance=("balance", "so du"),
        memo=_MEMO,
        date_holds_document_number=True,
    ),
    _statement_export("vietinbank", "VietinBank"),
    _statement_export("agribank", "Agribank"),
    ColumnProfile(
        name="vietinbank_efast",
        bank_name="VietinBank",
        date=("ngay hach toan",),
        time=("ngay phat sinh",),
        memo=("mo ta giao dich", "noi dung"),
        debit=("no",),
        credit=("co",),
        balance=("so du tk", "so du"),
        document_number=("so giao dich",),
        thousands=",",
        fill_down_dates=True,
    ),
    ColumnProfile(
        name="generic",
        bank_name="",
        date=("ngay", "ngay gd", "ngay giao dich", "date", "booking date", "ngay hach toan"),
        time=("gio", "time", "thoi gian"),
        memo=(*_MEMO, "memo", "content"),
        credit=("co", "ghi co", "so tien ghi co", "credit", "tien vao"),
        debit=("no", "ghi no", "so tien ghi no", "debit", "tien ra"),
        amount=("so tien", "amount"),
        balance=("so du", "balance"),
        document_number=("so ct", "so chung tu", "so giao dich", "docno"),
        reference=("so tham chieu", "ma giao dich", "reference"),
        counterparty=("ten doi ung", "nguoi chuyen", "doi ung", "counterparty"),
    ),
)


def profile_named(name: str) -> ColumnProfile | None:
    return next((p for p in PROFILES if p.name == name), None)


@dataclass(frozen=True)
class HeaderMatch:
    profile: ColumnProfile
    row_index: int
    """0-based index of the header row among the rows given."""
    positions: dict[str, int]
    """Field → column index."""


def match_header(row: Sequence[str], profile: ColumnProfile) -> dict[str, int] | None:
    """Field → column of `row` when it is `profile`'s header row."""
    cells = [fold_lower(cell or "") for cell in row]
    positions: dict[str, int] = {}
    for field, aliases in profile.columns().items():
        for index, cell in enumerate(cells):
            if cell and cell in aliases and index not in positions.values():
                positions[field] = index
                break
    has_amount = "amount" in positions or "credit" in positions
    if "date" in positions and "memo" in positions and has_amount:
        return positions
    return None


def detect(
    rows: Sequence[Sequence[str]], *, wanted: ColumnProfile | None = None, bank_hint: str = ""
) -> HeaderMatch | None:
    """The header row and profile among the first rows (`wanted` only, when given); among
    profiles recognising as many columns, the one of the account's bank (`bank_hint`)."""
    candidates = (wanted,) if wanted else PROFILES
    best: HeaderMatch | None = None
    best_score = (-1, False)
    for index, row in enumerate(rows):
        for profile in candidates:
            positions = match_header(row, profile)
            if positions is None:
                continue
            hint = bool(bank_hint) and fold_lower(profile.bank_name) in fold_lower(bank_hint)
            score = (len(positions), hint and bool(profile.bank_name))
            if score > best_score:
                best, best_score = HeaderMatch(profile, index, positions), score
        if best is not None:
            return best
    return None
