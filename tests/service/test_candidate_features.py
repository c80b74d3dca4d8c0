"""The answer ranker's features, on real parses, and the learned weights that combine them."""

import json

from service.candidate_features import (
    FEATURES,
    WEIGHTS_FILE,
    SentenceView,
    features,
    load_weights,
    question_view,
)
from service.extraction import candidates

SENTENCE = "The ministers met in Tallinn on Monday, Estonia's foreign office said."


def feature_values(question: str, sentence: str, text: str) -> dict[str, float]:
    view = question_view(question)
    found = candidates(view.analysis.type, sentence, set(view.words), None)
    (candidate,) = [c for c in found if c.text == text]
    where = SentenceView(sentence, 0.7, 0.7, 0, 1, 0)
    return dict(zip(FEATURES, features(view, where, candidate, [], 1), strict=True))


def test_a_place_after_a_preposition_differs_from_an_owner():
    question = "In which city did the ministers meet?"
    in_tallinn = feature_values(question, SENTENCE, "Tallinn")
    estonia = feature_values(question, SENTENCE, "Estonia")
    assert in_tallinn["place_preposition"] == 1.0 and in_tallinn["possessive"] == 0.0
    assert estonia["place_preposition"] == 0.0 and estonia["possessive"] == 1.0
    assert in_tallinn["shares_head"] == 1.0  # "met", the question's own verb


def test_the_wh_noun_is_found_in_the_candidate():
    sentence = "Visitors crowded into Brask National Park after the storm."
    values = feature_values(
        "Which national park did visitors crowd into?", sentence, "Brask National Park"
    )
    assert values["wh_noun"] == 1.0


def test_the_stored_weights_cover_exactly_the_features():
    stored = json.loads(WEIGHTS_FILE.read_text())
    assert list(stored["weights"]) == list(FEATURES)
    weights = load_weights()
    assert weights.score([0.0] * len(FEATURES)) == stored["bias"]


def test_a_likelier_candidate_scores_higher():
    weights = load_weights()
    question = "In which city did the ministers meet?"
    in_tallinn = feature_values(question, SENTENCE, "Tallinn")
    estonia = feature_values(question, SENTENCE, "Estonia")
    assert weights.score(list(in_tallinn.values())) > weights.score(list(estonia.values()))


def test_the_day_something_is_to_be_announced_has_a_speech_cue():
    sentence = "Officials are expected to announce Friday that the rule ends on Sunday."
    question = "When does the rule end?"
    assert feature_values(question, sentence, "Friday")["speech_cue"] == 1.0
    assert feature_values(question, sentence, "Sunday")["speech_cue"] == 0.0
