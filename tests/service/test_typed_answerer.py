"""The typed answerer on the demo index: short answers, in the document's words, verified."""

import datetime as dt
import math

import pytest

from index.store import IndexStore
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


def test_a_candidate_named_again_in_other_sentences_counts_its_mentions(typed):
    text = (
        "Velmora Foods recalled its oat bars on Monday. "
        "Shoppers returned thousands of Velmora Foods bars to stores in Tessary. "
        "A spokesperson for Velmora Foods said the recall was voluntary."
    )
    passage = Passage(
        doc_id="d1",
        title="Recall",
        chunk_id=1,
        start=0,
        end=len(text),
        text=text,
        scores=PassageScores(fused=1.0),
    )
    question = "Which company recalled its oat bars?"
    sentences, scores = typed.answerer.rank(question, [passage])
    found = typed.answerer.scored_candidates(question, sentences, scores, searched=3)
    mentions = {
        (c.candidate.text, c.sentence.start): c.features[FEATURES.index("mentions")] for c in found
    }
    velmora = [value for (name, _), value in mentions.items() if name == "Velmora Foods"]
    assert velmora and all(value == pytest.approx(math.log(3)) for value in velmora)
    assert mentions.get(("Tessary", text.index("Shoppers"))) == 0.0
