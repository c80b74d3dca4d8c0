"""Per-question scores of an Answer against its gold item, and their summary by type."""

from collections import defaultdict
from collections.abc import Callable, Sequence

from pydantic import BaseModel

from eval import metrics
from eval.gold import GoldItem
from index.cleaning import clean_fragment
from index.models import Document
from service.models import Answer

K = 5


class ItemScores(BaseModel):
    """Scores of one question; None where a metric does not apply to it."""

    answered: bool
    exact_match: float
    f1: float
    contains: float
    date: float | None = None
    doc_hit: float | None = None
    reciprocal_rank: float | None = None
    evidence_recall: float | None = None
    citations_correct: list[bool] = []
    citation_recall: float | None = None


def gold_quote_spans(
    item: GoldItem, lookup: Callable[[str], Document | None]
) -> list[metrics.Span]:
    """Where the gold quotes stand in the stored (cleaned) documents; unfound ones are skipped."""
    spans = []
    for evidence in item.evidence:
        document = lookup(evidence.doc_id)
        quote = clean_fragment(evidence.quote)
        start = document.text.find(quote) if document and quote else -1
        if start >= 0:
            spans.append(metrics.Span(doc_id=evidence.doc_id, start=start, end=start + len(quote)))
    return spans


def score_item(
    item: GoldItem, answer: Answer | None, lookup: Callable[[str], Document | None]
) -> ItemScores:
    """Every metric of one question; a failed question (answer None) counts as abstaining."""
    predicted = answer.answer if answer else None
    answers = item.answers
    scores = ItemScores(
        answered=predicted is not None,
        exact_match=metrics.exact_match(predicted, answers),
        f1=metrics.token_f1(predicted, answers),
        contains=metrics.contains(predicted, answers),
    )
    if item.normalized_date is not None:
        scores.date = metrics.date_correct(
            answer.normalized if answer else None, item.normalized_date
        )
    if not item.answerable or not item.evidence:
        scores.citations_correct = [False for _ in (answer.citations if answer else [])]
        return scores
    quotes = gold_quote_spans(item, lookup)
    passages = answer.passages if answer else []
    doc_ids = [passage.doc_id for passage in passages]
    scores.doc_hit = metrics.doc_hit_at_k(doc_ids, item.evidence_doc_ids, K)
    scores.reciprocal_rank = metrics.reciprocal_rank_at_k(doc_ids, item.evidence_doc_ids, K)
    scores.evidence_recall = metrics.evidence_recall(
        [metrics.Span(doc_id=p.doc_id, start=p.start, end=p.end) for p in passages[:K]], quotes
    )
    scores.citations_correct = [
        metrics.citation_correct(
            metrics.Span(doc_id=c.doc_id, start=c.quote_start, end=c.quote_end),
            answer.quote or "",
            quotes,
            answers,
        )
        for c in (answer.citations if answer else [])
    ]
    scores.citation_recall = float(any(scores.citations_correct))
    return scores


class Summary(BaseModel):
    """Aggregate metrics of a set of questions (all, or one type)."""

    questions: int
    exact_match: float
    f1: float
    f1_ci: tuple[float, float]
    contains: float
    contains_ci: tuple[float, float]
    date_accuracy: float | None
    date_questions: int
    doc_hit: float | None
    mrr: float | None
    evidence_recall: float | None
    citation_precision: float | None
    citation_recall: float | None
    unanswerable_accuracy: float | None
    unanswerable_questions: int
    false_refusal_rate: float | None
    latency_p50_ms: float
    latency_p95_ms: float
    latency_max_ms: float


def _mean_of(values: Sequence[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return metrics.mean(present) if present else None


def summarize(
    items: Sequence[GoldItem], scores: Sequence[ItemScores], latencies_ms: Sequence[float]
) -> Summary:
    f1 = [s.f1 for s in scores]
    contained = [s.contains for s in scores]
    citations = [correct for s in scores if s.answered for correct in s.citations_correct]
    unanswerable = [s for item, s in zip(items, scores, strict=True) if not item.answerable]
    answerable = [s for item, s in zip(items, scores, strict=True) if item.answerable]
    dates = [s.date for s in scores if s.date is not None]
    return Summary(
        questions=len(scores),
        exact_match=metrics.mean([s.exact_match for s in scores]),
        f1=metrics.mean(f1),
        f1_ci=metrics.bootstrap_interval(f1),
        contains=metrics.mean(contained),
        contains_ci=metrics.bootstrap_interval(contained),
        date_accuracy=metrics.mean(dates) if dates else None,
        date_questions=len(dates),
        doc_hit=_mean_of([s.doc_hit for s in scores]),
        mrr=_mean_of([s.reciprocal_rank for s in scores]),
        evidence_recall=_mean_of([s.evidence_recall for s in scores]),
        citation_precision=metrics.mean([float(c) for c in citations]) if citations else None,
        citation_recall=_mean_of([s.citation_recall for s in scores]),
        unanswerable_accuracy=(
            metrics.mean([float(not s.answered) for s in unanswerable]) if unanswerable else None
        ),
        unanswerable_questions=len(unanswerable),
        false_refusal_rate=(
            metrics.mean([float(not s.answered) for s in answerable]) if answerable else None
        ),
        latency_p50_ms=metrics.percentile(latencies_ms, 50),
        latency_p95_ms=metrics.percentile(latencies_ms, 95),
        latency_max_ms=max(latencies_ms, default=0.0),
    )


def summarize_by_type(
    items: Sequence[GoldItem], scores: Sequence[ItemScores], latencies_ms: Sequence[float]
) -> dict[str, Summary]:
    groups: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        groups[item.type].append(index)
    return {
        kind: summarize(
            [items[i] for i in indexes],
            [scores[i] for i in indexes],
            [latencies_ms[i] for i in indexes],
        )
        for kind, indexes in sorted(groups.items())
    }
