"""The article's mentions (who could be a speaker) and each frame's candidate speakers.

:func:`find_mentions` collects the named entities of the parse (people, organisations,
groups, places) and the source of every frame, with what resolution needs to know about
them: whether it is a frame's source and, for a person, the gender a courtesy title gives
it ("Mr.", "Ms."). :func:`resolve_frames` then resolves every frame's source with
:func:`~extractor.language.speakers.resolve_source`, in text order, so that what a pronoun
stood for counts as a recent speaker for the next one.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from .frames import Frame
from .speakers import AUTHOR, Mention, People, Speaker, is_role_noun, resolve_source

__all__ = ["AUTHOR_SPEAKER", "Block", "find_mentions", "resolve_frames"]

AUTHOR_SPEAKER = Speaker(AUTHOR, how="author")

_ENTITY_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
#: courtesy titles that tell a person's gender (general English)
_GENDER_TITLES = {
    "mr": "m", "mr.": "m", "sir": "m", "lord": "m",
    "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f", "miss": "f", "dame": "f", "lady": "f",
}  # fmt: skip
#: third-person pronouns that tell their antecedent's gender
_PRONOUN_GENDERS = {
    "he": "m", "him": "m", "his": "m", "himself": "m",
    "she": "f", "her": "f", "hers": "f", "herself": "f",
}  # fmt: skip
#: what may stick to an entity's edges and is no part of its name
_NAME_EDGES = " \t\n\"'“”‘’«»`"
#: mentions before a source that resolution looks back over (speakers.py looks at fewer)
_WINDOW = 200


@dataclass
class Block:
    """One parsed stretch of the article (a line, or part of a long one)."""

    offset: int
    doc: Any


#: dependency labels of a clause's subject
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
#: dependency labels of a word that only modifies a noun ("Dutch troops")
_MODIFIERS = frozenset({"amod", "compound"})


def _is_subject(root: Any) -> bool:
    """The token heads the subject of its sentence's main clause, or is in apposition to or
    conjoined with it ("Smith, the mayor, said"; "Smith and Jones said"). The subject of a
    reported clause ("X said *the mayor* would ...") is what the speaker talks about, and is
    not counted."""
    while root.dep_ in ("appos", "conj", "compound") and root.head is not root:
        root = root.head
    if root.dep_ not in _SUBJECTS:
        return False
    verb = root.head
    while verb.dep_ == "conj" and verb.head is not verb:
        verb = verb.head
    return bool(verb.dep_ == "ROOT")


def _people_named_as_organisations(mentions: dict[tuple[int, int], Mention]) -> None:
    """Relabel as PERSON an organisation, or an untagged proper noun, whose every name word
    is in a person's name of the same article: a small tagger often calls a bare surname
    ("Trump said") an ORG, or nothing, when the article has already named the person in
    full."""
    person_words = {
        frozenset(w.lower() for w in m.text.split())
        for m in mentions.values()
        if m.label == "PERSON"
    }
    for key, mention in list(mentions.items()):
        if mention.label not in ("ORG", "NP") or not mention.text[:1].isupper():
            continue
        words = frozenset(w.lower() for w in mention.text.split())
        if len(words) <= 2 and any(words < person for person in person_words):
            mentions[key] = replace(mention, label="PERSON")


class _Places:
    """Where a token is: its sentence's ordinal in the article, and whether it is quoted."""

    def __init__(self, blocks: Sequence[Block], regions: Sequence[tuple[int, int]]) -> None:
        self.sentences = {
            (id(block.doc), sent.start): n
            for n, (block, sent) in enumerate((b, s) for b in blocks for s in b.doc.sents)
        }
        self.regions = sorted(regions)
        self.region_starts = [a for a, _ in self.regions]

    def sentence(self, token: Any) -> int:
        return self.sentences.get((id(token.doc), token.sent.start), -1)

    def quoted(self, at: int) -> bool:
        i = bisect_left(self.region_starts, at + 1) - 1
        return i >= 0 and self.regions[i][0] <= at < self.regions[i][1]


def _entity_mention(ent: Any, offset: int, gender: str, places: _Places) -> Mention:
    raw = ent.text.removesuffix("'s").removesuffix("’s")
    text = raw.strip(_NAME_EDGES)  # a tagger may take in a quotation mark: "Donald Trump ''"
    start = offset + ent.start_char + (raw.find(text) if text else 0)
    before = ent.doc[ent.start - 1].lower_ if ent.start else ""
    if ent.label_ == "PERSON":
        gender = _GENDER_TITLES.get(before, gender)
    return Mention(
        start, start + len(text), text, ent.label_, ent.root.lemma_.lower(),
        plural=ent.root.tag_ in ("NNS", "NNPS"),
        gender=gender if ent.label_ == "PERSON" else "",
        subject=_is_subject(ent.root), quoted=places.quoted(start),
        sentence=places.sentence(ent.root),
        modifier=ent.root.dep_ in _MODIFIERS,
    )  # fmt: skip


def _unnamed_subjects(doc: Any, offset: int, places: _Places) -> list[Mention]:
    """Main-clause subjects with no entity label that a later pronoun may refer to: a
    proper noun the tagger missed (an agency's acronym), a plural noun ("County officials
    met ... They said") and a person named by role ("The GOP candidate did not ... he
    said")."""
    out = []
    for token in doc:
        if token.ent_type_ or token.dep_ not in _SUBJECTS or not _is_subject(token):
            continue
        role = token.tag_ == "NN" and is_role_noun(token.lemma_.lower())
        if token.pos_ != "PROPN" and token.tag_ != "NNS" and not role:
            continue
        modifiers = [
            c.left_edge for c in token.lefts if c.dep_ in ("compound", "amod", "nmod", "det")
        ]
        first = min(modifiers, key=lambda t: t.i, default=token)
        start = offset + first.idx
        end = offset + token.idx + len(token.text)
        out.append(
            Mention(
                start,
                end,
                doc.text[first.idx : token.idx + len(token.text)],
                "NP",
                token.lemma_.lower(),
                plural=token.tag_ in ("NNS", "NNPS"),
                subject=True,
                quoted=places.quoted(start),
                sentence=places.sentence(token),
            )  # fmt: skip
        )
    return out


def _pronoun_genders(doc: Any) -> dict[int, str]:
    """Person entity (by its start token) -> the gender of the third-person pronouns that
    follow it in its sentence when it is the only person named there ("Lopez said she
    ..."): within a sentence, that is the pronouns' antecedent."""
    genders: dict[int, str] = {}
    for sent in doc.sents:
        people = [e for e in doc.ents if e.label_ == "PERSON" and sent.start <= e.start < sent.end]
        if len(people) != 1:
            continue  # a second person in the sentence: a pronoun could be either
        ent = people[0]
        said = {
            _PRONOUN_GENDERS[t.lower_]
            for t in doc[ent.end : sent.end]
            if t.lower_ in _PRONOUN_GENDERS and t.tag_ in ("PRP", "PRP$")
        }
        if len(said) == 1:
            genders[ent.start] = said.pop()
    return genders


def _source_mention(frame: Frame, head: Any, entity: Mention | None, places: _Places) -> Mention:
    """A frame's source: a speaker, and as salient as a subject (it is the cue's agent)."""
    assert frame.source is not None
    if entity is not None and entity.label == "PERSON":
        return replace(entity, speaker=True, subject=True)
    label = "PRON" if head.tag_ in ("PRP", "PRP$") else (entity.label if entity else "NP")
    return Mention(
        frame.source.start, frame.source.end, frame.source.text, label, head.lemma_.lower(),
        plural=head.tag_ in ("NNS", "NNPS"), speaker=True, subject=True,
        quoted=places.quoted(frame.source.start), sentence=places.sentence(head),
    )  # fmt: skip


def find_mentions(
    blocks: Sequence[Block],
    frames: Sequence[tuple[Frame, Block]],
    regions: Sequence[tuple[int, int]] = (),
) -> tuple[list[Mention], dict[Frame, Mention]]:
    """The article's mentions in text order, and the mention that is each frame's source.

    ``regions`` are the article's quotations (:func:`.frame_parts.quote_regions`): a
    mention inside one is marked ``quoted``.

    A source whose head is inside a person's name ("union secretary general Maria Lopez")
    is that person ("Maria Lopez"), marked as a speaker.
    """
    mentions: dict[tuple[int, int], Mention] = {}
    places = _Places(blocks, regions)
    for block in blocks:
        genders = _pronoun_genders(block.doc)
        for ent in block.doc.ents:
            if ent.label_ in _ENTITY_LABELS:
                mention = _entity_mention(ent, block.offset, genders.get(ent.start, ""), places)
                mentions[(mention.start, mention.end)] = mention
        for mention in _unnamed_subjects(block.doc, block.offset, places):
            mentions.setdefault((mention.start, mention.end), mention)
    _people_named_as_organisations(mentions)
    entities = sorted(mentions.values(), key=lambda m: m.start)
    entity_starts = [m.start for m in entities]
    sources: dict[Frame, Mention] = {}
    for frame, block in frames:
        if frame.source is None or frame.source_head is None:
            continue
        head = block.doc[frame.source_head]
        at = block.offset + head.idx
        lo = bisect_left(entity_starts, frame.source.start)
        hi = bisect_left(entity_starts, frame.source.end)
        entity = next(
            (
                m
                for m in entities[lo:hi]
                if m.end <= frame.source.end and not m.speaker and m.start <= at < m.end
            ),
            None,
        )
        mention = _source_mention(frame, head, entity, places)
        mentions[(mention.start, mention.end)] = mention
        sources[frame] = mention
    return sorted(mentions.values(), key=lambda m: (m.start, m.end)), sources


def _appositions(head: Any, offset: int) -> list[int]:
    """Article offsets of the proper nouns in apposition to ``head`` ("the union's leader,
    Maria Lopez,"), not of names that only modify it ("a Clinton surrogate")."""
    out = []
    for child in head.children:
        if child.dep_ == "appos":
            out += [offset + t.idx for t in child.subtree if t.dep_ == "appos" or t is child]
    return out


class _Resolver:
    """Resolves frame sources in text order (see the module docstring)."""

    def __init__(self, text: str, mentions: Sequence[Mention]) -> None:
        self.text = text
        self.named = [m for m in mentions if m.label != "PRON"]
        self.starts = [m.start for m in self.named]
        self.by_span = {(m.start, m.end): m for m in mentions}
        self.people = People(mentions)
        self.resolved: list[Mention] = []

    def earlier(self, source: Mention) -> tuple[list[Mention], int]:
        """The mentions before ``source`` (resolved pronouns included), and where it is."""
        cut = bisect_left(self.starts, source.start)
        window = self.named[max(0, cut - _WINDOW) : cut]
        earlier = [m for m in window if m.end <= source.start]
        earlier += [m for m in self.resolved[-_WINDOW:] if m.end <= source.start]
        earlier.sort(key=lambda m: m.start)
        return earlier, cut

    def resolve(self, frame: Frame, source: Mention, block: Block) -> tuple[Speaker, ...]:
        head = block.doc[frame.source_head]
        earlier, cut = self.earlier(source)
        speakers = resolve_source(
            source, head_text=head.text, head_tag=head.tag_, earlier=earlier,
            everywhere=self.people, text=self.text,
        )  # fmt: skip
        named = self.named_in_apposition(frame, source, head, block, cut)
        if named is not None:
            # "the head of the agency, Jane Doe, said": the person named beside it
            speakers = resolve_source(
                named, head_text=named.text.split()[-1], head_tag="NNP",
                earlier=earlier, everywhere=self.people, text=self.text,
            )  # fmt: skip
        speakers = speakers or (AUTHOR_SPEAKER,)
        self.remember(speakers[0], source)
        return speakers

    def named_in_apposition(
        self, frame: Frame, source: Mention, head: Any, block: Block, cut: int
    ) -> Mention | None:
        extent = frame.source_extent
        if source.label in ("PERSON", "PRON") or extent is None:
            return None
        anchors = _appositions(head, block.offset)
        if not anchors:
            return None
        near = self.named[max(0, cut - 5) : cut + _WINDOW]
        return next(
            (
                m
                for m in near
                if m.label == "PERSON"
                and extent.start <= m.start
                and m.end <= extent.end
                and any(m.start <= a < m.end for a in anchors)
            ),
            None,
        )

    def remember(self, top: Speaker, source: Mention) -> None:
        """What a pronoun or description stood for is, from here on, a recent speaker."""
        if top.start is None or top.end is None or top.how not in ("pronoun", "description"):
            return
        named_top = self.by_span.get((top.start, top.end))
        if named_top is not None:
            self.resolved.append(
                replace(
                    named_top,
                    start=source.start,
                    end=source.end,
                    speaker=True,
                    subject=True,
                    quoted=source.quoted,
                    sentence=source.sentence,
                    antecedent=named_top.antecedent or named_top,
                )  # fmt: skip
            )


def resolve_frames(
    text: str,
    frames: Sequence[tuple[Frame, Block]],
    mentions: Sequence[Mention],
    sources: dict[Frame, Mention],
) -> dict[Frame, tuple[Speaker, ...]]:
    """Every frame's candidate speakers, best first (the author when it has no source)."""
    resolver = _Resolver(text, mentions)
    resolved: dict[Frame, tuple[Speaker, ...]] = {}
    for frame, block in frames:
        source = sources.get(frame)
        if source is None or frame.source_head is None:
            resolved[frame] = (AUTHOR_SPEAKER,)
        else:
            resolved[frame] = resolver.resolve(frame, source, block)
    return resolved
