"""The text cut into number, word and symbol tokens, and the questions every reader asks of them."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"(?P<num>[0-9]{1,3}(?:(?:,|[ \u00a0\u2009\u202f])[0-9]{3}(?![0-9]))+(?:\.[0-9]+)?"
    r"|[0-9]+(?:\.[0-9]+)?)|(?P<word>[^\W\d_]+(?:[-'’][^\W\d_]+)*)|(?P<sym>\S)"
)


def vocab(words: str) -> frozenset[str]:
    """A word list written as one whitespace-separated string."""
    return frozenset(words.split())


@dataclass(frozen=True)
class Tok:
    kind: str  # "num" | "word" | "sym"
    text: str
    start: int
    end: int
    low: str


class Tokens:
    """``text``'s tokens (:attr:`toks`); indexes out of range answer False, never raise."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = [
            Tok(m.lastgroup or "sym", m.group(), m.start(), m.end(), m.group().lower())
            for m in _TOKEN.finditer(text)
        ]

    def __len__(self) -> int:
        return len(self.toks)

    def same_line(self, a: int, b: int) -> bool:
        """Whether tokens ``a`` .. ``b`` exist and no line break separates them."""
        toks = self.toks
        return 0 <= a <= b < len(toks) and "\n" not in self.text[toks[a].start : toks[b].start]

    def is_word(self, i: int, word: str) -> bool:
        return self.is_kind(i, "word") and self.toks[i].low == word

    def is_kind(self, i: int, kind: str) -> bool:
        return 0 <= i < len(self.toks) and self.toks[i].kind == kind

    def glued(self, a: int, b: int) -> bool:
        return 0 <= a < b < len(self.toks) and self.toks[a].end == self.toks[b].start

    def words(self, a: int, b: int) -> str:
        """Tokens ``a`` .. ``b - 1``, lower-cased and joined by spaces (a hedge as written)."""
        return " ".join(t.low for t in self.toks[a:b])
