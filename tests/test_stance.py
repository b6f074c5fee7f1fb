"""Tests of language.stance: cue-based stance and negation, on sentences from the samples."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.extraction.pipeline import _extract_article
from extractor.extraction.strategy import Draft, StrategyOutput
from extractor.language.stance import denied_by_another, detect_stance, is_negated
from extractor.models import Article, MatchKind, Stance

STANCES = [
    # denied
    (
        "The Kremlin has repeatedly rejected reports of North Korean soldiers in Ukraine as “fake "
        "news”.",
        Stance.denied,
    ),
    ("The Kremlin rejected the claim, calling it “yet another fake news story”.", Stance.denied),
    (
        "North Korea’s leader Kim Jong Un is hailing his troops as “heroes,” claiming they helped "
        "Russia “completely liberate” the embattled Kursk region — a claim that Ukraine flatly "
        "denies.",
        Stance.denied,
    ),
    (
        "Sources on the Ukrainian side claimed the Russian military was forming a unit of about "
        "3,000 North Koreans while the Russian source said the number was “absolutely nowhere "
        "near” that figure.",
        Stance.denied,
    ),
    ("Moscow denied sending any troops.", Stance.denied),
    ("The ministry dismissed the reports as propaganda.", Stance.denied),
    ("Pyongyang refuted the allegations.", Stance.denied),
    ("A spokesman said the report was not true.", Stance.denied),
    # unverified
    (
        "North Korea, a close ally of Russia’s, has not confirmed formally any involvement in the "
        "full-scale invasion of Ukraine.",
        Stance.unverified,
    ),
    ("The reports have not been confirmed.", Stance.unverified),
    (
        "US officials this week said they could not confirm Ukrainian claims about the deployment "
        "of North Korean soldiers but were still evaluating reports.",
        Stance.unverified,
    ),
    (
        "While Ukraine, South Korea and their Western allies have made allegations about North "
        "Korea’s active engagement in Russia’s war, they have not been able to provide evidence to "
        "support their claims.",
        Stance.unverified,
    ),
    (
        "The Ukrainian president claimed last week, without providing any details, that his "
        "government had intelligence that nearly 10,000 soldiers from North Korea were being "
        "prepared to join the Russian forces fighting in his country.",
        Stance.unverified,
    ),
    (
        "In the video, alleged North Korean soldiers are seen standing in line to pick up bags.",
        Stance.unverified,
    ),
    (
        "A North Korean troop deployment, if confirmed, would bolster the fast-diminishing "
        "ranks of the Russian military.",
        Stance.unverified,
    ),
    (
        "Ukraine published a video purporting to show dozens of North Koreans lining up.",
        Stance.unverified,
    ),
    ("The missiles were purportedly supplied by Pyongyang.", Stance.unverified),
    ("The claim is unverified.", Stance.unverified),
    # reported
    (
        "In late October, Pentagon leaders said they could confirm that as many as 10,000 North "
        "Korean soldiers had arrived in Russia for training.",
        Stance.reported,
    ),
    (
        "The National Intelligence Service of South Korea reported that the DPRK has already sent "
        "1,500 special forces to Russia.",
        Stance.reported,
    ),
    (
        "In general, according to South Korean intelligence, 12 thousand soldiers will be sent to "
        "Russia.",
        Stance.reported,
    ),
    (
        "More than 3,000 men were killed or wounded in the Kursk region, according to statements "
        "by Ukrainian President Vladimir Zelenskiy, who cited intelligence reports.",
        Stance.reported,
    ),
    (
        "KCNA, North Korea’s official news agency, announced that Kim Jong-un has given the green "
        "light to the large-scale production of kamikaze drones.",
        Stance.reported,
    ),
    (
        "“They are preparing on their land 10,000 soldiers but they didn’t move them already to "
        "Ukraine or to Russia,” he told reporters at the Nato headquarters in Brussels.",
        Stance.reported,
    ),
    (
        "Ukraine’s top military chief, Gen. Oleksandr Syrskyi, recently warned that North Korean "
        "forces are causing significant strain on the Ukrainian frontlines.",
        Stance.reported,
    ),
    (
        "On November 13, the South Korean National Intelligence Service (NIS) revealed it had "
        "evidence that the North Koreans were fighting in Kursk.",
        Stance.reported,
    ),
    (
        "Western officials estimate that at least 1,000 of the 11,000 deployed North Korean troops "
        "have been killed in just three months.",
        Stance.reported,
    ),
    (
        "The BBC quoted a Russian military source as saying a “number of North Koreans” had "
        "arrived in the country’s Far East.",
        Stance.reported,
    ),
    (
        "Both the governments of South Korea and the United States claim to have corroborated "
        "Ukrainian reports of North Koreans on the front lines.",
        Stance.reported,
    ),
    (
        "Mr Putin and North Korean leader Kim Jong-un reportedly signed a mutual aid agreement in "
        "June.",
        Stance.reported,
    ),
    # asserted
    (
        "NAIROBI, Kenya — In a dramatic shift that could rattle global tensions even further, "
        "North Korea has officially confirmed it sent soldiers to fight alongside Russian forces "
        "in Ukraine.",
        Stance.asserted,
    ),
    ("Putin first invaded Ukraine in 2014, colonizing its Crimean peninsula.", Stance.asserted),
    (
        "It contains a secret clause under which Pyongyang received the right to send a thousand "
        "of its troops to Ukraine to gain experience in warfare.",
        Stance.asserted,
    ),
    ("North Korea has not addressed the reports in any meaningful way.", Stance.asserted),
    ("The Kremlin did not deny the reports.", Stance.asserted),
    ("The Kremlin didn’t deny the reports.", Stance.asserted),
    ("Moscow has never denied sending troops.", Stance.asserted),
    ("Moscow hasn’t confirmed the deployment.", Stance.unverified),
    ("Officials couldn't verify the footage.", Stance.unverified),
    ("The Kremlin issued a denial of the reports.", Stance.denied),
]


@pytest.mark.parametrize(("sentence", "stance"), STANCES)
def test_detect_stance(sentence: str, stance: Stance) -> None:
    assert detect_stance(sentence) is stance


def test_precedence_denied_over_unverified_over_reported() -> None:
    assert detect_stance("He said the alleged deployment was denied.") is Stance.denied
    assert detect_stance("He said the alleged deployment happened.") is Stance.unverified
    assert detect_stance("He said the deployment happened.") is Stance.reported


@pytest.mark.parametrize(
    ("sentence", "negated"),
    [
        ("North Korea has not confirmed formally any involvement in the invasion.", True),
        ("North Korea has officially confirmed it sent soldiers to fight in Ukraine.", False),
        ("The reports have not been confirmed.", True),
        ("US officials said they could not confirm Ukrainian claims.", True),
        ("Russia did not send troops.", True),
        ("Russia didn’t send troops.", True),
        ("Pyongyang has never acknowledged the deployment.", True),
        (
            "The alliance had “no evidence that North Korean soldiers are involved in the fight”.",
            True,
        ),
        ("North Korea has yet to confirm the deployment.", True),
        # having no knowledge, as "did not know" ("has no information on the strike")
        ("Most residents have no information on the strike at the port.", True),
        ("The ministry had no knowledge of the shipment.", True),
        # a lack in a phrase of its own is not the claim's negation
        ("The suspect, a man with no record of violence, was charged on Monday.", False),
        ("The port reopened, though officials gave no information on the cause.", False),
        ("Having no information on the cause, officials closed the port.", False),
        ("Russia sent not only troops but also weapons.", False),
        ("Pentagon leaders said they could confirm that 10,000 soldiers had arrived.", False),
        ("We choose not to lock you out of our reporting.", False),
        # a conditional clause states nothing: its negation is not the sentence's
        ("And if that wasn't enough, the governor is praising the strikers.", False),
        ("Unless the talks do not resume, the port will reopen on Monday.", False),
        ("If the talks fail, the union will not return to work.", True),
        ("The mayor did not say if the bridge would reopen.", True),
        ("If the deal is signed the troops will not leave, officials said.", True),
        # a reason or a relative clause after a comma: its negation is not the claim's
        (
            "The outlet said residents know of the deployment, as state media does not report it.",
            False,
        ),
        ("The treaty, which Moscow has not ratified, took effect on Monday.", False),
        ("The troops did not leave, as the talks had failed.", True),
        ("Officials said on Monday, as many as 300 soldiers had not returned.", True),
        ("The port was closed in March, since then the ships have not sailed.", True),
        ("Officials said, as of Monday the troops had not withdrawn.", True),
        ("It was Moscow, not Kyiv, who never signed the deal.", True),
        ("Peskov, who spoke to reporters on Monday did not confirm the deployment.", True),
        ("Ivanov, who told the U.S. Senate he was not aware of it, resigned.", False),
        ("Smith, who was there, did not attend the vote.", True),
    ],
)
def test_is_negated(sentence: str, negated: bool) -> None:
    assert is_negated(sentence) is negated


@given(st.text())
def test_any_text_gets_a_stance(text: str) -> None:
    assert detect_stance(text) in set(Stance)
    assert isinstance(is_negated(text), bool)


@pytest.mark.parametrize(
    ("sentence", "other"),
    [
        ("The governor claimed the dam was safe, a claim that engineers flatly deny.", True),
        ("The union said 400 workers walked out, which the company has denied.", True),
        ("The governor denied that the dam was unsafe.", False),
        ("The governor said the report was untrue, a claim that engineers deny.", False),
        ("The governor said the dam was safe.", False),
        ("The report, which officials denied at first, is not true, the ministry said.", False),
    ],
)
def test_a_denial_by_another_party_of_what_was_claimed(sentence: str, other: bool) -> None:
    """Only a sentence whose sole denial is in a clause about the claim ("a claim that Z
    denies") is denied by another; one whose own words deny is not."""
    assert denied_by_another(sentence) is other


class _Drafts:
    """A strategy that hands the pipeline given drafts (no model)."""

    prompt_version = "test.v1"
    model = "none"

    def __init__(self, *drafts: Draft) -> None:
        self.drafts = drafts

    def run(self, article: Article, output: StrategyOutput) -> None:
        output.drafts.extend(self.drafts)

    def close(self) -> None:
        pass


def test_a_claim_is_no_denial_for_another_party_denying_it() -> None:
    text = "The governor claimed the dam was safe, a claim that engineers flatly deny."
    article = Article(id="a1", source="t", text=text)
    own = Draft(0, len(text), MatchKind.exact, "The governor", "The dam was safe.", cue="claimed")
    outlet = Draft(0, len(text), MatchKind.exact, "author", text)
    [claim] = _extract_article(article, _Drafts(own)).claims
    assert claim.stance is Stance.reported
    [claim] = _extract_article(article, _Drafts(outlet)).claims
    assert claim.stance is Stance.denied  # the outlet's sentence holds a denial
    # what is left is the speaker's own stance, not always "reported"
    text = "Smith allegedly said the army fled, which Moscow denies."
    article = Article(id="a2", source="t", text=text)
    own = Draft(0, len(text), MatchKind.exact, "Smith", "The army fled.", cue="said")
    [claim] = _extract_article(article, _Drafts(own)).claims
    assert claim.stance is Stance.unverified


def test_another_speakers_denial_in_the_sentence_is_not_the_speakers_stance() -> None:
    from extractor.extraction.attributed import attributed_draft, secondary_drafts
    from extractor.extraction.grounding import ground
    from extractor.language import analyze, load_pipeline

    text = (
        "Aides claimed the army was forming a unit of 3,000 men while a Valmora officer "
        "said the number was nowhere near that figure."
    )
    sentence = analyze(text, load_pipeline()).sentences[0]
    span = ground(sentence.text, text, near=0)
    assert span is not None
    own = attributed_draft(
        sentence, span, sentence.speakers[0], restatement=None, error="", answer=None,
        output=None, checkworthy=1.0,
    )  # fmt: skip
    article = Article(id="a3", source="t", text=text)
    claims = _extract_article(article, _Drafts(own, *secondary_drafts(sentence, 1.0))).claims
    stances = {claim.speaker: claim.stance for claim in claims}
    assert stances == {"Aides": Stance.reported, "a Valmora officer": Stance.denied}
    # the sentence given to the second speaker (a model may choose it): that one's words
    # are the claim's own and are read
    [officer] = [s for s in sentence.speakers if s.name == "a Valmora officer"]
    theirs = attributed_draft(
        sentence, span, officer, restatement=None, error="", answer=None, output=None,
        checkworthy=1.0,
    )  # fmt: skip
    [claim] = _extract_article(article, _Drafts(theirs)).claims
    assert claim.stance is Stance.denied


def test_clause_breaks_are_one_pattern_for_attribution_and_comparison() -> None:
    from extractor.language.clauses import clauses

    assert clauses("They prepared 10,000 soldiers, but they did not move them.") == [
        "They prepared 10,000 soldiers",
        "they did not move them.",
    ]
    assert len(clauses("Talks failed; officials left — and no one spoke.")) == 3
    assert len(clauses("Officials said the talks failed, while Russia said they worked.")) == 2
    # a list's last item is no clause of its own
    assert clauses("10,000 soldiers, tanks, and shells were not sent.") == [
        "10,000 soldiers, tanks, and shells were not sent."
    ]
