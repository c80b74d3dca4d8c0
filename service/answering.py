"""Answerers: from a question and its passages to located findings, or a reason to abstain.

`SentenceAnswerer` is the first answerer: the passage sentence that best matches the
question is both the answer and its quote. Typed extraction replaces it behind the same
`Answerer` interface.
"""

import re
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from index.embedding import Embedder
from index.lexical import tokenize
from service.models import Finding, Passage
from service.sentences import sentence_spans

# How much each signal counts in a sentence's score (tuned on ../shared/eval/dev).
SEMANTIC_WEIGHT = 0.55
OVERLAP_WEIGHT = 0.35
PASSAGE_RANK_WEIGHT = 0.10
MAX_ALTERNATIVES = 2
# A sentence that asks ("When do the playoffs begin?") is a heading over its answer, never one.
_ASKS = re.compile(r"\?[\"'”’)\]]*$")
# Openings that point back to the sentence before: "It takes effect...", "The rule goes...".
_REFERS_BACK = re.compile(r"(It|They|He|She|This|These|Those|Its|Their|The)\b")


@dataclass
class Decision:
    """The best finding (None to abstain), other answers from other documents, and why."""

    best: Finding | None
    confidence: float
    alternatives: list[Finding] = field(default_factory=list)
    reason: str | None = None


class Answerer(Protocol):
    name: str

    def answer(self, question: str, passages: list[Passage], threshold: float) -> Decision: ...


class Reranker(Protocol):
    """Scores candidate sentences for a question in [0, 1]; a cross-encoder can slot in."""

    def score(self, question: str, texts: list[str]) -> np.ndarray: ...


class EmbeddingReranker:
    """Meaning (bi-encoder cosine) blended with the share of the question's terms present."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def score(self, question: str, texts: list[str]) -> np.ndarray:
        # Retrieval has embedded the question already: the cached embed_query reuses it.
        question_vector = self._embedder.embed_query(question)
        semantic = np.clip(self._embedder.embed(texts, False) @ question_vector, 0.0, 1.0)
        overlap = np.array(term_overlaps(question, texts))
        return (SEMANTIC_WEIGHT * semantic + OVERLAP_WEIGHT * overlap) / (
            SEMANTIC_WEIGHT + OVERLAP_WEIGHT
        )


@dataclass(frozen=True)
class Sentence:
    passage: Passage
    rank: int
    start: int
    end: int

    @property
    def text(self) -> str:
        offset = self.passage.start
        return self.passage.text[self.start - offset : self.end - offset]


class SentenceAnswerer:
    """The sentence that best matches the question, by meaning and shared terms.

    Subclasses keep the ranking and the abstention and change `findings`: what the answer
    is within the ranked sentences.
    """

    name = "sentence"
    # Why citeqa abstains when `findings` finds nothing of the kind asked for.
    no_finding_reason = "no sentence in the documents tells what the question asks"

    def __init__(self, reranker: Reranker) -> None:
        self._reranker = reranker

    def rank(self, question: str, passages: list[Passage]) -> tuple[list[Sentence], list[float]]:
        """The passages' sentences, best first, with their scores."""
        return rank_sentences(self._reranker, question, passages)

    def answer(self, question: str, passages: list[Passage], threshold: float) -> Decision:
        sentences, scores = self.rank(question, passages)
        if not sentences:
            return Decision(None, 0.0, reason="no passage in the index matches the question")
        if scores[0] < threshold:
            return abstain(scores[0], threshold)
        findings = self.findings(question, sentences, scores)
        if not findings:
            return Decision(None, min(scores[0], 1.0), reason=self.no_finding_reason)
        others = self.alternatives(question, findings, sentences, scores, threshold)
        return Decision(findings[0], min(scores[0], 1.0), others)

    def findings(
        self, question: str, sentences: list[Sentence], scores: list[float]
    ) -> list[Finding]:
        """Answers found in the ranked sentences, best first; none: the documents do not
        hold the kind of answer asked for."""
        return [
            sentence_finding(sentence, score)
            for sentence, score in zip(sentences, scores, strict=True)
        ]

    def alternatives(
        self,
        question: str,
        findings: list[Finding],
        sentences: list[Sentence],
        scores: list[float],
        threshold: float,
    ) -> list[Finding]:
        """Answers from other documents worth showing beside the best one."""
        return alternatives(findings, threshold)


def rank_sentences(
    reranker: Reranker, question: str, passages: list[Passage]
) -> tuple[list[Sentence], list[float]]:
    """The passages' sentences, best first, scored by the reranker and the passage's rank."""
    sentences = _sentences(passages)
    if not sentences:
        return [], []
    relevance = in_context(sentences, reranker.score(question, [s.text for s in sentences]))
    prior = np.array([1.0 / sentence.rank for sentence in sentences])
    scores = (SEMANTIC_WEIGHT + OVERLAP_WEIGHT) * relevance + PASSAGE_RANK_WEIGHT * prior
    order = np.argsort(-scores, kind="stable")
    return [sentences[i] for i in order], [float(scores[i]) for i in order]


def in_context(sentences: list[Sentence], relevance: np.ndarray) -> np.ndarray:
    """A sentence that refers back ("It takes effect Jan. 1.", "It was during that meeting
    Biden received word") is read with the sentence it follows, as one account: each of the
    two counts at least the mean of their relevances. The matching words may sit in either:
    the first names the parties, the second what happened."""
    adjusted = relevance.copy()
    for i in range(1, len(sentences)):
        before, sentence = sentences[i - 1], sentences[i]
        if (
            refers_back(sentence.text)
            and before.passage.doc_id == sentence.passage.doc_id
            and 0 <= sentence.start - before.end <= 3
        ):
            together = (relevance[i - 1] + relevance[i]) / 2
            adjusted[i] = max(adjusted[i], together)
            adjusted[i - 1] = max(adjusted[i - 1], together)
    return adjusted


def refers_back(sentence: str) -> bool:
    """Whether a sentence opens by pointing at the one before ("It was during that meeting")."""
    return bool(_REFERS_BACK.match(sentence))


def abstain(best: float, threshold: float) -> Decision:
    return Decision(
        None,
        best,
        reason=(
            f"no sentence in the documents answers the question well enough "
            f"(best match {best:.2f}, below the threshold {threshold:.2f})"
        ),
    )


def term_overlap(question: str, text: str) -> float:
    """The share of the question's content terms (stemmed, no stopwords) found in `text`."""
    return term_overlaps(question, [text])[0]


def term_overlaps(question: str, texts: list[str]) -> list[float]:
    """`term_overlap` for many texts, tokenising the question once and the texts together."""
    wanted, *tokenized = tokenize([question, *texts])
    if not wanted:
        return [0.0] * len(texts)
    terms = set(wanted)
    return [len(terms & set(tokens)) / len(terms) for tokens in tokenized]


def _sentences(passages: list[Passage]) -> list[Sentence]:
    seen: set[tuple[str, int, int]] = set()
    sentences = []
    for rank, passage in enumerate(passages, start=1):
        for start, end in sentence_spans(passage.text):
            if _ASKS.search(passage.text[start:end]):
                continue
            key = (passage.doc_id, passage.start + start, passage.start + end)
            if key not in seen:  # overlapping chunks repeat sentences
                seen.add(key)
                sentences.append(Sentence(passage, rank, key[1], key[2]))
    return sentences


def sentence_finding(sentence: Sentence, score: float) -> Finding:
    text = sentence.text
    return Finding(
        answer=text,
        quote=text,
        passage=sentence.passage,
        quote_start=sentence.start,
        quote_end=sentence.end,
        answer_start=sentence.start,
        answer_end=sentence.end,
        score=min(max(score, 0.0), 1.0),
    )


def alternatives(findings: list[Finding], threshold: float) -> list[Finding]:
    """The best finding of each other document that also clears the threshold."""
    seen = {findings[0].passage.doc_id}
    alternatives = []
    for finding in findings[1:]:
        if finding.score < threshold or len(alternatives) == MAX_ALTERNATIVES:
            break
        if finding.passage.doc_id not in seen:
            seen.add(finding.passage.doc_id)
            alternatives.append(finding)
    return alternatives
