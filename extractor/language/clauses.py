"""Where a sentence's coordinated clause begins: one pattern for every reader of clauses.

``"10,000 soldiers are ready[, but] they did not move"``, ``"Officials said the talks
failed[, while] Russia said ..."``, a semicolon, a spaced dash. The attribution layer asks
whether a second attribution stands after such a break (then it is not inside the first
speaker's words); the comparison splits a claim's sentence at them, so that a negation in
another clause does not deny the clause that gives the numbers.
"""

from __future__ import annotations

import re

__all__ = ["CLAUSE_BREAK", "clauses"]

#: a clause break: ``;``, a spaced dash, ``, while``, or ``but``, ``yet``, ``whereas``,
#: ``although``, ``though`` (after a comma or not). Not ``, and``: it ends list items as
#: often as clauses ("10,000 soldiers, tanks, and shells were not sent")
CLAUSE_BREAK = re.compile(
    r"\s*;\s*|\s+[—–]\s+|,\s*\bwhile\b\s*|,?\s+\b(?:but|yet|whereas|although|though)\b\s+",
    re.IGNORECASE,
)


def clauses(sentence: str) -> list[str]:
    """The sentence cut at its clause breaks, empty pieces left out."""
    return [piece for piece in CLAUSE_BREAK.split(sentence) if piece.strip()]
