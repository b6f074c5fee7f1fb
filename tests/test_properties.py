"""Property tests (Hypothesis) of the code that reads untrusted text.

They add to the properties next to each module (``test_grounding``, ``test_segment``,
``test_quantities``): ingest of arbitrary bytes and JSONL feeds, segmentation that loses no
text, grounding of quotes the model altered in the ways models do, and quantities that
stay finite and ordered.
"""

from __future__ import annotations

import json
import math
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from extractor.extraction.grounding import _fold, ground, strip_quote
from extractor.ingest.articles import read_articles
from extractor.ingest.bidi import BIDI_CONTROLS, display_order
from extractor.language.quantities import parse_quantities
from extractor.language.segment import MAX_SENTENCE_CHARS, select_candidates, split_sentences
from extractor.models import Article, ArticleError, MatchKind
from extractor.settings import Settings

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HIDDEN = dict.fromkeys(map(ord, INVISIBLE))
#: text with the characters hostile input is made of
NASTY = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
        st.sampled_from(["\n", "\r", "\r\n", " ", ".", "“", "”", "’", "-", "---", *INVISIBLE]),
    ),
    max_size=30,
).map("".join)


@contextmanager
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


# -- ingest ---------------------------------------------------------------------------------


def assert_clean_article(article: Article) -> None:
    assert article.text and article.text == article.text.strip()
    assert "\r" not in article.text
    assert not set(INVISIBLE) & set(article.text)
    assert unicodedata.is_normalized("NFC", article.text)
    Article.model_validate_json(article.model_dump_json())  # it survives its own JSON


@FAST
@given(st.binary(max_size=2000))
def test_any_bytes_give_one_article_or_one_input_error(data: bytes) -> None:
    with folder() as directory:
        path = directory / "a.txt"
        path.write_bytes(data)
        [item] = read_articles([path], Settings())
    if isinstance(item, Article):
        assert_clean_article(item)
    else:
        assert item.kind == "input" and item.origin == str(path) and item.message


@FAST
@given(NASTY)
def test_any_text_file_reads_as_its_cleaned_text(text: str) -> None:
    with folder() as directory:
        path = directory / "a.txt"
        path.write_text(text, encoding="utf-8", newline="")
        [item] = read_articles([path], Settings())
    try:  # what a reader sees: override runs in display order (pinned in test_ingest)
        visible = display_order(text.replace("\r\n", "\n").replace("\r", "\n"))
    except ValueError:  # nested controls: refused, unless the file is refused sooner
        assert isinstance(item, ArticleError)
        assert "right-to-left override" in item.message or "\0" in text
        return
    visible = visible.translate(HIDDEN)
    if isinstance(item, Article):
        assert_clean_article(item)
        words = unicodedata.normalize("NFC", visible).split()
        assert item.text.split() == words[len(words) - len(item.text.split()) :]
    else:
        assert not visible.strip() or "\0" in text or visible.startswith("---")


@FAST
@given(st.text(max_size=40))
def test_a_run_overridden_twice_reads_as_written(text: str) -> None:
    breaks = "\n\r\x1c\x1d\x1e\x85\u2029"
    plain = "".join(c for c in text if c not in BIDI_CONTROLS and c not in breaks)
    once = display_order(f"\u202e{plain}\u202c")
    assert len(once) == len(plain) and not BIDI_CONTROLS & set(once)
    assert display_order(f"\u202e{once}\u202c") == plain


LINE = st.one_of(
    st.builds(
        lambda text, source: json.dumps({"text": text, "source": source}, ensure_ascii=False),
        NASTY,
        st.text(max_size=10),
    ).map(str.encode),
    st.binary(max_size=60).filter(
        lambda raw: (
            b"\n" not in raw and b"\0" not in raw and not raw.startswith((b"\xff\xfe", b"\xfe\xff"))
        )  # UTF-16: the whole file is refused
    ),
)


@FAST
@given(st.lists(LINE, min_size=1, max_size=12), st.booleans())
def test_jsonl_gives_one_item_per_non_blank_line_with_its_number_an_article_once(
    lines: list[bytes], bom: bool
) -> None:
    assume(any(raw.strip() for raw in lines))
    with folder() as directory:
        path = directory / "feed.jsonl"
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + b"\n".join(lines) + b"\n")
        items = list(read_articles([path], Settings()))
        # each line read by itself: an article read before (same id, same text) is read once
        alone: list[Article | ArticleError | None] = []
        for n, raw in enumerate(lines, start=1):
            single = directory / f"line{n}" / "feed.jsonl"  # the stem is the default source
            single.parent.mkdir()
            single.write_bytes((b"\xef\xbb\xbf" if bom and n == 1 else b"") + raw + b"\n")
            alone.append(next(iter(read_articles([single], Settings())), None))
    seen: set[tuple[str, str]] = set()
    numbers = []
    for n, raw in enumerate(lines, start=1):
        if not (raw.strip() or (bom and n == 1)):
            continue
        item = alone[n - 1]
        if isinstance(item, Article):
            if (item.id, item.text) in seen:
                continue
            seen.add((item.id, item.text))
        numbers.append(n)
    assert [item.origin for item in items] == [f"{path}:{n}" for n in numbers]
    for number, item in zip(numbers, items, strict=True):
        if isinstance(item, ArticleError):
            assert item.line == number and item.kind == "input"
        else:
            assert_clean_article(item)
            text = json.loads(lines[number - 1])["text"]
            cleaned = display_order(text.replace("\r\n", "\n").replace("\r", "\n"))
            cleaned = cleaned.translate(HIDDEN)
            assert item.text == unicodedata.normalize("NFC", cleaned.strip())


# -- segmentation ---------------------------------------------------------------------------

SENTENCE_PARTS = st.sampled_from(
    [
        "Officials said 1,200 families left on Monday.",
        "Mr. Kim told KCNA that U.S. troops were “ready”.",
        "Prices rose 5% in May;",
        "about 3,000 N. Korean soldiers",
        "e.g.",
        "?!",
        "...",
        "x" * 50,
        "“Quote,” he said.",
        "No.",
    ]
)


@FAST
@given(st.lists(st.one_of(SENTENCE_PARTS, st.sampled_from([" ", "  ", "\n", "\n\n"])),
                max_size=200))  # fmt: skip
def test_segmentation_loses_no_text(parts: list[str]) -> None:
    text = "".join(parts)
    sentences = split_sentences(text)
    covered = [False] * len(text)
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert len(sentence.text) <= MAX_SENTENCE_CHARS
        for i in range(sentence.start, sentence.end):
            assert not covered[i]
            covered[i] = True
    lost = [i for i, char in enumerate(text) if not char.isspace() and not covered[i]]
    assert not lost, repr(text[lost[0] : lost[0] + 40])


@FAST
@given(NASTY, st.floats(0, 1), st.one_of(st.none(), st.integers(0, 50)))
def test_candidates_are_ordered_bounded_sentences(
    text: str, min_score: float, limit: int | None
) -> None:
    candidates = select_candidates(text, min_score=min_score, limit=limit)
    starts = [c.sentence.start for c in candidates]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert limit is None or len(candidates) <= limit
    for candidate in candidates:
        assert min_score <= candidate.score <= 1.0
        sentence = candidate.sentence
        assert text[sentence.start : sentence.end] == sentence.text


# -- grounding ------------------------------------------------------------------------------


@FAST
@given(st.text(min_size=1, max_size=200), st.data())
def test_an_exact_quote_is_found_at_the_occurrence_nearest_near(
    text: str, data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    needle = strip_quote(text[start:end])
    assume(needle)
    near = data.draw(st.integers(0, len(text)))
    span = ground(text[start:end], text, near=near)
    assert span is not None and span.match is MatchKind.exact
    assert text[span.start : span.end] == needle
    occurrences = [i for i in range(len(text)) if text.startswith(needle, i)]
    assert abs(span.start - near) == min(abs(i - near) for i in occurrences)


WORDS = st.lists(
    st.sampled_from(
        ["North", "Korea", "sent", "1,500", "troops", "“fake", "news”", "it’s", "—", "said",
         "Pyongyang", "Kremlin’s", "reports", "É", "ﬁnal"]
    ),
    min_size=2,
    max_size=12,
)  # fmt: skip


@FAST
@given(WORDS, WORDS, WORDS, st.data())
def test_a_quote_altered_like_models_alter_quotes_is_found(
    before: list[str], quoted: list[str], after: list[str], data: st.DataObject
) -> None:
    text = " ".join(before) + " " + " ".join(quoted) + ". " + " ".join(after)
    original = " ".join(quoted)
    altered = original
    if data.draw(st.booleans()):
        altered = altered.replace("“", '"').replace("”", '"').replace("’", "'")
    if data.draw(st.booleans()):
        altered = altered.replace("—", "-").replace(" ", "  ")
    if data.draw(st.booleans()):
        altered = altered.upper() if data.draw(st.booleans()) else altered.lower()
    if data.draw(st.booleans()):
        altered = altered.replace(" ", " \u200b", 1)  # a zero-width space after the first
    span = ground(f"“{altered}”", text)
    assert span is not None
    assert 0 <= span.start < span.end <= len(text)
    assert span.match in (MatchKind.exact, MatchKind.normalized)
    # what was found folds to what was asked for
    found = _fold(text[span.start : span.end])[0].strip()
    assert found == _fold(strip_quote(altered))[0].strip()


# -- quantities -----------------------------------------------------------------------------

NUMBER_TEXT = st.lists(
    st.one_of(
        st.integers(0, 10**30).map(lambda n: f"{n:,}"),
        st.floats(0, 1e6, allow_nan=False).map(lambda x: f"{x:.2f}"),
        st.text(alphabet="0123456789", min_size=1, max_size=400),
        st.sampled_from(
            ["about", "between", "and", "to", "-", "–", "million", "billion", "thousand",
             "dozens of", "up to", "at least", "nearly", "%", "$", "£", "troops", "bn",
             "hundreds of thousands of", "or more", "३००", "３００", "²", "½", "\u00a0"]
        ),
    ),
    max_size=15,
)  # fmt: skip


@FAST
@given(NUMBER_TEXT)
def test_quantities_are_finite_ordered_and_survive_json(parts: list[str]) -> None:
    text = " ".join(parts)
    for quantity in parse_quantities(text):
        assert math.isfinite(quantity.value)
        assert quantity.lower is not None and math.isfinite(quantity.lower)
        assert quantity.lower <= quantity.value
        if quantity.upper is not None:
            assert math.isfinite(quantity.upper) and quantity.value <= quantity.upper
        assert quantity.raw in text
        assert type(quantity).model_validate_json(quantity.model_dump_json()) == quantity
