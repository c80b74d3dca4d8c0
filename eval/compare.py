"""Compare two evaluation runs question by question: differences with intervals, flips."""

import random
from collections.abc import Callable, Sequence

from pydantic import BaseModel

from eval.runner import EvalRecord, EvalResults

# Per-question metrics and how to read them off a record (None: does not apply).
PER_QUESTION: dict[str, Callable[[EvalRecord], float | None]] = {
    "exact_match": lambda r: r.scores.exact_match,
    "f1": lambda r: r.scores.f1,
    "contains": lambda r: r.scores.contains,
    "date_accuracy": lambda r: r.scores.date,
    "doc_hit": lambda r: r.scores.doc_hit,
    "mrr": lambda r: r.scores.reciprocal_rank,
    "evidence_recall": lambda r: r.scores.evidence_recall,
    "citation_recall": lambda r: r.scores.citation_recall,
    "answered": lambda r: float(r.scores.answered),
    "latency_ms": lambda r: r.latency_ms,
}


class MetricDelta(BaseModel):
    metric: str
    questions: int
    a: float
    b: float
    delta: float
    ci: tuple[float, float]


class Flip(BaseModel):
    id: str
    question: str
    before: str | None
    after: str | None
    now_correct: bool


class Comparison(BaseModel):
    shared_questions: int
    deltas: list[MetricDelta]
    flips: list[Flip]


def paired_interval(
    pairs: Sequence[tuple[float, float]], samples: int = 1000, seed: int = 13
) -> tuple[float, float]:
    """95% bootstrap interval of mean(b - a), resampling questions."""
    differences = [b - a for a, b in pairs]
    rng = random.Random(seed)
    size = len(differences)
    estimates = sorted(
        sum(differences[rng.randrange(size)] for _ in range(size)) / size for _ in range(samples)
    )
    return (estimates[int(0.025 * samples)], estimates[int(0.975 * samples) - 1])


def compare(a: EvalResults, b: EvalResults) -> Comparison:
    before = {record.item.id: record for record in a.records}
    after = {record.item.id: record for record in b.records}
    shared = [qid for qid in before if qid in after]
    deltas = []
    for metric, read in PER_QUESTION.items():
        pairs = [
            (read(before[qid]), read(after[qid]))
            for qid in shared
            if read(before[qid]) is not None and read(after[qid]) is not None
        ]
        if not pairs:
            continue
        mean_a = sum(x for x, _ in pairs) / len(pairs)
        mean_b = sum(y for _, y in pairs) / len(pairs)
        deltas.append(
            MetricDelta(
                metric=metric,
                questions=len(pairs),
                a=mean_a,
                b=mean_b,
                delta=mean_b - mean_a,
                ci=paired_interval(pairs),
            )
        )
    flips = [
        Flip(
            id=qid,
            question=after[qid].item.question,
            before=before[qid].answer.answer if before[qid].answer else None,
            after=after[qid].answer.answer if after[qid].answer else None,
            now_correct=after[qid].scores.contains > before[qid].scores.contains,
        )
        for qid in shared
        if before[qid].scores.contains != after[qid].scores.contains
    ]
    return Comparison(shared_questions=len(shared), deltas=deltas, flips=flips)


def render(comparison: Comparison) -> str:
    lines = [
        f"{comparison.shared_questions} questions in both runs",
        "",
        "| metric | n | A | B | B − A | 95% CI |",
        "|---|---|---|---|---|---|",
    ]
    for d in comparison.deltas:
        lines.append(
            f"| {d.metric} | {d.questions} | {d.a:.3f} | {d.b:.3f} | {d.delta:+.3f} "
            f"| {d.ci[0]:+.3f} … {d.ci[1]:+.3f} |"
        )
    gained = [f for f in comparison.flips if f.now_correct]
    lost = [f for f in comparison.flips if not f.now_correct]
    for title, flips in (("now right", gained), ("now wrong", lost)):
        lines += ["", f"## {len(flips)} questions {title} (contains-accuracy)", ""]
        lines += [f"- {f.id}: {f.question}\n  A: {f.before!r}\n  B: {f.after!r}" for f in flips]
    return "\n".join(lines)
