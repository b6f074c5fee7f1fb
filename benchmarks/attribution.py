"""Who said what: extraction measured against PolNeAR's hand-made attributions.

::

    .venv/bin/python benchmarks/attribution.py                       # 14 articles, both paths
    .venv/bin/python benchmarks/attribution.py --limit 2 --paths model
    .venv/bin/python benchmarks/attribution.py --limit 0 --json out/attribution.json   # all 84

Reads the development split of PolNeAR from ``../shared/data/polnear/`` (``--data`` to
point elsewhere; it is never copied into the repository) and stops with exit code 2 when
it is not there. Each article goes through ``extractor.extract_article`` once per path,
side by side in the same run, article by article (so machine noise hits both alike):

- ``model``: ``Settings(attribution="model")``, the model writes speaker and claim freely
  (plain ``Settings()`` while the ``attribution`` setting does not exist yet);
- ``frames``: ``Settings(attribution="frames")``, attribution frames from the language
  layer, the model chooses among candidate speakers;
- ``code``: the same sentences as ``frames`` with code's first candidate speaker, no model
  asked (what the model's choice adds is the difference; seconds per article, so it is
  also the quick way to measure a change of the language layer: ``--paths code``).

Every other setting comes from ``EXTRACTOR_*`` variables as usual (e.g.
``EXTRACTOR_MAX_CANDIDATES``). One tiny warm-up article per path runs first and is not
timed, so that loading the model (and the parser) is not charged to the first article.

What is printed, per path (the scoring lives in ``benchmarks/polnear.py``):

- **R / P / F1** -- a gold Content span (its pieces plus Content2) is *found* by a claim
  whose quote overlaps it by at least half of the shorter of the two, one claim per gold
  span (maximum matching). Precision is over all claims: a claim matching no gold span is
  a false positive (``discard`` counts those lying in boilerplate marked Discard); a claim
  inside a span the annotator marked Discuss is left out.
- **source accuracy**, on the found attributions:
  *strict* -- the speaker equals the gold Source text after normalising case and
  whitespace, or one contains the other as whole words; *lenient* -- also right when it
  names an entity that the gold Source refers to elsewhere in the file, approximated
  without coreference data over the file's Source spans (names sharing a head word such
  as a surname; a pronoun or definite description refers to the nearest earlier named
  source; indefinites to no one else), see ``polnear.source_referents`` and
  ``polnear.judge_source``; *span* (only once claims carry a speaker span) -- strict,
  or the speaker's span overlaps the gold Source span. For Attribution-no-source
  relations the right speaker is "author" (or unknown).
- **voice** and **stance**, on the found attributions: the share whose claim the tool
  does not mark ``asserted`` (it tells reported speech from the article's own voice), and
  the share where the tool's ``denied`` agrees with the gold cue (deny, reject, dispute,
  refute: ``polnear.is_denial``);
- **content** and **quote**, on the found attributions: how well the claim states what
  was said, as the word F1 of its proposition against the gold Content text
  (``polnear.word_f1``; case folded, word order not judged), and the same for its whole
  quote, the baseline: a proposition that is the content clause beats the sentence
  around it, one cut short or one that is the wrong clause falls below it;
- the same split into **direct** (at least half of the content's letters inside quotation
  marks) and **indirect** attributions;
- recall and precision **per publisher**;
- **grounded**: the share of claims whose offsets index their quote (must be 100%; the
  exit code is 1 when it is not, or when an article failed);
- **s/article** and the ratio of the frames path's total time to the model path's;
- **why a speaker is wrong** (lenient), counted per path: ``author_for_source`` (no frame
  found, the gold has a source), ``source_for_author`` (a speaker where the gold has
  none), ``other_source`` (a speaker, not the gold's); also in ``--json``.

The two articles annotated by six people are scored, in the main figures, against one
fixed annotator (the lexicographically first). Separately, every annotator is scored
against every other one on them (the agreement ceiling), and each path against each
annotator when those articles are among the ones run.

Cite: Edward Newell, Drew Margolin and Derek Ruths, "An attribution relations corpus for
political news", LREC 2018. The data is for evaluation only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from polnear import (
    SOURCE_ERRORS,
    Document,
    Predicted,
    Tally,
    agreement,
    load_corpus,
    score,
    select,
)

from extractor import Article, ArticleResult, Claim, ExtractorError, Settings, extract_article
from extractor.extraction.attributed import code_drafts, plan_questions
from extractor.language import analyze, load_pipeline

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "polnear"
PATHS = ("model", "frames", "code")
DEFAULT_LIMIT = 14  #: two articles per publisher (7 publishers)
WARM_UP = "The minister said on Monday that 40 new schools would open next year."


class PathUnavailable(Exception):
    """This build of extractor cannot run the path asked for."""


def path_settings(path: str) -> Settings:
    """The settings of one path; :class:`PathUnavailable` when this build cannot run it."""
    if "attribution" in Settings.model_fields:
        # the code path reads the frames path's settings and asks no model
        attribution = "frames" if path == "code" else path
        return Settings(attribution=attribution)  # type: ignore[call-arg]  # issue 12
    if path == "model":
        print(
            "note: Settings has no 'attribution' yet; the model path is plain Settings()",
            file=sys.stderr,
        )
        return Settings()
    raise PathUnavailable(
        f"error: the {path!r} path needs Settings(attribution=...), which this build lacks; "
        "run with --paths model"
    )


def speaker_span(claim: Claim) -> tuple[int, int] | None:
    """The speaker's offsets in the article, when the claim model has them."""
    start, end = getattr(claim, "speaker_start", None), getattr(claim, "speaker_end", None)
    span = getattr(claim, "speaker_span", None)
    if span is not None:
        start, end = span.start, span.end
    return (start, end) if isinstance(start, int) and isinstance(end, int) else None


def has_speaker_spans() -> bool:
    return bool({"speaker_start", "speaker_span"} & set(Claim.model_fields))


def predicted(text: str, claims: Sequence[Claim]) -> list[Predicted]:
    """The claims as the scorer sees them; a claim without offsets matches nothing."""
    out = []
    for claim in claims:
        stance = None if claim.stance is None else str(claim.stance)
        if claim.start is None or claim.end is None:
            pieces: tuple[tuple[int, int], ...] = ()
            grounded = False
        else:
            pieces = ((claim.start, claim.end),)
            grounded = text[claim.start : claim.end] == claim.quote
        proposition = getattr(claim, "proposition", None)
        out.append(
            Predicted(pieces, claim.speaker, speaker_span(claim), grounded, stance, proposition)
        )
    return out


def run_code(doc: Document, settings: Settings) -> tuple[list[Predicted], float]:
    """Code's own answer, no model asked: every sentence the frames path would make a claim
    of, with code's first candidate speaker (the model's choice left out)."""
    began = time.perf_counter()
    analysis = analyze(doc.text, load_pipeline(settings.spacy_pipeline))
    every, chosen = plan_questions(analysis, settings)
    asked = {candidate.sentence.start for candidate in chosen}
    kept = [(c, s) for c, s in every if c.sentence.start in asked or s.frame is not None]
    drafts = code_drafts(doc.text, kept)
    took = time.perf_counter() - began
    claims = [
        Predicted(
            ((d.start, d.end),),
            d.speaker,
            None
            if d.speaker_start is None or d.speaker_end is None
            else (d.speaker_start, d.speaker_end),
            proposition=d.proposition,
        )  # fmt: skip
        for d in drafts
    ]
    return claims, took


def run_path(
    doc: Document, path: str, settings: Settings
) -> tuple[list[Predicted], float, list[Any]]:
    """One article on one path: its claims as scored, the seconds taken, its errors."""
    if path == "code":
        claims, took = run_code(doc, settings)
        return claims, took, []
    result, took = run_one(doc, settings)
    return predicted(doc.text, result.claims), took, list(result.errors)


def run_one(doc: Document, settings: Settings) -> tuple[ArticleResult, float]:
    article = Article.from_text(doc.raw, source=doc.publisher, origin=str(doc.path))
    if article.text != doc.text:
        raise SystemExit(f"error: {doc.stem}: the article's text is not the NFC text scored")
    began = time.perf_counter()
    result = extract_article(article, settings)
    return result, time.perf_counter() - began


# -- printing ------------------------------------------------------------------------------


def fmt(value: float | None, width: int = 6) -> str:
    return f"{'-' if value is None else f'{value:.3f}':>{width}}"


def print_tables(
    paths: Sequence[str],
    tallies: dict[str, Tally],
    publishers: dict[str, dict[str, Tally]],
    seconds: dict[str, list[float]],
    failed: dict[str, int],
    spans: bool,
    articles: int,
) -> None:
    readings = ["strict", "lenient"] + (["span"] if spans else [])
    head = f"{'path':<8}{'gold':>6}{'claims':>7}{'found':>6}{'R':>7}{'P':>7}{'F1':>7}"
    head += "".join(f"{'src_' + r:>12}" for r in readings)
    head += f"{'voice':>7}{'stance':>7}{'content':>8}{'quote':>7}"
    head += f"{'discard':>8}{'grounded':>9}{'s/art':>8}{'failed':>7}"
    print(f"\nPolNeAR dev, {articles} articles, attribution (content span, one to one)")
    print(head)
    for path in paths:
        t = tallies[path]
        mean = sum(seconds[path]) / len(seconds[path]) if seconds[path] else 0.0
        grounded = t.grounded_share
        row = f"{path:<8}{t.gold:>6}{t.claims:>7}{t.found:>6}"
        row += fmt(t.recall, 7) + fmt(t.precision, 7) + fmt(t.f1, 7)
        row += "".join(fmt(t.accuracy(r), 12) for r in readings)
        if path == "code":  # code gives no stance: nothing to score
            row += fmt(None, 7) + fmt(None, 7)
        else:
            row += fmt(t.accuracy("reported"), 7) + fmt(t.accuracy("stance_right"), 7)
        row += fmt(t.content_f1(), 8) + fmt(t.content_f1("quote_content"), 7)
        row += f"{t.in_discard:>8}{'-' if grounded is None else f'{grounded:.1%}':>9}"
        row += f"{mean:>8.1f}{failed[path]:>7}"
        print(row)
    ratio = _ratio(seconds)
    if ratio is not None:
        print(f"time frames/model: {ratio:.2f}x")
    print_errors(paths, tallies)

    print("\nby kind (source accuracy and content word F1 on the found ones)")
    print(
        f"{'path':<8}{'kind':<10}{'gold':>6}{'found':>6}{'R':>7}"
        + "".join(f"{'src_' + r:>12}" for r in readings)
        + f"{'content':>8}{'quote':>7}"
    )
    for path in paths:
        for kind in ("direct", "indirect"):
            k = tallies[path].kinds.get(kind, Tally())
            print(
                f"{path:<8}{kind:<10}{k.gold:>6}{k.found:>6}{fmt(k.recall, 7)}"
                + "".join(fmt(k.accuracy(r), 12) for r in readings)
                + fmt(k.content_f1(), 8)
                + fmt(k.content_f1("quote_content"), 7)
            )

    print("\nby publisher (R, P)")
    print(f"{'publisher':<14}{'gold':>6}" + "".join(f"{p + ' R':>11}{p + ' P':>11}" for p in paths))
    names = sorted({name for path in paths for name in publishers[path]})
    for name in names:
        gold = next(publishers[p][name].gold for p in paths if name in publishers[p])
        row = f"{name:<14}{gold:>6}"
        for path in paths:
            t = publishers[path].get(name, Tally())
            row += fmt(t.recall, 11) + fmt(t.precision, 11)
        print(row)


def print_errors(paths: Sequence[str], tallies: dict[str, Tally]) -> None:
    print("\nwhy a found attribution's speaker is wrong (lenient), counts")
    print(f"{'path':<8}" + "".join(f"{name:>19}" for name in SOURCE_ERRORS))
    for path in paths:
        counts = tallies[path].errors
        print(f"{path:<8}" + "".join(f"{counts.get(name, 0):>19}" for name in SOURCE_ERRORS))


def print_agreement(ceiling: dict[str, Tally], tool: dict[str, dict[str, Tally]]) -> None:
    if not ceiling:
        return
    print("\nagreement on the articles with several annotators (F1, source strict)")
    for stem, t in ceiling.items():
        row = f"{stem[:40]:<41} annotators {fmt(t.f1)} {fmt(t.accuracy('strict'))}"
        for path, tally in tool.get(stem, {}).items():
            row += f"  {path} {fmt(tally.f1)} {fmt(tally.accuracy('strict'))}"
        print(row)


# -- main ----------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the PolNeAR dev folder")
    parser.add_argument("--paths", nargs="+", choices=PATHS, default=list(PATHS))
    parser.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        help="articles, taken in turn from each publisher (0 = all 84; default 14)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    paths = [path for path in PATHS if path in args.paths]  # old first: the ratio is new/old

    data = args.data.resolve()
    if not (data / "dev_text").is_dir() or not (data / "dev_attributions").is_dir():
        print(
            f"error: no PolNeAR dev split at {data} (expected dev_text/ and dev_attributions/); "
            "put it at ../shared/data/polnear/ or pass --data",
            file=sys.stderr,
        )
        return 2
    corpus = [doc for doc in load_corpus(data) if doc.annotations]
    docs = select(corpus, args.limit)
    try:
        settings = {path: path_settings(path) for path in paths}
    except PathUnavailable as exc:
        print(exc, file=sys.stderr)
        return 2

    try:  # load the model (and parser) outside the timed runs
        for path in paths:
            if path == "code":
                analyze(WARM_UP, load_pipeline(settings[path].spacy_pipeline))
            else:
                extract_article(Article.from_text(WARM_UP, source="warm-up"), settings[path])
    except ExtractorError as exc:  # a configuration or model-load error: no article can run
        print(f"error: {exc}", file=sys.stderr)
        return 2

    spans = has_speaker_spans()
    tallies = {path: Tally() for path in paths}
    publishers: dict[str, dict[str, Tally]] = {path: {} for path in paths}
    seconds: dict[str, list[float]] = {path: [] for path in paths}
    failed = dict.fromkeys(paths, 0)
    errors: dict[str, list[str]] = {path: [] for path in paths}
    per_article: list[dict[str, object]] = []
    tool_vs_annotators: dict[str, dict[str, Tally]] = {}
    for n, doc in enumerate(docs, start=1):
        row: dict[str, object] = {"article": doc.stem, "annotator": doc.annotator}
        for path in paths:
            claims, took, article_errors = run_path(doc, path, settings[path])
            seconds[path].append(took)
            if article_errors:
                failed[path] += 1
                errors[path].extend(f"{doc.stem}: {e.kind}: {e.message}" for e in article_errors)
            doc_score = score(doc.text, doc.annotations[doc.annotator], claims)
            tallies[path].add(doc_score)
            publishers[path].setdefault(doc.publisher, Tally()).add(doc_score)
            if len(doc.annotations) > 1:
                each = tool_vs_annotators.setdefault(doc.stem, {}).setdefault(path, Tally())
                for annotation in doc.annotations.values():
                    each.add(score(doc.text, annotation, claims))
            found = sum(r.found for r in doc_score.records)
            row[path] = {
                "seconds": round(took, 2),
                "claims": len(claims),
                "found": found,
                "ok": not article_errors,
                "errors": [f"{e.kind}: {e.message}" for e in article_errors],
                "attributions": [record.as_dict() for record in doc_score.records],
            }
            print(
                f"[{n}/{len(docs)}] {doc.stem[:44]:<45} {path:<7} {len(claims):>3} claims "
                f"{found:>3}/{len(doc_score.records):<3} found {took:6.1f}s",
                file=sys.stderr,
                flush=True,
            )
        per_article.append(row)

    ceiling = {
        doc.stem: agreement(doc.text, doc.annotations) for doc in corpus if len(doc.annotations) > 1
    }
    print_tables(paths, tallies, publishers, seconds, failed, spans, len(docs))
    print_agreement(ceiling, tool_vs_annotators)
    for path in paths:
        for line in errors[path][:5]:
            print(f"{path}: {line}", file=sys.stderr)

    if args.json:
        report = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "commit": _commit(),
            "data": str(data),
            "articles": [doc.stem for doc in docs],
            "paths": {
                path: {
                    "settings": {
                        "backend": settings[path].resolved_backend,
                        "strategy": settings[path].resolved_strategy,
                        "attribution": getattr(settings[path], "attribution", None),
                    },
                    "figures": tallies[path].figures(),
                    "by_publisher": {k: v.figures() for k, v in sorted(publishers[path].items())},
                    "seconds_per_article": sum(seconds[path]) / max(1, len(seconds[path])),
                    "failed": failed[path],
                    "errors": errors[path],
                }
                for path in paths
            },
            "time_ratio": _ratio(seconds),
            "agreement": {
                stem: {
                    "annotators": t.figures(),
                    **{p: v.figures() for p, v in tool_vs_annotators.get(stem, {}).items()},
                }
                for stem, t in ceiling.items()
            },
            "per_article": per_article,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    ungrounded = [p for p in paths if tallies[p].grounded != tallies[p].total_claims]
    for path in ungrounded:
        print(f"error: {path}: claims whose offsets do not index their quote", file=sys.stderr)
    return 1 if any(failed.values()) or ungrounded else 0


def _ratio(seconds: dict[str, list[float]]) -> float | None:
    """The frames path's time over the model path's, when both ran."""
    if "frames" not in seconds or not sum(seconds.get("model", [])):
        return None
    return sum(seconds["frames"]) / sum(seconds["model"])


def _commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parent,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


if __name__ == "__main__":
    sys.exit(main())
