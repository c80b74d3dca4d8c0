"""The typed answerer: the short answer itself, a span of the kind the question asks for.

Sentences are ranked by the reranker; the best few are searched for candidates of the
question's type (service.extraction). A learned linear ranker (service.candidate_features)
weighs each candidate: its sentence's relevance, whether it is the kind the question asks
for, its grammatical place near the question's words, agreement across sentences, and for
dates whether they resolve to a day after a deadline word. Why, how and yes/no questions,
and questions whose type has no candidate, get the best sentence instead.
"""

import re
from collections import Counter
from dataclasses import dataclass

from index.lexical import tokenize
from service.answer_kind import KindMatcher
from service.answering import (
    MAX_ALTERNATIVES,
    Reranker,
    Sentence,
    SentenceAnswerer,
    sentence_finding,
)
from service.candidate_features import (
    FEATURES,
    SentenceView,
    family,
    features,
    load_weights,
    question_view,
)
from service.extraction import Candidate, calendar_like, candidates
from service.models import Finding
from service.question import QuestionType, analyze

# How many of the best sentences are searched for candidates, and how far below the best
# one's score a searched sentence may be, for each family of questions. Meeting relations
# and resolvable dates are rarer than names, so their search goes further. Which/what/where
# questions name the kind of thing they want ("which species"), which sorts many candidates
# well, and their answer is often named a few sentences down ("The latest addition: the
# dodo."): searching them as deep as dates raises the cross-validated dev quiz F1 from 0.475
# to 0.522 (`python -m eval.answer_ranker`). A count is often stated a sentence or two below
# the best match ("At least 18,000 cows were killed" under a headline that glues the number
# to a word), so how-many questions go 10 deep. Who-questions have no sorter: over one or two
# articles every sentence names people on the subject, and a deeper search lets them crowd
# out the answer (the seeds gate fails).
SEARCH_DEPTH: dict[str, tuple[int, float]] = {
    "thing": (12, 0.3),
    "entity": (5, 0.12),
    "count": (10, 0.24),
    "meeting": (10, 0.24),
    "date": (10, 0.24),
}
_APPOSITION = FEATURES.index("apposition")
# How far below the threshold another document's date may score and still be shown.
DISAGREEMENT_SLACK = 0.25
DISAGREEMENT_SENTENCES = 20
DATE_SEARCH_LIMIT = 20
# How many of the best sentences are read for other mentions of a candidate.
MENTION_WINDOW = 20
_WORD = re.compile(r"\w+")


class TypedAnswerer(SentenceAnswerer):
    name = "typed"
    no_finding_reason = "no sentence in the documents tells of the meeting the question asks about"

    def __init__(self, reranker: Reranker, kinds: KindMatcher | None = None) -> None:
        super().__init__(reranker)
        self.kinds = kinds

    def scored_candidates(
        self,
        question: str,
        sentences: list[Sentence],
        scores: list[float],
        searched: int | None = None,
    ) -> list["ScoredCandidate"]:
        return _scored_candidates(question, sentences, scores, searched, self.kinds)

    def findings(
        self, question: str, sentences: list[Sentence], scores: list[float]
    ) -> list[Finding]:
        """The typed answers, best first; a question with none gets the best sentences, but a
        who-met-whom question gets nothing when no sentence tells of its meeting."""
        typed = self._typed_findings(question, sentences, scores)
        if typed or analyze(question).type is QuestionType.WHO_MET_WHOM:
            return typed
        return super().findings(question, sentences, scores)

    def alternatives(
        self,
        question: str,
        findings: list[Finding],
        sentences: list[Sentence],
        scores: list[float],
        threshold: float,
    ) -> list[Finding]:
        """For dates, the dates other documents give when they disagree with the answer.

        Another outlet may state the same deadline in a less similar sentence, so every
        sentence of the other documents is searched, with a looser bar than the answer's.
        """
        best = findings[0]
        if analyze(question).type is not QuestionType.WHEN or best.normalized is None:
            return super().alternatives(question, findings, sentences, scores, threshold)
        others = [
            (sentence, score)
            for sentence, score in zip(sentences, scores, strict=True)
            if sentence.passage.doc_id != best.passage.doc_id
        ][:DISAGREEMENT_SENTENCES]
        deep = self._typed_findings(
            question,
            [sentence for sentence, _ in others],
            [score for _, score in others],
            searched=DISAGREEMENT_SENTENCES,
        )
        disagreeing: dict[str, Finding] = {}
        for finding in deep:
            doc_id = finding.passage.doc_id
            if (
                doc_id not in disagreeing
                and finding.normalized not in {None, best.normalized}
                and finding.score >= threshold - DISAGREEMENT_SLACK
            ):
                disagreeing[doc_id] = finding
        return list(disagreeing.values())[:MAX_ALTERNATIVES]

    def _typed_findings(
        self,
        question: str,
        sentences: list[Sentence],
        scores: list[float],
        searched: int | None = None,
    ) -> list[Finding]:
        weights = load_weights(question_view(question).analysis.type)
        ranked = sorted(
            self.scored_candidates(question, sentences, scores, searched),
            key=lambda item: -weights.score(item.features),
        )
        return [_typed_finding(item.sentence, item.candidate, item.score) for item in ranked]


@dataclass(frozen=True)
class ScoredCandidate:
    sentence: Sentence
    score: float
    candidate: Candidate
    features: list[float]


def _scored_candidates(
    question: str,
    sentences: list[Sentence],
    scores: list[float],
    searched: int | None = None,
    kinds: KindMatcher | None = None,
) -> list[ScoredCandidate]:
    """Every typed candidate of the best sentences, with its features. Without `searched`,
    the sentences close enough to the best one (SEARCH_DEPTH). With `kinds`,
    how well each candidate is the kind of thing a which/what question names."""
    view = question_view(question)
    stems = set(view.analysis.terms)
    depth, margin = SEARCH_DEPTH[family(view.analysis.type)]
    margin = margin if searched is None else 1.0
    searched = searched or depth
    pool = []
    for rank, (sentence, score) in enumerate(zip(sentences, scores, strict=True)):
        close = rank < searched and score >= scores[0] - margin
        if not close and not _reads_on(view.analysis.type, rank):
            break
        if not close and not calendar_like(sentence.text):
            continue  # no day named: not worth a parse
        shared = _shared_term_positions(sentence.text, stems)
        found = candidates(
            view.analysis.type,
            sentence.text,
            set(view.words),
            sentence.passage.date,
            view.acronyms,
        )
        if not close:
            found = [candidate for candidate in found if candidate.resolved]
        if view.analysis.expects == "PERSON":
            # "Which foreign leader traveled ... to his country?": a place is not a person.
            found = [candidate for candidate in found if candidate.label != "GPE"]
        where = SentenceView(
            sentence.text,
            score,
            scores[0],
            rank,
            sentence.rank,
            sentence.start,
            sentence.passage.date,
        )
        pool += [(where, sentence, candidate, shared) for candidate in found]
    agreement = Counter(_key(candidate) for _, _, candidate, _ in pool)
    texts = [candidate.text for _, _, candidate, _ in pool]
    window = [(s.passage.doc_id, s.text.lower()) for s in sentences[:MENTION_WINDOW]]
    kind_similarities = (
        kinds.similarities(view.kind, texts) if kinds and view.kind and texts else [0.0] * len(pool)
    )
    scored = [
        ScoredCandidate(
            sentence,
            where.score,
            candidate,
            features(
                view,
                where,
                candidate,
                shared,
                agreement[_key(candidate)],
                similarity,
                _mentions(candidate, sentence.passage.doc_id, window),
            ),
        )
        for (where, sentence, candidate, shared), similarity in zip(
            pool, kind_similarities, strict=True
        )
    ]
    if view.asks_who_is:
        # "Who is X?" asks for X's description: the words set beside X, when there are any.
        described = [item for item in scored if item.features[_APPOSITION]]
        return described or scored
    return scored


def _mentions(candidate: Candidate, own_doc: str, window: list[tuple[str, str]]) -> int:
    """How many other documents name the candidate (every party of a meeting) in the window's
    sentences: independent accounts of an event agree on its answer, while one article
    names its own subject again and again. Counted by plain substring, without parsing."""
    names = [name.lower() for name in candidate.mentioned_as]
    return len(
        {
            doc_id
            for doc_id, sentence in window
            if doc_id != own_doc and all(name in sentence for name in names)
        }
    )


def _reads_on(kind: QuestionType, rank: int) -> bool:
    """Date questions read on past the close sentences for days they name: "left on
    Wednesday and returns on Dec. 7" may rank well below a dateless sentence on the trip."""
    return kind is QuestionType.WHEN and rank < DATE_SEARCH_LIMIT


def _key(candidate: Candidate) -> str:
    return candidate.normalized or " ".join(_WORD.findall(candidate.text.lower()))


def _shared_term_positions(sentence: str, question_stems: set[str]) -> list[int]:
    """Where the sentence's words that the question also has start."""
    words = list(_WORD.finditer(sentence))
    stems = tokenize([match.group() for match in words])
    return [
        match.start()
        for match, stem in zip(words, stems, strict=True)
        if stem and stem[0] in question_stems
    ]


def _typed_finding(sentence: Sentence, candidate: Candidate, score: float) -> Finding:
    finding = sentence_finding(sentence, score)
    return finding.model_copy(
        update={
            "answer": candidate.text,
            "normalized": candidate.normalized,
            "rule": candidate.rule,
            "answer_start": sentence.start + candidate.start,
            "answer_end": sentence.start + candidate.end,
            "answer_parts": [
                (sentence.start + start, sentence.start + end) for start, end in candidate.parts
            ],
        }
    )
