"""SentenceAnswerer with the real embedding model, on passages written for the test."""

import numpy as np
import pytest

from index.embedding import Embedder
from service.answering import (
    MAX_ALTERNATIVES,
    EmbeddingReranker,
    Sentence,
    SentenceAnswerer,
    in_context,
    term_overlap,
)
from service.models import Passage, PassageScores

QUESTION = "When will the Corvin bridge reopen?"
BRIDGE_DOC = (
    "City council notes\n\n"
    "The council met on Monday in the town hall. "
    "The Corvin bridge will reopen on March 3 after repairs to its deck. "
    "The weather was cold. "
    "Reopening the Corvin bridge was delayed twice last year, engineers said."
)
BEST = "The Corvin bridge will reopen on March 3 after repairs to its deck."


def passage(doc_id: str, text: str, start: int = 0, chunk_id: int = 1) -> Passage:
    return Passage(
        chunk_id=chunk_id,
        doc_id=doc_id,
        title=f"Title of {doc_id}",
        start=start,
        end=start + len(text),
        text=text,
        scores=PassageScores(fused=0.1),
    )


def bridge_passage(start: int = 0) -> Passage:
    """BRIDGE_DOC from offset `start` on, as a retrieved chunk of document "bridge"."""
    return passage("bridge", BRIDGE_DOC[start:], start=start)


@pytest.fixture(scope="module")
def answerer(embedder: Embedder) -> SentenceAnswerer:
    return SentenceAnswerer(EmbeddingReranker(embedder))


def test_picks_the_sentence_that_answers_with_document_offsets(answerer):
    chunk_start = BRIDGE_DOC.index("The council")
    decision = answerer.answer(QUESTION, [bridge_passage(chunk_start)], threshold=0.35)
    best = decision.best
    assert best is not None
    assert best.answer == best.quote == BEST
    start = BRIDGE_DOC.index(BEST)  # offsets are into the document, not the passage
    assert (best.quote_start, best.quote_end) == (start, start + len(BEST))
    assert (best.answer_start, best.answer_end) == (start, start + len(BEST))
    assert BRIDGE_DOC[best.answer_start : best.answer_end] == best.answer
    assert best.passage.doc_id == "bridge"
    assert decision.confidence == best.score
    assert 0.35 <= decision.confidence <= 1.0
    assert decision.reason is None


def test_abstains_below_the_threshold_and_names_it(answerer):
    decision = answerer.answer(QUESTION, [bridge_passage()], threshold=0.99)
    assert decision.best is None
    assert decision.alternatives == []
    assert 0.0 < decision.confidence < 0.99  # the best match's score is still reported
    assert "below the threshold 0.99" in decision.reason
    assert f"best match {decision.confidence:.2f}" in decision.reason


def test_an_unrelated_passage_does_not_answer(answerer):
    unrelated = passage("garden", "Tomatoes grow best in warm soil and full sun.")
    decision = answerer.answer(QUESTION, [unrelated], threshold=0.35)
    assert decision.best is None
    assert decision.confidence < 0.35


@pytest.mark.parametrize("passages", [[], [passage("blank", " \n\n  ")]])
def test_no_passage_or_no_sentence_abstains(answerer, passages):
    decision = answerer.answer(QUESTION, passages, threshold=0.0)
    assert decision.best is None
    assert decision.confidence == 0.0
    assert decision.alternatives == []
    assert "no passage" in decision.reason


OTHER_DOCUMENTS = [
    passage("strong", "Engineers expect the Corvin bridge to reopen in March.", chunk_id=2),
    passage("weak", "The Corvin bridge was built in 1902 and carries the ring road.", chunk_id=3),
    passage("garden", "Tomatoes grow best in warm soil and full sun.", chunk_id=4),
]


def test_alternatives_come_only_from_other_documents_and_are_capped(answerer):
    decision = answerer.answer(QUESTION, [bridge_passage(), *OTHER_DOCUMENTS], threshold=0.0)
    assert decision.best.passage.doc_id == "bridge"
    doc_ids = [finding.passage.doc_id for finding in decision.alternatives]
    # every other document clears threshold 0, but only the best MAX_ALTERNATIVES are kept,
    # one finding per document, never a second sentence of the best answer's document
    assert len(doc_ids) == MAX_ALTERNATIVES
    assert doc_ids == ["strong", "weak"]
    scores = [finding.score for finding in decision.alternatives]
    assert scores == sorted(scores, reverse=True)
    assert all(score <= decision.best.score for score in scores)
    for finding in decision.alternatives:
        assert finding.answer == finding.passage.text[finding.answer_start : finding.answer_end]


def test_alternatives_must_clear_the_threshold(answerer):
    passages = [bridge_passage(), *OTHER_DOCUMENTS]
    everything = answerer.answer(QUESTION, passages, threshold=0.0)
    strong, weak = (finding.score for finding in everything.alternatives)
    assert strong - weak > 0.02  # the test needs a clear gap to put the threshold in

    between = answerer.answer(QUESTION, passages, threshold=(strong + weak) / 2)
    assert [f.passage.doc_id for f in between.alternatives] == ["strong"]
    assert between.best.answer == BEST

    above_all = (strong + everything.best.score) / 2
    only_best = answerer.answer(QUESTION, passages, threshold=above_all)
    assert only_best.best.answer == BEST
    assert only_best.alternatives == []


def test_term_overlap_by_hand():
    # content terms of the question, stemmed: {"when", "bridg", "reopen"}
    question = "When will the bridge reopen?"
    assert term_overlap(question, "When the bridges reopened") == pytest.approx(1.0)
    assert term_overlap(question, "The bridge reopened") == pytest.approx(2 / 3)
    assert term_overlap(question, "The bridge is closed") == pytest.approx(1 / 3)
    assert term_overlap(question, "Tomatoes grow in the sun") == 0.0
    assert term_overlap("Is it the one?", "anything at all") == 0.0  # only stopwords
    assert term_overlap("", "text") == 0.0


def test_a_sentence_that_asks_is_never_the_answer(answerer):
    faq = "When will the Corvin bridge reopen? The Corvin bridge is due back on March 3."
    decision = answerer.answer(QUESTION, [passage("faq", faq)], threshold=0.0)
    assert decision.best is not None
    assert decision.best.answer == "The Corvin bridge is due back on March 3."


def test_a_sentence_that_refers_back_is_read_with_the_one_before():
    text = "A second measure requires a waiting period. It takes effect Jan. 1. Officials met."
    law = passage("law", text)
    spans = [(0, 43), (44, 67), (68, 82)]
    sentences = [Sentence(law, 1, start, end) for start, end in spans]
    assert [s.text for s in sentences][1] == "It takes effect Jan. 1."
    other = Sentence(passage("other", "It rained."), 2, 0, 10)
    adjusted = in_context([*sentences, other], np.array([0.8, 0.2, 0.1, 0.3]))
    # "It takes..." counts the mean with its predecessor; "Officials met." does not refer
    # back; "It rained." follows a sentence of another document.
    assert adjusted.tolist() == pytest.approx([0.8, 0.5, 0.1, 0.3])


def test_the_sentence_referred_back_to_is_read_with_the_one_that_refers_to_it():
    text = "Biden met King Felipe VI on Tuesday. It was during that meeting he got word."
    talks = passage("talks", text)
    sentences = [Sentence(talks, 1, 0, 36), Sentence(talks, 1, 37, len(text))]
    assert sentences[1].text.startswith("It was during that meeting")
    # The question matches the second sentence; whom "that meeting" was with is in the first.
    adjusted = in_context(sentences, np.array([0.3, 0.7]))
    assert adjusted.tolist() == pytest.approx([0.5, 0.7])
