"""The HTML report in a real headless Chromium: rendering, highlights, filtering, injection.

Drives Debian's ``/usr/bin/chromium`` through Playwright (no browser download: CI installs
the ``chromium`` package, see ``.ci/run``). Without it these tests fail, saying so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from extractor.io.report import render_report
from extractor.models import Comparison

from .report_inputs import (
    HOSTILE,
    hostile_article,
    sample_articles,
    sample_claims,
    sample_comparison,
)

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium; "
            "install it with `apt-get install -y chromium`"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@dataclass
class Loaded:
    """A report open in a tab, with what it logged as errors and the URLs it loaded."""

    page: Page
    url: str
    errors: list[str] = field(default_factory=list)
    loaded: list[str] = field(default_factory=list)  # requests that got a response


Loader = Callable[[str], Loaded]


@pytest.fixture
def load(browser: Browser, tmp_path: Path) -> Iterator[Loader]:
    pages: list[Page] = []

    def open_(html: str) -> Loaded:
        path = tmp_path / f"report-{len(pages)}.html"
        path.write_text(html, encoding="utf-8")
        page = browser.new_page()
        pages.append(page)
        loaded = Loaded(page, path.as_uri())

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                loaded.errors.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: loaded.errors.append(str(error)))
        page.on("requestfinished", lambda request: loaded.loaded.append(request.url))
        page.goto(loaded.url)
        page.wait_for_function("document.documentElement.dataset.ready === 'true'", timeout=5000)
        page.wait_for_load_state("networkidle")
        assert loaded.loaded == [loaded.url], "the report loaded something besides itself"
        return loaded

    yield open_
    for page in pages:
        page.close()


def _sample_html(comparison: Comparison | None = None) -> str:
    return render_report(sample_articles(), sample_claims(), comparison or sample_comparison())


def test_the_page_renders(load: Loader) -> None:
    loaded = load(_sample_html())
    headings = loaded.page.locator("h3.article-title").all_text_contents()
    assert headings == [a.title or a.source for a in sample_articles()]
    bodies = loaded.page.locator("div.text").evaluate_all("ds => ds.map(d => d.textContent)")
    assert bodies == [a.text for a in sample_articles()]
    assert loaded.page.locator("tr.cluster").count() == len(sample_comparison().clusters)
    assert loaded.errors == []


def test_highlights_sit_on_their_text(load: Loader) -> None:
    loaded = load(_sample_html())
    marks = loaded.page.locator("mark.hl").evaluate_all(
        "ms => ms.map(m => [m.dataset.claims, m.textContent])"
    )
    claims = {f"claim-{n}": c for n, c in enumerate(sample_claims())}
    texts = {a.id: a.text for a in sample_articles()}
    assert sorted(a for anchors, _ in marks for a in anchors.split()) == sorted(claims)
    for anchors, shown in marks:
        for anchor in anchors.split():
            claim = claims[anchor]
            assert shown == texts[claim.article_id][claim.start : claim.end]


def test_hovering_and_clicking_a_highlight_show_the_claim(load: Loader) -> None:
    loaded = load(_sample_html())
    page, tip = loaded.page, loaded.page.locator("#tip")
    claim = sample_claims()[0]
    mark = page.locator('mark.hl[data-claims="claim-0"]')
    assert tip.is_hidden()
    mark.hover()
    assert tip.is_visible()
    shown = tip.inner_text()
    assert claim.text in shown and claim.speaker in shown
    assert claim.stance is not None and claim.stance.value in shown
    assert "‘as many as 10,000 troops’ → 10,000, range 0 to 10,000" in shown
    page.mouse.move(0, 0)
    assert tip.is_hidden()
    mark.click()  # pins it
    page.mouse.move(0, 0)
    assert tip.is_visible()
    page.keyboard.press("Escape")
    assert tip.is_hidden()
    assert loaded.errors == []


def test_filtering_by_relation_hides_the_other_rows(load: Loader) -> None:
    loaded = load(_sample_html())
    page = loaded.page
    relations = [c.relation.value for c in sample_comparison().clusters]
    assert len(set(relations)) >= 2
    for relation in sorted(set(relations)):
        page.locator(f'button.filter[data-relation="{relation}"]').click()
        visible = page.locator("tr.cluster:visible").evaluate_all(
            "rows => rows.map(r => r.dataset.relation)"
        )
        assert visible == [r for r in relations if r == relation]
        pressed = page.locator('button.filter[aria-pressed="true"]').all()
        assert [b.get_attribute("data-relation") for b in pressed] == [relation]
    page.locator('button.filter[data-relation="all"]').click()
    assert page.locator("tr.cluster:visible").count() == len(relations)


def test_markup_in_an_article_is_shown_not_run(load: Loader) -> None:
    article, claims = hostile_article()
    loaded = load(render_report([article], claims, None))
    page = loaded.page
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("div.text").text_content() == HOSTILE
    assert page.locator("h3.article-title").text_content() == article.title
    assert page.locator("p.meta .source").text_content() == article.source
    assert page.locator("main img, main script, main b, main a.url").count() == 0
    marks = page.locator("mark.hl").evaluate_all("ms => ms.map(m => m.textContent)")
    assert marks == [c.quote for c in claims]
    page.locator("mark.hl").first.hover()
    assert '<img src=x onerror="x()">' in page.locator("#tip").inner_text()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert loaded.errors == []


def test_the_policy_stops_markup_that_escaped_escaping(load: Loader) -> None:
    """Were escaping to fail, the Content-Security-Policy would still stop the markup."""
    injected = (
        "<script>window.__pwned=1</script>"
        '<img src="x" onerror="window.__pwned=2">'
        '<a id="js" href="javascript:window.__pwned=3">x</a>'
        '<p style="display:none" id="styled">styled</p>'
        "<style>main { display: none }</style>"
    )
    html = _sample_html().replace("<main>", "<main>" + injected, 1)
    loaded = load(html)  # the report's own script still runs (it sets data-ready)
    page = loaded.page
    page.locator("#js").click()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("main").is_visible()
    assert page.locator("#styled").is_visible()
    assert loaded.errors and all("Content Security Policy" in e for e in loaded.errors)


def _cross_source(comparison: Comparison) -> list[str]:
    return [c.relation.value for c in comparison.clusters if len(set(c.sources)) >= 2]


def test_the_facts_view_comes_first_with_its_timelines(load: Loader) -> None:
    comparison = sample_comparison()
    loaded = load(_sample_html())
    page = loaded.page
    facts = page.locator("article.fact")
    assert facts.count() == len(comparison.clusters)
    first_fact = facts.first.bounding_box()
    first_article = page.locator("article.article").first.bounding_box()
    assert first_fact and first_article and first_fact["y"] < first_article["y"]
    shown = facts.evaluate_all("fs => fs.map(f => f.dataset.relation)")
    assert shown[: len(_cross_source(comparison))] == _cross_source(comparison)
    dated = [c for c in comparison.clusters if any(m.published and m.quantities for m in c.members)]
    assert dated, "the samples should give a fact with dated numbers"
    points = page.locator("svg.timeline circle.point")
    assert points.count() == sum(len(m.quantities) for c in dated for m in c.members if m.published)
    for n in range(points.count()):
        box = points.nth(n).bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0
    assert loaded.errors == []


def test_filtering_facts_by_relation_hides_the_others(load: Loader) -> None:
    page = load(_sample_html()).page
    relations = page.locator("article.fact").evaluate_all("fs => fs.map(f => f.dataset.relation)")
    for relation in sorted(set(relations)):
        page.locator(f'button.filter[data-relation="{relation}"]').click()
        visible = page.locator("article.fact:visible").evaluate_all(
            "fs => fs.map(f => f.dataset.relation)"
        )
        assert visible == [r for r in relations if r == relation]
    page.locator('button.filter[data-relation="all"]').click()
    assert page.locator("article.fact:visible").count() == len(relations)


def test_filtering_facts_by_source_hides_the_others(load: Loader) -> None:
    comparison = sample_comparison()
    page = load(_sample_html()).page
    outlets = {m.source or m.article_id for c in comparison.clusters for m in c.members}
    assert len(outlets) >= 2
    for outlet in sorted(outlets):
        page.locator("button.source-filter").filter(
            has_text=re.compile(f"^{re.escape(outlet)}$")
        ).click()
        visible = page.locator("article.fact:visible").count()
        expected = sum(
            any((m.source or m.article_id) == outlet for m in c.members)
            for c in comparison.clusters
        )
        assert visible == expected
        sources = page.locator("article.fact:visible").evaluate_all(
            "fs => fs.map(f => [...f.querySelectorAll('.fact-member')].map(m => m.dataset.source))"
        )
        assert all(outlet in s for s in sources)
    page.locator('button.source-filter[data-source=""]').click()
    assert page.locator("article.fact:visible").count() == len(comparison.clusters)


def test_decided_only_hides_the_unchecked_facts_and_rows(load: Loader) -> None:
    comparison = sample_comparison()
    first = comparison.clusters[0].model_copy(update={"checked": False})
    comparison = comparison.model_copy(update={"clusters": [first, *comparison.clusters[1:]]})
    page = load(_sample_html(comparison)).page
    facts = page.locator("article.fact")
    assert page.locator("article.fact:visible").count() == len(comparison.clusters)
    page.locator('button.checked-filter[data-checked="true"]').click()
    visible = page.locator("article.fact:visible").evaluate_all(
        "fs => fs.map(f => f.dataset.checked)"
    )
    assert visible == ["true"] * (len(comparison.clusters) - 1)
    assert page.locator("tr.cluster:visible").count() == len(comparison.clusters) - 1
    page.locator('button.checked-filter[data-checked=""]').click()
    assert facts.locator("xpath=self::*[not(@hidden)]").count() == len(comparison.clusters)
