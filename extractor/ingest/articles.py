"""Reading articles: text files with front matter, JSONL, HTML, or :class:`Article` objects.

:func:`read_articles` is a generator: it reads one file (or one JSONL line) at a time and
yields an :class:`Article` or, for input that cannot be read, an :class:`ArticleError`.
Helpers raise :class:`InputError`; the generator turns each into an item, so one bad file
never stops the stream.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlparse

from ..errors import InputError
from ..models import Article, ArticleError
from ..settings import Settings
from .bidi import display_order

__all__ = ["SUFFIXES", "read_articles", "read_back_as_input"]

log = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".jsonl"}
FRONT_MATTER_KEYS = ("source", "url", "published", "title")
JSONL_KEYS = ("text", "source", "title", "url", "published", "id")

_SNIFF_BYTES = 8192
_TITLE_MAX_CHARS = 200
_SENTENCE_END = (".", "!", "?", ":", ";", "”", '"')
#: zero-width characters and bidi controls, removed from every text (override runs are first
#: put in their displayed order by ``_clean``)
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def read_articles(
    inputs: Iterable[str | os.PathLike[str] | Article] | str | os.PathLike[str],
    settings: Settings,
) -> Iterator[Article | ArticleError]:
    """Yield one article (or one error) per file, JSONL line or :class:`Article` in ``inputs``
    (one path by itself is one input, not a sequence of characters).

    Directories are walked recursively in sorted order, reading ``.txt``, ``.text``,
    ``.html``, ``.htm`` and ``.jsonl`` files and skipping hidden files and anything else.
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    first: dict[str, tuple[str, int]] = {}  # article id -> where it was read first, and what
    for item in _read_all(inputs, settings):
        if isinstance(item, Article):
            content = hash((item.source, item.text))
            if item.id in first:
                where, known = first[item.id]
                if known == content:  # the same article again (a copy of a file): read once
                    log.info("%s: the same article as %s; read once", item.origin, where)
                    continue
                # another text or outlet under the same id: their claims' ids would clash
                message = f"duplicate article id {item.id!r}, first read from {where}"
                yield _error(InputError(message), item.origin or item.id)
                continue
            first[item.id] = (item.origin or "an article given as an object", content)
        yield item


def read_back_as_input(
    output: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str] | Article]
) -> str | None:
    """The input that ``output`` would overwrite, or be read from as an article by the next
    read (a ``.jsonl`` output inside an input directory); ``None`` when it is neither."""
    target = Path(output).resolve()
    for item in inputs:
        if isinstance(item, Article):
            continue
        source = Path(item).resolve()
        if target == source:
            return str(item)
        if source.is_dir() and target.is_relative_to(source) and target.suffix.lower() in SUFFIXES:
            hidden = any(part.startswith(".") for part in target.relative_to(source).parts)
            if not hidden:
                return str(item)
    return None


def _read_all(
    inputs: Iterable[str | os.PathLike[str] | Article], settings: Settings
) -> Iterator[Article | ArticleError]:
    for item in inputs:
        if isinstance(item, Article):
            yield item
        elif os.path.isdir(item):
            yield from _read_dir(Path(item), settings)
        else:
            yield from _read_path(Path(item), settings)


def _read_dir(directory: Path, settings: Settings) -> Iterator[Article | ArticleError]:
    """Read the supported files under ``directory``, depth first, in sorted order."""
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError as exc:
        message = f"cannot list the directory: {exc.strerror or exc}"
        yield _error(InputError(message), str(directory))
        return
    for entry in entries:
        path = directory / entry.name
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _read_dir(path, settings)
        elif path.suffix.lower() in SUFFIXES:
            yield from _read_path(path, settings)


def _read_path(path: Path, settings: Settings) -> Iterator[Article | ArticleError]:
    """Read one file; every problem becomes an :class:`ArticleError` item."""
    origin = str(path)
    try:
        suffix = path.suffix.lower()
        size = path.stat().st_size
        if suffix == ".jsonl":
            yield from _read_jsonl(path, settings)
            return
        if suffix not in SUFFIXES:
            expected = ", ".join(sorted(SUFFIXES))
            raise InputError(f"unsupported file type {suffix or '(none)'!r}; expected {expected}")
        if size > settings.max_article_bytes:
            raise _too_large(size, settings.max_article_bytes)
        html = suffix in HTML_SUFFIXES
        text = _decode(path.read_bytes(), html=html)
        yield _from_html(text, path) if html else _from_text(text, path)
    except InputError as exc:
        yield _error(exc, origin)
    except FileNotFoundError:
        yield _error(InputError("no such file or directory; check the path"), origin)
    except OSError as exc:
        yield _error(InputError(f"cannot read the file: {exc.strerror or exc}"), origin)


def _read_jsonl(path: Path, settings: Settings) -> Iterator[Article | ArticleError]:
    """One article per JSON line; a broken line is an error item and the next lines go on."""
    limit = settings.max_article_bytes
    found = False
    with path.open("rb") as stream:
        _check_head(stream.read(_SNIFF_BYTES))
        stream.seek(0)
        for number, (raw, size) in enumerate(_lines(stream, limit), start=1):
            if size <= limit and not raw.strip():
                continue
            found = True
            origin = f"{path}:{number}"
            try:
                if size > limit:
                    raise _too_large(size, limit)
                if number == 1:
                    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 BOM (Windows editors)
                yield _from_json(raw, path, origin)
            except InputError as exc:
                yield _error(exc, origin, line=number)
    if not found:
        raise InputError("the file contains only whitespace; give one JSON object per line")


def _lines(stream: BinaryIO, limit: int) -> Iterator[tuple[bytes, int]]:
    """Each line with its size in bytes; a line over ``limit`` is skipped unread (``b""``)."""
    while raw := stream.readline(limit + 1):
        if len(raw) <= limit or raw.endswith(b"\n"):
            yield raw, len(raw)
            continue
        size = len(raw)
        while not raw.endswith(b"\n") and (raw := stream.readline(limit + 1)):
            size += len(raw)
        yield b"", size


def _from_text(text: str, path: Path) -> Article:
    """A ``.txt`` article: optional front matter, an optional title line, then the body."""
    meta, body = _front_matter(text)
    title, body = _split_title(body)
    if not body:
        raise InputError("no article text after the front matter; add the text or remove the file")
    meta.setdefault("title", title)
    meta["published"] = _parse_date(meta.get("published"), "published")
    return _article(body, meta, path, str(path))


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split ``---`` front matter (``key: value`` lines) from the rest of ``text``."""
    lines = text.split("\n")
    if lines[0] != "---":
        return {}, text
    meta: dict[str, Any] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return meta, "\n".join(lines[number:])
        if not line.strip():
            continue
        key, colon, value = (part.strip() for part in line.partition(":"))
        if not colon:
            raise InputError(f"front matter line {number} is not 'key: value': {line!r}")
        if key not in FRONT_MATTER_KEYS:
            allowed = ", ".join(FRONT_MATTER_KEYS)
            raise InputError(f"unknown front matter key {key!r} on line {number}; use {allowed}")
        quoted = len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'"
        meta[key] = value[1:-1] if quoted else value
    raise InputError("front matter has no closing '---' line; close it or remove the first line")


def _split_title(body: str) -> tuple[str | None, str]:
    """Take off a headline: a short first line, then a blank line, without end punctuation."""
    first, newline, rest = body.lstrip().partition("\n")
    first = first.strip()
    is_title = bool(
        newline
        and not rest.partition("\n")[0].strip()
        and rest.strip()
        and len(first) <= _TITLE_MAX_CHARS
        and not first.endswith(_SENTENCE_END)
    )
    return (first, rest.strip()) if is_title else (None, body.strip())


def _from_json(raw: bytes, path: Path, origin: str) -> Article:
    """One JSONL line: an object with ``text`` and optional metadata (``id`` kept as given)."""
    try:
        data = json.loads(_utf8(raw))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON ({exc.msg} at column {exc.colno}); write one JSON object per line"
        ) from None
    except RecursionError:
        raise InputError("JSON nested too deeply; write one flat JSON object per line") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        reason = str(exc).partition(":")[0]
        raise InputError(f"unusable JSON ({reason}); write one JSON object per line") from None
    if not isinstance(data, dict):
        raise InputError(f"expected a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - set(JSONL_KEYS))
    if unknown:
        raise InputError(f"unknown key(s) {', '.join(unknown)}; use {', '.join(JSONL_KEYS)}")
    meta: dict[str, Any] = {key: _optional_str(data, key) for key in JSONL_KEYS}
    text = meta.pop("text")
    if not text or not text.strip():
        raise InputError("missing or empty 'text'; every line needs the article text")
    meta["published"] = _parse_date(data.get("published"), "published")
    given_id = meta.pop("id")
    article = _article(text, meta, path, origin)
    return article.model_copy(update={"id": given_id}) if given_id else article


def _from_html(html: str, path: Path) -> Article:
    """An HTML page: main text and metadata by trafilatura (scripts and styles dropped)."""
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    text = trafilatura.extract(
        html, output_format="txt", include_comments=False, include_tables=False
    )
    if not text or not text.strip():
        raise InputError("no main text found in the HTML; save the article page or its text")
    found = trafilatura.extract_metadata(html)  # None when the page has no usable head
    meta: dict[str, Any] = {}
    if found is not None:
        meta = {"source": found.sitename, "title": found.title, "url": found.url}
        with contextlib.suppress(InputError):
            meta["published"] = _parse_date(found.date, "date")
    return _article(text, meta, path, str(path))


def _article(text: str, meta: dict[str, Any], path: Path, origin: str) -> Article:
    """Build the article from cleaned text; ``source`` defaults to the url's host, then the stem.

    ``meta`` holds ``source``, ``title``, ``url`` and ``published``, each optional.
    """
    url, title = meta.get("url") or None, meta.get("title")
    if title:
        title = unicodedata.normalize("NFC", _clean(title)).strip() or None
    text = _clean(text).strip()
    if not text:  # e.g. nothing but zero-width characters
        raise InputError("no article text, only invisible characters; give the article text")
    return Article.from_text(
        text,
        source=meta.get("source") or (url and urlparse(url).hostname) or path.stem,
        title=title,
        url=url,
        published=meta.get("published"),
        origin=origin,
    )


def _decode(data: bytes, *, html: bool = False) -> str:
    """The cleaned text of a whole file, refusing empty, binary and non-UTF-8 content.

    An HTML page is cleaned after its text is extracted: a bidi run is displayed within its
    block of text, not across the markup.
    """
    _check_head(data[:_SNIFF_BYTES])
    nul = data.find(b"\0")
    if nul != -1:
        raise InputError(f"binary content (a NUL byte at byte offset {nul}); give UTF-8 text")
    text = _utf8(data)
    text = _newlines(text) if html else _clean(text)
    if not text.strip():
        raise InputError("the file contains only whitespace; give it the article text")
    return text


def _check_head(head: bytes) -> None:
    """Refuse an empty file, UTF-16/32 text, or a binary file (a NUL byte in its first bytes)."""
    if not head:
        raise InputError("empty file; give it the article text")
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        raise InputError(
            "UTF-16 or UTF-32 text (it starts with a byte-order mark); re-encode the file as "
            "UTF-8 (e.g. iconv -f utf-16 -t utf-8)"
        )
    if b"\0" in head:
        raise InputError("binary file (a NUL byte in the first 8 KiB); give UTF-8 text")


def _utf8(data: bytes) -> str:
    """Decode UTF-8, naming the byte offset of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not valid UTF-8 at byte offset {exc.start}; re-encode the file as UTF-8 "
            "(e.g. iconv -f latin1 -t utf-8)"
        ) from None


def _clean(text: str) -> str:
    """Normalise line ends to LF, drop zero-width characters (and a BOM), and write
    right-to-left override runs in the order they are displayed, without bidi controls
    (:func:`~extractor.ingest.bidi.display_order`: the numbers are the ones a reader sees)."""
    text = _newlines(text)
    try:
        text = display_order(text)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    return text.translate(_INVISIBLE)


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _parse_date(value: object, key: str) -> date | None:
    """An ISO date, or the date of an ISO datetime; None stays None."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).date()
        except ValueError:
            pass
    raise InputError(f"bad date {value!r} for {key!r}; use an ISO date such as 2024-10-23")


def _optional_str(data: dict[str, Any], key: str) -> str | None:
    """``data[key]`` when it is a string, None when absent or null."""
    value = data.get(key)
    if value is None:
        return value
    if not isinstance(value, str):
        raise InputError(f"{key!r} must be a string, not {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:  # "\ud800": valid JSON, but no character at all
        raise InputError(
            f"{key!r} holds an unpaired surrogate escape at character {exc.start}; "
            "write the text as UTF-8, or escape whole surrogate pairs"
        ) from None
    return value


def _too_large(size: int, limit: int) -> InputError:
    """The error for an article over ``settings.max_article_bytes``."""
    return InputError(
        f"article is {size} bytes, over the limit of {limit} bytes; split it, "
        "or raise the limit with EXTRACTOR_MAX_ARTICLE_BYTES"
    )


def _error(exc: InputError, origin: str, line: int | None = None) -> ArticleError:
    """The stream item for an input that could not be read."""
    return ArticleError(kind=exc.kind, message=str(exc), origin=origin, line=line)
