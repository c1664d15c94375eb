"""Reading bank statement files into `StatementLine`s: CSV and XLSX exports through column
profiles, MT940 (`mt-940`), ISO 20022 camt.053 (XML).

The format is recognised from the bytes (XLSX is a zip, MT940 has ``:61:`` tags, camt.053 is
XML), the CSV/XLSX profile from the header row. Every data row becomes a line or a rejection
with its reason and raw text; rows that only continue the previous row's memo (a memo broken
across rows) are joined to it; summary rows ("Tổng cộng", "Số dư cuối kỳ") are skipped.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from xml.etree import ElementTree

import mt940
import openpyxl  # type: ignore[import-untyped]

from baotro_donations.domain.bank_statement import (
    Direction,
    RejectedLine,
    StatementError,
    StatementLine,
    parse_amount,
    parse_date,
    parse_time,
)
from baotro_donations.domain.statement_profiles import (
    ColumnProfile,
    HeaderMatch,
    detect,
)
from baotro_shared.text import fold

HEADER_SEARCH_ROWS = 40
_SUMMARY = re.compile(r"^(TONG CONG|TONG|CONG PHAT SINH|SO DU (DAU|CUOI)|TOTAL|OPENING|CLOSING)")


@dataclass
class StatementRead:
    format: str
    """"csv", "xlsx", "mt940" or "camt053"."""
    profile: str | None
    lines: list[StatementLine] = field(default_factory=list)
    rejected: list[RejectedLine] = field(default_factory=list)
    account: str | None = None
    """The account the file says it is for (MT940 :25:, camt.053 Acct), when it says."""


def read_statement(
    data: bytes, *, profile: ColumnProfile | None = None, bank_hint: str = ""
) -> StatementRead:
    """Every line of the statement in `data`; raises `StatementError` when the file as a whole
    cannot be read (unknown format, no header row)."""
    if not data.strip():
        raise StatementError("Tệp sao kê rỗng.")
    if data[:4] == b"PK\x03\x04":
        return read_sheet(_xlsx_rows(data), "xlsx", profile=profile, bank_hint=bank_hint)
    text = _decode(data)
    head = text.lstrip()[:2000]
    if head.startswith("<"):
        return read_camt053(text)
    if ":61:" in text and (head.startswith(":20:") or head.startswith("{1:") or ":25:" in head):
        return read_mt940(text)
    rows = list(csv.reader(io.StringIO(text, newline=""), _dialect(head)))
    return read_sheet(rows, "csv", profile=profile, bank_hint=bank_hint)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise StatementError("Tệp sao kê không phải văn bản UTF-8 hay Windows-1258.")


def _dialect(head: str) -> type[csv.Dialect]:
    try:
        return csv.Sniffer().sniff(head.splitlines()[0] if head else ",", delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _xlsx_rows(data: bytes) -> list[list[str]]:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise StatementError("Tệp Excel bị hỏng hoặc không phải .xlsx.") from exc
    try:
        sheet = book.worksheets[0]
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        moment = value.strftime("%d/%m/%Y %H:%M:%S")
        return moment.removesuffix(" 00:00:00")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_sheet(
    rows: Sequence[Sequence[str]],
    fmt: str,
    *,
    profile: ColumnProfile | None = None,
    bank_hint: str = "",
) -> StatementRead:
    header = detect(rows[:HEADER_SEARCH_ROWS], wanted=profile, bank_hint=bank_hint)
    if header is None:
        wanted = f" theo mẫu «{profile.name}»" if profile else ""
        raise StatementError(
            f"Không tìm thấy dòng tiêu đề{wanted} (cần các cột ngày, nội dung và số tiền) "
            f"trong {HEADER_SEARCH_ROWS} dòng đầu của tệp."
        )
    result = StatementRead(format=fmt, profile=header.profile.name)
    reader = _SheetReader(header)
    for index in range(header.row_index + 1, len(rows)):
        reader.feed(index + 1, rows[index], result)
    return result


@dataclass
class _SheetReader:
    header: HeaderMatch
    last_date: date | None = None
    continues_line: bool = False
    """The previous non-empty row became a line: a memo-only row continues it."""

    def cell(self, row: Sequence[str], name: str) -> str:
        index = self.header.positions.get(name)
        if index is None or index >= len(row):
            return ""
        return (row[index] or "").strip()

    def feed(self, line_no: int, row: Sequence[str], result: StatementRead) -> None:
        if not any((c or "").strip() for c in row):
            return
        raw = ",".join(c or "" for c in row)
        profile = self.header.profile
        date_text, memo = self.cell(row, "date"), self.cell(row, "memo")
        credit_text, debit_text = self.cell(row, "credit"), self.cell(row, "debit")
        amount_text = self.cell(row, "amount")
        if not (date_text or credit_text or debit_text or amount_text):
            if memo and self.continues_line:
                last = result.lines[-1]
                result.lines[-1] = replace(
                    last, memo=f"{last.memo}\n{memo}", raw=f"{last.raw}\n{raw}"
                )
            elif memo:
                result.rejected.append(
                    RejectedLine(line_no, "Dòng chỉ có nội dung, không có ngày và số tiền.", raw)
                )
            return
        self.continues_line = False
        if _SUMMARY.match(fold(" ".join(c or "" for c in row[:3]) + " " + memo).strip()):
            return
        try:
            line = self._line(line_no, row, raw, date_text, memo, profile)
        except StatementError as exc:
            result.rejected.append(RejectedLine(line_no, exc.message, raw))
            return
        result.lines.append(line)
        self.continues_line = True

    def _line(
        self,
        line_no: int,
        row: Sequence[str],
        raw: str,
        date_text: str,
        memo: str,
        profile: ColumnProfile,
    ) -> StatementLine:
        document_number = self.cell(row, "document_number") or None
        if profile.date_holds_document_number and date_text:
            date_text, _, document_number = date_text.partition(" ")
            document_number = document_number.strip() or None
        parsed = parse_date(date_text)
        if parsed is None:
            if not profile.fill_down_dates or self.last_date is None:
                raise StatementError("Dòng không có ngày giao dịch.")
            booked_on, booked_at = self.last_date, None
        else:
            booked_on, booked_at = parsed
        self.last_date = booked_on
        booked_at = parse_time(self.cell(row, "time")) if self.cell(row, "time") else booked_at
        amount, direction = self._amount(row, profile)
        balance = parse_amount(self.cell(row, "balance"), profile.thousands)
        return StatementLine(
            line_no=line_no,
            booked_on=booked_on,
            booked_at=booked_at,
            amount=amount,
            direction=direction,
            memo=memo,
            raw=raw,
            bank_reference=self.cell(row, "reference") or None,
            document_number=document_number,
            balance=balance,
            counterparty=self.cell(row, "counterparty") or None,
        )

    def _amount(self, row: Sequence[str], profile: ColumnProfile) -> tuple[int, Direction]:
        credit = parse_amount(self.cell(row, "credit"), profile.thousands)
        debit = parse_amount(self.cell(row, "debit"), profile.thousands)
        signed = parse_amount(self.cell(row, "amount"), profile.thousands)
        if credit and debit:
            raise StatementError("Dòng có cả số tiền ghi có và ghi nợ.")
        if credit:
            return _positive(credit, Direction.CREDIT)
        if debit:
            return _positive(debit, Direction.DEBIT)
        if signed:
            return abs(signed), Direction.CREDIT if signed > 0 else Direction.DEBIT
        raise StatementError("Dòng không có số tiền (hoặc số tiền bằng 0).")


def _positive(amount: int, direction: Direction) -> tuple[int, Direction]:
    if amount < 0:
        flipped = Direction.DEBIT if direction is Direction.CREDIT else Direction.CREDIT
        return -amount, flipped
    return amount, direction


def read_mt940(text: str) -> StatementRead:
    """MT940 (SWIFT customer statement): `:61:` lines with their `:86:` details."""
    transactions = mt940.models.Transactions()
    try:
        transactions.parse(text)
    except Exception as exc:  # the library raises bare exceptions of several kinds
        raise StatementError(f"Tệp MT940 không đọc được: {exc}") from exc
    account = transactions.data.get("account_identification")
    result = StatementRead(format="mt940", profile=None, account=account)
    for number, transaction in enumerate(transactions, start=1):
        data = transaction.data
        raw = f":61:{data.get('date')} {data.get('amount')} {data.get('bank_reference') or ''}"
        try:
            amount = _whole_dong(data["amount"].amount, data["amount"].currency)
        except StatementError as exc:
            result.rejected.append(RejectedLine(number, exc.message, raw))
            continue
        result.lines.append(
            StatementLine(
                line_no=number,
                booked_on=date(data["date"].year, data["date"].month, data["date"].day),
                amount=abs(amount),
                direction=Direction.CREDIT if amount > 0 else Direction.DEBIT,
                memo=str(data.get("transaction_details") or ""),
                raw=f"{raw}\n:86:{data.get('transaction_details') or ''}",
                bank_reference=data.get("bank_reference") or None,
                document_number=(data.get("customer_reference") or "").replace("NONREF", "")
                or None,
                currency=str(data["amount"].currency),
            )
        )
    return result


def _whole_dong(amount: Decimal, currency: str) -> int:
    if currency != "VND":
        raise StatementError(f"Giao dịch bằng {currency}: sao kê chỉ nhận tiền đồng (VND).")
    if amount != amount.to_integral_value():
        raise StatementError(f"Số tiền {amount} có phần lẻ dưới một đồng.")
    return int(amount)


_FORBIDDEN_XML = re.compile(r"<!DOCTYPE|<!ENTITY", re.I)


def read_camt053(text: str) -> StatementRead:
    """ISO 20022 camt.053 (bank-to-customer statement): every `Ntry` of every `Stmt`."""
    if _FORBIDDEN_XML.search(text):
        raise StatementError("Tệp XML có khai báo DOCTYPE/ENTITY: không nhận (an toàn).")
    try:
        root = ElementTree.fromstring(text)  # noqa: S314 - DTDs refused above
    except ElementTree.ParseError as exc:
        raise StatementError(f"Tệp XML không hợp lệ: {exc}") from exc
    if "camt.053" not in root.tag:
        raise StatementError("Tệp XML không phải sao kê camt.053.")
    namespace = root.tag[: root.tag.index("}") + 1]
    result = StatementRead(format="camt053", profile=None)
    number = 0
    for statement in root.iter(f"{namespace}Stmt"):
        account = statement.findtext(f"{namespace}Acct/{namespace}Id/{namespace}Othr/{namespace}Id")
        account = account or statement.findtext(f"{namespace}Acct/{namespace}Id/{namespace}IBAN")
        result.account = result.account or account
        for entry in statement.iter(f"{namespace}Ntry"):
            number += 1
            result_line = _camt_entry(entry, namespace, number)
            if isinstance(result_line, RejectedLine):
                result.rejected.append(result_line)
            else:
                result.lines.append(result_line)
    return result


def _camt_entry(entry: ElementTree.Element, ns: str, number: int) -> StatementLine | RejectedLine:
    raw = ElementTree.tostring(entry, encoding="unicode")
    try:
        amount_node = entry.find(f"{ns}Amt")
        if amount_node is None or not (amount_node.text or "").strip():
            raise StatementError("Bút toán không có số tiền (Amt).")
        amount_text = (amount_node.text or "").strip()
        amount = _whole_dong(Decimal(amount_text), amount_node.get("Ccy", "VND"))
        booked = entry.findtext(f"{ns}BookgDt/{ns}Dt") or entry.findtext(f"{ns}BookgDt/{ns}DtTm")
        parsed = parse_date((booked or "").replace("T", " ")[:19])
        if parsed is None:
            raise StatementError("Bút toán không có ngày hạch toán (BookgDt).")
        indicator = entry.findtext(f"{ns}CdtDbtInd")
        if indicator not in ("CRDT", "DBIT"):
            raise StatementError("Bút toán không ghi rõ ghi có hay ghi nợ (CdtDbtInd).")
    except (StatementError, ArithmeticError) as exc:
        message = exc.message if isinstance(exc, StatementError) else "Số tiền không đọc được."
        return RejectedLine(number, message, raw)
    details = [t.strip() for t in _texts(entry, f"{ns}Ustrd") if t.strip()]
    debtor = entry.findtext(f".//{ns}RltdPties/{ns}Dbtr/{ns}Nm") or entry.findtext(
        f".//{ns}RltdPties/{ns}Dbtr/{ns}Pty/{ns}Nm"
    )
    debtor_account = entry.findtext(f".//{ns}RltdPties/{ns}DbtrAcct/{ns}Id/{ns}Othr/{ns}Id")
    return StatementLine(
        line_no=number,
        booked_on=parsed[0],
        booked_at=parsed[1],
        amount=abs(amount),
        direction=Direction.CREDIT if indicator == "CRDT" else Direction.DEBIT,
        memo=" ".join(details) or (entry.findtext(f"{ns}AddtlNtryInf") or ""),
        raw=raw,
        bank_reference=entry.findtext(f"{ns}AcctSvcrRef")
        or entry.findtext(f".//{ns}Refs/{ns}AcctSvcrRef"),
        counterparty=debtor,
        counter_account=debtor_account,
    )


def _texts(entry: ElementTree.Element, path: str) -> Iterator[str]:
    for node in entry.iter(path):
        yield node.text or ""
