"""Speaker resolution: from a frame's source as written to a named mention of the article.

- A name ("Lopez", "Ms Lopez") stands for the fullest earlier (else later) PERSON mention
  that contains all its words ("Maria Lopez"); several such people are all candidates.
- A pronoun ("he", "she", "they", "it") stands for the most salient earlier compatible
  referent: a person for he/she, an organisation, a group or a plural source for they/it.
  Salience (after Lappin and Leass, 1994) adds up over each referent's mentions: a mention
  weighs more as a subject or a frame's source, less inside a quotation, and halves with
  every sentence between it and the pronoun; so "He said ..." continues the person the
  last sentences were about, not the last speaker of the article.
- A definite description ("the outlet", "the source", "the ministry") stands for the
  nearest name it was written beside with every word of it ("the weekly outlet Harbor
  Ledger", "Harbor Ledger, the weekly outlet,"), else the nearest earlier mention with the
  same head noun that says more ("an anonymous military source"), else the nearest earlier
  organisation whose name holds that noun; for one person by a role no earlier mention had
  ("the president", "the anonymous person"), else the clearly most salient earlier person
  of a compatible gender, as for a pronoun. Otherwise it stands as written.
- A person may be named only by role ("an anonymous source", "the senator"): such a noun
  phrase is a referent of "he"/"she" too, for the name it was resolved to if it had one.
- Anything else is its own name, as written ("Western officials").

Every candidate is a span of the article, so a speaker is grounded the way a quote is.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

__all__ = ["AUTHOR", "Mention", "People", "Speaker", "is_role_noun", "resolve_source"]

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
#: nouns that name a person by role (general English): "the source", "the candidate"
_PERSON_NOUNS = _TITLES | frozenset(
    """person man woman official source candidate nominee leader lawmaker legislator
    senator congressman congresswoman representative governor diplomat ambassador envoy
    analyst expert researcher scientist economist professor officer commander agent
    author writer reporter journalist correspondent editor columnist witness resident
    lawyer attorney prosecutor doctor physician nurse teacher student worker employee
    executive director manager founder owner adviser advisor aide assistant deputy
    negotiator activist organizer campaigner strategist pollster member insider defector
    soldier veteran survivor victim suspect defendant plaintiff mother father wife husband
    son daughter incumbent challenger businessman businesswoman billionaire host""".split()
)
#: role nouns that tell a gender
_MALE_ROLES = frozenset(
    """man businessman congressman chairman spokesman father husband son brother king
    prince lord sir mr mr.""".split()
)
_FEMALE_ROLES = frozenset(
    """woman businesswoman congresswoman chairwoman spokeswoman mother wife daughter
    sister queen princess lady dame mrs mrs. ms ms. miss""".split()
)
#: how much more salient than the next a person must be for a description to stand for them
_CLEAR_LEAD = 2.0
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers"})
_MALE_PRONOUNS = frozenset({"he", "him", "his"})
_GROUP_PRONOUNS = frozenset({"they", "them", "it", "their", "its"})
_FIRST_PERSON = frozenset({"i", "we", "me", "us"})
_SINGULAR = frozenset({"it", "its"})
_DETERMINERS = frozenset({"the", "this", "that", "these", "those"})
_QUANTIFIERS = frozenset({"a", "an", "another", "one", "some", "other", "any"})
_ORG_LABELS = frozenset({"ORG", "NORP", "GPE"})
#: words by which a description points back, adding nothing about whom: "the same source"
_REFERRING = frozenset({"same", "latter", "aforementioned"})
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
#: how far before or after a name its role may stand, in characters
_ROLE_REACH = 40
#: the word right before a name, with only spaces between ("the weekly outlet Harbor Ledger")
_WORD_BEFORE = re.compile(r"([^\W_]+)\s+$")
#: where the phrase before a name starts: a mark, or a full stop after a word of four
#: lower-case letters or more (after "Gen" or "Mr" it ends an abbreviation)
_ROLE_BREAK = re.compile(r"[,;:!?()\"“”\n]|(?<=[a-z]{4})\.")
#: an apposition that describes the name before it: ", the agency's spokeswoman,"
_APPOSITION = re.compile(r",\s+(?:a|an|the)\s+([^,;:.()\"“”\n]*[^\W\d_])\s*[,;:.]", re.IGNORECASE)
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
    #: the named mention that a resolved pronoun or description stands for: this mention
    #: is where it was referred to again, that one is the name and its span
    antecedent: Mention | None = None


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


def is_role_noun(lemma: str) -> bool:
    """Whether a noun (its lower-case lemma) names a person by role: "source", "senator"."""
    return lemma in _PERSON_NOUNS


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
    """The speaker a mention names, with the span of that name (a resolved pronoun's or
    description's is its antecedent's)."""
    named = mention.antecedent or mention
    return Speaker(named.text, named.start, named.end, how)


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
        names = {" ".join(_name_words(m.text)) for m in [mention, *full[:1]]}
        # and the shorter names of the same person ("Ms. Berg" tells it of "Anna Berg")
        whole = set(_name_words(full[0].text)) if full else set(_name_words(mention.text))
        for word in whole:
            names |= {
                k
                for k in self._by_word.get(word, ())
                if set(k.split()) <= whole and self._only_fuller(k) == " ".join(sorted(whole))
            }
        votes: Counter[str] = Counter()
        for person in names:
            votes.update(self._genders.get(person, Counter()))
        if not votes:
            return mention.gender
        (first, count), *rest = votes.most_common(2)
        return first if not rest or count > 2 * rest[0][1] else ""

    def _only_fuller(self, key: str) -> str:
        """The one fullest name that holds every word of ``key`` (as sorted words), or ""
        when there are several or none: "berg" stands for "anna berg" only if no other
        Berg, and no Berg named by surname alone, could be meant."""
        words = key.split()
        keys = set.intersection(*(self._by_word.get(w, set()) for w in words))
        fullest = [k for k in keys if not any(set(k.split()) < set(o.split()) for o in keys)]
        return " ".join(sorted(fullest[0].split())) if len(fullest) == 1 else ""

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
        return _pronoun(source, head, recent, everywhere, text)
    if source.label == "PERSON" or head_tag in ("NNP", "NNPS"):
        full = everywhere.full_names(source)
        if full:
            return _unique([_as_speaker(m, "named") for m in full])
        return (_as_speaker(source, "named"),)
    words = _words(source.text)
    if words and words[0] in _DETERMINERS and source.label == "NP":
        found = _description(source, recent, everywhere, text)
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
    source: Mention, head: str, recent: list[Mention], everywhere: People, text: str = ""
) -> tuple[Speaker, ...]:
    """He/she: the people before it; they/it: the organisations, groups and plurals; the
    most salient referent first (see the module docstring).

    A person whose title gives the other gender ("Ms. Lopez" anywhere in the article) is no
    candidate for "he", and the other way round.
    """
    if head in _FIRST_PERSON:
        return ()
    if head in _PERSON_PRONOUNS:
        gender = "m" if head in _MALE_PRONOUNS else "f"
        pool = [m for m in reversed(recent) if _person_like(m, gender, everywhere)]
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
    ranked = _most_salient(pool, source.sentence, recent, everywhere, text)
    out = _unique([replace(speaker, how="pronoun") for speaker, _ in ranked])
    return out or (_as_speaker(source, "as_written"),)


def _role_gender(lemma: str) -> str:
    """The gender a role noun tells ("m", "f"; "" most do not)."""
    if lemma in _MALE_ROLES:
        return "m"
    return "f" if lemma in _FEMALE_ROLES else ""


def _person_like(mention: Mention, gender: str, everywhere: People) -> bool:
    """A person who may be ``gender`` ("m", "f", "" either): a PERSON entity whose titles
    and pronouns do not say otherwise, or one noun phrase that names someone by role ("an
    anonymous military source", "the senator") and, when definite, says whom."""
    other = {"m": "f", "f": "m"}.get(gender, "?")
    if mention.label == "PERSON":
        return everywhere.gender(mention) != other
    return bool(
        mention.label == "NP"
        and not mention.plural
        and mention.head_lemma in _PERSON_NOUNS
        and _role_gender(mention.head_lemma) != other
    )


def _most_salient(
    pool: list[Mention], sentence: int, recent: list[Mention], everywhere: People, text: str
) -> list[tuple[Speaker, float]]:
    """The referents of ``pool`` (mentions, nearest first) with their salience, most salient
    first.

    A mention counts for whom it names: a person's short name for the fullest, and a
    description ("the senator") for the earlier name it describes, so that salience adds
    up over every way the article refers to someone. A definite description that names no
    one ("the nominee", with no name it was written beside) is left out: it is no referent
    of its own, and which one it stands for is what is being decided.
    """
    scores: dict[str, float] = {}
    names: dict[str, Speaker] = {}
    positions = {id(m): i for i, m in enumerate(recent)}
    for rank, m in enumerate(pool):
        named = _referent(m, recent[: positions.get(id(m), 0)], everywhere, text)
        if named is None:
            continue
        key = " ".join(_name_words(named.name)) or named.name.lower()
        scores[key] = scores.get(key, 0.0) + _salience(m, sentence, rank)
        names.setdefault(key, named)
    ranked = sorted(scores, key=lambda k: -scores[k])  # stable: the nearest first on ties
    return [(names[key], scores[key]) for key in ranked[: _MAX_CANDIDATES * 4]]


def _referent(
    mention: Mention, before: list[Mention], everywhere: People, text: str
) -> Speaker | None:
    """Whom ``mention`` names: a person's fullest name, a definite description's earlier
    name (None when it has none), else the mention as written ("an anonymous source")."""
    if mention.label == "PERSON":
        full = everywhere.full_names(mention)
        return _as_speaker(full[0] if full else mention, "named")
    words = _words(mention.text)
    if mention.label == "NP" and words and words[0] in _DETERMINERS:
        found = _named_by_description(mention, before[-_LOOKBACK:], text)
        return found[0] if found else None
    return _as_speaker(mention, "as_written")


def _description(
    source: Mention, recent: list[Mention], everywhere: People, text: str
) -> tuple[Speaker, ...]:
    """A definite description: the earlier name it describes (:func:`_named_by_description`);
    else, for one person by a role no earlier mention had ("the Portuguese president" after
    "Maria Lopez claimed ..."), the most salient person before it of a compatible
    gender, when that person is clearly the most salient (:data:`_CLEAR_LEAD`). Empty when
    none is found: the description stands as written."""
    found = _named_by_description(source, recent, text)
    lemma = source.head_lemma
    if found or source.plural or lemma not in _PERSON_NOUNS:
        return found
    if any(m.head_lemma == lemma for m in recent):
        return ()  # "another source said ... the source added": the same unnamed one
    if _APPOSITION.match(text[source.end : source.end + _ROLE_REACH]):
        return ()  # "the mayor, a Vance ally, said": someone described, not referred back to
    gender = _role_gender(lemma)
    # only someone who spoke can be referred back to as the speaker by role ("Lopez
    # claimed ... The Ukrainian president claimed"; not "Hill was arrested. The judge
    # said"), and not someone the article gave another role ("Hill, an activist,")
    pool = [
        m
        for m in reversed(recent)
        if m.speaker and _person_like(m, gender, everywhere) and not _other_role(m, lemma, text)
    ]
    ranked = _most_salient(pool, source.sentence, recent, everywhere, text)
    if not ranked or (len(ranked) > 1 and ranked[0][1] < _CLEAR_LEAD * ranked[1][1]):
        return ()
    return (replace(ranked[0][0], how="description"),)


def _named_by_description(source: Mention, recent: list[Mention], text: str) -> tuple[Speaker, ...]:
    """ "The president", "the outlet": the nearest name that the noun stood right before
    ("President Jane Doe", "the weekly outlet Harbor Ledger") or was given in apposition
    (:func:`_has_role`); "the source": the nearest earlier mention with that head that says
    more, and all the description says ("an anonymous customs source" for "the customs
    source"); "the ministry": the nearest organisation whose name
    holds that noun. Empty when none is found."""
    lemma = source.head_lemma
    roled = [
        m
        for m in reversed(recent)
        if (m.label == "PERSON" or m.label in _ORG_LABELS) and _has_role(m, source, text)
    ]
    if roled:
        return _unique([_as_speaker(m, "description") for m in roled])
    # every word the description adds must be in the earlier mention: "the Russian
    # source" is "a Russian military source", not "sources on the Ukrainian side"
    wanted = _added_words(source)
    richer = [
        m
        for m in reversed(recent)
        if m.head_lemma == lemma
        and _content_words(m.text) > _content_words(source.text)
        and wanted <= {_singular(w) for w in _words(m.text)}
    ]
    if richer:
        return _unique([_as_speaker(m, "description") for m in richer])
    named = [m for m in reversed(recent) if m.label in _ORG_LABELS and lemma in _words(m.text)]
    return _unique([_as_speaker(m, "description") for m in named])


def _roles(mention: Mention, text: str) -> list[tuple[str, frozenset[str]]]:
    """The roles a name stands with, each as (its noun, all its words): the phrase right
    before it ("Ukrainian *President* Jane Doe", "the weekly *outlet* Harbor Ledger") and an
    apposition right after it ("Jane Doe, the agency's *spokeswoman*,")."""
    roles = []
    before = text[max(0, mention.start - _ROLE_REACH) : mention.start]
    if _WORD_BEFORE.search(before):
        cut = max((m.end() for m in _ROLE_BREAK.finditer(before)), default=0)
        words = [_singular(w) for w in _words(before[cut:])]
        if words and words[-2:-1] != ["of"]:  # not "Secretary of *State* Jane Doe"
            roles.append((words[-1], frozenset(words)))
    apposition = _APPOSITION.match(text[mention.end : mention.end + _ROLE_REACH])
    if apposition:
        words = [_singular(w) for w in _words(apposition.group(1))]
        roles.append((words[-1], frozenset(words)))
    return roles


def _other_role(mention: Mention, lemma: str, text: str) -> bool:
    """The article gave the person ``mention`` names a role other than ``lemma``."""
    return any(
        noun in _PERSON_NOUNS and noun != lemma
        for noun, _ in _roles(mention.antecedent or mention, text)
    )


def _has_role(mention: Mention, description: Mention, text: str) -> bool:
    """Whether ``description`` ("the Republican nominee") fits a role the name ``mention``
    was given: the same noun, and every other word of the description in the role
    ("Republican presidential nominee Jane Doe"; not "Democratic nominee Jane Doe")."""
    wanted = _added_words(description)
    return any(
        noun == description.head_lemma and wanted <= words
        for noun, words in _roles(mention.antecedent or mention, text)
    )


def _added_words(description: Mention) -> set[str]:
    """What a description says beyond its noun ("the Republican nominee": "republican"),
    singular, without articles, quantifiers or words that only point back ("the same
    source")."""
    words = (w for w in _name_words(description.text) if w not in _QUANTIFIERS)
    return {_singular(w) for w in words if w not in _REFERRING} - {description.head_lemma}


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word
