"""How ``extractor.compare`` scales: synthetic claims, 10k to 100k, time and peak memory.

::

    PYTHONPATH=. python benchmarks/compare_scale.py              # lexical embedder
    PYTHONPATH=. python benchmarks/compare_scale.py --semantic   # MiniLM (much slower): also
                                                                 # the embedding alone, and
                                                                 # compare's time over it
    PYTHONPATH=. python benchmarks/compare_scale.py --sizes 1000 2000
    PYTHONPATH=. python benchmarks/compare_scale.py --syndicated   # one wire story, n outlets
    PYTHONPATH=. python benchmarks/compare_scale.py --incremental --sizes 100000

Claims are generated from a seed: facts (an actor doing something to a number of things
in a place) reported by several outlets in several sentence shapes, with hedges
("about", "as many as", "nearly"), some different numbers, some denials and "has not
confirmed"; only ``article_id``, ``text``, ``quote`` and ``speaker`` are filled, so the
run includes parsing quantities and stance. Each size runs in a fresh process; memory is
the peak resident set size of that process (``ru_maxrss``) and its growth over the
resident size just before ``compare`` was called. A ratio near 2.0 for a doubling of
claims (2.5 for 20k to 50k) means cost grows linearly.

``--incremental`` is a scheduled run's case: a store holding the comparison of n claims
(stored as extraction stores them, quantities and stance read) gets 1% more (new reports
about the same facts, in new articles); the run compares only
those and the clusters they touch (``extractor.runs.comparisons.update_comparison``). It
prints the time of the incremental comparison, of a full recompute of the same store
right after, their ratio (target <= 5 %), what the incremental one did, and how alike
the clusterings are: pairwise F1 of the incremental clusters against the full recompute's,
beside the F1 of the full comparison of the n claims against the full recompute of n + 1 %
(over the n): how much a full recompute itself moves when 1 % more claims come.

``--syndicated`` is the worst case for a cluster's pairwise checks: one sentence carried
word for word by n outlets (1,000 to 20,000), plus a second figure from two agencies, all
in one cluster. Time per claim should stay flat as n grows.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from datetime import date, timedelta

from extractor.models import Article, Claim

SIZES = (10_000, 20_000, 50_000, 100_000)
_SYLLABLES = (
    "ka lo ver mi sta dor an bel ru tis no ga lem pra vin zo har el dun sko bre ti mar gul"
).split()
_UNITS = (
    "troops soldiers drones shells tanks missiles refugees homes civilians workers "
    "containers vehicles"
).split()
_VERBS = ("sent to", "moved to", "destroyed in", "evacuated from", "captured in", "fired at")
_SPEAKERS = (
    "the defence ministry",
    "officials",
    "the governor",
    "a military source",
    "the army",
    "police",
    "the foreign ministry",
    "analysts",
)
_HEDGES = ("", "", "", "about ", "as many as ", "nearly ", "at least ", "up to ")
_SHAPES = (
    "{Speaker} said {hedge}{number} {unit} were {verb} {place} by {actor}.",
    "{Actor} has {verb_past} {hedge}{number} {unit} {prep} {place}, according to {speaker}.",
    "According to {speaker}, {hedge}{number} {unit} were {verb} {place} on {day}.",
    "{Hedge}{number} {unit} were {verb} {place} by {actor}, {speaker} told reporters.",
    "{Speaker} denied reports that {number} {unit} were {verb} {place} by {actor}.",
    "{Actor} has not confirmed that {hedge}{number} {unit} were {verb} {place}.",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()


def synthetic(n: int, seed: int = 0) -> tuple[list[Claim], list[Article]]:
    """``n`` claims about ``n // 6`` facts from 300 outlets, and their articles' metadata."""
    rng = random.Random(seed)
    outlets = [
        f"{_name(rng, 2)} {rng.choice(['Times', 'Post', 'News', 'Herald'])}" for _ in range(300)
    ]
    facts = []
    for _ in range(max(1, n // 6)):
        facts.append(
            {
                "place": _name(rng, rng.choice([3, 4])),
                "actor": _name(rng, rng.choice([2, 3])) + rng.choice(["ia", "land", "stan"]),
                "unit": rng.choice(_UNITS),
                "verb": rng.choice(_VERBS),
                "number": rng.choice([1, 2, 5, 10, 12, 15, 20, 25, 30, 50])
                * 10 ** rng.randint(1, 4),
            }
        )
    start = date(2024, 1, 1)
    articles: dict[str, Article] = {}
    claims = []
    for _ in range(n):
        fact = rng.choice(facts)
        outlet = rng.choice(outlets)
        published = start + timedelta(days=rng.randint(0, 365))
        article_id = f"{outlet}|{published.isoformat()}".replace(" ", "-")
        articles.setdefault(
            article_id, Article(id=article_id, source=outlet, published=published, text="")
        )
        number = int(fact["number"])
        if rng.random() < 0.25:  # another outlet's figure
            number = int(number * rng.choice([0.5, 0.8, 1.2, 1.5, 2.0]))
        verb = str(fact["verb"])
        speaker = rng.choice(_SPEAKERS)
        hedge = rng.choice(_HEDGES)
        shape = rng.choices(_SHAPES, weights=(5, 4, 4, 4, 1, 1))[0]
        text = shape.format(
            Speaker=speaker.capitalize(),
            speaker=speaker,
            hedge=hedge,
            Hedge=hedge.capitalize(),
            number=f"{number:,}",
            unit=fact["unit"],
            verb=verb,
            verb_past=verb.split()[0],
            prep=verb.split()[1],
            place=fact["place"],
            actor=fact["actor"],
            Actor=fact["actor"],
            day=rng.choice(_DAYS),
        )
        text = text[0].upper() + text[1:]
        claims.append(Claim(article_id=article_id, text=text, quote=text, speaker=speaker))
    return claims, list(articles.values())


def syndicated(n: int) -> tuple[list[Claim], list[Article]]:
    """One wire sentence carried by ``n`` outlets, and another figure from two agencies."""
    day = date(2024, 10, 25)
    outlets = [
        Article(id=f"outlet-{k}", source=f"Outlet {k}", published=day, text="") for k in range(n)
    ]
    agencies = [
        Article(id=f"agency-{k}", source=f"Agency {k}", published=day, text="") for k in range(2)
    ]
    wire = "North Korea has sent 10,000 troops to Russia, officials said."
    other = "North Korea has sent 12,000 troops to Russia, officials said."
    claims = [Claim(article_id=a.id, text=wire, quote=wire, speaker="author") for a in outlets]
    claims += [Claim(article_id=a.id, text=other, quote=other, speaker="author") for a in agencies]
    return claims, outlets + agencies


def run_syndicated(sizes: list[int]) -> None:
    """Time ``compare`` on :func:`syndicated` claims of each size (lexical embedder)."""
    from extractor.compare import compare
    from extractor.compare.embeddings import HashingEmbedder

    print("compare() on one sentence syndicated by n outlets (one cluster), lexical embedder")
    print(f"{'outlets':>8} {'seconds':>8} {'us/claim':>9} {'relation':>20}")
    for n in sizes:
        claims, articles = syndicated(n)
        started = time.perf_counter()
        comparison = compare(claims, articles=articles, embedder=HashingEmbedder())
        seconds = time.perf_counter() - started
        relations = ",".join(sorted({c.relation.value for c in comparison.clusters}))
        print(f"{n:>8,} {seconds:>8.2f} {1e6 * seconds / len(claims):>9.0f} {relations:>20}")


def _store_claims(store: object, claims: list[Claim], articles: dict[str, Article]) -> None:
    """Save ``claims`` as extraction would: one result per article."""
    from extractor.models import ArticleResult

    by_article: dict[str, list[Claim]] = {}
    for claim in claims:
        by_article.setdefault(claim.article_id, []).append(claim)
    for article_id, members in by_article.items():
        result = ArticleResult(article=articles[article_id], claims=members)
        store.save_result(result, "benchmark", None)  # type: ignore[attr-defined]


def run_incremental(n: int, semantic: bool) -> dict[str, float]:
    """A store compared over ``n`` claims, then 1 % more compared incrementally."""
    import tempfile
    from pathlib import Path

    from extractor.compare.embeddings import Embedder, HashingEmbedder, MiniLMEmbedder
    from extractor.language.quantities import parse_quantities
    from extractor.language.stance import detect_stance
    from extractor.runs.comparisons import update_comparison
    from extractor.runs.store import Store

    new = max(1, n // 100)
    claims, articles = synthetic(n + new)
    # stored as extraction stores them: quantities and stance read from the quote
    claims = [
        c.model_copy(
            update={"quantities": parse_quantities(c.quote), "stance": detect_stance(c.quote)}
        )
        for c in claims
    ]
    meta = {a.id: a for a in articles}
    fresh = []
    for claim in claims[n:]:  # later reports of the same facts, in articles of their own
        article = meta[claim.article_id]
        later = article.model_copy(update={"id": article.id + "+later"})
        meta[later.id] = later
        fresh.append(claim.model_copy(update={"article_id": later.id}))
    embedder: Embedder = MiniLMEmbedder() if semantic else HashingEmbedder()
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "store.sqlite") as store:
        _store_claims(store, claims[:n], meta)
        first = update_comparison(store, embedder=embedder)
        before = _partition(store)
        _store_claims(store, fresh, meta)
        started = time.perf_counter()
        step = update_comparison(store, embedder=embedder)
        step_seconds = time.perf_counter() - started
        started = time.perf_counter()
        stepped = _partition(store)
        read_seconds = time.perf_counter() - started
        started = time.perf_counter()
        full = update_comparison(store, embedder=embedder, full=True)
        full_seconds = time.perf_counter() - started
        recomputed = _partition(store)
    assert first.work.mode == full.work.mode == "full" and step.work.mode == "incremental"
    old = {c.id for c in claims[:n]}
    return {
        "claims": n,
        "new": new,
        "full_seconds": full_seconds,
        "incremental_seconds": step_seconds,
        "read_seconds": read_seconds,
        "embedded": step.work.claims_embedded,
        "touched": len(step.before),
        "redecided": step.work.clusters_redecided,
        "clusters": len(set(recomputed.values())),
        "f1_vs_full": _pair_f1(stepped, recomputed, set(recomputed)),
        "f1_full_vs_full": _pair_f1(before, recomputed, old),
    }


def _partition(store: object) -> dict[str, frozenset[str]]:
    """Claim id -> the ids of its cluster (duplicates included), from a store."""
    comparison = store.latest_comparison()  # type: ignore[attr-defined]
    found: dict[str, frozenset[str]] = {}
    for cluster in comparison.clusters:
        ids = frozenset(i for m in cluster.members for i in (m.claim_id, *m.duplicates))
        found.update(dict.fromkeys(ids, ids))
    return found


def _pair_f1(
    left: dict[str, frozenset[str]], right: dict[str, frozenset[str]], ids: set[str]
) -> float:
    """Pairwise F1 of two partitions over ``ids``: how alike two clusterings are."""

    def pairs(partition: dict[str, frozenset[str]]) -> set[tuple[str, str]]:
        groups = {partition[i] for i in ids}
        found: set[tuple[str, str]] = set()
        for group in groups:
            members = sorted(group & ids)
            found.update((a, b) for k, a in enumerate(members) for b in members[k + 1 :])
        return found

    a, b = pairs(left), pairs(right)
    both = len(a & b)
    precision, recall = both / max(1, len(a)), both / max(1, len(b))
    return 2 * precision * recall / max(1e-9, precision + recall)


def print_incremental(sizes: list[int], semantic: bool) -> None:
    """One process per size; the full and incremental comparison side by side."""
    embedder = "MiniLM" if semantic else "lexical (hashing)"
    print(f"incremental comparison in a store, {embedder} embedder, 1 % new claims")
    print(
        f"{'claims':>8} {'new':>6} {'full s':>8} {'incr. s':>8} {'ratio':>7} "
        f"{'touched':>8} {'redecided':>10} {'clusters':>9} {'read all s':>11} "
        f"{'F1 incr/full':>13} {'F1 full/full':>13}"
    )
    for n in sizes:
        command = [sys.executable, __file__, "--one-incremental", str(n)]
        if semantic:
            command.append("--semantic")
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        row = json.loads(done.stdout.strip().splitlines()[-1])
        ratio = row["incremental_seconds"] / row["full_seconds"]
        print(
            f"{row['claims']:>8,} {row['new']:>6,} {row['full_seconds']:>8.1f} "
            f"{row['incremental_seconds']:>8.2f} {ratio:>7.1%} {row['touched']:>8,} "
            f"{row['redecided']:>10,} {row['clusters']:>9,} {row['read_seconds']:>11.1f} "
            f"{row['f1_vs_full']:>13.3f} {row['f1_full_vs_full']:>13.3f}",
            flush=True,
        )


def _rss_mb() -> float:
    """The current resident set size in MiB (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def run_one(n: int, semantic: bool) -> dict[str, float]:
    """Generate ``n`` claims and compare them; the numbers for one size."""
    from extractor.compare import compare
    from extractor.compare.embeddings import Embedder, HashingEmbedder, MiniLMEmbedder
    from extractor.compare.facts import key_text

    claims, articles = synthetic(n)
    embedder: Embedder = MiniLMEmbedder() if semantic else HashingEmbedder()
    embed_seconds = 0.0
    if semantic:  # the embedding alone, of the very texts compare embeds, for the ratio
        embedder.encode(["warm up"])
        started = time.perf_counter()
        embedder.encode([key_text(c) for c in claims])
        embed_seconds = time.perf_counter() - started
    before = _rss_mb()
    started = time.perf_counter()
    comparison = compare(claims, articles=articles, embedder=embedder)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    multi = sum(1 for c in comparison.clusters if len(c.members) > 1)
    return {
        "claims": n,
        "seconds": seconds,
        "peak_mb": peak,
        "growth_mb": peak - before,
        "clusters": len(comparison.clusters),
        "multi": multi,
        "duplicates": comparison.duplicates,
        "embed_seconds": embed_seconds,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--semantic", action="store_true", help="embed with MiniLM")
    group.add_argument("--lexical", action="store_true", help="hashing embedder (default)")
    parser.add_argument("--sizes", type=int, nargs="+")
    parser.add_argument(
        "--syndicated", action="store_true", help="one sentence carried by many outlets"
    )
    parser.add_argument(
        "--incremental", action="store_true", help="1 %% new claims in a compared store"
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--one-incremental", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.syndicated:
        run_syndicated(args.sizes or [1_000, 5_000, 20_000])
        return
    if args.one_incremental:
        print(json.dumps(run_incremental(args.one_incremental, args.semantic)))
        return
    if args.incremental:
        print_incremental(args.sizes or [10_000, 100_000], args.semantic)
        return
    args.sizes = args.sizes or list(SIZES)
    if args.one:
        print(json.dumps(run_one(args.one, args.semantic)))
        return
    embedder = "MiniLM" if args.semantic else "lexical (hashing)"
    print(f"compare() scale benchmark, {embedder} embedder, one process per size")
    header = (
        f"{'claims':>8} {'seconds':>8} {'x time':>7} {'peak MiB':>9} {'growth MiB':>11} "
        f"{'x mem':>6} {'clusters':>9} {'multi':>7} {'dups':>6}"
        + (f" {'embed s':>8} {'x embed':>8}" if args.semantic else "")
    )
    print(header)
    previous: dict[str, float] | None = None
    for n in args.sizes:
        command = [sys.executable, __file__, "--one", str(n)]
        if args.semantic:
            command.append("--semantic")
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        row = json.loads(done.stdout.strip().splitlines()[-1])
        time_ratio = f"{row['seconds'] / previous['seconds']:.2f}" if previous else "-"
        mem_ratio = f"{row['growth_mb'] / previous['growth_mb']:.2f}" if previous else "-"
        print(
            f"{row['claims']:>8,} {row['seconds']:>8.1f} {time_ratio:>7} {row['peak_mb']:>9.0f} "
            f"{row['growth_mb']:>11.0f} {mem_ratio:>6} {row['clusters']:>9,} "
            f"{row['multi']:>7,} {row['duplicates']:>6,}"
            + (
                f" {row['embed_seconds']:>8.1f} {row['seconds'] / row['embed_seconds']:>8.2f}"
                if args.semantic
                else ""
            ),
            flush=True,
        )
        previous = row


if __name__ == "__main__":
    main()
