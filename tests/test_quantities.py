"""Tests of language.quantities: numbers, hedges as bounds, units, and what is not a quantity."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.language.quantities import parse_quantities
from extractor.models import Quantity

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
INF = None  # an unbounded upper end

# text, then the one quantity expected: value, lower, upper, unit, qualifier
CASES: list[tuple[str, float, float, float | None, str | None, str | None]] = [
    # from the sample articles
    ("had sent as many as 10,000 troops to Russia", 10_000, 0, 10_000, "troops", "as many as"),
    (
        "as many as 10,000 North Korean soldiers had arrived",
        10_000,
        0,
        10_000,
        "soldiers",
        "as many as",
    ),
    ("the right to send a thousand of its troops to Ukraine", 1_000, 1_000, 1_000, "troops", None),
    ("sending thousands of soldiers to the front", 2_000, 2_000, 9_999, "soldiers", "thousands"),
    (
        "has already sent 1,500 special forces to Russia.",
        1_500,
        1_500,
        1_500,
        "special forces",
        None,
    ),
    ("12 thousand soldiers will be sent to Russia.", 12_000, 12_000, 12_000, "soldiers", None),
    (
        "Thousands of North Korean soldiers sent to die",
        2_000,
        2_000,
        9_999,
        "soldiers",
        "thousands",
    ),
    ("the killing of three North Korean soldiers in the Kursk region", 3, 3, 3, "soldiers", None),
    ("More than 3,000 men were killed or wounded", 3_000, 3_000, INF, "men", "more than"),
    ("with dozens of North Korean factories working", 24, 24, 99, "factories", "dozens"),
    (
        "at least 1.5 million artillery shells have been transferred",
        1.5e6,
        1.5e6,
        INF,
        "artillery shells",
        "at least",
    ),
    (
        "intelligence that nearly 10,000 soldiers from North Korea",
        10_000,
        9_000,
        10_000,
        "soldiers",
        "nearly",
    ),
    (
        "They are preparing on their land 10,000 soldiers but",
        10_000,
        10_000,
        10_000,
        "soldiers",
        None,
    ),
    (
        "a video purporting to show dozens of North Koreans lining up",
        24,
        24,
        99,
        "north koreans",
        "dozens",
    ),
    (
        "had shipped 1,500 special forces troops to Russia's Far East",
        1_500,
        1_500,
        1_500,
        "special forces troops",
        None,
    ),
    (
        "forming a unit of about 3,000 North Koreans while",
        3_000,
        2_700,
        3_300,
        "north koreans",
        "about",
    ),
    (
        "Moscow had used more than 40 ballistic missiles from North Korea",
        40,
        40,
        INF,
        "ballistic missiles",
        "more than",
    ),
    ("six North Korean soldiers had been killed", 6, 6, 6, "soldiers", None),
    (
        "the US, Japan, South Korea and eight other Western governments to form",
        8,
        8,
        8,
        "governments",
        None,
    ),
    (
        "about one million Ukrainians and Russians had been killed",
        1e6,
        9e5,
        1.1e6,
        "ukrainians",
        "about",
    ),
    (
        "North Korea has shipped about 7,000 containers filled with munitions",
        7_000,
        6_300,
        7_700,
        "containers",
        "about",
    ),
    (
        "in return for 9,000 Russian containers likely filled with aid",
        9_000,
        9_000,
        9_000,
        "containers",
        None,
    ),
    (
        "the 11,000 deployed North Korean troops have been killed",
        11_000,
        11_000,
        11_000,
        "troops",
        None,
    ),
    ("have been killed in just three months.", 3, 3, 3, "months", None),
    ("his first stop in the city in two decades.", 2, 2, 2, "decades", None),
    ("Putin “annexed” four more regions of Ukraine", 4, 4, 4, "regions", None),
    ("trusted by 27 million Americans from across", 27e6, 27e6, 27e6, "americans", None),
    # separators, scales and number words
    ("10 000 troops", 10_000, 10_000, 10_000, "troops", None),
    ("10\u202f000 troops", 10_000, 10_000, 10_000, "troops", None),
    ("1.5 million people", 1.5e6, 1.5e6, 1.5e6, "people", None),
    ("a million people", 1e6, 1e6, 1e6, "people", None),
    ("one soldier", 1, 1, 1, "soldier", None),
    ("twenty soldiers", 20, 20, 20, "soldiers", None),
    ("ninety tanks", 90, 90, 90, "tanks", None),
    ("twenty-five drones", 25, 25, 25, "drones", None),
    ("two hundred soldiers", 200, 200, 200, "soldiers", None),
    ("two hundred and fifty tanks", 250, 250, 250, "tanks", None),
    ("a dozen tanks", 12, 12, 12, "tanks", None),
    # vague plurals
    ("hundreds of drones", 200, 200, 999, "drones", "hundreds"),
    ("tens of thousands of people", 20_000, 20_000, 99_999, "people", "tens of thousands"),
    ("hundreds of thousands of refugees", 2e5, 2e5, 999_999, "refugees", "hundreds of thousands"),
    ("several hundred troops", 300, 300, 999, "troops", "several hundred"),
    # ranges
    ("8-13 ships", 8, 8, 13, "ships", None),
    ("8 to 13 ships", 8, 8, 13, "ships", None),
    ("between 10,000 and 12,000 troops", 10_000, 10_000, 12_000, "troops", "between"),
    ("10 to 12 million people", 10e6, 10e6, 12e6, "people", None),
    ("about 8 to 13 ships", 8, 7.2, 14.3, "ships", "about"),
    # percentages and money
    ("40% of voters", 40, 40, 40, "%", None),
    ("40 percent of voters", 40, 40, 40, "%", None),
    ("10-15% of them", 10, 10, 15, "%", None),
    ("$1 million in aid", 1e6, 1e6, 1e6, "USD", None),
    ("about $1 million in aid", 1e6, 9e5, 1.1e6, "USD", "about"),
    ("a US$5bn loan", 5e9, 5e9, 5e9, "USD", None),
    ("1 million dollars", 1e6, 1e6, 1e6, "USD", None),
    ("a million dollars damage done", 1e6, 1e6, 1e6, "USD", None),
    ("2 million euros worth of art", 2e6, 2e6, 2e6, "EUR", None),
    # hedges
    ("around 500 people", 500, 450, 550, "people", "around"),
    ("approximately 500 people", 500, 450, 550, "people", "approximately"),
    ("roughly 500 people", 500, 450, 550, "people", "roughly"),
    ("some 10,000 troops", 10_000, 9_000, 11_000, "troops", "some"),
    ("an estimated 10,000 troops", 10_000, 9_000, 11_000, "troops", "an estimated"),
    ("almost 400 tanks", 400, 360, 400, "tanks", "almost"),
    ("close to 400 tanks", 400, 360, 400, "tanks", "close to"),
    ("just under 500 people", 500, 450, 500, "people", "just under"),
    ("up to 20 drones", 20, 0, 20, "drones", "up to"),
    ("no more than 20 drones", 20, 0, 20, "drones", "no more than"),
    ("at most 12 drones", 12, 0, 12, "drones", "at most"),
    ("over 5,000 men", 5_000, 5_000, INF, "men", "over"),
    ("in excess of 300 shells", 300, 300, INF, "shells", "in excess of"),
    ("upwards of 5,000 men", 5_000, 5_000, INF, "men", "upwards of"),
    ("10,000 or more troops", 10_000, 10_000, INF, "troops", "or more"),
    ("a 3,000-strong unit", 3_000, 3_000, 3_000, "unit", None),
    ("2000 soldiers", 2_000, 2_000, 2_000, "soldiers", None),
]


@pytest.mark.parametrize(("text", "value", "lower", "upper", "unit", "qualifier"), CASES)
def test_parses_one_quantity(
    text: str,
    value: float,
    lower: float,
    upper: float | None,
    unit: str | None,
    qualifier: str | None,
) -> None:
    [quantity] = parse_quantities(text)
    assert quantity.value == pytest.approx(value)
    assert quantity.lower == pytest.approx(lower)
    assert quantity.upper == (None if upper is None else pytest.approx(upper))
    assert quantity.unit == unit
    assert quantity.qualifier == qualifier
    assert quantity.raw in text


def test_raw_covers_hedge_number_and_unit() -> None:
    [quantity] = parse_quantities("Pyongyang had sent as many as 10,000 troops to Russia.")
    assert quantity.raw == "as many as 10,000 troops"
    [quantity] = parse_quantities("the right to send a thousand of its troops to Ukraine")
    assert quantity.raw == "a thousand of its troops"


def test_part_of_a_whole_takes_the_unit_of_the_whole() -> None:
    text = "at least 1,000 of the 11,000 deployed North Korean troops have been killed"
    first, whole = parse_quantities(text)
    assert (first.value, first.lower, first.upper, first.unit) == (1_000, 1_000, None, "troops")
    assert (whole.value, whole.unit) == (11_000, "troops")
    assert first.raw == "at least 1,000"


def test_several_quantities_in_order() -> None:
    text = "at least 115,000 soldiers killed and 500,000 wounded since the start"
    assert [(q.value, q.unit) for q in parse_quantities(text)] == [
        (115_000, "soldiers"),
        (500_000, "wounded"),
    ]


def overlap(a: Quantity, b: Quantity) -> bool:
    a_hi = float("inf") if a.upper is None else a.upper
    b_hi = float("inf") if b.upper is None else b.upper
    assert a.lower is not None and b.lower is not None
    return a.lower <= b_hi and b.lower <= a_hi


def one(text: str) -> Quantity:
    [quantity] = parse_quantities(text)
    return quantity


def test_hedged_claims_overlap_and_distinct_numbers_do_not() -> None:
    assert overlap(one("as many as 10,000 troops"), one("nearly 10,000 soldiers"))
    assert overlap(one("thousands of soldiers"), one("nearly 10,000 soldiers"))
    assert overlap(one("at least 1,000 troops"), one("11,000 troops"))
    assert not overlap(one("10,000 troops"), one("12,000 troops"))
    assert not overlap(one("11,000 troops"), one("12 thousand soldiers"))
    assert not overlap(one("1,500 special forces"), one("about 3,000 North Koreans"))


@pytest.mark.parametrize(
    "text",
    [
        "Putin first invaded Ukraine in 2014, colonizing its Crimean peninsula.",
        "The Russian leader escalated his assault in 2022 after almost a decade",
        "the agreement was signed in June 2024.",
        "since Vladimir Putin invaded in February 2022",
        "the 2022 invasion",
        "soldiers could march on Red Square on May 9, celebrating the 80th anniversary",
        "the parade in Red Square on May 9th.",
        "to Vladivostok on October 8-13, they were given",
        "moving the troops to Vladivostok from 8 to 13 October.",
        "killed in a missile strike in eastern Donetsk on 3 October.",
        "On November 13, the South Korean National Intelligence Service",
        "the “Korean People’s Army’s 11th Corps.”",
        "the 11th separate airborne assault brigade",
        "opened fire for the first time",
        "how to operate KN-23 ballistic missiles",
        "at 10:30 on Monday",
        "at 9 am local time",
        "between 2014-2022",
        "a 10-year-old boy",
        "the G7 summit on COVID-19",
        "UN Security Council resolution 2231",
        "spares no one, not even those",
        "one of the soldiers",
        "the Group of Seven",
        "version 1.2.3 on 23/10/2024 and 2024-10-23",
        "in the 1990s, 10km away",
        "published: 2024-11-22",
    ],
)
def test_years_dates_ordinals_and_ids_are_not_quantities(text: str) -> None:
    assert parse_quantities(text) == []


def test_numbers_on_the_sample_articles() -> None:
    text = (SAMPLES / "004_9890ebe87119e131.txt").read_text(encoding="utf-8")
    assert [(q.raw, q.unit) for q in parse_quantities(text)] == [
        ("at least 1,000", "troops"),
        ("11,000 deployed North Korean troops", "troops"),
        ("three months", "months"),
    ]
    for path in sorted(SAMPLES.glob("*.txt")):
        for quantity in parse_quantities(path.read_text(encoding="utf-8")):
            assert quantity.value not in (2014, 2022, 2024, 2025, 11, 80, 23)


@given(st.text())
def test_never_raises_and_bounds_are_ordered(text: str) -> None:
    for quantity in parse_quantities(text):
        assert quantity.lower is not None
        assert quantity.lower <= quantity.value
        assert quantity.upper is None or quantity.value <= quantity.upper
        assert quantity.raw and quantity.raw in text


NUMBERISH = st.text(alphabet="0123456789 ,.-–%$abouteanrlyhdsmiontk\n", max_size=40)


@given(
    st.lists(
        st.one_of(
            NUMBERISH,
            st.sampled_from(
                [
                    "about",
                    "nearly",
                    "as many as",
                    "at least",
                    "between",
                    "and",
                    "to",
                    "thousand",
                    "million",
                    "dozens",
                    "of the",
                    "May",
                    "troops",
                    "a",
                    "one",
                    "twenty-five",
                    "hundred",
                    "US$",
                    "£",
                ]
            ),
        ),
        max_size=12,
    )
)
def test_never_raises_on_number_like_text(parts: list[str]) -> None:
    text = " ".join(parts)
    for quantity in parse_quantities(text):
        assert quantity.lower is not None and quantity.lower <= quantity.value
        assert quantity.upper is None or quantity.value <= quantity.upper


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from([",", " ", "\u202f", ""]))
def test_formatted_integers_parse_back(number: int, separator: str) -> None:
    formatted = f"{number:,}".replace(",", separator) if separator else str(number)
    if not separator and 1800 <= number <= 2100:
        formatted = f"{number:,}"  # a bare 4-digit number in that range reads as a year
    quantities = parse_quantities(f"They sent {formatted} troops.")
    assert [(q.value, q.unit) for q in quantities] == [(number, "troops")]
