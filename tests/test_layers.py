"""The import rules of the subpackages' docstrings, checked on the source (tests/layers.py).

An article flows ingest -> language -> llm -> extraction -> compare -> io -> runs -> cli;
a layer imports only layers it is written to take from, never a later one, and nothing
imports the CLI.
"""

from __future__ import annotations

from pathlib import Path

from .layers import PACKAGE, imported_layers, layer_violations

#: what each layer may import, besides itself and the top-level contract (SHARED)
ALLOWED: dict[str, set[str]] = {
    "ingest": set(),
    "language": {"ingest"},  # the bidi reading order only
    "llm": set(),
    "extraction": {"ingest", "language", "llm"},
    "compare": {"language", "llm"},
    "io": {"ingest", "compare"},
    "evaluation": {"ingest", "extraction", "compare"},
    "runs": {"ingest", "language", "llm", "extraction", "compare", "io"},
    # the top-level contract imports no subpackage
    "models": set(),
    "errors": set(),
    "settings": set(),
    "stopwords": set(),
    "jsonlines": set(),
    # tools beside the stages: the fake server imports nothing, the schema export the contract
    # (the run's JSON line, JobResult, lives with the runs)
    "testing": set(),
    "schema": {"evaluation", "runs"},
    # what lets ``extractor.compare`` be the function and still lead to its package
    "package_function": set(),
}
#: the top-level contract: every layer may import these
SHARED = {"models", "errors", "settings", "stopwords", "jsonlines"}
#: the package's face: these may import any layer (and only ``__main__`` imports the CLI,
#: whose arguments ``cli_parser`` holds)
ENTRY = {"__init__", "__main__", "cli", "cli_parser"}


def test_every_layer_imports_only_what_its_docstring_allows() -> None:
    assert layer_violations(ALLOWED, SHARED) == []


def test_every_subpackage_and_module_has_a_rule() -> None:
    subpackages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    modules = {p.stem for p in PACKAGE.glob("*.py")} - ENTRY
    assert subpackages | modules <= set(ALLOWED)


def test_nothing_imports_the_cli() -> None:
    importers = [
        str(module.relative_to(PACKAGE))
        for module in sorted(PACKAGE.rglob("*.py"))
        if module.name not in {"cli.py", "__main__.py"}
        and {"cli", "cli_parser"} & imported_layers(module)
    ]
    assert importers == []


def test_the_checker_flags_a_broken_rule(tmp_path: Path) -> None:
    package = tmp_path / "extractor"
    for layer, source in {
        "llm": "from ..compare.stage import compare\nfrom ..models import Claim\n",
        "ingest": "import extractor.cli\nfrom . import bidi\n",
        "compare": "from ..language import analyze\n",
    }.items():
        (package / layer).mkdir(parents=True)
        (package / layer / "__init__.py").write_text("")
        (package / layer / "mod.py").write_text(source)
    (package / "models.py").write_text("from .runs import store\n")
    rules = {"llm": set(), "ingest": set(), "compare": {"language"}, "models": set()}
    assert layer_violations(rules, {"models"}, package) == [
        ("ingest/mod.py", "cli"),
        ("llm/mod.py", "compare"),
        ("models.py", "runs"),
    ]


def test_the_compare_function_leads_to_its_package() -> None:
    """``extractor.compare`` is the function, and ``import extractor.compare.<module>``
    works (a plain function there hid the package)."""
    import inspect
    import subprocess
    import sys

    import extractor
    from extractor.compare import stage

    assert inspect.signature(extractor.compare) == inspect.signature(stage.compare)
    assert extractor.compare.__doc__ == stage.compare.__doc__
    code = (
        "import extractor.compare.embeddings as e, extractor.compare.options as o\n"
        "import extractor\n"
        "assert e.HashingEmbedder and o.CompareOptions is extractor.CompareOptions\n"
        "assert extractor.compare([]).clusters == []\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
