"""The answer ranker's features, on real parses, and the learned weights that combine them."""

import datetime as dt
import json
import math

import pytest

from service.candidate_features import (
    FAMILIES,
    FEATURES,
    WEIGHTS_FILE,
    SentenceView,
    family,
    features,
    load_weights,
    question_view,
)
from service.extraction import Candidate, candidates, fits_type
from service.question import QuestionType

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


def test_the_stored_weights_cover_exactly_the_features_for_every_family():
    stored = json.loads(WEIGHTS_FILE.read_text())["families"]
    assert sorted(stored) == sorted(FAMILIES)
    for name, kind in (
        ("date", QuestionType.WHEN),
        ("meeting", QuestionType.WHO_MET_WHOM),
        ("thing", QuestionType.WHERE),
        ("entity", QuestionType.WHO),
        ("count", QuestionType.QUANTITY),
    ):
        assert list(stored[name]["weights"]) == list(FEATURES)
        assert load_weights(kind).score([0.0] * len(FEATURES)) == stored[name]["bias"]


def test_dates_meetings_things_and_names_are_ranked_by_their_own_weights():
    assert family(QuestionType.WHEN) == "date"
    assert family(QuestionType.WHO_MET_WHOM) == "meeting"
    assert family(QuestionType.WHAT) == family(QuestionType.WHERE) == "thing"
    assert family(QuestionType.WHO) == "entity"
    assert family(QuestionType.QUANTITY) == "count"
    weights = {repr(load_weights(kind)) for kind in QuestionType}
    assert len(weights) == len(FAMILIES)


def values_of(question: str, sentence: str, text: str, label: str) -> dict[str, float]:
    """The features of the span `text` of `sentence`, labelled `label` (no parse needed)."""
    start = sentence.index(text)
    candidate = Candidate(start, start + len(text), text, label)
    where = SentenceView(sentence, 0.7, 0.7, 0, 1, 0)
    return dict(
        zip(FEATURES, features(question_view(question), where, candidate, [], 1), strict=True)
    )


def test_words_of_the_wh_phrase_are_welcome_in_the_answer_the_others_are_not():
    question = "Broadway's stars were honoured at which awards show on Sunday?"
    sentence = "The Tony Awards honoured Broadway's stars at Radio City Music Hall on Sunday."
    tony_values = values_of(question, sentence, "Tony Awards", "PHRASE")
    stars_values = values_of(question, sentence, "Broadway's stars", "PHRASE")
    assert tony_values["kind_overlap"] == 1.0 and tony_values["question_overlap"] == 0.0
    assert stars_values["kind_overlap"] == 0.0 and stars_values["question_overlap"] > 0.5


def test_mentions_elsewhere_are_counted_on_a_log_scale():
    view = question_view("Which comic strip did the newspapers drop?")
    where = SentenceView(SENTENCE, 0.7, 0.7, 0, 1, 0)
    candidate = Candidate(4, 13, "ministers", "PHRASE")
    values = [
        dict(zip(FEATURES, features(view, where, candidate, [], 1, 0.0, n), strict=True))
        for n in (0, 3)
    ]
    assert values[0]["mentions"] == 0.0
    assert values[1]["mentions"] == pytest.approx(math.log(4))


def test_a_label_the_question_does_not_expect_is_marked_but_kept():
    question = "In which city did the ministers meet?"
    assert feature_values(question, SENTENCE, "Tallinn")["fits_type"] == 1.0
    assert fits_type(QuestionType.WHERE, "PERSON") is False
    assert fits_type(QuestionType.WHO, "PERSON") is True


def test_a_deadline_still_ahead_of_the_article_is_marked_so():
    sentence = "The law, signed Tuesday, takes effect Jan. 1, 2024."
    question = "When does the law take effect?"
    view = question_view(question)
    found = candidates(view.analysis.type, sentence, set(view.words), dt.date(2023, 4, 27))
    where = SentenceView(sentence, 0.7, 0.7, 0, 1, 0, dt.date(2023, 4, 27))
    by_text = {
        c.text: dict(zip(FEATURES, features(view, where, c, [], 1), strict=True)) for c in found
    }
    assert by_text["Jan. 1, 2024"]["deadline_ahead"] == 1.0
    assert by_text["Jan. 1, 2024"]["deadline_behind"] == 0.0
    assert by_text["Tuesday"]["deadline_behind"] == 1.0
    assert by_text["Tuesday"]["deadline_ahead"] == 0.0


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


def test_a_name_and_its_description_stand_in_apposition():
    sentence = "Rustam Shah Mohmand, a former Pakistani ambassador, told The National the news."
    question = "Who is Rustam Shah Mohmand?"
    assert values_of(question, sentence, "former Pakistani ambassador", "PHRASE")["apposition"]
    assert not values_of(question, sentence, "The National", "ORG")["apposition"]
    assert question_view(question).asks_who_is
    assert not question_view("Who is the new keeper of the lighthouse?").asks_who_is


def test_a_rare_word_is_likelier_a_specific_answer_than_a_common_one():
    question = "Shops in the city are struggling to stock which condiment?"
    sentence = "Prices rose as shops ran out of mustard."
    mustard = values_of(question, sentence, "mustard", "PHRASE")["rarity"]
    prices = values_of(question, sentence, "Prices", "PHRASE")["rarity"]
    assert 0 < prices < mustard < 1


def test_repetition_is_weighed_apart_for_names_and_for_common_nouns():
    view = question_view("Which condiment are shops struggling to stock?")
    where = SentenceView(SENTENCE, 0.7, 0.7, 0, 1, 0)
    phrase = Candidate(4, 13, "ministers", "PHRASE")
    name = Candidate(23, 30, "Tallinn", "GPE")
    phrase_values = dict(zip(FEATURES, features(view, where, phrase, [], 3), strict=True))
    name_values = dict(zip(FEATURES, features(view, where, name, [], 3), strict=True))
    repeated = pytest.approx(math.log(3))
    assert phrase_values["phrase_agreement"] == name_values["agreement"] == repeated
    assert phrase_values["agreement"] == name_values["phrase_agreement"] == 0.0


def test_the_sentence_naming_more_of_the_questions_names_is_marked():
    question = "On what date was Speaker Mira Holt in Tallinn, before the minister's trip to Riga?"
    about_holt = "Speaker Mira Holt was there last Saturday."
    about_the_trip = "The minister arrived in Riga on Sunday."
    holt = values_of(question, about_holt, "last Saturday", "DATE")["names_covered"]
    trip = values_of(question, about_the_trip, "Sunday", "DATE")["names_covered"]
    assert holt > trip > 0


def test_a_title_naming_the_kind_asked_for_is_told_from_the_questions_other_titles():
    question = "Which opposition leader did Finance Minister Mara Ostrenko receive?"
    sentence = "Finance Minister Mara Ostrenko received opposition leader Konrad Beck on Sunday."
    beck = values_of(question, sentence, "Konrad Beck", "PERSON")
    assert beck["kind_titled"] == 1.0 and beck["titled"] == 0.0
    # "Finance Minister" is part of a name the question says, not a noun describing the answer
    assert "minister" not in question_view(question).nouns


MARKED_AND_UNMARKED = {
    # a name the question says in another form counts as the question's own
    "question_overlap": (
        "Which Pacific country did the Chinese foreign minister visit in May?",
        "China's foreign minister met island leaders in Fiji in May.",
        ("China", "GPE"),
        ("Fiji", "GPE"),
    ),
    # roles by meaning: a passive question matches an active sentence
    "same_role": (
        "Who was appointed keeper of the lighthouse?",
        "The harbour trust of Skerra appointed Annika Lund as keeper of the lighthouse.",
        ("Annika Lund", "PERSON"),
        ("harbour trust", "PHRASE"),
    ),
    # the answer stands where the wh-phrase stands: sale/of
    "same_slot": (
        "League owners approved the sale of which football team?",
        "Owners approved the sale of the Harbor City Gulls to the Marsh family on Tuesday.",
        ("Harbor City Gulls", "ORG"),
        ("Marsh family", "PHRASE"),
    ),
    # a name titled with the question's words
    "titled": (
        "Who is Pakistan's defense minister?",
        "Officials met Defense Minister Khawaja Muhammad Asif and the analyst Sarfraz Khan.",
        ("Khawaja Muhammad Asif", "PERSON"),
        ("Sarfraz Khan", "PERSON"),
    ),
    # the date said of the question's subject, not of someone else in the same sentence
    "same_subject": (
        "On what date was Speaker Ilse Varga in Sarvik?",
        "Speaker Ilse Varga was there on Saturday, and the minister arrived on Monday.",
        ("Saturday", "DATE"),
        ("Monday", "DATE"),
    ),
}


@pytest.mark.parametrize("feature", MARKED_AND_UNMARKED)
def test_a_feature_marks_one_candidate_and_not_the_other(feature):
    question, sentence, marked, unmarked = MARKED_AND_UNMARKED[feature]
    assert values_of(question, sentence, *marked)[feature] == 1.0
    assert values_of(question, sentence, *unmarked)[feature] == 0.0


def test_the_wh_phrase_stands_at_the_word_it_is_an_argument_of():
    assert question_view("Owners approved the sale of which football team?").slot == ("sale", "of")
