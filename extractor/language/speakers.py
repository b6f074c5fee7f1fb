"""Speaker resolution: from a frame's source as written to a named mention of the article.

- A name ("Lopez", "Ms Lopez") stands for the fullest earlier (else later) PERSON mention
  that contains all its words ("Maria Lopez"); several such people are all candidates.
- A pronoun ("he", "she", "they", "it") stands for the nearest earlier compatible mention:
  a person for he/she, an organisation, a group or a plural source for they/it. Earlier
  speakers come first, since "he said" after a quote usually continues its speaker.
- A definite description ("the source", "the ministry", "the officials") stands for the
  nearest earlier mention with the same head noun that says more ("an anonymous military
  source"), else the nearest earlier organisation whose name holds that noun.
- Anything else is its own name, as written ("Western officials").

Every candidate is a span of the article, so a speaker is grounded the way a quote is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["AUTHOR", "Mention", "Speaker", "resolve_source"]

#: the outlet itself: an assertion with no attributed source
AUTHOR = "author"

#: courtesy and office titles that do not belong to a name (general English)
_TITLES = frozenset(
    """mr mr. mrs mrs. ms ms. miss dr dr. prof prof. sir dame lord lady president
    vice gen gen. general col col. lt lt. sgt sgt. adm adm. rep rep. sen sen. gov gov.
    minister secretary chancellor premier prime chairman chairwoman chair ceo
    spokesman spokeswoman spokesperson judge justice mayor king queen prince princess
    pope rev rev. father sister brother""".split()
)
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_GROUP_PRONOUNS = frozenset({"they", "them", "it"})
_FIRST_PERSON = frozenset({"i", "we", "me", "us"})
_DETERMINERS = frozenset({"the", "this", "that", "these", "those"})
_ORG_LABELS = frozenset({"ORG", "NORP", "GPE"})
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
#: how many earlier mentions a pronoun or description may look back over
_LOOKBACK = 60
#: most candidates proposed for one source
_MAX_CANDIDATES = 3


@dataclass(frozen=True)
class Mention:
    """A noun phrase of the article that can name a speaker."""

    start: int
    end: int
    text: str
    #: the entity label (PERSON, ORG, NORP, GPE) or "NP" for another noun phrase
    label: str
    head_lemma: str
    plural: bool = False
    #: it was the source of an attribution
    speaker: bool = False


@dataclass(frozen=True)
class Speaker:
    """A candidate speaker: its canonical name and the article span that names it."""

    name: str
    start: int | None = None
    end: int | None = None
    #: how code found it: named, pronoun, description, as_written, author
    how: str = "as_written"

    @property
    def is_author(self) -> bool:
        return self.name == AUTHOR


def _words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def _name_words(text: str) -> list[str]:
    return [w for w in _words(text) if w not in _TITLES and w not in _DETERMINERS and w != "'s"]


def _as_speaker(mention: Mention, how: str) -> Speaker:
    return Speaker(mention.text, mention.start, mention.end, how)


def _unique(speakers: list[Speaker]) -> tuple[Speaker, ...]:
    seen: set[str] = set()
    out: list[Speaker] = []
    for speaker in speakers:
        key = " ".join(_words(speaker.name))
        if key and key not in seen:
            seen.add(key)
            out.append(speaker)
    return tuple(out[:_MAX_CANDIDATES])


def _full_names(source: Mention, people: Sequence[Mention]) -> list[Mention]:
    """PERSON mentions that contain every name word of ``source``, fullest first."""
    wanted = _name_words(source.text)
    if not wanted:
        return []
    found = [p for p in people if set(wanted) <= set(_name_words(p.text))]
    before = [p for p in found if p.start < source.start]
    pool = before or found
    # the most recent one of the fullest form of each person
    best: dict[str, Mention] = {}
    for person in sorted(pool, key=lambda p: p.start):
        best[" ".join(_name_words(person.text))] = person
    return sorted(best.values(), key=lambda p: (-len(_name_words(p.text)), -p.start))


def resolve_source(
    source: Mention,
    *,
    head_text: str,
    head_tag: str,
    earlier: Sequence[Mention],
    everywhere: Sequence[Mention],
    text: str = "",
) -> tuple[Speaker, ...]:
    """Candidate speakers for ``source``, best first (empty: the author speaks).

    ``earlier`` are the article's mentions before the source, in text order; ``everywhere``
    all of its mentions (a short name may be spelled out only later).
    """
    head = head_text.lower()
    recent = list(earlier[-_LOOKBACK:])
    if (head_tag in ("PRP", "PRP$") or source.label == "PRON") and len(_words(source.text)) <= 1:
        if head in _FIRST_PERSON:
            return ()
        if head in _PERSON_PRONOUNS:
            pool = [m for m in reversed(recent) if m.label == "PERSON"]
        elif head in _GROUP_PRONOUNS:
            pool = [
                m
                for m in reversed(recent)
                if m.label in _ORG_LABELS or (m.label == "NP" and (m.plural or head == "it"))
            ]
        else:
            return ()
        pool.sort(key=lambda m: not m.speaker)  # earlier speakers first, stable by recency
        people = [m for m in everywhere if m.label == "PERSON"]
        out: list[Speaker] = []
        for m in pool:
            full = _full_names(m, people) if m.label == "PERSON" else []
            out.append(_as_speaker(full[0] if full else m, "pronoun"))
        return _unique(out) or (_as_speaker(source, "as_written"),)
    if source.label == "PERSON" or head_tag in ("NNP", "NNPS"):
        people = [m for m in everywhere if m.label == "PERSON"]
        full = _full_names(source, people)
        if full:
            return _unique([_as_speaker(m, "named") for m in full])
        return (_as_speaker(source, "named"),)
    words = _words(source.text)
    if words and words[0] in _DETERMINERS and source.label == "NP":
        lemma = source.head_lemma
        richer = [
            m
            for m in reversed(recent)
            if m.head_lemma == lemma and len(_name_words(m.text)) > len(_name_words(source.text))
        ]
        if richer:
            return _unique([_as_speaker(m, "description") for m in richer])
        if lemma in _TITLES:
            # "the Ukrainian president": the nearest person introduced with that title
            titled = [
                m
                for m in reversed(recent)
                if m.label == "PERSON" and lemma in _words(text[max(0, m.start - 40) : m.start])
            ]
            if titled:
                return _unique([_as_speaker(m, "description") for m in titled])
        named = [m for m in reversed(recent) if m.label in _ORG_LABELS and lemma in _words(m.text)]
        if named:
            return _unique([_as_speaker(m, "description") for m in named])
    return (_as_speaker(source, "as_written"),)
