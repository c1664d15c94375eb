"""Statement files into lines: the three real exports, XLSX profiles, MT940 and camt.053."""

from __future__ import annotations

import gzip
import io
from datetime import date, datetime, time

import openpyxl  # type: ignore[import-untyped]
import pytest

from baotro_donations.adapters.statement_readers import read_statement
from baotro_donations.domain.bank_statement import Direction, StatementError
from baotro_donations.domain.statement_profiles import profile_named
from baotro_shared.testing.shared_data import saoke_dir

DATA = saoke_dir()


def _real(name: str, lines: int | None = None) -> bytes:
    with gzip.open(DATA / name, "rt", encoding="utf-8", newline="") as handle:
        text = handle.read() if lines is None else "".join(handle.readline() for _ in range(lines))
    return text.encode()


def test_vietcombank_export_reads_dot_thousands_and_keeps_raw_lines() -> None:
    read = read_statement(_real("Vietcombank-0011001932418-20240901-20240910.csv.gz", 5_001))
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
    read = read_statement(
        _real("Vietinbank-111602391111-20240910-20240912.csv.gz"), bank_hint="VietinBank"
    )
    assert read.profile == "vietinbank"
    assert len(read.lines) == 56_474
    assert read.rejected == []
    first = read.lines[0]
    assert first.amount == 300_000
    assert first.booked_at == time(12, 1, 29)
    assert first.memo == "CT nhanh 247 den: TRAN TIEN ANH chuyen\ntien ung ho nguoi dan vung bao lu"
    assert first.counterparty == "TRAN TIEN ANH – A/C"


def test_agribank_lines_whose_amount_the_export_lost_are_rejected_with_a_reason() -> None:
    read = read_statement(
        _real("Agribank-1500201113838-20240901-20240912.csv.gz"), bank_hint="Agribank"
    )
    assert read.profile == "agribank"
    assert len(read.lines) + len(read.rejected) == 42_493
    assert len(read.rejected) == 5
    assert {r.reason for r in read.rejected} == {"Dòng không có số tiền (hoặc số tiền bằng 0)."}
    assert all(r.raw for r in read.rejected)


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
