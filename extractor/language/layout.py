"""Attributions that layout makes, not grammar: a transcript's speaker label
(``SMITH: We will win.``) and a quote signed with a dash (``“We will win.” ― Jane Doe``).

Both are read per line (a parsed block): the label must open the line and be a name (a
person or an all-capitals word run), the signature must follow a closing quotation mark
and be a name that ends the line or its clause.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .cues import is_cue_lemma
from .frame_parts import Frame, TextSpan, content_kind

__all__ = ["layout_frames"]

#: "SMITH:", "JANE DOE:", "Mr. Smith:" at the start of a line
_LABEL = re.compile(r"\A[\s\"“]*((?:[A-Z][\w.'’-]*\s){0,3}[A-Z][\w.'’-]*)\s*:\s+(?=\S)")
#: a closing quotation mark, a dash, then the signature
_SIGNED = re.compile(r"[”\"]\s*([―—–-]{1,2})\s*([A-Z][^\n,;()]{1,60}?)\s*(?:[,;(]|$)")
_NAME_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})


def _head_at(doc: Any, start: int, end: int) -> Any | None:
    """The last token inside ``doc.text[start:end]`` (a name's head), if any."""
    inside = [t for t in doc if start <= t.idx and t.idx + len(t.text) <= end]
    return inside[-1] if inside else None


def _is_name(doc: Any, start: int, end: int) -> bool:
    text = doc.text[start:end]
    if text.isupper() and any(c.isalpha() for c in text):
        return True
    tokens = [t for t in doc if start <= t.idx and t.idx + len(t.text) <= end]
    if not tokens or is_cue_lemma(tokens[0].lemma_.lower()):
        return False  # "Said Brandt: ..." is a cue, not a label
    return all(t.ent_type_ in _NAME_LABELS for t in tokens)


def _frame(
    doc: Any,
    offset: int,
    regions: Sequence[tuple[int, int]],
    source: tuple[int, int],
    cue: tuple[int, int],
    content: tuple[int, int],
) -> Frame | None:
    text = doc.text
    lo, hi = content
    while lo < hi and text[lo] in ' "“”‘’«»':
        lo += 1
    while hi > lo and text[hi - 1] in ' "“”‘’«»':
        hi -= 1
    head = _head_at(doc, *source)
    if hi <= lo or head is None:
        return None
    content_span = TextSpan(offset + lo, offset + hi, text[lo:hi])
    return Frame(
        kind=content_kind(regions, content_span),
        cue=TextSpan(offset + cue[0], offset + cue[1], text[cue[0] : cue[1]]),
        content=content_span,
        source=TextSpan(offset + source[0], offset + source[1], text[source[0] : source[1]]),
        cue_lemma=text[cue[0] : cue[1]].strip(),
        source_head=head.i,
        source_extent=TextSpan(offset + source[0], offset + source[1], text[source[0] : source[1]]),
    )


def layout_frames(doc: Any, offset: int, regions: Sequence[tuple[int, int]]) -> list[Frame]:
    """The transcript label and dash signature frames of one parsed line."""
    text = doc.text
    frames: list[Frame] = []
    label = _LABEL.match(text)
    if label and _is_name(doc, label.start(1), label.end(1)):
        colon = text.index(":", label.end(1))
        frame = _frame(
            doc, offset, regions, label.span(1), (colon, colon + 1), (label.end(), len(text))
        )
        if frame is not None:
            frames.append(frame)
    for signed in _SIGNED.finditer(text):
        if not _is_name(doc, signed.start(2), signed.end(2)):
            continue
        close = signed.start()
        opening = max(text.rfind("“", 0, close), text.rfind('"', 0, close))
        if opening < 0:
            continue
        frame = _frame(doc, offset, regions, signed.span(2), signed.span(1), (opening, close + 1))
        if frame is not None:
            frames.append(frame)
    return frames
