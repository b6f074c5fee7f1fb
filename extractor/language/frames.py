"""Attribution frames: who (source) says (cue) what (content), found in the parse.

Shapes found, each with character spans into the article:

- a cue verb with its subject and a clausal complement: ``X said (that) Y``,
  ``“Y,” X told reporters``, ``Y, X said, ...`` (parataxis), ``X denied the report``;
- a cue verb whose subject is inherited: ``X ... and added that Y``, ``..., saying that Y``;
- ``according to X``, and ``according to a statement from X`` (the source is X);
- a noun of saying with its owner and its clause: ``X's claim that Y``, ``the warning by
  X that Y``, ``X's plan to Y`` (:mod:`.nouns`);
- layout: a transcript's ``SMITH: ...`` and a quote signed ``“...” ― Jane Doe``
  (:mod:`.layout`);
- ``X quoted Z as saying Y`` (the source is Z);
- ``X said:`` at the end of a line, and the quotation that opens the next one;
- what a small parser misreads: ``According to X, Y`` taken as one noun phrase (X ends at
  its comma), a cue verb tagged as a noun that still has a subject and a reported clause,
  and the reported clause hung off the cue as an adverbial (``X said after the vote he
  would ...``);
- ``As X said, Y`` and ``Y, as X put it`` (the clause the "as" clause hangs off);
- ``polls show Y``, ``a study found Y``: a poll, a study, a video ... reports its object;
- a cue with no stated source: ``it was reported that Y`` (source ``None``: the outlet).

A cue inside quotation marks is part of someone's quote, not a new attribution (PolNeAR's
attributions do not nest). Quotes that run over several sentences are attributed by
:mod:`extractor.language.analysis`, which knows the sentences.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from typing import Any

from .cues import (
    BELIEF,
    DENIAL,
    EVIDENCE,
    NEEDS_THAT,
    NOUN_CUES,
    OBJECT_CONTENT,
    XCOMP_CONTENT,
    is_cue_lemma,
)
from .frame_parts import (
    Frame,
    FrameKind,
    TextSpan,
    content_kind,
    contiguous,
    extent,
    inside,
    nearest_subject,
    own_subject,
    quote_regions,
    quoted_span,
    source_tokens,
    split_quote,
    token_span,
    whole_quote,
)
from .layout import layout_frames
from .nouns import noun_frame, noun_owner

__all__ = ["Frame", "FrameKind", "TextSpan", "find_frames", "quote_regions"]

#: how far to look for a subject through coordination and participles
_INHERIT_DEPS = frozenset({"conj", "advcl", "xcomp", "pcomp"})
#: single quotation marks: inside a double-quoted passage they open a quote in the quote
_SINGLE_QUOTES = frozenset({"'", "‘", "’", "`"})
#: parts of speech that head a clause
_VERBS = frozenset({"VERB", "AUX"})
#: verbs that report speech only with their particle: "pointed out that ...", "spelled out"
_PHRASAL = {"point": "out", "spell": "out"}
#: cue verbs whose particle makes a request with an infinitive ("called on X to Y")
_REQUEST_PARTICLES = {"call": "on"}
#: cue verbs that ask for the object of a preposition ("called for an inquiry")
_REQUEST_PREPOSITIONS = {"call": "for", "ask": "for"}
#: entity types of a phrase that says when or how often, not what
_TIME_ENTITIES = frozenset({"DATE", "TIME", "ORDINAL"})
#: nouns that say when or how long ("for the third time", "for a while")
_TIME_NOUNS = frozenset("time moment while hour day week month year decade".split())
#: dependencies of a clause's subject
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "expl", "csubj"})
#: prepositions that say what a cue says of its object ("blamed X for Y", "accused X of Y")
_OBJECT_PREPOSITIONS = frozenset({"for", "of", "as"})
#: the most characters between a line that ends ``X said:`` and the quotation it opens
_COLON_GAP = 4


def _subject(cue: Any) -> tuple[Any | None, bool]:
    """The cue's source token, and whether the clause has a subject at all.

    Walks up coordination, participles and prepositions ("... and added", ", saying",
    "by telling") to the clause that names the subject; a relative pronoun stands for the
    noun its clause attaches to; a participle of a saying noun ("a statement calling ...")
    is said by whoever made the statement (:func:`noun_owner`). An "as" clause names its
    own subject or none ("As expected, the bridge reopened": the bridge expected nothing).
    """
    token = cue
    for _ in range(5):
        found = own_subject(token)
        if found is not None:
            return found
        if _as_clause(token):
            break  # "As expected, the bridge reopened": the bridge expected nothing
        if token.dep_ == "acl" and token.head.lemma_.lower() in NOUN_CUES:
            owner = noun_owner(token.head)
            return owner, owner is not None
        if token.head is token or not (
            token.dep_ in _INHERIT_DEPS or (token.dep_ == "prep" and token.head.pos_ in _VERBS)
        ):
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


def _as_clause(cue: Any) -> bool:
    """The cue heads a clause of "as" hung off another: "As the mayor said, the bridge will
    reopen", "the bridge will reopen, as the mayor put it"."""
    return cue.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in cue.children)


#: what a cue says something of or about ("warned of delays", "spoke about the cuts")
_ABOUT = frozenset({"of", "about"})


def _says_the_clause(cue: Any) -> bool:
    """An "as" clause whose cue has no complement of its own, so that the clause it hangs
    off is what was said ("As the mayor said on Monday, ...", "as the mayor put it", "As he
    told reporters, ..."); not one of time or reason ("As officials warned of delays, the
    port closed"; "As the minister announced the cuts, unions called a strike")."""
    if not _as_clause(cue):
        return False
    lemma = cue.lemma_.lower()
    for child in cue.children:
        if child.dep_ in ("dobj", "dative") and not (
            lemma == "tell" or (lemma == "put" and child.lower_ == "it")
        ):
            return False
        if child.dep_ in ("xcomp", "oprd", "ccomp") or (
            child.dep_ == "prep" and child.lower_ in _ABOUT
        ):
            return False
    return True


def _clause_said(cue: Any) -> list[Any]:
    """The clause an "as" clause hangs off, without it, from its subject on ("As the mayor
    said, though, the plan ...": the plan ...)."""
    own = {t.i for t in cue.subtree}
    head = cue.head
    subjects = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass", "expl")]
    start = min((min(t.i for t in c.subtree) for c in subjects), default=head.left_edge.i)
    return [t for t in head.subtree if t.i not in own and t.i >= start]


def _content_tokens(cue: Any) -> list[Any]:
    """The tokens of what the cue introduces (empty when it introduces nothing)."""
    lemma = cue.lemma_.lower()
    clauses = [c for c in cue.children if c.dep_ == "ccomp"]
    if not clauses and _says_the_clause(cue):
        return _clause_said(cue)  # "As X said, Y": X said Y
    asks = lemma in BELIEF or lemma in XCOMP_CONTENT or _asks_with_particle(cue)
    if not clauses and asks and cue.dep_ != "relcl":
        # not "the plan, which the council agreed to fund, was scrapped": an aside
        clauses = [c for c in cue.children if c.dep_ == "xcomp"]
    if not clauses and cue.dep_ != "relcl":  # "called for an inquiry": what is asked for
        clauses = _asked_for(cue)
    if not clauses and lemma in OBJECT_CONTENT:
        clauses = [c for c in cue.children if c.dep_ == "dobj"]
        clauses += _object_complements(cue, clauses)
    if clauses and lemma in NEEDS_THAT:
        # "found that Y", or "Y, a study shows" (a clause before the cue reports, as
        # "Y, officials said" does); not "they are shown how ..."
        clauses = [
            c
            for c in clauses
            if c.i < cue.i or any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
        ]
    if not clauses and lemma in _EVIDENTIAL and _shown_by_evidence(cue):
        clauses = [c for c in cue.children if c.dep_ == "dobj" and c.tag_ != "PRP"]
    if not clauses and lemma not in NEEDS_THAT:
        clauses = [c for c in cue.children if _reported_clause(cue, c)]
    if clauses:
        return [t for c in clauses for t in (*_misparsed_subject(cue, c), *c.subtree)]
    if lemma in NEEDS_THAT:
        return []
    reverse = cue.dep_ == "ccomp" and cue.i > cue.head.i
    if cue.dep_ == "parataxis" or (reverse and not is_cue_lemma(cue.head.lemma_.lower())):
        # "Y, X said, ..." and "Y,” X said.": the content is the clause around the cue
        own = {t.i for t in cue.subtree}
        return [t for t in cue.head.subtree if t.i not in own]
    return _quote_after(cue) or _quote_before(cue)


#: verbs that report what evidence holds ("polls show a close contest")
_EVIDENTIAL = frozenset({"show", "find"})


def _shown_by_evidence(cue: Any) -> bool:
    """The cue's subject is a poll, a study, a video ...: a thing whose object is what it
    shows ("a study found 31 cases"), where a person's would be an act ("police found
    the car")."""
    return any(c.dep_ == "nsubj" and c.lemma_.lower() in EVIDENCE for c in cue.children)


def _misparsed_subject(cue: Any, clause: Any) -> list[Any]:
    """The subject a parser hung off the cue as its object, right before a reported clause
    that has none ("thinks [the plan]obj [was flawed]"): it belongs to the clause."""
    if clause.dep_ != "ccomp" or any(c.dep_ in _SUBJECTS for c in clause.children):
        return []
    first = min(t.i for t in clause.subtree)
    objects = [c for c in cue.children if c.dep_ == "dobj" and cue.i < c.i < first]
    if not objects:
        return []
    start = min(t.i for t in objects[0].subtree)
    # the object and what the parser also hung off the cue up to the clause
    # ("[the outreach]obj [to voters]prep [was phony]")
    between = [t for c in cue.children if start <= c.i < first for t in c.subtree]
    indices = sorted(t.i for t in between)
    if indices != list(range(start, first)):
        return []
    return sorted(between, key=lambda t: t.i)


def _object_complements(cue: Any, objects: Sequence[Any]) -> list[Any]:
    """What the cue says of its object, after it: "called the test [a violation]",
    "accused X [of lying]", "praised X [for its work]", "described X [as unfit]"; not
    when: "denied it [for the third time]", "criticized X [for months]"."""
    if not objects:
        return []
    last = max(o.i for o in objects)
    return [
        c
        for c in cue.children
        if c.i > last
        and (c.dep_ == "oprd" or (c.dep_ == "prep" and c.lower_ in _OBJECT_PREPOSITIONS))
        and not _of_time(c)
    ]


def _reported_clause(cue: Any, clause: Any) -> bool:
    """A clause the parser hung off the cue as an adverbial, but that is what was said:
    it follows the cue, has a subject of its own and no conjunction ("X said after the
    meeting he would resign"; not "X said, when asked, ..." nor "X said it because ...")."""
    return bool(
        clause.dep_ == "advcl"
        and clause.i > cue.i
        and clause.pos_ in _VERBS
        and any(c.dep_ in ("nsubj", "nsubjpass") for c in clause.children)
        and not any(c.dep_ in ("mark", "advmod") and c.i < clause.i for c in clause.children)
    )


def _quote_after(cue: Any) -> list[Any]:
    """``X recalled, “Y”`` / ``X said: “Y”``: a quotation that opens right after the cue."""
    doc = cue.doc
    i = cue.i + 1
    while i < len(doc) and doc[i].is_punct and not doc[i].is_quote and i - cue.i <= 2:
        i += 1
    if i >= len(doc) or not doc[i].is_quote:
        return []
    single = doc[i].text in _SINGLE_QUOTES  # a double quote closes only on a double mark
    j = i + 1
    sentence_end = doc[i].sent.end
    while j < min(len(doc), sentence_end) and not (
        doc[j].is_quote and (single or doc[j].text not in _SINGLE_QUOTES)
    ):
        j += 1
    return [doc[k] for k in range(i + 1, j)]


def _quote_before(cue: Any) -> list[Any]:
    """``“Y. Z,” X said in an interview``: the quotation that closes right before the cue
    and its subject, when the parser gave the cue no clause (a quote of several sentences)."""
    doc = cue.doc
    subjects = [c for c in cue.children if c.dep_ == "nsubj"]
    source = [nearest_subject(cue, subjects)] if subjects else []
    first = min([cue.i] + [t.i for c in source for t in c.subtree])
    i = first - 1
    while i >= 0 and doc[i].is_punct and not doc[i].is_quote and first - i <= 2:
        i -= 1
    if i < 1 or not doc[i].is_quote:
        return []
    j = i - 1
    while j >= 0 and not doc[j].is_quote:
        j -= 1
    return [doc[k] for k in range(j + 1, i)]


def _quote_on_next_line(
    cue: Any, offset: int, regions: Sequence[tuple[int, int]], text: str
) -> TextSpan | None:
    """``He said:`` at a line's end, and the quotation that opens the next line."""
    rest = cue.doc[cue.i + 1 :]
    if not text or not rest or not all(t.is_punct or t.is_space for t in rest):
        return None
    if not rest.text.rstrip().endswith(":"):
        return None
    line_end = offset + len(cue.doc.text)
    i = bisect_left(regions, (line_end, -1))
    if i == len(regions):
        return None
    lo, hi = regions[i]
    if lo - line_end > _COLON_GAP or text[line_end:lo].strip():
        return None
    inner = quoted_span(text, lo, hi)
    return inner if inner.text else None


def _verb_frame(
    cue: Any, offset: int, regions: Sequence[tuple[int, int]], text: str = ""
) -> Frame | None:
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
    content_tokens = contiguous([t for t in content if t.i not in {c.i for c in cue_tokens}])
    content_span = token_span(doc, content_tokens, offset)
    cue_span = token_span(doc, cue_tokens, offset)
    if cue_span is None:
        return None
    if content_span is None:
        content_span = _quote_on_next_line(cue, offset, regions, text)
        if content_span is None:
            return None
    else:
        content_span = whole_quote(regions, content_span, cue_span, doc.text, offset)
    content_span, continued = split_quote(regions, content_span, cue_span, doc.text, offset)
    if not has_subject and cue.tag_ in ("VBN",) and cue.dep_ in ("amod", "acl"):
        return None  # "the so-called reported figure": an adjective, not an attribution
    if _describes_a_noun(cue, has_subject, content_tokens):
        return None
    source = None
    if source_tok is not None:
        source = token_span(doc, source_tokens(source_tok), offset)
    return Frame(
        kind=content_kind(regions, content_span),
        cue=cue_span,
        content=content_span,
        source=source,
        # "denied" denies; "did not deny" does not, and "has not confirmed" leaves it
        # unverified (the stance reader sees that in the quote)
        denial=lemma in DENIAL and not _negated(cue),
        cue_lemma=lemma,
        source_head=source_tok.i if source_tok is not None and source is not None else None,
        source_extent=extent(source_tok, offset),
        continued=continued,
        participle=cue.tag_ == "VBG" and cue.dep_ == "advcl" and cue.head.pos_ in _VERBS,
        thing=_names_a_thing(cue, content_tokens),
        modifier=_modifies_a_noun(cue),
    )


def _describes_a_noun(cue: Any, has_subject: bool, content: Sequence[Any]) -> bool:
    """An infinitive that only says what a noun is for, with no one saying anything: "a
    commitment [to defend its allies]", "the authority [to call a meeting]". Its object is
    no proposition. A noun of saying is a frame ("a statement condemning X", "a call to
    ban it"), and so is a clause content; a participle often names a document or a group
    that speaks ("a letter opposing the bill"), and stays (see :func:`_modifies_a_noun`)."""
    return not has_subject and _on_a_noun(cue, ("VB",)) and _names_a_thing(cue, content)


def _modifies_a_noun(cue: Any) -> bool:
    """A participle that describes a noun ("countries [supporting the treaty]"), not a
    noun of saying ("a statement condemning X" is a frame)."""
    return _on_a_noun(cue, ("VBG", "VBN"))


def _on_a_noun(cue: Any, tags: Sequence[str]) -> bool:
    """The cue, with one of ``tags``, hangs off a noun that is no noun of saying."""
    return bool(cue.dep_ == "acl" and cue.tag_ in tags and cue.head.lemma_.lower() not in NOUN_CUES)


def _names_a_thing(cue: Any, content: Sequence[Any]) -> bool:
    """The content is the cue's object and what the cue says of it, no clause; or what
    it asks for ("called for an inquiry", "for reducing the tax")."""
    tops = [t for t in content if t.head.i == cue.i]
    if not tops:
        asked = _asked_for(cue)
        return bool(asked) and all(t in content for t in asked)
    return all(t.dep_ in ("dobj", "oprd", "prep") for t in tops)


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
    said_by = objects[0]
    if said_by.lemma_.lower() in NOUN_CUES:  # "according to a statement from X": X
        said_by = noun_owner(said_by) or said_by
    named = source_tokens(said_by)
    whole = extent(said_by, offset)
    if not rest:
        # "According to X, Y.", parsed as one noun phrase: the source ends at its comma
        named, rest = _split_at_comma(according, said_by)
        whole = token_span(doc, named, offset)
    content_span = token_span(doc, contiguous(rest), offset)
    cue_span = token_span(doc, [according, to[0]], offset)
    source = token_span(doc, named, offset)
    if content_span is None or cue_span is None or source is None:
        return None
    return Frame(
        kind="according_to",
        cue=cue_span,
        content=content_span,
        source=source,
        cue_lemma="according to",
        source_head=said_by.i,
        source_extent=whole,
    )


def _is_cue_verb(token: Any) -> bool:
    """A verb of saying; or a word the tagger took for a noun that still heads a clause
    with a subject and a reported clause ("But Trump claims that he ..."), which only a
    verb does; or a phrasal cue ("pointed out that ...")."""
    lemma = token.lemma_.lower()
    if token.pos_ == "VERB":
        if lemma == "put" and _as_clause(token):  # "as the mayor put it, ..."
            return any(c.dep_ == "dobj" and c.lower_ == "it" for c in token.children)
        particle = _PHRASAL.get(lemma)
        if particle is not None:
            return any(c.dep_ == "prt" and c.lower_ == particle for c in token.children)
        # a particle makes another verb: "call off the strike", "called out Russia"; but
        # "called on X to Y" asks as "urged X to Y" does
        particles = [c for c in token.children if c.dep_ == "prt"]
        return is_cue_lemma(lemma) and (not particles or _asks_with_particle(token))
    if token.pos_ != "NOUN" or not is_cue_lemma(lemma):
        return False
    deps = {c.dep_ for c in token.children}
    return "nsubj" in deps and "ccomp" in deps


def _asks(cue: Any) -> bool:
    """The cue's subject asks: a named subject ("the mayor called for"), not one asked
    ("when asked for comment", "a letter asking for donations")."""
    return any(c.dep_ == "nsubj" for c in cue.children)


def _of_time(phrase: Any) -> bool:
    """A phrase that says when ("on Sunday", "for a week")."""
    return any(
        t.ent_type_ in _TIME_ENTITIES or (t.dep_ == "pobj" and t.lemma_.lower() in _TIME_NOUNS)
        for t in phrase.subtree
    )


def _request_word(cue: Any, table: Mapping[str, str]) -> Any | None:
    """The particle or preposition that makes the cue a request (``table``: lemma -> the
    word), when its subject asks; the parser reads either as the other, and "on Sunday" is
    no particle."""
    word = table.get(cue.lemma_.lower())
    if word is None or not _asks(cue):
        return None
    return next(
        (
            c
            for c in cue.children
            if c.dep_ in ("prt", "prep") and c.lower_ == word and not _of_time(c)
        ),
        None,
    )


def _asks_with_particle(token: Any) -> bool:
    """``called on X to Y``: a cue whose particle makes it ask for its infinitive
    ("called on Sunday to ..." is a call)."""
    return _request_word(token, _REQUEST_PARTICLES) is not None


def _asked_for(cue: Any) -> list[Any]:
    """What ``called for`` or ``asked for`` asks for: the preposition's object."""
    preposition = _request_word(cue, _REQUEST_PREPOSITIONS)
    if preposition is None:
        return []
    return [g for g in preposition.children if g.dep_ in ("pobj", "pcomp")]


def _split_at_comma(according: Any, said_by: Any) -> tuple[list[Any], list[Any]]:
    """Source and content of a sentence-opening ``According to X, Y`` that the parser read
    as one phrase: X runs from the object to the first comma, Y is the rest."""
    sentence = according.sent
    comma = next((t for t in sentence if t.i > said_by.i and t.text == ","), None)
    if comma is None or according.i != sentence.start:
        return [], []
    start = min(t.i for t in said_by.subtree)
    named = [t for t in sentence if start <= t.i < comma.i]
    return named, [t for t in sentence if t.i > comma.i]


def _quoted_as(token: Any) -> bool:
    """``saying`` in "quoted X as saying": part of the ``quote`` cue, not a cue of its own."""
    head = token.head
    return bool(head.lower_ == "as" and head.head.lemma_.lower() == "quote")


def find_frames(
    doc: Any, *, offset: int = 0, regions: Sequence[tuple[int, int]] = (), text: str = ""
) -> list[Frame]:
    """The attribution frames of a parsed ``doc`` whose text starts at ``offset``.

    ``regions`` are the article's quotation spans (:func:`quote_regions`), in article offsets;
    ``text``, the article, lets a cue that ends its line with a colon take the quotation that
    opens the next one (``He said:`` and the quote as a paragraph of its own).
    """
    frames = layout_frames(doc, offset, regions)
    for token in doc:
        start = offset + token.idx
        if inside(regions, start, start + len(token.text)):
            continue  # a cue inside a quote belongs to the quote
        frame: Frame | None = None
        if token.lower_ == "according":
            frame = _according_frame(token, offset, regions)
        elif _is_cue_verb(token) and not _quoted_as(token):
            frame = _verb_frame(token, offset, regions, text)
        elif token.pos_ == "NOUN" and token.lemma_.lower() in NOUN_CUES:
            frame = noun_frame(token, offset, regions)
        if frame is not None:
            frames.append(frame)
    return frames
