"""The pair test of the clustering (:mod:`extractor.compare.linking`) on hand-written claims:
sums of money across currencies, key terms weighted by rarity, a count on one side only."""

from __future__ import annotations

import numpy as np
import pytest

from extractor.compare.clustering import _Groups, cluster_facts, neighbour_pairs
from extractor.compare.facts import Fact, make_fact
from extractor.compare.linking import (
    link_threshold,
    may_link,
    restates_count,
    significant_digits,
    term_rarity,
)
from extractor.compare.options import Evidence
from extractor.language.quantities import parse_quantities
from extractor.models import Claim, Stance

LINK, PLAIN = 0.5, 0.55


def fact(quote: str, source: str = "a") -> Fact:
    claim = Claim(
        article_id=source,
        text=quote,
        quote=quote,
        stance=Stance.asserted,
        quantities=parse_quantities(quote),
    )
    return make_fact(claim, source=source, published=None)


def threshold(a: Fact, b: Fact, **kwargs: object) -> float | None:
    return link_threshold(a, b, LINK, PLAIN, 0.1, 3.0, **kwargs)  # type: ignore[arg-type]


def test_one_sum_in_two_currencies_is_one_count() -> None:
    euros = fact("Thieves took jewels worth 2 million euros from the Vendome store.")
    dollars = fact("Thieves took jewels worth $2.6 million from the Vendome store.")
    assert euros.amounts[0].money and dollars.amounts[0].money
    assert threshold(euros, dollars) is not None


def test_sums_of_money_far_apart_never_link() -> None:
    small = fact("Thieves took jewels worth 2 million euros from the Vendome store.")
    large = fact("Thieves took jewels worth $108 million from the Vendome store.")
    assert threshold(small, large) is None
    assert not may_link(small, large, 0.99, link=LINK, plain_link=PLAIN)


def test_a_count_and_a_sum_of_money_never_link() -> None:
    """Counts of different things make two facts: how many robbers, how much was taken."""
    robbers = fact("Four robbers hit the Vendome store.")
    haul = fact("Robbers took $2.6 million from the Vendome store.")
    assert threshold(robbers, haul) is None


def test_rarity_is_one_for_a_name_two_claims_share_and_low_for_one_all_share() -> None:
    facts = [
        fact("Police in Paris said Winston was robbed."),
        fact("Police in Paris said the Winston store was robbed."),
        fact("Police in Paris said the marathon was cancelled."),
        fact("Police in Paris said a bridge was closed."),
    ]
    rarity = term_rarity(facts)
    assert rarity["winst"] > 0.5 > rarity["paris"]
    assert rarity["paris"] == pytest.approx(np.log(5 / 4) / np.log(5))


def test_a_shared_rare_name_lowers_the_threshold_more_than_a_common_one() -> None:
    a = fact("Police in Paris said Winston was robbed.", "a")
    b = fact("Police in Paris said the Winston store was robbed.", "b")
    rare = threshold(a, b, rarity={"paris": 0.1, "winst": 1.0})
    common = threshold(a, b, rarity={"paris": 0.1, "winst": 0.1})
    assert rare is not None and common is not None
    assert rare == pytest.approx(PLAIN - 0.1)
    assert common == pytest.approx(PLAIN - 0.01)


def test_a_name_shared_inside_one_article_lowers_nothing() -> None:
    """An article repeats its own names whatever each sentence states."""
    a = fact("Police in Paris said Winston was robbed.", "a")
    b = fact("Police in Paris said the Winston store was robbed.", "a")
    assert threshold(a, b, rarity={"paris": 1.0, "winst": 1.0}) == pytest.approx(PLAIN)


def test_no_shared_name_asks_a_higher_cosine_or_vetoes_the_link() -> None:
    a = fact("Police in Lyon said the store was robbed.")
    b = fact("Police in Nice said the store was robbed.")
    assert threshold(a, b) == pytest.approx(PLAIN + (Evidence().no_shared_term or 0.0))
    assert threshold(a, b, evidence=Evidence(no_shared_term=None)) is None
    assert not may_link(a, b, PLAIN + 0.1, link=LINK, plain_link=PLAIN)


def test_a_count_on_one_side_only_links_through_a_rare_name_at_the_plain_threshold() -> None:
    counted = fact("Pyongyang sent 10,000 troops to Kursk.", "a")
    plain = fact("Pyongyang sent troops to Kursk.", "b")
    assert threshold(counted, plain, rarity={"kursk": 1.0}) == pytest.approx(PLAIN - 0.1)
    assert threshold(counted, plain, rarity={"kursk": 0.2}) is None  # every claim says Kursk
    higher = threshold(counted, plain, evidence=Evidence(one_sided_counts=0.1))
    assert higher == pytest.approx(PLAIN)
    assert threshold(counted, plain, evidence=Evidence(one_sided_counts=None)) is None


def test_a_count_on_one_side_only_never_links_inside_one_article() -> None:
    """A name rare among all the claims is no sign inside the one article that repeats it:
    "Valmora sent 1,500 engineers" and that article's "Valmora sent its army abroad before"
    are two facts."""
    counted = fact("In March, Valmora sent 1,500 engineers to Pentland.", "a")
    plain = fact("Years ago, Valmora sent its army abroad as technicians.", "a")
    elsewhere = fact("Years ago, Valmora sent its army abroad as technicians.", "b")
    assert counted.terms & plain.terms
    rarity = dict.fromkeys(counted.terms | plain.terms, 1.0)
    assert threshold(counted, plain, rarity=rarity) is None
    assert threshold(counted, elsewhere, rarity=rarity) is not None


def test_a_count_on_one_side_only_and_no_shared_name_never_link() -> None:
    counted = fact("Officials in Seoul said 10,000 troops were sent.")
    plain = fact("Officials in Kyiv said troops were sent.")
    assert threshold(counted, plain) is None


def _unit(rows: list[list[float]]) -> np.ndarray:
    matrix = np.array(rows, dtype=np.float32)
    normalised: np.ndarray = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    return normalised.astype(np.float32)


def test_a_shared_rare_name_links_claims_similarity_alone_would_not() -> None:
    """Cosine 0.5 is under plain_link (0.55), but only these two claims name Winston."""
    facts = [
        fact("Robbers hit the Winston boutique.", "a"),
        fact("The Winston jewellers lost gems.", "b"),
        fact("A marathon was run.", "c"),
        fact("A bridge was closed.", "d"),
    ]
    vectors = _unit([[1.0, 0.0, 0.0, 0.0], [0.5, 0.866, 0.0, 0.0], [0, 0, 1, 0], [0, 0, 0, 1]])
    pairs = neighbour_pairs(vectors, k=3, floor=0.0)
    groups = cluster_facts(facts, vectors, pairs, link=LINK, plain_link=PLAIN)
    assert groups == [[0, 1], [2], [3]]
    without = Evidence(shared_term=0.0)
    alone = cluster_facts(facts, vectors, pairs, link=LINK, plain_link=PLAIN, evidence=without)
    assert alone == [[0], [1], [2], [3]]


def test_two_claims_of_one_article_join_only_as_close_as_their_own_link_asks() -> None:
    """Winston links each Paris claim to the Lyon one; the two Paris claims, one article,
    are not close enough to link by themselves, so a merge may not join them either."""
    facts = [
        fact("Robbers hit the Winston boutique.", "paris"),
        fact("The Winston jewellers lost gems.", "lyon"),
        fact("Shares of Winston fell sharply.", "paris"),
    ]
    gram = np.array([[1.0, 0.5, 0.42], [0.5, 1.0, 0.5], [0.42, 0.5, 1.0]])
    vectors = np.linalg.cholesky(gram).astype(np.float32)  # rows with these cosines
    pairs = neighbour_pairs(vectors, k=2, floor=0.0)
    rarity = {"winst": 1.0}
    groups = cluster_facts(facts, vectors, pairs, link=LINK, plain_link=PLAIN, rarity=rarity)
    assert groups == [[0, 1], [2]]
    # from two outlets, the third claim would have joined
    facts[2] = fact("Shares of Winston fell sharply.", "nice")
    groups = cluster_facts(facts, vectors, pairs, link=LINK, plain_link=PLAIN, rarity=rarity)
    assert groups == [[0, 1, 2]]


def test_two_claims_of_one_article_that_restate_one_count_may_join() -> None:
    """An article that gives "10,000 soldiers" twice restates one fact: a merge joins its two
    claims as close as the linking pair asks, not the stricter same-article floor."""
    facts = [
        fact("Officials said 10,000 soldiers were being prepared.", "paris"),
        fact("Analysts in Lyon said 12,000 soldiers were sent.", "lyon"),
        fact("They are preparing 10,000 soldiers but did not move them.", "paris"),
    ]
    gram = np.array([[1.0, 0.6, 0.45], [0.6, 1.0, 0.6], [0.45, 0.6, 1.0]])
    vectors = np.linalg.cholesky(gram).astype(np.float32)
    pairs = neighbour_pairs(vectors, k=2, floor=0.0)
    groups = cluster_facts(facts, vectors, pairs, link=LINK, plain_link=PLAIN)
    assert groups == [[0, 1, 2]]
    # 5,000 and 10,000 may be one count reported differently, but one article giving both
    # states two things: only the same-article floor keeps them apart
    facts[2] = fact("They are preparing 5,000 soldiers but did not move them.", "paris")
    groups = cluster_facts(facts, vectors, pairs, link=LINK, plain_link=PLAIN)
    assert groups == [[0, 1], [2]]


def test_one_number_counting_two_things_restates_nothing() -> None:
    def counted(quote: str, referent: str) -> Fact:
        quantities = [q.model_copy(update={"referent": referent}) for q in parse_quantities(quote)]
        claim = Claim(article_id="a", text=quote, quote=quote, quantities=quantities)
        return make_fact(claim, source="a", published=None)

    inflation = counted("Inflation rose to 5 percent in May.", "inflation")
    prices = counted("Prices rose 5 percent in May, the bank said.", "inflation in May")
    unemployment = counted("Unemployment fell to 5 percent in May.", "unemployment")
    unknown = fact("Something was 5 percent in May.", "a")
    assert restates_count(inflation, prices)
    assert restates_count(inflation, unknown)  # what one counts is unknown: the value decides
    assert not restates_count(inflation, unemployment)


def test_one_specific_number_of_things_named_differently_is_one_count() -> None:
    """Counts of "23 pirates" and of "23 piracy suspects": the unit classes know no such
    synonym, and a shared 23 is rarely chance; a claim of a different number stays apart."""
    pirates = fact("The navy captured 23 pirates in the Gulf of Aden.")
    suspects = fact("Commandos seized 23 piracy suspects in the Gulf of Aden.", source="b")
    other = fact("Commandos seized 31 piracy suspects in the Gulf of Aden.", source="c")
    assert pirates.kinds != suspects.kinds
    assert threshold(pirates, suspects) is not None
    assert threshold(pirates, other) is None
    # the rule can be turned off: then only counts of one kind are one count
    assert threshold(pirates, suspects, evidence=Evidence(specific_digits=None)) is None


def test_a_round_number_or_a_share_of_two_different_things_is_two_counts() -> None:
    """10,000 soldiers and 10,000 containers coincide by roundness; 23 percent is a share."""
    soldiers = fact("Officials said 10,000 soldiers were moved to the border.")
    containers = fact("Officials said 10,000 containers were moved to the border.", source="b")
    assert threshold(soldiers, containers) is None
    share = fact("Officials said 23 percent of the pirates were moved to the border.")
    pirates = fact("Officials said 23 pirates were moved to the border.", source="b")
    assert threshold(share, pirates) is None
    assert significant_digits(23) == 2 and significant_digits(10_000) == 1
    assert significant_digits(1_500) == 2 and significant_digits(2.5) == 3
    assert significant_digits(float("inf")) == 0 and significant_digits(float("nan")) == 0


def test_a_merge_two_wordy_claims_failed_is_tried_again_for_one_count() -> None:
    """Two plain claims (0.72) propose joining two groups first and fail on a cross pair at
    0.33, under their floor (0.35); the two claims giving 10,000 and 12,000 soldiers then
    propose it at their own, lower floor (0.30), and it holds."""
    facts = [
        fact("Officials said troops from Pentland were sent to Norland.", "a"),
        fact("Officials said 10,000 soldiers from Pentland were sent to Norland.", "b"),
        fact("Analysts said the Pentland force reached Norland.", "c"),
        fact("Analysts said 12,000 soldiers from Pentland reached Norland.", "d"),
    ]
    gram = np.array(
        [
            [1.0, 0.75, 0.72, 0.5],
            [0.75, 1.0, 0.33, 0.6],
            [0.72, 0.33, 1.0, 0.74],
            [0.5, 0.6, 0.74, 1.0],
        ]
    )
    vectors = np.linalg.cholesky(gram).astype(np.float32)
    pairs = neighbour_pairs(vectors, k=3, floor=0.0)
    rarity = {"pentl": 1.0, "norla": 1.0}
    groups = cluster_facts(facts, vectors, pairs, link=LINK, plain_link=PLAIN, rarity=rarity)
    assert groups == [[0, 1, 2, 3]]
    # with no count to propose it, the failed merge is not tried again
    facts[3] = fact("Analysts said soldiers from Pentland reached Norland.", "d")
    facts[1] = fact("Officials said soldiers from Pentland were sent to Norland.", "b")
    groups = cluster_facts(facts, vectors, pairs, link=LINK, plain_link=PLAIN, rarity=rarity)
    assert groups == [[0, 1], [2, 3]]


@pytest.mark.parametrize(
    ("left", "right"),
    [
        # the parser's own values for vague words, spans of time, years, a range's start
        ("Dozens of protesters were arrested in Valmora.", "Dozens of drones hit Valmora."),
        ("Within 24 hours the Valmora border was shut.", "24 people were killed in Valmora."),
        (
            "Turnout fell in the 2022 elections in Valmora.",
            "Crowds grew in the 2022 protests in Valmora.",
        ),
        ("Police in Valmora held 12-15 pirates.", "Police in Valmora held 12 suspects."),
        ("About 23 pirates were held in Valmora.", "23 suspects were held in Valmora."),
    ],
)
def test_only_an_exact_number_of_things_is_specific(left: str, right: str) -> None:
    a, b = fact(left, "a"), fact(right, "b")
    assert a.amounts and b.amounts and a.kinds != b.kinds
    assert threshold(a, b) is None


def test_a_failed_merge_is_tried_again_once_and_only_for_one_count() -> None:
    """The rule itself: after a failure at 0.45, a plain pair at 0.30 does not retry; a pair
    giving one count at 0.30 does, once."""
    facts = [fact("Officials said troops left.", "a"), fact("Analysts said soldiers left.", "b")]
    vectors = _unit([[1.0, 0.0], [0.6, 0.8]])  # cosine 0.6
    groups = _Groups(facts, vectors, 3.0, Evidence())
    groups.try_merge(0, 1, 0.65)
    assert groups.find(1) == 1 and groups.failed == {(0, 1): 0.65}
    groups.try_merge(0, 1, 0.3)  # not counted: the failure stands
    assert groups.find(1) == 1
    groups.try_merge(0, 1, 0.62, counted=True)  # tried again, fails again
    assert groups.find(1) == 1 and (0, 1) in groups.retried
    groups.try_merge(0, 1, 0.3, counted=True)  # once only
    assert groups.find(1) == 1
    fresh = _Groups(facts, vectors, 3.0, Evidence())
    fresh.try_merge(0, 1, 0.65)
    fresh.try_merge(0, 1, 0.3, counted=True)
    assert fresh.find(1) == 0
