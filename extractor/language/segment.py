"""Sentences with exact offsets, and which of them are worth checking.

Splitting: the text is cut into blocks at line breaks (a line that starts with a lower-case
letter continues the previous one, for hard-wrapped text; a blank line always ends a block),
each block is split by ``pysbd`` (a block over 4,000 characters, such as a whole article on
one line, is first cut at sentence ends into windows of at most that size: pysbd takes time
quadratic in its input), and every sentence is found again in the original text by
searching forward from the previous end, so offsets survive whatever whitespace ``pysbd``
changes. Sentences longer than 600 characters are cut at the ``;`` or ``, `` nearest their
middle. Always ``text[s.start:s.end] == s.text``, sentences are stripped, ordered and disjoint.

Check-worthiness (0..1), scored in code:

=================  ======  =====================================================
reason             weight  when
=================  ======  =====================================================
``number``         +0.35   :func:`~extractor.language.quantities.parse_quantities` finds one
``attribution``    +0.30   a stance cue (said, according to, denied, allegedly ...)
                           or a verb of confirming, acknowledging, admitting,
                           accusing or estimating
``entity``         +0.20   a capitalised word not opening the sentence, or an
                           acronym
``event``          +0.15   a verb that reports something done or happening, not a
                           state or a saying (:mod:`.events`: read from the parse
                           where there is one, else from the verb forms)
``short``          -0.30   fewer than 6 words
``question``       -0.50   ends with ``?``
``boilerplate``    -1.00   "Your support helps us", "Read more", "Follow X on
                           Facebook", "Sign up", newsletters, subscriptions ...
=================  ======  =====================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pysbd

from ..models import Stance
from .events import looks_eventive
from .quantities import parse_quantities
from .stance import detect_stance

__all__ = [
    "Candidate",
    "Sentence",
    "best_candidates",
    "checkworthiness",
    "select_candidates",
    "split_sentences",
]

MAX_SENTENCE_CHARS = 600
#: the longest text given to pysbd at once (see the module docstring)
MAX_WINDOW_CHARS = 4000

_LINE = re.compile(r"[^\n]+")
_FALLBACK_SPLIT = re.compile(r"(?<=[.!?])\s+")
_WINDOW_CUT = re.compile(r"[.!?][\"'”’)\]]*\s+")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_CONFIRM = re.compile(
    r"\b(?:confirm(?:s|ed)?|acknowledg(?:es|ed)|admit(?:s|ted)|accus(?:es|ed)|estimat(?:es|ed))\b",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"\byour support\b|\bread more\b|\bsupport now\b|\bsign up\b|\bsubscribe\b|\bnewsletter"
    r"|\bfollow (?:us|\w+(?: \w+)?) on\b|\bclick here\b|\ball rights reserved\b|\bcookies?\b"
    r"|\bdonat(?:e|ion)\b|\bpaywall|\btrusted by\b|\bshare this\b|\badvertisement\b",
    re.IGNORECASE,
)
_WEIGHTS = {
    "number": 0.35,
    "attribution": 0.30,
    "entity": 0.20,
    "event": 0.15,
    "short": -0.30,
    "question": -0.50,
    "boilerplate": -1.00,
}


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``text == article_text[start:end]``, without surrounding whitespace."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Candidate:
    """A sentence worth sending to the model, with its check-worthiness and why."""

    sentence: Sentence
    score: float
    reasons: tuple[str, ...]


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into stripped, ordered, non-overlapping sentences with exact offsets."""
    segmenter = pysbd.Segmenter(language="en", clean=False)
    sentences: list[Sentence] = []
    for block_start, block_end in _blocks(text):
        for start, end in _segment_block(segmenter, text, block_start, block_end):
            for piece_start, piece_end in _split_long(text, start, end):
                sentences.append(Sentence(piece_start, piece_end, text[piece_start:piece_end]))
    return sentences


def checkworthiness(sentence: str, *, event: bool | None = None) -> tuple[float, tuple[str, ...]]:
    """How worth checking ``sentence`` is (0..1), and the reasons (see the module table).

    ``event``: whether a parse found an event in it (:func:`~.events.reports_event`); left
    out, the verb forms are read instead (:func:`~.events.looks_eventive`)."""
    words = _WORD.findall(sentence)
    signals = {
        "number": bool(parse_quantities(sentence)),
        "attribution": detect_stance(sentence) is not Stance.asserted
        or _CONFIRM.search(sentence) is not None,
        "entity": _has_entity(words),
        "event": looks_eventive(sentence) if event is None else event,
        "short": len(words) < 6,
        "question": sentence.rstrip().rstrip("\"'”’)").endswith("?"),
        "boilerplate": _BOILERPLATE.search(sentence) is not None,
    }
    reasons = tuple(reason for reason, present in signals.items() if present)
    score = sum(_WEIGHTS[reason] for reason in reasons)
    return round(min(1.0, max(0.0, score)), 4), reasons


def select_candidates(
    text: str, *, min_score: float = 0.35, limit: int | None = None
) -> list[Candidate]:
    """Sentences scoring at least ``min_score``, in document order.

    With ``limit``, only the ``limit`` best (ties broken by position) are kept, still returned
    in document order.
    """
    candidates = []
    for sentence in split_sentences(text):
        score, reasons = checkworthiness(sentence.text)
        if score >= min_score:
            candidates.append(Candidate(sentence, score, reasons))
    return best_candidates(candidates, limit)


def best_candidates(candidates: list[Candidate], limit: int | None) -> list[Candidate]:
    """The ``limit`` best of ``candidates`` (ties broken by position), in document order."""
    if limit is None:
        return candidates
    best = sorted(candidates, key=lambda c: (-c.score, c.sentence.start))[: max(0, limit)]
    return sorted(best, key=lambda c: c.sentence.start)


def _has_entity(words: list[str]) -> bool:
    """A name: a capitalised word that does not open the sentence, or an acronym anywhere."""
    return any(w[0].isupper() and w != "I" for w in words[1:]) or any(
        len(w) > 1 and w.isupper() for w in words
    )


def _blocks(text: str) -> list[tuple[int, int]]:
    """Line ranges that may hold sentences; a lower-case line continues the one before it."""
    blocks: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        content = line.group()
        stripped = content.lstrip()
        if not stripped.strip():
            continue
        start = line.start() + len(content) - len(stripped)
        end = line.start() + len(content.rstrip())
        joined = (
            bool(blocks) and stripped[0].islower() and text.count("\n", blocks[-1][1], start) < 2
        )
        if joined:
            blocks[-1] = (blocks[-1][0], end)
        else:
            blocks.append((start, end))
    return blocks


def _segment_block(
    segmenter: pysbd.Segmenter, text: str, start: int, end: int
) -> list[tuple[int, int]]:
    """Sentence ranges of ``text[start:end]``, segmented window by window."""
    spans: list[tuple[int, int]] = []
    for window_start, window_end in _windows(text, start, end):
        spans.extend(_segment_window(segmenter, text, window_start, window_end))
    return spans


def _windows(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` into pieces of at most MAX_WINDOW_CHARS, at sentence ends.

    Each cut is the last sentence end (else the last whitespace, else the limit itself) in
    the second half of the window, so no piece is shorter than half a window.
    """
    windows: list[tuple[int, int]] = []
    while end - start > MAX_WINDOW_CHARS:
        lo, hi = start + MAX_WINDOW_CHARS // 2, start + MAX_WINDOW_CHARS
        cut = hi
        for pattern in (_WINDOW_CUT, _SPACE):
            ends = [m.end() for m in pattern.finditer(text, lo, hi)]
            if ends:
                cut = ends[-1]
                break
        windows.append((start, cut))
        start = cut
    windows.append((start, end))
    return windows


def _segment_window(
    segmenter: pysbd.Segmenter, text: str, start: int, end: int
) -> list[tuple[int, int]]:
    """Sentence ranges of ``text[start:end]``, located in the original text."""
    block = text[start:end].replace("\n", " ")  # joined hard-wrapped lines; same offsets
    try:
        pieces = [str(p) for p in segmenter.segment(block)]
    except Exception:  # pysbd is a third-party regex engine: never let it sink an article
        pieces = _FALLBACK_SPLIT.split(block)
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in pieces:
        found = _locate(block, piece.strip(), cursor)
        if found is None:
            if piece.strip():
                break  # lost track: the rest of the block becomes one sentence
            continue
        spans.append((start + found[0], start + found[1]))
        cursor = found[1]
    rest = block[cursor:]
    if rest.strip():
        lead = len(rest) - len(rest.lstrip())
        spans.append((start + cursor + lead, start + cursor + len(rest.rstrip())))
    return spans


def _locate(block: str, piece: str, cursor: int) -> tuple[int, int] | None:
    """Where ``piece`` is in ``block`` at or after ``cursor``, tolerating changed whitespace."""
    if not piece:
        return None
    i, start = cursor, -1
    for char in piece:
        if char.isspace():
            continue
        while i < len(block) and block[i].isspace():
            i += 1
        if i >= len(block) or block[i] != char:
            break
        start = i if start < 0 else start
        i += 1
    else:
        return start, i
    at = block.find(piece, cursor)
    return (at, at + len(piece)) if at != -1 else None


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` at ``;`` or ``, `` near its middle until no piece is too long."""
    if end - start <= MAX_SENTENCE_CHARS:
        return [(start, end)]
    middle = (start + end) // 2
    chunk = text[start:end]
    cuts = [start + m.end() for m in re.finditer(r";|, ", chunk)]
    cuts = (
        [c for c in cuts if start < c < end]
        or [start + m.start() for m in re.finditer(r"\s", chunk) if 0 < m.start()]
        or [middle]
    )
    cut = min(cuts, key=lambda c: abs(c - middle))
    pieces: list[tuple[int, int]] = []
    for lo, hi in ((start, cut), (cut, end)):
        piece = text[lo:hi]
        lo, hi = lo + len(piece) - len(piece.lstrip()), lo + len(piece.rstrip())
        if lo < hi:
            pieces.extend(_split_long(text, lo, hi))
    return pieces
