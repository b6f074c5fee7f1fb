"""Incremental comparison in the store, and what changed since the last run.

Claims are written here by hand and saved as an extraction would save them; the
comparison uses the lexical embedder (fast, deterministic). End-to-end runs use the fake
OpenAI-compatible server, whose claims are the article's sentences.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from extractor import load_job, plan_job, run_job
from extractor.cli import main
from extractor.compare import CompareOptions, compare
from extractor.compare.embeddings import HashingEmbedder
from extractor.compare.facts import key_text
from extractor.compare.incremental import embedder_label
from extractor.io.report import render_report
from extractor.models import Article, ArticleResult, Claim, Relation
from extractor.runs.changes import find_changes
from extractor.runs.comparisons import update_comparison
from extractor.runs.results import RunInterrupted
from extractor.runs.store import Store
from extractor.testing import FakeCompletionServer, serving

from .corpus import sentence_settings, write_job

#: facts of three different stories; each tuple is (outlet, day, sentence)
FIRST = [
    ("Wire A", 1, "The Pentland ministry said 10,000 soldiers were sent to Norland."),
    ("Wire A", 1, "Harbour workers in Estavia went on strike over pay on Monday."),
    ("Wire B", 2, "Officials said 10,000 soldiers were sent to Norland by Pentland."),
    ("Wire B", 2, "The Valmora central bank raised its interest rate to 4 percent."),
    ("Wire C", 3, "Tessel has not confirmed that its troops crossed into Marlow."),
]
LATER = [
    ("Wire C", 4, "Intelligence officials said 12,000 soldiers were sent to Norland by Pentland."),
    ("Wire D", 5, "Tessel officially confirmed that its troops crossed into Marlow."),
]


def _article(outlet: str, day: int, text: str, url: str | None = None) -> Article:
    return Article.from_text(text, source=outlet, published=date(2024, 11, day), url=url)


def _save(store: Store, items: list[tuple[str, int, str]], run: int | None = None) -> list[Claim]:
    claims = []
    for outlet, day, sentence in items:
        article = _article(outlet, day, sentence)
        claim = Claim(article_id=article.id, text=sentence, quote=sentence, speaker="author")
        store.save_result(ArticleResult(article=article, claims=[claim]), "fp", run)
        claims.append(claim)
    return claims


def _groups(clusters: object) -> set[frozenset[str]]:
    return {
        frozenset(i for m in c.members for i in (m.claim_id, *m.duplicates))
        for c in clusters  # type: ignore[attr-defined]
    }


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "store.sqlite") as opened:
        yield opened


def test_the_first_comparison_is_full_and_the_next_with_nothing_new_does_nothing(
    store: Store,
) -> None:
    _save(store, FIRST)
    first = update_comparison(store, embedder=HashingEmbedder())
    assert first.work.mode == "full"
    assert first.work.reason == "no comparison was stored yet"
    assert first.work.claims_embedded == len(FIRST)
    again = update_comparison(store, embedder=HashingEmbedder())
    assert again.work.mode == "none"
    assert again.work.claims_embedded == 0
    assert again.after == [] and again.before == []
    assert store.latest_comparison() is not None


def test_new_claims_touch_only_the_clusters_they_come_near(store: Store) -> None:
    _save(store, FIRST)
    update_comparison(store, embedder=HashingEmbedder())
    stored = store.cluster_count()
    _save(store, LATER)
    update = update_comparison(store, embedder=HashingEmbedder())
    assert update.work.mode == "incremental"
    assert update.work.claims_embedded == len(LATER), "only the new claims are embedded"
    assert update.work.claims_assigned == len(LATER)
    # the deployment cluster and the Tessel denial are touched; the strike and the bank not
    touched_texts = {m.quote for c in update.before for m in c.members}
    assert not any("strike" in t or "interest rate" in t for t in touched_texts)
    assert len(update.before) == 2
    assert store.cluster_count() == stored  # both new claims joined existing facts


def test_an_incremental_comparison_groups_as_a_full_one_does(tmp_path: Path) -> None:
    with Store(tmp_path / "a.sqlite") as step:
        _save(step, FIRST)
        update_comparison(step, embedder=HashingEmbedder())
        _save(step, LATER)
        update_comparison(step, embedder=HashingEmbedder())
        incremental = step.latest_comparison()
        claims, meta = step.claims(), step.article_meta()
    full = compare(claims, articles=meta, embedder=HashingEmbedder())
    assert incremental is not None
    assert _groups(incremental.clusters) == _groups(full.clusters)
    relations = {c.id: c.relation for c in full.clusters}
    assert {c.id: c.relation for c in incremental.clusters} == relations
    assert Relation.numeric_discrepancy in relations.values()
    assert Relation.superseded in relations.values()


def test_a_changed_configuration_recomputes_all_and_reuses_the_vectors(store: Store) -> None:
    _save(store, FIRST)
    update_comparison(store, embedder=HashingEmbedder())
    update = update_comparison(
        store, embedder=HashingEmbedder(), options=CompareOptions(linkage_margin=0.05)
    )
    assert update.work.mode == "full"
    assert update.work.reason is not None and "configuration changed" in update.work.reason
    assert update.work.claims_embedded == 0, "vectors of the same embedder are reused"
    forced = update_comparison(
        store,
        embedder=HashingEmbedder(),
        options=CompareOptions(linkage_margin=0.05),
        full=True,
    )
    assert forced.work.mode == "full" and forced.work.reason == "a full recompute was asked for"


def test_a_removed_article_takes_its_claim_out_of_its_cluster(store: Store) -> None:
    claims = _save(store, FIRST)
    update_comparison(store, embedder=HashingEmbedder())
    store.remove_articles([claims[2].article_id])  # Wire B's deployment report
    update = update_comparison(store, embedder=HashingEmbedder())
    assert update.work.mode == "incremental"
    comparison = store.latest_comparison()
    assert comparison is not None
    ids = {i for c in comparison.clusters for m in c.members for i in (m.claim_id, *m.duplicates)}
    assert claims[2].id not in ids
    assert claims[0].id in ids
    assert len(ids) == len(FIRST) - 1


def test_a_new_claim_with_nothing_in_common_opens_a_cluster_of_its_own(store: Store) -> None:
    _save(store, FIRST)
    update_comparison(store, embedder=HashingEmbedder())
    before = store.cluster_count()
    _save(store, [("Wire E", 6, "Kinross opened a new railway bridge across the Dunmere river.")])
    update = update_comparison(store, embedder=HashingEmbedder())
    assert update.before == []
    assert len(update.after) == 1
    assert store.cluster_count() == before + 1


def test_the_changes_of_a_run_name_the_discrepancy_and_the_superseded_denial(
    store: Store,
) -> None:
    _save(store, FIRST)
    first = update_comparison(store, embedder=HashingEmbedder())
    changes = find_changes(first.before, first.after, first.new_claims)
    assert len(changes.new_facts) == 1  # the deployment, from two wires
    assert changes.new_discrepancies == [] and changes.superseded_denials == []
    new = _save(store, LATER)
    update = update_comparison(store, embedder=HashingEmbedder())
    changes = find_changes(update.before, update.after, update.new_claims, run_id=2)
    assert [c.relation for c in changes.new_discrepancies] == [Relation.numeric_discrepancy]
    discrepancy = changes.new_discrepancies[0]
    assert discrepancy.previous_relation is Relation.agree
    assert discrepancy.claims[0].claim_id == new[0].id, "the new claim is cited first"
    assert [c.relation for c in changes.superseded_denials] == [Relation.superseded]
    assert changes.superseded_denials[0].previous_relation is Relation.single_source
    # the Tessel crossing is now carried by two outlets, but it is told once, as superseded
    assert changes.new_facts == []
    assert changes.revised_numbers == []


def test_a_number_revised_by_the_same_outlet_is_a_change(store: Store) -> None:
    _save(store, FIRST)
    update_comparison(store, embedder=HashingEmbedder())
    revised = "The Pentland ministry now said 11,000 soldiers were sent to Norland."
    _save(store, [("Wire A", 6, revised)])
    update = update_comparison(store, embedder=HashingEmbedder())
    changes = find_changes(update.before, update.after, update.new_claims)
    assert len(changes.revised_numbers) == 1
    cited = changes.revised_numbers[0].claims
    assert [c.quote for c in cited] == [revised, FIRST[0][2]]
    assert {c.source for c in cited} == {"Wire A"}


# -- scheduled runs --------------------------------------------------------------------------


def _write(
    directory: Path, name: str, outlet: str, day: int, text: str, url: str | None = None
) -> Path:
    path = directory / name
    address = f"url: {url}\n" if url else ""
    path.write_text(
        f"---\nsource: {outlet}\npublished: 2024-11-{day:02d}\n{address}---\n{text}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def url() -> Iterator[str]:
    with serving(FakeCompletionServer()) as address:
        yield address


def test_two_runs_over_a_growing_corpus_do_only_the_new_work(
    tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n, (outlet, day, text) in enumerate(FIRST):
        _write(corpus, f"a{n}.txt", outlet, day, text)
    store = tmp_path / "state" / "store.sqlite"
    job = write_job(
        tmp_path / "job.toml", inputs=[corpus], store=store, settings=sentence_settings(url)
    )
    assert main(["run", str(job)]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["summary"]["changes"]["work"]["mode"] == "full"
    assert len(first["summary"]["changes"]["new_facts"]) == 1
    for n, (outlet, day, text) in enumerate(LATER):
        _write(corpus, f"b{n}.txt", outlet, day, text)
    assert main(["run", str(job)]) == 0
    second = json.loads(capsys.readouterr().out)
    work = second["summary"]["changes"]["work"]
    assert work["mode"] == "incremental"
    assert work["claims_embedded"] == len(LATER)
    assert work["claims_assigned"] == len(LATER)
    assert work["clusters_redecided"] == 2 < work["clusters_total"]
    assert second["summary"]["changes"]["since_run_id"] == str(first["run_id"])
    assert len(second["summary"]["changes"]["new_discrepancies"]) == 1
    assert len(second["summary"]["changes"]["superseded_denials"]) == 1
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "What changed since the last run" in report
    assert "Denials superseded (1)" in report
    # the store keeps each run's changes; `extractor changes` prints them
    assert main(["changes", "--store", str(store)]) == 0
    text = capsys.readouterr().out
    assert "comparison full" in text and "comparison incremental" in text
    assert "new discrepancy: numeric_discrepancy (was agree)" in text
    assert main(["changes", "--store", str(store), "--since", str(first["run_id"]), "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["run_id"] == str(second["run_id"])
    # a third run with nothing new compares nothing and says so
    assert main(["run", str(job)]) == 0
    third = json.loads(capsys.readouterr().out)
    assert third["summary"]["changes"]["work"]["mode"] == "none" and third["compared"] is False


def test_an_article_edited_at_the_same_path_is_a_silent_edit(
    tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    kept = "Union leaders said 4,000 harbour workers in Estavia went on strike on Monday."
    dropped = "Officials said the strike closed 2 container terminals in Estavia."
    added = "Officials said the strike closed 5 container terminals in Estavia."
    _write(corpus, "story.txt", "Wire A", 1, f"{kept} {dropped}")
    store = tmp_path / "store.sqlite"
    job = write_job(
        tmp_path / "job.toml", inputs=[corpus], store=store, settings=sentence_settings(url)
    )
    assert main(["run", str(job)]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["summary"]["changes"]["silent_edits"] == []
    _write(corpus, "story.txt", "Wire A", 1, f"{kept} {added}")
    assert main(["run", str(job)]) == 0
    second = json.loads(capsys.readouterr().out)
    [edit] = second["summary"]["changes"]["silent_edits"]
    assert edit["path"] == str(corpus / "story.txt")
    assert [c["quote"] for c in edit["added"]] == [added]
    assert [c["quote"] for c in edit["removed"]] == [dropped]
    with Store(store, readonly=True) as opened:
        assert [a.id for a in opened.articles()] == [edit["article_id"]], "the old text left"
        quotes = {c.quote for c in opened.claims()}
        comparison = opened.latest_comparison()
    assert quotes == {kept, added}
    assert comparison is not None
    assert {m.quote for c in comparison.clusters for m in c.members} == {kept, added}


_KEPT = "Union leaders said 4,000 harbour workers in Estavia went on strike on Monday."
_DROPPED = "Officials said the strike closed 2 container terminals in Estavia."
_ADDED = "Officials said the strike closed 5 container terminals in Estavia."


def _job(tmp_path: Path, url: str, inputs: list[Path], *, prune: bool = False) -> tuple[Path, Path]:
    """A job over ``inputs`` for the fake server, and its store."""
    store = tmp_path / "s.sqlite"
    job = write_job(
        tmp_path / "job.toml", inputs=inputs, store=store, settings=sentence_settings(url),
        prune=prune,
    )  # fmt: skip
    return job, store


def _run(job: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["run", str(job)]) == 0
    return dict(json.loads(capsys.readouterr().out))


def _edits(result: dict[str, Any]) -> list[tuple[list[str], list[str]]]:
    return [
        ([c["quote"] for c in e["added"]], [c["quote"] for c in e["removed"]])
        for e in result["summary"]["changes"]["silent_edits"]
    ]


def test_a_silent_edit_under_prune_still_lists_the_claims_it_removed(
    tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The older text is no input any more; pruning it first left the edit nothing to
    compare with."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write(corpus, "story.txt", "Wire A", 1, f"{_KEPT} {_DROPPED}")
    job, _ = _job(tmp_path, url, [corpus], prune=True)
    _run(job, capsys)
    _write(corpus, "story.txt", "Wire A", 1, f"{_KEPT} {_ADDED}")
    second = _run(job, capsys)
    assert _edits(second) == [([_ADDED], [_DROPPED])]
    assert second["pruned"] == []


def test_an_edit_whose_run_stopped_after_saving_it_is_told_by_the_next_run(
    tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write(corpus, "story.txt", "Wire A", 1, f"{_KEPT} {_DROPPED}")
    job, store = _job(tmp_path, url, [corpus])
    _run(job, capsys)
    _write(corpus, "story.txt", "Wire A", 1, f"{_KEPT} {_ADDED}")

    def stop(_: ArticleResult) -> None:
        raise KeyboardInterrupt  # right after the new text is saved

    with pytest.raises(RunInterrupted):
        run_job(load_job(job), on_result=stop)
    capsys.readouterr()
    third = _run(job, capsys)
    assert third["summary"]["articles"] == 0, "the new text was saved already"
    assert _edits(third) == [([_ADDED], [_DROPPED])]
    with Store(store, readonly=True) as opened:
        assert len(opened.articles()) == 1, "the older text left"


def test_two_inputs_at_one_url_are_no_edit_of_each_other(
    tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two files giving one URL (a page saved twice) both stay, and no run tells an edit."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    address = "https://news.example/strike"
    _write(corpus, "v1.txt", "Wire A", 1, f"{_KEPT} {_DROPPED}", url=address)
    job, store = _job(tmp_path, url, [corpus])
    _run(job, capsys)
    _write(corpus, "v2.txt", "Wire A", 1, f"{_KEPT} {_ADDED}", url=address)
    for _ in range(3):
        assert _edits(_run(job, capsys)) == []
        with Store(store, readonly=True) as opened:
            assert len(opened.articles()) == 2


def test_a_text_that_gained_a_url_in_its_edit_is_an_edit_of_the_same_file(
    tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write(corpus, "story.txt", "Wire A", 1, f"{_KEPT} {_DROPPED}")
    job, store = _job(tmp_path, url, [corpus])
    _run(job, capsys)
    _write(corpus, "story.txt", "Wire A", 1, f"{_KEPT} {_ADDED}", url="https://news.example/s")
    assert _edits(_run(job, capsys)) == [([_ADDED], [_DROPPED])]
    with Store(store, readonly=True) as opened:
        assert len(opened.articles()) == 1


def test_a_claim_written_again_is_embedded_again(store: Store) -> None:
    """A claim's id is its span, prompt and model: written again (a new template, another
    pipeline), it may key on another proposition, and its old vector must not stand in."""
    article = _article("Wire A", 1, "Officials in Pentland said 10,000 soldiers were sent.")
    text = article.text

    def claim(proposition: str) -> Claim:
        return Claim(
            article_id=article.id, text=text, quote=text, start=0, end=len(text),
            speaker="officials", prompt_version="p", model="m", proposition=proposition,
        )  # fmt: skip

    old, new = claim("The harvest festival drew crowds."), claim("10,000 soldiers were sent.")
    assert old.id == new.id
    embedder = HashingEmbedder()
    store.save_result(ArticleResult(article=article, claims=[old]), "fp1", None)
    update_comparison(store, embedder=embedder)
    store.save_result(ArticleResult(article=article, claims=[new]), "fp2", None)
    update_comparison(store, embedder=embedder)
    [vector] = store.vectors([new.id], embedder_label(embedder)).values()
    assert np.allclose(vector, embedder.encode([key_text(new)])[0])


def test_claims_extracted_again_by_another_model_are_no_news(store: Store) -> None:
    """New claim ids for the same quotes (another model) do not tell known facts again."""

    def save(model: str) -> set[str]:
        ids = set()
        for outlet, day, sentence in [*FIRST, *LATER]:
            article = _article(outlet, day, sentence)
            claim = Claim(
                article_id=article.id, text=sentence, quote=sentence, start=0,
                end=len(sentence), speaker="author", model=model,
            )  # fmt: skip
            store.save_result(ArticleResult(article=article, claims=[claim]), model, None)
            ids.add(claim.id)
        return ids

    first = save("one")
    update_comparison(store, embedder=HashingEmbedder())
    assert not save("another") & first
    update = update_comparison(store, embedder=HashingEmbedder())
    changes = find_changes(update.before, update.after, update.new_claims)
    assert {c.relation for c in update.after} >= {
        Relation.numeric_discrepancy,
        Relation.superseded,
    }
    assert changes.new_discrepancies == [] and changes.superseded_denials == []
    assert changes.new_facts == []


def test_the_same_number_of_another_noun_is_no_revision(store: Store) -> None:
    _save(
        store,
        [
            ("Wire A", 1, "Officials said 10,000 soldiers were sent to Norland by Pentland."),
            ("Wire B", 2, "The Pentland ministry said 10,000 soldiers were sent to Norland."),
        ],
    )
    update_comparison(store, embedder=HashingEmbedder())
    later = "Officials said 10,000 troops from Pentland were sent to Norland last week."
    _save(store, [("Wire A", 3, later)])
    update = update_comparison(store, embedder=HashingEmbedder())
    [cluster] = update.after
    assert later in {m.quote for m in cluster.members}
    assert find_changes(update.before, update.after, update.new_claims).revised_numbers == []


def test_the_report_lists_what_changed(store: Store) -> None:
    _save(store, FIRST)
    update_comparison(store, embedder=HashingEmbedder())
    _save(store, LATER)
    update = update_comparison(store, embedder=HashingEmbedder())
    changes = find_changes(update.before, update.after, update.new_claims, run_id=2, since_run_id=1)
    comparison = store.latest_comparison()
    html = render_report(store.articles(), store.claims(), comparison, changes=changes)
    section = html[html.index('<section id="changes">') : html.index('<section id="facts">')]
    assert "since the last run" in section
    assert "New discrepancies (1)" in section and "Denials superseded (1)" in section
    assert "12,000 soldiers" in section
    assert 'href="#f-' in section, "each change links to its fact"
    empty = find_changes([], [], set(), run_id=3, since_run_id=2)
    html = render_report(store.articles(), store.claims(), comparison, changes=empty)
    assert "Nothing changed since run 2" in html


def test_a_claim_whose_keys_are_all_too_common_waits_for_a_full_recompute(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extractor.runs import comparisons

    _save(store, FIRST)
    update_comparison(store, embedder=HashingEmbedder())
    monkeypatch.setattr(comparisons, "CANDIDATES_PER_CLAIM", 0)  # every key is too common
    _save(store, LATER[:1])
    update = update_comparison(store, embedder=HashingEmbedder())
    assert update.before == [] and len(update.after) == 1, "it opened a cluster of its own"
    full = update_comparison(store, embedder=HashingEmbedder(), full=True)
    [deployment] = [c for c in full.after if len(c.members) == 3]
    assert deployment.relation is Relation.numeric_discrepancy


def test_term_counts_kept_by_increments_match_a_full_recount(tmp_path: Path) -> None:
    """A shared name's rarity in an incremental run is weighed among all stored claims."""
    with Store(tmp_path / "s.sqlite") as step:
        _save(step, FIRST)
        first = update_comparison(step, embedder=HashingEmbedder())
        _save(step, LATER)
        update_comparison(step, embedder=HashingEmbedder())
        fingerprint = first.work.fingerprint
        assert fingerprint is not None
        terms = ["norla", "tesse", "estav", "valmo"]
        stepped = step.term_counts(fingerprint, terms)
        update_comparison(step, embedder=HashingEmbedder(), full=True)
        assert step.term_counts(fingerprint, terms) == stepped
    counts, total = stepped
    assert total == len(FIRST) + len(LATER)
    # a sentence's first word is no name (unless an acronym): "Tessel ..." opens two of them
    assert counts == {"norla": 3, "estav": 1, "valmo": 1}


def test_a_new_claim_finds_a_cluster_by_a_specific_number_it_names_differently(
    store: Store,
) -> None:
    """The new claim names no key term and counts "piracy suspects" where the stored one
    counts "pirates": only its specific number (23) files it where a full comparison would
    put it."""
    pirates = "Commandos captured 23 pirates off the coast after a chase, Indian officials said."
    _save(store, [("Wire A", 1, pirates), *FIRST[1:]])
    update_comparison(store, embedder=HashingEmbedder())
    suspects = "commandos captured 23 piracy suspects off the coast after a long chase."
    (new,) = _save(store, [("Wire B", 2, suspects)])
    update = update_comparison(store, embedder=HashingEmbedder())
    assert update.work.mode == "incremental"
    stored = _groups(store.stored_clusters())
    joined = next(group for group in stored if new.id in group)
    assert len(joined) == 2
    full = compare(store.claims(), articles=store.articles(), embedder=HashingEmbedder())
    assert joined in _groups(full.clusters)


def test_a_new_fact_code_could_not_check_says_so() -> None:
    """A cluster whose relation is code's guess is told as a new fact marked unchecked, in
    the run's changes and in their text."""
    from extractor.io.changes import format_changes
    from extractor.models import Cluster, ClusterMember, Stance

    members = [
        ClusterMember(
            claim_id=f"c{n}",
            article_id=f"a{n}",
            source=s,
            speaker="author",
            stance=Stance.asserted,
            text=t,
            quote=t,
        )  # fmt: skip
        for n, (s, t) in enumerate(
            [("Wire A", "The envoys left Norland."), ("Wire B", "Norland's guests went home.")]
        )
    ]
    loose = Cluster(
        id="loose", relation=Relation.agree, explanation="similar (unchecked: similarity 0.5)",
        members=members, sources=["Wire A", "Wire B"], checked=False,
    )  # fmt: skip
    changes = find_changes([], [loose], {"c0", "c1"}, run_id=1)
    (told,) = changes.new_facts
    assert not told.checked
    assert "agree (unchecked), cluster loose" in format_changes([changes])
    checked = loose.model_copy(update={"checked": True})
    assert find_changes([], [checked], {"c0", "c1"}).new_facts[0].checked


@pytest.mark.parametrize(
    ("stored", "new"),
    [
        # a vague plural is filed under every magnitude it spans
        (
            "Officials in Pentland said nearly 10,000 soldiers were sent to the border.",
            "officials said thousands of soldiers were sent to the border.",
        ),
        # a sum of money is one count in any currency
        (
            "Thieves took jewels worth 2 million euros from the Vendome store, Paris police said.",
            "thieves took jewels worth $2.6 million from the store, police said.",
        ),
    ],
)
def test_a_new_claim_naming_nothing_finds_the_cluster_its_count_belongs_to(
    store: Store, stored: str, new: str
) -> None:
    first = _save(store, [("Wire A", 1, stored), *FIRST[1:]])
    update_comparison(store, embedder=HashingEmbedder())
    (added,) = _save(store, [("Wire B", 2, new)])
    update = update_comparison(store, embedder=HashingEmbedder())
    assert update.work.mode == "incremental"
    joined = next(group for group in _groups(store.stored_clusters()) if added.id in group)
    full = compare(store.claims(), articles=store.articles(), embedder=HashingEmbedder())
    assert joined in _groups(full.clusters)
    assert first[0].id in joined


def test_count_keys_stay_few_from_zero_and_exist_below_it() -> None:
    from extractor.compare.facts import make_fact
    from extractor.compare.incremental import blocking_keys, query_keys
    from extractor.models import Quantity

    def counted(value: float, lower: float, upper: float) -> object:
        q = Quantity(raw="r", value=value, lower=lower, upper=upper, unit="degrees")
        claim = Claim(article_id="a", text="t", quote="t", quantities=[q])
        return make_fact(claim, source="s", published=None)

    from_zero = blocking_keys(counted(0, 0, 5), 3.0)  # type: ignore[arg-type]
    assert 0 < len(from_zero) <= 8
    below = blocking_keys(counted(-10, -10, -2), 3.0)  # type: ignore[arg-type]
    assert below and below & query_keys(counted(-5, -5, -5), 3.0)  # type: ignore[arg-type]


def test_changes_since_a_run_says_none_came_after_it() -> None:
    from extractor.io.changes import format_changes

    assert format_changes([], since=7) == "no run after run 7 has recorded changes in this store\n"
    assert "yet" in format_changes([])


def test_the_first_comparison_of_an_upgraded_store_tells_no_known_fact_again(
    tmp_path: Path,
) -> None:
    """A store from before clusters were kept (schema 2) holds its last comparison whole:
    that is what was known, and the facts in it are no news."""
    from .test_store_migrations import schema_two_store

    items = [(_article(o, d, t), t) for o, d, t in [*FIRST, *LATER]]
    results = [
        ArticleResult(article=a, claims=[Claim(article_id=a.id, text=t, quote=t, speaker="author")])
        for a, t in items
    ]
    claims = [c for r in results for c in r.claims]
    known = compare(claims, articles=[a for a, _ in items], embedder=HashingEmbedder())
    assert {c.relation for c in known.clusters} >= {Relation.numeric_discrepancy}
    path = tmp_path / "v2.sqlite"
    schema_two_store(path, known)
    with Store(path) as upgraded:
        for result in results:
            upgraded.save_result(result, "fp", None)
        update = update_comparison(upgraded, embedder=HashingEmbedder())
    assert update.work.mode == "full"
    changes = find_changes(update.before, update.after, update.new_claims)
    assert update.new_claims == set()
    assert changes.new_discrepancies == [] and changes.superseded_denials == []
    assert changes.new_facts == []


def test_a_corrected_date_is_stored_and_the_fact_decided_again(
    tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Same text and outlet (so the same article, not extracted again), a new date and URL:
    which report came first decides "superseded"."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    denial, confirmation = FIRST[4], LATER[1]
    _write(corpus, "denial.txt", *denial)
    _write(corpus, "confirmation.txt", *confirmation)
    job, store = _job(tmp_path, url, [corpus])
    _run(job, capsys)
    with Store(store, readonly=True) as opened:
        comparison = opened.latest_comparison()
    assert comparison is not None
    assert [c.relation for c in comparison.clusters] == [Relation.superseded]
    # the confirmation was in fact published first, at an address it now gives
    _write(
        corpus, "confirmation.txt", confirmation[0], 1, confirmation[2], url="https://d.example/t"
    )
    second = _run(job, capsys)
    assert second["summary"]["articles"] == 0, "nothing is extracted again"
    with Store(store, readonly=True) as opened:
        [article] = [a for a in opened.articles() if a.source == confirmation[0]]
        comparison = opened.latest_comparison()
    assert (article.published, article.url) == (date(2024, 11, 1), "https://d.example/t")
    assert comparison is not None
    assert Relation.superseded not in {c.relation for c in comparison.clusters}


def test_a_text_edited_twice_across_a_stopped_run_leaves_no_older_text(
    tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    job, store = _job(tmp_path, url, [corpus])
    _write(corpus, "story.txt", "Wire A", 1, f"{_KEPT} {_DROPPED}")
    _run(job, capsys)
    _write(corpus, "story.txt", "Wire A", 1, f"{_KEPT} {_ADDED}")

    def stop(_: ArticleResult) -> None:
        raise KeyboardInterrupt

    with pytest.raises(RunInterrupted):
        run_job(load_job(job), on_result=stop)
    capsys.readouterr()
    latest = "Officials said the strike closed 7 container terminals in Estavia."
    _write(corpus, "story.txt", "Wire A", 1, f"{_KEPT} {latest}")
    assert _edits(_run(job, capsys)) == [([latest], [_ADDED])]
    with Store(store, readonly=True) as opened:
        assert len(opened.articles()) == 1, "both older texts left"
    assert _edits(_run(job, capsys)) == []


def test_an_older_text_whose_input_cannot_be_read_is_no_edit(
    tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two folders give one URL; one is away for a run (a mount): its text stays, as
    pruning would keep it, and no edit is told."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    address = "https://news.example/strike"
    _write(first, "story.txt", "Wire A", 1, f"{_KEPT} {_DROPPED}", url=address)
    _write(second, "story.txt", "Wire A", 1, f"{_KEPT} {_ADDED}", url=address)
    job, store = _job(tmp_path, url, [first, second], prune=True)
    _run(job, capsys)
    first.rename(tmp_path / "away")
    assert main(["run", str(job)]) == 1  # the missing input is an error
    result = json.loads(capsys.readouterr().out)
    assert _edits(result) == [] and result["pruned"] == []
    with Store(store, readonly=True) as opened:
        assert len(opened.articles()) == 2


def test_a_dry_run_does_not_list_an_edited_texts_older_version_as_pruned(
    tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write(corpus, "story.txt", "Wire A", 1, f"{_KEPT} {_DROPPED}")
    job, _ = _job(tmp_path, url, [corpus], prune=True)
    _run(job, capsys)
    _write(corpus, "story.txt", "Wire A", 1, f"{_KEPT} {_ADDED}")
    planned = plan_job(load_job(job))
    assert planned.pruned == [] and len(planned.pending) == 1
    done = _run(job, capsys)
    assert done["pruned"] == [] and len(_edits(done)) == 1


def test_claims_removed_from_the_store_leave_the_name_counts(store: Store) -> None:
    """An incremental comparison weighs a name's rarity as a full one would: the claims of
    pruned or edited articles no longer count."""
    claims = _save(
        store,
        [
            ("Wire A", 1, "The Pentland ministry said 10,000 soldiers were sent to Norland."),
            ("Wire B", 2, "Officials said 10,000 soldiers were sent to Norland by Pentland."),
            ("Wire C", 3, "Officials in Norland said 400 homes burned."),
        ],
    )
    fingerprint = update_comparison(store, embedder=HashingEmbedder()).work.fingerprint
    store.remove_articles(c.article_id for c in claims[:2])
    update_comparison(store, embedder=HashingEmbedder())
    incremental = store.term_counts(fingerprint, ["norla", "pentl"])
    update_comparison(store, embedder=HashingEmbedder(), full=True)
    assert incremental == store.term_counts(fingerprint, ["norla", "pentl"]) == ({"norla": 1}, 1)


def test_a_revision_is_told_when_the_outlets_earlier_claim_was_another_outlets_duplicate(
    store: Store,
) -> None:
    """Wire copy: Wire A's first report is merged as a duplicate of Wire B's, and its own
    revision from 10,000 to 12,000 is still Wire A's."""
    sentence = "Officials said 10,000 soldiers were sent to Norland by Pentland."
    _save(store, [("Wire B", 1, sentence), ("Wire A", 2, sentence)])
    update_comparison(store, embedder=HashingEmbedder())
    later = "Intelligence officials said 12,000 soldiers were sent to Norland by Pentland."
    _save(store, [("Wire A", 3, later)])
    update = update_comparison(store, embedder=HashingEmbedder())
    assert [m.source for c in update.after for m in c.members if m.duplicates] == ["Wire B"]
    changes = find_changes(
        update.before, update.after, update.new_claims, duplicates=update.duplicates
    )
    [revision] = changes.revised_numbers
    assert [(c.source, c.quote, c.published) for c in revision.claims] == [
        ("Wire A", later, date(2024, 11, 3)),
        ("Wire A", sentence, date(2024, 11, 2)),
    ]
