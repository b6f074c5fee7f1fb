"""The parts attribution frames are made of: text spans, the frame itself, quotation
regions, and the token helpers that turn a parse into spans (a source's noun phrase, a
content's contiguous run). Shared by :mod:`.frames` (verb cues) and :mod:`.nouns` (noun cues).
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "Frame",
    "FrameKind",
    "TextSpan",
    "content_kind",
    "contiguous",
    "extent",
    "inside",
    "nearest_subject",
    "overlap_share",
    "own_subject",
    "quote_regions",
    "quoted_span",
    "source_tokens",
    "split_quote",
    "token_span",
    "whole_quote",
]

FrameKind = Literal["direct", "indirect", "according_to"]
#: sorts after any offset, for bisecting (start, end) pairs by start
_LAST = sys.maxsize

#: opening mark -> closing marks
#: (a straight mark may close a curly one and the other way round, as typed text mixes
#: them; two apostrophes are a double mark in some newspapers' plain text)
_QUOTES = {"“": ("”", '"'), "«": ("»",), "„": ("“", "”"), '"': ('"', "”"), "''": ("''",)}
_EDGE_CHARS = r"\s,;:—–\-\"'“”‘’«»()"
_LEAD = re.compile(f"^[{_EDGE_CHARS}]+")
_TRAIL = re.compile(f"[{_EDGE_CHARS}]+$")
#: dependents that describe a source but are not part of its name
_SOURCE_DROP = frozenset({"relcl", "acl", "appos", "punct", "parataxis", "advcl", "cc"})


@dataclass(frozen=True)
class TextSpan:
    """``text == article_text[start:end]``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Frame:
    """One attribution: the source (``None``: unstated), the cue and the content."""

    kind: FrameKind
    cue: TextSpan
    content: TextSpan
    source: TextSpan | None
    #: the cue denies its content ("denied", "rejected")
    denial: bool = False
    #: the cue's lemma, e.g. "say", "according to"
    cue_lemma: str = ""
    #: index in the doc of the source's head token (for speaker resolution)
    source_head: int | None = None
    #: the source with its appositions ("the head of X, Jane Doe"), to find a name in it
    source_extent: TextSpan | None = None
    #: the rest of a quotation the cue splits: “Y,” X said, “[and Z]”
    continued: TextSpan | None = None
    #: the cue is a participle hung off another verb (", calling it ...", ", saying ..."):
    #: it adds to that clause's statement rather than making the sentence's main one
    participle: bool = False
    #: the content is the cue's object, a thing, not a clause ("denied the report"): it
    #: states nothing by itself
    thing: bool = False
    #: the cue is a participle describing a noun ("countries [supporting the treaty]",
    #: "a lawsuit [alleging fraud]")
    modifier: bool = False
    #: the cue is a noun of saying ("a request from X to ...", "X's claim that ...")
    nominal: bool = False


def quote_regions(text: str) -> list[tuple[int, int]]:
    """Spans of quoted text, marks included. An unclosed quote ends at its line's end."""
    regions: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        char = "''" if text.startswith("''", i) else text[i]
        closers = _QUOTES.get(char)
        if closers is None or (char in ('"', "''") and i and text[i - 1].isalnum()):
            i += 1
            continue
        line_end = text.find("\n", i)
        line_end = len(text) if line_end == -1 else line_end
        close, mark = min(
            (
                (j, c)
                for j, c in ((text.find(c, i + len(char), line_end), c) for c in closers)
                if j != -1
            ),
            default=(-1, ""),
        )
        end = line_end if close == -1 else close + len(mark)
        if end - i > 1:
            regions.append((i, end))
        i = end
    return regions


def inside(regions: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` lies in one region (regions: sorted and disjoint)."""
    i = bisect_right(regions, (start, _LAST)) - 1
    return i >= 0 and regions[i][0] <= start and end <= regions[i][1]


def overlap_share(regions: Sequence[tuple[int, int]], start: int, end: int) -> float:
    if end <= start:
        return 0.0
    i = max(0, bisect_right(regions, (start, _LAST)) - 1)
    covered = 0
    while i < len(regions) and regions[i][0] < end:
        lo, hi = regions[i]
        covered += max(0, min(end, hi) - max(start, lo))
        i += 1
    return covered / (end - start)


def token_span(doc: Any, tokens: Iterable[Any], offset: int) -> TextSpan | None:
    """The character span of ``tokens`` (first to last), its edge punctuation trimmed."""
    toks = sorted(tokens, key=lambda t: t.i)
    while toks and (toks[0].is_punct or toks[0].is_space):
        toks.pop(0)
    while toks and (toks[-1].is_punct or toks[-1].is_space):
        toks.pop()
    if not toks:
        return None
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    text = doc.text[start:end]
    lead = _LEAD.match(text)
    trail = _TRAIL.search(text)
    lo = lead.end() if lead else 0
    hi = trail.start() if trail else len(text)
    if hi <= lo:
        return None
    lo, hi = _balanced(doc.text, start + lo, start + hi)
    return TextSpan(offset + lo, offset + hi, doc.text[lo:hi])


def _balanced(text: str, lo: int, hi: int) -> tuple[int, int]:
    """``text[lo:hi]`` widened by the trimmed quotation mark its inside still needs: the
    source of ``"Ledger" sources said`` is ``"Ledger" sources``, not ``Ledger" sources``."""
    inner = text[lo:hi]
    # double marks only: a single closing mark is also an apostrophe ("Britain’s")
    for opening, closing in (('"', '"'), ("“", "”")):
        if opening == closing:
            unmatched = inner.count(opening) % 2 == 1
            opens = unmatched and inner.find(opening) > 0 and inner[0] != opening
            closes = unmatched and not opens
        else:
            opens = inner.count(closing) > inner.count(opening)
            closes = inner.count(opening) > inner.count(closing)
        if opens and lo > 0 and text[lo - 1] == opening:
            lo -= 1
        elif closes and hi < len(text) and text[hi] == closing:
            hi += 1
    return lo, hi


def _run_around(head: Any, kept: set[int]) -> list[Any]:
    """The contiguous run of ``kept`` tokens that contains ``head``."""
    doc = head.doc
    lo = hi = head.i
    while lo - 1 >= 0 and lo - 1 in kept:
        lo -= 1
    while hi + 1 < len(doc) and hi + 1 in kept:
        hi += 1
    return [doc[i] for i in range(lo, hi + 1)]


def source_tokens(head: Any) -> list[Any]:
    """The source's noun phrase, without relative clauses, appositions and punctuation."""
    dropped: set[int] = set()
    for token in head.subtree:
        glued = token.dep_ == "punct" and not token.is_quote and token.text in "-‐‑"
        nested = token is not head and token.dep_ in ("relcl", "acl", "appos")
        if (token.head is head and token.dep_ in _SOURCE_DROP and not glued) or nested:
            dropped.update(t.i for t in token.subtree)
    kept = {t.i for t in head.subtree} - dropped
    run = _run_around(head, kept)
    while run and (run[-1].is_punct or run[-1].tag_ == "POS"):
        run.pop()
    return run


def extent(head: Any | None, offset: int) -> TextSpan | None:
    """The source's whole phrase, appositions included, without relative clauses."""
    if head is None:
        return None
    dropped = {t.i for c in head.children if c.dep_ == "relcl" for t in c.subtree}
    return token_span(head.doc, [t for t in head.subtree if t.i not in dropped], offset)


def own_subject(token: Any) -> tuple[Any | None, bool] | None:
    """``token``'s own subject (the agent of a passive), or None when it has none."""
    for child in token.children:
        if child.dep_ == "agent":
            objects = [g for g in child.children if g.dep_ == "pobj"]
            return (objects[0] if objects else None), True
    subjects = [c for c in token.children if c.dep_ in ("nsubj", "csubj", "nsubjpass")]
    if not subjects:
        return None
    child = nearest_subject(token, subjects)
    if child.dep_ == "nsubjpass":
        return None, True
    if child.tag_ in ("WP", "WDT", "WP$") and token.dep_ == "relcl":
        return token.head, True
    return child, True


def nearest_subject(token: Any, subjects: list[Any]) -> Any:
    """Of a verb's subjects, the one nearest before it (else the first after it), one
    outside the quotation first: where a parser gives a verb two (“One of the best,” X
    said; “...,” said X), the one in the quote is not who speaks."""
    outside = [c for c in subjects if not _quote_between(c, token)] or subjects
    before = [c for c in outside if c.i < token.i]
    return before[-1] if before else outside[0]


def _quote_between(a: Any, b: Any) -> bool:
    """A quotation mark stands between tokens ``a`` and ``b``."""
    lo, hi = sorted((a.i, b.i))
    return any(t.is_quote for t in a.doc[lo + 1 : hi])


def contiguous(tokens: list[Any]) -> list[Any]:
    """The longest run of consecutive token indices (content that skips the cue)."""
    if not tokens:
        return []
    toks = sorted(tokens, key=lambda t: t.i)
    best: list[Any] = []
    run = [toks[0]]
    for tok in toks[1:]:
        if tok.i == run[-1].i + 1:
            run.append(tok)
        else:
            best = max(best, run, key=len)
            run = [tok]
    return max(best, run, key=len)


#: quotation marks and spaces trimmed from the edges of a quotation's text
QUOTE_MARKS = "\"'“”‘’«» "
#: those, and the punctuation a parse leaves at a quote's edges
_QUOTE_EDGES = QUOTE_MARKS + "„‟\n\t,;:"
#: a title or an initial before a name: "Mr.", "Sen.", "J."
_ABBREVIATION = re.compile(r"\b[A-Z][a-z]{0,3}\.(?= [A-Z])")
#: the most characters between the two parts of a quotation its cue splits
_SPLIT_GAP = 80


def quoted_span(text: str, start: int, end: int, edges: str = QUOTE_MARKS) -> TextSpan:
    """``text[start:end]`` without the ``edges`` characters at its ends (``start`` and
    ``end`` are offsets into ``text``)."""
    piece = text[start:end]
    stripped = piece.strip(edges)
    lead = piece.find(stripped) if stripped else 0
    return TextSpan(start + lead, start + lead + len(stripped), stripped)


def whole_quote(
    regions: Sequence[tuple[int, int]], content: TextSpan, cue: TextSpan, text: str, offset: int
) -> TextSpan:
    """The whole quotation when ``content`` is a part of one and the cue stands outside it.

    A parser may take only a quote's main clause for the content (“If ..., it will ...,”
    X said: the "if" clause hangs off "said"); a direct quote's content is what is inside
    its marks. ``text`` is the parsed stretch that starts at article offset ``offset``.
    """
    i = bisect_right(regions, (content.start, _LAST)) - 1
    if i < 0:
        return content
    lo, hi = regions[i]
    if not (lo <= content.start and content.end <= hi) or lo <= cue.start < hi:
        return content
    if lo < offset or hi > offset + len(text):
        return content
    inner = quoted_span(text, lo - offset, hi - offset, _QUOTE_EDGES)
    if not inner.text:
        return content
    return TextSpan(inner.start + offset, inner.end + offset, inner.text)


def split_quote(
    regions: Sequence[tuple[int, int]], content: TextSpan, cue: TextSpan, text: str, offset: int
) -> tuple[TextSpan, TextSpan | None]:
    """The two parts of a quotation that the cue's clause splits, “Y,” X said, “and Z”:
    ``(first, rest)``; ``(content, None)`` when ``content`` is no such part.

    Both parts are quotations of one line (``text``, the parsed stretch at article
    offset ``offset``); between them stand only the cue's clause and a comma or a colon
    before the second mark, no full stop and no other quotation, the first part does not
    end a sentence (“Y.” X said. “Z.” is two sentences) and the second goes on in lower
    case (“Y,” X said, adding: “We ...” opens a sentence, and maybe another cue's quote).
    """
    i = bisect_right(regions, (content.start, _LAST)) - 1
    if i < 0 or not regions[i][0] <= content.start < content.end <= regions[i][1]:
        return content, None
    if regions[i][1] <= cue.start:
        first_i = i
    elif regions[i][0] >= cue.end:
        first_i = i - 1
    else:
        return content, None
    if first_i < 0 or first_i + 1 >= len(regions):
        return content, None
    (lo1, hi1), (lo2, hi2) = regions[first_i], regions[first_i + 1]
    if lo1 < offset or hi2 > offset + len(text) or not hi1 <= cue.start < cue.end <= lo2:
        return content, None
    gap = text[hi1 - offset : lo2 - offset]
    stops = _ABBREVIATION.sub("", gap)  # "Mr. Smith said", "J. Smith said": no full stop
    if len(gap) > _SPLIT_GAP or "\n" in gap or any(c in stops for c in ".!?"):
        return content, None
    if not gap.rstrip().endswith((",", ":")):
        return content, None
    first = quoted_span(text, lo1 - offset, hi1 - offset, _QUOTE_EDGES)
    rest = quoted_span(text, lo2 - offset, hi2 - offset, _QUOTE_EDGES)
    if not first.text or not rest.text or first.text.endswith((".", "!", "?")):
        return content, None
    if not rest.text[0].islower():
        return content, None  # “Y,” X said, adding: “We ...”: a new sentence, maybe another cue
    return (
        TextSpan(first.start + offset, first.end + offset, first.text),
        TextSpan(rest.start + offset, rest.end + offset, rest.text),
    )


def content_kind(regions: Sequence[tuple[int, int]], content: TextSpan) -> FrameKind:
    return "direct" if overlap_share(regions, content.start, content.end) >= 0.6 else "indirect"
