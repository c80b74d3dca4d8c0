"""Hybrid retrieval: dense (FAISS) and lexical (BM25) rankings fused by reciprocal rank.

Filters (publication dates, sources, document ids, and the question's own date) are applied
to the candidates of both rankings before fusion; when they leave too few, more candidates
are fetched until the index has no more to give. A question asked on a date prefers the
news of its time: documents of the days a recency phrase names ("this week"), and, more
gently, documents published shortly before the question.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from index.models import Chunk, Document, DocumentSummary
from index.store import Snapshot
from service.answering import refers_back
from service.models import Filters, Passage, PassageScores
from service.question import Period, QuestionAnalysis, analyze
from service.sentences import sentence_spans
from service.settings import Settings

# How far back before a passage its antecedent sentence is looked for (characters).
ANTECEDENT_WINDOW = 600


@dataclass(frozen=True)
class RetrievalMode:
    """Which rankings take part; the evaluation compares dense, lexical and hybrid."""

    dense: bool = True
    lexical: bool = True


HYBRID = RetrievalMode()
DENSE_ONLY = RetrievalMode(lexical=False)
LEXICAL_ONLY = RetrievalMode(dense=False)


def admits(summary: DocumentSummary, filters: Filters, question_date: dt.date | None) -> bool:
    """Whether a document may answer a question with these filters and this date."""
    date = summary.date
    if question_date and date and date > question_date:
        return False
    if (filters.date_from or filters.date_to) and date is None:
        return False
    if filters.date_from and date < filters.date_from:
        return False
    if filters.date_to and date > filters.date_to:
        return False
    if filters.sources is not None:
        wanted = {source.casefold() for source in filters.sources}
        if (summary.source or "").casefold() not in wanted:
            return False
    return filters.doc_ids is None or summary.id in filters.doc_ids


def reciprocal_rank_fusion(rankings: list[tuple[list[int], float]], k: int) -> dict[int, float]:
    """Σ weight / (k + rank) over the rankings (rank 1 is the best) for every id."""
    fused: dict[int, float] = {}
    for ids, weight in rankings:
        for rank, chunk_id in enumerate(ids, start=1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (k + rank)
    return fused


@dataclass(frozen=True)
class Recency:
    """How much a document's publication date raises its fused score for one question."""

    settings: Settings
    question_date: dt.date
    analysis: QuestionAnalysis

    def factor(self, date: dt.date | None) -> float:
        if date is None:
            return 1.0
        factor = 1.0
        window = self.analysis.date_range
        if window is not None and window[0] <= date <= window[1]:
            factor += self.settings.recency_range_boost
        age = (self.question_date - date).days
        half_life = self.settings.recency_half_life_days
        if half_life > 0 and age >= 0:
            factor += self.settings.recency_boost * 0.5 ** (age / half_life)
        return factor


def from_period(passages: list[Passage], period: Period | None, slack_days: int) -> list[Passage]:
    """The passages that may tell of the period a question asks about ("this week", "during
    his June 2023 trip"): those published in it or up to `slack_days` before it (the news of
    an event may precede it), and undated ones. An article from months earlier describes
    another event, however well it matches: "Which airline filed for bankruptcy this week?"
    is not answered by last year's bankruptcy."""
    if period is None:
        return passages
    earliest = period.start - dt.timedelta(days=slack_days)
    return [
        p
        for p in passages
        if p.date is None or (earliest <= p.date and (period.end is None or p.date <= period.end))
    ]


def with_antecedent(passage: Passage, lookup: Callable[[str], Document | None]) -> Passage:
    """The passage widened back by one sentence when it opens by pointing at the sentence
    before it ("It was during that meeting Biden received word ..."): a chunk that starts a
    paragraph may leave behind whom "that meeting" was with."""
    if passage.start == 0 or not refers_back(passage.text):
        return passage
    document = lookup(passage.doc_id)
    if document is None:
        return passage
    window_start = max(0, passage.start - ANTECEDENT_WINDOW)
    spans = sentence_spans(document.text[window_start : passage.start])
    if not spans:
        return passage
    start = window_start + spans[-1][0]
    return passage.model_copy(update={"start": start, "text": document.text[start : passage.end]})


class Retriever:
    """Passages for a question from one snapshot of the index."""

    def __init__(self, settings: Settings, embed_query: Callable[[str], np.ndarray]) -> None:
        self.settings = settings
        self._embed_query = embed_query

    def retrieve(
        self,
        snapshot: Snapshot,
        question: str,
        filters: Filters | None = None,
        question_date: dt.date | None = None,
        top_k: int | None = None,
        mode: RetrievalMode = HYBRID,
    ) -> list[Passage]:
        filters = filters or Filters()
        top_k = top_k or self.settings.top_k
        query_vector = self._embed_query(question) if mode.dense else None
        total = snapshot.manifest.chunks if snapshot.manifest else 0
        recency = (
            Recency(self.settings, question_date, analyze(question, question_date))
            if question_date is not None
            else None
        )
        wanted = self.settings.candidates
        while True:
            dense = snapshot.search_dense(query_vector, wanted) if mode.dense else ([], [])
            lexical = snapshot.search_lexical(question, wanted) if mode.lexical else ([], [])
            passages = self._fuse(snapshot, dense, lexical, filters, question_date, recency)
            if len(passages) >= top_k or wanted >= total:
                return passages[:top_k]
            wanted *= 4

    def _fuse(
        self,
        snapshot: Snapshot,
        dense: tuple[list[int], list[float]],
        lexical: tuple[list[int], list[float]],
        filters: Filters,
        question_date: dt.date | None,
        recency: Recency | None,
    ) -> list[Passage]:
        chunks = {c.id: c for c in snapshot.chunks(list(dict.fromkeys(dense[0] + lexical[0])))}
        summaries = snapshot.summaries(sorted({c.doc_id for c in chunks.values()}))
        allowed = {
            chunk_id
            for chunk_id, chunk in chunks.items()
            if chunk.doc_id in summaries and admits(summaries[chunk.doc_id], filters, question_date)
        }
        dense_scores = {i: s for i, s in zip(*dense, strict=True) if i in allowed}
        lexical_scores = {i: s for i, s in zip(*lexical, strict=True) if i in allowed}
        fused = reciprocal_rank_fusion(
            [
                (list(dense_scores), self.settings.dense_weight),
                (list(lexical_scores), self.settings.lexical_weight),
            ],
            self.settings.rrf_k,
        )
        if recency is not None:
            fused = {
                chunk_id: score * recency.factor(summaries[chunks[chunk_id].doc_id].date)
                for chunk_id, score in fused.items()
            }
        ranked = sorted(fused, key=lambda chunk_id: -fused[chunk_id])
        return [
            _passage(
                chunks[chunk_id],
                summaries[chunks[chunk_id].doc_id],
                PassageScores(
                    dense=dense_scores.get(chunk_id),
                    lexical=lexical_scores.get(chunk_id),
                    fused=fused[chunk_id],
                ),
            )
            for chunk_id in ranked
        ]


def _passage(chunk: Chunk, summary: DocumentSummary, scores: PassageScores) -> Passage:
    return Passage(
        doc_id=chunk.doc_id,
        title=summary.title,
        date=summary.date,
        source=summary.source,
        url=summary.url,
        chunk_id=chunk.id,
        start=chunk.start,
        end=chunk.end,
        text=chunk.text,
        scores=scores,
    )
