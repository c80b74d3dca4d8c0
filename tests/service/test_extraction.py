"""Typed candidates in sentences, with dates resolved against the publication date."""

import datetime as dt

from service.extraction import Candidate, calendar_like, candidates, fits_type
from service.question import QuestionType, acronyms

WEDNESDAY = dt.date(2023, 2, 22)


def texts(kind: QuestionType, sentence: str, question: str, published=WEDNESDAY) -> list[str]:
    words = {word.lower() for word in question.replace("?", "").split()}
    return [c.text for c in candidates(kind, sentence, words, published)]


def test_when_candidates_are_resolved_with_their_rule():
    found = candidates(
        QuestionType.WHEN,
        "The authorities said the border crossing would reopen Thursday.",
        {"when", "border", "reopen"},
        WEDNESDAY,
    )
    thursday = next(c for c in found if c.text == "Thursday")
    assert thursday.normalized == "2023-02-23"
    assert "Thursday" in thursday.rule
    last_friday = candidates(
        QuestionType.WHEN, "A police compound was stormed last Friday.", {"when"}, WEDNESDAY
    )
    assert [c.normalized for c in last_friday] == ["2023-02-17"]


def test_an_undated_article_keeps_the_words_and_says_the_date_is_unresolved():
    found = candidates(QuestionType.WHEN, "They met on Tuesday night.", {"when"}, None)
    tuesday = next(c for c in found if "Tuesday" in c.text)
    assert tuesday.normalized is None and "unresolved" in tuesday.rule


def test_offsets_slice_the_sentence_and_named_entities_are_left_out():
    sentence = "Mara Ostrenko met Konrad Beck in Port Amsel on Sunday."
    for candidate in candidates(QuestionType.WHO, sentence, {"mara", "ostrenko"}, WEDNESDAY):
        assert sentence[candidate.start : candidate.end] == candidate.text
    who = candidates(QuestionType.WHO, sentence, {"mara", "ostrenko"}, WEDNESDAY)
    assert [c.text for c in who if fits_type(QuestionType.WHO, c.label)] == ["Konrad Beck"]
    harbour = "The delegation toured the harbour in Port Amsel on Sunday."
    assert texts(QuestionType.WHERE, harbour, "Where did they meet") == ["Port Amsel"]


def test_quantities_and_unsupported_types():
    sentence = "The compromise adds 450 million crowns for 12 rural hospitals."
    assert "450 million crowns" in texts(QuestionType.QUANTITY, sentence, "How much")
    assert texts(QuestionType.WHY, sentence, "Why") == []


def test_calendar_like_tells_days_from_durations():
    assert calendar_like("Thursday") and calendar_like("March 14") and calendar_like("today")
    assert not calendar_like("nine days") and not calendar_like("two weeks")


def test_a_day_right_after_a_past_verb_is_past_however_it_is_parsed():
    # The parser takes "spiked" for an adjective of "Friday"; the deadline's Thursday is ahead.
    sentence = (
        'Fears of the government hitting its "debt ceiling" spiked Friday after the secretary '
        "sent a letter urging them to raise the limit before the expected deadline Thursday."
    )
    found = {
        c.text: c.normalized for c in candidates(QuestionType.WHEN, sentence, {"when"}, WEDNESDAY)
    }
    assert found == {"Friday": "2023-02-17", "Thursday": "2023-02-23"}
    (scheduled,) = candidates(
        QuestionType.WHEN, "The vote is scheduled Friday.", {"when"}, WEDNESDAY
    )
    assert scheduled.normalized == "2023-02-24"


def test_a_date_under_a_verbless_root_still_resolves():
    # The date's chain of heads ends at a root that is not a verb ("Deadline: March 3.").
    (found,) = candidates(QuestionType.WHEN, "Deadline: March 3.", {"when"}, dt.date(2023, 2, 1))
    assert found.normalized == "2023-03-03"


def test_a_duration_keeps_the_words_that_make_it_a_deadline():
    sentence = "Agencies must remove the app within 30 days of Monday's guidance, the memo said."
    found = candidates(QuestionType.WHEN, sentence, {"when"}, dt.date(2023, 2, 28))
    span = next(c for c in found if "30 days" in c.text)
    assert span.text == "within 30 days of Monday's guidance"
    assert span.normalized == "2023-03-29"  # Monday 2023-02-27 + 30 days
    assert sentence[span.start : span.end] == span.text


def test_a_date_after_until_is_a_deadline_to_come():
    (found,) = candidates(
        QuestionType.WHEN, "The union gave the port until March 14.", {"when"}, dt.date(2023, 2, 28)
    )
    assert found.normalized == "2023-03-14"


def test_a_length_of_time_with_nothing_to_count_from_is_no_date():
    sentence = "The mayor flew to the summit, his second trip abroad in as many years."
    assert texts(QuestionType.WHEN, sentence, "When did the mayor fly") == []
    counted = "The mayor left two years ago."
    assert texts(QuestionType.WHEN, counted, "When did the mayor leave") == ["two years ago"]


def test_a_date_that_runs_on_into_an_aside_is_cut_at_the_comma():
    sentence = "They're scheduled to begin on April 17, three days after the season ends."
    found = candidates(QuestionType.WHEN, sentence, {"when", "begin"}, dt.date(2023, 4, 10))
    april = next(c for c in found if c.text.startswith("April 17"))
    assert april.text == "April 17" and april.normalized == "2023-04-17"


def test_a_recurring_day_is_no_date():
    sentence = "Sign up for the newsletter that arrives every Tuesday."
    assert texts(QuestionType.WHEN, sentence, "When does it take effect") == []


def test_a_duration_anchor_ends_at_a_dash():
    sentence = "Agencies must remove the app within 30 days of Monday's notice – few exceptions."
    found = candidates(QuestionType.WHEN, sentence, {"when"}, dt.date(2023, 2, 28))
    span = next(c for c in found if "30 days" in c.text)
    assert span.text == "within 30 days of Monday's notice"
    assert span.normalized == "2023-03-29"


def test_who_what_where_questions_consider_names_of_every_label():
    """The small model's label is often wrong; the ranker weighs it, extraction keeps all."""
    sentence = "Sri Lanka has plunged into chaos and its president has fled to Singapore."
    found = candidates(QuestionType.WHERE, sentence, {"island", "nation", "chaos"}, None)
    texts = {candidate.text: candidate.label for candidate in found}
    assert "Sri Lanka" in texts and "Singapore" in texts


def test_meeting_parties_keep_each_name_for_counting_mentions():
    sentence = "Jorun Halstrem held talks with Mara Ostrenko and Ilan Vedde in Tessary on Monday."
    (parties,) = candidates(
        QuestionType.WHO_MET_WHOM, sentence, {"jorun", "halstrem", "talks"}, None
    )
    assert parties.mentioned_as == ("Mara Ostrenko", "Ilan Vedde")
    assert Candidate(0, 5, "Jorun", "PERSON").mentioned_as == ("Jorun",)


def test_names_and_phrases_also_come_without_the_questions_words_at_their_edges():
    sentence = "Rangers closed Brask National Park after the US flooding outbreak on Monday."
    question = {"which", "national", "park", "closed", "us", "outbreak"}
    found = candidates(QuestionType.WHAT, sentence, question, None)
    trimmed = {c.text for c in found if c.trimmed}
    assert "Brask" in trimmed
    assert "flooding" in trimmed
    assert all(not c.trimmed for c in found if c.text == "Brask National Park")
    for candidate in found:
        assert sentence[candidate.start : candidate.end] == candidate.text


def test_nothing_is_trimmed_when_the_edges_are_not_the_questions():
    sentence = "Tessary Foods recalled its oat bars."
    found = candidates(QuestionType.WHAT, sentence, {"which", "company", "recalled"}, None)
    assert not any(c.trimmed for c in found)


def test_a_name_made_only_of_stop_words_is_still_left_out_when_the_question_says_it():
    sentence = "Troops from the US trained in Oklahoma last week."
    found = candidates(QuestionType.WHERE, sentence, {"which", "us", "state", "troops"}, None)
    assert [c.text for c in found if c.label == "GPE"] == ["Oklahoma"]


def test_a_name_the_question_says_in_short_is_no_candidate():
    sentence = (
        "The United States and the U.S. Navy thanked Norway for the Port Amsel Harbour Board."
    )
    question = "Which country did the US thank with the PAHB?"
    words = {word.lower() for word in question.replace("?", "").split()}
    found = [
        c.text
        for c in candidates(QuestionType.WHERE, sentence, words, WEDNESDAY, acronyms(question))
        if c.label != "PHRASE"
    ]
    assert "Norway" in found
    assert "United States" not in found and "Port Amsel Harbour Board" not in found
    assert "United States" in texts(QuestionType.WHERE, sentence, "Which country was thanked")


def test_a_counted_length_of_time_answers_how_many_without_the_questions_unit():
    sentence = "The fugitive was arrested on Monday after 30 years on the run."
    words = {"how", "many", "years", "was", "the", "fugitive", "on", "run"}
    found = [c.text for c in candidates(QuestionType.QUANTITY, sentence, words, None)]
    assert "30" in found and "Monday" not in found
    cows = "At least 18,000 cows were killed in the fire, and 450 million crowns were lost."
    found = [c.text for c in candidates(QuestionType.QUANTITY, cows, {"how", "many", "cows"}, None)]
    assert found == ["At least 18,000", "450 million crowns"]
