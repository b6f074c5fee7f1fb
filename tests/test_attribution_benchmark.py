"""Tests of benchmarks/polnear.py, the scoring of benchmarks/attribution.py, on tiny made-up
brat files (the PolNeAR data itself is never needed here)."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from extractor import Claim, Settings

from .benchmark_scripts import load_benchmark

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "attribution.py"


pn = load_benchmark("polnear")


# 0         1         2         3         4         5         6         7         8
# 012345678901234567890123456789012345678901234567890123456789012345678901234567890123
TEXT = (
    'Senator Jane Roe said the bill would pass. "It is a good bill," she added.\n'
    "The plan has faced ridicule online. Read the rest here."
)


def find(needle: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def t_line(tid: str, label: str, *pieces: tuple[int, int], text: str = TEXT) -> str:
    ranges = ";".join(f"{a} {b}" for a, b in pieces)
    return f"{tid}\t{label} {ranges}\t{' '.join(text[a:b] for a, b in pieces)}"


def sample_ann() -> str:
    return "\n".join(
        [
            t_line("T1", "Source", find("Senator Jane Roe")),
            t_line("T2", "Cue", find("said")),
            t_line("T3", "Content", find("the bill would pass")),
            t_line("T4", "Attribution", find("said")),
            "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
            t_line("T5", "Source", find("she")),
            t_line("T6", "Cue", find("added")),
            # discontinuous content plus a Content2 piece
            t_line("T7", "Content", find('"It is'), find('a good bill,"')),
            t_line("T8", "Attribution", find("added")),
            t_line("T9", "Content2", find("The plan")),
            "E2\tAttribution:T8 Content:T7 Content2:T9 Cue:T6 Source:T5",
            t_line("T10", "Attribution-no-source", find("has faced ridicule online")),
            t_line("T11", "Cue", find("has faced ridicule online")),
            t_line("T12", "Content", find("The plan")),
            "E3\tAttribution-no-source:T10 Content:T12 Cue:T11 ",  # trailing space, as in the data
            t_line("T13", "Discard", find("Read the rest here.")),
            t_line("T14", "Attribution-no-source", find("online")),
            "E4\tAttribution-no-source:T14 ",  # a bare anchor: left out
        ]
    )


# -- parsing -------------------------------------------------------------------------------


def test_parse_ann_reads_relations_roles_and_discontinuous_spans() -> None:
    annotation = pn.parse_ann(sample_ann())
    e1, e2, e3 = annotation.attributions
    assert e1.source is not None and e1.source.text == "Senator Jane Roe"
    assert e1.content == (find("the bill would pass"),)
    assert e1.cue is not None and e1.cue.text == "said"
    # Content pieces and Content2, merged and sorted
    assert e2.content == (find('"It is'), find('a good bill,"'), find("The plan"))
    assert e3.anchor == "Attribution-no-source" and e3.source is None
    assert [s.text for s in annotation.sources] == ["Senator Jane Roe", "she"]
    assert [s.text for s in annotation.discards] == ["Read the rest here."]
    assert annotation.incomplete == ("E4",)


def test_parse_ann_names_the_bad_line() -> None:
    with pytest.raises(ValueError, match="line 2"):
        pn.parse_ann("T1\tSource 0 4\tJane\nT2\tContent four 9\tx")
    with pytest.raises(ValueError, match="unknown span"):
        pn.parse_ann("T1\tContent 0 4\tJane\nE1\tAttribution:T9 Content:T1")


def test_nfc_offsets_map_raw_offsets_past_combining_marks() -> None:
    raw = "Jose\u0301 said: no. Ana\u0303 said yes."
    text, index = pn.nfc_offsets(raw)
    assert text == unicodedata.normalize("NFC", raw) and len(text) == len(raw) - 2
    assert len(index) == len(raw) + 1
    a, b = find("said yes", raw)
    assert text[index[a] : index[b]] == "said yes"
    a, b = find("Jose\u0301", raw)
    assert text[index[a] : index[b]] == "Jos\u00e9"


# -- matching ------------------------------------------------------------------------------


def test_match_needs_half_of_the_shorter_span() -> None:
    gold = ((0, 10),)
    assert pn.match([gold], [((5, 30),)]) == {0: 0}  # 5 of the shorter 10: exactly half
    assert pn.match([gold], [((6, 30),)]) == {}  # 4 of 10
    assert pn.match([gold], [((2, 4),)]) == {0: 0}  # a short claim wholly inside


def test_match_is_one_to_one_and_maximal() -> None:
    # one sentence-long claim cannot find two gold spans
    assert len(pn.match([((0, 10),), ((12, 20),)], [((0, 20),)])) == 1
    # gold 0 could take claim 0 or 1; gold 1 only claim 0: both are found
    pairs = pn.match([((0, 10),), ((20, 30),)], [((0, 30),), ((0, 10),)])
    assert pairs == {0: 1, 1: 0}


def test_overlap_counts_discontinuous_pieces() -> None:
    assert pn.overlap(((0, 5), (10, 15)), ((3, 12),)) == 4


# -- direct or indirect --------------------------------------------------------------------


def test_direct_and_indirect_content() -> None:
    text = 'She said "we will win this," and added that taxes would "maybe" rise.'
    assert pn.is_direct(text, (find("we will win this,", text),))
    assert pn.is_direct(text, (find('"we will win this,"', text),))
    # mostly paraphrase with a one-word quote
    assert not pn.is_direct(text, (find('taxes would "maybe" rise', text),))


def test_quote_open_at_a_paragraph_end_closes_there() -> None:
    text = '"First paragraph of a long quote.\n"Second one," he said. Not quoted.'
    assert pn.quoted_regions(text) == [(0, 33), (34, 47)]
    assert not pn.is_direct(text, (find("Not quoted", text),))


# -- sources -------------------------------------------------------------------------------


def test_same_phrase_is_normalised_whole_word_containment() -> None:
    assert pn.same_phrase("Donald  TRUMP", "donald trump")
    assert pn.same_phrase("Trump", "Republican nominee Donald Trump")
    assert pn.same_phrase("a Homeland Security Department official", "official")
    assert not pn.same_phrase("he", "the campaign")
    assert not pn.same_phrase("", "anyone")


def test_unknown_speakers() -> None:
    assert pn.is_unknown("author") and pn.is_unknown(" Author ") and pn.is_unknown("")
    assert not pn.is_unknown("no one") and not pn.is_unknown("the author of the bill")


def test_name_keys_keep_heads_not_modifiers() -> None:
    assert pn.name_keys("Donald Trump") == {"trump"}
    assert pn.name_keys("the European Union") == {"union"}
    assert pn.name_keys("Mr. Trump") == {"trump"}
    assert pn.name_keys("Gov. Mike Pence of Indiana") == {"pence", "indiana"}
    assert pn.name_keys("Donald Trump's campaign") == frozenset()
    assert pn.name_keys("the Trump campaign") == frozenset()
    assert pn.name_keys("Trump's aides") == frozenset()
    assert pn.name_keys("He") == frozenset()
    # a comma, a dash or a parenthesis ends a name: what follows describes it
    assert "clinton" in pn.name_keys("Clinton, the former secretary of State,")
    assert pn.name_keys("Kall -- co-editor of a book --") == {"kall"}
    assert pn.name_keys("Rep. Jane Roe (D-Md.)") >= {"roe"}
    # a possessive that ends the phrase is the owner of a saying noun
    assert pn.name_keys("Donald Trump’s") == {"trump"}


def test_a_possessive_source_is_its_owner() -> None:
    assert pn.same_phrase("Donald Trump", "Donald Trump’s")
    assert pn.same_phrase("Mrs. Clinton", "Mrs. Clinton's")
    assert not pn.same_phrase("Donald Trump", "Melania Trump's")


def test_a_relative_pronoun_source_is_its_antecedent() -> None:
    text = "Later that day, the crowd cheered Ted Cruz, who said the vote was rigged."
    at = text.index("who")
    who = pn.TextSpan("T1", "Source", ((at, at + 3),), "who")
    gold = attribution_for(who)
    right = pn.judge_source(gold, pn.Predicted(((0, 5),), "Ted Cruz"), (who,), text=text)
    assert (right.strict, right.lenient) == (False, True)
    wrong = pn.judge_source(gold, pn.Predicted(((0, 5),), "Jane Roe"), (who,), text=text)
    assert not wrong.lenient
    # without the text the antecedent is unknown
    assert not pn.judge_source(gold, pn.Predicted(((0, 5),), "Ted Cruz"), (who,)).lenient


def test_first_person_outside_quotes_is_the_writer() -> None:
    text = 'I think the plan fails. "I will win," Jane Roe said.'
    mine = pn.TextSpan("T1", "Source", ((0, 1),), "I")
    at = text.index('"I') + 1
    hers = pn.TextSpan("T2", "Source", ((at, at + 1),), "I")
    regions = pn.quoted_regions(text)
    writer = pn.judge_source(
        attribution_for(mine), pn.Predicted(((0, 5),), "author"), (mine, hers), None, text, regions
    )
    assert writer.lenient and not writer.strict
    quoted = pn.judge_source(
        attribution_for(hers), pn.Predicted(((0, 5),), "author"), (mine, hers), None, text, regions
    )
    assert not quoted.lenient


def spans(*texts: str) -> tuple[pn.TextSpan, ...]:
    """Source spans laid out in this order (offsets only need to keep the order)."""
    return tuple(
        pn.TextSpan(f"T{i}", "Source", ((i * 100, i * 100 + 10),), t) for i, t in enumerate(texts)
    )


def test_source_referents_follow_names_and_antecedents() -> None:
    sources = spans(
        "Indiana Gov. Mike Pence", "he", "Tim Kaine", "Kaine", "the senator", "Pence", "a source"
    )
    referents = pn.source_referents(sources)
    assert referents["T0"] == referents["T5"] == {"T0", "T5"}  # "Pence" shares the key
    assert referents["T1"] == {"T0", "T5"}  # "he" follows Pence
    assert referents["T4"] == {"T2", "T3"}  # "the senator" follows Kaine
    assert referents["T6"] == frozenset()  # an indefinite is someone new
    # no named source before: a pronoun refers to nothing known
    assert pn.source_referents(spans("she", "Jane Roe"))["T0"] == frozenset()


def test_a_shared_pronoun_does_not_merge_two_people() -> None:
    sources = spans("Jane Roe", "she", "John Doe", "she")
    referents = pn.source_referents(sources)
    assert referents["T1"] == {"T0"} and referents["T3"] == {"T2"}
    # the second "she" is John Doe's antecedent position: Jane Roe is not accepted there
    second = attribution_for(sources[3])
    assert not pn.judge_source(second, pn.Predicted(((0, 5),), "Jane Roe"), sources).lenient


def attribution_for(source: pn.TextSpan | None) -> pn.Attribution:
    return pn.Attribution("E1", "Attribution", ((0, 5),), None, source)


def test_lenient_accepts_the_named_antecedent_strict_does_not() -> None:
    sources = spans("Indiana Gov. Mike Pence", "he", "Tim Kaine")
    he = attribution_for(sources[1])
    right = pn.judge_source(he, pn.Predicted(((0, 5),), "Mike Pence"), sources)
    assert (right.strict, right.lenient) == (False, True)
    wrong = pn.judge_source(he, pn.Predicted(((0, 5),), "Tim Kaine"), sources)
    assert (wrong.strict, wrong.lenient) == (False, False)
    exact = pn.judge_source(he, pn.Predicted(((0, 5),), "He"), sources)
    assert exact.strict and exact.lenient


def test_lenient_accepts_a_shorter_description_of_the_same_source() -> None:
    sources = spans("the Central and East European Coalition, which represents 20 groups,")
    gold = attribution_for(sources[0])
    short = pn.judge_source(gold, pn.Predicted(((0, 5),), "the coalition"), sources)
    assert (short.strict, short.lenient) == (False, True)
    other = pn.judge_source(gold, pn.Predicted(((0, 5),), "the European Union"), sources)
    assert not other.lenient


def test_no_source_relations_want_author() -> None:
    none = attribution_for(None)
    assert pn.judge_source(none, pn.Predicted(((0, 5),), "author"), ()).strict
    verdict = pn.judge_source(none, pn.Predicted(((0, 5),), "Jane Roe"), ())
    assert not (verdict.strict or verdict.lenient or verdict.span)
    # and "author" is wrong where the annotator saw a source
    sources = spans("Jane Roe")
    assert not pn.judge_source(
        attribution_for(sources[0]), pn.Predicted(((0, 5),), "author"), sources
    ).lenient


def test_span_reading_counts_an_overlapping_speaker_span() -> None:
    sources = spans("a spokesman")  # offsets 0..10
    gold = attribution_for(sources[0])
    verdict = pn.judge_source(
        gold, pn.Predicted(((0, 5),), "the ministry", speaker_span=(2, 8)), sources
    )
    assert (verdict.strict, verdict.span) == (False, True)
    elsewhere = pn.judge_source(
        gold, pn.Predicted(((0, 5),), "the ministry", speaker_span=(40, 52)), sources
    )
    assert not elsewhere.span


# -- one document --------------------------------------------------------------------------


def test_score_counts_found_sources_discards_and_grounding() -> None:
    annotation = pn.parse_ann(sample_ann())
    claims = [
        pn.Predicted((find("Senator Jane Roe said the bill would pass."),), "Jane Roe"),
        pn.Predicted((find('"It is a good bill," she added.'),), "Jane Roe"),  # lenient only
        pn.Predicted((find("Read the rest here."),), "author"),  # boilerplate: a false positive
        pn.Predicted((), "author", grounded=False),
    ]
    doc = pn.score(TEXT, annotation, claims)
    assert [r.found for r in doc.records] == [True, True, False]
    e1, e2, _ = doc.records
    assert e1.verdict is not None and e1.verdict.strict and not e1.direct
    assert e2.verdict is not None and (e2.verdict.strict, e2.verdict.lenient) == (False, True)
    assert e2.direct
    assert (doc.claims, doc.matched, doc.in_discard, doc.grounded) == (4, 2, 1, 3)

    tally = pn.Tally()
    tally.add(doc)
    assert (tally.recall, tally.precision) == (pytest.approx(2 / 3), 0.5)
    assert tally.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert (tally.accuracy("strict"), tally.accuracy("lenient")) == (0.5, 1.0)
    assert tally.kinds["direct"].gold == 1 and tally.kinds["indirect"].found == 1
    assert tally.grounded_share == 0.75
    assert tally.figures()["by_kind"] == {
        "direct": {
            "gold": 1,
            "found": 1,
            "recall": 1.0,
            "source_strict": 0.0,
            "source_lenient": 1.0,
            "source_span": 0.0,
        },
        "indirect": {
            "gold": 2,
            "found": 1,
            "recall": 0.5,
            "source_strict": 1.0,
            "source_lenient": 1.0,
            "source_span": 1.0,
        },
    }


def test_stance_is_scored_against_denying_cues() -> None:
    text = "The mayor denied that taxes rose. She said schools closed."
    ann = "\n".join(
        [
            t_line("T1", "Source", find("The mayor", text), text=text),
            t_line("T2", "Cue", find("denied", text), text=text),
            t_line("T3", "Content", find("that taxes rose", text), text=text),
            t_line("T4", "Attribution", find("denied", text), text=text),
            "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
            t_line("T5", "Source", find("She", text), text=text),
            t_line("T6", "Cue", find("said", text), text=text),
            t_line("T7", "Content", find("schools closed", text), text=text),
            t_line("T8", "Attribution", find("said", text), text=text),
            "E2\tAttribution:T8 Content:T7 Cue:T6 Source:T5",
        ]
    )
    claims = [
        pn.Predicted(
            (find("The mayor denied that taxes rose.", text),), "the mayor", stance="denied"
        ),
        pn.Predicted((find("She said schools closed.", text),), "she", stance="asserted"),
    ]
    tally = pn.Tally()
    tally.add(pn.score(text, pn.parse_ann(ann), claims))
    assert (tally.denials, tally.accuracy("stance_right"), tally.accuracy("reported")) == (
        1,
        1.0,
        0.5,
    )
    assert pn.is_denial("has repeatedly denied") and pn.is_denial("rejects")
    assert not pn.is_denial("said Friday")


def test_word_f1_scores_a_proposition_against_what_was_said() -> None:
    assert pn.word_f1("The bill would pass.", "the bill would pass") == 1.0
    assert pn.word_f1("Taxes rose.", "the bill would pass") == 0.0
    # half of the words stated, nothing else: precision 1, recall 1/2
    assert pn.word_f1("the bill", "the bill would pass") == pytest.approx(2 / 3)
    # the whole sentence around it: recall 1, precision 4/8
    sentence = "Senator Jane Roe said the bill would pass."
    assert pn.word_f1(sentence, "the bill would pass") == pytest.approx(2 / 3)
    assert pn.word_f1("the the", "the") == pytest.approx(2 / 3)  # counts are kept


def test_propositions_are_scored_beside_their_quotes() -> None:
    annotation = pn.parse_ann(sample_ann())
    claims = [
        pn.Predicted(
            (find("Senator Jane Roe said the bill would pass."),),
            "Jane Roe",
            proposition="The bill would pass.",
        ),
        pn.Predicted((find('"It is a good bill," she added.'),), "Jane Roe"),  # none given
    ]
    doc = pn.score(TEXT, annotation, claims)
    e1, e2, _ = doc.records
    assert (e1.content, e1.quote_content) == (1.0, pytest.approx(2 / 3))
    assert e2.found and e2.content is None and "content" not in e2.as_dict()
    tally = pn.Tally()
    tally.add(doc)
    assert tally.stated == 1
    assert tally.content_f1() == 1.0
    assert tally.content_f1("quote_content") == pytest.approx(2 / 3)
    assert tally.kinds["indirect"].content_f1() == 1.0
    assert tally.kinds["direct"].content_f1() is None
    assert tally.figures()["content"] == 1.0


def test_claims_inside_discuss_spans_are_not_counted() -> None:
    discuss = pn.TextSpan("T1", "Discuss", (find("Read the rest here."),), "Read the rest here.")
    annotation = pn.Annotation((), (), (), (discuss,))
    doc = pn.score(TEXT, annotation, [pn.Predicted((find("Read the rest here"),), "author")])
    assert (doc.claims, doc.total_claims) == (0, 1)


def test_agreement_of_identical_annotators_is_perfect() -> None:
    annotation = pn.parse_ann(sample_ann())
    assert len(pn.as_predicted(annotation)) == 3
    tally = pn.agreement(TEXT, {"a": annotation, "b": annotation})
    assert (tally.f1, tally.accuracy("strict")) == (1.0, 1.0)
    assert tally.gold == 6  # two ordered pairs


# -- the corpus ----------------------------------------------------------------------------


def make_corpus(root: Path) -> Path:
    (root / "dev_text").mkdir(parents=True)
    (root / "dev_attributions").mkdir()
    raw = "Jose\u0301 said the plan works.\n"
    (root / "dev_text" / "nyt_2016-09-09_plan.txt").write_text(raw, encoding="utf-8")
    ann = t_line("T1", "Source", find("Jose\u0301", raw), text=raw)
    for annotator in ("ef2d", "4e07"):
        (root / "dev_attributions" / f"nyt_2016-09-09_plan_{annotator}.ann").write_text(
            ann + "\n", encoding="utf-8"
        )
    (root / "metadata_dev.tsv").write_text(
        "compartment\tfilename\tpublisher\ndev\tnyt_2016-09-09_plan\tnyt\n", encoding="utf-8"
    )
    return root


def test_load_corpus_reads_texts_annotators_and_nfc_offsets(tmp_path: Path) -> None:
    [doc] = pn.load_corpus(make_corpus(tmp_path / "polnear"))
    assert (doc.publisher, sorted(doc.annotations), doc.annotator) == (
        "nyt",
        ["4e07", "ef2d"],
        "4e07",
    )
    [source] = doc.annotations["ef2d"].sources
    assert doc.text[source.start : source.end] == "Jos\u00e9"
    assert doc.raw != doc.text


def test_select_takes_publishers_in_turn() -> None:
    docs = [
        pn.Document(f"{p}_{i}", p, Path(f"{p}_{i}.txt"), "", "", {})
        for p in ("nyt", "breitbart", "politico")
        for i in range(3)
    ]
    chosen = [d.stem for d in pn.select(docs, 4)]
    assert chosen == ["breitbart_0", "nyt_0", "politico_0", "breitbart_1"]
    assert len(pn.select(docs, 0)) == 9


def test_claims_become_scored_spans_with_their_grounding() -> None:
    script = load_benchmark("attribution", "attribution_benchmark")
    text = "The mayor said taxes rose."
    good = Claim(article_id="a", text="Taxes rose.", quote=text, start=0, end=len(text))
    moved = Claim(article_id="a", text="Taxes rose.", quote="taxes rose", start=0, end=10)
    loose = Claim(article_id="a", text="Taxes rose.", quote="taxes rose", speaker="the mayor")
    got = script.predicted(text, [good, moved, loose])
    assert [(p.pieces, p.grounded) for p in got] == [
        (((0, len(text)),), True),
        (((0, 10),), False),
        ((), False),
    ]
    assert got[2].speaker == "the mayor" and got[0].speaker_span is None


def test_speaker_span_reads_either_shape() -> None:
    script = load_benchmark("attribution", "attribution_benchmark")
    assert script.speaker_span(SimpleNamespace(speaker_start=4, speaker_end=9)) == (4, 9)
    span = SimpleNamespace(start=1, end=3)
    assert script.speaker_span(SimpleNamespace(speaker_span=span)) == (1, 3)
    assert script.speaker_span(SimpleNamespace(speaker_start=None, speaker_end=None)) is None


def test_the_frames_path_needs_the_attribution_setting() -> None:
    script = load_benchmark("attribution", "attribution_benchmark")
    if "attribution" in Settings.model_fields:
        assert script.path_settings("frames").attribution == "frames"
        assert script.path_settings("model").attribution == "model"
        # the code path scores the frames path's sentences and asks no model
        assert script.path_settings("code").attribution == "frames"
    else:
        with pytest.raises(script.PathUnavailable, match="--paths model"):
            script.path_settings("frames")
        assert script.path_settings("model") == Settings()


def test_script_stops_with_code_2_without_the_data(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--data", str(tmp_path / "missing"), "--paths", "model"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "no PolNeAR dev split" in done.stderr and "--data" in done.stderr


def test_source_errors_say_why_a_speaker_is_wrong() -> None:
    right = pn.SourceVerdict(True, True, True)
    wrong = pn.SourceVerdict(False, False, False)

    def record(source: str | None, speaker: str | None, verdict: Any) -> Any:
        return pn.GoldRecord("E1", False, speaker is not None, verdict, source, speaker)

    assert pn.source_error(record("the mayor", None, None)) is None  # not found
    assert pn.source_error(record("the mayor", "the mayor", right)) is None
    assert pn.source_error(record("the mayor", "author", wrong)) == "author_for_source"
    assert pn.source_error(record(None, "the mayor", wrong)) == "source_for_author"
    assert pn.source_error(record("the mayor", "the union", wrong)) == "other_source"
    tally = pn.Tally()
    doc = pn.DocScore(
        records=(record("the mayor", "author", wrong), record("the mayor", "the union", wrong)),
        claims=2, matched=2, in_discard=0, in_discuss=0, grounded=2, total_claims=2,
    )  # fmt: skip
    tally.add(doc)
    assert tally.figures()["source_errors"] == {
        "author_for_source": 1, "source_for_author": 0, "other_source": 1,
    }  # fmt: skip
