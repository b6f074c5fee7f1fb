"""Inputs for the report tests: the samples, claims grounded in them by code, a comparison.

No model is involved: each claim's quote is a phrase of the sample located by
``extractor.extraction.grounding.ground``; quantities and stance are parsed from the quote by code.
"""

from __future__ import annotations

from functools import cache

from extractor.compare import compare
from extractor.compare.embeddings import HashingEmbedder
from extractor.extraction.grounding import ground
from extractor.ingest.articles import read_articles
from extractor.language.quantities import parse_quantities
from extractor.language.stance import detect_stance
from extractor.models import Article, Claim, Comparison
from extractor.settings import Settings

from .conftest import SAMPLES

#: (sample number, a verbatim quote, speaker)
QUOTES = [
    ("000", "Pyongyang had sent as many as 10,000 troops to Russia", "author"),
    ("000", "has not confirmed formally any involvement in the full-scale invasion", "author"),
    ("001", "12 thousand soldiers will be sent", "South Korean intelligence"),
    ("001", "1,500 special forces to Russia", "National Intelligence Service of South Korea"),
    ("003", "nearly 10,000 soldiers from North Korea", "Volodymyr Zelensky"),
    ("003", "1,500 special forces troops", "South Korea's National Intelligence Service"),
    ("004", "11,000 deployed North Korean troops", "Western officials"),
    ("004", "has officially confirmed it sent soldiers", "author"),
]

#: markup that must show as text and never run
HOSTILE = (
    "Officials said <script>window.__pwned=1</script> that 5,000 troops left. "
    'A caption read <img src=x onerror="window.__pwned=2"> & "quotes" \'too\'.\n'
    "Second paragraph: </div></mark><b>not bold</b>."
)


@cache
def sample_articles() -> tuple[Article, ...]:
    found = list(read_articles([SAMPLES], Settings()))
    articles = tuple(a for a in found if isinstance(a, Article))
    assert len(articles) == len(found) == 5, found
    return articles


def grounded_claim(article: Article, quote: str, speaker: str = "author") -> Claim:
    """A claim whose quote is located in ``article`` by our code, as the pipeline does."""
    span = ground(quote, article.text)
    assert span is not None, f"{quote!r} is not in {article.source}"
    return Claim(
        article_id=article.id,
        text=quote[0].upper() + quote[1:] + ".",
        quote=quote,
        start=span.start,
        end=span.end,
        match=span.match,
        speaker=speaker,
        stance=detect_stance(quote),
        quantities=parse_quantities(quote),
    )


@cache
def sample_claims() -> tuple[Claim, ...]:
    by_number = {a.origin.rsplit("/", 1)[-1][:3]: a for a in sample_articles() if a.origin}
    return tuple(grounded_claim(by_number[n], quote, who) for n, quote, who in QUOTES)


@cache
def sample_comparison() -> Comparison:
    return compare(sample_claims(), articles=sample_articles(), embedder=HashingEmbedder())


def hostile_article() -> tuple[Article, list[Claim]]:
    """An article whose every field tries to inject markup, with claims over the markup."""
    article = Article.from_text(
        HOSTILE,
        source='<b onmouseover="window.__pwned=3">Evil</b> Outlet',
        title="<script>window.__pwned=4</script>Headline",
        url="javascript:window.__pwned=5",
    )
    claims = [
        grounded_claim(article, "<script>window.__pwned=1</script>", '<img src=x onerror="x()">'),
        grounded_claim(article, '<img src=x onerror="window.__pwned=2">'),
        grounded_claim(article, "</div></mark><b>not bold</b>"),
    ]
    return article, claims
