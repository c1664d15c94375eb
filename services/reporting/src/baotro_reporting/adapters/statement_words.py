"""Word search of the public statement on PostgreSQL: the stored word vector and its queries.

`statement_line.search_vector` is computed by PostgreSQL from `search_text` (the folded name
and memo, see `domain.statement.search_text`) whenever a line is written: every run of
letters and digits is a word, and the vector holds each word and each pair of neighbouring
words joined by "z" ("nguyen van an" → nguyen, van, an, nguyenzvan, vanzan), without
positions. A GIN index on it finds:

- one word: the lines holding that word, or a word starting with it;
- several words: the lines holding every neighbouring pair. Pairs are rare even when their
  words are not ("nguyen" and "van" are in a tenth of the lines, "nguyen van an" in a few
  hundred), so the index hands over few candidates; a regular expression on `search_text`
  then checks that the words follow each other exactly.

The last word typed also matches the beginning of a word ("nguyen van a" finds "Nguyễn Văn A"
and "Nguyễn Văn Anh"): people search while typing. A word is not found inside another word
("uyen" does not find "Nguyễn"). SQLite (the laptop database) keeps `LIKE '%…%'` on
`search_text`; its `search_vector` is always NULL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Text

from baotro_shared.text import fold_lower

JOINER = "z"
"""Joins a pair of words into one token: Vietnamese words never hold a "z", and a rare clash
with a real word only costs a candidate that the regular expression then drops."""
MAX_WORDS = 12
_WORD = re.compile(r"[0-9a-z]+")
_NORMALISED = r"btrim(regexp_replace(search_text, '[^0-9a-z]+', ' ', 'g'))"
_PAIRS = r"regexp_replace({text}, '(\w+) (\w+)', '\1" + JOINER + r"\2', 'g')"
_DIGITS = "abs(amount)::text"
_MAGNITUDE = f"lpad(length({_DIGITS})::text, 2, '0')"
_AMOUNT = (
    f"' -' || {_MAGNITUDE} || ' -' || {_MAGNITUDE} || left({_DIGITS}, 1) "
    f"|| ' -' || {_MAGNITUDE} || left({_DIGITS}, 2)"
)
VECTOR_SQL = (
    "strip(to_tsvector('simple'::regconfig, "
    + _NORMALISED
    + " || ' ' || "
    + _PAIRS.format(text=_NORMALISED)
    + " || ' ' || "
    + _PAIRS.format(text=r"regexp_replace(" + _NORMALISED + r", '^\w+ ?', '')")
    + " || "
    + _AMOUNT
    + "))"
)
"""The generated column's expression: the words, the pairs starting at the first word, the
pairs starting at the second word (the two together: every neighbouring pair), then the
amount's buckets (`statement_amounts`)."""


class WordVector(FunctionElement[str]):
    """`search_vector`'s expression: `VECTOR_SQL` on PostgreSQL, NULL elsewhere."""

    type = Text()
    inherit_cache = True
    name = "word_vector"


@compiles(WordVector)
def _null(_element: WordVector, _compiler: Any, **_kw: Any) -> str:
    return "NULL"


@compiles(WordVector, "postgresql")
def _vector(_element: WordVector, _compiler: Any, **_kw: Any) -> str:
    return VECTOR_SQL


@dataclass(frozen=True)
class WordQuery:
    """What a typed text searches: a tsquery for the index, a regular expression for order."""

    words: tuple[str, ...]

    @classmethod
    def of(cls, typed: str) -> WordQuery | None:
        """None when the text holds no letter or digit (nothing can match it)."""
        words = tuple(_WORD.findall(fold_lower(typed)))[:MAX_WORDS]
        return cls(words) if words else None

    @property
    def tsquery(self) -> str:
        """`nguyen` → `'nguyen':*`; `nguyen van a` → `'nguyenzvan' & 'vanza':*`."""
        *exact, last = self.words
        if not exact:
            return f"'{last}':*"
        pairs = [f"{a}{JOINER}{b}" for a, b in zip(self.words, self.words[1:], strict=False)]
        return " & ".join([*(f"'{p}'" for p in pairs[:-1]), f"'{pairs[-1]}':*"])

    @property
    def pattern(self) -> str | None:
        """The words in order, any separators between them, the last one as a beginning;
        None for one word (the index alone is exact)."""
        if len(self.words) < 2:
            return None
        return "(^|[^0-9a-z])" + "[^0-9a-z]+".join(self.words)

    @property
    def phrase(self) -> str | None:
        """`pattern` for a text written as `spaced_words`: " nguyen van a" is in
        " ong nguyen van anh" exactly where the pattern finds "Ông Nguyễn Văn Anh"; None for
        one word."""
        if len(self.words) < 2:
            return None
        return " " + " ".join(self.words)


def spaced_words(words: list[str]) -> str:
    """A text's words, each after one space: what `WordQuery.phrase` is looked for in (a
    substring search costs a fraction of a regular expression, and nothing to compile)."""
    return " " + " ".join(words)
