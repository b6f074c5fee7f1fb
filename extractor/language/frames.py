"""Attribution frames: who (source) says (cue) what (content), found in the parse.

Shapes found, each with character spans into the article:

- a cue verb with its subject and a clausal complement: ``X said (that) Y``,
  ``“Y,” X told reporters``, ``Y, X said, ...`` (parataxis), ``X denied the report``;
- a cue verb whose subject is inherited: ``X ... and added that Y``, ``..., saying that Y``;
- ``according to X``;
- ``X quoted Z as saying Y`` (the source is Z);
- a cue with no stated source: ``it was reported that Y`` (source ``None``: the outlet).

A cue inside quotation marks is part of someone's quote, not a new attribution (PolNeAR's
attributions do not nest). Quotes that run over several sentences are attributed by
:mod:`extractor.language.analysis`, which knows the sentences.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .cues import BELIEF, DENIAL, NEEDS_THAT, OBJECT_CONTENT, XCOMP_CONTENT, is_cue_lemma

__all__ = ["Frame", "FrameKind", "TextSpan", "find_frames", "quote_regions"]

FrameKind = Literal["direct", "indirect", "according_to"]
#: sorts after any offset, for bisecting (start, end) pairs by start
_LAST = sys.maxsize

#: opening mark -> closing marks
_QUOTES = {"“": "”", "«": "»", "„": "“”", '"': '"'}
_EDGE_CHARS = r"\s,;:—–\-\"'“”‘’«»()"
_LEAD = re.compile(f"^[{_EDGE_CHARS}]+")
_TRAIL = re.compile(f"[{_EDGE_CHARS}]+$")
#: dependents that describe a source but are not part of its name
_SOURCE_DROP = frozenset({"relcl", "acl", "appos", "punct", "parataxis", "advcl", "cc"})
#: how far to look for a subject through coordination and participles
_INHERIT_DEPS = frozenset({"conj", "advcl", "xcomp", "pcomp"})


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


def quote_regions(text: str) -> list[tuple[int, int]]:
    """Spans of quoted text, marks included. An unclosed quote ends at its line's end."""
    regions: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        char = text[i]
        closers = _QUOTES.get(char)
        if closers is None or (char == '"' and i and text[i - 1].isalnum()):
            i += 1
            continue
        line_end = text.find("\n", i)
        line_end = len(text) if line_end == -1 else line_end
        close = min(
            (j for j in (text.find(c, i + 1, line_end) for c in closers) if j != -1),
            default=-1,
        )
        end = line_end if close == -1 else close + 1
        if end - i > 1:
            regions.append((i, end))
        i = end
    return regions


def _inside(regions: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` lies in one region (regions: sorted and disjoint)."""
    i = bisect_right(regions, (start, _LAST)) - 1
    return i >= 0 and regions[i][0] <= start and end <= regions[i][1]


def _overlap_share(regions: Sequence[tuple[int, int]], start: int, end: int) -> float:
    if end <= start:
        return 0.0
    i = max(0, bisect_right(regions, (start, _LAST)) - 1)
    covered = 0
    while i < len(regions) and regions[i][0] < end:
        lo, hi = regions[i]
        covered += max(0, min(end, hi) - max(start, lo))
        i += 1
    return covered / (end - start)


def _span(doc: Any, tokens: Iterable[Any], offset: int) -> TextSpan | None:
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
    return TextSpan(offset + start + lo, offset + start + hi, text[lo:hi])


def _run_around(head: Any, kept: set[int]) -> list[Any]:
    """The contiguous run of ``kept`` tokens that contains ``head``."""
    doc = head.doc
    lo = hi = head.i
    while lo - 1 >= 0 and lo - 1 in kept:
        lo -= 1
    while hi + 1 < len(doc) and hi + 1 in kept:
        hi += 1
    return [doc[i] for i in range(lo, hi + 1)]


def _source_tokens(head: Any) -> list[Any]:
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


def _extent(head: Any | None, offset: int) -> TextSpan | None:
    """The source's whole phrase, appositions included, without relative clauses."""
    if head is None:
        return None
    dropped = {t.i for c in head.children if c.dep_ == "relcl" for t in c.subtree}
    return _span(head.doc, [t for t in head.subtree if t.i not in dropped], offset)


def _subject(cue: Any) -> tuple[Any | None, bool]:
    """The cue's source token, and whether the clause has a subject at all.

    Walks up coordination and participles ("... and added", ", saying") to the clause that
    names the subject; a relative pronoun stands for the noun its clause attaches to.
    """
    token = cue
    for _ in range(4):
        for child in token.children:
            if child.dep_ == "agent":
                objects = [g for g in child.children if g.dep_ == "pobj"]
                return (objects[0] if objects else None), True
        for child in token.children:
            if child.dep_ in ("nsubj", "csubj"):
                if child.tag_ in ("WP", "WDT", "WP$") and token.dep_ == "relcl":
                    return token.head, True
                return child, True
            if child.dep_ == "nsubjpass":
                return None, True
        if token.dep_ not in _INHERIT_DEPS or token.head is token:
            break
        token = token.head
    return None, False


def _name_before(cue: Any) -> Any | None:
    """A name standing right before a subjectless cue ("... the Post Trump said that"):
    the parser attached it elsewhere, but it is who speaks."""
    if cue.i == 0:
        return None
    before = cue.doc[cue.i - 1]
    if before.pos_ == "PROPN" and before.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return before
    return None


def _content_tokens(cue: Any) -> list[Any]:
    """The tokens of what the cue introduces (empty when it introduces nothing)."""
    lemma = cue.lemma_.lower()
    clauses = [c for c in cue.children if c.dep_ == "ccomp"]
    if not clauses and (lemma in BELIEF or lemma in XCOMP_CONTENT):
        clauses = [c for c in cue.children if c.dep_ == "xcomp"]
    if not clauses and lemma in OBJECT_CONTENT:
        clauses = [c for c in cue.children if c.dep_ == "dobj"]
    if clauses and lemma in NEEDS_THAT:
        clauses = [
            c for c in clauses if any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
        ]
    if clauses:
        return [t for c in clauses for t in c.subtree]
    if lemma in NEEDS_THAT:
        return []
    if cue.dep_ == "parataxis" or (cue.dep_ == "ccomp" and cue.i > cue.head.i):
        # "Y, X said, ..." and "Y,” X said.": the content is the clause around the cue
        own = {t.i for t in cue.subtree}
        return [t for t in cue.head.subtree if t.i not in own]
    return _quote_after(cue)


def _quote_after(cue: Any) -> list[Any]:
    """``X recalled, “Y”`` / ``X said: “Y”``: a quotation that opens right after the cue."""
    doc = cue.doc
    i = cue.i + 1
    while i < len(doc) and doc[i].is_punct and not doc[i].is_quote and i - cue.i <= 2:
        i += 1
    if i >= len(doc) or not doc[i].is_quote:
        return []
    j = i + 1
    while j < len(doc) and not doc[j].is_quote and doc[j].sent is doc[i].sent:
        j += 1
    return [doc[k] for k in range(i + 1, j)]


def _contiguous(tokens: list[Any]) -> list[Any]:
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


def _kind(regions: Sequence[tuple[int, int]], content: TextSpan) -> FrameKind:
    return "direct" if _overlap_share(regions, content.start, content.end) >= 0.6 else "indirect"


def _verb_frame(cue: Any, offset: int, regions: Sequence[tuple[int, int]]) -> Frame | None:
    doc = cue.doc
    lemma = cue.lemma_.lower()
    source_tok, has_subject = _subject(cue)
    if not has_subject:
        source_tok = _name_before(cue)
        has_subject = source_tok is not None
    cue_tokens = [cue]
    content = _content_tokens(cue)
    if lemma == "quote":  # "the ministry quoted Kim as saying Y": the source is Kim
        quoted = [c for c in cue.children if c.dep_ == "dobj"]
        saying = [
            g
            for c in cue.children
            if c.lower_ == "as"
            for g in c.children
            if g.lemma_.lower() in ("say", "tell", "state", "add")
        ]
        if not quoted or not saying:
            return None
        source_tok, has_subject = quoted[0], True
        cue_tokens = [doc[i] for i in range(cue.i, saying[0].i + 1)]
        content = _content_tokens(saying[0])
    content_tokens = _contiguous([t for t in content if t.i not in {c.i for c in cue_tokens}])
    content_span = _span(doc, content_tokens, offset)
    cue_span = _span(doc, cue_tokens, offset)
    if content_span is None or cue_span is None:
        return None
    if not has_subject and cue.tag_ in ("VBN",) and cue.dep_ in ("amod", "acl"):
        return None  # "the so-called reported figure": an adjective, not an attribution
    source = None
    if source_tok is not None:
        source = _span(doc, _source_tokens(source_tok), offset)
    return Frame(
        kind=_kind(regions, content_span),
        cue=cue_span,
        content=content_span,
        source=source,
        # "denied" denies; "did not deny" does not, and "has not confirmed" leaves it
        # unverified (the stance reader sees that in the quote)
        denial=lemma in DENIAL and not _negated(cue),
        cue_lemma=lemma,
        source_head=source_tok.i if source_tok is not None and source is not None else None,
        source_extent=_extent(source_tok, offset),
    )


def _negated(cue: Any) -> bool:
    return any(c.dep_ == "neg" for c in cue.children)


def _according_frame(
    according: Any, offset: int, regions: Sequence[tuple[int, int]]
) -> Frame | None:
    doc = according.doc
    to = [c for c in according.children if c.lower_ == "to"]
    objects = [g for g in to[0].children if g.dep_ == "pobj"] if to else []
    if not objects:
        return None
    phrase = {t.i for t in according.subtree}
    clause_root = according.head if according.head is not according else according
    rest = [t for t in clause_root.subtree if t.i not in phrase]
    if not rest:
        rest = [t for t in according.sent if t.i not in phrase]
    content_span = _span(doc, _contiguous(rest), offset)
    cue_span = _span(doc, [according, to[0]], offset)
    source = _span(doc, _source_tokens(objects[0]), offset)
    if content_span is None or cue_span is None or source is None:
        return None
    return Frame(
        kind="according_to",
        cue=cue_span,
        content=content_span,
        source=source,
        cue_lemma="according to",
        source_head=objects[0].i,
        source_extent=_extent(objects[0], offset),
    )


def _quoted_as(token: Any) -> bool:
    """``saying`` in "quoted X as saying": part of the ``quote`` cue, not a cue of its own."""
    head = token.head
    return bool(head.lower_ == "as" and head.head.lemma_.lower() == "quote")


def find_frames(
    doc: Any, *, offset: int = 0, regions: Sequence[tuple[int, int]] = ()
) -> list[Frame]:
    """The attribution frames of a parsed ``doc`` whose text starts at ``offset``.

    ``regions`` are the article's quotation spans (:func:`quote_regions`), in article offsets.
    """
    frames: list[Frame] = []
    for token in doc:
        start = offset + token.idx
        if _inside(regions, start, start + len(token.text)):
            continue  # a cue inside a quote belongs to the quote
        frame: Frame | None = None
        if token.lower_ == "according":
            frame = _according_frame(token, offset, regions)
        elif token.pos_ == "VERB" and is_cue_lemma(token.lemma_.lower()) and not _quoted_as(token):
            frame = _verb_frame(token, offset, regions)
        if frame is not None:
            frames.append(frame)
    return frames
