"""The typed answerer on the demo index: short answers, in the document's words, verified."""

import datetime as dt
import math

import pytest

from index.store import IndexStore
from service.answering import Sentence
from service.candidate_features import FEATURES
from service.models import Passage, PassageScores, Question
from service.qa import QAService
from service.settings import Settings


@pytest.fixture(scope="module")
def typed(demo_settings: Settings, demo_store: IndexStore) -> QAService:
    return QAService(demo_settings.model_copy(update={"answerer": "typed"}), demo_store)


def ask(service: QAService, question: str, question_date: dt.date | None = None):
    answer = service.ask(Question(question=question, question_date=question_date))
    text = service.snapshot().document(answer.citations[0].doc_id).text if answer.citations else ""
    return answer, text


def test_who_met_whom_answers_with_the_other_parties(typed):
    answer, text = ask(typed, "Who did Jorun Halstrem hold talks with?")
    assert answer.answerer == "typed"
    assert "Mara Ostrenko" in answer.answer and "Ilan Vedde" in answer.answer
    assert "Halstrem" not in answer.answer
    citation = answer.citations[0]
    assert text[citation.answer_start : citation.answer_end] == answer.answer
    assert text[citation.quote_start : citation.quote_end] == answer.quote


def test_a_relative_date_is_answered_in_the_texts_words_and_resolved(typed):
    answer, _ = ask(typed, "When would Line 3 of the Tessary metro reopen?")
    assert answer.answer == "Thursday"
    assert answer.normalized == "2026-02-12"  # the article is dated Wednesday 2026-02-11
    assert "Thursday" in answer.rule
    assert answer.answer in answer.quote


def test_a_who_question_gets_a_person_not_in_the_question(typed):
    answer, _ = ask(typed, "Which opposition leader did Finance Minister Mara Ostrenko receive?")
    assert answer.answer.endswith("Konrad Beck") and "Ostrenko" not in answer.answer


def test_why_questions_get_the_supporting_sentence(typed):
    answer, _ = ask(typed, "Why did the court suspend the dredging at Brask harbour?")
    assert answer.answer == answer.quote
    assert len(answer.answer.split()) > 8


def test_the_sentence_answerer_stays_available(demo_settings, demo_store):
    service = QAService(demo_settings.model_copy(update={"answerer": "sentence"}), demo_store)
    answer = service.ask(Question(question="Who did Jorun Halstrem hold talks with?"))
    assert answer.answerer == "sentence" and answer.answer == answer.quote


def test_disagreeing_dates_from_another_outlet_are_alternatives(typed):
    answer, _ = ask(
        typed,
        "What is the deadline the Port Amsel dockworkers set for their strike?",
        dt.date(2025, 3, 13),
    )
    assert (answer.answer, answer.normalized) == ("March 14", "2025-03-14")
    (other,) = answer.alternatives
    assert other.citation.doc_id != answer.citations[0].doc_id
    assert other.normalized == "2025-03-21" and other.date == dt.date(2025, 3, 12)
    text = typed.snapshot().document(other.citation.doc_id).text
    assert text[other.citation.answer_start : other.citation.answer_end] == other.answer


def _passage(doc_id: str, text: str) -> Passage:
    return Passage(
        doc_id=doc_id,
        title="Recall",
        chunk_id=len(doc_id),
        start=0,
        end=len(text),
        text=text,
        scores=PassageScores(fused=1.0),
    )


def test_mentions_count_the_other_documents_that_name_a_candidate(typed):
    """One article names its subject again and again; other outlets naming it is agreement."""
    own = "Velmora Foods recalled its oat bars on Monday. Velmora Foods said it was sorry."
    other = "Shoppers returned Velmora Foods bars to stores in Tessary."
    third = "A spokesperson for Velmora Foods called the recall voluntary."
    question = "Which company recalled its oat bars?"
    passages = [_passage("d1", own), _passage("d2", other), _passage("d3", third)]
    sentences, scores = typed.answerer.rank(question, passages)
    found = typed.answerer.scored_candidates(question, sentences, scores, searched=4)
    mentions = {
        (c.candidate.text, c.sentence.passage.doc_id): c.features[FEATURES.index("mentions")]
        for c in found
    }
    assert mentions[("Velmora Foods", "d1")] == pytest.approx(math.log(3))  # d2 and d3
    assert mentions[("Tessary", "d2")] == 0.0


def test_a_question_that_names_a_kind_of_person_gets_no_place(typed):
    text = "Prime Minister Ola Brun flew from Norway to Canada on Wednesday to thank its allies."
    passage = passage_of(text)
    question = "Which foreign leader flew to Canada from his country to thank its allies?"
    found = typed.answerer.scored_candidates(question, [Sentence(passage, 1, 0, len(text))], [0.7])
    labels = {item.candidate.text: item.candidate.label for item in found}
    assert "Ola Brun" in labels
    assert "Norway" not in labels and "GPE" not in labels.values()


def test_who_met_whom_is_not_answered_when_no_sentence_tells_of_the_meeting(typed):
    text = "Minister Ola Brun praised the harbour workers in Sarvik. Her aide Tom Lind agreed."
    decision = typed.answerer.answer("Whom did Ola Brun meet in Sarvik?", [passage_of(text)], 0.0)
    assert decision.best is None
    assert decision.reason == typed.answerer.no_finding_reason
    met = "Minister Ola Brun met harbour chief Tom Lind in Sarvik."
    decision = typed.answerer.answer("Whom did Ola Brun meet in Sarvik?", [passage_of(met)], 0.0)
    assert decision.best is not None and decision.best.answer.endswith("Tom Lind")


def passage_of(text: str) -> Passage:
    return Passage(
        doc_id="story",
        title="A story",
        chunk_id=0,
        start=0,
        end=len(text),
        text=text,
        scores=PassageScores(fused=1.0),
    )
