"""One self-contained HTML page: the facts across sources first, then the articles with
their claims highlighted, then the comparison table.

::

    html = render_report(articles, claims, comparison)
    Path("report.html").write_text(html, encoding="utf-8")

The page needs nothing from outside: its CSS and its one small script are inline, and a
Content-Security-Policy allows exactly those two (by hash) and nothing else, so markup
that slipped into the page could not run or load anything. Every piece of article- and
model-derived text is escaped (Jinja2 autoescape, or :func:`markupsafe.escape`).

Each claim's quote is highlighted at its ``start``/``end`` in ``Article.text``, and its
speaker, where code found it named, at ``speaker_start``/``speaker_end`` (underlined). Spans
that nest are drawn nested; a span that crosses another one (starts inside it and ends
after it) is not drawn, and neither is one without offsets or outside the text: such
claims are still listed under their article with the reason. Claims with the very same
span share one highlight. Hovering, focusing or clicking a highlight shows its claims'
speaker, stance, quantities and text.

Each fact (a cluster; those with two or more sources first) shows its sources side by
side -- outlet, date, speaker, numbers, quote -- with its relation and the reason, and an
SVG timeline of its numbers by publication date (a point per number, a bar for a hedged
number's range), built here as escaped markup: no script, no style attribute. The page's
script filters the facts by relation, by source and (when some are unchecked: grouped
by similar wording, their relation code's guess) to those whose relation was decided;
the table by relation and decided-or-all.

A scheduled run's report opens with what changed since the previous run: new
discrepancies, superseded denials, numbers revised by the same source, new facts (each
citing its claims and linking to its fact), and articles silently edited at the same
address, with the claims their new text added and dropped.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape
from pydantic import ValidationError

from ..errors import InputError
from ..models import (
    Article,
    Claim,
    Cluster,
    Comparison,
    FactChange,
    Relation,
    RunChanges,
)
from .timeline import quantity_label, timeline

__all__ = ["load_comparison", "render_report"]

_ASSETS = files("extractor.io") / "templates"
#: reader-facing names of the relations, in the order the filter buttons show them
_RELATION_LABELS = {
    Relation.contradiction: "contradiction",
    Relation.superseded: "superseded",
    Relation.numeric_discrepancy: "numeric discrepancy",
    Relation.agree: "agree",
    Relation.single_source: "single source",
}


def render_report(
    articles: Sequence[Article],
    claims: Sequence[Claim],
    comparison: Comparison | None,
    *,
    title: str = "Claims across sources",
    changes: RunChanges | None = None,
) -> str:
    """The report as one HTML document (see the module docstring).

    Claims are shown under the article whose ``id`` is their ``article_id``; claims of
    articles not given are listed in a section of their own. ``comparison=None`` leaves
    the comparison out with a note saying so. ``changes`` (a scheduled run's) adds a
    section, first, on what changed since the previous run.
    """
    anchors = [f"claim-{n}" for n in range(len(claims))]
    anchor_of = {claim.id: anchor for claim, anchor in zip(claims, anchors, strict=True)}
    by_article: dict[str, list[_ClaimView]] = {a.id: [] for a in articles}
    orphans: list[_ClaimView] = []
    for claim, anchor in zip(claims, anchors, strict=True):
        view = _ClaimView(anchor, claim)
        by_article.get(claim.article_id, orphans).append(view)
    script, style = _asset("report.js"), _asset("report.css")
    facts = _facts(comparison)
    return _template().render(
        title=title,
        csp=_csp(script, style),
        script=Markup(script),
        style=Markup(style),
        articles=[_article_view(a, by_article[a.id]) for a in articles],
        orphans=orphans,
        claim_count=len(claims),
        comparison=comparison,
        relations=_relation_counts(comparison),
        facts=facts,
        fact_anchor={fact.cluster.id: fact.anchor for fact in facts},
        changes=changes,
        change_groups=_change_groups(changes),
        outlets=_outlets(comparison),
        labels={r.value: label for r, label in _RELATION_LABELS.items()},
        anchor_of=anchor_of,
        quantity=quantity_label,
        link=_is_link,
    )


def load_comparison(path: str | Path) -> Comparison:
    """A :class:`Comparison` from its JSON document (``extractor compare -o``)."""
    try:
        return Comparison.model_validate_json(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    except ValidationError as exc:
        raise InputError(
            f"{path}: not a comparison ({exc.error_count()} errors, first: "
            f"{exc.errors()[0]['msg']}); pass the JSON written by `extractor compare -o`"
        ) from None


@dataclass(frozen=True)
class _ClaimView:
    anchor: str
    claim: Claim
    #: why the claim is not highlighted, or None when it is
    unmarked: str | None = None


@dataclass
class _Mark:
    """One highlight: a span, the claims that share it, and the highlights nested in it."""

    start: int
    end: int
    anchors: list[str]
    children: list[_Mark] = field(default_factory=list)
    #: "quote" (a claim's evidence) or "speaker" (where a claim's speaker is named)
    kind: str = "quote"


@dataclass(frozen=True)
class _ArticleView:
    article: Article
    body: Markup
    claims: list[_ClaimView]


def _article_view(article: Article, claims: list[_ClaimView]) -> _ArticleView:
    size = len(article.text)
    spans: dict[tuple[int, int, str], list[str]] = {}
    unmarked: dict[str, str] = {}
    for view in claims:
        start, end = view.claim.start, view.claim.end
        if start is None or end is None:
            unmarked[view.anchor] = "no offsets: not highlighted"
        elif not 0 <= start < end <= size:
            unmarked[view.anchor] = f"offsets {start}..{end} are outside the text"
        else:
            spans.setdefault((start, end, "quote"), []).append(view.anchor)
        s_start, s_end = view.claim.speaker_start, view.claim.speaker_end
        if s_start is not None and s_end is not None and 0 <= s_start < s_end <= size:
            spans.setdefault((s_start, s_end, "speaker"), []).append(view.anchor)
    roots, crossing = _nest(spans)
    for anchor in crossing:
        unmarked[anchor] = "overlaps another highlight: not highlighted"
    ordered = sorted(
        claims, key=lambda v: (v.claim.start is None, v.claim.start or 0, v.claim.end or 0)
    )
    return _ArticleView(
        article=article,
        body=_highlight(article.text, roots, 0, size),
        claims=[_ClaimView(v.anchor, v.claim, unmarked.get(v.anchor)) for v in ordered],
    )


def _nest(spans: Mapping[tuple[int, int, str], list[str]]) -> tuple[list[_Mark], list[str]]:
    """Arrange spans as a forest of nested marks; spans crossing an earlier one are left out.

    Returns the top-level marks and the anchors of the quote spans left out (a speaker span
    that crosses a quote is simply not drawn: the claim still names its speaker).
    """
    roots: list[_Mark] = []
    crossing: list[str] = []
    open_marks: list[_Mark] = []  # the chain of marks enclosing the current position
    ordered = sorted(spans.items(), key=lambda s: (s[0][0], -s[0][1], s[0][2] != "quote"))
    for (start, end, kind), anchors in ordered:
        while open_marks and open_marks[-1].end <= start:
            open_marks.pop()
        if open_marks and end > open_marks[-1].end:
            if kind == "quote":
                crossing.extend(anchors)
            continue
        mark = _Mark(start, end, anchors, kind=kind)
        (open_marks[-1].children if open_marks else roots).append(mark)
        open_marks.append(mark)
    return roots, crossing


def _highlight(text: str, marks: Sequence[_Mark], start: int, end: int) -> Markup:
    """``text[start:end]`` escaped, with ``marks`` (inside that range) as ``<mark>`` elements."""
    parts: list[str] = []
    at = start
    for mark in marks:
        parts.append(_text(text[at : mark.start]))
        inner = _highlight(text, mark.children, mark.start, mark.end)
        if mark.kind == "speaker":
            tag = Markup('<mark class="speaker" title="speaker" data-speaker-of="{}">{}</mark>')
        else:
            tag = Markup('<mark class="hl" tabindex="0" data-claims="{}">{}</mark>')
        parts.append(tag.format(" ".join(mark.anchors), inner))
        at = mark.end
    parts.append(_text(text[at:end]))
    return Markup("").join(parts)


def _text(text: str) -> Markup:
    # A raw CR would be turned into LF by the HTML parser; a character reference survives.
    return Markup(str(escape(text)).replace("\r", "&#13;"))


def _is_link(url: str) -> bool:
    """Only web addresses become links; anything else (``javascript:``, ``file:``) is text."""
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in {"http", "https"} and bool(parts.netloc)


def _relation_counts(comparison: Comparison | None) -> list[tuple[str, int]]:
    """(relation, clusters) for the relations present, in display order."""
    if comparison is None:
        return []
    counts = {r: sum(c.relation is r for c in comparison.clusters) for r in _RELATION_LABELS}
    return [(r.value, n) for r, n in counts.items() if n]


@dataclass(frozen=True)
class _FactView:
    anchor: str
    cluster: Cluster
    #: the inline SVG timeline of the fact's numbers, or None when it has no dated number
    timeline: Markup | None


def _facts(comparison: Comparison | None) -> list[_FactView]:
    """Each fact, those with two or more sources first, those whose relation was decided
    before the unchecked ones (otherwise in comparison order)."""
    if comparison is None:
        return []
    numbered = [(f"f-{n}", c) for n, c in enumerate(comparison.clusters, 1)]
    ordered = sorted(
        numbered, key=lambda item: (len(set(_sources(item[1]))) < 2, not item[1].checked)
    )
    return [_FactView(anchor, cluster, timeline(cluster)) for anchor, cluster in ordered]


def _change_groups(changes: RunChanges | None) -> list[tuple[str, list[FactChange]]]:
    """The run's fact changes by kind, in the order a reader looks at them; empty kinds out."""
    if changes is None:
        return []
    groups = [
        ("New discrepancies", changes.new_discrepancies),
        ("Denials superseded", changes.superseded_denials),
        ("Numbers revised by the same source", changes.revised_numbers),
        ("New facts across sources", changes.new_facts),
    ]
    return [(label, items) for label, items in groups if items]


def _sources(cluster: Cluster) -> list[str]:
    return [m.source or m.article_id for m in cluster.members]


def _outlets(comparison: Comparison | None) -> list[str]:
    """The outlets of all facts, each once, in order of first appearance."""
    if comparison is None:
        return []
    return list(dict.fromkeys(s for c in comparison.clusters for s in _sources(c)))


def _csp(script: str, style: str) -> str:
    """A policy that runs only our one script and applies only our one style sheet."""
    return (
        "default-src 'none'; "
        f"script-src '{_sha256(script)}'; style-src '{_sha256(style)}'; "
        "base-uri 'none'; form-action 'none'"
    )


def _sha256(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


@cache
def _asset(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


@cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.from_string(_asset("report.html.jinja"))
