"""Memory stays flat while a large JSONL feed streams through ingest and segmentation.

::

    PYTHONPATH=. python benchmarks/memory_stream.py                    # 100k articles
    PYTHONPATH=. python benchmarks/memory_stream.py --no-segment       # ingest only (fast)
    PYTHONPATH=. python benchmarks/memory_stream.py --articles 20000 --checkpoints 2000 20000

A feed of small synthetic articles (three sentences, a number, a source, a date, one line
in fifty broken on purpose) is written to a temporary file, then read with
:func:`extractor.ingest.articles.read_articles`, each article split into sentences with
:func:`extractor.language.segment.split_sentences` and dropped, the way ``extract`` handles them. At
each checkpoint the peak resident set size (``ru_maxrss``) is printed; the last line is the
ratio of the peak at the last checkpoint to the peak at the first. A reader that keeps
nothing gives about 1.0; one that holds every article grows with the feed (about 10x from
10k to 100k articles).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from extractor.ingest.articles import read_articles
from extractor.language.segment import split_sentences
from extractor.models import Article
from extractor.settings import Settings

CHECKPOINTS = (10_000, 50_000, 100_000)
_PLACES = "Northfield Marlow Tessel Avonby Kestrel Dunmore Halvik Orsa".split()
_THINGS = "families troops homes schools drones workers".split()


def write_feed(path: Path, articles: int, seed: int = 0) -> int:
    """Write ``articles`` lines (one in fifty broken); returns the file's size in bytes."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as stream:
        for n in range(articles):
            if n % 50 == 49:
                stream.write('{"text": "a line cut off in the middle\n')
                continue
            place, thing = rng.choice(_PLACES), rng.choice(_THINGS)
            text = (
                f"Officials in {place} said {rng.randint(2, 90_000):,} {thing} were moved on "
                f"Monday. The council of {place} approved {rng.randint(1, 40)} million dollars "
                f"for repairs, according to the mayor. Article {n} ends here."
            )
            line = {"text": text, "source": f"Outlet {n % 17}", "published": "2024-10-23"}
            stream.write(json.dumps(line) + "\n")
    return path.stat().st_size


def peak_rss_mib() -> float:
    """The process's peak resident set size so far, in MiB (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 2**20


def stream(path: Path, checkpoints: list[int], segment: bool) -> list[tuple[int, float, float]]:
    """Read (and segment) the feed; (items, peak MiB, seconds) at each checkpoint."""
    rows: list[tuple[int, float, float]] = []
    began = time.perf_counter()
    items = articles = sentences = 0
    for item in read_articles([path], Settings()):
        items += 1
        if isinstance(item, Article):
            articles += 1
            if segment:
                sentences += len(split_sentences(item.text))
        if checkpoints and items == checkpoints[0]:
            checkpoints.pop(0)
            rows.append((items, peak_rss_mib(), time.perf_counter() - began))
            print(f"{items:>9,}  {rows[-1][1]:>10.1f}  {rows[-1][2]:>9.1f}", flush=True)
    print(f"({articles:,} articles, {items - articles:,} errors, {sentences:,} sentences)")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=CHECKPOINTS[-1])
    parser.add_argument("--checkpoints", type=int, nargs="+", default=list(CHECKPOINTS))
    parser.add_argument("--no-segment", action="store_true", help="ingest only")
    args = parser.parse_args()
    checkpoints = sorted(n for n in args.checkpoints if n <= args.articles)
    if not checkpoints:
        parser.error("give checkpoints no larger than --articles")
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "feed.jsonl"
        size = write_feed(path, args.articles)
        what = "ingest" if args.no_segment else "ingest + segmentation"
        print(f"{args.articles:,} articles, {size / 2**20:.1f} MiB of JSONL; {what}")
        print(f"peak RSS before reading: {peak_rss_mib():.1f} MiB (imports)")
        print(f"{'items':>9}  {'peak MiB':>10}  {'seconds':>9}")
        rows = stream(path, checkpoints, segment=not args.no_segment)
    if len(rows) >= 2:
        (first, low, _), (last, high, _) = rows[0], rows[-1]
        print(f"peak RSS at {last:,} / at {first:,}: {high / low:.2f} (flat is 1.0)")


if __name__ == "__main__":
    main()
