"""QAService.ask end to end on a real index: retrieval, answering, verified citations."""

import datetime as dt
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from index.pipeline import Indexer
from index.store import IndexStore, Snapshot
from service.answering import Decision
from service.models import Answer, Citation, Filters, Finding, Passage, Question
from service.qa import QAService, QuestionError
from service.settings import Settings

METRO_QUESTION = "When will Line 3 of the Tessary metro reopen?"
STRIKE_QUESTION = "When is the deadline for the Port Amsel dockworkers' strike?"


def check_citation(snapshot: Snapshot, citation: Citation, answer: str, quote: str) -> None:
    """The citation's offsets hold the answer and its quote in the stored document text."""
    document = snapshot.document(citation.doc_id)
    assert document is not None
    assert document.text[citation.answer_start : citation.answer_end] == answer
    assert document.text[citation.quote_start : citation.quote_end] == quote
    assert citation.quote_start <= citation.answer_start < citation.answer_end
    assert citation.answer_end <= citation.quote_end
    assert (citation.title, citation.date, citation.source) == (
        document.title,
        document.date,
        document.source,
    )


def test_an_answer_has_one_verified_citation(qa):
    answer = qa.ask(Question(question=METRO_QUESTION))
    assert answer.answer is not None
    assert "Thursday" in answer.answer
    assert answer.reason is None
    assert answer.answerer == "typed"  # the default answerer
    assert qa.settings.answer_threshold <= answer.confidence <= 1
    assert len(answer.citations) == 1
    citation = answer.citations[0]
    assert citation.n == 1
    assert citation.doc_id == "tessary-metro-reopening"
    assert citation.chunk_id in {p.chunk_id for p in answer.passages}
    snapshot = qa.snapshot()
    check_citation(snapshot, citation, answer.answer, answer.quote)
    assert answer.generation == snapshot.generation == 1
    # the answer is what the API returns: it survives a JSON round trip unchanged
    assert Answer.model_validate_json(answer.model_dump_json()) == answer


def test_alternatives_from_other_documents_are_verified_the_same_way(demo_settings, demo_store):
    # a fixed threshold: the test is about citing alternatives, not about calibration
    settings = demo_settings.model_copy(update={"answer_threshold": 0.35})
    qa = QAService(settings, demo_store)
    answer = qa.ask(Question(question=STRIKE_QUESTION))
    assert answer.answer is not None
    assert answer.alternatives, "two outlets report this story: expected an alternative"
    snapshot = qa.snapshot()
    check_citation(snapshot, answer.citations[0], answer.answer, answer.quote)
    seen = {answer.citations[0].doc_id}
    for number, alternative in enumerate(answer.alternatives, start=2):
        assert alternative.citation.n == number
        assert alternative.citation.doc_id not in seen
        seen.add(alternative.citation.doc_id)
        assert alternative.date == snapshot.document(alternative.citation.doc_id).date
        check_citation(snapshot, alternative.citation, alternative.answer, alternative.quote)
    assert {"jl-harbour-strike", "amsel-dockworkers-deadline"} <= seen


def test_a_question_date_before_every_article_abstains(qa):
    answer = qa.ask(Question(question=METRO_QUESTION, question_date=dt.date(2000, 1, 1)))
    assert answer.answer is None
    assert answer.citations == [] and answer.alternatives == []
    assert answer.reason
    # only the undated article may still be read
    assert all(passage.date is None for passage in answer.passages)


def test_a_question_date_leaves_out_the_article_published_after_it(qa):
    answer = qa.ask(Question(question=METRO_QUESTION, question_date=dt.date(2026, 2, 10)))
    assert "tessary-metro-reopening" not in {p.doc_id for p in answer.passages}
    assert all(c.doc_id != "tessary-metro-reopening" for c in answer.citations)


def test_a_question_about_this_week_is_not_answered_from_older_news(qa):
    question = "When will Line 3 of the Tessary metro reopen this week?"
    metro_only = Filters(doc_ids=["tessary-metro-reopening"])  # published 2026-02-11
    that_week = qa.ask(
        Question(question=question, question_date=dt.date(2026, 2, 13), filters=metro_only)
    )
    assert that_week.answer is not None
    months_later = qa.ask(
        Question(question=question, question_date=dt.date(2026, 6, 1), filters=metro_only)
    )
    assert months_later.answer is None and months_later.citations == []
    assert months_later.passages, "the old article is still shown as retrieved"
    assert "2026-05-25 to 2026-06-01" in months_later.reason


def test_filters_restrict_the_cited_document(qa):
    question = Question(question=STRIKE_QUESTION, filters=Filters(doc_ids=["jl-harbour-strike"]))
    answer = qa.ask(question)
    assert {p.doc_id for p in answer.passages} == {"jl-harbour-strike"}
    assert [c.doc_id for c in answer.citations] == ["jl-harbour-strike"]
    assert answer.alternatives == []


def test_top_k_limits_the_passages(qa):
    assert len(qa.ask(Question(question=METRO_QUESTION, top_k=2)).passages) == 2
    assert len(qa.ask(Question(question=METRO_QUESTION)).passages) == qa.settings.top_k


@pytest.mark.parametrize("text", [" ", "   \n\t  "])
def test_a_blank_question_is_refused(qa, text):
    with pytest.raises(QuestionError, match="empty"):
        qa.ask(Question(question=text))


def test_an_empty_question_is_refused():
    with pytest.raises(ValidationError):
        Question(question="")


def test_an_empty_question_that_skipped_validation_is_refused_too(qa):
    with pytest.raises(QuestionError, match="empty"):
        qa.ask(Question.model_construct(question="", question_date=None, filters=Filters()))


def test_a_question_over_the_length_limit_is_refused(qa):
    limit = qa.settings.max_question_chars
    with pytest.raises(QuestionError, match=f"{limit + 1} characters.*limit of {limit}"):
        qa.ask(Question(question="When " + "x" * (limit - 4)))


def test_a_question_at_the_length_limit_is_taken(qa):
    limit = qa.settings.max_question_chars
    text = METRO_QUESTION + " " + "x" * (limit - len(METRO_QUESTION) - 1)
    assert len(text) == limit
    answer = qa.ask(Question(question=f"  {text}\n"))  # surrounding white space is not counted
    assert answer.question == text


# --- verification inside ask, with answerers that get offsets wrong --------------------------


class ShiftingAnswerer:
    """Answers with the first sentence-sized span of the best passage; `shift` moves the
    answer's offsets (not its text) for the chosen findings, as a buggy answerer would."""

    name = "shifting"

    def __init__(self, shift_best: int, shift_alternative: int) -> None:
        self.shift_best = shift_best
        self.shift_alternative = shift_alternative

    def answer(self, question: str, passages: list[Passage], threshold: float) -> Decision:
        findings = []
        for passage, shift in zip(
            self._one_per_document(passages)[:2],
            (self.shift_best, self.shift_alternative),
            strict=True,
        ):
            quote = passage.text[:40]
            findings.append(
                Finding(
                    answer=quote[5:20],
                    quote=quote,
                    passage=passage,
                    quote_start=passage.start,
                    quote_end=passage.start + 40,
                    answer_start=passage.start + 5 + shift,
                    answer_end=passage.start + 20 + shift,
                    score=0.9,
                )
            )
        return Decision(findings[0], 0.9, findings[1:])

    @staticmethod
    def _one_per_document(passages: list[Passage]) -> list[Passage]:
        first: dict[str, Passage] = {}
        for passage in passages:
            first.setdefault(passage.doc_id, passage)
        return list(first.values())


def test_an_unverifiable_best_answer_makes_citeqa_abstain(demo_settings, demo_store):
    service = QAService(demo_settings, demo_store, ShiftingAnswerer(1, 0))
    answer = service.ask(Question(question=METRO_QUESTION))
    assert answer.answer is None
    assert answer.confidence == 0.0
    assert answer.citations == [] and answer.alternatives == []
    assert "could not be verified" in answer.reason
    assert answer.answerer == "shifting"


def test_an_unverifiable_alternative_is_dropped(demo_settings, demo_store):
    service = QAService(demo_settings, demo_store, ShiftingAnswerer(0, 1))
    answer = service.ask(Question(question=METRO_QUESTION))
    assert answer.answer is not None
    assert len(answer.citations) == 1 and answer.alternatives == []
    check_citation(service.snapshot(), answer.citations[0], answer.answer, answer.quote)

    both_fine = QAService(demo_settings, demo_store, ShiftingAnswerer(0, 0))
    assert len(both_fine.ask(Question(question=METRO_QUESTION)).alternatives) == 1


# --- a service follows new generations --------------------------------------------------------

LIGHTHOUSE = """ date 2026-03-02 The Skerra lighthouse gets a new keeper.

The harbour trust of Skerra appointed Annika Lund as keeper of the Skerra lighthouse on Friday.

Lund, a former ferry pilot, replaces Odo Brenner, who retired after 31 years at the light.
"""


def test_the_service_follows_a_newly_published_generation(tmp_path: Path, demo_dir: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(demo_dir / "tessary-metro-reopening.md", corpus)
    settings = Settings(index_dir=tmp_path / "index")
    store = IndexStore(settings)
    try:
        Indexer(store, settings, progress=False).add_paths([corpus])
        service = QAService(settings, store)
        first = service.ask(Question(question=METRO_QUESTION))
        assert first.generation == 1
        assert first.citations[0].doc_id == "tessary-metro-reopening"
        question = Question(question="Who was appointed keeper of the Skerra lighthouse?")
        before = service.ask(question)
        assert {p.doc_id for p in before.passages} == {"tessary-metro-reopening"}

        new_file = tmp_path / "skerra-lighthouse-keeper.txt"
        new_file.write_text(LIGHTHOUSE, encoding="utf-8")
        writer_store = IndexStore(settings)  # as another process would publish it
        try:
            Indexer(writer_store, settings, progress=False).add_paths([new_file])
        finally:
            writer_store.close()

        after = service.ask(question)
        assert after.generation == 2
        assert service.snapshot().generation == 2
        assert after.answer is not None and "Annika Lund" in after.answer
        assert after.citations[0].doc_id == "skerra-lighthouse-keeper"
        assert after.citations[0].date == dt.date(2026, 3, 2)
        check_citation(service.snapshot(), after.citations[0], after.answer, after.quote)
    finally:
        store.close()
