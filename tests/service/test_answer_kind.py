"""The wh-phrase a question asks for, and how close candidates are to it in meaning."""

import numpy as np
import pytest

from service.answer_kind import KindMatcher, wh_phrase
from service.extraction import parse


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("Which wildly popular show was renewed for a new season?", "wildly popular show"),
        ("Sky Brown became the first world champion in which sport?", "sport"),
        ("Which type of pet was removed from the White House?", "type of pet"),
        ("What country announced a crackdown on toys this week?", "country"),
        ("Which major U.S. city will host the Final Four?", "major U.S. city"),
        ("How many people were killed in the storm?", "people"),
    ],
)
def test_the_wh_phrase_is_the_noun_phrase_after_the_wh_word(question, phrase):
    assert wh_phrase(parse(question)) == phrase


@pytest.mark.parametrize(
    "question",
    [
        "What caused a 70-vehicle crash in Illinois?",
        "Who won the election?",
        "Why did it close?",
        "How many were hurt?",
    ],
)
def test_a_wh_word_without_a_noun_names_no_kind(question):
    assert wh_phrase(parse(question)) is None


def test_a_candidate_of_the_named_kind_is_closer_in_meaning(embedder):
    kinds = KindMatcher(embedder)
    sport, council = kinds.similarities("sport", ["skateboarding", "the city council"])
    assert sport > council + 0.1
    assert (
        kinds.similarities("monarch", ["King Felipe VI"])[0]
        > kinds.similarities("monarch", ["the trade minister"])[0]
    )


def test_candidate_vectors_are_embedded_once_and_reused():
    calls: list[list[str]] = []

    class CountingEmbedder:
        def embed(self, texts: list[str], progress: bool = True) -> np.ndarray:
            calls.append(texts)
            return np.array([[1.0, 0.0] if "a" in text else [0.0, 1.0] for text in texts])

        def embed_query(self, text: str) -> np.ndarray:
            return np.array([1.0, 0.0])

    kinds = KindMatcher(CountingEmbedder())
    assert kinds.similarities("kind", ["alpha", "bob", "alpha"]) == [1.0, 0.0, 1.0]
    assert kinds.similarities("kind", ["bob", "cat"]) == [0.0, 1.0]
    assert calls == [["alpha", "bob"], ["cat"]]
