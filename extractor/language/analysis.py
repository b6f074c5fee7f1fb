"""One pass over an article: parse, frames, mentions, speakers, propositions, referents.

:func:`analyze` parses the article line by line (so memory and time grow with its length,
and quotes, which do not cross paragraphs, are seen whole), finds the attribution frames,
resolves every frame's source, and gives a :class:`SentenceAnalysis` per sentence of
:func:`extractor.language.segment.split_sentences`, whose offsets the rest of the pipeline uses.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .clauses import ATTRIBUTION_BREAK
from .events import reports_event
from .frame_parts import TextSpan, quoted_span
from .frames import Frame, find_frames, quote_regions
from .mentions import AUTHOR_SPEAKER, Block, find_mentions, resolve_frames
from .propositions import finish, join_quote, proposition_text, referent_of, strip_dateline
from .segment import Sentence, split_sentences
from .speakers import Speaker

__all__ = ["ArticleAnalysis", "Secondary", "SentenceAnalysis", "analyze"]

#: the longest text given to the parser at once; longer lines are cut at whitespace
_MAX_BLOCK = 20_000
#: how far after a closing quote mark its cue may stand (", he said")
_CUE_AFTER_QUOTE = 60
#: pronouns of reported speech that stand for its speaker: a person's, a group's
_PERSON_PRONOUNS = {"he": "", "she": "", "his": "'s"}
_GROUP_PRONOUNS = {"they": "", "their": "'s"}
#: a contrast between two speakers with no comma: "X said A while Y said B"
_BARE_CONTRAST = re.compile(r"\s(?:while|whereas)\s", re.IGNORECASE)
#: a name that opens with an article, lower-cased inside a sentence ("the navy")
_ARTICLE = re.compile(r"(?:The|A|An)\s")
#: a content that is an infinitive ("to extend early voting")
_INFINITIVE = re.compile(r"to\s", re.IGNORECASE)
#: a content that opens with a pronoun object ("calling it a disaster")
_PRONOUN_START = re.compile(r"(?:it|them|this|that|these|those)\b", re.IGNORECASE)
_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class Secondary:
    """Another attribution in a sentence, with content apart from the main frame's:
    "The union said 400 workers walked out, but the company denied that any strike began"."""

    frame: Frame
    speaker: Speaker
    proposition: str


@dataclass(frozen=True)
class SentenceAnalysis:
    """What code found in one sentence (offsets into the article)."""

    start: int
    end: int
    text: str
    #: the frames that attribute this sentence, the main one (largest content) first
    frames: tuple[Frame, ...] = ()
    #: candidate speakers, best first; never empty (the author when nothing is attributed)
    speakers: tuple[Speaker, ...] = (AUTHOR_SPEAKER,)
    #: the content clause with references resolved (the sentence itself when unattributed)
    proposition: str = ""
    #: an order addressed to the reader (or a model), not a statement
    imperative: bool = False
    #: (start, end, referent) of each number in the sentence
    referents: tuple[tuple[int, int, str], ...] = ()
    #: the sentence's other attributions whose content stands apart from the main one's
    secondary: tuple[Secondary, ...] = ()
    #: its words, lower-cased, and their lemmas (what a restatement may use)
    words: frozenset[str] = frozenset()
    #: whether the parse finds a verb reporting an event in it (:mod:`.events`)
    event: bool = False

    @property
    def frame(self) -> Frame | None:
        return self.frames[0] if self.frames else None

    @property
    def statement(self) -> str:
        """What a reader is shown when no restatement is used: the proposition, or the
        sentence when the proposition is only the cue's object ("The report." of "The
        mayor denied the report"), which states nothing by itself."""
        frame = self.frame
        if frame is not None and frame.thing:
            return _unattributed(self.text)
        return self.proposition or self.text

    def apart(self, speaker: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
        """Where the sentence's other attributions lie, each with its speaker and cue
        (claims of their own: "..., while [Russia said they had succeeded]"), for a claim
        of ``speaker`` quoting ``[start, end)``: not those of that speaker, nor one that
        holds the whole quote (the claim is then that attribution's)."""
        spans = []
        for other in self.secondary:
            frame = other.frame
            parts = [frame.cue, frame.content, *([frame.source] if frame.source else [])]
            lo, hi = min(p.start for p in parts), max(p.end for p in parts)
            if other.speaker.name.casefold() == speaker.casefold() or lo <= start < end <= hi:
                continue
            spans.append((lo, hi))
        return tuple(spans)

    def referent_at(self, start: int, end: int) -> str | None:
        """The referent of the number that overlaps ``[start, end)``, if any."""
        for lo, hi, referent in self.referents:
            if lo < end and start < hi:
                return referent
        return None


@dataclass
class ArticleAnalysis:
    """The language layer's reading of one article."""

    text: str
    sentences: list[SentenceAnalysis] = field(default_factory=list)
    frames: list[Frame] = field(default_factory=list)

    def at(self, start: int, end: int) -> SentenceAnalysis:
        """The analysis of ``text[start:end]``: its sentence, or the sentences it spans."""
        inside = [s for s in self.sentences if s.start < end and start < s.end]
        if len(inside) == 1 and inside[0].start == start and inside[0].end == end:
            return inside[0]
        if not inside:
            return SentenceAnalysis(
                start, end, self.text[start:end], proposition=finish(self.text[start:end])
            )
        best = max(inside, key=lambda s: (s.frame is not None, s.end - s.start))
        # the words are those of another stretch of text: left for the checks to read
        return replace(best, start=start, end=end, text=self.text[start:end], words=frozenset())


def _blocks(text: str) -> Iterator[tuple[int, str]]:
    for line in _LINE.finditer(text):
        start, chunk = line.start(), line.group()
        while len(chunk) > _MAX_BLOCK:
            cut = chunk.rfind(" ", _MAX_BLOCK // 2, _MAX_BLOCK)
            cut = _MAX_BLOCK if cut <= 0 else cut
            yield start, chunk[:cut]
            start, chunk = start + cut, chunk[cut:]
        if chunk.strip():
            yield start, chunk


def _parse(nlp: Any, text: str) -> list[Block]:
    pieces = list(_blocks(text))
    docs = nlp.pipe([piece for _, piece in pieces], batch_size=32)
    return [Block(offset, doc) for (offset, _), doc in zip(pieces, docs, strict=True)]


class _Frames:
    """The article's frames and quotes, looked up by position."""

    def __init__(
        self,
        frames: Sequence[Frame],
        regions: Sequence[tuple[int, int]],
        text: str = "",
        sentence_ends: Sequence[int] = (),
    ) -> None:
        self.text = text
        self.sentence_ends = sorted(sentence_ends)
        self.frames = sorted(frames, key=lambda f: f.cue.start)
        self.cues = [f.cue.start for f in self.frames]
        self.regions = list(regions)
        self.region_starts = [lo for lo, _ in self.regions]

    def near(self, start: int, end: int, reach: int) -> list[Frame]:
        """Frames whose cue is within ``reach`` characters of ``[start, end)``."""
        lo, hi = bisect_left(self.cues, start - reach), bisect_left(self.cues, end + reach)
        return self.frames[lo:hi]

    def sentence_end(self, at: int) -> int:
        """Where the sentence holding offset ``at`` ends (``at`` itself when unknown)."""
        i = bisect_right(self.sentence_ends, at)
        return self.sentence_ends[i] if i < len(self.sentence_ends) else at

    def regions_over(self, start: int, end: int) -> list[tuple[int, int]]:
        i = max(0, bisect_right(self.region_starts, start) - 1)
        out = []
        while i < len(self.regions) and self.regions[i][0] < end:
            if self.regions[i][1] > start:
                out.append(self.regions[i])
            i += 1
        return out


#: how far from a sentence the cue of a frame whose content covers it may stand
_FRAME_REACH = 2000


def _sentence_frames(sentence: Sentence, index: _Frames) -> list[Frame]:
    """The frames attributing ``sentence``, the main one first."""

    def overlap(frame: Frame) -> int:
        return max(
            0, min(sentence.end, frame.content.end) - max(sentence.start, frame.content.start)
        )

    nearby = index.near(sentence.start, sentence.end, _FRAME_REACH)
    own = [f for f in nearby if sentence.start <= f.cue.start < sentence.end]
    if not own:
        own = [f for f in nearby if overlap(f) * 2 >= sentence.end - sentence.start]
    if own:
        # a frame that names its source before one that does not ("it was reported that
        # the mayor said ..."), a clause before a bare object ("defended the bill, saying
        # it was ..."), a finite cue before a participle hung off a verb ("confirmed the
        # deployment, calling it ..."), then the one whose content covers most of the
        # sentence; but a request inside another's words is that speaker's (_holding)
        ordered = sorted(own, key=lambda f: (f.source is None, f.thing, f.participle, -overlap(f)))
        outer = _holding(ordered[0], ordered)
        return ordered if outer is None else [outer, *(f for f in ordered if f is not outer)]
    # a sentence of a quote that runs on: the frame of the quote it belongs to
    for lo, hi in index.regions_over(sentence.start, sentence.end):
        inside = max(0, min(sentence.end, hi) - max(sentence.start, lo))
        if inside * 5 < (sentence.end - sentence.start) * 3:
            continue
        for frame in index.near(lo, hi, _CUE_AFTER_QUOTE):
            after = hi <= frame.cue.start <= hi + _CUE_AFTER_QUOTE
            shares = frame.content.start < hi and lo < frame.content.end
            if frame.kind == "direct" and (after or shares):
                start, end = max(sentence.start, lo), min(sentence.end, hi)
                return [replace(frame, content=quoted_span(index.text, start, end))]
        before = _frame_before(lo, index)
        if before is not None:
            return [before]
    return []


def _holding(frame: Frame, frames: Sequence[Frame]) -> Frame | None:
    """For a noun of what someone wants done ("a request from X [to ...]"), a frame with a
    source whose content holds its cue: the speaker of the words it is part of ("the court
    rejected [a request from Democrats to extend voting]": the court's claim, not the
    Democrats'). A noun with a reported clause keeps the lead ("Russia rejected Ukraine's
    claim that ...": Ukraine's claim, which Russia denies), and so does a verb's frame."""
    if not (frame.nominal and _INFINITIVE.match(frame.content.text)):
        return None
    for other in frames:
        if other is frame or other.source is None:
            continue
        holds = other.content.start <= frame.cue.start < other.content.end
        held = frame.content.start <= other.cue.start < frame.content.end
        if holds and not held:
            return other
    return None


#: the most text between an attribution and a quote that goes on with the same speaker
#: ("...,” she said in an interview on Monday. “Next ...")
_CONTINUES_AFTER = 40


def _frame_before(quote_start: int, index: _Frames) -> Frame | None:
    """The frame a quote goes on from: a quote that opens right after a sentence whose
    quoted attribution just ended (``“Y,” X said. “Z”``) or that ends with a colon
    (``X said:`` and the quote on the next line) has the same speaker."""
    reach = _CONTINUES_AFTER * 10  # the previous sentence's cue, however long its quote
    near = [f for f in index.near(quote_start, quote_start, reach) if f.cue.start < quote_start]
    if not near:
        return None
    frame = max(near, key=lambda f: f.cue.start)
    ends = [frame.cue.end, frame.content.end]
    if frame.source is not None:
        ends.append(frame.source.end)
    end = max(ends)
    # what follows the attribution in its own sentence ("said Jane Doe, who led the
    # agency for a decade.") belongs to it, however long
    sentence_end = index.sentence_end(frame.cue.start)
    if end <= sentence_end <= quote_start and not index.regions_over(end, sentence_end):
        end = sentence_end
    gap = index.text[end:quote_start]
    if (
        end > quote_start
        or len(gap.strip()) > _CONTINUES_AFTER
        or index.regions_over(end, quote_start)
    ):
        return None
    opens_quote = frame.kind == "direct" or gap.rstrip().endswith(":")
    if not opens_quote or frame.source is None:
        return None
    [(_, quote_end)] = index.regions_over(quote_start, quote_start + 1)
    return replace(frame, content=quoted_span(index.text, quote_start, quote_end), kind="direct")


def _imperative(tokens: Sequence[Any]) -> bool:
    """An order: the root is a bare verb with no subject, and the sentence is no question."""
    roots = [t for t in tokens if t.dep_ == "ROOT"]
    if not roots or tokens[-1].text == "?":
        return False
    root = roots[0]
    if any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in root.children):
        return False
    # a bare verb; or a word the tagger took for a noun that still takes an object
    # ("Output the claim ..."), which only a verb does
    verb_like = root.tag_ == "VB" or any(c.dep_ == "dobj" for c in root.children)
    if not verb_like:
        return False
    first = next((t for t in tokens if not t.is_punct), None)
    return first is not None and (first is root or first.lower_ in ("please", "now", "just"))


class _Index:
    """Where things are: blocks by offset, tokens by offset, so that every look-up is a
    binary search and the analysis stays linear in the article's length."""

    def __init__(self, blocks: Sequence[Block]) -> None:
        self.blocks = list(blocks)
        self.starts = [b.offset for b in self.blocks]
        self.token_starts = [[b.offset + t.idx for t in b.doc] for b in self.blocks]
        self.offsets = {id(b.doc): b.offset for b in self.blocks}

    def tokens(self, start: int, end: int) -> list[Any]:
        """The tokens that start in ``[start, end)``."""
        out: list[Any] = []
        i = max(0, bisect_right(self.starts, start) - 1)
        while i < len(self.blocks) and self.starts[i] < end:
            starts = self.token_starts[i]
            lo, hi = bisect_left(starts, start), bisect_left(starts, end)
            doc = self.blocks[i].doc
            out.extend(doc[k] for k in range(lo, hi))
            i += 1
        return out

    def offset_of(self, token: Any) -> int:
        return int(self.offsets[id(token.doc)] + token.idx)


def _unattributed(text: str) -> str:
    """A sentence's own statement: the sentence without a leading dateline, finished."""
    return finish(strip_dateline(text))


def _proposition(sentence: Sentence, frame: Frame | None, speaker: Speaker, blocks: _Index) -> str:
    if frame is None:
        return _unattributed(sentence.text)
    frame = _within(frame, sentence)
    replacements: dict[tuple[int, int], str] = {}
    pronouns = _pronouns_for(speaker, blocks) if frame.kind == "indirect" else {}
    for token in blocks.tokens(frame.content.start, frame.content.end) if pronouns else ():
        suffix = pronouns.get(token.lower_)
        if suffix is not None and token.tag_ in ("PRP", "PRP$"):
            at = blocks.offset_of(token)
            if _rival_before(sentence.start, at, frame, speaker, blocks, pronouns):
                break  # this one and the ones after it may stand for the rival
            name = speaker.name
            if at > frame.content.start and _ARTICLE.match(name):
                name = name[0].lower() + name[1:]  # "on Saturday the navy had ..."
            if suffix == "'s" and name.endswith("s"):
                suffix = "'"  # "the rebels' leader", "Reuters' reporter"
            replacements[(at, at + len(token.text))] = name + suffix
    subject = _relative_subject(frame, blocks)
    if subject is not None:
        replacements[(frame.content.start, frame.content.start)] = subject + " "
    said = proposition_text(frame.content.text, replacements, frame.content.start)
    if frame.continued is None:
        return said
    return join_quote(said, frame.continued.text)


def _only_describes(frame: Frame) -> bool:
    """A participle that describes a noun, with no one named and only an object for its
    content ("encouraged countries [supporting Norland] to ...", "a lawsuit [alleging
    fraud] was filed"): the writer states the sentence, not "Norland." or "Fraud.", and
    nothing in it is attributed or denied ("groups rejecting the plan held a rally")."""
    return frame.modifier and frame.thing and frame.source is None


def _before_another_speaker(frame: Frame, own: Sequence[Frame], text: str) -> Frame:
    """``frame`` with its content ending at the break right before another speaker's
    attribution that the parser hung inside it: in "Officials said the talks failed, while
    Russia said they had succeeded", the officials said only that the talks failed (the
    second attribution is a claim of its own, see :func:`_stands_apart`). Not when the other
    attribution is an aside ("the rebels, who Russia said were armed, fled"), too short to
    be a claim, or would leave no more than a complementiser ("that while Russia claimed
    ..., they had failed")."""
    content = frame.content
    cut = content.end
    for other in own:
        if other is frame or other.source is None:
            continue
        said_at = min(other.cue.start, other.source.start)
        if not content.start < said_at < content.end:
            continue
        if len(other.content.text.split()) < _MIN_SECONDARY_WORDS:
            continue  # no claim apart: its words stay in this one
        at = _break_right_before(text, content.start, said_at, other)
        if at is not None:
            cut = min(cut, at)
    kept = text[content.start : cut].rstrip()
    if cut == content.end or len(finish(kept).split()) < 2:  # no more than "that ..."
        return frame
    return replace(frame, content=TextSpan(content.start, content.start + len(kept), kept))


def _break_right_before(text: str, start: int, said_at: int, other: Frame) -> int | None:
    """Where the clause break that opens ``other``'s attribution starts: the last one in
    ``text[start:said_at]`` with nothing but spaces after it: ", while", ", but", ";", or a
    bare "while"/"whereas" (not before a cue in "-ing": "exploded while the mayor was
    announcing ..." says when)."""
    found = list(ATTRIBUTION_BREAK.finditer(text, start, said_at))
    if not other.cue.text.lower().endswith("ing"):
        found += _BARE_CONTRAST.finditer(text, start, said_at)
    right_before = [m.start() for m in found if not text[m.end() : said_at].strip()]
    return min(right_before, default=None)


def _relative_subject(frame: Frame, blocks: _Index) -> str | None:
    """The noun phrase a relative clause's cue hangs off, when that is the subject of what
    was said: "a treaty that observers believe [could commit the North to fight]" states
    "A treaty could commit the North to fight." (the parser makes the relative pronoun the
    subject of the reported clause, before the cue and so outside the content)."""
    cue = next(iter(blocks.tokens(frame.cue.start, frame.cue.end)), None)
    if cue is None or cue.dep_ != "relcl" or frame.content.start < frame.cue.end:
        return None
    relative = [
        subject
        for clause in cue.children
        if clause.dep_ == "ccomp"
        for subject in clause.children
        if subject.dep_ in ("nsubj", "nsubjpass")
        and subject.tag_ in ("WDT", "WP")
        and subject.i < cue.i
    ]
    noun = cue.head
    content = blocks.tokens(frame.content.start, frame.content.end)
    if not relative or noun.pos_ == "PRON" or any(t.tag_ in ("WDT", "WP") for t in content):
        return None  # "anyone who they believe ...", or a second relative clause in it
    while noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.pos_ == "NOUN":
        noun = noun.head.head  # "a unit of 3,000 men that ...": the unit
    first = min(t.i for t in cue.subtree)
    words = noun.doc[noun.left_edge.i : first].text.rstrip(" ,")
    return words or None


def _within(frame: Frame, sentence: Sentence) -> Frame:
    """The frame with only the content its sentence holds: a claim states what its own
    quote says (a quotation of several sentences that the segmenter split gives each
    sentence its own part, not the whole quotation each time)."""
    content, continued = frame.content, frame.continued
    if continued is not None and not sentence.start <= continued.start < sentence.end:
        continued = None
    if content.start < sentence.start or content.end > sentence.end:
        lo, hi = max(content.start, sentence.start), min(content.end, sentence.end)
        if lo < hi:
            inner = quoted_span(sentence.text, lo - sentence.start, hi - sentence.start)
            content = TextSpan(inner.start + sentence.start, inner.end + sentence.start, inner.text)
    return replace(frame, content=content, continued=continued)


def _rival_before(
    start: int,
    end: int,
    frame: Frame,
    speaker: Speaker,
    blocks: _Index,
    pronouns: dict[str, str],
) -> bool:
    """Someone else a pronoun at ``end`` may stand for, named in its sentence (from
    ``start``) before it: another person for "he"/"she", another plural for "they"
    ("videos of the recruits' training appeared, and sources said they are trained in three
    cities": the recruits, not the sources; "officials said the rebels left their posts").
    The pronoun then stays as written."""
    own = [(speaker.start, speaker.end)]
    if frame.source is not None:
        own.append((frame.source.start, frame.source.end))
    for token in blocks.tokens(start, end):
        at = blocks.offset_of(token)
        if any(lo is not None and hi is not None and lo <= at < hi for lo, hi in own):
            continue  # the speaker as named here or where it was resolved
        if pronouns is _PERSON_PRONOUNS and token.ent_type_ == "PERSON":
            return True
        if pronouns is _GROUP_PRONOUNS and token.tag_ in ("NNS", "NNPS"):
            return True
    return False


def _pronouns_for(speaker: Speaker, blocks: _Index) -> dict[str, str]:
    """The pronouns that, in the speaker's own reported words, stand for the speaker:
    he/she for a person, they/their for a group or a plural ("officials said they ...")."""
    if speaker.is_author or speaker.start is None or speaker.end is None:
        return {}
    tokens = blocks.tokens(speaker.start, speaker.end)
    if any(t.ent_type_ == "PERSON" for t in tokens):
        return _PERSON_PRONOUNS
    if tokens and tokens[-1].tag_ in ("NNS", "NNPS"):
        return _GROUP_PRONOUNS
    return {}


def analyze(text: str, nlp: Any, sentences: Sequence[Sentence] | None = None) -> ArticleAnalysis:
    """The language layer's reading of ``text`` (``nlp``: a spaCy pipeline, see :mod:`.nlp`)."""
    blocks = _parse(nlp, text)
    regions = quote_regions(text)
    located: list[tuple[Frame, Block]] = []
    for block in blocks:
        for frame in find_frames(block.doc, offset=block.offset, regions=regions, text=text):
            located.append((frame, block))
    mentions, sources = find_mentions(blocks, located, regions)
    speakers = resolve_frames(text, located, mentions, sources)
    frames = [frame for frame, _ in located]
    analysis = ArticleAnalysis(text=text, frames=frames)
    index = _Index(blocks)
    sentences = list(sentences) if sentences is not None else split_sentences(text)
    frame_index = _Frames(frames, regions, text, [s.end for s in sentences])
    by_cue = {(f.cue, f.source): f for f in frames}
    for sentence in sentences:
        # a participle that only describes a noun is no one's saying (its frame stays in
        # the article's, for whoever reads attributions the PolNeAR way)
        own = [f for f in _sentence_frames(sentence, frame_index) if not _only_describes(f)]
        own = [_before_another_speaker(frame, own, text) for frame in own]
        candidates: list[Speaker] = []
        secondary: list[Secondary] = []
        for frame in own:
            if frame is not own[0] and _nested(frame, own[0], text):
                continue  # "X said it was worrying that Y was supporting Z": X's words
            base = by_cue.get((frame.cue, frame.source), frame)
            found = speakers.get(base, (AUTHOR_SPEAKER,))
            candidates += list(found if frame is own[0] else found[:1])
            if frame is not own[0] and _stands_apart(frame, own, secondary):
                secondary.append(
                    Secondary(frame, found[0], _proposition(sentence, frame, found[0], index))
                )
        unique: list[Speaker] = []
        for speaker in candidates or [AUTHOR_SPEAKER]:
            if all(speaker.name.lower() != u.name.lower() for u in unique):
                unique.append(speaker)
        tokens = index.tokens(sentence.start, sentence.end)
        referents = []
        for token in tokens:
            if (token.like_num or token.pos_ == "NUM") and token.ent_type_ not in ("DATE", "TIME"):
                referent = referent_of(token)
                if referent:
                    at = index.offset_of(token)
                    referents.append((at, at + len(token.text), referent))
        analysis.sentences.append(
            SentenceAnalysis(
                start=sentence.start,
                end=sentence.end,
                text=sentence.text,
                frames=tuple(own),
                speakers=tuple(unique),
                proposition=_proposition(sentence, own[0] if own else None, unique[0], index),
                imperative=bool(tokens) and _imperative(tokens),
                referents=tuple(referents),
                secondary=tuple(secondary),
                words=frozenset(w for t in tokens for w in (t.lower_, t.lemma_.lower())),
                event=reports_event(tokens),
            )
        )
    return analysis


#: the fewest words a second attribution's content needs to be a claim of its own
_MIN_SECONDARY_WORDS = 4


def _nested(frame: Frame, main: Frame, text: str) -> bool:
    """``frame``'s cue lies inside what ``main`` attributes: part of the main speaker's
    words, so its source is no candidate for who speaks; unless a clause break stands
    between the two cues (the parser hung a coordinated attribution inside the first:
    "Officials said the talks failed, while Russia said they had succeeded")."""
    if not main.content.start <= frame.cue.start < main.content.end:
        return False
    return ATTRIBUTION_BREAK.search(text, main.cue.end, frame.cue.start) is None


def _stands_apart(frame: Frame, own: Sequence[Frame], taken: Sequence[Secondary]) -> bool:
    """A second attribution of a sentence with content of its own: a claim by itself."""
    if len(frame.content.text.split()) < _MIN_SECONDARY_WORDS:
        return False
    if frame.participle and frame.thing and _PRONOUN_START.match(frame.content.text):
        return False  # "confirmed the deployment, calling it ...": "it" is that object
    others = [own[0].content, *(s.frame.content for s in taken)]
    return all(frame.content.end <= o.start or o.end <= frame.content.start for o in others)
