"""A small corpus and job files for the tests of the store and runs.

They run against the one fake server, :class:`extractor.testing.FakeCompletionServer`: it
answers instantly and deterministically, counts the requests and keeps the sentences it was
asked about, so a test can prove that a rerun made no model call. Each corpus article has
three candidate sentences, so costs three requests.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

#: three checkable sentences per article (numbers, attributions, named actors)
_TEMPLATES = (
    "The defence ministry of {place} said {n} soldiers arrived in Kursk on Monday.",
    "Officials in {place} confirmed that {m} civilians were evacuated from the border.",
    "According to the governor, {k} homes in {place} were damaged by shelling last week.",
)
PLACES = ("Norland", "Estavia", "Valmora", "Tessel", "Marlow", "Kinross", "Dunmere", "Orsk")


def article_text(number: int) -> str:
    """The body of corpus article ``number``: three candidate sentences."""
    place = PLACES[number % len(PLACES)]
    values = {"place": place, "n": 1000 + number, "m": 200 + number, "k": 30 + number}
    return " ".join(template.format(**values) for template in _TEMPLATES)


def write_corpus(directory: Path, count: int) -> list[Path]:
    """Write ``count`` articles from two outlets as text files with front matter."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        source = "Wire A" if number % 2 == 0 else "Wire B"
        path = directory / f"article_{number:02d}.txt"
        path.write_text(
            f"---\nsource: {source}\npublished: 2024-11-{number + 1:02d}\n---\n"
            + article_text(number)
            + "\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def sentence_settings(base_url: str, **overrides: Any) -> dict[str, Any]:
    """Settings for the sentence strategy on the fake server (no judge: the fake cannot)."""
    return {
        "backend": "openai",
        "strategy": "sentence",
        "base_url": base_url,
        "model": "fake-gemma",
        "judge": False,
        "max_retries": 0,
        **overrides,
    }


def write_job(
    path: Path, *, inputs: list[Path], store: Path, settings: dict[str, Any], prune: bool = False
) -> Path:
    """A job file for the fake server, comparing with the fast lexical embedder."""
    lines = [
        f"inputs = {json.dumps([str(p) for p in inputs])}",
        f"store = {json.dumps(str(store))}",
        'embedder = "lexical"',
        f"prune = {'true' if prune else 'false'}",
        "",
        "[settings]",
        *(f"{key} = {json.dumps(value)}" for key, value in settings.items()),
        "",
        "[outputs]",
        f"dir = {json.dumps(str(path.parent / 'out'))}",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def articles_done(store: Path) -> int:
    """How many articles a store marks done, read from another process's view of the file
    (0 while the store does not exist yet or is being created)."""
    try:
        with closing(sqlite3.connect(store, timeout=1.0)) as db:
            return int(db.execute("SELECT count(*) FROM extractions").fetchone()[0])
    except sqlite3.Error:
        return 0
