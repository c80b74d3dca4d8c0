"""Metric code against hand-computed cases."""

import datetime as dt

import pytest

from eval import metrics
from eval.metrics import Span


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("The Squid Game!", "squid game"),
        ("“Squid Game”", "squid game"),
        ("an  apple,  a pear", "apple pear"),
        ("Theatre of the absurd", "theatre of absurd"),  # "the" only as a word
        ("U.S.-Mexico border", "u s mexico border"),
        ("   ", ""),
        ("Anna and Theo", "anna and theo"),
    ],
)
def test_squad_normalisation(text, normalized):
    assert metrics.normalize_answer(text) == normalized


def test_exact_match_and_f1_take_the_best_gold_answer():
    answers = ["Kevin McCarthy", "House Minority Leader Kevin McCarthy"]
    assert metrics.exact_match("kevin mccarthy.", answers) == 1.0
    # "Leader Kevin McCarthy" vs the long answer: P = 3/3, R = 3/5 → F1 = 0.75
    assert metrics.token_f1("Leader Kevin McCarthy", answers[1:]) == pytest.approx(0.75)
    # against ["Kevin McCarthy"]: P = 2/3, R = 1 → 0.8; the best of the two is 0.8
    assert metrics.token_f1("Leader Kevin McCarthy", answers) == pytest.approx(0.8)
    assert metrics.token_f1("Nancy Pelosi", answers) == 0.0


def test_unanswerable_items_reward_only_an_empty_prediction():
    for metric in (metrics.exact_match, metrics.token_f1, metrics.contains):
        assert metric(None, []) == 1.0
        assert metric("Some guess", []) == 0.0
        assert metric(None, ["Kabul"]) == 0.0


def test_contains_needs_whole_words():
    assert metrics.contains("They met in Kabul on Wednesday.", ["Kabul"]) == 1.0
    assert metrics.contains("Kabulistan", ["Kabul"]) == 0.0
    assert metrics.contains("the answer", ["the"]) == 0.0  # normalises to nothing


def test_equal_iso_dates_written_differently_are_equal():
    gold = dt.date(2023, 2, 7)
    assert metrics.date_correct("2023-02-07", gold) == 1.0
    assert metrics.date_correct("2023-2-7", gold) == 1.0
    assert metrics.date_correct("2023-02-07T10:00:00", gold) == 1.0
    assert metrics.date_correct("2023-02-08", gold) == 0.0
    assert metrics.date_correct(None, gold) == 0.0
    assert metrics.date_correct("February 7", gold) == 0.0
    assert metrics.parse_iso_date("2023-02-30") is None


def test_doc_hit_and_reciprocal_rank_count_distinct_documents():
    ranked = ["a", "a", "b", "c", "c", "d", "e", "f"]
    assert metrics.doc_hit_at_k(ranked, {"e"}, 5) == 1.0  # a b c d e
    assert metrics.doc_hit_at_k(ranked, {"f"}, 5) == 0.0
    assert metrics.reciprocal_rank_at_k(ranked, {"c", "d"}, 5) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank_at_k(ranked, {"z"}, 5) == 0.0


def test_a_quote_counts_as_retrieved_only_when_wholly_inside_a_passage():
    quote = Span(doc_id="d", start=100, end=150)
    assert metrics.evidence_recall([Span(doc_id="d", start=100, end=150)], [quote]) == 1.0
    assert metrics.evidence_recall([Span(doc_id="d", start=99, end=151)], [quote]) == 1.0
    assert metrics.evidence_recall([Span(doc_id="d", start=101, end=400)], [quote]) == 0.0
    assert metrics.evidence_recall([Span(doc_id="d", start=0, end=149)], [quote]) == 0.0
    assert metrics.evidence_recall([Span(doc_id="x", start=0, end=999)], [quote]) == 0.0


def test_a_citation_is_correct_when_it_overlaps_a_quote_or_holds_an_answer():
    quote = Span(doc_id="d", start=100, end=150)
    just_inside = Span(doc_id="d", start=149, end=200)
    just_outside = Span(doc_id="d", start=150, end=200)
    ends_before = Span(doc_id="d", start=50, end=100)
    assert metrics.citation_correct(just_inside, "unrelated words", [quote], ["Kabul"])
    assert not metrics.citation_correct(just_outside, "unrelated words", [quote], ["Kabul"])
    assert not metrics.citation_correct(ends_before, "unrelated words", [quote], ["Kabul"])
    assert metrics.citation_correct(just_outside, "They met in Kabul.", [quote], ["Kabul"])
    assert not metrics.citation_correct(just_inside, "", [], [])


def test_percentiles_interpolate_between_ranks():
    values = [10.0, 20.0, 30.0, 40.0]
    assert metrics.percentile(values, 50) == pytest.approx(25.0)
    assert metrics.percentile(values, 95) == pytest.approx(38.5)
    assert metrics.percentile(values, 100) == 40.0
    assert metrics.percentile([], 50) == 0.0


def test_bootstrap_interval_brackets_the_mean_and_narrows_with_more_data():
    few = [1.0, 0.0] * 10
    many = [1.0, 0.0] * 500
    low_few, high_few = metrics.bootstrap_interval(few)
    low_many, high_many = metrics.bootstrap_interval(many)
    assert low_few < 0.5 < high_few
    assert low_many < 0.5 < high_many
    assert high_many - low_many < high_few - low_few
    assert metrics.bootstrap_interval([1.0] * 30) == (1.0, 1.0)
