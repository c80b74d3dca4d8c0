"""Scoring one prediction against one gold item, and summarising many.

Answer metrics follow SQuAD (normalise: lower case, no punctuation, no articles, single
spaces; best over the gold answers). For an unanswerable item (no gold answers) a
prediction scores 1 exactly when it abstains. Retrieval and citation metrics compare
document ids and character spans in the stored (cleaned) text.
"""

import datetime as dt
import random
import re
import string
from collections import Counter
from collections.abc import Callable, Sequence

from pydantic import BaseModel

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = set(string.punctuation) | set("‘’“”–—…«»")


def normalize_answer(text: str) -> str:
    """SQuAD normalisation: lower case, punctuation and articles removed, spaces folded."""
    text = "".join(" " if ch in _PUNCTUATION else ch for ch in text.lower())
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(prediction: str | None, answers: Sequence[str]) -> float:
    if not answers:
        return float(prediction is None)
    if prediction is None:
        return 0.0
    return float(any(normalize_answer(prediction) == normalize_answer(a) for a in answers))


def token_f1(prediction: str | None, answers: Sequence[str]) -> float:
    if not answers:
        return float(prediction is None)
    if prediction is None:
        return 0.0
    return max(
        _f1(normalize_answer(prediction).split(), normalize_answer(a).split()) for a in answers
    )


def _f1(predicted: list[str], gold: list[str]) -> float:
    common = sum((Counter(predicted) & Counter(gold)).values())
    if not predicted or not gold:
        return float(predicted == gold)
    if common == 0:
        return 0.0
    precision, recall = common / len(predicted), common / len(gold)
    return 2 * precision * recall / (precision + recall)


def contains(prediction: str | None, answers: Sequence[str]) -> float:
    """1 when a gold answer stands, as whole words, inside the predicted answer."""
    if not answers:
        return float(prediction is None)
    if prediction is None:
        return 0.0
    predicted = f" {normalize_answer(prediction)} "
    return float(
        any(f" {normalize_answer(a)} " in predicted for a in answers if normalize_answer(a))
    )


def parse_iso_date(value: str | dt.date | None) -> dt.date | None:
    """A date from ISO text, also written without zero padding ("2023-2-7")."""
    if value is None or isinstance(value, dt.date):
        return value
    match = re.match(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def date_correct(normalized: str | None, gold: dt.date) -> float:
    return float(parse_iso_date(normalized) == gold)


def ranked_doc_ids(doc_ids: Sequence[str]) -> list[str]:
    """Distinct document ids in order of first appearance."""
    return list(dict.fromkeys(doc_ids))


def doc_hit_at_k(doc_ids: Sequence[str], gold: set[str], k: int) -> float:
    return float(bool(set(ranked_doc_ids(doc_ids)[:k]) & gold))


def reciprocal_rank_at_k(doc_ids: Sequence[str], gold: set[str], k: int) -> float:
    for rank, doc_id in enumerate(ranked_doc_ids(doc_ids)[:k], start=1):
        if doc_id in gold:
            return 1.0 / rank
    return 0.0


class Span(BaseModel):
    """A span of one document's stored text."""

    doc_id: str
    start: int
    end: int

    def contains(self, other: "Span") -> bool:
        return self.doc_id == other.doc_id and self.start <= other.start and other.end <= self.end

    def overlaps(self, other: "Span") -> bool:
        return self.doc_id == other.doc_id and self.start < other.end and other.start < self.end


def evidence_recall(passages: Sequence[Span], quotes: Sequence[Span]) -> float:
    """1 when some gold quote lies wholly inside a retrieved passage."""
    return float(any(p.contains(q) for p in passages for q in quotes))


def citation_correct(
    cited: Span, cited_text: str, quotes: Sequence[Span], answers: Sequence[str]
) -> bool:
    """A citation is right when its span overlaps a gold quote or holds a gold answer."""
    if any(cited.overlaps(quote) for quote in quotes):
        return True
    return contains(cited_text, answers) == 1.0 if answers else False


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), interpolated linearly between ranks."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def bootstrap_interval(
    values: Sequence[float],
    statistic: Callable[[Sequence[float]], float] = mean,
    samples: int = 1000,
    seed: int = 13,
) -> tuple[float, float]:
    """95% percentile bootstrap interval of `statistic` over resamples of `values`."""
    if not values:
        return (0.0, 0.0)
    rng = random.Random(seed)
    size = len(values)
    estimates = sorted(
        statistic([values[rng.randrange(size)] for _ in range(size)]) for _ in range(samples)
    )
    return (estimates[int(0.025 * samples)], estimates[int(0.975 * samples) - 1])
