"""The typed answerer: the short answer itself, a span of the kind the question asks for.

Sentences are ranked by the reranker; the best few are searched for candidates of the
question's type (service.extraction). A candidate scores its sentence's relevance, plus
agreement across sentences and nearness to the question's terms; dates that resolve to one
day count more than durations. Why, how and yes/no questions, and questions whose type has
no candidate nearby, get the best sentence instead.
"""

import re
from collections import Counter

from index.lexical import tokenize
from service.answering import MAX_ALTERNATIVES, Sentence, SentenceAnswerer, sentence_finding
from service.extraction import Candidate, calendar_like, candidates, follows_deadline_word
from service.models import Finding
from service.question import QuestionAnalysis, QuestionType, analyze

SENTENCES_SEARCHED = 5
AGREEMENT_BONUS = 0.03
RESOLVED_DATE_BONUS = 0.05
DURATION_PENALTY = 0.1
PROXIMITY_BONUS = 0.04
LABEL_BONUS = 0.08
MEETING_BONUS = 0.12
# How far below the threshold another document's date may score and still be shown.
DISAGREEMENT_SLACK = 0.25
DISAGREEMENT_SENTENCES = 20
DEADLINE_BONUS = 0.08
_DEADLINE_QUESTION = re.compile(
    r"\b(deadline|by what|until|till|due|expire|must|have to|had to|scheduled|set to|begin|start|"
    r"take effect|reopen|open)\w*\b",
    re.IGNORECASE,
)
_SPEECH_CUE = re.compile(r"\b(said|says|announced|told|reported|added)\s+(on\s+)?$", re.I)
# A typed span must come from a sentence nearly as relevant as the best one.
RELEVANCE_MARGIN = 0.12
_WORD = re.compile(r"\w+")


class TypedAnswerer(SentenceAnswerer):
    name = "typed"

    def findings(
        self, question: str, sentences: list[Sentence], scores: list[float]
    ) -> list[Finding]:
        typed = self._typed_findings(analyze(question), question, sentences, scores)
        return typed or super().findings(question, sentences, scores)

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
        analysis = analyze(question)
        best = findings[0]
        if analysis.type is not QuestionType.WHEN or best.normalized is None:
            return super().alternatives(question, findings, sentences, scores, threshold)
        others = [
            (sentence, score)
            for sentence, score in zip(sentences, scores, strict=True)
            if sentence.passage.doc_id != best.passage.doc_id
        ][:DISAGREEMENT_SENTENCES]
        deep = self._typed_findings(
            analysis,
            question,
            [sentence for sentence, _ in others],
            [score for _, score in others],
            searched=DISAGREEMENT_SENTENCES,
            margin=1.0,
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
        analysis: QuestionAnalysis,
        question: str,
        sentences: list[Sentence],
        scores: list[float],
        searched: int | None = None,
        margin: float | None = None,
    ) -> list[Finding]:
        question_words = {word.lower() for word in _WORD.findall(question)}
        deadline = analysis.type is QuestionType.WHEN and bool(_DEADLINE_QUESTION.search(question))
        question_stems = set(analysis.terms)
        found: list[tuple[float, Sentence, Candidate]] = []
        # Meeting relations and resolvable dates are rarer than entities: look further.
        wider = analysis.type in {QuestionType.WHO_MET_WHOM, QuestionType.WHEN}
        searched = searched or SENTENCES_SEARCHED * (2 if wider else 1)
        margin = margin or RELEVANCE_MARGIN * (2 if wider else 1)
        for sentence, score in zip(sentences[:searched], scores, strict=False):
            if score < scores[0] - margin:
                break
            shared = _shared_term_positions(sentence.text, question_stems)
            for candidate in candidates(
                analysis.type, sentence.text, question_words, sentence.passage.date
            ):
                bonus = (
                    (MEETING_BONUS if candidate.label == "PARTIES" else 0.0)
                    + _date_bonus(analysis.type, candidate)
                    + _deadline_bonus(deadline, sentence.text, candidate)
                    + _label_bonus(analysis.expects, candidate)
                    + _proximity(shared, candidate)
                )
                found.append((score + bonus, sentence, candidate))
        if not found:
            return []
        agreement = Counter(_key(candidate) for _, _, candidate in found)
        ranked = sorted(
            found,
            key=lambda item: -(item[0] + AGREEMENT_BONUS * (agreement[_key(item[2])] - 1)),
        )
        return [_typed_finding(sentence, candidate, score) for score, sentence, candidate in ranked]


def _key(candidate: Candidate) -> str:
    return candidate.normalized or " ".join(_WORD.findall(candidate.text.lower()))


def _label_bonus(expects: str | None, candidate: Candidate) -> float:
    """Prefer the kind the question names: a person for "which singer", an org for "which team"."""
    if expects is None or candidate.label in {"PARTIES", "DATE", "TIME"}:
        return 0.0
    return LABEL_BONUS if candidate.label == expects else -LABEL_BONUS


def _deadline_bonus(deadline: bool, sentence: str, candidate: Candidate) -> float:
    """For deadline questions: dates after "until", "by", "before" rather than "said on"."""
    if not deadline:
        return 0.0
    if follows_deadline_word(sentence, candidate.start):
        return DEADLINE_BONUS
    if _SPEECH_CUE.search(sentence[max(0, candidate.start - 24) : candidate.start]):
        return -DEADLINE_BONUS
    return 0.0


def _date_bonus(kind: QuestionType, candidate: Candidate) -> float:
    if kind is not QuestionType.WHEN:
        return 0.0
    if candidate.resolved and calendar_like(candidate.text):
        return RESOLVED_DATE_BONUS
    return -DURATION_PENALTY if not calendar_like(candidate.text) else 0.0


def _shared_term_positions(sentence: str, question_stems: set[str]) -> list[int]:
    """Where the sentence's words that the question also has start."""
    words = list(_WORD.finditer(sentence))
    stems = tokenize([match.group() for match in words])
    return [
        match.start()
        for match, stem in zip(words, stems, strict=True)
        if stem and stem[0] in question_stems
    ]


def _proximity(shared_positions: list[int], candidate: Candidate) -> float:
    """A small bonus for candidates near the words the sentence shares with the question."""
    if not shared_positions:
        return 0.0
    distance = min(abs(p - candidate.start) for p in shared_positions)
    return PROXIMITY_BONUS * max(0.0, 1 - distance / 120)


def _typed_finding(sentence: Sentence, candidate: Candidate, score: float) -> Finding:
    finding = sentence_finding(sentence, score)
    return finding.model_copy(
        update={
            "answer": candidate.text,
            "normalized": candidate.normalized,
            "rule": candidate.rule,
            "answer_start": sentence.start + candidate.start,
            "answer_end": sentence.start + candidate.end,
        }
    )
