"""compare() of two small runs built by hand: per-metric differences and flipped questions."""

import datetime as dt

import pytest

from eval.compare import compare, paired_interval, render
from eval.gold import GoldItem
from eval.runner import EvalRecord, EvalResults, RunInfo, results_of
from eval.scoring import ItemScores
from service.models import Answer

RUN = RunInfo(
    corpus="examples/news",
    qa=["eval/gold/demo.jsonl"],
    target="in-process",
    index_dir=None,
    generation=1,
    answerer="sentence",
    settings={},
    started_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    seconds=1.0,
)


def record(
    qid: str,
    predicted: str | None,
    contains: float,
    exact: float,
    latency_ms: float,
    doc_hit: float | None = None,
) -> EvalRecord:
    return EvalRecord(
        item=GoldItem(id=qid, question=f"Question {qid}?", answers=["gold"], type="who"),
        answer=Answer(
            question=f"Question {qid}?",
            answer=predicted,
            confidence=0.5,
            answerer="sentence",
            generation=1,
        ),
        latency_ms=latency_ms,
        scores=ItemScores(
            answered=predicted is not None,
            exact_match=exact,
            f1=exact,
            contains=contains,
            doc_hit=doc_hit,
        ),
    )


def run_a() -> EvalResults:
    return results_of(
        [
            record("q1", "gold", 1.0, 1.0, 10.0, doc_hit=1.0),
            record("q2", None, 0.0, 0.0, 20.0),
            record("q3", "gold answer", 1.0, 0.0, 30.0, doc_hit=0.0),
            record("only-a", "gold", 1.0, 1.0, 99.0),
        ],
        RUN,
    )


def run_b() -> EvalResults:
    return results_of(
        [
            record("q1", "gold", 1.0, 1.0, 20.0, doc_hit=1.0),
            record("q2", "gold", 1.0, 1.0, 30.0, doc_hit=1.0),
            record("q3", "nothing", 0.0, 1.0, 40.0, doc_hit=1.0),
            record("only-b", None, 0.0, 0.0, 1.0),
        ],
        RUN,
    )


def deltas_of(a: EvalResults, b: EvalResults) -> dict[str, tuple[int, float, float, float]]:
    return {d.metric: (d.questions, d.a, d.b, d.delta) for d in compare(a, b).deltas}


def test_only_shared_questions_are_compared():
    assert compare(run_a(), run_b()).shared_questions == 3


def test_deltas_by_hand():
    deltas = deltas_of(run_a(), run_b())
    assert deltas["contains"] == pytest.approx((3, 2 / 3, 2 / 3, 0.0))
    assert deltas["exact_match"] == pytest.approx((3, 1 / 3, 1.0, 2 / 3))
    assert deltas["answered"] == pytest.approx((3, 2 / 3, 1.0, 1 / 3))
    assert deltas["latency_ms"] == pytest.approx((3, 20.0, 30.0, 10.0))
    # doc_hit is compared only where both runs measured it: q1 and q3
    assert deltas["doc_hit"] == pytest.approx((2, 0.5, 1.0, 0.5))
    # never measured in either run: left out
    assert "date_accuracy" not in deltas and "mrr" not in deltas


def test_intervals_bracket_the_difference():
    for delta in compare(run_a(), run_b()).deltas:
        low, high = delta.ci
        assert low <= delta.delta + 1e-9 and delta.delta - 1e-9 <= high
    latency = next(d for d in compare(run_a(), run_b()).deltas if d.metric == "latency_ms")
    assert latency.ci == pytest.approx((10.0, 10.0))  # every question got 10 ms slower


def test_paired_interval_of_no_difference_is_zero():
    assert paired_interval([(0.5, 0.5), (1.0, 1.0)]) == (0.0, 0.0)


def test_flips_are_listed_in_both_directions():
    flips = {flip.id: flip for flip in compare(run_a(), run_b()).flips}
    assert set(flips) == {"q2", "q3"}
    assert flips["q2"].now_correct and (flips["q2"].before, flips["q2"].after) == (None, "gold")
    assert not flips["q3"].now_correct
    assert (flips["q3"].before, flips["q3"].after) == ("gold answer", "nothing")
    assert flips["q3"].question == "Question q3?"


def test_comparing_a_run_with_itself_changes_nothing():
    comparison = compare(run_a(), run_a())
    assert comparison.shared_questions == 4
    assert comparison.flips == []
    assert all(d.delta == 0.0 and d.ci == (0.0, 0.0) for d in comparison.deltas)


def test_reversing_the_runs_negates_the_deltas_and_flips():
    forward, backward = compare(run_a(), run_b()), compare(run_b(), run_a())
    for f, b in zip(forward.deltas, backward.deltas, strict=True):
        assert f.metric == b.metric and f.delta == pytest.approx(-b.delta)
    now_right = {flip.id for flip in backward.flips if flip.now_correct}
    assert now_right == {"q3"}


def test_render_shows_the_table_and_the_flips():
    text = render(compare(run_a(), run_b()))
    assert text.startswith("3 questions in both runs")
    assert "| metric | n | A | B | B − A | 95% CI |" in text
    assert "| exact_match | 3 | 0.333 | 1.000 | +0.667 |" in text
    assert "## 1 questions now right (contains-accuracy)" in text
    assert "## 1 questions now wrong (contains-accuracy)" in text
    right, wrong = text.split("now right")[1].split("now wrong")
    assert "- q2: Question q2?" in right and "q3" not in right
    assert "- q3: Question q3?" in wrong and "A: 'gold answer'" in wrong
