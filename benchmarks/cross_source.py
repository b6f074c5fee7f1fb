"""Cross-source clustering on data nobody here wrote: ECB+ event coreference.

::

    PYTHONPATH=. python benchmarks/cross_source.py                 # development topics
    PYTHONPATH=. python benchmarks/cross_source.py --split train   # the 8 training topics
    PYTHONPATH=. python benchmarks/cross_source.py --split all     # all 11 topics here
    PYTHONPATH=. python benchmarks/cross_source.py --lexical       # hashing embedder
    PYTHONPATH=. python benchmarks/cross_source.py --data DIR      # another ECB+ folder

Reads ``../shared/data/ecbplus/`` at run time (its README gives the format) and stops with a
clear message when it is absent. Per topic, both sub-topics together (two different
incidents of one kind: two jewellery heists, two earthquakes), every annotated sentence
that holds an event mention becomes one claim ``Claim(article_id=doc, text=sentence,
quote=sentence, speaker="author")``, each document its own source. Sentences are rebuilt
from the CoNLL tokens.

Scored, over pairs of claims from *different* documents, at two granularities:

* **sentence** (the first table) -- a gold pair is two sentences that mention one event
  chain, *any* of them. Nearly every annotated sentence mentions several events of its
  incident ("rammed their car into a store ..., making off with ..."), so this gold is
  not transitive and is close to "the same incident": one cluster per sub-topic scores
  F1 0.88 on the development topics, and no partition of sentences can reach 1.0.
* **main event** (the second table) -- a gold pair is two sentences whose *main* event is
  one chain: the event mention whose head is highest in the sentence's dependency parse
  (spaCy, over the CoNLL tokens), a reporting verb ("said") only when it is the sentence's
  sole event. This is what one claim states, what ``compare`` clusters (a fact), and a
  partition, so 1.0 is reachable. Sentences whose main event is a singleton chain have no
  gold partner.

For each: **P / R / F1** (a predicted pair is two claims in one cluster, duplicates
included) and **merged incidents**, the share of predicted pairs that join the two
sub-topics, i.e. two different incidents put in one cluster (lower is better).

Systems in the same run: ``extractor.compare`` keying on each sentence (*compare*), and on
the proposition the language layer gives it, each document analysed as ``extract``
analyses an article (*compare, props*: the path extracted claims take); *one cluster per
topic*; *embeddings
alone* (the same embedder, pairs at or above compare's link threshold joined by
union-find, no rules); and, as ceilings rather than systems, *gold incidents* (one
cluster per sub-topic, read from the gold) and *gold main events* (one cluster per main
event: a perfect fact clustering, which scores F1 0.50 at sentence level on the
development topics). Rows are per topic, then micro-averaged over
all pairs. ``--split train`` runs the training topics here, on which thresholds are
chosen; the development topics (the default) are reported.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from spacy.tokens import Doc

from extractor import CompareOptions, compare
from extractor.compare.clustering import neighbour_pairs
from extractor.compare.embeddings import Embedder, HashingEmbedder, default_embedder
from extractor.language import analyze, load_pipeline
from extractor.language.segment import Sentence as Segment
from extractor.models import Article, Claim

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "ecbplus"
#: the development topics of the usual split (Cybulska & Vossen 2015) that are here
DEV_TOPICS = ("12", "18", "21")
#: a reporting event ("said") is a sentence's main event only when it has no other
_REPORTING = "ACTION_REPORTING"

_SPACE_BEFORE = re.compile(r" (?=[.,;:!?%)\]}]|'s\b|n't\b|'re\b|'ve\b|'ll\b|'d\b|'m\b)")
_SPACE_AFTER = re.compile(r"(?<=[(\[{$]) ")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One annotated sentence: its document, sub-topic, text and gold event chains."""

    doc: str  #: the CoNLL document key, "12/12ecb/10"
    subtopic: str  #: "12ecb" or "12ecbplus"
    text: str
    chains: frozenset[str]
    #: the chain of the sentence's main event (see the module docstring)
    main: str = ""
    #: what the language layer says the sentence states (its document read as a whole)
    proposition: str = ""


@dataclass(slots=True)
class Score:
    """Pair counts over cross-document pairs."""

    true_pairs: int = 0
    predicted: int = 0
    gold: int = 0
    merged_incidents: int = 0
    clusters: list[int] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.true_pairs += other.true_pairs
        self.predicted += other.predicted
        self.gold += other.gold
        self.merged_incidents += other.merged_incidents
        self.clusters += other.clusters

    def row(self) -> str:
        p = self.true_pairs / self.predicted if self.predicted else 0.0
        r = self.true_pairs / self.gold if self.gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        merged = self.merged_incidents / self.predicted if self.predicted else 0.0
        return f"{p:>6.3f} {r:>6.3f} {f1:>6.3f} {merged:>8.1%} {len(self.clusters):>9}"


def detokenize(tokens: Iterable[str]) -> str:
    """Tokens joined as prose: no space before punctuation and clitics, none after "(" or "$"."""
    return _SPACE_AFTER.sub("", _SPACE_BEFORE.sub("", " ".join(tokens)))


def _conll_sentences(path: Path) -> dict[tuple[str, int], list[str]]:
    sentences: dict[tuple[str, int], list[str]] = defaultdict(list)
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 4 and not line.startswith("#"):
                sentences[(parts[0], int(parts[1]))].append(parts[3])
    return sentences


def _selected(data: Path) -> set[tuple[str, int]]:
    """(document key, sentence id) of the sentences annotated for coreference."""
    selected = set()
    with (data / "ECBplus_coreference_sentences.csv").open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            match = re.fullmatch(r"(\d+)(ecb(?:plus)?)", row["File"].strip())
            if match is None:
                continue
            topic = row["Topic"].strip()
            key = f"{topic}/{topic}{match.group(2)}/{match.group(1)}"
            selected.add((key, int(row["Sentence Number"])))
    return selected


def _depth(token: Any) -> int:
    depth = 0
    while token.head.i != token.i:
        token, depth = token.head, depth + 1
    return depth


def main_event(tokens: list[str], mentions: Sequence[dict[str, Any]], nlp: Any) -> str:
    """The chain of the mention whose head is highest in the parse of ``tokens`` (the
    earliest of equals); reporting events only when nothing else is mentioned."""
    doc = nlp(Doc(nlp.vocab, words=tokens))
    events = [m for m in mentions if m["mention_full_type"] != _REPORTING] or list(mentions)
    best = min(
        events, key=lambda m: (_depth(doc[int(m["mention_head_id"])]), int(m["mention_head_id"]))
    )
    return str(best["coref_chain"])


def _propositions(tokens: dict[tuple[str, int], list[str]], doc: str, nlp: Any) -> dict[int, str]:
    """Each sentence of document ``doc`` (by sentence id) with what the language layer
    reads it to state, the whole document analysed as ``extract`` analyses an article
    (one sentence a line: the CoNLL sentences are the segmentation)."""
    ids = sorted(i for d, i in tokens if d == doc)
    lines = [detokenize(tokens[(doc, i)]) for i in ids]
    text, spans, at = "\n".join(lines), [], 0
    for line in lines:
        spans.append(Segment(at, at + len(line), line))
        at += len(line) + 1
    analysis = analyze(text, nlp, spans)
    return {i: s.proposition for i, s in zip(ids, analysis.sentences, strict=True)}


def load_topic(data: Path, topic: str, selected: set[tuple[str, int]], nlp: Any) -> list[Sentence]:
    """The chain-anchored, annotated sentences of both sub-topics of ``topic``."""
    out: list[Sentence] = []
    for subtopic in (f"{topic}ecb", f"{topic}ecbplus"):
        folder = data / "topics" / subtopic
        tokens = _conll_sentences(folder / f"{subtopic}.conll")
        mentions = json.loads((folder / f"event_mentions_{subtopic}.json").read_text("utf-8"))
        by_sentence: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
        for mention in mentions:
            by_sentence[(mention["conll_doc_key"], int(mention["sent_id"]))].append(mention)
        stated: dict[str, dict[int, str]] = {}
        for key in sorted(by_sentence, key=lambda k: (k[0], k[1])):
            if key in selected and key in tokens:
                found = by_sentence[key]
                chains = frozenset(str(m["coref_chain"]) for m in found)
                main = main_event(tokens[key], found, nlp)
                if key[0] not in stated:
                    stated[key[0]] = _propositions(tokens, key[0], nlp)
                text = detokenize(tokens[key])
                proposition = stated[key[0]][key[1]]
                out.append(Sentence(key[0], subtopic, text, chains, main, proposition))
    return out


def _claims(
    sentences: Sequence[Sentence], *, propositions: bool = False
) -> tuple[list[Claim], list[Article]]:
    claims = [
        Claim(
            article_id=s.doc,
            text=s.text,
            quote=s.text,
            speaker="author",
            proposition=s.proposition if propositions else None,
        )
        for s in sentences
    ]
    docs = dict.fromkeys(s.doc for s in sentences)
    return claims, [Article(id=doc, source=doc, text="") for doc in docs]


def score(sentences: Sequence[Sentence], labels: Sequence[int], *, main: bool = False) -> Score:
    """Pairwise counts of a clustering (``labels[i]`` of ``sentences[i]``): gold pairs
    share any chain, or with ``main`` the main event's chain."""
    result = Score(clusters=sorted(set(labels)))
    for i in range(len(sentences)):
        a = sentences[i]
        for j in range(i + 1, len(sentences)):
            b = sentences[j]
            if a.doc == b.doc:
                continue
            same = labels[i] == labels[j]
            gold = a.main == b.main if main else bool(a.chains & b.chains)
            result.gold += gold
            result.predicted += same
            result.true_pairs += same and gold
            result.merged_incidents += same and a.subtopic != b.subtopic
    return result


def by_compare(
    sentences: Sequence[Sentence],
    embedder: Embedder,
    options: CompareOptions,
    *,
    propositions: bool = False,
) -> list[int]:
    """Labels from ``extractor.compare`` (a duplicate takes its kept claim's cluster); with
    ``propositions``, the claims carry the language layer's proposition, as extracted
    claims do, and compare keys on it."""
    claims, articles = _claims(sentences, propositions=propositions)
    comparison = compare(claims, articles=articles, embedder=embedder, options=options)
    cluster_of: dict[str, int] = {}
    for number, cluster in enumerate(comparison.clusters):
        for member in cluster.members:
            for claim_id in (member.claim_id, *member.duplicates):
                cluster_of[claim_id] = number
    return [cluster_of[c.id] for c in claims]


def by_topic(sentences: Sequence[Sentence]) -> list[int]:
    """Baseline: one cluster per topic."""
    return [0] * len(sentences)


def by_incident(sentences: Sequence[Sentence]) -> list[int]:
    """Ceiling, not a system: one cluster per sub-topic (the gold incidents)."""
    names = {name: n for n, name in enumerate(dict.fromkeys(s.subtopic for s in sentences))}
    return [names[s.subtopic] for s in sentences]


def by_main_event(sentences: Sequence[Sentence]) -> list[int]:
    """Ceiling, not a system: one cluster per main event (a perfect fact clustering)."""
    names = {name: n for n, name in enumerate(dict.fromkeys(s.main for s in sentences))}
    return [names[s.main] for s in sentences]


def by_embeddings(
    sentences: Sequence[Sentence], embedder: Embedder, options: CompareOptions
) -> list[int]:
    """Baseline: embedding neighbours at compare's link threshold, joined by union-find."""
    vectors = embedder.encode([s.text for s in sentences])
    threshold = options.thresholds(embedder.kind).plain_link
    pairs = neighbour_pairs(vectors, k=options.neighbours, floor=threshold)
    parent = list(range(len(sentences)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(pairs.left.tolist(), pairs.right.tolist(), strict=True):
        parent[find(i)] = find(j)
    return [find(i) for i in range(len(sentences))]


def _topics(data: Path, split: str) -> list[str]:
    here = sorted(
        {p.name.removesuffix("ecbplus").removesuffix("ecb") for p in (data / "topics").iterdir()},
        key=int,
    )
    if split == "all":
        return here
    return [t for t in here if (t in DEV_TOPICS) == (split == "dev")]


Run = tuple[str, str, Sequence[Sentence], list[int], float]  # topic, system, input, labels, s


def _table(title: str, runs: Sequence[Run], *, main: bool) -> None:
    """One table: a row per topic and system, then the micro-averages."""
    print(title)
    print(
        f"{'topic':>6} {'system':<17} {'sent.':>5} {'P':>6} {'R':>6} {'F1':>6} {'merged':>8} "
        f"{'clusters':>9} {'seconds':>8}"
    )
    totals: dict[str, Score] = {}
    for topic, name, sentences, labels, seconds in runs:
        result = score(sentences, labels, main=main)
        totals.setdefault(name, Score()).add(result)
        print(f"{topic:>6} {name:<17} {len(sentences):>5} {result.row()} {seconds:>8.2f}")
    for name, total in totals.items():
        print(f"{'all':>6} {name:<17} {'':>5} {total.row()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the ECB+ folder")
    parser.add_argument("--split", choices=("dev", "train", "all"), default="dev")
    parser.add_argument("--lexical", action="store_true", help="hashing embedder")
    args = parser.parse_args(argv)
    data: Path = args.data
    if not (data / "topics").is_dir() or not (data / "ECBplus_coreference_sentences.csv").is_file():
        print(
            f"cross_source: no ECB+ data at {data} (expected topics/ and "
            "ECBplus_coreference_sentences.csv; see the shared data README). Nothing measured.",
            file=sys.stderr,
        )
        return 2
    topics = _topics(data, args.split)
    embedder: Embedder = HashingEmbedder() if args.lexical else default_embedder()
    options = CompareOptions()
    selected, nlp = _selected(data), load_pipeline()
    systems: dict[str, Callable[[Sequence[Sentence]], list[int]]] = {
        "compare": lambda s: by_compare(s, embedder, options),
        "compare, props": lambda s: by_compare(s, embedder, options, propositions=True),
        "one per topic": by_topic,
        "embeddings alone": lambda s: by_embeddings(s, embedder, options),
        "gold incidents": by_incident,
        "gold main events": by_main_event,
    }
    runs: list[Run] = []
    for topic in topics:
        sentences = load_topic(data, topic, selected, nlp)
        for name, system in systems.items():
            started = time.perf_counter()
            labels = system(sentences)
            runs.append((topic, name, sentences, labels, time.perf_counter() - started))
    where = f"topics {', '.join(topics)} (both sub-topics each), {embedder.kind} embedder"
    _table(f"ECB+ sentence level (any shared event chain), {where}", runs, main=False)
    print()
    _table(f"ECB+ main-event level (the sentences' main events), {where}", runs, main=True)
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    raise SystemExit(main())
