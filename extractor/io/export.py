"""Claims or a comparison as flat tables: JSON Lines, CSV or Parquet, written and read back.

Both are flat tables, one row per claim or one row per cluster member (with its
cluster's id, relation, explanation and sources repeated), so they load straight into a
spreadsheet, pandas or DuckDB. Lists and objects (quantities, sources, duplicates) stay
native in JSON Lines and are JSON text in CSV and Parquet. :func:`read_claims_export` and
:func:`read_comparison_export` read an export back into the models, which is how the
round trip is tested. Parquet needs the ``parquet`` extra (pyarrow).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Literal

from ..errors import ConfigError
from ..models import Claim, Cluster, ClusterMember, Comparison

__all__ = [
    "CLAIM_COLUMNS",
    "MEMBER_COLUMNS",
    "arrow_schema",
    "claim_cells",
    "read_claims_export",
    "read_comparison_export",
    "write_claims",
    "write_comparison",
]

Format = Literal["jsonl", "csv", "parquet"]
What = Literal["claims", "comparison"]
Kind = Literal["str", "int", "float", "json"]

#: one row per claim: column -> kind
CLAIM_COLUMNS: dict[str, Kind] = {
    "id": "str",
    "article_id": "str",
    "text": "str",
    "quote": "str",
    "start": "int",
    "end": "int",
    "match": "str",
    "speaker": "str",
    "speaker_start": "int",
    "speaker_end": "int",
    "cue": "str",
    "proposition": "str",
    "stance": "str",
    "quantities": "json",
    "checkworthy": "float",
    "prompt_version": "str",
    "model": "str",
}
#: one row per cluster member: the cluster's columns, the member's, the comparison's
CLUSTER_COLUMNS: dict[str, Kind] = {
    "cluster_id": "str",
    "relation": "str",
    "explanation": "str",
    "decided_by": "str",
    "checked": "json",
    "sources": "json",
}
MEMBER_FIELDS: dict[str, Kind] = {
    "claim_id": "str",
    "article_id": "str",
    "source": "str",
    "published": "str",
    "speaker": "str",
    "stance": "str",
    "text": "str",
    "quote": "str",
    "quantities": "json",
    "duplicates": "json",
}
COMPARISON_FIELDS: dict[str, Kind] = {
    "comparison_prompt_version": "str",
    "comparison_model": "str",
}
MEMBER_COLUMNS: dict[str, Kind] = CLUSTER_COLUMNS | MEMBER_FIELDS | COMPARISON_FIELDS
#: columns added after the first exports were written: an older export lacks them, and
#: reads them as missing (the model's default); any other missing column is an error
_ADDED_COLUMNS = frozenset({"checked"})


def _claim_rows(claims: Iterable[Claim]) -> Iterator[dict[str, Any]]:
    for claim in claims:
        yield claim.model_dump(mode="json")


def _member_rows(comparison: Comparison) -> Iterator[dict[str, Any]]:
    for cluster in comparison.clusters:
        head = {
            "cluster_id": cluster.id,
            "relation": cluster.relation.value,
            "explanation": cluster.explanation,
            "decided_by": cluster.decided_by,
            "checked": cluster.checked,
            "sources": list(cluster.sources),
        }
        tail = {
            "comparison_prompt_version": comparison.prompt_version,
            "comparison_model": comparison.model,
        }
        for member in cluster.members:
            yield head | member.model_dump(mode="json") | tail


# -- writing -------------------------------------------------------------------------------


@contextmanager
def _text_output(path: str | os.PathLike[str]) -> Iterator[IO[str]]:
    if str(path) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="") as stream:
            yield stream
    except OSError as exc:
        raise ConfigError(f"cannot write {target}: {exc.strerror or exc}") from exc


def _cell(value: Any, kind: Kind) -> Any:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False) if kind == "json" else value


def claim_cells(claims: Iterable[Claim]) -> list[dict[str, Any]]:
    """One row of cells per claim, in :data:`CLAIM_COLUMNS` (JSON cells as text): what a
    claims table holds, whoever writes it."""
    return _cells(_claim_rows(claims), CLAIM_COLUMNS)


def _cells(rows: Iterable[dict[str, Any]], columns: dict[str, Kind]) -> list[dict[str, Any]]:
    return [{name: _cell(row.get(name), kind) for name, kind in columns.items()} for row in rows]


def _write_rows(
    rows: Iterable[dict[str, Any]],
    columns: dict[str, Kind],
    path: str | os.PathLike[str],
    format: Format,
) -> int:
    count = 0
    if format == "parquet":
        return _write_parquet(rows, columns, path)
    with _text_output(path) as stream:
        if format == "jsonl":
            for row in rows:
                stream.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
            return count
        writer = csv.DictWriter(stream, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({name: _cell(row.get(name), kind) for name, kind in columns.items()})
            count += 1
    return count


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise ConfigError(
            "Parquet needs pyarrow: pip install 'extractor[parquet]', or use --format csv"
        ) from None
    return pyarrow


def arrow_schema(pa: Any, columns: dict[str, Kind]) -> Any:
    """The pyarrow schema of ``columns`` (``pa`` is the pyarrow module); JSON cells are text."""
    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "json": pa.string()}
    return pa.schema([(name, types[kind]) for name, kind in columns.items()])


def _write_parquet(
    rows: Iterable[dict[str, Any]], columns: dict[str, Kind], path: str | os.PathLike[str]
) -> int:
    if str(path) == "-":
        raise ConfigError("Parquet cannot go to stdout; give a file with -o")
    pa = _pyarrow()
    schema = arrow_schema(pa, columns)
    cells = _cells(rows, columns)
    table = pa.Table.from_pylist(cells, schema=schema)
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        pa.parquet.write_table(table, target)
    except OSError as exc:
        raise ConfigError(f"cannot write {target}: {exc}") from exc
    return len(cells)


def write_claims(claims: Iterable[Claim], path: str | os.PathLike[str], format: Format) -> int:
    """Write ``claims`` to ``path`` ("-" for stdout) as ``format``; returns the rows written."""
    return _write_rows(_claim_rows(claims), CLAIM_COLUMNS, path, format)


def write_comparison(comparison: Comparison, path: str | os.PathLike[str], format: Format) -> int:
    """Write ``comparison`` as one row per cluster member; returns the rows written."""
    return _write_rows(_member_rows(comparison), MEMBER_COLUMNS, path, format)


# -- reading back --------------------------------------------------------------------------


def _read_rows(
    path: str | os.PathLike[str], columns: dict[str, Kind], format: Format
) -> list[dict[str, Any]]:
    if format == "jsonl":
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]
    if format == "parquet":
        raw = _pyarrow().parquet.read_table(Path(path)).to_pylist()
    else:
        text = Path(path).read_text(encoding="utf-8")
        raw = [
            {k: (v if v != "" else None) for k, v in r.items()}
            for r in csv.DictReader(io.StringIO(text))
        ]
    rows = []
    for row in raw:
        for name in _ADDED_COLUMNS & columns.keys():
            row.setdefault(name, None)  # an export written before the column was added
        rows.append(
            {
                name: json.loads(row[name])
                if kind == "json" and row[name] is not None
                else row[name]
                for name, kind in columns.items()
            }
        )
    return rows


def _present(row: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The cells of ``names`` that hold a value (a missing cell takes the model's default)."""
    return {name: row[name] for name in names if row.get(name) is not None}


def read_claims_export(path: str | os.PathLike[str], format: Format) -> list[Claim]:
    """Read a claims export back into :class:`Claim` objects."""
    return [
        Claim.model_validate(_present(row, CLAIM_COLUMNS))
        for row in _read_rows(path, CLAIM_COLUMNS, format)
    ]


def read_comparison_export(path: str | os.PathLike[str], format: Format) -> Comparison:
    """Read a comparison export back into a :class:`Comparison`.

    The counts are recomputed: ``claims`` is the number of members and ``duplicates`` the
    number of claims merged into them, as :func:`~extractor.compare.compare` counts them.
    """
    clusters: dict[str, Cluster] = {}
    prompt_version = model = None
    for row in _read_rows(path, MEMBER_COLUMNS, format):
        member = ClusterMember.model_validate(_present(row, MEMBER_FIELDS))
        cluster = clusters.get(row["cluster_id"])
        if cluster is None:
            cluster = clusters[row["cluster_id"]] = Cluster(
                id=row["cluster_id"],
                relation=row["relation"],
                explanation=row["explanation"] or "",
                decided_by=row["decided_by"],
                checked=row.get("checked") is not False,  # an older export has no column
                sources=row["sources"] or [],
                members=[],
            )
        cluster.members.append(member)
        prompt_version = row.get("comparison_prompt_version")
        model = row.get("comparison_model")
    members = [m for c in clusters.values() for m in c.members]
    return Comparison(
        clusters=list(clusters.values()),
        claims=len(members),
        duplicates=sum(len(m.duplicates) for m in members),
        prompt_version=prompt_version,
        model=model,
    )
