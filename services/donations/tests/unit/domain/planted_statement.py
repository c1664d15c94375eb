"""Test helper: a bank statement built from real memos of the 2024 flood appeal with payment
codes and donors' accounts planted the way people type them, plus fees, refunds and exact
duplicates; each line carries what a correct matcher must conclude (`Expected`).

Deterministic for a seed. Knows nothing of the code under test beyond `payment_code.issue`
(to issue the codes) and the `MatchIndex` it fills: where a memo's bank prefix and trailer
are, and which reference a refund cites, it decides with its own patterns.

The statement is written as CSV in the columns of the VietinBank/Agribank exports (memos with
line breaks, debit and credit columns, the counter-account column) so that the test reads it
back through `read_statement`, as an import would.
"""

from __future__ import annotations

import csv
import io
import re
import textwrap
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from random import Random
from typing import Literal

from baotro_donations.domain.bank_statement import Direction, StatementLine
from baotro_donations.domain.matching import CodeTarget, MatchIndex
from baotro_donations.domain.payment_code import (
    ALPHABET,
    TargetKind,
    issue,
    random_body,
    sequential_body,
)

FUND_ACCOUNT = "3500431101000909"
FUND_NAME = "QUY BAO TRO TRE EM TINH THANH HOA"
MEMO_LIMIT = 250
"""Banks cut memos at about 250 characters (the longest real memo has 248)."""
WRAP = 42
"""VietinBank's exports break memos every 40-odd characters."""

Bodies = Literal["random", "sequential"]


@dataclass(frozen=True)
class Expected:
    """What the matcher must conclude for a line."""

    automatic: bool
    """An automatic match is right (and required for `counts_as_code` lines)."""
    target_kind: str | None = None
    target_id: str | None = None
    donor_id: uuid.UUID | None = None
    refund_of: str | None = None
    ignored: bool = False


@dataclass(frozen=True)
class Planted:
    case: str
    """What was planted and how it was typed, e.g. ``code/lower/glued_after``."""
    memo: str
    amount: int
    direction: Direction
    expected: Expected
    counts_as_code: bool = False
    """A valid code of an active target, typed correctly: counts in the 98 % figure."""
    counts_as_account: bool = False
    """A known donor's account, written by the bank: must match automatically."""
    reference: str | None = None
    """A reference of this credit the generator wrote (refunds cite it)."""
    origin: int | None = None
    """Refunds and duplicates: the position of the line they refer to."""
    booked_on: str = "10/09/2024"
    booked_at: str = ""
    counterparty: str = ""


@dataclass
class PlantedStatement:
    rows: list[Planted]
    index: MatchIndex
    prefixes: tuple[str, ...]

    def csv_bytes(self) -> bytes:
        """The statement as a VietinBank/Agribank-style CSV export."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            [
                "PageId",
                "Date",
                "Time",
                "DocumentNumber",
                "ReferenceNumber",
                "TransactionDetails",
                "DebitAmount",
                "CreditAmount",
                "Balance",
                "OffsetAccount",
            ]
        )
        for number, row in enumerate(self.rows):
            amount = f"{row.amount:,}"
            credit = row.direction is Direction.CREDIT
            writer.writerow(
                [
                    1 + number // 40,
                    row.booked_on,
                    row.booked_at,
                    "",
                    "",
                    row.memo,
                    "" if credit else amount,
                    amount if credit else "",
                    "",
                    row.counterparty,
                ]
            )
        return out.getvalue().encode()


# --- the real memo: bank prefix, donor's words, bank trailer -----------------------------------

_PREFIX = re.compile(
    r"^(?:(?:CT nhanh 247 den:|Chuyen tien den tu NAPAS Noi dung:)\s*)?"
    r"(?:[IM]BVCB\.\d+\.(?:\d+\.)?"
    r"|\d{6}\.\d{6}\.\d{6}\."
    r"|0200\d{20}[0-9A-Za-z]+\.[\d ]+\.\s*[\d ]+\.(?:[A-Za-z]+:\s*\d{6,19}\s*:)?"
    r"|PARTNER\.DIRECT_DEBITS_VCB\.[A-Z]+\.[\d ]+\.\d{8}\.[\d ]+-[\d ]+_)?",
    re.IGNORECASE,
)
_TRAILER = re.compile(
    r"(?:\.?\s*CT tu \d.*"
    r"|\s*FT\d{5}\s?\d{9}.*"
    r"|-\d{6}-\s?\d\d:\d\d:\d\d\s+\d+.*"
    r"|\s*\(C[Tt]\d{4}\).*"
    r"|;?\s*thoi gian GD:.*)$"
)
_NAPAS_TRACE = re.compile(r"^(?:\S+ )?(\d{6}\.\d{6}\.\d{6})\.")
_FT = re.compile(r"\bFT(\d{14})\b")


@dataclass(frozen=True)
class _Memo:
    prefix: str
    words: str
    trailer: str
    wrapped: bool
    """The memo came from a VietinBank/Agribank export (line breaks every ~42 characters)."""

    @classmethod
    def of(cls, line: StatementLine) -> _Memo:
        flat = " ".join(line.memo.split())
        prefix = _PREFIX.match(flat)
        head = prefix.group(0) if prefix else ""
        rest = flat[len(head) :]
        trailer = _TRAILER.search(rest)
        cut = trailer.start() if trailer else len(rest)
        wrapped = "\n" in line.memo or line.counterparty is not None
        return cls(head, rest[:cut].strip(), rest[cut:], wrapped)

    def room(self, planted: str, *, limit: int = MEMO_LIMIT) -> str:
        """The real words, shortened at a word boundary so that the memo with `planted`
        added still fits the bank's length limit."""
        room = limit - len(self.prefix) - len(self.trailer) - len(planted) - 24
        words = self.words
        while len(words) > max(room, 0) and " " in words:
            words = words.rsplit(" ", 1)[0]
        return words if len(words) <= max(room, 0) else ""

    def compose(self, words: str) -> str:
        """The memo with the donor's `words` in place of the real ones."""
        return self._wrap(self.prefix + words + self.trailer)

    def _wrap(self, memo: str) -> str:
        if not self.wrapped:
            return memo
        return "\n".join(textwrap.wrap(memo, WRAP, break_long_words=True, break_on_hyphens=False))


# --- how people type a code -------------------------------------------------------------------

_Typing = Callable[[str, Random], str]


def _insert(text: str, rng: Random, separators: Sequence[str], count: int) -> str:
    positions = sorted(rng.sample(range(1, len(text)), count))
    out, last = [], 0
    for position in positions:
        out += [text[last:position], rng.choice(separators)]
        last = position
    return "".join([*out, text[last:]])


TYPINGS: dict[str, _Typing] = {
    "upper": lambda code, rng: code,
    "lower": lambda code, rng: code.lower(),
    "title": lambda code, rng: code.capitalize(),
    "grouped": lambda code, rng: f"{code[:3]} {code[3:6]} {code[6:]}",
    "grouped_lower": lambda code, rng: f"{code[:3]} {code[3:6]} {code[6:]}".lower(),
    "spaces": lambda code, rng: _insert(code, rng, [" ", "  "], rng.randint(1, 3)),
    "hyphens": lambda code, rng: _insert(code, rng, ["-", " - "], rng.randint(1, 2)),
    "dots": lambda code, rng: _insert(code, rng, ["."], rng.randint(1, 2)),
    "mixed": lambda code, rng: _insert(code.lower(), rng, [" ", "-", ".", "_", "/"], 3),
    "line_break": lambda code, rng: _insert(code, rng, ["\n"], 1),
    "pdf_split": lambda code, rng: _insert(code, rng, [" "], 1),
    "d_with_stroke": lambda code, rng: code.replace("D", rng.choice("Đđ")),
    "unicode_spaces": lambda code, rng: _insert(code, rng, ["\u00a0", "\u200b", "\u3000"], 2),
    "fullwidth": lambda code, rng: "".join(chr(ord(c) + 0xFEE0) for c in code),
}
"""The code as typed: case, inserted separators, line breaks, Đ for D (Telex "dd"), no-break
and zero-width spaces, full-width characters (East Asian keyboards)."""

_VN_BEFORE = [
    "Ủng hộ quỹ bảo trợ trẻ em, mã",
    "Gia đình cháu Nguyễn Văn Đức ủng hộ",
    "Con xin góp một chút tấm lòng mã số",
    "ủng hộ bé theo thư kêu gọi",
    "Quyên góp tháng hành động vì trẻ em",
]
_VN_AFTER = ["ạ", "cảm ơn quỹ", "– Lê Thị Hằng", "chúc các em mạnh khỏe", "(đợt 2)"]
_GLUE_BEFORE = ["ungho", "UNGHO", "ma", "MS", "chau", "nd:", "#"]
_GLUE_AFTER = ["abc", "chuyen tien", "ung ho", "NGUYEN VAN AN", "2024", "x"]
_LABELS = ["ma ", "MA SO: ", "ma thanh toan ", "mã: ", "Mã số ", "code ", "ND ", "("]

Placement = Callable[[str, str, Random], str]


def _at_word(words: str, typed: str, rng: Random) -> str:
    tokens = words.split(" ") if words else []
    at = rng.randint(0, len(tokens))
    return " ".join([*tokens[:at], typed, *tokens[at:]])


PLACEMENTS: dict[str, Placement] = {
    "end": lambda words, typed, rng: f"{words} {typed}".strip(),
    "start": lambda words, typed, rng: f"{typed} {words}".strip(),
    "middle": _at_word,
    "alone": lambda words, typed, rng: typed,
    "glued_before": lambda words, typed, rng: f"{words} {rng.choice(_GLUE_BEFORE)}{typed}",
    "glued_after": lambda words, typed, rng: f"{typed}{rng.choice(_GLUE_AFTER)} {words}",
    "glued_both": lambda words, typed, rng: f"{words}UNGHO{typed}{rng.choice(_GLUE_AFTER)}",
    "labelled": lambda words, typed, rng: (
        f"{words} {(label := rng.choice(_LABELS))}{typed}{')' if label == '(' else ''}"
    ),
    "vietnamese": lambda words, typed, rng: (
        f"{rng.choice(_VN_BEFORE)} {typed} {rng.choice(_VN_AFTER)}"
    ),
}


# --- the bank formats a planted line may take -------------------------------------------------


def _vcb_app(words: str, account: str, name: str | None, rng: Random, *, glued: bool) -> str:
    app = rng.choice(["MBVCB", "MBVCB", "IBVCB"])
    sender = f"{account} {name}" if name else account
    to = "toi" if glued else "toi "
    return f"{app}.{rng.randint(6_900_000_000, 7_020_000_000)}.{words}.CT tu {sender} {to}" + (
        f"{FUND_ACCOUNT} {FUND_NAME}"
    )


def _trailer(rng: Random) -> str:
    """Text a bank appends after the donor's (possibly cut) words."""
    return rng.choice(
        [
            f".CT tu {_digits(rng, 13)} NGUYEN VAN AN toi {FUND_ACCOUNT} {FUND_NAME}",
            " (CT1111)",
            f" FT{rng.randint(24_245_000_000_000, 24_256_999_999_999)}",
            "; thoi gian GD:10092024 23:59:01",
            "(CT1111); thoi gian GD:12/09/2024 00:17:32",
            f"-100924-{rng.randint(10, 23)}:{rng.randint(10, 59)}:00 {rng.randint(10**5, 10**6)}",
        ]
    )


def _digits(rng: Random, length: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(length))


# --- the generator ----------------------------------------------------------------------------


@dataclass
class _World:
    rng: Random
    prefix: str
    codes: dict[str, CodeTarget]
    active: list[CodeTarget]
    inactive: list[CodeTarget]
    donors: list[tuple[uuid.UUID, str, str]]
    """(donor, account, folded name) of donors with one known account of their own."""
    shared_accounts: list[str]
    unknown_accounts: list[str]
    cut_accounts: list[str]
    """Accounts of donors that are also the beginning of another donor's longer account."""


def _issue_codes(
    rng: Random, prefix: str, count: int, bodies: Bodies, donors: list[uuid.UUID]
) -> dict[str, CodeTarget]:
    codes: dict[str, CodeTarget] = {}
    kinds = list(TargetKind)
    for number in range(count):
        kind = kinds[number % len(kinds)]
        source = sequential_body(number // len(kinds)) if bodies == "sequential" else None
        code = issue(prefix, kind, source or random_body(rng))
        target = str(uuid.UUID(int=rng.getrandbits(128)))
        donor = rng.choice(donors)
        if kind is TargetKind.DONOR:
            target = str(donor)
        codes[code.text] = CodeTarget(
            code=code.text,
            target_kind=kind.value,
            target_id=target,
            label=f"{kind.value} {target[:8]}",
            donor_id=donor if kind in (TargetKind.DONOR, TargetKind.SPONSORSHIP) else None,
            active=rng.random() > 0.1,
        )
    return codes


def _world(rng: Random, prefix: str, bodies: Bodies, taken: set[str]) -> _World:
    def account() -> str:
        while True:
            candidate = rng.choice(["0", "1", "9"]) + _digits(rng, rng.choice([9, 12, 13]))
            if candidate not in taken:
                taken.add(candidate)
                return candidate

    people = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(120)]
    names = ["NGUYEN THI MAI", "TRAN VAN BINH", "LE HOANG NAM", "PHAM THU HA", "VU DUC ANH"]
    donors = [(d, account(), rng.choice(names)) for d in people[:80]]
    codes = _issue_codes(rng, prefix, 400, bodies, people)
    long_account = account() + "009"
    cut = long_account[:-3]
    taken.add(long_account)
    return _World(
        rng=rng,
        prefix=prefix,
        codes=codes,
        active=[c for c in codes.values() if c.active],
        inactive=[c for c in codes.values() if not c.active],
        donors=donors,
        shared_accounts=[account() for _ in range(5)],
        unknown_accounts=[account() for _ in range(20)],
        cut_accounts=[cut],
    )


def _index(world: _World) -> MatchIndex:
    by_account: dict[str, list[uuid.UUID]] = {a: [d] for d, a, _ in world.donors}
    for shared in world.shared_accounts:
        by_account[shared] = [world.donors[0][0], world.donors[1][0]]
    for cut in world.cut_accounts:
        by_account[cut] = [world.donors[2][0]]
        by_account[cut + "009"] = [world.donors[3][0]]
    return MatchIndex(codes=dict(world.codes), donors_by_account=by_account)


def _expect(code: CodeTarget) -> Expected:
    if code.target_kind == "donor":
        return Expected(True, "general", None, code.donor_id)
    return Expected(True, code.target_kind, code.target_id, code.donor_id)


_NOT_AUTOMATIC = Expected(automatic=False)


class _Builder:
    def __init__(self, world: _World, sources: Sequence[StatementLine]) -> None:
        self.world = world
        self.rng = world.rng
        self.sources = sources
        self.rows: list[Planted] = []

    # a real line to start from -----------------------------------------------------------------

    def real(self) -> tuple[StatementLine, _Memo]:
        line = self.rng.choice(self.sources)
        return line, _Memo.of(line)

    def add(
        self,
        line: StatementLine,
        memo: str,
        case: str,
        expected: Expected,
        *,
        counts_as_code: bool = False,
        counts_as_account: bool = False,
        counterparty: str | None = None,
    ) -> None:
        self.rows.append(
            Planted(
                case=case,
                memo=memo,
                amount=line.amount,
                direction=Direction.CREDIT,
                expected=expected,
                counts_as_code=counts_as_code,
                counts_as_account=counts_as_account,
                reference=_reference_in(memo),
                booked_on=line.booked_on.strftime("%d/%m/%Y"),
                booked_at=line.booked_at.strftime("%H:%M:%S") if line.booked_at else "",
                counterparty=line.counterparty or "" if counterparty is None else counterparty,
            )
        )

    # codes --------------------------------------------------------------------------------------

    def typed(self, code: str) -> tuple[str, str, str]:
        typing = self.rng.choice(list(TYPINGS))
        placement = self.rng.choice(list(PLACEMENTS))
        return typing, placement, TYPINGS[typing](code, self.rng)

    def valid_code(self) -> None:
        code = self.rng.choice(self.world.active)
        line, memo = self.real()
        typing, placement, typed = self.typed(code.code)
        trailer = _trailer(self.rng) if self.rng.random() < 0.15 else ""
        words = PLACEMENTS[placement](memo.room(typed + trailer), typed, self.rng)
        text = memo.compose(words) + trailer
        self.add(line, text, f"code/{typing}/{placement}", _expect(code), counts_as_code=True)

    def same_code_twice(self) -> None:
        code = self.rng.choice(self.world.active)
        line, memo = self.real()
        first, second = (self.typed(code.code)[2] for _ in range(2))
        text = memo.compose(f"{first} {memo.room(first + second)} {second}")
        self.add(line, text, "codes/same_twice", _expect(code), counts_as_code=True)

    def two_codes(self) -> None:
        """A donor's code beside a purpose's code, or two purposes: never automatic."""
        line, memo = self.real()
        donor = self.rng.choice([c for c in self.world.active if c.target_kind == "donor"])
        other = self.rng.choice([c for c in self.world.active if c.target_kind != "donor"])
        first = donor if self.rng.random() < 0.5 else self.rng.choice(self.world.active)
        if first.code == other.code:
            return
        pair = [first.code, other.code]
        self.rng.shuffle(pair)
        planted = f"{pair[0]} va {pair[1].lower()}"
        text = memo.compose(f"{memo.room(planted)} {planted}")
        if (first.target_kind, first.target_id) == (other.target_kind, other.target_id):
            self.add(line, text, "codes/same_target", _expect(first), counts_as_code=True)
        else:
            self.add(line, text, "codes/two_different", _NOT_AUTOMATIC)

    def inactive_code(self) -> None:
        code = self.rng.choice(self.world.inactive)
        line, memo = self.real()
        typing, placement, typed = self.typed(code.code)
        text = memo.compose(PLACEMENTS[placement](memo.room(typed), typed, self.rng))
        self.add(line, text, f"code_inactive/{typing}", _NOT_AUTOMATIC)

    def wrong_character(self) -> None:
        code = self.rng.choice(self.world.active).code
        position = self.rng.randrange(len(code))
        if (
            self.rng.random() < 0.3
            and position + 1 < len(code)
            and code[position] != code[position + 1]
        ):
            kind = "swapped"
            wrong = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
        else:
            kind = "substituted"
            symbol = self.rng.choice([s for s in ALPHABET if s != code[position]])
            wrong = code[:position] + symbol + code[position + 1 :]
        line, memo = self.real()
        typing, placement, typed = self.typed(wrong)
        text = memo.compose(PLACEMENTS[placement](memo.room(typed), typed, self.rng))
        self.add(line, text, f"code_wrong/{kind}/{typing}", _NOT_AUTOMATIC)

    def truncated_code(self) -> None:
        """The bank cut the memo inside the code; a trailer may follow the cut."""
        code = self.rng.choice(self.world.active).code
        keep = self.rng.randint(len(self.world.prefix) + 1, len(code) - 1)
        line, memo = self.real()
        typing = self.rng.choice(["upper", "lower", "grouped", "spaces"])
        typed = TYPINGS[typing](code, self.rng)
        # cut after `keep` symbols of the code, separators included
        cut_at = next(
            at for at in range(len(typed) + 1) if sum(c.isalnum() for c in typed[:at]) == keep
        )
        trailer = _trailer(self.rng) if self.rng.random() < 0.6 else ""
        text = memo.compose(f"{memo.room(typed + trailer)} {typed[:cut_at]}") + trailer
        self.add(line, text, f"code_truncated/{keep}/{bool(trailer)}", _NOT_AUTOMATIC)

    # accounts -----------------------------------------------------------------------------------

    def known_account(self) -> None:
        donor, account, name = self.rng.choice(self.world.donors)
        line, memo = self.real()
        named = name if self.rng.random() < 0.7 else None
        glued = self.rng.random() < 0.2
        text = _vcb_app(memo.room(account * 3), account, named, self.rng, glued=glued)
        expected = Expected(True, "general", None, donor)
        self.add(line, text, "account/known", expected, counts_as_account=True, counterparty="")

    def other_account(self) -> None:
        kind = self.rng.choice(["shared", "unknown", "cut"])
        line, memo = self.real()
        words = memo.room("x" * 60)
        if kind == "cut":  # the bank's length limit cut "CT tu 0123…009" after "0123…"
            reference = self.rng.randint(6_900_000_000, 7_020_000_000)
            text = f"MBVCB.{reference}.{words}.CT tu {self.world.cut_accounts[0]}"
        else:
            pool = self.world.shared_accounts if kind == "shared" else self.world.unknown_accounts
            text = _vcb_app(words, self.rng.choice(pool), None, self.rng, glued=False)
        self.add(line, text, f"account/{kind}", _NOT_AUTOMATIC, counterparty="")

    def code_and_account(self) -> None:
        """A code beside a known donor's account: the code decides the target."""
        code = self.rng.choice(self.world.active)
        _, account, name = self.rng.choice(self.world.donors)
        line, memo = self.real()
        typed = self.typed(code.code)[2]
        words = f"{memo.room(typed + account * 3)} {typed}"
        text = _vcb_app(words, account, name, self.rng, glued=False)
        expected = _expect(code)
        if code.target_kind != "donor":
            expected = Expected(True, expected.target_kind, expected.target_id)
        self.add(line, text, "code+account", expected, counts_as_code=True, counterparty="")

    # the rest -----------------------------------------------------------------------------------

    def untouched(self) -> None:
        line, _ = self.real()
        self.add(line, line.memo, "real/untouched", _NOT_AUTOMATIC)

    def fee(self) -> None:
        memo = self.rng.choice(
            [
                "THU PHI DICH VU SMS CHU DONG THANG 08/2024. SDT: 0904321618. So tien 55000 VND",
                "Thu phi QLTK TO CHUC thang 09/2024",
                "PHI DUY TRI TAI KHOAN THANG 09/2024",
                f"Thu phi chuyen tien lien ngan hang FT{_digits(self.rng, 14)}",
                "Phí dịch vụ Internet Banking tháng 9/2024",
                "THUE VAT PHI SMS BANKING T09/2024",
                "PHI SMS BANKING T09/2024",
            ]
        )
        amount = self.rng.choice([5_500, 11_000, 22_000, 55_000, 110_000])
        self.rows.append(
            Planted("fee", memo, amount, Direction.DEBIT, Expected(False, ignored=True))
        )

    def refund(self) -> None:
        earlier = [
            (i, r)
            for i, r in enumerate(self.rows)
            if r.direction is Direction.CREDIT and r.reference and r.origin is None
        ]
        if not earlier:
            return
        position, original = self.rng.choice(earlier)
        reference = original.reference
        assert reference is not None
        own = f"FT{_digits(self.rng, 14)}"
        memo = self.rng.choice(
            [
                f"HOAN TIEN GD {reference} CHUYEN NHAM",
                f"HOAN TRA TIEN CHUYEN NHAM CHO NGUYEN VAN AN THEO GD {reference}",
                f"TRA LAI TIEN UNG HO CHUYEN NHAM, GD {reference} {own}",
                f"Hoàn tiền giao dịch {reference} do chuyển nhầm",
                f"MBVCB.{self.rng.randint(7_000_000_000, 7_020_000_000)}.HOAN TIEN {reference}"
                f".CT tu {FUND_ACCOUNT} {FUND_NAME} toi {_digits(self.rng, 13)} NGUYEN VAN AN",
                f"REFUND {reference}",
            ]
        )
        self.rows.append(
            Planted(
                "refund",
                memo,
                original.amount,
                Direction.DEBIT,
                Expected(True, refund_of=reference),
                origin=position,
            )
        )

    def duplicate(self) -> None:
        if not self.rows:
            return
        position = self.rng.randrange(len(self.rows))
        original = self.rows[position]
        self.rows.append(
            Planted(
                f"duplicate/{original.case}",
                original.memo,
                original.amount,
                original.direction,
                original.expected,
                counts_as_code=original.counts_as_code,
                counts_as_account=original.counts_as_account,
                origin=position,
                booked_on=original.booked_on,
                booked_at=original.booked_at,
                counterparty=original.counterparty,
            )
        )


def _reference_in(memo: str) -> str | None:
    """A reference the generator can cite for this credit (its own reading of the memo)."""
    flat = " ".join(memo.split())
    if found := _FT.search(flat):
        return "FT" + found[1]
    if found := _NAPAS_TRACE.match(flat):
        return found[1]
    if found := re.match(r"^[IM]BVCB\.(\d{10})\.", flat):
        return found[1]
    return None


MIX: dict[str, float] = {
    "valid_code": 0.52,
    "same_code_twice": 0.02,
    "code_and_account": 0.03,
    "two_codes": 0.03,
    "inactive_code": 0.04,
    "wrong_character": 0.06,
    "truncated_code": 0.06,
    "known_account": 0.05,
    "other_account": 0.03,
    "untouched": 0.06,
    "fee": 0.03,
    "refund": 0.03,
    "duplicate": 0.04,
}
"""Share of each kind of line."""


def build_statement(
    sources: Sequence[StatementLine],
    *,
    seed: int,
    size: int = 3_000,
    prefix: str = "TH",
    bodies: Bodies = "random",
) -> PlantedStatement:
    """`size` lines planted on real credits `sources`, deterministic for `seed`."""
    rng = Random(seed)
    taken = {m for line in sources for m in re.findall(r"\d{9,19}", line.memo)}
    world = _world(rng, prefix, bodies, taken)
    builder = _Builder(world, [line for line in sources if line.direction is Direction.CREDIT])
    kinds, weights = zip(*MIX.items(), strict=True)
    while len(builder.rows) < size:
        getattr(builder, rng.choices(kinds, weights)[0])()
    return PlantedStatement(builder.rows, _index(world), (prefix,))
