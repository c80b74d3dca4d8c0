"""Question types, terms and recency date ranges."""

import datetime as dt

import pytest

from service.question import (
    QuestionType,
    acronyms,
    analyze,
    asking_part,
    classify,
    date_range,
    expected_label,
    reported_from,
    short_form_in,
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who did Abdul Ghani Baradar meet?", QuestionType.WHO_MET_WHOM),
        ("Which officials held talks with the Taliban in Kabul?", QuestionType.WHO_MET_WHOM),
        ("When is the deadline for undocumented migrants to leave?", QuestionType.WHEN),
        ("By what date must the budget be signed?", QuestionType.WHEN),
        ("On what day did the border crossing reopen?", QuestionType.WHEN),
        ("Where did the talks take place?", QuestionType.WHERE),
        ("In which city is the new terminal being built?", QuestionType.WHERE),
        ("In which Baltic country did the ministers hold their meeting?", QuestionType.WHERE),
        ("How many people were killed in the attack?", QuestionType.QUANTITY),
        ("How much will the terminal cost?", QuestionType.QUANTITY),
        ("What percentage of voters backed the plan?", QuestionType.QUANTITY),
        ("Why did the court halt the dredging?", QuestionType.WHY),
        ("How did the union respond to the offer?", QuestionType.HOW),
        ("Who leads the dockworkers' union?", QuestionType.WHO),
        ("Which company won the contract?", QuestionType.WHO),
        ("Did the parliament pass the budget?", QuestionType.YES_NO),
        ("What show was renewed for a new season?", QuestionType.WHAT),
        ("Who greeted the first lady when she arrived?", QuestionType.WHO_MET_WHOM),
        ("Which guest did the singer welcome to the premiere?", QuestionType.WHAT),
    ],
)
def test_questions_are_classified_by_the_answer_they_want(question, kind):
    assert classify(question) is kind


def test_recency_phrases_become_ranges_ending_on_the_question_date():
    day = dt.date(2023, 6, 16)
    assert date_range("Who resigned this week?", day) == (dt.date(2023, 6, 9), day)
    assert date_range("What happened this year?", day) == (dt.date(2023, 1, 1), day)
    assert date_range("Which team recently won?", day) == (dt.date(2023, 5, 16), day)
    assert date_range("Who resigned this week?", None) is None
    assert date_range("Who won the 2020 election?", day) is None


@pytest.mark.parametrize(
    ("question", "question_date", "earliest"),
    [
        ("Whom did the chancellor meet in Beijing in November 2022?", None, dt.date(2022, 11, 1)),
        ("Whom did she meet during her spring 2023 visit?", None, dt.date(2023, 3, 1)),
        ("Whom did he meet in Halvik in winter 2024?", None, dt.date(2023, 12, 1)),
        ("Which party won the most seats in 2022?", dt.date(2023, 5, 1), dt.date(2022, 1, 1)),
        ("After a February 2023 trip, whom did he meet in March 2023?", None, dt.date(2023, 2, 1)),
        # A date question's period may be the answer's own, announced long before.
        ("When does daylight saving time end in 2023?", dt.date(2023, 3, 1), None),
        # After the question's date: a plan, not an event already reported.
        ("Which senator is running for president in 2024?", dt.date(2023, 2, 14), None),
        # The event comes before the period named.
        ("Before being hired as manager in November 2023, whom did he meet?", None, None),
        ("Who did Abdul Ghani Baradar meet?", dt.date(2023, 2, 22), None),
    ],
)
def test_a_named_month_season_or_year_is_the_earliest_an_article_can_report(
    question, question_date, earliest
):
    kind = classify(question)
    assert reported_from(question, kind, question_date) == earliest


def test_the_period_starts_at_the_later_of_the_recency_window_and_the_named_period():
    day = dt.date(2023, 6, 16)
    recent = analyze("Whom did the minister meet this week?", day).period
    assert (recent.start, recent.end) == (dt.date(2023, 6, 9), day)
    named = analyze("Whom did the minister meet in June 2023?", day).period
    assert (named.start, named.end) == (dt.date(2023, 6, 1), None)
    assert str(named) == "2023-06-01 on"
    both = analyze("Whom did the minister meet this month, in June 2023?", day).period
    assert (both.start, both.end) == (dt.date(2023, 6, 1), day)
    assert analyze("Whom did the minister meet?", day).period is None


def test_analysis_keeps_the_question_terms_stemmed_without_stopwords():
    analysis = analyze("Who did the ministers meet in Kabul?", dt.date(2023, 2, 22))
    assert analysis.type is QuestionType.WHO_MET_WHOM
    assert "kabul" in analysis.terms and "minist" in analysis.terms
    assert "the" not in analysis.terms and analysis.date_range is None


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("Which popular singer will launch a Las Vegas residency?", "PERSON"),
        ("Who won the award for best actress?", "PERSON"),
        ("Which company agreed to buy the terminal?", "ORG"),
        ("Which NBA team signed the forward?", "ORG"),
        ("Which virus is spreading in Europe?", None),
        ("Where did the talks take place?", None),
        # the kind ends at the verb and at a possessor
        ("Which island did King Aldric and the queen visit?", None),
        ("Which state's governor signed the bill?", None),
        ("Which would-be candidate called the rally a farce?", "PERSON"),
        # a relative clause after a comma is not the asking phrase; an opening is
        ("A balloon, which officials said was spying, fell off which coast?", None),
        ("The man, who was wanted, led which group?", "ORG"),
        ("In June 2022, which two attorneys met the investigators?", "PERSON"),
        ("Which actor voices Mario in the Super Mario Bros. Movie, released this week?", "PERSON"),
    ],
)
def test_the_wh_phrase_names_the_kind_of_entity_expected(question, label):
    assert expected_label(question) == label


def test_what_questions_about_measures_ask_for_quantities():
    assert classify("What was the magnitude of the quake?") is QuestionType.QUANTITY
    assert classify("What is the population of Port Amsel?") is QuestionType.QUANTITY
    assert classify("What age group can now get the vaccine?") is QuestionType.WHAT


@pytest.mark.parametrize(
    ("question", "asking"),
    [
        (
            "Senator Ina Vell made history this week when she took her seat. Which state does "
            "she represent?",
            "Which state does she represent?",
        ),
        (
            "The ministry set a 30-day deadline for agencies to remove which app from phones?",
            "remove which app from phones?",
        ),
        (
            "Which House Speaker did Sen. Joe Manchin meet with in January?",
            "Which House Speaker did Sen. Joe Manchin meet with in January?",
        ),
        ("For what reason did the U.S. envoy leave?", "For what reason did the U.S. envoy leave?"),
        (
            "The quay opened in 1890. It has been the busiest port since:",
            "It has been the busiest port since:",
        ),
    ],
)
def test_the_asking_part_leaves_out_the_context_before_it(question, asking):
    assert asking_part(question) == asking


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        # the context's "when" and "deadline" do not say what is asked
        (
            "Senator Ina Vell made history this week when she took her seat. Which state does "
            "she represent?",
            QuestionType.WHERE,
        ),
        ("The ministry set a 30-day deadline to remove which app?", QuestionType.WHAT),
        ("He played a detective for 23 years on what TV show?", QuestionType.WHAT),
        (
            "The quay opened in 1890. It has been the busiest port since at least:",
            QuestionType.WHEN,
        ),
        # "received" and "host" make a meeting only in who-questions
        ("Which show received the most nominations?", QuestionType.WHAT),
        ("Which prominent radio host parted ways with the network?", QuestionType.WHAT),
        ("Whom did the minister receive at the ministry?", QuestionType.WHO_MET_WHOM),
        ("Whom did the festival director host on the closing night?", QuestionType.WHO_MET_WHOM),
        ("Which lawmaker called for an inquiry?", QuestionType.WHO),
        ("What was the record high average price of a litre of fuel?", QuestionType.QUANTITY),
    ],
)
def test_only_the_asking_part_decides_the_type(question, kind):
    assert classify(question) is kind


def test_short_forms_match_what_they_stand_for_in_either_direction():
    said = acronyms("CDC staff flew outside the U.S. with the Port Amsel Harbour Board?")
    assert {"CDC", "US", "PAHB"} <= said
    assert short_form_in("Centers for Disease Control and Prevention", said)
    assert short_form_in("United States", said) and short_form_in("US", said)
    assert short_form_in("U.S", said)
    assert not short_form_in("Us", said)  # a word, not a short form
    assert not short_form_in("Bank of America", said)
    assert not short_form_in("United Kingdom", said)
