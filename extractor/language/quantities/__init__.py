"""Numbers in text, parsed by code (never by a model) into :class:`~extractor.models.Quantity`.

``value`` is always a number the wording states: the number itself, the lower end of a range
or of a vague plural. ``lower``/``upper`` encode what the wording allows (``upper=None``:
unbounded); always ``lower <= value <= upper``.

===========================  ==================================  ===========================
wording                      example                             value / lower / upper
===========================  ==================================  ===========================
exact                        ``1,500``, ``10 000``, ``six``,     v / v / v
                             ``12 thousand``, ``a million``
range                        ``8-13``, ``8 to 13``,              8 / 8 / 13
                             ``between 10,000 and 12,000``
vague plural                 ``dozens``                          24 / 24 / 99
                             ``hundreds``                        200 / 200 / 999
                             ``thousands``                       2,000 / 2,000 / 9,999
                             ``tens of thousands``               20,000 / 20,000 / 99,999
                             ``hundreds of thousands``           200,000 / 200,000 / 999,999
                             ``millions``, ``billions``          2e6 / 2e6 / 9,999,999
                             ``several``, ``a few`` + hundred..  3x / 3x / 9x..; 2x / 2x / 5x..
approximate                  about, around, approximately,       v / 0.9v / 1.1v
                             roughly, some, (an) estimated, ...
                             or so
just below                   nearly, almost, close to, just      v / 0.9v / v
                             under, just shy of
upper bound                  as many as, up to, no more than,    v / 0 / v
                             at most, fewer/less than, under
lower bound                  at least, more than, over, in       v / v / None
                             excess of, upwards of, ... or more
===========================  ==================================  ===========================

A hedge on a range applies to its ends (``about 8-13`` -> 7.2 .. 14.3). ``qualifier`` is the
hedge as written (lower-cased), else the vague wording (``"thousands"``), else ``"between"``.

``unit`` is the counted thing after the number: ``of``/``of its``/``of the`` and modifiers
(``more``, ``other``, a leading participle such as ``deployed``) are skipped, capitalised words
are dropped when lower-case ones remain (``10,000 North Korean soldiers`` -> ``soldiers``), and
the phrase stops at a preposition, verb, adverb, number or punctuation; at most 3 words, lower
case. Percentages have unit ``%``; money (``$1 million``, ``£3bn``, ``1 million dollars``) the
ISO code. In ``1,000 of the 11,000 troops`` both count ``troops``. Durations are quantities
(``two decades`` -> unit ``decades``). ``raw`` spans hedge, number and unit.

Not reported: years (a bare 4-digit 1800-2100, unless a plural noun follows: ``2000 soldiers``),
dates (next to a month name: ``May 9``, ``October 8-13``, ``on 3 October``), ordinals (``11th``,
``first``), times (``10:30``, ``9 am``), numbers glued to letters or ids (``KN-23``, ``G7``,
``10-year-old``, ``10km``), identifiers (``resolution 2231``), the pronoun ``one`` (``no one``,
``one of``) and capitalised number words inside names (``Group of Seven``).

The reader (:func:`parse_quantities`, in :mod:`.reader`) cuts the text into tokens
(:mod:`.tokens`), reads each number (:mod:`.numerals`), drops those that are dates, times,
years or identifiers (:mod:`.exclusions`), and adds the hedge and its interval
(:mod:`.hedges`) and the unit (:mod:`.units`).
"""

from __future__ import annotations

from .hedges import HEDGE_PHRASES
from .reader import parse_quantities

__all__ = ["HEDGE_PHRASES", "parse_quantities"]
