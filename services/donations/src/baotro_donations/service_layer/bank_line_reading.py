"""A bank line understood: the memo read once for deduplication, the bank's references, the
view matching reads (for the lines that are new) and the parts of its deduplication keys.

Pure and light to import (no database, no web framework): the statement import runs
`understand_lines` in a process of its own (`bank_line_worker`) for large statements.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from baotro_donations.domain import bank_dedupe
from baotro_donations.domain.bank_dedupe import (
    KeyedLine,
    LineKeys,
    StatementKeys,
    compact_memo,
    key_parts,
)
from baotro_donations.domain.bank_memo import MemoFacts, read_memo
from baotro_donations.domain.bank_statement import Direction, StatementLine, new_statement_line
from baotro_donations.domain.matching import BankLineView, NameMatch, nearest_donors
from baotro_donations.domain.payment_code import find_in_memo


def digits(text: str) -> str:
    if text.isdigit():
        return text  # the usual case: nothing to take out
    return "".join(ch for ch in text if ch.isdigit())


@dataclass
class BankLine:
    line: StatementLine
    facts: MemoFacts
    reference: str | None
    cited_references: str | None = None
    """The strong references of the transfer, " A B " (what a refund is looked up by)."""
    view: BankLineView | None = None
    """What matching reads; built only for lines that are not duplicates."""


def read_line(line: StatementLine) -> BankLine:
    """What deduplication needs of a line: the memo understood, the bank's references."""
    facts = read_memo(line.memo, line.counterparty)
    strong = bank_dedupe.strong_reference
    own, told = strong(line.bank_reference), strong(facts.bank_reference)
    references = {r for ref in facts.references if (r := strong(ref))}
    references.update(r for r in (own, told) if r)
    cited = f" {' '.join(sorted(references))} " if references else None
    return BankLine(line, facts, own or told, cited)


def understood_view(
    item: BankLine, prefixes: Sequence[str], compacted: str | None = None
) -> BankLineView:
    """`line_view`, with what matching works out of it (folded memo, accounts) ready
    (`compacted`: the memo's `compact_memo`, when worked out already for its keys)."""
    view = line_view(item, prefixes)
    if compacted is not None and "compact_memo" not in vars(view):
        vars(view)["compact_memo"] = compacted  # what its first read would work out
    _ = view.folded_memo, view.compact_memo, view.accounts
    return view


def line_view(item: BankLine, prefixes: Sequence[str]) -> BankLineView:
    if item.view is None:
        line = item.line
        item.view = BankLineView(
            amount=line.amount,
            direction=line.direction,
            booked_on=line.booked_on,
            memo=line.memo,
            facts=item.facts,
            codes=[c.text for c in find_in_memo(line.memo, prefixes)],
            counter_account=line.counter_account,
        )
    return item.view


def keyed_line(account: str, item: BankLine) -> KeyedLine:
    line = item.line
    return KeyedLine(
        account=account,
        booked_on=line.booked_on,
        direction=line.direction.value,
        amount=line.amount,
        memo=line.memo,
        references=(line.bank_reference, item.facts.bank_reference),
    )


SentLine = tuple[date, int, Direction, str, str | None, str | None, str | None]
"""What understanding reads of a line: booked_on, amount, direction, memo, bank_reference,
counterparty, counter_account."""
ViewParts = tuple[list[str], str, str, list[str]]
"""What a view adds to a line: codes, folded memo, compact memo, accounts."""
Understood = tuple[
    MemoFacts, str | None, str | None, ViewParts | None, tuple[str, ...], tuple[str, ...]
]
"""A line understood: its memo's facts, reference, cited references, view parts (when asked
for), keys to look up and keys to register."""


def sent_line(line: StatementLine) -> SentLine:
    return (
        line.booked_on,
        line.amount,
        line.direction,
        line.memo,
        line.bank_reference,
        line.counterparty,
        line.counter_account,
    )


def understand_lines(
    lines: Sequence[SentLine],
    account: str,
    prefixes: Sequence[str],
    with_views: bool,
    keys: StatementKeys,
) -> list[Understood]:
    """`read_line`, the keys (`keys` numbers the fingerprints: give it the statement's lines
    in order) and, when `with_views`, `understood_view` of each line, as plain values (cheap
    to send from a process to another)."""
    items: list[BankLine] = []
    for booked_on, amount, direction, memo, reference, counterparty, counter_account in lines:
        line = new_statement_line(
            0, booked_on, amount, direction, memo, "", None, reference, None, None,
            counterparty, counter_account,
        )  # fmt: skip
        items.append(read_line(line))
    # The memo's letters and digits, for its fingerprint and for matching: worked out once.
    compacted = [compact_memo(item.line.memo) for item in items]
    numbered = keys.numbered(
        key_parts(keyed_line(account, item), squeezed)
        for item, squeezed in zip(items, compacted, strict=True)
    )
    out: list[Understood] = []
    for item, line_keys, squeezed in zip(items, numbered, compacted, strict=True):
        parts: ViewParts | None = None
        if with_views:
            view = understood_view(item, prefixes, squeezed)
            parts = (list(view.codes), view.folded_memo, view.compact_memo, view.accounts)
        out.append((item.facts, item.reference, item.cited_references, parts, *line_keys.astuple()))
    return out


_new_view = object.__new__


def assembled(
    lines: Sequence[StatementLine], understood: Sequence[Understood]
) -> list[tuple[BankLine, LineKeys]]:
    """The lines of a batch with what was understood of them."""
    out = []
    for line, (facts, reference, cited, parts, lookup, register) in zip(
        lines, understood, strict=True
    ):
        item = BankLine(line, facts, reference, cited)
        if parts is not None:
            codes, folded, compact, accounts = parts
            # `BankLineView(...)` with what `understood_view` worked out, as its first reads
            # would have, at a third of the cost (a frozen dataclass's `__init__` sets each
            # field through `object.__setattr__`; the view has no `__post_init__`)
            view = _new_view(BankLineView)
            vars(view).update(
                amount=line.amount,
                direction=line.direction,
                booked_on=line.booked_on,
                memo=line.memo,
                facts=facts,
                codes=codes,
                counter_account=line.counter_account,
                folded_memo=folded,
                compact_memo=compact,
                accounts=accounts,
            )
            item.view = view
        out.append((item, LineKeys(lookup, register)))
    return out


class PayerNames:
    """The payers' names of a statement's credits compared with the donors' names ahead of
    matching (what `match_line` would work out when it gets to the name), each name once."""

    def __init__(self, sorted_donor_names: Mapping[uuid.UUID, str]) -> None:
        self._donors = sorted_donor_names
        self._seen: set[str] = set()

    def ahead(
        self, lines: Sequence[SentLine], understood: Sequence[Understood]
    ) -> dict[str, NameMatch]:
        """The matches of the names not seen before in these lines."""
        if not self._donors:
            return {}  # matching by name says nothing without donors
        seen = self._seen
        names: list[str] = []
        for sent, (facts, *_) in zip(lines, understood, strict=True):
            name = facts.payer_name
            if name and name not in seen and sent[2] is Direction.CREDIT:
                seen.add(name)
                names.append(name)
        return dict(zip(names, nearest_donors(names, self._donors), strict=True))
