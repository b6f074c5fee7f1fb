"""The HTML report without a browser: escaping, offsets, overlapping spans, edge cases, CLI.

The page is read back with the standard library's HTML parser, which decodes character
references the way a browser does, so "the text shown" is checked, not the source.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

import extractor
from extractor.cli import main
from extractor.errors import InputError
from extractor.io.report import load_comparison, render_report
from extractor.models import (
    Article,
    ArticleResult,
    Claim,
    Cluster,
    ClusterMember,
    Comparison,
    Quantity,
    Relation,
    Stance,
)
from extractor.runs.store import Store
from extractor.settings import Settings

from .report_inputs import (
    HOSTILE,
    hostile_article,
    sample_articles,
    sample_claims,
    sample_comparison,
)


class _Page(HTMLParser):
    """What a reader sees: article bodies, highlights with their text, rows, links, scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bodies: list[str] = []
        self.marks: list[tuple[list[str], str]] = []  # (claim anchors, text), document order
        self.rows: list[str] = []
        self.links: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.items: dict[str, str] = {}  # claim anchor -> text of its list item
        self.csp = ""
        self._open: list[tuple[str, list[str]]] = []  # (kind, collected text) per open capture
        self._depth: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        kind = ""
        if tag == "div" and "text" in classes:
            kind = "body"
        elif tag == "mark":
            kind = "mark:" + (a.get("data-claims") or "")
        elif tag == "script":
            self.scripts.append((a, ""))
            kind = "script"
        elif tag == "li" and "claim" in classes:
            kind = "item:" + (a.get("id") or "")
        elif tag == "tr" and a.get("data-relation"):
            self.rows.append(a["data-relation"] or "")
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        elif tag == "meta" and a.get("http-equiv") == "Content-Security-Policy":
            self.csp = a.get("content") or ""
        if tag in {"meta", "img", "br", "input", "link"}:
            return
        self._depth.append(tag)
        self._open.append((kind, []))

    def handle_endtag(self, tag: str) -> None:
        assert self._depth and self._depth[-1] == tag, f"</{tag}> closes {self._depth[-1:]}"
        self._depth.pop()
        kind, parts = self._open.pop()
        text = "".join(parts)
        if kind == "body":
            self.bodies.append(text)
        elif kind.startswith("mark:"):
            self.marks.append((kind[5:].split(), text))
        elif kind == "script":
            self.scripts[-1] = (self.scripts[-1][0], text)
        elif kind.startswith("item:"):
            self.items[kind[5:]] = text

    def handle_data(self, data: str) -> None:
        for kind, parts in self._open:
            if kind:
                parts.append(data)


def _page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    assert page._depth == [], page._depth
    return page


def _claim(article: Article, start: int | None, end: int | None, text: str = "c") -> Claim:
    quote = article.text[start:end] if start is not None else "not in the text"
    return Claim(article_id=article.id, text=text, quote=quote, start=start, end=end)


@pytest.fixture(scope="module")
def sample_page() -> _Page:
    return _page(render_report(sample_articles(), sample_claims(), sample_comparison()))


def test_render_report_is_exported() -> None:
    assert extractor.render_report is render_report
    assert "render_report" in extractor.__all__


def test_article_bodies_are_shown_verbatim(sample_page: _Page) -> None:
    assert sample_page.bodies == [a.text for a in sample_articles()]


def test_each_highlight_covers_its_claims_span(sample_page: _Page) -> None:
    claims = {f"claim-{n}": c for n, c in enumerate(sample_claims())}
    texts = {a.id: a.text for a in sample_articles()}
    assert sorted(a for anchors, _ in sample_page.marks for a in anchors) == sorted(claims)
    for anchors, shown in sample_page.marks:
        for anchor in anchors:
            claim = claims[anchor]
            assert claim.start is not None and claim.end is not None
            assert shown == texts[claim.article_id][claim.start : claim.end] == claim.quote


def test_claim_details_are_listed(sample_page: _Page) -> None:
    item = sample_page.items["claim-0"]
    assert "as many as 10,000 troops" in item
    assert "asserted" in item and "author" in item
    assert "‘as many as 10,000 troops’ → 10,000, range 0 to 10,000" in item  # the hedge


def test_one_table_row_per_fact(sample_page: _Page) -> None:
    comparison = sample_comparison()
    assert sample_page.rows == [c.relation.value for c in comparison.clusters]
    assert len(set(sample_page.rows)) >= 2  # enough to filter


def test_the_policy_runs_only_the_inline_script(sample_page: _Page) -> None:
    (attrs, source), *others = sample_page.scripts
    assert others == [] and attrs == {}
    digest = base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode()
    policy = dict(p.strip().split(" ", 1) for p in sample_page.csp.split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == f"'sha256-{digest}'"
    assert policy["style-src"].startswith("'sha256-")
    assert policy["base-uri"] == "'none'"


def test_the_page_loads_nothing_from_outside() -> None:
    html = render_report(sample_articles(), sample_claims(), sample_comparison())
    assert not re.search(r"\b(src|srcset|action)\s*=", html, re.I)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert not re.search(r"https?://", html)  # the samples have no URLs


def test_hostile_text_is_escaped_everywhere() -> None:
    article, claims = hostile_article()
    member = ClusterMember(
        claim_id=claims[0].id,
        article_id=article.id,
        source=article.source,
        speaker=claims[0].speaker,
        stance=Stance.asserted,
        text="<i>x</i>",
        quote=claims[0].quote,
        quantities=[Quantity(raw="<u>5</u>", value=5)],
    )
    cluster = Cluster(
        id="c1",
        relation=Relation.single_source,
        explanation="<script>window.__pwned=6</script>",
        members=[member],
        sources=[article.source],
    )
    html = render_report(
        [article], claims, Comparison(clusters=[cluster]), title="<script>alert(1)</script>"
    )
    for raw in ("<script>window", "<img", "<b>", "<b on", "<i>", "<u>", "<script>alert"):
        assert raw not in html, raw
    assert "javascript:" not in _page(html).links
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    page = _page(html)
    assert page.bodies == [HOSTILE]
    assert [text for _, text in page.marks] == [c.quote for c in claims]
    assert '<img src=x onerror="x()">' in page.items["claim-0"]  # the speaker, as text
    assert "&lt;b onmouseover=&#34;window.__pwned=3&#34;&gt;Evil&lt;/b&gt; Outlet" in html


def test_only_web_addresses_become_links() -> None:
    web = Article.from_text("Text.", source="A", url="https://example.org/a?b=1&c=2")
    other = Article.from_text("Text 2.", source="B", url="file:///etc/passwd")
    page = _page(render_report([web, other], [], None))
    assert page.links.count("https://example.org/a?b=1&c=2") == 1
    assert not any(link.startswith("file:") for link in page.links)


def test_nested_and_crossing_spans() -> None:
    article = Article.from_text("0123456789abcdefghij", source="S")
    outer = _claim(article, 0, 10, "outer")
    inner = _claim(article, 2, 5, "inner")
    twin = _claim(article, 2, 5, "same span as inner")
    crossing = _claim(article, 8, 15, "crosses outer")
    after = _claim(article, 15, 20, "after")
    page = _page(render_report([article], [outer, inner, twin, crossing, after], None))
    # inner marks close before outer ones, so the parser reports them first
    assert page.marks == [
        (["claim-1", "claim-2"], "234"),
        (["claim-0"], "0123456789"),
        (["claim-4"], "fghij"),
    ]
    assert page.bodies == [article.text]
    assert "overlaps another highlight" in page.items["claim-3"]
    assert "overlaps" not in page.items["claim-1"]


def test_claims_without_usable_offsets_are_listed_not_highlighted() -> None:
    article = Article.from_text("Short text here.", source="S")
    no_offsets = _claim(article, None, None, "no offsets")
    outside = Claim(article_id=article.id, text="t", quote="q", start=5, end=99)
    elsewhere = Claim(article_id="missing", text="orphan claim", quote="q")
    page = _page(render_report([article], [no_offsets, outside, elsewhere], None))
    assert page.marks == []
    assert "no offsets" in page.items["claim-0"]
    assert "outside the text" in page.items["claim-1"]
    assert "orphan claim" in page.items["claim-2"]


def test_a_carriage_return_survives_the_html_parser() -> None:
    article = Article(id="a", source="S", text="one\r\ntwo\rthree")
    assert _page(render_report([article], [], None)).bodies == [article.text]


@pytest.mark.parametrize(
    ("comparison", "message"),
    [(None, "No comparison was given"), (Comparison(), "found no facts")],
)
def test_without_facts_there_is_no_table(comparison: Comparison | None, message: str) -> None:
    html = render_report(sample_articles(), sample_claims(), comparison)
    assert message in html
    assert "<table" not in html and 'class="filter' not in html


def test_nothing_at_all_still_renders() -> None:
    page = _page(render_report([], [], None, title="Empty"))
    assert page.bodies == [] and page.marks == [] and page.rows == []


def test_quantities_and_dates_in_the_table() -> None:
    member = ClusterMember(
        claim_id="x",
        article_id="a",
        source="Outlet",
        published=date(2024, 11, 2),
        speaker="Pentagon",
        stance=Stance.reported,
        text="About 10,000 troops.",
        quote="about 10,000 troops",
        quantities=[Quantity(raw="about 10,000 troops", value=10_000, lower=9_000, upper=11_000)],
    )
    cluster = Cluster(
        id="c", relation=Relation.agree, explanation="e", members=[member], sources=["Outlet"]
    )
    member.quantities += [
        Quantity(raw="more than 3,000 men", value=3_000, unit="men", lower=3_000),
        Quantity(raw="5%", value=5, unit="percent", upper=5),
        Quantity(raw="1.5 million shells", value=1_500_000, unit="shells"),
    ]
    html = render_report([], [], Comparison(clusters=[cluster]))
    assert "2024-11-02" in html and "Pentagon" in html
    assert "‘about 10,000 troops’ → 10,000, range 9,000 to 11,000" in html
    assert "‘more than 3,000 men’ → 3,000, at least 3,000" in html
    assert "‘5%’ → 5 percent, at most 5" in html
    assert "‘1.5 million shells’ → 1,500,000<" in html


def _write_results(path: Path) -> None:
    articles, claims = sample_articles(), sample_claims()
    lines = [
        ArticleResult(article=a, claims=[c for c in claims if c.article_id == a.id])
        for a in articles
    ]
    lines.append(ArticleResult(article=None, origin="broken.txt", status="failed"))
    path.write_text("".join(r.model_dump_json() + "\n" for r in lines), encoding="utf-8")


def test_load_comparison(tmp_path: Path) -> None:
    path = tmp_path / "comparison.json"
    path.write_text(sample_comparison().model_dump_json(indent=2), encoding="utf-8")
    assert load_comparison(path) == sample_comparison()
    path.write_text('{"clusters": 3}', encoding="utf-8")
    with pytest.raises(InputError, match="comparison.json: not a comparison"):
        load_comparison(path)
    with pytest.raises(InputError, match="cannot read"):
        load_comparison(tmp_path / "missing.json")


def test_cli_writes_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write_results(tmp_path / "results.jsonl")
    (tmp_path / "comparison.json").write_text(sample_comparison().model_dump_json())
    out = tmp_path / "out" / "report.html"
    code = main(
        [
            "report",
            "--results",
            str(tmp_path / "results.jsonl"),
            "--comparison",
            str(tmp_path / "comparison.json"),
            "-o",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    page = _page(out.read_text(encoding="utf-8"))
    assert page.bodies == [a.text for a in sample_articles()]
    assert len(page.rows) == len(sample_comparison().clusters)
    assert "report.html" in capsys.readouterr().err


def test_cli_reports_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "results.jsonl").write_text("not json\n", encoding="utf-8")
    code = main(["report", "--results", str(tmp_path / "results.jsonl"), "-o", "-"])
    assert code == 2  # a file the command was given that cannot be used: a usage error
    assert "results.jsonl:1" in capsys.readouterr().err


def test_cli_reads_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store(tmp_path / "store.db") as store:
        run = store.begin_run(Settings(), fingerprint="f")
        for article in sample_articles():
            claims = [c for c in sample_claims() if c.article_id == article.id]
            store.save_result(ArticleResult(article=article, claims=claims), "f", run)
        store.save_comparison(run, sample_comparison())
    out = tmp_path / "report.html"
    code = main(["report", "--store", str(tmp_path / "store.db"), "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    page = _page(out.read_text(encoding="utf-8"))
    assert page.bodies == [a.text for a in sample_articles()]
    assert len(page.marks) == len(sample_claims())
    assert page.rows == [c.relation.value for c in sample_comparison().clusters]


def test_cli_needs_one_input(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--results", "r.jsonl", "--store", "s.db"])
    assert exit_.value.code == 2
    assert "not allowed with" in capsys.readouterr().err


def test_speaker_spans_are_marked_beside_their_quotes() -> None:
    text = "Maria Lopez runs the port. She said 40 ships docked. Rain fell."
    article = Article.from_text(text, source="S")
    quote_start = text.index("She said")
    quote_end = text.index("Rain") - 1
    named = Claim(
        article_id=article.id, text="40 ships docked.", quote=text[quote_start:quote_end],
        start=quote_start, end=quote_end, speaker="Maria Lopez", speaker_start=0, speaker_end=11,
    )  # fmt: skip
    author = _claim(article, text.index("Rain"), len(text), "rain")
    html = render_report([article], [named, author], None)
    speaker_mark = r'<mark class="speaker"[^>]*data-speaker-of="([^"]*)"[^>]*>([^<]*)</mark>'
    marks = re.findall(speaker_mark, html)
    assert marks == [("claim-0", "Maria Lopez")]  # the author has no span, so no mark
    assert _page(html).bodies == [text]  # marks change nothing a reader sees of the text


def _member(source: str, day: date, quote: str, *quantities: Quantity) -> ClusterMember:
    return ClusterMember(
        claim_id=f"{source}-{day}",
        article_id=source,
        source=source,
        published=day,
        speaker=f"{source} officials",
        stance=Stance.reported,
        text=quote.capitalize() + ".",
        quote=quote,
        quantities=list(quantities),
    )


def _troops(value: float, lower: float | None = None, upper: float | None = None) -> Quantity:
    return Quantity(raw=f"{value:,.0f} troops", value=value, lower=lower, upper=upper)


def _deployment() -> Cluster:
    members = [
        _member("Pentagon", date(2024, 10, 28), "about 10,000 troops", _troops(10_000)),
        _member("NIS", date(2024, 11, 4), "12,000 soldiers", _troops(12_000)),
        _member("Zelensky", date(2024, 10, 30), "nearly 10,000", _troops(9_500, 9_000, 10_000)),
    ]
    return Cluster(
        id="deployment",
        relation=Relation.numeric_discrepancy,
        explanation="10,000 (Pentagon, 2024-10-28) vs 12,000 (NIS, 2024-11-04)",
        members=members,
        sources=[m.source or "" for m in members],
    )


def _single() -> Cluster:
    member = _member("Babel", date(2024, 11, 1), "1,500 special forces", _troops(1_500))
    return Cluster(
        id="single",
        relation=Relation.single_source,
        explanation="one source",
        members=[member],
        sources=["Babel"],
    )


def _facts_of(html: str) -> list[tuple[str, str]]:
    """(fact anchor, relation) of each fact card, in page order."""
    return re.findall(r'<article class="fact" id="([^"]+)" data-relation="([^"]+)"', html)


def test_facts_come_first_cross_source_before_single_source() -> None:
    comparison = Comparison(clusters=[_single(), _deployment()])
    html = render_report(sample_articles(), [], comparison)
    assert html.index('id="facts"') < html.index('id="articles"')
    relations = [relation for _, relation in _facts_of(html)]
    assert relations == [Relation.numeric_discrepancy.value, Relation.single_source.value]


def test_a_fact_shows_its_sources_side_by_side_with_the_reason() -> None:
    cluster = _deployment()
    html = render_report([], [], Comparison(clusters=[cluster]))
    fact = html[html.index('<article class="fact"') : html.index("</article>")]
    page = _page(f"<div>{fact}</article></div>")
    assert page._depth == []
    for member in cluster.members:
        card = fact[fact.index(f'data-source="{member.source}"') :]
        for shown in (member.source, member.speaker, member.quote, str(member.published)):
            assert str(shown) in card
    assert cluster.explanation in fact and "numeric discrepancy" in fact


def _points(html: str) -> list[tuple[float, float, str, str, str]]:
    """(cx, cy, value, date, source) of each timeline point."""
    found = re.findall(
        r'<circle class="point" r="4" cx="([\d.]+)" cy="([\d.]+)" data-value="([^"]+)" '
        r'data-date="([^"]+)" data-source="([^"]+)">',
        html,
    )
    return [(float(x), float(y), v, d, s) for x, y, v, d, s in found]


def test_timeline_points_match_the_numbers_and_dates() -> None:
    cluster = _deployment()
    points = _points(render_report([], [], Comparison(clusters=[cluster])))
    expected = {
        (f"{q.value:,.0f}", str(m.published), m.source or "")
        for m in cluster.members
        for q in m.quantities
    }
    assert {(v, d, s) for _, _, v, d, s in points} == expected
    by_date = sorted(points, key=lambda p: p[3])
    assert [p[0] for p in by_date] == sorted(p[0] for p in points)  # later is further right
    assert len({p[0] for p in points}) == len(points)
    by_value = sorted(points, key=lambda p: float(p[2].replace(",", "")))
    assert [p[1] for p in by_value] == sorted((p[1] for p in points), reverse=True)  # higher up


def test_a_hedged_number_is_drawn_as_its_range() -> None:
    html = render_report([], [], Comparison(clusters=[_deployment()]))
    ranges = re.findall(
        r'<line class="range" data-lower="([^"]+)" data-upper="([^"]+)" '
        r'x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)">',
        html,
    )
    assert [(lo, up) for lo, up, *_ in ranges] == [("9,000", "10,000")]
    _, _, x1, y1, x2, y2 = ranges[0]
    (zelensky,) = [p for p in _points(html) if p[4] == "Zelensky"]
    assert float(x1) == float(x2) == zelensky[0]
    assert float(y1) > zelensky[1] > float(y2)  # the point sits inside its range


def test_no_timeline_without_dated_numbers() -> None:
    cluster = _deployment()
    undated = cluster.model_copy(
        update={"members": [m.model_copy(update={"published": None}) for m in cluster.members]}
    )
    html = render_report([], [], Comparison(clusters=[undated]))
    assert _facts_of(html) and "<svg" not in html and "undated" in html


def test_the_fact_view_escapes_hostile_text() -> None:
    evil = '<img src=x onerror="window.__pwned=1">'
    member = _member(evil, date(2024, 11, 1), f"quote {evil}", _troops(5))
    cluster = Cluster(
        id="x", relation=Relation.agree, explanation=evil, members=[member], sources=[evil]
    )
    html = render_report([], [], Comparison(clusters=[cluster]))
    assert "<img" not in html and "&lt;img" in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "&lt;img" in svg  # the point's title names the source, escaped
    page = _page(html)
    assert [a.get("src") for a, _ in page.scripts] == [None]


def test_the_timeline_needs_nothing_the_policy_blocks() -> None:
    html = render_report([], [], Comparison(clusters=[_deployment(), _single()]))
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 2
    for svg in svgs:
        assert not re.search(r"\s(style|on\w+|href|xlink:href)=", svg)
        assert "<script" not in svg and "<style" not in svg
    page = _page(html)
    assert len(page.scripts) == 1 and "'unsafe-inline'" not in page.csp
    assert " style=" not in html


def test_an_unchecked_fact_is_marked_and_comes_after_the_decided_ones() -> None:
    loose = _deployment().model_copy(
        update={"id": "loose", "relation": Relation.agree, "checked": False}
    )
    comparison = Comparison(clusters=[_single(), loose, _deployment()])
    html = render_report(sample_articles(), [], comparison)
    facts = re.findall(
        r'<article class="fact" id="[^"]+" data-relation="([^"]+)" data-checked="([^"]+)"', html
    )
    assert facts == [
        (Relation.numeric_discrepancy.value, "true"),
        (Relation.agree.value, "false"),
        (Relation.single_source.value, "true"),
    ]
    assert html.count("unchecked: grouped by similar wording") == 1
    assert 'class="checked-filter" data-checked="true"' in html
    # with every relation decided, there is nothing to filter out
    decided = render_report(sample_articles(), [], Comparison(clusters=[_deployment()]))
    assert 'class="checked-filter"' not in decided
