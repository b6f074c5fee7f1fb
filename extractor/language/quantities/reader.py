"""The reader: each number of a text, with its hedge and unit, as a ``Quantity``."""

from __future__ import annotations

from ...ingest.bidi import display_order
from ...models import Quantity
from .exclusions import is_date_or_time, is_identifier, is_year
from .hedges import bounds, hedge_after, hedge_before
from .numerals import number_or_range
from .tokens import Tokens
from .units import is_plural, unit_after

__all__ = ["parse_quantities"]


def parse_quantities(text: str) -> list[Quantity]:
    """Every quantity stated in ``text``, in order, hedges as bounds (see the table of
    :mod:`extractor.language.quantities`).

    Never raises; text without numbers gives an empty list. Text with bidi controls is read
    in the order it is displayed (:func:`~extractor.ingest.bidi.display_order`); when that order
    cannot be recovered, no quantity is reported rather than one the reader did not see.
    """
    try:
        text = display_order(text)
    except ValueError:
        return []
    t = Tokens(text)
    found: list[tuple[Quantity, int, int | None]] = []  # quantity, first token, inherit-from
    i = 0
    while i < len(t):
        parsed = _quantity_at(t, i)
        if parsed is None:
            i += 1
            continue
        quantity, first, after, inherit = parsed
        if quantity is not None:
            found.append((quantity, first, inherit))
        i = max(after, i + 1)
    # "1,000 of the 11,000 deployed troops": the first number counts what the second counts.
    for k in range(len(found) - 2, -1, -1):
        quantity, first, inherit = found[k]
        following, following_first, _ = found[k + 1]
        if inherit is not None and inherit == following_first and following.unit:
            found[k] = (quantity.model_copy(update={"unit": following.unit}), first, inherit)
    return [quantity for quantity, _, _ in found]


def _quantity_at(t: Tokens, i: int) -> tuple[Quantity | None, int, int, int | None] | None:
    """(quantity, or None when skipped; first token; next token; token to inherit from)."""
    num, qualifier = number_or_range(t, i)
    if num is None:
        return None
    first, last = num.first, num.last
    skipped = (None, first, last, None)
    if is_date_or_time(t, first, last) or is_identifier(t, first):
        return skipped
    hedge = hedge_before(t, first)
    kind = hedge[0] if hedge else None
    if hedge is not None:
        qualifier = t.words(hedge[1], first)
    elif (trailing := hedge_after(t, last)) is not None:
        kind, qualifier, last = trailing, f"or {t.toks[last + 1].low}", last + 2
    unit, end, inherit = unit_after(t, last, num)
    if num.year_like and is_year(
        t, first, hedged=hedge is not None, counts_a_plural=is_plural(unit)
    ):
        return skipped
    lower, upper = bounds(kind, num.lo, num.hi)
    start = t.toks[hedge[1] if hedge else first].start
    quantity = Quantity(
        raw=t.text[start : t.toks[end - 1].end],
        value=num.lo,
        unit=unit,
        lower=lower,
        upper=upper,
        qualifier=qualifier,
    )
    return quantity, first, end, inherit
