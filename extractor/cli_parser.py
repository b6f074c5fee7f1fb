"""The ``extractor`` command's arguments: one sub-command per library entry point.

:func:`build_parser` is all the command line accepts; :mod:`extractor.cli` runs what it
parsed. :data:`SETTINGS_FLAGS` are the flags that map one-to-one onto
:class:`~extractor.settings.Settings` fields.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .runs.interrupts import EXIT_USAGE

__all__ = ["SETTINGS_FLAGS", "build_parser"]

#: command-line flags that map one-to-one onto Settings fields
SETTINGS_FLAGS: dict[str, dict[str, Any]] = {
    "backend": {"choices": ["auto", "local", "openai"], "help": "model back end"},
    "strategy": {"choices": ["auto", "sentence", "article"], "help": "extraction strategy"},
    "base_url": {"help": "OpenAI-compatible base URL (selects the openai back end)"},
    "model": {"help": "model name on the OpenAI-compatible server"},
    "model_path": {"help": "GGUF file for the local back end"},
    "max_candidates": {"type": int, "help": "most sentences asked about per article"},
    "max_tokens_per_run": {"type": int, "help": "token budget; later articles are skipped"},
    "concurrency": {"type": int, "help": "requests in flight on the openai back end"},
    "requests_per_minute": {"type": int, "help": "client-side request rate limit"},
    "tokens_per_minute": {"type": int, "help": "client-side token rate limit"},
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own exit code is already 2
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="extractor", description="Typed, grounded claims from news articles.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ext = commands.add_parser("extract", help="extract claims from articles")
    ext.add_argument("paths", nargs="+", help="text/HTML/JSONL files or directories")
    ext.add_argument("-o", "--output", default="-", help="claims JSONL (default: stdout)")
    ext.add_argument("--results", help="also write one ArticleResult per line here")
    for name, options in SETTINGS_FLAGS.items():
        ext.add_argument("--" + name.replace("_", "-"), dest=name, default=None, **options)
    ext.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    ext.add_argument(
        "--engine",
        choices=["threads", "ray"],
        default="threads",
        help="threads in this process (default), or a Ray Data job (RAY_ADDRESS: a cluster)",
    )

    cmp = commands.add_parser("compare", help="line up claims across sources")
    cmp.add_argument("claims", nargs="*", help="claims JSONL (Claim or ArticleResult lines)")
    cmp.add_argument("-o", "--output", default=None, help="write the Comparison JSON here")
    cmp.add_argument("--articles", help="articles' metadata JSONL (id, source, published)")
    cmp.add_argument(
        "--store", help="a store: its articles' metadata, and its claims when no file is given"
    )
    cmp.add_argument(
        "--judge",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="ask the model about clusters code cannot decide (default: on for a served "
        "model, off for the embedded one)",
    )
    for name in ("backend", "base_url", "model", "model_path"):
        options = SETTINGS_FLAGS[name]
        cmp.add_argument("--" + name.replace("_", "-"), dest=name, default=None, **options)
    cmp.add_argument(
        "--table",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="print the table (default: when stdout is a terminal)",
    )

    rep = commands.add_parser("report", help="write articles, claims and comparison as HTML")
    inputs = rep.add_mutually_exclusive_group(required=True)
    inputs.add_argument("--results", help="ArticleResult JSONL (from `extract --results`)")
    inputs.add_argument("--store", help="a store: its articles, claims and latest comparison")
    rep.add_argument("--comparison", help="comparison JSON (from `compare -o`)")
    rep.add_argument("-o", "--output", default="-", help="HTML file (default: stdout)")
    _add_run_and_export(commands)
    _add_eval(commands)
    return parser


def _add_run_and_export(commands: Any) -> None:
    run = commands.add_parser("run", help="extract what is new into a store, compare, write")
    run.add_argument("paths", nargs="*", help="a job file (.toml) and/or inputs to read")
    run.add_argument("--store", help="the SQLite store (replaces the job file's)")
    run.add_argument("--output-dir", help="write claims.jsonl, comparison.json, report.html")
    run.add_argument("--dry-run", action="store_true", help="list what would be extracted")
    run.add_argument(
        "--prune",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="remove stored articles whose input is gone, with their claims (job: prune)",
    )
    run.add_argument(
        "--embedder", choices=["auto", "semantic", "lexical"], help="comparison embedder"
    )
    run.add_argument(
        "--full-compare",
        action="store_true",
        help="compare every claim again, not only the new ones and the facts they touch",
    )
    for name, options in SETTINGS_FLAGS.items():
        run.add_argument("--" + name.replace("_", "-"), dest=name, default=None, **options)

    chg = commands.add_parser("changes", help="what each run found changed in a store")
    chg.add_argument("--store", required=True, help="the SQLite store")
    chg.add_argument("--since", type=int, help="only runs after this run id")
    chg.add_argument("--json", action="store_true", help="one RunChanges JSON per line")

    exp = commands.add_parser("export", help="write a store's claims or comparison")
    exp.add_argument("--store", required=True, help="the SQLite store")
    exp.add_argument("--format", choices=["jsonl", "csv", "parquet"], default="jsonl")
    exp.add_argument("--what", choices=["claims", "comparison"], default="claims")
    exp.add_argument("-o", "--output", default="-", help="file (default: stdout)")


def _add_eval(commands: Any) -> None:
    ev = commands.add_parser("eval", help="score claims and comparison against a gold set")
    ev.add_argument("--gold", required=True, help="gold JSONL (see tests/gold/README.md)")
    ev.add_argument("--claims", nargs="+", help="claims JSONL (default: extract them now)")
    ev.add_argument(
        "--aliases", help="JSON file of the corpus's speaker aliases (tests/gold/aliases.json)"
    )
    ev.add_argument("--comparison", help="comparison JSON (default: compare the claims now)")
    ev.add_argument(
        "--compare",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="without --comparison, compare the claims now (default: on)",
    )
    ev.add_argument(
        "--judge",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="let the model decide unsure clusters when comparing (default: on for a "
        "served model, off for the embedded one)",
    )
    ev.add_argument("--json", dest="json_out", help="write the EvalReport JSON here")
    for name, options in SETTINGS_FLAGS.items():
        ev.add_argument("--" + name.replace("_", "-"), dest=name, default=None, **options)
