"""The ``extractor`` command: a thin layer over the library's public functions."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from .errors import ConfigError, ExtractorError
from .models import ArticleResult, RunSummary
from .pipeline import extract
from .settings import Settings

__all__ = ["main"]

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2

#: command-line flags that map one-to-one onto Settings fields
_SETTINGS_FLAGS: dict[str, dict[str, Any]] = {
    "backend": {"choices": ["auto", "local", "openai"], "help": "model back end"},
    "strategy": {"choices": ["auto", "sentence", "article"], "help": "extraction strategy"},
    "base_url": {"help": "OpenAI-compatible base URL (selects the openai back end)"},
    "model": {"help": "model name on the OpenAI-compatible server"},
    "model_path": {"help": "GGUF file for the local back end"},
    "max_candidates": {"type": int, "help": "most sentences asked about per article"},
    "max_tokens_per_run": {"type": int, "help": "token budget; later articles are skipped"},
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own exit code is already 2
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="extractor", description="Typed, grounded claims from news articles.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ext = commands.add_parser("extract", help="extract claims from articles")
    ext.add_argument("paths", nargs="+", help="text/HTML/JSONL files or directories")
    ext.add_argument("-o", "--output", default="-", help="claims JSONL (default: stdout)")
    ext.add_argument("--results", help="also write one ArticleResult per line here")
    for name, options in _SETTINGS_FLAGS.items():
        ext.add_argument("--" + name.replace("_", "-"), dest=name, default=None, **options)
    ext.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {k: getattr(args, k) for k in _SETTINGS_FLAGS if getattr(args, k, None) is not None}
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(f"invalid settings: {exc}") from exc


def _open(path: str, stack: ExitStack) -> IO[str]:
    if path == "-":
        return sys.stdout
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return stack.enter_context(open(path, "w", encoding="utf-8"))


def _with_progress(results: Iterator[ArticleResult], quiet: bool) -> Iterator[ArticleResult]:
    if quiet or not sys.stderr.isatty():
        yield from results
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, transient=True, console=_stderr_console()) as progress:
        task = progress.add_task("extracting", total=None)
        claims = 0
        for done, result in enumerate(results, start=1):
            claims += len(result.claims)
            progress.update(task, description=f"{done} articles, {claims} claims")
            yield result


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def _extract(args: argparse.Namespace) -> int:
    settings = _settings(args)
    summary = RunSummary()
    began = time.perf_counter()
    with ExitStack() as stack:
        claims_out = _open(args.output, stack)
        results_out = _open(args.results, stack) if args.results else None
        for result in _with_progress(extract(args.paths, settings), args.quiet):
            summary.add(result)
            for claim in result.claims:
                claims_out.write(claim.model_dump_json() + "\n")
            if results_out is not None:
                results_out.write(result.model_dump_json() + "\n")
            for error in result.errors:
                print(f"extractor: {error.origin or '?'}: {error.message}", file=sys.stderr)
            claims_out.flush()
    summary.seconds = round(time.perf_counter() - began, 3)
    if not args.quiet:
        print(_summary_line(summary), file=sys.stderr)
    return EXIT_OK if summary.failed == 0 and summary.skipped == 0 else EXIT_PARTIAL


def _summary_line(summary: RunSummary) -> str:
    return (
        f"extractor: {summary.articles} articles ({summary.ok} ok, {summary.failed} failed, "
        f"{summary.skipped} skipped), {summary.claims} claims, {summary.rejected} rejected "
        f"answers, {summary.errors} errors, {summary.usage.total_tokens} tokens in "
        f"{summary.usage.requests} requests, {summary.seconds:.1f} s"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 partial failure, 2 usage error)."""
    args = _parser().parse_args(argv)
    handlers = {"extract": _extract}
    try:
        return handlers[args.command](args)
    except ConfigError as exc:
        print(f"extractor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ExtractorError as exc:
        print(f"extractor: {exc}", file=sys.stderr)
        return EXIT_PARTIAL
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
