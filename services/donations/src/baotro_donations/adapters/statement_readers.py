"""Reading bank statement files into `StatementLine`s: CSV and XLSX exports through column
profiles, MT940 (`mt-940`), ISO 20022 camt.053 (XML).

The format is recognised from the bytes (XLSX is a zip, MT940 has ``:61:`` tags, camt.053 is
XML), the CSV/XLSX profile from the header row. Every data row becomes a line or a rejection
with its reason and raw text; rows that only continue the previous row's memo (a memo broken
across rows) are joined to it; summary rows ("Tổng cộng", "Số dư cuối kỳ") are skipped.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
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
    new_statement_line,
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
        read = read_sheet(_xlsx_rows(data), "xlsx", profile=profile, bank_hint=bank_hint)
        return _without_nul(read)
    text = _decode(data)
    head = text.lstrip()[:2000]
    if head.startswith("<"):
        read = read_camt053(text)
    elif ":61:" in text and (head.startswith(":20:") or head.startswith("{1:") or ":25:" in head):
        read = read_mt940(text)
    else:
        records = _csv_records(text, _dialect(head))
        read = _read_records(records, "csv", profile=profile, bank_hint=bank_hint)
    return _without_nul(read) if "\x00" in text else read


NUL_LINE = "Dòng chứa ký tự rỗng (NUL, mã 0), không phải văn bản: tệp có thể bị hỏng."
NUL_SHOWN = "\u2400"
"""What a NUL character of a rejected line is shown as (␀): text cannot hold the character
itself, and the whole file is kept as sent."""


def _without_nul(read: StatementRead) -> StatementRead:
    """`read` with its lines holding a NUL character rejected (no bank writes one; it cannot
    be stored as text)."""
    kept: list[StatementLine] = []
    rejected = [replace(r, raw=r.raw.replace("\x00", NUL_SHOWN)) for r in read.rejected]
    for line in read.lines:
        texts = (line.memo, line.raw, line.bank_reference, line.document_number,
                 line.counterparty, line.counter_account)  # fmt: skip
        if any(text and "\x00" in text for text in texts):
            rejected.append(
                RejectedLine(line.line_no, NUL_LINE, line.raw.replace("\x00", NUL_SHOWN))
            )
        else:
            kept.append(line)
    rejected.sort(key=lambda r: r.line_no)
    return replace(read, lines=kept, rejected=rejected)


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
    """The lines of a table whose header row is among its first rows (CSV rows, a sheet)."""
    return _read_records(_sheet_records(rows), fmt, profile=profile, bank_hint=bank_hint)


_Record = tuple[list[str], str]
"""A row's cells and its raw text (the cells joined by commas)."""


def _sheet_records(rows: Iterable[Sequence[str]]) -> Iterator[_Record]:
    for row in rows:
        cells = [cell or "" for cell in row]
        yield cells, ",".join(cells)


def _csv_records(text: str, dialect: type[csv.Dialect]) -> Iterator[_Record]:
    """The records `csv.reader` reads from `text`, each with its raw text.

    A line without a quote character is split with `str.split`, which gives the same cells
    several times faster (and the line itself is the raw text); a line with one goes through
    `csv.reader`, which also takes the next lines when a quoted cell spans lines."""
    lines = iter(io.StringIO(text, newline=""))
    settings = csv.reader((), dialect).dialect  # one Dialect, for a reader per quoted line
    quote, delimiter = settings.quotechar, settings.delimiter
    if (
        quote is None
        or settings.quoting != csv.QUOTE_MINIMAL
        or settings.escapechar is not None
        or settings.skipinitialspace
    ):  # unquoted cells are not simply split: leave every line to csv.reader
        for cells in csv.reader(lines, settings):
            yield cells, ",".join(cells)
        return
    limit = csv.field_size_limit()
    for line in lines:
        if quote in line or len(line) > limit:
            cells = next(csv.reader(itertools.chain((line,), lines), settings))
            yield cells, ",".join(cells)
            continue
        body = line.rstrip("\r\n")  # the only line break of a line is its last character(s)
        if not body:
            yield [], ""  # what csv.reader gives for an empty line
        elif delimiter == ",":
            yield body.split(","), body
        else:
            cells = body.split(delimiter)
            yield cells, ",".join(cells)


def _read_records(
    records: Iterator[_Record],
    fmt: str,
    *,
    profile: ColumnProfile | None = None,
    bank_hint: str = "",
) -> StatementRead:
    head = list(itertools.islice(records, HEADER_SEARCH_ROWS))
    header = detect([cells for cells, _ in head], wanted=profile, bank_hint=bank_hint)
    if header is None:
        for _ in records:  # a CSV error further on is still raised, as when the whole file was
            pass  # read before looking for the header
        wanted = f" theo mẫu «{profile.name}»" if profile else ""
        raise StatementError(
            f"Không tìm thấy dòng tiêu đề{wanted} (cần các cột ngày, nội dung và số tiền) "
            f"trong {HEADER_SEARCH_ROWS} dòng đầu của tệp."
        )
    result = StatementRead(format=fmt, profile=header.profile.name)
    first = header.row_index + 1
    body = itertools.chain(head[first:], records)
    with _collector_paused():
        _read_rows(header, enumerate(body, start=first + 1), result)
    return result


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused (as `timeit` does): reading makes hundreds of
    thousands of lines that all stay and form no cycle, which each collection would walk again
    for nothing (a fifth of the time of reading the 200,000-line Vietcombank file)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_NEVER_SUMMARY = frozenset(
    c for c in map(chr, range(128)) if c.isprintable() and not c.isspace() and c not in "TCSOtcso"
)
"""First characters of a row that `_SUMMARY` cannot match (digits, as the page numbers and
dates that begin data rows): such rows need no folding."""


class _Amounts(dict[str, int | None]):
    """Amount texts read so far: a statement has a few thousand distinct amounts on 200,000
    lines ("100.000" on one in five). An amount that cannot be read raises every time."""

    def __init__(self, thousands: str) -> None:
        super().__init__()
        self.thousands = thousands

    def __missing__(self, text: str) -> int | None:
        value = self[text] = parse_amount(text, self.thousands)
        return value


def _read_rows(
    header: HeaderMatch, records: Iterable[tuple[int, _Record]], result: StatementRead
) -> None:
    """Every data row into a line, a rejection, the memo of the line before, or nothing (blank
    and summary rows). Runs once per row of files of 200,000 rows: the columns are looked up
    once, cells indexed directly, and dates parsed once per distinct text."""
    profile = header.profile
    at = header.positions.get
    date_at, memo_at = header.positions["date"], header.positions["memo"]
    credit_at, debit_at, amount_at = at("credit", -1), at("debit", -1), at("amount", -1)
    time_at, balance_at, document_at = at("time", -1), at("balance", -1), at("document_number", -1)
    reference_at, counterparty_at = at("reference", -1), at("counterparty", -1)
    width = max(header.positions.values()) + 1
    thousands, fill_down = profile.thousands, profile.fill_down_dates
    amounts = _Amounts(thousands)
    date_holds_document_number = profile.date_holds_document_number
    lines, rejected = result.lines, result.rejected
    last_date: date | None = None
    continues_line = False
    """The previous row with content became a line: a memo-only row continues it."""
    for line_no, (row, raw) in records:
        if len(row) < width:
            row = row + [""] * (width - len(row))
        date_text, memo = row[date_at].strip(), row[memo_at].strip()
        credit_text = row[credit_at].strip() if credit_at >= 0 else ""
        debit_text = row[debit_at].strip() if debit_at >= 0 else ""
        amount_text = row[amount_at].strip() if amount_at >= 0 else ""
        if not (date_text or credit_text or debit_text or amount_text):
            if memo and continues_line:
                last = lines[-1]
                lines[-1] = replace(last, memo=f"{last.memo}\n{memo}", raw=f"{last.raw}\n{raw}")
            elif memo:
                rejected.append(
                    RejectedLine(line_no, "Dòng chỉ có nội dung, không có ngày và số tiền.", raw)
                )
            continue
        continues_line = False
        if row[0][:1] not in _NEVER_SUMMARY and _SUMMARY.match(
            fold(" ".join(row[:3]) + " " + memo).strip()
        ):
            continue
        try:
            document_number = (row[document_at].strip() or None) if document_at >= 0 else None
            if date_holds_document_number and date_text:
                date_text, _, document_number = date_text.partition(" ")
                document_number = document_number.strip() or None
            parsed = parse_date(date_text)
            if parsed is not None:
                booked_on, booked_at = parsed
            elif fill_down and last_date is not None:
                booked_on, booked_at = last_date, None
            else:
                raise StatementError("Dòng không có ngày giao dịch.")
            last_date = booked_on
            time_text = row[time_at].strip() if time_at >= 0 else ""
            if time_text:
                booked_at = parse_time(time_text)
            credit = amounts[credit_text] if credit_text else None
            debit = amounts[debit_text] if debit_text else None
            signed = amounts[amount_text] if amount_text else None
            if credit and debit:
                raise StatementError("Dòng có cả số tiền ghi có và ghi nợ.")
            if credit:
                amount, direction = credit, Direction.CREDIT
            elif debit:
                amount, direction = debit, Direction.DEBIT
            elif signed:
                amount, direction = signed, Direction.CREDIT
            else:
                raise StatementError("Dòng không có số tiền (hoặc số tiền bằng 0).")
            if amount < 0:  # a negative credit is money out, a negative debit money in
                amount = -amount
                direction = Direction.DEBIT if direction is Direction.CREDIT else Direction.CREDIT
            balance_text = row[balance_at].strip() if balance_at >= 0 else ""
            balance = parse_amount(balance_text, thousands) if balance_text else None
        except StatementError as exc:
            rejected.append(RejectedLine(line_no, exc.message, raw))
            continue
        lines.append(
            new_statement_line(
                line_no,
                booked_on,
                amount,
                direction,
                memo,
                raw,
                booked_at,
                (row[reference_at].strip() or None) if reference_at >= 0 else None,
                document_number,
                balance,
                (row[counterparty_at].strip() or None) if counterparty_at >= 0 else None,
            )
        )
        continues_line = True


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
