"""Split a long article into chunks that fit a model's context, by paragraphs.

Offsets stay relative to the whole article. Each chunk carries a little of the text before
it (``context``) so that a claim at a chunk's start is not read without its lead-in; only
the chunk's own text is asked about.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..llm.tokens import estimate_tokens

__all__ = ["Chunk", "chunk_text"]

_PARAGRAPH = re.compile(r"\S(?:.*?\S)?(?=\n\s*\n|\s*\Z)", re.DOTALL)
_SENTENCE_END = re.compile(r"(?<=[.!?…\"”’])\s+")


@dataclass(frozen=True)
class Chunk:
    start: int
    end: int
    text: str
    context: str = ""


def _pieces(text: str, budget: int, count: Callable[[str], int]) -> list[tuple[int, int]]:
    """Paragraph spans; a paragraph over budget becomes its sentences (cut hard if needed)."""
    spans: list[tuple[int, int]] = []
    for paragraph in _PARAGRAPH.finditer(text):
        start, end = paragraph.span()
        if count(text[start:end]) <= budget:
            spans.append((start, end))
            continue
        bounds = [start] + [m.end() for m in _SENTENCE_END.finditer(text, start, end)] + [end]
        for s, e in zip(bounds, bounds[1:], strict=False):
            if count(text[s:e]) <= budget:
                spans.append((s, e))
            else:
                spans.extend(_hard_split(text, s, e, budget, count))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _hard_split(
    text: str, start: int, end: int, budget: int, count: Callable[[str], int]
) -> list[tuple[int, int]]:
    spans = []
    while start < end:
        stop = end
        while count(text[start:stop]) > budget and stop - start > 1:
            stop = start + (stop - start) // 2
        spans.append((start, stop))
        start = stop
    return spans


def chunk_text(
    text: str,
    *,
    max_tokens: int,
    overlap_chars: int = 200,
    count_tokens: Callable[[str], int] = estimate_tokens,
) -> list[Chunk]:
    """Greedily pack paragraphs into chunks of at most ``max_tokens`` tokens."""
    chunks: list[Chunk] = []
    current: tuple[int, int] | None = None
    for start, end in _pieces(text, max_tokens, count_tokens):
        if current is not None and count_tokens(text[current[0] : end]) <= max_tokens:
            current = (current[0], end)
            continue
        if current is not None:
            chunks.append(_chunk(text, *current, overlap_chars))
        current = (start, end)
    if current is not None:
        chunks.append(_chunk(text, *current, overlap_chars))
    return chunks


def _chunk(text: str, start: int, end: int, overlap_chars: int) -> Chunk:
    context = text[max(0, start - overlap_chars) : start].strip() if overlap_chars else ""
    return Chunk(start=start, end=end, text=text[start:end], context=context)
