"""Speaker resolution: from a frame's source as written to a named mention of the article.

- A name ("Lopez", "Ms Lopez") stands for the fullest earlier (else later) PERSON mention
  that contains all its words ("Maria Lopez"); several such people are all candidates.
- A pronoun ("he", "she", "they", "it") stands for the most salient earlier compatible
  referent: a person for he/she, an organisation, a group or a plural source for they/it.
  Salience (after Lappin and Leass, 1994) adds up over each referent's mentions: a mention
  weighs more as a subject or a frame's source, less inside a quotation, and halves with
  every sentence between it and the pronoun; so "He said ..." continues the person the
  last sentences were about, not the last speaker of the article.
- A definite description ("the source", "the ministry", "the officials") stands for the
  nearest earlier mention with the same head noun that says more ("an anonymous military
  source"), else the nearest earlier organisation whose name holds that noun.
- Anything else is its own name, as written ("Western officials").

Every candidate is a span of the article, so a speaker is grounded the way a quote is.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["AUTHOR", "Mention", "People", "Speaker", "resolve_source"]

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
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers"})
_MALE_PRONOUNS = frozenset({"he", "him", "his"})
_GROUP_PRONOUNS = frozenset({"they", "them", "it", "their", "its"})
_FIRST_PERSON = frozenset({"i", "we", "me", "us"})
_SINGULAR = frozenset({"it", "its"})
_DETERMINERS = frozenset({"the", "this", "that", "these", "those"})
_QUANTIFIERS = frozenset({"a", "an", "another", "one", "some", "other", "any"})
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
    #: a person's gender as a courtesy title tells it ("m", "f"; "" unknown)
    gender: str = ""
    #: the subject of its clause
    subject: bool = False
    #: inside quotation marks (the quoted speaker's words, not the article's discourse)
    quoted: bool = False
    #: the ordinal of its sentence in the article (-1: unknown)
    sentence: int = -1
    #: it only modifies another noun ("Dutch troops", "county officials")
    modifier: bool = False


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


@lru_cache(maxsize=4096)
def _name_words(text: str) -> tuple[str, ...]:
    """The words of a name without titles and determiners (cached: names repeat)."""
    return tuple(
        w for w in _words(text) if w not in _TITLES and w not in _DETERMINERS and w != "'s"
    )


def _content_words(text: str) -> int:
    """How much a description says: its name words, articles and quantifiers left out
    ("another source" says no more than "the source")."""
    return sum(w not in _QUANTIFIERS for w in _name_words(text))


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


class People:
    """The article's PERSON mentions, indexed by the words of their names.

    Each distinct name ("maria lopez") keeps its mentions in text order, so finding the
    people a short name may stand for costs the names that share its words, not every
    mention of the article.
    """

    def __init__(self, mentions: Iterable[Mention]) -> None:
        self._names: dict[str, list[Mention]] = {}
        self._by_word: dict[str, set[str]] = {}
        #: name -> gender votes, from the mentions that tell one (a title, a pronoun)
        self._genders: dict[str, Counter[str]] = {}
        for mention in sorted(mentions, key=lambda m: m.start):
            if mention.label != "PERSON":
                continue
            words = _name_words(mention.text)
            if not words:
                continue
            if mention.gender:
                self._genders.setdefault(" ".join(words), Counter())[mention.gender] += 1
            key = " ".join(words)
            self._names.setdefault(key, []).append(mention)
            for word in words:
                self._by_word.setdefault(word, set()).add(key)

    def gender(self, mention: Mention) -> str:
        """The person's gender where the article tells it (a title, pronouns that refer
        to them in a sentence that names no one else), else ""."""
        full = self.full_names(mention)
        votes: Counter[str] = Counter()
        for person in {" ".join(_name_words(m.text)) for m in [mention, *full[:1]]}:
            votes.update(self._genders.get(person, Counter()))
        if not votes:
            return mention.gender
        (first, count), *rest = votes.most_common(2)
        return first if not rest or count > 2 * rest[0][1] else ""

    def full_names(self, source: Mention) -> list[Mention]:
        """PERSON mentions that contain every name word of ``source``, fullest first: per
        person, the latest mention before ``source`` (else the first one after it)."""
        wanted = set(_name_words(source.text))
        if not wanted:
            return []
        keys = set.intersection(*(self._by_word.get(w, set()) for w in wanted))
        chosen: list[Mention] = []
        for key in keys:
            mentions = self._names[key]
            i = bisect_left([m.start for m in mentions], source.start)
            chosen.append(mentions[i - 1] if i else mentions[0])
        before = [m for m in chosen if m.start < source.start]
        pool = before or chosen
        return sorted(pool, key=lambda p: (-len(_name_words(p.text)), -p.start))


def resolve_source(
    source: Mention,
    *,
    head_text: str,
    head_tag: str,
    earlier: Sequence[Mention],
    everywhere: People,
    text: str = "",
) -> tuple[Speaker, ...]:
    """Candidate speakers for ``source``, best first (empty: the author speaks).

    ``earlier`` are the article's mentions before the source, in text order; ``everywhere``
    all of its mentions (a short name may be spelled out only later).
    """
    head = head_text.lower()
    recent = list(earlier[-_LOOKBACK:])
    if (head_tag in ("PRP", "PRP$") or source.label == "PRON") and len(_words(source.text)) <= 1:
        return _pronoun(source, head, recent, everywhere)
    if source.label == "PERSON" or head_tag in ("NNP", "NNPS"):
        full = everywhere.full_names(source)
        if full:
            return _unique([_as_speaker(m, "named") for m in full])
        return (_as_speaker(source, "named"),)
    words = _words(source.text)
    if words and words[0] in _DETERMINERS and source.label == "NP":
        found = _description(source, recent, text)
        if found:
            return found
    return (_as_speaker(source, "as_written"),)


#: salience weights of a mention (see the module docstring)
_SUBJECT_WEIGHT = 1.0
_SPEAKER_WEIGHT = 0.5
_QUOTED_FACTOR = 0.5
_DECAY_PER_SENTENCE = 0.5


def _salience(mention: Mention, sentence: int, rank: int) -> float:
    """How salient ``mention`` is for a pronoun in sentence ``sentence``; ``rank`` (how many
    mentions lie between them) stands in for the distance when sentences are unknown."""
    if sentence >= 0 and mention.sentence >= 0:
        distance = max(0, sentence - mention.sentence)
    else:
        distance = rank
    weight = 1.0 + _SUBJECT_WEIGHT * mention.subject + _SPEAKER_WEIGHT * mention.speaker
    if mention.quoted:
        weight *= _QUOTED_FACTOR
    return weight * _DECAY_PER_SENTENCE**distance


def _pronoun(
    source: Mention, head: str, recent: list[Mention], everywhere: People
) -> tuple[Speaker, ...]:
    """He/she: the people before it; they/it: the organisations, groups and plurals; the
    most salient referent first (see the module docstring).

    A person whose title gives the other gender ("Ms. Lopez" anywhere in the article) is no
    candidate for "he", and the other way round.
    """
    if head in _FIRST_PERSON:
        return ()
    if head in _PERSON_PRONOUNS:
        unwanted = "f" if head in _MALE_PRONOUNS else "m"
        pool = [
            m for m in reversed(recent) if m.label == "PERSON" and everywhere.gender(m) != unwanted
        ]
    elif head in _GROUP_PRONOUNS:
        pool = [
            m
            for m in reversed(recent)
            if (m.label in _ORG_LABELS or (m.label == "NP" and (m.plural or head in _SINGULAR)))
            and not (m.plural and head in _SINGULAR)  # "it" is never "officials"
            and not m.modifier  # "they" in "county officials ... they" is the officials
        ]
    else:
        return ()
    # referent -> (its summed salience, the first of the pool's mentions, its latest name)
    scores: dict[str, float] = {}
    names: dict[str, Mention] = {}
    for rank, m in enumerate(pool):
        full = everywhere.full_names(m) if m.label == "PERSON" else []
        named = full[0] if full else m
        key = " ".join(_name_words(named.text)) or named.text.lower()
        scores[key] = scores.get(key, 0.0) + _salience(m, source.sentence, rank)
        names.setdefault(key, named)
    ranked = sorted(scores, key=lambda k: -scores[k])  # stable: the nearest first on ties
    out = [_as_speaker(names[key], "pronoun") for key in ranked[: _MAX_CANDIDATES * 4]]
    return _unique(out) or (_as_speaker(source, "as_written"),)


def _description(source: Mention, recent: list[Mention], text: str) -> tuple[Speaker, ...]:
    """ "The source": the nearest earlier mention with that head that says more; "the
    president": the nearest person introduced with that title; "the ministry": the nearest
    organisation whose name holds that noun. Empty when none is found."""
    lemma = source.head_lemma
    richer = [
        m
        for m in reversed(recent)
        if m.head_lemma == lemma and _content_words(m.text) > _content_words(source.text)
    ]
    if richer:
        return _unique([_as_speaker(m, "description") for m in richer])
    if lemma in _TITLES:
        titled = [
            m
            for m in reversed(recent)
            if m.label == "PERSON" and lemma in _words(text[max(0, m.start - 40) : m.start])
        ]
        if titled:
            return _unique([_as_speaker(m, "description") for m in titled])
    named = [m for m in reversed(recent) if m.label in _ORG_LABELS and lemma in _words(m.text)]
    return _unique([_as_speaker(m, "description") for m in named])
