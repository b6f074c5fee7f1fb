"""PolNeAR reading and attribution scoring, for ``benchmarks/attribution.py``.

Nothing here imports ``extractor`` or needs the corpus: the parser takes the text of a
brat ``.ann`` file, the scorers take plain spans, so tests build tiny synthetic inputs.
The corpus format and the scoring protocol are described in
``../shared/data/polnear/README.md``; what this module decides where that protocol leaves
room is written in the docstring of each function:

- :func:`load_corpus` -- the articles, their publisher and their annotation files.
- :func:`parse_ann` -- brat ``T`` and ``E`` lines, discontinuous spans ``a b;c d``.
- :func:`nfc_offsets` -- the map from the raw text's offsets to its NFC form (the extractor
  NFC-normalises every article; two dev texts carry combining marks).
- :func:`is_direct` -- direct (inside quotation marks) or indirect content.
- :func:`match` -- gold Content spans to predicted quotes, one to one.
- :func:`judge_source` -- strict, lenient and span source accuracy of one matched pair.
- :func:`is_denial` -- a denying cue; the tool's stance is scored against it.
- :func:`word_f1` -- how well a claim's proposition states the gold content, in words.
- :func:`score` -- one document's figures, to add up with :class:`Tally`.
- :func:`agreement` -- annotator against annotator, the realistic ceiling.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Annotation",
    "Attribution",
    "DocScore",
    "Document",
    "GoldRecord",
    "Predicted",
    "SOURCE_ERRORS",
    "SourceVerdict",
    "TextSpan",
    "Tally",
    "agreement",
    "as_predicted",
    "is_denial",
    "is_direct",
    "is_unknown",
    "judge_source",
    "load_corpus",
    "match",
    "name_keys",
    "nfc_offsets",
    "overlap",
    "parse_ann",
    "quoted_regions",
    "same_phrase",
    "score",
    "select",
    "source_error",
    "source_referents",
    "words",
]

Pieces = tuple[tuple[int, int], ...]

#: the relation anchors: they cover the cue's text and name the kind of attribution
_ANCHORS = ("Attribution", "Attribution-no-source")
#: what a tool writes when it names no speaker (the article's own voice, or nobody)
_UNKNOWN = frozenset({"", "author", "unknown", "none", "n/a"})
#: capitalised tokens that are not names: function words, pronouns and titles (general English)
_NOT_NAMES = frozenset(
    """a an the this that these those he she it they we i you his her its their our my your
    him them us me who whom which what one some many several most all both each other others
    and or but of in on at by for from to with as after before when while if
    mr mrs ms miss dr sir madam sen senator rep representative gov governor president vice
    secretary minister prime general gen chairman chairwoman chair chief judge justice mayor
    attorney former then now new mr. mrs. ms. dr.""".split()
)
#: first words of pronouns and definite descriptions (see :func:`source_referents`)
_ANAPHORS = frozenset(
    "he she they it we i him her them this that these those the his its their our".split()
)
#: stems of the cue words that deny (the protocol's deny, reject, dispute, refute)
_DENIAL_STEMS = ("deni", "deny", "reject", "disput", "refut")
#: left out when comparing a speaker's words with a source's (see :func:`judge_source`)
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})
#: lowercase words that may follow a name inside a source phrase ("Smith of Ohio")
_AFTER_NAME = frozenset({"of", "from", "at", "in", "for", "and", "who", "said", "told"})
#: opening and closing double quotation marks; ``"`` and ``„``/``‟`` toggle or open
_OPEN = "“«„‟"
_CLOSE = "”»"
_TOGGLE = '"'
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
#: words, and the marks that end a name without modifying it ("Clinton, the former ...")
_WORD_OR_MARK = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[,;:()\[\]–—]|--")


@dataclass(frozen=True)
class TextSpan:
    """One brat ``T`` span: its label, its pieces (start, end) in the text, its text field."""

    id: str
    label: str
    pieces: Pieces
    text: str

    @property
    def start(self) -> int:
        return self.pieces[0][0]

    @property
    def end(self) -> int:
        return self.pieces[-1][1]

    def remapped(self, index: Sequence[int]) -> TextSpan:
        """The same span with offsets mapped through ``index`` (see :func:`nfc_offsets`)."""
        pieces = tuple((index[a], index[b]) for a, b in self.pieces)
        return TextSpan(self.id, self.label, pieces, self.text)


@dataclass(frozen=True)
class Attribution:
    """One gold ``E`` relation: content pieces (Content plus Content2), cue, source.

    ``source`` is None for ``Attribution-no-source`` relations (the right speaker is then
    "author" or unknown); the one relation with both that anchor and a Source keeps it.
    """

    id: str
    anchor: str
    content: Pieces
    cue: TextSpan | None
    source: TextSpan | None


@dataclass(frozen=True)
class Annotation:
    """One ``.ann`` file: its attributions, every Source span, the Discard and Discuss spans."""

    attributions: tuple[Attribution, ...]
    sources: tuple[TextSpan, ...]
    discards: tuple[TextSpan, ...]
    discusses: tuple[TextSpan, ...]
    incomplete: tuple[str, ...] = ()  #: ids of relations with no anchor or no content (skipped)


@dataclass(frozen=True)
class Predicted:
    """A tool's claim as the scorer sees it: quote pieces, speaker, speaker span if any."""

    pieces: Pieces
    speaker: str
    speaker_span: tuple[int, int] | None = None
    grounded: bool = True  #: its offsets index its quote in the article text
    stance: str | None = None  #: asserted, reported, denied, unverified (None: not given)
    #: what the claim says was said (its proposition); None when the tool gives none
    proposition: str | None = None


def parse_ann(content: str) -> Annotation:
    """Read a brat standoff file of PolNeAR.

    ``T<n>\\t<Label> <start> <end>[;<start> <end>...]\\t<text>`` and
    ``E<n>\\t<Role>:<T id> <Role>:<T id> ...``; other line kinds (none in PolNeAR) are
    ignored, a malformed ``T`` or ``E`` line raises :class:`ValueError` naming its line.
    Content pieces of one relation (``Content`` and ``Content2``) are merged into sorted,
    non-overlapping pieces. A relation with no anchor or no content is left out and its
    id listed in ``incomplete``.
    """
    spans: dict[str, TextSpan] = {}
    relations: list[tuple[int, str, list[tuple[str, str]]]] = []
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        kind = line[0]
        fields = line.split("\t")
        try:
            if kind == "T":
                label, _, ranges = fields[1].partition(" ")
                pieces = tuple((int(a), int(b)) for a, b in (r.split() for r in ranges.split(";")))
                if not pieces or any(b < a for a, b in pieces):
                    raise ValueError(f"bad offsets {ranges!r}")
                spans[fields[0]] = TextSpan(
                    fields[0], label, pieces, fields[2] if len(fields) > 2 else ""
                )
            elif kind == "E":
                roles = [tuple(token.split(":", 1)) for token in fields[1].split()]
                if any(len(role) != 2 for role in roles):
                    raise ValueError(f"bad role in {fields[1]!r}")
                relations.append((number, fields[0], [(r[0], r[1]) for r in roles]))
        except (IndexError, ValueError) as exc:
            raise ValueError(f"line {number}: {exc}: {line!r}") from exc

    attributions = []
    incomplete: list[str] = []
    for number, rid, roles in relations:
        try:
            by_role: dict[str, list[TextSpan]] = {}
            for role, target in roles:
                by_role.setdefault(role, []).append(spans[target])
        except KeyError as exc:
            raise ValueError(f"line {number}: {rid} names an unknown span {exc}") from exc
        anchors = [role for role in _ANCHORS if role in by_role]
        content = [s for role in ("Content", "Content2") for s in by_role.get(role, [])]
        if not anchors or not content:
            incomplete.append(rid)  # one dev relation is a bare anchor: nothing to find
            continue
        sources = by_role.get("Source", [])
        cues = by_role.get("Cue", [])
        attributions.append(
            Attribution(
                id=rid,
                anchor=anchors[0],
                content=_merge(p for s in content for p in s.pieces),
                cue=cues[0] if cues else None,
                source=sources[0] if sources else None,
            )
        )
    every = list(spans.values())
    return Annotation(
        attributions=tuple(attributions),
        sources=tuple(s for s in every if s.label == "Source"),
        discards=tuple(s for s in every if s.label == "Discard"),
        discusses=tuple(s for s in every if s.label == "Discuss"),
        incomplete=tuple(incomplete),
    )


def remap(annotation: Annotation, index: Sequence[int]) -> Annotation:
    """``annotation`` with every offset mapped through ``index`` (see :func:`nfc_offsets`)."""

    def span(s: TextSpan | None) -> TextSpan | None:
        return None if s is None else s.remapped(index)

    return Annotation(
        attributions=tuple(
            Attribution(
                a.id,
                a.anchor,
                _merge((index[x], index[y]) for x, y in a.content),
                span(a.cue),
                span(a.source),
            )
            for a in annotation.attributions
        ),
        sources=tuple(s.remapped(index) for s in annotation.sources),
        discards=tuple(s.remapped(index) for s in annotation.discards),
        discusses=tuple(s.remapped(index) for s in annotation.discusses),
        incomplete=annotation.incomplete,
    )


def nfc_offsets(text: str) -> tuple[str, list[int]]:
    """``text`` in NFC, and ``index`` with ``index[i]`` = where raw offset ``i`` lands.

    The text is cut before every character of combining class 0 (a starter); each piece
    is normalised on its own, which gives NFC for the combining marks that occur in
    news text. An offset inside a piece that shrank lands at the end of what is left of it.
    ``len(index) == len(text) + 1``.
    """
    out: list[str] = []
    index: list[int] = []
    at = 0
    cuts = [i for i, c in enumerate(text) if unicodedata.combining(c) == 0] + [len(text)]
    if not cuts or cuts[0] != 0:
        cuts.insert(0, 0)
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = unicodedata.normalize("NFC", text[a:b])
        index.extend(at + min(i, len(piece)) for i in range(b - a))
        out.append(piece)
        at += len(piece)
    index.append(at)
    normalised = "".join(out)
    if normalised != unicodedata.normalize("NFC", text):
        raise ValueError("piecewise NFC differs from NFC: offsets cannot be mapped")
    return normalised, index


# -- spans ---------------------------------------------------------------------------------


def _merge(pieces: Iterable[tuple[int, int]]) -> Pieces:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(p for p in pieces if p[1] > p[0]):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return tuple(merged)


def _length(pieces: Pieces) -> int:
    return sum(b - a for a, b in pieces)


def overlap(a: Pieces, b: Pieces) -> int:
    """Characters covered by both ``a`` and ``b`` (each a set of merged pieces)."""
    return sum(max(0, min(y, v) - max(x, u)) for x, y in _merge(a) for u, v in _merge(b))


def _closeness(gold: Pieces, claim: Pieces) -> tuple[float, float]:
    """(overlap / shorter, overlap / union) when the first is at least one half, else zeros."""
    g, c = _length(_merge(gold)), _length(_merge(claim))
    shared = overlap(gold, claim)
    if min(g, c) <= 0 or shared * 2 < min(g, c):
        return 0.0, 0.0
    return shared / min(g, c), shared / (g + c - shared)


def match(gold: Sequence[Pieces], claims: Sequence[Pieces]) -> dict[int, int]:
    """Gold index -> claim index, one to one, as many pairs as possible.

    A pair is allowed when the two overlap by at least half of the shorter one (gold is the
    union of its pieces). Allowed pairs are taken closest first (overlap / shorter, then
    overlap / union) while both are free; then augmenting paths give the gold spans still
    unmatched a claim wherever a reassignment allows it, so the matching has maximum
    cardinality and keeps the closest pairs it can.
    """
    allowed: list[list[int]] = []
    ranked: list[tuple[tuple[float, float], int, int]] = []
    for i, g in enumerate(gold):
        close = [(_closeness(g, c), j) for j, c in enumerate(claims)]
        close = sorted(
            ((k, j) for k, j in close if k[0] > 0), key=lambda t: (-t[0][0], -t[0][1], t[1])
        )
        allowed.append([j for _, j in close])
        ranked.extend((k, i, j) for k, j in close)
    owner: dict[int, int] = {}  # claim -> gold
    taken: set[int] = set()
    for _, i, j in sorted(ranked, key=lambda t: (-t[0][0], -t[0][1], t[1], t[2])):
        if i not in taken and j not in owner:
            owner[j] = i
            taken.add(i)

    def augment(i: int, seen: set[int]) -> bool:
        for j in allowed[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(gold)):
        if i not in taken:
            augment(i, set())
    return {i: j for j, i in owner.items()}


# -- direct or indirect --------------------------------------------------------------------


def quoted_regions(text: str) -> list[tuple[int, int]]:
    """Stretches of ``text`` inside double quotation marks, marks included.

    Curly and angle marks open and close; a straight ``"`` toggles. A quote still open at
    the end of a paragraph (a line) ends there: news quotes that run over several
    paragraphs reopen the mark on each one. Single quotes are not used (apostrophes).
    """
    regions: list[tuple[int, int]] = []
    opened: int | None = None
    for i, c in enumerate(text):
        if c == "\n":
            if opened is not None:
                regions.append((opened, i))
                opened = None
        elif c in _OPEN or (c == _TOGGLE and opened is None):
            if opened is None:
                opened = i
        elif (c in _CLOSE or c == _TOGGLE) and opened is not None:
            regions.append((opened, i + 1))
            opened = None
    if opened is not None:
        regions.append((opened, len(text)))
    return regions


def is_direct(text: str, content: Pieces, regions: Sequence[tuple[int, int]] | None = None) -> bool:
    """Is this content a direct quote: at least half of its letters and digits quoted?

    Only letters and digits count, so that quote marks and spaces at the span's edges do
    not decide. Mixed content ("said the plan was "a disaster"") with a short quoted part
    counts as indirect. ``regions`` is :func:`quoted_regions` of ``text`` (computed once
    per document by callers that score many spans).
    """
    regions = quoted_regions(text) if regions is None else regions
    inside = total = 0
    for a, b in _merge(content):
        for i in range(a, min(b, len(text))):
            if text[i].isalnum():
                total += 1
                inside += any(x <= i < y for x, y in regions)
    return total > 0 and inside * 2 >= total


# -- sources -------------------------------------------------------------------------------


def words(phrase: str) -> tuple[str, ...]:
    """The phrase's words, NFKC, case-folded, curly apostrophes straightened."""
    folded = unicodedata.normalize("NFKC", phrase).replace("’", "'").casefold()
    return tuple(_WORD.findall(folded))


def _contains(outer: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    n = len(inner)
    return n > 0 and any(outer[i : i + n] == inner for i in range(len(outer) - n + 1))


def _unpossessed(phrase: str) -> tuple[str, ...]:
    """:func:`words`, a possessive ending dropped: PolNeAR marks the owner of a saying noun
    ("Donald Trump's claim that ...") as the source, possessive and all."""
    return tuple(w.removesuffix("'s") if w.endswith("'s") else w for w in words(phrase))


def same_phrase(speaker: str, source: str) -> bool:
    """Strict: equal after normalising case and whitespace, or one contains the other.

    Containment is on whole words ("Trump" is in "Donald Trump"; "he" is not in "the"); a
    possessive is its owner ("Donald Trump's" is "Donald Trump").
    """
    a, b = _unpossessed(speaker), _unpossessed(source)
    return bool(a) and bool(b) and (_contains(a, b) or _contains(b, a))


def is_unknown(speaker: str) -> bool:
    """The tool named no speaker: "author" (the outlet itself), "unknown", empty."""
    return " ".join(words(speaker)) in _UNKNOWN


def name_keys(phrase: str) -> frozenset[str]:
    """The heads of the proper names in ``phrase``, case-folded: an approximation, no tagger.

    A name is a run of capitalised words that are not function words, pronouns or titles;
    its key is its last word (the surname of "Donald Trump", the "Union" of "European
    Union"). A run is no name when it is possessive or a lowercase word follows it inside
    the phrase (other than a few that may follow a name: "of", "from", "who", ...), since it
    then modifies another head: "the Trump campaign", "Trump's aides" and "Republican
    leaders" have no key; "Mr. Trump" has "trump"; "Gov. Mike Pence of Indiana" has
    "pence" and "indiana". A run that a comma, a dash or a parenthesis ends is a name
    ("Clinton, the former secretary of State," has "clinton"), and so is a possessive that
    ends the phrase ("Donald Trump's", the owner of a saying noun, has "trump").
    """
    tokens = _WORD_OR_MARK.findall(unicodedata.normalize("NFKC", phrase).replace("’", "'"))
    keys = set()
    run: list[str] = []
    for token in [*tokens, ""]:  # "" ends the last run
        if token and token[0].isupper() and token.casefold() not in _NOT_NAMES:
            run.append(token)
            continue
        if run:
            modifier = bool(token) and token[0].islower() and token not in _AFTER_NAME
            last = run[-1].casefold()
            if not modifier and not (last.endswith("'s") and token):
                keys.add(last.removesuffix("'s"))
            run = []
    return frozenset(keys)


def source_referents(sources: Sequence[TextSpan]) -> dict[str, frozenset[str]]:
    """Source span id -> ids of the *named* Source spans of the file it is taken to refer to.

    PolNeAR has no coreference links, so this approximates them over the file's Source
    spans, in text order:

    - a span with a name key (:func:`name_keys`) refers to every named span that shares a
      key with it, directly or through others ("Donald Trump", "Trump", "Mr. Trump");
    - a pronoun or definite description with no name key ("he", "they", "the campaign",
      "his spokesman") refers to what the nearest *earlier* named span refers to (the
      usual antecedent);
    - any other span ("a source", "officials") refers to nothing else: indefinites bring in
      someone new.

    Unnamed spans are never bridges, so two people are not merged through a shared "he".
    Known over-reach: two people sharing a surname merge; a pronoun whose antecedent was
    never a source takes the previous named source. Known under-reach: names that occur in
    the text but in no Source span are not used.
    """
    ordered = sorted(sources, key=lambda s: (s.start, s.id))
    parent = {s.id: s.id for s in ordered}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    named = {s.id for s in ordered if name_keys(s.text)}
    by_key: dict[str, str] = {}
    for s in ordered:
        for key in name_keys(s.text):
            if key in by_key:
                parent[find(s.id)] = find(by_key[key])
            by_key.setdefault(key, s.id)
    groups: dict[str, set[str]] = {}
    for sid in named:
        groups.setdefault(find(sid), set()).add(sid)
    referents: dict[str, frozenset[str]] = {}
    last_named: str | None = None
    for s in ordered:
        if s.id in named:
            last_named = s.id
            referents[s.id] = frozenset(groups[find(s.id)])
        elif last_named is not None and _anaphoric(s.text):
            referents[s.id] = frozenset(groups[find(last_named)])
        else:
            referents[s.id] = frozenset()
    return referents


def is_denial(cue: str) -> bool:
    """A denying cue, by its words' stems: deny, reject, dispute, refute ("has denied")."""
    return any(w.startswith(_DENIAL_STEMS) for w in words(cue))


def _anaphoric(phrase: str) -> bool:
    """A pronoun or a definite description: it points back to someone named before."""
    found = words(phrase)
    return bool(found) and found[0] in _ANAPHORS


@dataclass(frozen=True)
class SourceVerdict:
    """Is the tool's speaker right for one matched attribution, three ways."""

    strict: bool
    lenient: bool
    span: bool  #: strict, or the speaker's span overlaps the gold Source span


#: relative pronouns: as a Source they stand for the noun phrase their clause follows
_RELATIVES = frozenset({"who", "whom", "which", "that"})
#: the writer's own voice, outside quotation marks
_FIRST_PERSON = frozenset({"i", "we"})
#: how far before a relative pronoun its antecedent is looked for, in characters
_ANTECEDENT_REACH = 120


def _antecedent_text(text: str, at: int) -> str:
    """The text a relative pronoun at ``at`` follows, back to the start of its sentence."""
    window = text[max(0, at - _ANTECEDENT_REACH) : at]
    cut = max(window.rfind(". "), window.rfind("\n"))
    return window[cut + 1 :] if cut >= 0 else window


def _in_context(
    speaker: str, gold: TextSpan, text: str, regions: Sequence[tuple[int, int]]
) -> bool:
    """The lenient reading of a gold source that needs the article to resolve: a relative
    pronoun ("... Ted Cruz, who said ...") is right when every word of the speaker, but
    articles and demonstratives, is in the text its clause follows; a first person outside
    quotation marks ("I think ...", in an opinion piece) is the writer, so "author" is
    right for it."""
    found = words(gold.text)
    if found in {(w,) for w in _FIRST_PERSON}:
        quoted = any(lo <= gold.start < hi for lo, hi in regions)
        return not quoted and is_unknown(speaker)
    if not text or found not in {(w,) for w in _RELATIVES} or is_unknown(speaker):
        return False
    bare = set(words(speaker)) - _DETERMINERS
    before = _antecedent_text(text, gold.start)
    return bool(bare) and bare <= set(words(before))


def judge_source(
    attribution: Attribution,
    claim: Predicted,
    sources: Sequence[TextSpan],
    referents: dict[str, frozenset[str]] | None = None,
    text: str = "",
    regions: Sequence[tuple[int, int]] = (),
) -> SourceVerdict:
    """Score the speaker of ``claim`` against the gold source of ``attribution``.

    - No gold source (``Attribution-no-source``): right iff the tool names no speaker
      (:func:`is_unknown`), the same under all three readings.
    - **strict**: :func:`same_phrase` of speaker and gold Source text.
    - **lenient**: strict, or the speaker matches the gold Source span or one of the named
      Source spans it refers to (:func:`source_referents`), by :func:`same_phrase`, by a
      shared :func:`name_keys` key, or by having all its words but articles and
      demonstratives among that span's words: the gold "he" is then right as "Mike Pence"
      when the nearest earlier named source of the file is "Indiana Gov. Mike Pence", and
      "the coalition" is right for "the Central and East European Coalition, which ...";
      or, given the article's ``text`` and quotation ``regions``, the speaker is the
      antecedent of a relative pronoun or the writer for a first person outside quotes
      (:func:`_in_context`).
    - **span**: strict, or the tool's speaker span overlaps the gold Source span.
    """
    gold = attribution.source
    if gold is None:
        unknown = is_unknown(claim.speaker)
        return SourceVerdict(unknown, unknown, unknown)
    in_context = _in_context(claim.speaker, gold, text, regions)
    if is_unknown(claim.speaker):
        return SourceVerdict(False, in_context, False)
    strict = same_phrase(claim.speaker, gold.text)
    lenient = strict or in_context
    if not lenient:
        referents = source_referents(sources) if referents is None else referents
        by_id = {s.id: s for s in sources}
        keys = name_keys(claim.speaker)
        bare = set(words(claim.speaker)) - _DETERMINERS
        for member in referents.get(gold.id, frozenset()) | {gold.id}:
            other = by_id.get(member, gold)
            if (
                same_phrase(claim.speaker, other.text)
                or keys & name_keys(other.text)
                or (bare and bare <= set(words(other.text)))
            ):
                lenient = True
                break
    span = strict or (
        claim.speaker_span is not None and overlap(gold.pieces, (claim.speaker_span,)) > 0
    )
    return SourceVerdict(strict, lenient, span)


# -- one document, and totals --------------------------------------------------------------


@dataclass(frozen=True)
class GoldRecord:
    """One gold attribution's outcome: direct or not, found or not, source verdict."""

    id: str
    direct: bool
    found: bool
    verdict: SourceVerdict | None
    source: str | None = None  #: the gold Source text (None: no source)
    speaker: str | None = None  #: the matched claim's speaker (None: not found)
    denial: bool = False  #: the gold cue denies (see :func:`is_denial`)
    stance: str | None = None  #: the matched claim's stance
    #: word F1 of the claim's proposition, and of its whole quote, against the gold content
    content: float | None = None
    quote_content: float | None = None

    def as_dict(self) -> dict[str, object]:
        """For JSON: what was compared and how it was judged."""
        out: dict[str, object] = {"id": self.id, "direct": self.direct, "found": self.found}
        if self.verdict is not None:
            out |= {"source": self.source, "speaker": self.speaker}
            out |= {k: getattr(self.verdict, k) for k in ("strict", "lenient", "span")}
            out |= {"denial": self.denial, "stance": self.stance}
        if self.content is not None:
            out |= {"content": self.content, "quote_content": self.quote_content}
        return out


@dataclass(frozen=True)
class DocScore:
    """One document against one annotation."""

    records: tuple[GoldRecord, ...]
    claims: int  #: claims counted in precision (those inside a Discuss span are not)
    matched: int
    in_discard: int  #: unmatched claims inside a Discard span (false positives)
    in_discuss: int  #: unmatched claims inside a Discuss span (not counted)
    grounded: int
    total_claims: int  #: every claim, for the grounding share


#: why a found attribution's speaker is wrong (see :func:`source_error`)
SOURCE_ERRORS = ("author_for_source", "source_for_author", "other_source")


def source_error(record: GoldRecord) -> str | None:
    """Why the speaker of a found attribution is wrong under the lenient reading, or None
    (not found, or right): ``author_for_source`` -- the tool gave "author" where the gold
    has a source (no frame found); ``source_for_author`` -- a speaker where the gold has
    none; ``other_source`` -- a speaker, but not the gold's."""
    if record.verdict is None or record.verdict.lenient:
        return None
    if record.source is None:
        return "source_for_author"
    if record.speaker is None or is_unknown(record.speaker):
        return "author_for_source"
    return "other_source"


def _mostly_inside(claim: Pieces, spans: Sequence[TextSpan]) -> bool:
    length = _length(_merge(claim))
    return length > 0 and any(overlap(claim, s.pieces) * 2 >= length for s in spans)


_WORD = re.compile(r"\w+")


def words_of(text: str) -> Counter[str]:
    """The words of ``text``, case folded, with their counts."""
    return Counter(w.casefold() for w in _WORD.findall(text))


def word_f1(predicted: str, gold: str) -> float:
    """F1 of the words of ``predicted`` against those of ``gold`` (bags, counts kept).

    How much of what was said a proposition states, and how little else: the whole
    sentence around a short content scores its precision low, a proposition cut short
    its recall. Word order and the words' form are not judged.
    """
    ours, theirs = words_of(predicted), words_of(gold)
    common = sum((ours & theirs).values())
    if not common:
        return 0.0
    precision, recall = common / sum(ours.values()), common / sum(theirs.values())
    return 2 * precision * recall / (precision + recall)


def piece_text(text: str, pieces: Pieces) -> str:
    """The text of discontinuous ``pieces``, joined by a space."""
    return " ".join(text[start:end] for start, end in pieces)


def score(text: str, annotation: Annotation, claims: Sequence[Predicted]) -> DocScore:
    """Match ``claims`` to the attributions of ``annotation`` and judge their speakers.

    Every claim not matched is a false positive, except one lying at least half inside a
    ``Discuss`` span (ignored, as the protocol asks); those inside a ``Discard`` span
    (boilerplate) are false positives and also counted apart.
    """
    gold = annotation.attributions
    pairs = match([a.content for a in gold], [c.pieces for c in claims])
    regions = quoted_regions(text)
    referents = source_referents(annotation.sources)
    records = []
    for i, attribution in enumerate(gold):
        j = pairs.get(i)
        content = quote_content = None
        if j is not None and claims[j].proposition is not None:
            said = piece_text(text, attribution.content)
            content = word_f1(claims[j].proposition or "", said)
            quote_content = word_f1(piece_text(text, claims[j].pieces), said)
        verdict = (
            None
            if j is None
            else judge_source(attribution, claims[j], annotation.sources, referents, text, regions)
        )
        records.append(
            GoldRecord(
                attribution.id,
                is_direct(text, attribution.content, regions),
                j is not None,
                verdict,
                source=attribution.source.text if attribution.source else None,
                speaker=None if j is None else claims[j].speaker,
                denial=attribution.cue is not None and is_denial(attribution.cue.text),
                stance=None if j is None else claims[j].stance,
                content=content,
                quote_content=quote_content,
            )
        )
    matched = set(pairs.values())
    unmatched = [c for j, c in enumerate(claims) if j not in matched]
    in_discuss = sum(_mostly_inside(c.pieces, annotation.discusses) for c in unmatched)
    in_discard = sum(_mostly_inside(c.pieces, annotation.discards) for c in unmatched)
    return DocScore(
        records=tuple(records),
        claims=len(claims) - in_discuss,
        matched=len(matched),
        in_discard=in_discard,
        in_discuss=in_discuss,
        grounded=sum(c.grounded for c in claims),
        total_claims=len(claims),
    )


def as_predicted(annotation: Annotation) -> list[Predicted]:
    """An annotator's attributions as if a tool had produced them (for :func:`agreement`).

    The speaker is the Source text ("author" when none), its span the Source's extent.
    """
    return [
        Predicted(
            pieces=a.content,
            speaker=a.source.text if a.source else "author",
            speaker_span=(a.source.start, a.source.end) if a.source else None,
        )
        for a in annotation.attributions
    ]


def agreement(text: str, annotations: dict[str, Annotation]) -> Tally:
    """Every annotator scored against every other one (ordered pairs), pooled."""
    tally = Tally()
    for gold in sorted(annotations):
        for other in sorted(annotations):
            if other != gold:
                tally.add(score(text, annotations[gold], as_predicted(annotations[other])))
    return tally


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


@dataclass
class Tally:
    """Figures added up over documents (or one kind of attribution: direct, indirect)."""

    gold: int = 0
    found: int = 0
    strict: int = 0
    lenient: int = 0
    span: int = 0
    claims: int = 0
    matched: int = 0
    in_discard: int = 0
    grounded: int = 0
    total_claims: int = 0
    reported: int = 0  #: found ones the tool marks as someone else's (stance not asserted)
    stance_right: int = 0  #: found ones where the tool's denied / not denied is the gold's
    denials: int = 0  #: found ones whose gold cue denies
    #: found ones with a proposition, and the sums of their word F1 against the gold
    #: content (:func:`word_f1`): of the proposition, and of the whole quote
    stated: int = 0
    content: float = 0.0
    quote_content: float = 0.0
    #: found ones whose speaker is wrong (lenient), by :func:`source_error`
    errors: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, Tally] = field(default_factory=dict)

    def add(self, doc: DocScore) -> None:
        self.claims += doc.claims
        self.matched += doc.matched
        self.in_discard += doc.in_discard
        self.grounded += doc.grounded
        self.total_claims += doc.total_claims
        for record in doc.records:
            kind = self.kinds.setdefault("direct" if record.direct else "indirect", Tally())
            for tally in (self, kind):
                tally.gold += 1
                tally.found += record.found
                if record.verdict is not None:
                    tally.strict += record.verdict.strict
                    tally.lenient += record.verdict.lenient
                    tally.span += record.verdict.span
                    tally.reported += record.stance not in (None, "asserted")
                    tally.stance_right += (record.stance == "denied") == record.denial
                    tally.denials += record.denial
                    error = source_error(record)
                    if error is not None:
                        tally.errors[error] = tally.errors.get(error, 0) + 1
                if record.content is not None and record.quote_content is not None:
                    tally.stated += 1
                    tally.content += record.content
                    tally.quote_content += record.quote_content

    @property
    def recall(self) -> float | None:
        return _ratio(self.found, self.gold)

    @property
    def precision(self) -> float | None:
        return _ratio(self.matched, self.claims)

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return None if p is None or r is None or p + r == 0 else 2 * p * r / (p + r)

    def accuracy(self, reading: str) -> float | None:
        """A share of the found attributions: source accuracy (``strict``, ``lenient``,
        ``span``), ``reported`` (told from the article's own voice) or ``stance_right``."""
        return _ratio(getattr(self, reading), self.found)

    def content_f1(self, of: str = "content") -> float | None:
        """Mean word F1 against the gold content, on the found attributions with a
        proposition: of the proposition (``content``) or of the whole quote
        (``quote_content``, the baseline a proposition must beat)."""
        return _ratio(getattr(self, of), self.stated)

    @property
    def grounded_share(self) -> float | None:
        return _ratio(self.grounded, self.total_claims)

    def figures(self) -> dict[str, object]:
        """Counts and rates, for JSON."""
        out: dict[str, object] = {
            "gold": self.gold,
            "found": self.found,
            "claims": self.claims,
            "matched": self.matched,
            "in_discard": self.in_discard,
            "recall": self.recall,
            "precision": self.precision,
            "f1": self.f1,
            "source_strict": self.accuracy("strict"),
            "source_lenient": self.accuracy("lenient"),
            "source_span": self.accuracy("span"),
            "grounded": self.grounded_share,
            "voice": self.accuracy("reported"),
            "stance": self.accuracy("stance_right"),
            "denials": self.denials,
            "stated": self.stated,
            "content": self.content_f1(),
            "quote_content": self.content_f1("quote_content"),
            "source_errors": {k: self.errors.get(k, 0) for k in SOURCE_ERRORS},
        }
        if self.kinds:
            out["by_kind"] = {
                k: {
                    "gold": t.gold,
                    "found": t.found,
                    "recall": t.recall,
                    "source_strict": t.accuracy("strict"),
                    "source_lenient": t.accuracy("lenient"),
                    "source_span": t.accuracy("span"),
                }
                for k, t in sorted(self.kinds.items())
            }
        return out


# -- the corpus ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """One article: NFC text, publisher, and its annotations by annotator (NFC offsets)."""

    stem: str
    publisher: str
    path: Path
    raw: str  #: the file's text as read (what the extractor is given)
    text: str  #: its NFC form, which every offset here refers to
    annotations: dict[str, Annotation]

    @property
    def annotator(self) -> str:
        """The annotator of the main score: the lexicographically first one."""
        return min(self.annotations)


def load_corpus(data: Path) -> list[Document]:
    """Every ``dev_text/*.txt`` with its ``dev_attributions/<stem>_<annotator>.ann`` files.

    The publisher comes from ``metadata_dev.tsv`` when the file has a row, else from the
    file name (the part before the first ``_``). Sorted by file name.
    """
    publishers: dict[str, str] = {}
    metadata = data / "metadata_dev.tsv"
    if metadata.is_file():
        with metadata.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                publishers[row["filename"]] = row["publisher"]
    annotations: dict[str, dict[str, Path]] = {}
    for ann in sorted((data / "dev_attributions").glob("*.ann")):
        stem, _, annotator = ann.stem.rpartition("_")
        annotations.setdefault(stem, {})[annotator] = ann
    documents = []
    for path in sorted((data / "dev_text").glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        text, index = nfc_offsets(raw)
        files = annotations.get(path.stem, {})
        documents.append(
            Document(
                stem=path.stem,
                publisher=publishers.get(path.stem, path.stem.split("_", 1)[0]),
                path=path,
                raw=raw,
                text=text,
                annotations={
                    who: remap(parse_ann(ann.read_text(encoding="utf-8")), index)
                    for who, ann in sorted(files.items())
                },
            )
        )
    return documents


def select(documents: Sequence[Document], limit: int) -> list[Document]:
    """``limit`` documents (all when 0), taken in turn from each publisher.

    Publishers in name order, each one's documents in file-name order: the first of each
    publisher, then the second of each, and so on; so ``limit = 2 x publishers`` is the
    first two articles of every publisher. Deterministic.
    """
    by_publisher: dict[str, list[Document]] = {}
    for doc in sorted(documents, key=lambda d: d.stem):
        by_publisher.setdefault(doc.publisher, []).append(doc)
    queues = [by_publisher[p] for p in sorted(by_publisher)]
    chosen: list[Document] = []
    rank = 0
    while any(rank < len(q) for q in queues):
        chosen.extend(q[rank] for q in queues if rank < len(q))
        rank += 1
    return chosen if limit <= 0 else chosen[:limit]
