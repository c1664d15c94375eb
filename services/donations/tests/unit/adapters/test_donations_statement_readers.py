"""Statement files into lines: the three real exports, XLSX profiles, MT940 and camt.053."""

from __future__ import annotations

import functools
import gc
import gzip
import hashlib
import io
from collections.abc import Iterator
from datetime import date, datetime, time

import openpyxl  # type: ignore[import-untyped]
import pytest

from baotro_donations.adapters.statement_readers import StatementRead, read_statement
from baotro_donations.domain.bank_statement import Direction, StatementError
from baotro_donations.domain.statement_profiles import profile_named
from baotro_shared.testing.shared_data import saoke_dir

DATA = saoke_dir()
VIETCOMBANK = "Vietcombank-0011001932418-20240901-20240910.csv.gz"
AGRIBANK = "Agribank-1500201113838-20240901-20240912.csv.gz"
VIETINBANK = "Vietinbank-111602391111-20240910-20240912.csv.gz"


def _real(name: str, lines: int | None = None) -> bytes:
    with gzip.open(DATA / name, "rt", encoding="utf-8", newline="") as handle:
        text = handle.read() if lines is None else "".join(handle.readline() for _ in range(lines))
    return text.encode()


@functools.cache
def _read_real(name: str, bank_hint: str = "") -> StatementRead:
    """A whole real file, read once for all the tests here (they only look)."""
    return read_statement(_real(name), bank_hint=bank_hint)


def test_vietcombank_export_reads_dot_thousands_and_keeps_raw_lines() -> None:
    read = read_statement(_real(VIETCOMBANK, 5_001))
    assert read.profile == "vietcombank"
    assert len(read.lines) == 5_000
    assert read.rejected == []
    first = read.lines[0]
    assert first.booked_on == date(2024, 9, 1)
    assert first.amount == 50_000
    assert first.direction is Direction.CREDIT
    assert first.document_number == "5213.45946"
    assert first.memo == "292976.010924.013647.xin cam on"
    assert "292976.010924.013647.xin cam on" in first.raw


def test_vietinbank_export_joins_memo_line_breaks_and_reads_comma_thousands() -> None:
    read = _read_real(VIETINBANK, "VietinBank")
    assert read.profile == "vietinbank"
    assert len(read.lines) == 56_474
    assert read.rejected == []
    first = read.lines[0]
    assert first.amount == 300_000
    assert first.booked_at == time(12, 1, 29)
    assert first.memo == "CT nhanh 247 den: TRAN TIEN ANH chuyen\ntien ung ho nguoi dan vung bao lu"
    assert first.counterparty == "TRAN TIEN ANH – A/C"


def test_agribank_lines_whose_amount_the_export_lost_are_rejected_with_a_reason() -> None:
    read = _read_real(AGRIBANK, "Agribank")
    assert read.profile == "agribank"
    assert len(read.lines) + len(read.rejected) == 42_493
    assert len(read.rejected) == 5
    assert {r.reason for r in read.rejected} == {"Dòng không có số tiền (hoặc số tiền bằng 0)."}
    assert all(r.raw for r in read.rejected)


def _figures(read: StatementRead) -> dict[str, object]:
    """Counts and sums of a read, and a digest of every field of every line and rejection."""
    digest = hashlib.sha256()
    for line in read.lines:
        fields = (
            line.line_no,
            line.booked_on,
            line.amount,
            line.direction.value,
            line.memo,
            line.raw,
            line.booked_at,
            line.bank_reference,
            line.document_number,
            line.balance,
            line.counterparty,
            line.counter_account,
            line.currency,
        )
        digest.update("\x1f".join(map(str, fields)).encode() + b"\x1e")
    for rejected in read.rejected:
        reason = (rejected.line_no, rejected.reason, rejected.raw)
        digest.update("\x1f".join(map(str, reason)).encode() + b"\x1e")
    credits = [line.amount for line in read.lines if line.direction is Direction.CREDIT]
    debits = [line.amount for line in read.lines if line.direction is Direction.DEBIT]
    return {
        "profile": read.profile,
        "lines": len(read.lines),
        "rejected": len(read.rejected),
        "credit_lines": len(credits),
        "credits": sum(credits),
        "debit_lines": len(debits),
        "debits": sum(debits),
        "balances": sum(line.balance or 0 for line in read.lines),
        "memos_over_lines": sum("\n" in line.memo for line in read.lines),
        "rejected_at": [rejected.line_no for rejected in read.rejected],
        "last_line_no": read.lines[-1].line_no,
        "sha256": digest.hexdigest(),
    }


# The figures the reader gave before it was made fast (8.4 s for the Vietcombank file), kept so
# that any change of what it reads shows here: the digest covers every field of every line.
REAL_FIGURES = [
    (
        VIETCOMBANK,
        "",
        {
            "profile": "vietcombank",
            "lines": 200_361,
            "rejected": 0,
            "credit_lines": 200_360,
            "credits": 135_081_775_728,
            "debit_lines": 1,
            "debits": 55_000,
            "balances": 107_356_332_924,
            "memos_over_lines": 0,
            "rejected_at": [],
            "last_line_no": 200_362,
            "sha256": "02a5ed214e78435f5e55ce6196f821a5023942d1f3347031f7bebf7f6375bc14",
        },
    ),
    (
        AGRIBANK,
        "Agribank",
        {
            "profile": "agribank",
            "lines": 42_488,
            "rejected": 5,
            "credit_lines": 42_488,
            "credits": 43_551_407_197,
            "debit_lines": 0,
            "debits": 0,
            "balances": 603_476_354_902_394,
            "memos_over_lines": 0,
            "rejected_at": [10_694, 21_430, 26_776, 32_980, 35_412],
            "last_line_no": 42_494,
            "sha256": "888eeb30c6007635c12ac57cb4ea6621f3bf437a88b92c48725d8c5f200f88e8",
        },
    ),
    (
        VIETINBANK,
        "VietinBank",
        {
            "profile": "vietinbank",
            "lines": 56_474,
            "rejected": 0,
            "credit_lines": 56_474,
            "credits": 33_229_937_407,
            "debit_lines": 0,
            "debits": 0,
            "balances": 0,
            "memos_over_lines": 45_344,
            "rejected_at": [],
            "last_line_no": 56_475,
            "sha256": "75bd15e6680783ecc2a8817b332d32816afdeb09932100afe0a6d1de7d2c0c8f",
        },
    ),
]


@pytest.mark.parametrize(("name", "bank_hint", "expected"), REAL_FIGURES)
def test_real_statements_read_whole_give_the_lines_they_always_gave(
    name: str, bank_hint: str, expected: dict[str, object]
) -> None:
    assert _figures(_read_real(name, bank_hint)) == expected


def test_csv_lines_quoted_or_not_give_the_cells_of_the_csv_module() -> None:
    text = (
        "PageId,TNXDate,DocNo,Debit,Credit,Balance,TransactionDetails\r\n"
        "1,01/09/2024,D1,,50.000,,plain memo\r\n"
        '1,01/09/2024,D2,,"1.000.000",,"memo, with a comma"\r\n'
        "\r\n"
        '1,02/09/2024,D3,11.000,,,"memo broken\r\nacross lines"\r\n'
        "1,02/09/2024,D4,,20.000,,last line without a line break"
    )
    read = read_statement(text.encode())
    assert [
        (line.line_no, line.amount, line.direction, line.memo, line.raw) for line in read.lines
    ] == [
        (2, 50_000, Direction.CREDIT, "plain memo", "1,01/09/2024,D1,,50.000,,plain memo"),
        (
            3,
            1_000_000,
            Direction.CREDIT,
            "memo, with a comma",
            "1,01/09/2024,D2,,1.000.000,,memo, with a comma",
        ),
        (
            5,
            11_000,
            Direction.DEBIT,
            "memo broken\r\nacross lines",
            "1,02/09/2024,D3,11.000,,,memo broken\r\nacross lines",
        ),
        (6, 20_000, Direction.CREDIT, "last line without a line break", text.splitlines()[-1]),
    ]
    assert read.rejected == []


def test_semicolon_csv_with_a_memo_row_and_summary_rows() -> None:
    text = (
        "Ngày;Nội dung;Số tiền\n"
        "01/06/2026;Ung ho quy;1.000.000\n"
        ";bao tro tre em THD7K2M9QB;\n"
        "Tổng cộng;;1.000.000\n"
        ";Số dư cuối kỳ;5.000.000\n"
        "02/06/2026;Phi;-11.000\n"
    )
    read = read_statement(text.encode())
    assert read.profile == "generic"
    assert [(line.line_no, line.amount, line.direction, line.memo) for line in read.lines] == [
        (2, 1_000_000, Direction.CREDIT, "Ung ho quy\nbao tro tre em THD7K2M9QB"),
        (6, 11_000, Direction.DEBIT, "Phi"),
    ]
    assert read.lines[0].raw == "01/06/2026,Ung ho quy,1.000.000\n,bao tro tre em THD7K2M9QB,"


@pytest.fixture
def collector_off() -> Iterator[None]:
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_reading_leaves_the_garbage_collector_on() -> None:
    read_statement(_real(VIETCOMBANK, 3))
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_off")
def test_reading_leaves_a_paused_garbage_collector_paused() -> None:
    read_statement(_real(VIETCOMBANK, 3))
    assert not gc.isenabled()


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_vietinbank_efast_sheet_skips_title_rows_fills_dates_down_and_joins_memos() -> None:
    data = _xlsx(
        [
            ["NGÂN HÀNG TMCP CÔNG THƯƠNG VIỆT NAM"],
            ["SAO KÊ TÀI KHOẢN", None, "Số TK: 111602391111"],
            [],
            [
                "Ngày hạch toán",
                "Ngày phát sinh",
                "Mô tả giao dịch",
                "Nợ",
                "Có",
                "Số dư TK",
                "Số giao dịch",
            ],
            [
                datetime(2026, 6, 1),
                "08:15:00",
                "NGUYEN VAN AN ung ho quy",
                None,
                "1,000,000",
                "5,000,000",
                "A1",
            ],
            [None, None, "bao tro tre em THD7K2M9QB", None, None, None, None],
            [None, "09:00:00", "THU PHI DICH VU", "11,000", None, "4,989,000", "A2"],
            ["02/06/2026", "10:00:00", "Dong gop", None, "abc", None, "A3"],
            ["Tổng cộng", None, None, "11,000", "1,000,000", None, None],
        ]
    )
    read = read_statement(data)
    assert read.format == "xlsx"
    assert read.profile == "vietinbank_efast"
    assert [(line.booked_on, line.amount, line.direction) for line in read.lines] == [
        (date(2026, 6, 1), 1_000_000, Direction.CREDIT),
        (date(2026, 6, 1), 11_000, Direction.DEBIT),
    ]
    assert read.lines[0].memo == "NGUYEN VAN AN ung ho quy\nbao tro tre em THD7K2M9QB"
    assert [(r.line_no, r.reason) for r in read.rejected] == [(8, "Số tiền «abc» không đọc được.")]


def test_a_named_profile_that_does_not_fit_is_refused() -> None:
    data = _xlsx([["Ngày hạch toán", "Mô tả giao dịch", "Có"], ["01/06/2026", "x", "1,000"]])
    with pytest.raises(StatementError, match="Không tìm thấy dòng tiêu đề theo mẫu «vietcombank»"):
        read_statement(data, profile=profile_named("vietcombank"))


def test_garbage_is_refused_as_a_whole() -> None:
    with pytest.raises(StatementError, match="Không tìm thấy dòng tiêu đề"):
        read_statement(b"hello,world\n1,2\n")
    with pytest.raises(StatementError, match="rỗng"):
        read_statement(b"  \n")
    with pytest.raises(StatementError, match="Excel"):
        read_statement(b"PK\x03\x04garbage")


MT940 = """:20:STARTUMSE
:25:970405/3500431101000909
:28C:00001/001
:60F:C261001VND1000000,
:61:2610011001CN500000,NTRFNONREF//FT26275123456789
:86:NGUYEN VAN A ung ho quy bao tro tre em THD7K2M9QB
:61:2610011001DN11000,NCHGNONREF
:86:THU PHI DICH VU SMS
:62F:C261001VND1489000,
"""


def test_mt940() -> None:
    read = read_statement(MT940.encode())
    assert read.format == "mt940"
    assert read.account == "970405/3500431101000909"
    assert [(line.amount, line.direction, line.bank_reference) for line in read.lines] == [
        (500_000, Direction.CREDIT, "FT26275123456789"),
        (11_000, Direction.DEBIT, None),
    ]
    assert read.lines[0].memo == "NGUYEN VAN A ung ho quy bao tro tre em THD7K2M9QB"


CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
 <BkToCstmrStmt><Stmt><Id>1</Id>
  <Acct><Id><Othr><Id>37510111452300</Id></Othr></Id></Acct>
  <Ntry><Amt Ccy="VND">2000000</Amt><CdtDbtInd>CRDT</CdtDbtInd>
   <BookgDt><Dt>2026-06-01</Dt></BookgDt>
   <AcctSvcrRef>KB123</AcctSvcrRef>
   <NtryDtls><TxDtls><RltdPties><Dbtr><Nm>CONG TY TNHH MINH PHAT</Nm></Dbtr>
   <DbtrAcct><Id><Othr><Id>0011001932418</Id></Othr></Id></DbtrAcct></RltdPties>
   <RmtInf><Ustrd>Ung ho thang hanh dong vi tre em</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
  <Ntry><Amt Ccy="USD">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
   <BookgDt><Dt>2026-06-02</Dt></BookgDt></Ntry>
 </Stmt></BkToCstmrStmt></Document>"""


def test_camt053() -> None:
    read = read_statement(CAMT.encode())
    assert read.format == "camt053"
    assert read.account == "37510111452300"
    [line] = read.lines
    assert (line.amount, line.direction, line.booked_on) == (
        2_000_000,
        Direction.CREDIT,
        date(2026, 6, 1),
    )
    assert line.counterparty == "CONG TY TNHH MINH PHAT"
    assert line.counter_account == "0011001932418"
    assert line.memo == "Ung ho thang hanh dong vi tre em"
    assert [r.reason for r in read.rejected] == [
        "Giao dịch bằng USD: sao kê chỉ nhận tiền đồng (VND)."
    ]


def test_xml_with_entities_is_refused() -> None:
    evil = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Document>&a;</Document>'
    with pytest.raises(StatementError, match="DOCTYPE"):
        read_statement(evil.encode())


def test_a_line_holding_a_nul_character_is_rejected_and_the_others_read() -> None:
    lines = [
        "PageId,TNXDate,DocNo,Debit,Credit,Balance,TransactionDetails",
        "1,01/09/2024,5213.45946,,50.000,,ung ho\x00 tre em",
        "1,01/09/2024,5090.85797,,20.000,,ung ho lu lut",
    ]

    read = read_statement("\n".join(lines).encode())

    assert [line.memo for line in read.lines] == ["ung ho lu lut"]
    [rejected] = read.rejected
    assert rejected.line_no == 2
    assert "NUL" in rejected.reason
    assert rejected.raw == "1,01/09/2024,5213.45946,,50.000,,ung ho\u2400 tre em"
