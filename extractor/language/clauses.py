"""Where a sentence's coordinated clause begins, as the two readers of clauses need it.

The comparison splits a claim's sentence into clauses so that a negation in another
clause does not deny the one that gives the numbers (``"10,000 soldiers are ready[, but]
they did not move"``): :func:`clauses`, at :data:`CLAUSE_BREAK`. The attribution layer asks
whether a second attribution inside the first speaker's words stands after a break of its
own (``"Officials said the talks failed[, while] Russia said ..."``): that needs the
stricter :data:`ATTRIBUTION_BREAK`, since a bare "yet" or "though", or a dash around an
aside, leaves the second speaker inside the first's words ("Officials said Norland has yet
to say ...").
"""

from __future__ import annotations

import re

__all__ = ["ATTRIBUTION_BREAK", "CLAUSE_BREAK", "clauses"]

#: a clause break: ``;``, a spaced dash, ``, while``, or ``but``, ``yet``, ``whereas``,
#: ``although``, ``though`` (after a comma or not). Not ``, and``: it ends list items as
#: often as clauses ("10,000 soldiers, tanks, and shells were not sent")
CLAUSE_BREAK = re.compile(
    r"\s*;\s*|\s+[—–]\s+|,\s*while\s+|,?\s+\b(?:but|yet|whereas|although|though)\b\s+",
    re.IGNORECASE,
)

#: a break before a second, coordinated attribution: ``;`` or a comma and a conjunction
#: (``, and``, ``, while``, ``, but``, ...); "Norland said 20 drones fell, and Pentland said ..."
ATTRIBUTION_BREAK = re.compile(r";|,\s*(?:while|but|whereas|and|although|though)\b", re.IGNORECASE)


def clauses(sentence: str) -> list[str]:
    """The sentence cut at its clause breaks (:data:`CLAUSE_BREAK`), empty pieces left out."""
    return [piece for piece in CLAUSE_BREAK.split(sentence) if piece.strip()]
