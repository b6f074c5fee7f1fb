"""Bidi controls: text in the order a reader sees it, so numbers are the ones displayed.

A right-to-left override (U+202E ... U+202C) displays its characters in reverse, digits
included: ``"\\u202e000,01\\u202c soldiers"`` shows "10,000 soldiers". Deleting the controls
would leave "000,01", a number nobody saw. :func:`display_order` writes each override run
in its displayed order (left to right, brackets mirrored as they are drawn) and removes
the controls, so what is parsed and quoted is what the reader read.

Embeddings and isolates (U+202A, U+202B, U+2066-U+2069) and a left-to-right override
(U+202D) never reverse a run of digits, so they are simply removed. An override run that
holds other bidi controls is nested: its display is not recovered here, and
:func:`display_order` raises :class:`ValueError` saying so.
"""

from __future__ import annotations

__all__ = ["BIDI_CONTROLS", "display_order"]

#: embeddings, overrides, their terminator (U+202C) and the isolates
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_RLO, _PDF = "\u202e", "\u202c"
#: a bidi paragraph ends at any paragraph separator: an unterminated override ends there
_PARAGRAPH_ENDS = frozenset("\n\r\x1c\x1d\x1e\x85\u2029")
#: mirrored brackets: a reversed "(12)" is still drawn "(21)", not ")21("
_MIRROR = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")


def display_order(text: str) -> str:
    """``text`` with every right-to-left override run as displayed and no bidi controls."""
    if not BIDI_CONTROLS.intersection(text):
        return text
    parts: list[str] = []
    done = 0
    while (start := text.find(_RLO, done)) != -1:
        parts.append(_strip(text[done:start]))
        end = start + 1
        while end < len(text) and text[end] != _PDF and text[end] not in _PARAGRAPH_ENDS:
            if text[end] in BIDI_CONTROLS:
                raise ValueError(
                    f"bidi controls nested inside a right-to-left override (U+202E at "
                    f"character {start}): the order in which it is displayed is not "
                    "recovered; remove the controls from the text"
                )
            end += 1
        parts.append(text[start + 1 : end][::-1].translate(_MIRROR))
        done = end + 1 if end < len(text) and text[end] == _PDF else end
    parts.append(_strip(text[done:]))
    return "".join(parts)


def _strip(text: str) -> str:
    return "".join(char for char in text if char not in BIDI_CONTROLS)
