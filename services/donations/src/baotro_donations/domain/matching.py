"""The matching cascade: what a bank line is for, how sure we are, and why.

CiviCRM CiviBanking's analyse → match → review, with its documented thresholds (automatic
≥ 0.9, suggestion ≥ 0.5, configurable). Credits, in order:

1. a payment code with a valid check character, issued by us, of an active target → 1.0
   (automatic; the donor taken from a known sender account when the code names none). The
   same code twice is one code; a code of an inactive target, or different codes, are only
   suggested (a donor's code beside one purpose's code: that purpose for that donor, 0.8)
2. the sender's account, known for exactly one donor → 0.95 (automatic); several → suggestion
3. rules learned from the accountant's decisions (sender account, payer name, memo words)
4. an open pledge expecting exactly this amount, within its campaign's dates → suggestion
5. a donor's name, fuzzy on folded text → suggestion only, never automatic (< 0.9)
6. keyword rules to campaigns ("TET", "1 NGAY LUONG", "THANG HANH DONG")
7. nothing: the review queue

Debits: bank fees are ignored by rule; refunds ("HOAN TIEN", "TRA LAI" + the original's
reference) are matched to the transfer they return, named by the first reference cited after
the refund words (`bank_memo.cited_references`), never the refund's own. Every result says
why, in Vietnamese; accounts appear as their last three digits only.

Pure: the adapters look up what the lines need (codes, donors, pledges, rules) into a
`MatchIndex` first, in bulk.
"""

from __future__ import annotations

import enum
import functools
import re
import uuid
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

import numpy as np
from rapidfuzz import fuzz, process

from baotro_donations.domain.bank_memo import MemoFacts, MemoSource, cited_references
from baotro_donations.domain.bank_statement import Direction
from baotro_shared.text import compact, fold

AUTOMATIC = 0.9
SUGGEST = 0.5
_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
_NOT_DIGIT = re.compile(r"\D")
"""What `compact` removes from folded text."""


class MatchKind(enum.StrEnum):
    PAYMENT_CODE = "payment_code"
    SENDER_ACCOUNT = "sender_account"
    LEARNED_RULE = "learned_rule"
    PLEDGE_AMOUNT = "pledge_amount"
    DONOR_NAME = "donor_name"
    KEYWORD = "keyword"
    FEE = "fee"
    REFUND = "refund"
    NONE = "none"


SUGGEST_ONLY = frozenset({MatchKind.DONOR_NAME})
"""Kinds never applied automatically, whatever the thresholds: names are not unique."""


class MatchStatus(enum.StrEnum):
    MATCHED = "matched"
    SUGGESTED = "suggested"
    UNMATCHED = "unmatched"
    IGNORED = "ignored"


@dataclass(frozen=True)
class Thresholds:
    automatic: float = AUTOMATIC
    suggest: float = SUGGEST

    def status(self, match: Match) -> MatchStatus:
        if match.kind is MatchKind.FEE:
            return MatchStatus.IGNORED
        automatic = (
            match.kind not in SUGGEST_ONLY
            and match.kind is not MatchKind.NONE
            and not match.suggest_only
        )
        if automatic and match.confidence >= self.automatic:
            return MatchStatus.MATCHED
        if match.kind is not MatchKind.NONE and match.confidence >= self.suggest:
            return MatchStatus.SUGGESTED
        return MatchStatus.UNMATCHED


@dataclass(frozen=True)
class Match:
    kind: MatchKind
    confidence: float
    reason: str
    target_kind: str = "general"
    """general, campaign, pledge, appeal, sponsorship, case (as donations record them)."""
    target_id: str | None = None
    donor_id: uuid.UUID | None = None
    code: str | None = None
    refund_of: str | None = None
    """Refunds: the reference of the original transfer."""
    suggest_only: bool = False
    """Never applied automatically, whatever the thresholds: the memo contradicts itself
    (several codes, an inactive target's code, an account shared by donors)."""


NO_MATCH = Match(MatchKind.NONE, 0.0, "Không tìm thấy căn cứ đối chiếu: chờ kế toán xem xét.")


@dataclass(frozen=True)
class CodeTarget:
    """What an issued payment code stands for."""

    code: str
    target_kind: str
    """donor, pledge, campaign, appeal, sponsorship (payment-code kinds)."""
    target_id: str
    label: str
    donor_id: uuid.UUID | None = None
    active: bool = True


@dataclass(frozen=True)
class OpenPledge:
    pledge_id: uuid.UUID
    unit_id: uuid.UUID
    unit_name: str
    expected: int
    """What is still expected (target − raised)."""
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class LearnedRule:
    """A decision the accountant saved: lines like this go to that target."""

    rule_id: uuid.UUID
    sender_account: str | None = None
    payer_name: str | None = None
    """Folded."""
    memo_words: str | None = None
    """Folded words that must appear in the memo."""
    target_kind: str = "general"
    target_id: str | None = None
    donor_id: uuid.UUID | None = None
    confidence: float = 0.95


@dataclass(frozen=True)
class KeywordRule:
    keywords: str
    """Folded words, e.g. "THANG HANH DONG"."""
    campaign_id: str
    campaign_name: str
    confidence: float = AUTOMATIC


NameMatch = tuple[uuid.UUID, float] | None
"""The donor whose name is nearest a payer's, with the score, when it is close enough."""
NAME_CUTOFF = 85


@dataclass
class MatchIndex:
    codes: Mapping[str, CodeTarget] = field(default_factory=dict)
    donors_by_account: Mapping[str, Sequence[uuid.UUID]] = field(default_factory=dict)
    donor_names: Mapping[uuid.UUID, str] = field(default_factory=dict)
    """Folded display names of donors that may be suggested by name (not anonymous ones)."""
    sorted_donor_names: Mapping[uuid.UUID, str] | None = None
    """`donor_names` with their words sorted (`sorted_words`); computed when not given (give
    it when the same donors serve many indexes)."""
    open_pledges: Sequence[OpenPledge] = ()
    rules: Sequence[LearnedRule] = ()
    keywords: Sequence[KeywordRule] = ()
    fee_words: Sequence[str] = (
        "THU PHI",
        "PHI DICH VU",
        "PHI DV",
        "PHI QUAN LY",
        "PHI QLTK",
        "PHI DUY TRI",
        "PHI THUONG NIEN",
        "PHI SMS",
        "PHI BSMS",
        "PHI CHUYEN",
        "THUE VAT",
    )
    """Folded phrases of debits that are bank fees (whole words)."""
    refund_words: Sequence[str] = ("HOAN TIEN", "HOAN TRA", "HOAN LAI", "TRA LAI", "REFUND")
    """Folded phrases of debits that return a transfer (whole words)."""
    name_matches: MutableMapping[str, NameMatch] = field(default_factory=dict)
    """Payer names compared with `donor_names` so far (give the same dict when the same
    donors serve many indexes: a statement names many payers again and again)."""


_T = TypeVar("_T")


class _once(Generic[_T]):  # noqa: N801 - used as a decorator, like functools.cached_property
    """`functools.cached_property` without its lock (Python 3.11 takes one on every first
    read): worked out on the first read, then an ordinary attribute of the instance."""

    def __init__(self, compute: Callable[[Any], _T]) -> None:
        self._compute = compute
        self._name = compute.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, instance: object, owner: type | None = None) -> _T:
        value = self._compute(instance)
        vars(instance)[self._name] = value
        return value


@dataclass(frozen=True)
class BankLineView:
    """What matching needs of a bank line."""

    amount: int
    direction: Direction
    booked_on: date
    memo: str
    facts: MemoFacts
    codes: Sequence[str] = ()
    """Valid payment codes found in the raw memo (`payment_code.find_in_memo`)."""
    counter_account: str | None = None

    @_once
    def folded_memo(self) -> str:
        """`fold(memo)`, worked out once for every rule that reads it."""
        return fold(self.memo)

    @_once
    def accounts(self) -> list[str]:
        """The sender's accounts the line names (memo, counter-account column), digits only."""
        found: list[str] = []
        for raw in (self.facts.sender_account, self.counter_account):
            if raw:
                number = raw if raw.isascii() and raw.isdigit() else _NOT_DIGIT.sub("", raw)
                if number and number not in found:
                    found.append(number)
        return found

    @_once
    def compact_memo(self) -> str:
        """`compact(memo)`."""
        return _NOT_ALNUM.sub("", self.folded_memo)


def match_line(line: BankLineView, index: MatchIndex) -> Match:
    """The best match for `line` (the first rule of the cascade that says something)."""
    if line.direction is Direction.DEBIT:
        return _match_debit(line, index)
    for step in (_by_code, _by_account, _by_rule, _by_pledge, _by_name, _by_keyword):
        found = step(line, index)
        if found is not None:
            return found
    return NO_MATCH


def _by_code(line: BankLineView, index: MatchIndex) -> Match | None:
    known = [index.codes[c] for c in dict.fromkeys(line.codes) if c in index.codes]
    if not known:
        return None  # no code, or a well-formed code we never issued: other rules speak
    written = ", ".join(k.code for k in known)
    if any(not k.active for k in known):
        stale = next(k for k in known if not k.active)
        return Match(
            MatchKind.PAYMENT_CODE,
            0.7 if len(known) == 1 else 0.6,
            f"Mã {stale.code} ({stale.label}) đã hết hiệu lực: cần kế toán xác nhận.",
            target_kind=_target_kind_of(stale),
            target_id=_target_id_of(stale),
            donor_id=stale.donor_id,
            code=stale.code,
            suggest_only=True,
        )
    targets = {(k.target_kind, k.target_id) for k in known}
    if len(targets) > 1:
        return _several_codes(known, written)
    code = known[0]
    donor_id, because = code.donor_id, ""
    if donor_id is None and (sender := _unique_donor_by_account(line, index)) is not None:
        donor_id, account = sender
        because = f"; người chuyển là nhà tài trợ có tài khoản …{account[-3:]}"
    return Match(
        MatchKind.PAYMENT_CODE,
        1.0,
        f"Mã thanh toán {code.code} hợp lệ (ký tự kiểm tra đúng) của {code.label}{because}.",
        target_kind=_target_kind_of(code),
        target_id=_target_id_of(code),
        donor_id=donor_id,
        code=code.code,
    )


def _several_codes(known: list[CodeTarget], written: str) -> Match:
    """Different codes in one memo: never automatic. A donor's code beside one purpose's code
    is a likely reading, so it is suggested with both filled in."""
    donors = {k.donor_id for k in known if k.target_kind == "donor"}
    purposes = {(k.target_kind, k.target_id) for k in known if k.target_kind != "donor"}
    purpose = next((k for k in known if k.target_kind != "donor"), None)
    if len(donors) == 1 and len(purposes) == 1 and purpose is not None:
        donor = next(iter(donors))
        if purpose.donor_id in (None, donor):
            return Match(
                MatchKind.PAYMENT_CODE,
                0.8,
                f"Nội dung có mã nhà tài trợ và mã {purpose.label} ({written}): "
                "gợi ý ghi cho mục đích đó, kế toán xác nhận.",
                target_kind=_target_kind_of(purpose),
                target_id=_target_id_of(purpose),
                donor_id=donor,
                code=purpose.code,
                suggest_only=True,
            )
    return Match(
        MatchKind.PAYMENT_CODE,
        0.6,
        f"Nội dung có nhiều mã thanh toán khác nhau: {written}. Kế toán chọn mã đúng.",
        code=known[0].code,
        suggest_only=True,
    )


def _target_id_of(code: CodeTarget) -> str | None:
    return None if code.target_kind == "donor" else code.target_id


def _target_kind_of(code: CodeTarget) -> str:
    return "general" if code.target_kind == "donor" else code.target_kind


def _accounts(line: BankLineView) -> list[str]:
    return line.accounts


def _by_account(line: BankLineView, index: MatchIndex) -> Match | None:
    for account in _accounts(line):
        donors = list(dict.fromkeys(index.donors_by_account.get(account, ())))
        masked = f"…{account[-3:]}"
        if len(donors) == 1:
            return Match(
                MatchKind.SENDER_ACCOUNT,
                0.95,
                f"Tài khoản chuyển {masked} là tài khoản đã biết của đúng một nhà tài trợ.",
                donor_id=donors[0],
            )
        if len(donors) > 1:
            return Match(
                MatchKind.SENDER_ACCOUNT,
                0.6,
                f"Tài khoản chuyển {masked} thuộc {len(donors)} nhà tài trợ: cần chọn một.",
                donor_id=donors[0],
                suggest_only=True,
            )
    return None


def _unique_donor_by_account(line: BankLineView, index: MatchIndex) -> tuple[uuid.UUID, str] | None:
    """(donor, account) when the first known sender account belongs to exactly one donor."""
    for account in _accounts(line):
        donors = list(dict.fromkeys(index.donors_by_account.get(account, ())))
        if donors:
            return (donors[0], account) if len(donors) == 1 else None
    return None


def _by_rule(line: BankLineView, index: MatchIndex) -> Match | None:
    if not index.rules:
        return None
    accounts = set(_accounts(line))
    memo = f" {line.folded_memo} "
    for rule in index.rules:
        conditions = [
            (rule.sender_account, rule.sender_account in accounts),
            (rule.payer_name, rule.payer_name == line.facts.payer_name),
            (rule.memo_words, f" {rule.memo_words} " in memo),
        ]
        stated = [holds for condition, holds in conditions if condition is not None]
        if not stated or not all(stated):
            continue
        return Match(
            MatchKind.LEARNED_RULE,
            rule.confidence,
            f"Theo quy tắc kế toán đã lưu từ một quyết định trước ({_describe_rule(rule)}).",
            target_kind=rule.target_kind,
            target_id=rule.target_id,
            donor_id=rule.donor_id,
        )
    return None


def _describe_rule(rule: LearnedRule) -> str:
    parts = []
    if rule.sender_account:
        parts.append(f"tài khoản …{rule.sender_account[-3:]}")
    if rule.payer_name:
        parts.append(f"người chuyển {rule.payer_name}")
    if rule.memo_words:
        parts.append(f"nội dung có «{rule.memo_words}»")
    return ", ".join(parts)


def _by_pledge(line: BankLineView, index: MatchIndex) -> Match | None:
    candidates = [
        p
        for p in index.open_pledges
        if p.expected == line.amount and p.starts_on <= line.booked_on <= p.ends_on
    ]
    if len(candidates) != 1:
        return None
    pledge = candidates[0]
    return Match(
        MatchKind.PLEDGE_AMOUNT,
        0.7,
        f"Số tiền đúng bằng phần còn lại của cam kết của {pledge.unit_name}, "
        "trong thời gian đợt vận động.",
        target_kind="pledge",
        target_id=str(pledge.pledge_id),
        donor_id=pledge.unit_id,
    )


def sorted_words(name: str) -> str:
    """A name's words in order, once: `fuzz.ratio` of two such strings is rapidfuzz's
    `token_sort_ratio`, without sorting every donor's name again for every line."""
    return " ".join(sorted(name.split()))


def nearest_donor(name: str, sorted_donor_names: Mapping[uuid.UUID, str]) -> NameMatch:
    """The donor whose name (its `sorted_words`) is nearest the payer's `name`, with the
    score, when it is close enough (what matching by name says of `name`)."""
    [found] = nearest_donors([name], sorted_donor_names)
    return found


def nearest_donors(
    names: Sequence[str], sorted_donor_names: Mapping[uuid.UUID, str]
) -> list[NameMatch]:
    """`nearest_donor` of each of `names`, all compared in one go: rapidfuzz's `cdist` works
    out every score at once (in SIMD for short strings), five times as fast as `extractOne`
    called per name on a statement's payers, with its answers: the first of equally near
    donors."""
    if not names or not sorted_donor_names:
        return [None] * len(names)
    donors = list(sorted_donor_names)
    scores = process.cdist(
        [sorted_words(name) for name in names],
        list(sorted_donor_names.values()),
        scorer=fuzz.ratio,
        score_cutoff=NAME_CUTOFF,
        dtype=np.float64,
    )
    found: list[NameMatch] = []
    for row, best in zip(scores, scores.argmax(axis=1), strict=True):
        score = float(row[best])
        found.append((donors[best], score) if score >= NAME_CUTOFF else None)
    return found


def _by_name(line: BankLineView, index: MatchIndex) -> Match | None:
    name = line.facts.payer_name
    if not name or not index.donor_names:
        return None
    if name in index.name_matches:
        found = index.name_matches[name]
    else:
        if index.sorted_donor_names is None:
            index.sorted_donor_names = {k: sorted_words(v) for k, v in index.donor_names.items()}
        found = index.name_matches[name] = nearest_donor(name, index.sorted_donor_names)
    if found is None:
        return None
    donor_id, score = found
    confidence = min(0.85, 0.5 + (score - 85) / 15 * 0.35)
    return Match(
        MatchKind.DONOR_NAME,
        round(confidence, 3),
        f"Tên người chuyển «{name}» gần giống tên nhà tài trợ ({score:.0f}%): chỉ gợi ý.",
        donor_id=donor_id,
    )


def _by_keyword(line: BankLineView, index: MatchIndex) -> Match | None:
    if not index.keywords:
        return None
    memo = f" {line.folded_memo} "
    squeezed = line.compact_memo
    for rule in index.keywords:
        if f" {rule.keywords} " in memo or _compact_words(rule.keywords) in squeezed:
            return Match(
                MatchKind.KEYWORD,
                rule.confidence,
                f"Nội dung có «{rule.keywords}»: tính vào {rule.campaign_name}.",
                target_kind="campaign",
                target_id=rule.campaign_id,
            )
    return None


@functools.lru_cache(maxsize=256)
def _compact_words(words: str) -> str:
    return compact(words)


def _match_debit(line: BankLineView, index: MatchIndex) -> Match:
    folded = line.folded_memo
    refund_at = min(
        (found.start() for w in index.refund_words if (found := _phrase(w).search(folded))),
        default=-1,
    )
    if refund_at >= 0 and (reference := _cited_original(line, folded, refund_at)):
        return Match(
            MatchKind.REFUND,
            0.95,
            f"Hoàn trả khoản chuyển có mã tham chiếu {reference}.",
            refund_of=reference,
        )
    if any(_phrase(word).search(folded) for word in index.fee_words):
        return Match(MatchKind.FEE, 1.0, "Phí ngân hàng: bỏ qua theo quy tắc.")
    if refund_at >= 0:
        return Match(MatchKind.REFUND, 0.6, "Có vẻ là hoàn trả nhưng không ghi mã tham chiếu gốc.")
    return Match(MatchKind.NONE, 0.0, "Khoản chi không rõ: chờ kế toán xem xét.")


@functools.lru_cache(maxsize=256)
def _phrase(words: str) -> re.Pattern[str]:
    """Folded `words` as whole words, any punctuation between them."""
    return re.compile(r"\b" + r"[^0-9A-Z]+".join(map(re.escape, words.split())) + r"\b")


def _cited_original(line: BankLineView, folded: str, refund_at: int) -> str | None:
    """The reference of the transfer a refund returns: the first one cited after the refund
    words (else before them), never the refund's own bank reference."""
    own = {line.facts.bank_reference} if line.facts.source is not MemoSource.PLAIN else set()
    cited = [(at, ref) for at, ref in cited_references(folded) if ref not in own]
    after = [ref for at, ref in cited if at >= refund_at]
    return next(iter(after or [ref for _, ref in cited]), None)
