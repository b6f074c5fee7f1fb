"""General English attribution cues: verbs and phrases that report what someone said,
believes or intends. No names of any outlet, agency or place: only the language.
"""

from __future__ import annotations

__all__ = [
    "BELIEF",
    "DENIAL",
    "EVIDENCE",
    "NEEDS_THAT",
    "NOUN_CUES",
    "OBJECT_CONTENT",
    "SPEECH",
    "XCOMP_CONTENT",
    "is_cue_lemma",
]

#: verbs of saying and reporting
SPEECH = frozenset(
    """say tell state claim deny confirm report announce add insist warn argue assert allege
    admit acknowledge explain note suggest estimate predict promise pledge vow threaten
    accuse reject dispute refute contend maintain declare reveal disclose indicate write
    tweet post testify concede repeat reiterate emphasize emphasise stress quote agree
    complain caution recall comment respond reply answer conclude find show observe
    announce boast brag charge counter criticize criticise mention assure affirm
    acknowledge predict forecast propose urge demand vow swear cite dismiss advocate
    describe characterize characterise blame praise condemn question defend welcome
    endorse oppose support recommend insist request ask order instruct advise call
    decide vote pitch refuse offer signal hint imply joke quip tout lament rule""".split()
)
#: verbs of belief and intention (PARC and PolNeAR count them as attributions)
BELIEF = frozenset(
    """believe think expect fear hope know feel doubt worry suspect reckon assume
    want plan intend""".split()
)
#: verbs that report speech only with a "that" clause ("a study found that ..."); otherwise
#: they are ordinary verbs ("North Korea will observe how ...", "they are shown how ...")
NEEDS_THAT = frozenset("find show observe indicate know feel learn note".split())
#: nouns of things that show or find by themselves: with one of them for its subject, "show"
#: or "find" reports its object too ("polls show a close contest", "a study found 31 cases")
EVIDENCE = frozenset(
    """poll survey study analysis research review audit test census data datum figure
    statistic record document video footage photo photograph image picture chart graph
    map website paper documentary film experiment evidence finding""".split()
)
#: cues that deny their content
DENIAL = frozenset("deny reject dispute refute rebut dismiss contradict".split())
#: cues whose direct object can be the content ("denied the report", "confirmed the deal")
OBJECT_CONTENT = frozenset(
    """deny confirm report announce admit acknowledge reject dispute refute reveal disclose
    allege claim predict estimate cite dismiss propose advocate describe blame praise
    condemn question defend welcome endorse oppose support recommend criticize criticise
    accuse call tout""".split()
)
#: cues whose infinitive complement is the content ("told his aides to leave")
XCOMP_CONTENT = frozenset(
    "tell urge ask order instruct advise warn promise vow pledge decide refuse offer agree".split()
)

#: nouns that carry what someone said or intends: "X's claim that ...", "the warning by X
#: that ...", "a statement from X", "X issued a statement calling ..."
NOUN_CUES = frozenset(
    """statement claim announcement report warning assertion allegation accusation
    denial admission promise pledge vow threat plan proposal demand request call appeal
    argument contention suggestion prediction estimate assessment view belief opinion
    position insistence testimony remark remarks comment comments letter memo email tweet
    post release speech interview message note op-ed editorial complaint charge
    criticism explanation description account recommendation decision order
    intention intent goal hope fear concern""".split()
)


def is_cue_lemma(lemma: str) -> bool:
    """Whether ``lemma`` (lower-case) is an attribution cue verb."""
    return lemma in SPEECH or lemma in BELIEF
