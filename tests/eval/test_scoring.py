"""score_item, gold_quote_spans and summarize against hand-computed cases."""

import datetime as dt

import pytest

from eval.gold import Evidence, GoldItem
from eval.scoring import ItemScores, gold_quote_spans, score_item, summarize, summarize_by_type
from index.models import Document
from service.models import Answer, Citation, Passage, PassageScores

TEXT = (
    "Harbour talks stall\n\n"
    "The union met the port authority on Monday. "
    "Workers set a strike deadline of March 14. "
    "The ruling, first reported by The Courier, was a setback for Halden & Roe."
)
DEADLINE = "Workers set a strike deadline of March 14."
MONDAY = "The union met the port authority on Monday."
DOCUMENT = Document(id="harbour", title="Harbour talks stall", text=TEXT)
OTHER = Document(id="other", title="Other", text="Tomatoes grow best in warm soil.")


def lookup(doc_id: str) -> Document | None:
    return {"harbour": DOCUMENT, "other": OTHER}.get(doc_id)


def gold(answers: list[str], quotes: list[str] | None = None, **fields: object) -> GoldItem:
    return GoldItem(
        id=str(fields.pop("id", "q1")),
        question="When is the strike deadline?",
        answers=answers,
        evidence=[Evidence(doc_id="harbour", quote=quote) for quote in quotes or []],
        type=str(fields.pop("type", "deadline")),
        **fields,
    )


DEADLINE_ITEM = gold(["March 14"], [DEADLINE], normalized_date=dt.date(2025, 3, 14))
UNANSWERABLE_ITEM = gold([], type="unanswerable")


def passage(document: Document, start: int, end: int, chunk_id: int = 1) -> Passage:
    return Passage(
        chunk_id=chunk_id,
        doc_id=document.id,
        title=document.title,
        start=start,
        end=end,
        text=document.text[start:end],
        scores=PassageScores(fused=0.03),
    )


def citation(sentence: str, answer: str | None = None, n: int = 1) -> Citation:
    start = TEXT.index(sentence)
    answer_start = TEXT.index(answer or sentence)
    return Citation(
        n=n,
        doc_id="harbour",
        title=DOCUMENT.title,
        chunk_id=1,
        quote_start=start,
        quote_end=start + len(sentence),
        answer_start=answer_start,
        answer_end=answer_start + len(answer or sentence),
    )


def answer(
    text: str | None,
    quote: str | None = None,
    citations: list[Citation] | None = None,
    passages: list[Passage] | None = None,
    normalized: str | None = None,
) -> Answer:
    return Answer(
        question="When is the strike deadline?",
        answer=text,
        normalized=normalized,
        confidence=0.8 if text else 0.1,
        quote=quote,
        citations=citations or [],
        passages=passages or [],
        answerer="sentence",
        generation=1,
    )


WHOLE_DOCUMENT = passage(DOCUMENT, 0, len(TEXT))
FIRST_PART = passage(DOCUMENT, 0, TEXT.index(DEADLINE) + 10, chunk_id=2)  # cuts the quote
UNRELATED = passage(OTHER, 0, len(OTHER.text), chunk_id=3)


def test_a_right_answer_scores_everywhere():
    right = answer(
        "March 14",
        DEADLINE,
        [citation(DEADLINE, "March 14")],
        [WHOLE_DOCUMENT, UNRELATED],
        normalized="2025-03-14",
    )
    scores = score_item(DEADLINE_ITEM, right, lookup)
    assert scores == ItemScores(
        answered=True,
        exact_match=1.0,
        f1=1.0,
        contains=1.0,
        date=1.0,
        doc_hit=1.0,
        reciprocal_rank=1.0,
        evidence_recall=1.0,
        citations_correct=[True],
        citation_recall=1.0,
    )


def test_a_wrong_answer_with_a_wrong_citation():
    wrong = answer("Monday", MONDAY, [citation(MONDAY, "Monday")], [UNRELATED, FIRST_PART])
    scores = score_item(DEADLINE_ITEM, wrong, lookup)
    assert scores.answered
    assert (scores.exact_match, scores.f1, scores.contains) == (0.0, 0.0, 0.0)
    assert scores.date == 0.0  # no normalized date given
    assert scores.doc_hit == 1.0  # the gold document is 2nd of 2 distinct documents
    assert scores.reciprocal_rank == pytest.approx(0.5)
    assert scores.evidence_recall == 0.0  # the passage cuts the gold quote
    assert scores.citations_correct == [False]
    assert scores.citation_recall == 0.0


def test_partial_answer_scores_token_f1():
    partial = answer("March", DEADLINE, [citation(DEADLINE, "March")], [WHOLE_DOCUMENT])
    scores = score_item(DEADLINE_ITEM, partial, lookup)
    # "march" vs "march 14": P = 1, R = 1/2 → F1 = 2/3; not contained as whole words
    assert scores.f1 == pytest.approx(2 / 3)
    assert scores.contains == 0.0
    assert scores.citations_correct == [True]  # the cited quote overlaps the gold quote


def test_abstaining_on_an_unanswerable_question_is_right():
    scores = score_item(UNANSWERABLE_ITEM, answer(None, passages=[UNRELATED]), lookup)
    assert scores == ItemScores(answered=False, exact_match=1.0, f1=1.0, contains=1.0)
    assert scores.doc_hit is None and scores.citation_recall is None


def test_answering_an_unanswerable_question_is_wrong_and_so_are_its_citations():
    scores = score_item(
        UNANSWERABLE_ITEM,
        answer("March 14", DEADLINE, [citation(DEADLINE, "March 14")], [WHOLE_DOCUMENT]),
        lookup,
    )
    assert scores.answered
    assert (scores.exact_match, scores.f1, scores.contains) == (0.0, 0.0, 0.0)
    assert scores.citations_correct == [False]
    assert scores.citation_recall is None


def test_abstaining_on_an_answerable_question_is_a_false_refusal():
    scores = score_item(DEADLINE_ITEM, answer(None, passages=[WHOLE_DOCUMENT]), lookup)
    assert not scores.answered
    assert (scores.exact_match, scores.f1, scores.contains) == (0.0, 0.0, 0.0)
    assert scores.date == 0.0
    assert scores.doc_hit == 1.0 and scores.evidence_recall == 1.0  # retrieval still counts
    assert scores.citations_correct == []
    assert scores.citation_recall == 0.0


def test_a_failed_question_counts_as_abstaining():
    scores = score_item(DEADLINE_ITEM, None, lookup)
    assert not scores.answered
    assert (scores.contains, scores.date, scores.doc_hit, scores.citation_recall) == (
        0.0,
        0.0,
        0.0,
        0.0,
    )
    unanswerable = score_item(UNANSWERABLE_ITEM, None, lookup)
    assert unanswerable.contains == 1.0


def test_gold_quote_spans_clean_the_quotes_first():
    item = GoldItem(
        id="q",
        question="?",
        answers=["The Courier"],
        evidence=[
            Evidence(doc_id="harbour", quote="first reported by <i>The Courier</i>, was"),
            Evidence(doc_id="harbour", quote="a  setback for Halden &amp; Roe."),
            Evidence(doc_id="harbour", quote="a sentence that is not there"),
            Evidence(doc_id="missing", quote="Workers"),
            Evidence(doc_id="harbour", quote="<b></b>"),  # nothing left after cleaning
        ],
        type="who",
    )
    spans = gold_quote_spans(item, lookup)
    assert [(s.doc_id, TEXT[s.start : s.end]) for s in spans] == [
        ("harbour", "first reported by The Courier, was"),
        ("harbour", "a setback for Halden & Roe."),
    ]
    cleaned = "first reported by The Courier, was"
    start = TEXT.index(cleaned)
    assert (spans[0].start, spans[0].end) == (start, start + len(cleaned))


def test_a_citation_of_a_marked_up_gold_quote_is_correct():
    item = gold(["The Courier"], ["first reported by <i>The Courier</i>, was"], type="who")
    ruling = TEXT[TEXT.index("The ruling") :]
    cited = answer("The Courier", ruling, [citation(ruling, "The Courier")], [WHOLE_DOCUMENT])
    scores = score_item(item, cited, lookup)
    assert scores.evidence_recall == 1.0
    assert scores.citations_correct == [True]


def scored(answered: bool, contains: float, citations: list[bool], **fields: object) -> ItemScores:
    return ItemScores(
        answered=answered,
        exact_match=contains,
        f1=contains,
        contains=contains,
        citations_correct=citations,
        **fields,
    )


ITEMS = [
    gold(["Anna"], id="1", type="who"),
    gold(["Theo"], id="2", type="who"),
    gold([], id="3", type="unanswerable"),
    gold([], id="4", type="unanswerable"),
    gold(["March 14"], id="5", type="deadline"),
]
SCORES = [
    scored(True, 1.0, [True, False], doc_hit=1.0),
    scored(False, 0.0, [True], doc_hit=0.0),  # abstained: its citation must not count
    scored(False, 1.0, []),
    scored(True, 0.0, [False]),
    scored(True, 0.0, [True], date=1.0, doc_hit=1.0),
]
LATENCIES = [10.0, 20.0, 30.0, 40.0, 50.0]


def test_summarize_by_hand():
    summary = summarize(ITEMS, SCORES, LATENCIES)
    assert summary.questions == 5
    assert summary.contains == pytest.approx(2 / 5)
    assert summary.exact_match == pytest.approx(2 / 5)
    # unanswerable: items 3 (abstained) and 4 (answered)
    assert summary.unanswerable_questions == 2
    assert summary.unanswerable_accuracy == pytest.approx(1 / 2)
    # answerable: items 1, 2, 5; only 2 abstained
    assert summary.false_refusal_rate == pytest.approx(1 / 3)
    # citations of answered questions only: [T, F] + [F] + [T]
    assert summary.citation_precision == pytest.approx(2 / 4)
    assert summary.date_accuracy == 1.0 and summary.date_questions == 1
    assert summary.doc_hit == pytest.approx(2 / 3)  # None values are left out
    assert summary.mrr is None and summary.evidence_recall is None
    assert summary.latency_p50_ms == pytest.approx(30.0)
    assert summary.latency_p95_ms == pytest.approx(48.0)
    assert summary.latency_max_ms == 50.0
    assert summary.contains_ci[0] <= summary.contains <= summary.contains_ci[1]


def test_summarize_without_citations_or_unanswerables_reports_none():
    summary = summarize(ITEMS[:2], [scored(True, 1.0, []), scored(False, 0.0, [])], [1.0, 2.0])
    assert summary.citation_precision is None
    assert summary.unanswerable_accuracy is None and summary.unanswerable_questions == 0
    assert summary.false_refusal_rate == pytest.approx(1 / 2)
    assert summary.date_accuracy is None and summary.date_questions == 0


def test_summarize_by_type_groups_the_right_questions():
    by_type = summarize_by_type(ITEMS, SCORES, LATENCIES)
    assert list(by_type) == ["deadline", "unanswerable", "who"]
    who, unanswerable, deadline = by_type["who"], by_type["unanswerable"], by_type["deadline"]
    assert who.questions == 2 and who.contains == pytest.approx(1 / 2)
    assert who.false_refusal_rate == pytest.approx(1 / 2)
    assert who.unanswerable_accuracy is None
    assert who.citation_precision == pytest.approx(1 / 2)
    assert who.latency_max_ms == 20.0
    assert unanswerable.questions == 2
    assert unanswerable.unanswerable_accuracy == pytest.approx(1 / 2)
    assert unanswerable.false_refusal_rate is None
    assert unanswerable.citation_precision == 0.0
    assert deadline.questions == 1 and deadline.date_accuracy == 1.0
    assert deadline.latency_p50_ms == 50.0
