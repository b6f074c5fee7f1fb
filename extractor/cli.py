"""The ``extractor`` command: a thin layer over the library's public functions."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .cli_parser import SETTINGS_FLAGS, build_parser
from .compare import compare, load_articles_metadata, render_table
from .compare.judge import CompletionJudge
from .errors import (
    ConfigError,
    ExtractorError,
    InputError,
    ModelLoadError,
    StoreError,
    StoreLocked,
)
from .extraction.pipeline import extract
from .ingest.articles import SUFFIXES, read_back_as_input
from .io.jsonl import read_claims, read_results
from .io.output import Output, WriteFailed, write_file
from .io.progress import count_articles, summary_line, with_progress
from .io.report import load_comparison, render_report
from .models import Article, ArticleResult, Claim, Comparison, RunSummary
from .runs.interrupts import (
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    exit_code,
    stop_on_signals,
)
from .runs.store import Store
from .settings import Settings, read_settings, unknown_environment

__all__ = ["main"]


def _settings(args: argparse.Namespace) -> Settings:
    names = [*SETTINGS_FLAGS, "judge"]
    overrides = {k: getattr(args, k) for k in names if getattr(args, k, None) is not None}
    try:
        return read_settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(f"invalid settings: {exc}") from exc


def _with_progress(
    results: Iterator[ArticleResult], args: argparse.Namespace
) -> Iterator[ArticleResult]:
    if args.quiet or not sys.stderr.isatty():
        return results
    return with_progress(results, total=count_articles(args.paths), console=_stderr_console())


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def _results(args: argparse.Namespace, settings: Settings) -> Generator[ArticleResult, None, None]:
    if args.engine == "ray":
        from .runs.ray_engine import extract_ray

        yield from extract_ray(args.paths, settings)
    else:
        yield from extract(args.paths, settings)


def _extract(args: argparse.Namespace) -> int:
    settings = _settings(args)
    summary = RunSummary()
    began = time.perf_counter()
    try:
        for output in (args.output, args.results):
            read = output not in (None, "-") and read_back_as_input(output, args.paths)
            if read:
                raise ConfigError(
                    f"the output {output} would overwrite the input {read} or be read as an "
                    "article from it; write it somewhere else"
                )
        with stop_on_signals() as guard, ExitStack() as stack:
            claims_out = Output(args.output, stack)
            results_out = Output(args.results, stack) if args.results else None
            results = _results(args, settings)
            stack.callback(results.close)  # closing it abandons the articles in flight
            for result in _with_progress(results, args):
                with guard.atomic():  # a signal waits until the article is written
                    summary.add(result)
                    claims_out.write("".join(c.model_dump_json() + "\n" for c in result.claims))
                    if results_out is not None:
                        results_out.write(result.model_dump_json() + "\n")
                for error in result.errors:
                    print(f"extractor: {error.origin or '?'}: {error.message}", file=sys.stderr)
            claims_out.finish()
            if results_out is not None:
                results_out.finish()
    except WriteFailed:  # what is written stays written; say how far it got
        summary.seconds = round(time.perf_counter() - began, 3)
        print(summary_line(summary), file=sys.stderr)
        raise
    except KeyboardInterrupt as stop:  # Ctrl-C or SIGTERM: what is written stays written
        summary.seconds = round(time.perf_counter() - began, 3)
        print(summary_line(summary), file=sys.stderr)
        print(
            f"extractor: stopped by {stop or 'SIGINT'}: {summary.articles} articles were "
            "written in full and the ones in flight abandoned; rerun to extract the rest",
            file=sys.stderr,
        )
        raise
    summary.seconds = round(time.perf_counter() - began, 3)
    if summary.articles == 0:  # a folder of .md or .pdf files, say: say so, not just "0"
        kinds = ", ".join(sorted(SUFFIXES))
        print(f"extractor: warning: the inputs hold no article (read: {kinds})", file=sys.stderr)
    if not args.quiet:
        print(summary_line(summary), file=sys.stderr)
    return EXIT_OK if summary.failed == 0 and summary.skipped == 0 else EXIT_PARTIAL


def _compare_judged(
    claims: Sequence[Claim], settings: Settings, articles: Iterable[Article]
) -> Comparison:
    """Compare ``claims``, with the judge the settings ask for (closed afterwards)."""
    by_id = {article.id: article for article in articles}
    if not settings.use_judge:
        return compare(claims, settings, articles=by_id)
    sources = {key: article.source for key, article in by_id.items()}
    with CompletionJudge.from_settings(settings, sources=sources) as judge:
        return compare(claims, settings, articles=by_id, judge=judge)


def _compare(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if not args.claims and not args.store:
        raise ConfigError("compare needs claims files or --store")
    found = read_claims(*args.claims)
    articles = dict(found.articles)
    if args.store:
        with Store(args.store, readonly=True) as store:
            articles.update({article.id: article for article in store.articles()})
            if not args.claims:
                found.claims.extend(store.claims())
    if args.articles:
        articles.update(load_articles_metadata(args.articles))
    comparison = _compare_judged(found.claims, settings, articles.values())
    if args.output:
        write_file(args.output, comparison.model_dump_json(indent=2) + "\n")
    show_table = args.table if args.table is not None else sys.stdout.isatty() or not args.output
    if show_table:
        from rich.console import Console

        Console(width=None if sys.stdout.isatty() else 160).print(render_table(comparison))
    counts = Counter(cluster.relation.value for cluster in comparison.clusters)
    print(
        f"extractor: {comparison.claims} claims ({comparison.duplicates} duplicates merged) in "
        f"{len(comparison.clusters)} clusters: "
        + ", ".join(f"{n} {relation}" for relation, n in sorted(counts.items())),
        file=sys.stderr,
    )
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    comparison = None
    if args.store:
        with Store(args.store, readonly=True) as store:
            articles, claims = store.articles(), store.claims()
            comparison = store.latest_comparison()
    else:
        results = list(read_results(args.results))
        articles = [r.article for r in results if r.article is not None]
        claims = [claim for r in results for claim in r.claims]
    if args.comparison:
        comparison = load_comparison(args.comparison)
    html = render_report(articles, claims, comparison)
    write_file(args.output, html)
    clusters = len(comparison.clusters) if comparison else 0
    print(
        f"extractor: wrote {args.output}: {len(articles)} articles, {len(claims)} claims, "
        f"{clusters} compared facts",
        file=sys.stderr,
    )
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    from .runs.jobs import load_job
    from .runs.scheduled import RunInterrupted, plan_job, run_job

    jobs = [p for p in args.paths if p.endswith(".toml")]
    if len(jobs) > 1:
        raise ConfigError(f"give one job file, not {len(jobs)}")
    job = load_job(
        jobs[0] if jobs else None,
        inputs=[p for p in args.paths if not p.endswith(".toml")],
        store=args.store,
        output_dir=args.output_dir,
        embedder=args.embedder,
        prune=args.prune,
        settings={k: getattr(args, k) for k in SETTINGS_FLAGS if getattr(args, k) is not None},
    )

    def report_errors(result: ArticleResult) -> None:
        for error in result.errors:
            print(f"extractor: {error.origin or '?'}: {error.message}", file=sys.stderr)

    if args.dry_run:
        result = plan_job(job)
    else:
        with stop_on_signals():
            try:
                result = run_job(job, on_result=report_errors, full_compare=args.full_compare)
            except RunInterrupted as stop:  # recorded in the store; say what was done
                print(stop.result.model_dump_json(), flush=True)
                print(
                    f"extractor: stopped by {stop}: {stop.result.summary.articles} articles "
                    "were saved in full and the ones in flight abandoned; rerun to continue",
                    file=sys.stderr,
                )
                raise
    print(result.model_dump_json(), flush=True)
    return result.exit_code


def _changes(args: argparse.Namespace) -> int:
    from .io.changes import format_changes

    if not Path(args.store).is_file():
        raise ConfigError(f"no store at {args.store}; give the --store of `extractor run`")
    with Store(args.store, readonly=True) as store:
        runs = store.changes(since=args.since)
    if args.json:
        sys.stdout.write("".join(changes.model_dump_json() + "\n" for changes in runs))
    else:
        sys.stdout.write(format_changes(runs, since=args.since))
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from .runs.export import export

    rows = export(args.store, args.output, what=args.what, format=args.format)
    print(f"extractor: wrote {rows} {args.what} rows to {args.output}", file=sys.stderr)
    return EXIT_OK


def _eval(args: argparse.Namespace) -> int:
    from rich.console import Console

    from .evaluation.gold import load_gold
    from .evaluation.score import evaluate, load_aliases, render_eval_table

    settings = _settings(args)
    gold = load_gold(args.gold, settings)
    articles = list(gold.articles.values())
    failed = False
    if args.claims:
        claims = read_claims(*args.claims).claims
    else:
        claims = []
        for result in extract(articles, settings):
            claims.extend(result.claims)
            failed = failed or not result.ok
            for error in result.errors:
                print(f"extractor: {error.origin or '?'}: {error.message}", file=sys.stderr)
    comparison = load_comparison(args.comparison) if args.comparison else None
    if comparison is None and args.compare:
        comparison = _compare_judged(claims, settings, articles)
    aliases = load_aliases(args.aliases) if args.aliases else None
    report = evaluate(gold, claims, comparison, aliases=aliases)
    if args.json_out:
        write_file(args.json_out, report.model_dump_json(indent=2) + "\n")
    Console(width=None if sys.stdout.isatty() else 120).print(render_eval_table(report))
    return EXIT_PARTIAL if failed else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    0 ok, 1 partial failure, 2 usage, configuration, store or output error (an output that
    cannot be written: what was written before stays), 3 the store is locked,
    130 after Ctrl-C and 143 after SIGTERM: the process then exits at once, abandoning the
    requests in flight instead of waiting for them.
    """
    args = build_parser().parse_args(argv)
    for line in unknown_environment(os.environ):
        print(f"extractor: warning: {line}", file=sys.stderr)
    handlers = {
        "extract": _extract, "compare": _compare, "report": _report, "run": _run,
        "export": _export, "eval": _eval, "changes": _changes,
    }  # fmt: skip
    try:
        return handlers[args.command](args)
    except StoreLocked as exc:
        print(f"extractor: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except StoreError as exc:  # an unusable store is the caller's to fix, like a setting
        print(f"extractor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (ConfigError, InputError, ModelLoadError) as exc:
        # raised here, not carried by an article: a setting, a missing model file or a
        # file the command was given that cannot be used
        print(f"extractor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ExtractorError as exc:
        print(f"extractor: {exc}", file=sys.stderr)
        return EXIT_PARTIAL
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # a file the command had to read or write; never a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"extractor: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt as exc:  # outputs are flushed and closed by now
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(exit_code(exc))  # worker threads may sit in a request: do not wait for them


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
