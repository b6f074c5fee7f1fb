"""Tests of extractor.ingest: reading text, JSONL and HTML files into articles or errors."""

from __future__ import annotations

import json
import time
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from extractor.ingest.articles import read_articles
from extractor.models import Article, ArticleError
from extractor.settings import Settings

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_META = {
    "000_b9713d3b85cabdd0.txt": ("Breitbart", date(2024, 11, 22)),
    "001_468cc55b854ce9da.txt": ("Babel", date(2024, 10, 25)),
    "002_2733dd465fd278a3.txt": ("Italian outlet (in translation)", date(2025, 3, 20)),
    "003_4a4ef7c764c5ead1.txt": ("The Independent", date(2024, 10, 23)),
    "004_9890ebe87119e131.txt": ("Nairobi-datelined outlet", date(2025, 4, 28)),
}


def read(*inputs: str | Path | Article, settings: Settings | None = None) -> list[object]:
    return list(read_articles(inputs, settings or Settings()))


def read_one(path: Path, settings: Settings | None = None) -> Article:
    [item] = read(path, settings=settings)
    assert isinstance(item, Article), item
    return item


def read_error(path: Path | str, settings: Settings | None = None) -> ArticleError:
    [item] = read(path, settings=settings)
    assert isinstance(item, ArticleError), item
    assert item.kind == "input"
    assert item.origin == str(path)
    return item


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


# -- the sample corpus ----------------------------------------------------------------------


def test_samples_read_as_one_article_each_with_front_matter() -> None:
    items = read(SAMPLES)
    assert all(isinstance(item, Article) for item in items)
    articles = [item for item in items if isinstance(item, Article)]
    assert [Path(a.origin or "").name for a in articles] == sorted(SAMPLE_META)  # README skipped
    for article in articles:
        source, published = SAMPLE_META[Path(article.origin or "").name]
        assert (article.source, article.published) == (source, published)
        assert len(article.text) > 500
        assert not article.text.startswith("---")
        assert "source:" not in article.text[:100]


def test_title_line_is_taken_off_the_body() -> None:
    article = read_one(SAMPLES / "001_468cc55b854ce9da.txt")
    assert article.title is not None
    assert article.title.startswith("WSJ: There was a secret clause")
    assert article.title.endswith("to Ukraine")
    assert "WSJ: There was a secret clause" not in article.text
    assert article.text.startswith("Oleksandra Opanasenko")


def test_long_first_paragraph_is_not_a_title() -> None:
    article = read_one(SAMPLES / "000_b9713d3b85cabdd0.txt")
    assert article.title is None
    assert article.text.startswith("An anonymous North Korean military source")


@pytest.mark.parametrize(
    ("first_line", "is_title"),
    [
        ("Short headline", True),
        ("A sentence that ends with a full stop.", False),
        ("He said: “it is over”", False),
        ("Read more:", False),
        ("x" * 201, False),
    ],
)
def test_title_heuristic(tmp_path: Path, first_line: str, is_title: bool) -> None:
    path = write(tmp_path / "a.txt", f"\n{first_line}\n\nThe body says something.\n")
    article = read_one(path)
    if is_title:
        assert (article.title, article.text) == (first_line, "The body says something.")
    else:
        assert article.title is None
        assert article.text == f"{first_line}\n\nThe body says something."


def test_first_line_without_blank_line_after_it_stays_in_the_body(tmp_path: Path) -> None:
    article = read_one(write(tmp_path / "a.txt", "Headline\nBody line one.\n"))
    assert (article.title, article.text) == (None, "Headline\nBody line one.")


def test_front_matter_title_wins_and_defaults(tmp_path: Path) -> None:
    text = "---\ntitle: 'Given: title'\npublished: 2024-10-23T08:30:00+02:00\n---\nHead\n\nBody."
    article = read_one(write(tmp_path / "my-outlet.txt", text))
    assert article.title == "Given: title"
    assert article.published == date(2024, 10, 23)
    assert article.source == "my-outlet"  # the file's stem
    assert article.text == "Body."


def test_source_defaults_to_the_url_host(tmp_path: Path) -> None:
    text = "---\nurl: https://www.example.org/news/1\n---\nBody text."
    article = read_one(write(tmp_path / "a.txt", text))
    assert (article.source, article.url) == ("www.example.org", "https://www.example.org/news/1")


# -- front matter errors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front_matter", "expected"),
    [
        ("author: Someone", "'author'"),
        ("published: 23/10/2024", "'published'"),
        ("just a line", "not 'key: value'"),
    ],
)
def test_front_matter_errors(tmp_path: Path, front_matter: str, expected: str) -> None:
    path = write(tmp_path / "bad.txt", f"---\nsource: X\n{front_matter}\n---\nBody.")
    error = read_error(path)
    assert expected in error.message
    assert str(path) == error.origin


def test_unclosed_front_matter(tmp_path: Path) -> None:
    error = read_error(write(tmp_path / "bad.txt", "---\nsource: X\n\nurl: https://x.org\n"))
    assert "closing '---'" in error.message


def test_front_matter_without_body(tmp_path: Path) -> None:
    error = read_error(write(tmp_path / "bad.txt", "---\nsource: X\n---\n\n  \n"))
    assert "no article text" in error.message


# -- JSONL ----------------------------------------------------------------------------------


def test_jsonl_broken_line_in_the_middle(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "First.", "source": "A", "published": "2024-10-01"}),
        "",
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"source": "no text"}),
        json.dumps({"text": "Bad date.", "published": "yesterday"}),
        json.dumps({"text": "Last.", "url": "https://news.example.com/x", "id": "mine-1"}),
    ]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    items = read(path)
    assert [type(item).__name__ for item in items] == [
        "Article", "ArticleError", "ArticleError", "ArticleError", "ArticleError", "Article"
    ]  # fmt: skip
    first, last = items[0], items[-1]
    assert isinstance(first, Article) and isinstance(last, Article)
    assert (first.text, first.source, first.published) == ("First.", "A", date(2024, 10, 1))
    assert first.origin == f"{path}:1"
    assert (last.text, last.source, last.id) == ("Last.", "news.example.com", "mine-1")
    errors = [item for item in items if isinstance(item, ArticleError)]
    assert [e.line for e in errors] == [3, 4, 5, 6]
    assert [e.origin for e in errors] == [f"{path}:{n}" for n in (3, 4, 5, 6)]
    assert "not valid JSON" in errors[0].message
    assert "JSON object" in errors[1].message
    assert "'text'" in errors[2].message
    assert "bad date 'yesterday'" in errors[3].message


def test_jsonl_unknown_key(tmp_path: Path) -> None:
    path = write(tmp_path / "feed.jsonl", json.dumps({"text": "T.", "author": "Z"}) + "\n")
    [error] = read(path)
    assert isinstance(error, ArticleError)
    assert (error.line, error.kind) == (1, "input")
    assert "author" in error.message


def test_jsonl_line_over_the_limit_is_skipped(tmp_path: Path) -> None:
    big = json.dumps({"text": "x" * 500})
    path = write(tmp_path / "feed.jsonl", f"{big}\n" + json.dumps({"text": "Small."}) + "\n")
    items = read(path, settings=Settings(max_article_bytes=100))
    assert isinstance(items[0], ArticleError) and items[0].line == 1
    assert "over the limit of 100 bytes" in items[0].message
    assert isinstance(items[1], Article) and items[1].text == "Small."


def test_jsonl_whitespace_only(tmp_path: Path) -> None:
    error = read_error(write(tmp_path / "feed.jsonl", "\n  \n\n"))
    assert "only whitespace" in error.message


# -- HTML -----------------------------------------------------------------------------------

HTML = """<!DOCTYPE html>
<html><head>
<title>Bridge to reopen next month</title>
<meta property="og:site_name" content="Daily Planet">
<meta property="article:published_time" content="2024-10-23T10:00:00Z">
<script>var tracker = "SCRIPT_SECRET";</script>
<style>.lead { color: red; } /* STYLE_SECRET */</style>
</head><body>
<nav><a href="/">Home</a></nav>
<article>
<h1>Bridge to reopen next month</h1>
<p>The mayor said on Tuesday that the old river bridge will reopen next month after two
years of repairs, which cost the city more than 3 million dollars in total.</p>
<script>document.write("INLINE_SCRIPT_SECRET");</script>
<p>Officials confirmed that the repairs were finished ahead of schedule and that traffic
would return to normal by the end of November, according to the city council.</p>
</article>
</body></html>
"""


def test_html_main_text_and_metadata_without_script(tmp_path: Path) -> None:
    article = read_one(write(tmp_path / "page.html", HTML))
    assert "old river bridge will reopen" in article.text
    assert "ahead of schedule" in article.text
    for secret in ("SCRIPT_SECRET", "INLINE_SCRIPT_SECRET", "STYLE_SECRET", "color: red"):
        assert secret not in article.text
    assert article.title == "Bridge to reopen next month"
    assert article.source == "Daily Planet"
    assert article.published == date(2024, 10, 23)


def test_html_whose_metadata_cannot_be_read_keeps_its_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import trafilatura

    # trafilatura.extract_metadata is typed "Document | None": None when it finds no head
    monkeypatch.setattr(trafilatura, "extract_metadata", lambda *args, **kwargs: None)
    article = read_one(write(tmp_path / "page.html", HTML))
    assert "old river bridge will reopen" in article.text
    assert (article.source, article.title, article.url, article.published) == (
        "page",
        None,
        None,
        None,
    )


def test_html_without_main_text(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.htm", "<html><body><script>x = 1;</script></body></html>")
    assert "no main text" in read_error(path).message


# -- bad input ------------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    assert "empty file" in read_error(write(tmp_path / "a.txt", b"")).message


def test_whitespace_only_file(tmp_path: Path) -> None:
    error = read_error(write(tmp_path / "a.txt", " \n\t\r\n\u200b \n"))
    assert "only whitespace" in error.message


def test_binary_file(tmp_path: Path) -> None:
    error = read_error(write(tmp_path / "a.txt", b"PK\x03\x04\x00\x00binary"))
    assert "binary file" in error.message


def test_invalid_utf8_names_the_offset(tmp_path: Path) -> None:
    error = read_error(write(tmp_path / "a.txt", b"Caf\xe9 au lait"))
    assert "byte offset 3" in error.message
    assert "UTF-8" in error.message and "re-encode" in error.message


def test_file_over_the_limit(tmp_path: Path) -> None:
    path = write(tmp_path / "big.txt", b"word " * 1_000_000)  # 5 MB
    limit = Settings().max_article_bytes
    assert path.stat().st_size > limit
    error = read_error(path)
    assert "5000000 bytes" in error.message
    assert f"limit of {limit} bytes" in error.message
    assert "EXTRACTOR_MAX_ARTICLE_BYTES" in error.message


def test_missing_path(tmp_path: Path) -> None:
    error = read_error(tmp_path / "nope.txt")
    assert "no such file" in error.message


def test_unsupported_suffix_given_explicitly(tmp_path: Path) -> None:
    error = read_error(write(tmp_path / "notes.md", "# Notes\n\nSome text."))
    assert "unsupported file type '.md'" in error.message
    assert ".txt" in error.message


def test_os_errors_become_items(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "locked.txt", "Body.")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert "Permission denied" in read_error(path).message


def test_the_stream_goes_on_after_errors(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", "Body.")
    items = read(tmp_path / "nope.txt", write(tmp_path / "e.txt", b""), good)
    assert [type(item).__name__ for item in items] == ["ArticleError", "ArticleError", "Article"]


# -- normalisation and ids ------------------------------------------------------------------


def test_zero_width_and_bidi_characters_are_removed(tmp_path: Path) -> None:
    # none of these reverses what follows: embeddings, isolates, an LTR override, a PDF
    invisible = "\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069"
    path = write(tmp_path / "a.txt", f"\ufeffTroops{invisible} were sent\u200b.\u202e\u202c")
    assert read_one(path).text == "Troops were sent."


def test_a_right_to_left_override_reads_as_displayed(tmp_path: Path) -> None:
    # the reader sees "10,000 soldiers (12)": deleting the controls would give "000,01"
    text = "Officials said \u202e(21) 000,01\u202c soldiers were sent.\nA \u202ehtron\nline."
    path = write(tmp_path / "a.txt", text)
    assert read_one(path).text == "Officials said 10,000 (12) soldiers were sent.\nA north\nline."
    [line] = read(write(tmp_path / "a.jsonl", json.dumps({"text": text})))
    assert isinstance(line, Article) and "10,000 (12) soldiers" in line.text


def test_controls_nested_in_an_override_are_refused_with_the_reason(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "They sent \u202e0\u20661\u2069 troops\u202c.")
    message = read_error(path).message
    assert "nested inside a right-to-left override" in message
    assert "remove the controls" in message


def test_text_is_nfc(tmp_path: Path) -> None:
    decomposed = "Cafe\u0301 owner said so."
    assert unicodedata.normalize("NFC", decomposed) != decomposed
    article = read_one(write(tmp_path / "a.txt", decomposed))
    assert article.text == "Caf\u00e9 owner said so."


def test_bom_crlf_and_cr(tmp_path: Path) -> None:
    text = "\ufeff---\r\nsource: X\r\n---\r\nHeadline\r\n\r\nLine one.\rLine two.\r\n"
    article = read_one(write(tmp_path / "a.txt", text))
    assert (article.source, article.title) == ("X", "Headline")
    assert article.text == "Line one.\nLine two."


def test_id_is_stable_and_follows_the_text(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "The same text.")
    first, second = read_one(path), read_one(path)
    assert first.id == second.id
    write(path, "A different text.")
    assert read_one(path).id != first.id


def test_article_passes_through_unchanged() -> None:
    article = Article.from_text("Given.", source="S")
    [item] = read(article)
    assert item is article


# -- directories ----------------------------------------------------------------------------


def test_directory_is_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    for name in ["b.txt", "a/z.text", "a/y.txt", "c.htm.bak", ".hidden.txt", "README.md"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        write(tmp_path / name, f"Text of {name}.")
    write(tmp_path / "0.jsonl", json.dumps({"text": "From JSONL."}) + "\n")
    items = read(tmp_path)
    assert all(isinstance(item, Article) for item in items)
    origins = [item.origin for item in items if isinstance(item, Article)]
    expected = ["0.jsonl:1", "a/y.txt", "a/z.text", "b.txt"]
    assert origins == [str(tmp_path / name) for name in expected]


def test_ten_thousand_small_files_stream(tmp_path: Path) -> None:
    for number in range(10_000):
        (tmp_path / f"{number:05d}.txt").write_text(f"Article number {number}.", "utf-8")
    started = time.perf_counter()
    items = read_articles([tmp_path], Settings())
    first = next(items)
    assert isinstance(first, Article) and first.text == "Article number 0."
    count = 1 + sum(1 for item in items if isinstance(item, Article))
    assert count == 10_000
    assert time.perf_counter() - started < 10


# -- cases a review found (each failed before its fix) ----------------------------------


def test_one_path_given_by_itself_is_one_input(tmp_path: Path) -> None:
    """Not a sequence of one-character paths ("/" would walk the whole file system)."""
    (tmp_path / "a.txt").write_text("The mayor of Tessel said the bridge will reopen in May.\n")
    for given in (str(tmp_path), tmp_path):
        found = list(read_articles(given, Settings()))
        assert [type(item) for item in found] == [Article]


def test_a_second_text_under_an_article_id_is_an_error_and_a_copy_is_read_once(
    tmp_path: Path,
) -> None:
    """Claim ids come from the article id: two texts under one id would lose claims."""
    feed = tmp_path / "feed.jsonl"
    lines = [
        {"id": "x", "text": "The mayor of Tessel said the bridge will reopen in May."},
        {"id": "x", "text": "Norland's premier said the talks failed on Monday."},
        {"id": "x", "text": "The mayor of Tessel said the bridge will reopen in May."},
        {"id": "x", "text": "The mayor of Tessel said the bridge will reopen in May.",
         "source": "Wire B"},
    ]  # fmt: skip
    feed.write_text("".join(json.dumps(line) + "\n" for line in lines))
    found = read(feed)
    assert [type(item) for item in found] == [Article, ArticleError, ArticleError]
    error = found[1]
    assert isinstance(error, ArticleError)
    assert error.message == f"duplicate article id 'x', first read from {feed}:1"
    assert error.origin == f"{feed}:2"


def test_an_output_in_an_input_folder_is_found_whatever_the_case_of_its_suffix(
    tmp_path: Path,
) -> None:
    """The folder walk reads ".JSONL" as ".jsonl"; the check that refuses such an output
    must too. Hidden places and other suffixes are never read."""
    from extractor.ingest.articles import read_back_as_input

    folder = tmp_path / "feeds"
    folder.mkdir()
    assert read_back_as_input(folder / "claims.JSONL", [folder]) == str(folder)
    assert read_back_as_input(folder / "sub" / "report.html", [folder]) == str(folder)
    assert read_back_as_input(folder / ".out" / "claims.jsonl", [folder]) is None
    assert read_back_as_input(folder / "comparison.json", [folder]) is None
    assert read_back_as_input(tmp_path / "claims.jsonl", [folder]) is None
