"""Question → retrieval → answerer → verified citations → Answer, over the live index."""

import datetime as dt
import threading
from collections.abc import Iterator

from index import generations
from index.embedding import embedder_for
from index.store import IndexStore, Snapshot
from service.answer_kind import KindMatcher
from service.answering import Answerer, Decision, EmbeddingReranker, SentenceAnswerer
from service.citations import cite_all
from service.models import Alternative, Answer, Passage, Question
from service.question import Period, analyze
from service.retrieval import HYBRID, RetrievalMode, Retriever, from_period, with_antecedent
from service.settings import Settings
from service.typed_answerer import TypedAnswerer


class QuestionError(ValueError):
    """A question citeqa will not take (too long, empty); the message says why."""


class QAService:
    """Answers questions from the published index generation, following new ones."""

    def __init__(
        self, settings: Settings, store: IndexStore | None = None, answerer: Answerer | None = None
    ) -> None:
        self.settings = settings
        self.store = store or IndexStore(settings)
        embedder = embedder_for(settings)
        self.retriever = Retriever(settings, embedder.embed_query)
        reranker = EmbeddingReranker(embedder)
        if answerer is None and settings.answerer == "typed":
            answerer = TypedAnswerer(reranker, KindMatcher(embedder))
        self.answerer = answerer or SentenceAnswerer(reranker)
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        """The published generation; a new one is opened once a writer has published it."""
        with self._lock:
            current = generations.read_current(self.store.root)
            if self._snapshot is None or self._snapshot.generation != current:
                snapshot = self.store.snapshot()
                _ = snapshot.vectors, snapshot.lexical  # load now, not inside a request
                self._snapshot = snapshot
            return self._snapshot

    def ask(self, question: Question, mode: RetrievalMode = HYBRID) -> Answer:
        *_, answer = self.ask_in_stages(question, mode)
        return answer

    def ask_in_stages(
        self, question: Question, mode: RetrievalMode = HYBRID
    ) -> Iterator[list[Passage] | Answer]:
        """The retrieved passages as soon as they are found, then the Answer (for streaming).

        The question is checked when the first stage is asked for (QuestionError)."""
        text = question.question.strip()
        if not text:
            raise QuestionError("the question is empty")
        if len(text) > self.settings.max_question_chars:
            raise QuestionError(
                f"the question has {len(text)} characters, more than the limit of "
                f"{self.settings.max_question_chars}"
            )
        snapshot = self.snapshot()
        passages = self.retriever.retrieve(
            snapshot, text, question.filters, question.question_date, question.top_k, mode
        )
        yield passages
        decision = self._decide(snapshot, text, passages, question)
        yield self._answer(text, snapshot, passages, decision)

    def evidence(
        self,
        snapshot: Snapshot,
        text: str,
        passages: list[Passage],
        question_date: dt.date | None,
    ) -> tuple[list[Passage], Period | None]:
        """The passages an answer may rest on (those of the period the question asks about,
        each with the sentence it points back to), and that period."""
        period = analyze(text, question_date).period
        kept = from_period(passages, period, self.settings.period_slack_days)
        return [with_antecedent(passage, snapshot.document) for passage in kept], period

    def _decide(
        self, snapshot: Snapshot, text: str, passages: list[Passage], question: Question
    ) -> Decision:
        evidence, period = self.evidence(snapshot, text, passages, question.question_date)
        if passages and not evidence and period is not None:
            return Decision(
                None,
                0.0,
                reason=f"no document from the period the question asks about ({period}) matches it",
            )
        return self.answerer.answer(text, evidence, self.settings.answer_threshold)

    def _answer(self, text: str, snapshot: Snapshot, passages, decision: Decision) -> Answer:
        base = {
            "question": text,
            "passages": passages,
            "answerer": self.answerer.name,
            "generation": snapshot.generation,
        }
        if decision.best is None:
            return Answer(
                answer=None, confidence=decision.confidence, reason=decision.reason, **base
            )
        cited = cite_all([decision.best, *decision.alternatives], snapshot.document)
        if not cited or cited[0][0] is not decision.best:
            return Answer(
                answer=None,
                confidence=0.0,
                reason="the best answer's citation could not be verified against the stored text",
                **base,
            )
        best, citation = cited[0]
        return Answer(
            answer=best.answer,
            normalized=best.normalized,
            rule=best.rule,
            confidence=decision.confidence,
            quote=best.quote,
            citations=[citation],
            alternatives=[
                Alternative(
                    answer=finding.answer,
                    normalized=finding.normalized,
                    rule=finding.rule,
                    quote=finding.quote,
                    date=finding.passage.date,
                    citation=alternative_citation,
                )
                for finding, alternative_citation in cited[1:]
            ],
            **base,
        )
