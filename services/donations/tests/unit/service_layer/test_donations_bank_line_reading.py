"""Lines understood as plain values (what the import's worker process sends back) are the
lines read here: the same facts, references, views and keys, numbered across batches; the
payers' names compared ahead are what matching finds; the public memo's shortcut for texts
without digits shows them as the full masking would."""

from __future__ import annotations

import uuid
from datetime import date
from functools import cache

from baotro_donations.adapters.statement_readers import read_statement
from baotro_donations.domain import bank_dedupe, public_memo
from baotro_donations.domain.bank_statement import Direction, StatementLine, new_statement_line
from baotro_donations.domain.matching import MatchIndex, match_line, nearest_donor, sorted_words
from baotro_donations.service_layer.bank_line_reading import (
    PayerNames,
    assembled,
    keyed_line,
    read_line,
    sent_line,
    understand_lines,
    understood_view,
)
from baotro_shared.testing.shared_data import vietcombank_slice

ACCOUNT = "TH/VCB"
PREFIXES = ("TH", "TW")


@cache
def _lines() -> list[StatementLine]:
    """The first 3,000 lines of the real Vietcombank statement."""
    return list(read_statement(vietcombank_slice(1, 3000)).lines)


def test_lines_understood_as_plain_values_are_the_lines_read_here() -> None:
    lines = _lines()
    here = [read_line(line) for line in lines]
    for item in here:
        understood_view(item, PREFIXES)
    keys_here = bank_dedupe.StatementKeys().of(keyed_line(ACCOUNT, item) for item in here)
    keys = bank_dedupe.StatementKeys()
    apart = []
    for start in (0, 1_000, 2_500):  # batches of different sizes: numbering goes on
        part = lines[start : {0: 1_000, 1_000: 2_500, 2_500: None}[start]]
        sent = [sent_line(line) for line in part]
        apart += assembled(part, understand_lines(sent, ACCOUNT, PREFIXES, True, keys))
    assert [k for _, k in apart] == keys_here
    for item, (other, _) in zip(here, apart, strict=True):
        assert other.line is item.line
        assert (other.facts, other.reference, other.cited_references) == (
            item.facts,
            item.reference,
            item.cited_references,
        )
        assert other.view == item.view
        assert vars(other.view) == vars(item.view)


def test_without_views_only_the_reading_and_the_keys_are_sent() -> None:
    lines = _lines()[:200]
    sent = [sent_line(line) for line in lines]
    with_views = understand_lines(sent, ACCOUNT, PREFIXES, True, bank_dedupe.StatementKeys())
    bare = understand_lines(sent, ACCOUNT, PREFIXES, False, bank_dedupe.StatementKeys())
    assert all(parts is None for _, _, _, parts, _, _ in bare)
    assert [(u[:3], u[4:]) for u in bare] == [(u[:3], u[4:]) for u in with_views]


def test_payer_names_compared_ahead_are_what_matching_finds() -> None:
    lines = _lines()
    payers = [f.payer_name for line in lines if (f := read_line(line).facts).payer_name]
    donors = {uuid.UUID(int=n): name for n, name in enumerate(dict.fromkeys(payers[:60:3]))}
    donors[uuid.UUID(int=999)] = "NGUYEN VAN AN"
    ordered = {k: sorted_words(v) for k, v in donors.items()}
    names = PayerNames(ordered)
    sent = [sent_line(line) for line in lines]
    understood = understand_lines(sent, ACCOUNT, PREFIXES, True, bank_dedupe.StatementKeys())
    ahead = {
        **names.ahead(sent[:1_500], understood[:1_500]),
        **names.ahead(sent[1_500:], understood[1_500:]),
    }
    assert names.ahead(sent, understood) == {}  # each name once
    credited = {
        f.payer_name
        for line, (f, *_) in zip(lines, understood, strict=True)
        if f.payer_name and line.direction is Direction.CREDIT
    }
    assert set(ahead) == credited
    assert ahead == {name: nearest_donor(name, ordered) for name in credited}
    assert any(found is not None for found in ahead.values())
    prefilled = MatchIndex(donor_names=donors, sorted_donor_names=ordered, name_matches=ahead)
    for item, _ in assembled(lines, understood)[:800]:
        assert item.view is not None
        fresh = MatchIndex(donor_names=donors)
        assert match_line(item.view, prefilled) == match_line(item.view, fresh)
    assert PayerNames({}).ahead(sent, understood) == {}


def test_texts_without_digits_or_at_have_nothing_to_mask() -> None:
    texts = [read_line(line).facts.text for line in _lines()]
    texts += ["Ủng hộ đồng bào – Lê Thị Hằng", "TK cua NGUYEN VAN A", "a@b.vn", "SDT 0912.345.678"]
    plain = [t for t in texts if not any(ch.isdigit() or ch == "@" for ch in t)]
    assert len(plain) > 1_000
    for text in texts:
        whole = " ".join(text.split())
        if whole and len(whole) <= public_memo.MAX_LENGTH:
            masked = public_memo._PATTERN.sub(public_memo._replace, whole)
            assert public_memo.public_memo(text) == masked
    assert all(public_memo._PATTERN.search(" ".join(t.split())) is None for t in plain)


def test_a_memo_is_compacted_for_its_keys_as_matching_compacts_it() -> None:
    memos = [line.memo for line in _lines()]
    memos += ["Ủng hộ đồng bào bão Yagi - Nguyễn Văn Đức", "  ung  ho\tlu-lut 50.000đ ", ""]
    for memo in memos:
        line = new_statement_line(1, date(2024, 9, 3), 50_000, Direction.CREDIT, memo, memo)
        view = understood_view(read_line(line), PREFIXES)
        assert bank_dedupe.compact_memo(memo) == view.compact_memo, memo
