"""Who met whom, read off real parses of meeting sentences."""

import pytest

from service.extraction import pipeline
from service.meetings import answer_side, meeting_sides


def parties(sentence: str, question: str) -> list[str]:
    span = pipeline()(sentence)[:]
    words = {token.lower_ for token in pipeline()(question)}
    return [party.text for party in answer_side(meeting_sides(span), span, words)]


@pytest.mark.parametrize(
    ("sentence", "question", "expected"),
    [
        (
            "Velorian officials, led by Deputy Premier Anton Vask, met Ardmere Defence Minister "
            "Kira Holm and Jon Tessel, head of the country's intelligence agency.",
            "Who did Anton Vask meet?",
            ["Kira Holm", "Jon Tessel"],
        ),
        (
            "Trade Minister Jorun Halstrem held talks with Finance Minister Mara Ostrenko and "
            "central bank governor Ilan Vedde on Monday.",
            "Who did Jorun Halstrem hold talks with?",
            ["Mara Ostrenko", "Ilan Vedde"],
        ),
        (
            "Finance Minister Mara Ostrenko received opposition leader Konrad Beck at the "
            "ministry on Sunday.",
            "Who did Mara Ostrenko receive at the ministry?",
            ["Konrad Beck"],
        ),
        (
            "Defence Secretary Lena Ross and Army Chief Gen Omar Pell held a call on Tuesday.",
            "Who held a call with Lena Ross?",
            ["Omar Pell"],
        ),
        (
            "He also spoke by phone with House Speaker Tom Avery, a Kansas Republican.",
            "Which Republican leader did the president speak with by phone?",
            ["Tom Avery"],
        ),
        (
            "Minister Edda Lunn was greeted at the harbour by Governor Piet Raske and Mayor "
            "Ola Brun.",
            "Who greeted Edda Lunn at the harbour?",
            ["Piet Raske", "Ola Brun"],
        ),
        (
            "Coach Dan Rivera met for an hour with club director Ines Marlow on Monday, along "
            "with owner Tobias Venn, and then left for the airport.",
            "Whom did Dan Rivera meet with for an hour?",
            ["Ines Marlow", "Tobias Venn"],
        ),
        (
            "Three inspectors sat down with two of the mayor's advisers, Lotte Brink and Karel "
            "Vos, and toured the depot.",
            "Which advisers did the inspectors sit down with?",
            ["Lotte Brink", "Karel Vos"],
        ),
        (
            "The strike ended after a meeting between union leaders and three studio chiefs: "
            "Northlight's Ada Fenn, Corvid Pictures' Milo Hart and Tern Media's Ruth Oyelaran.",
            "Which studio chiefs took part in the meeting with union leaders?",
            ["Ada Fenn", "Milo Hart", "Ruth Oyelaran"],
        ),
        (
            "Minister Jill Harrow made an unannounced visit to Sarvik on Sunday, meeting with "
            "the first lady of Tarsic, Olena Varga, as the talks went on.",
            "Whom did Minister Jill Harrow meet during her visit to Sarvik?",
            ["Olena Varga"],
        ),
        (
            "Members of the Tarsic union met with Velorian officials in Sarvik on Monday.",
            "With whom did members of the Tarsic union meet in Sarvik?",
            ["officials"],
        ),
        (
            "Union leader Rosa Keverne met with authority director Henrik Dall and port "
            "operations chief Milo Strand at the authority's headquarters on Monday.",
            "Whom did union leader Rosa Keverne meet?",
            ["Henrik Dall", "Milo Strand"],
        ),
    ],
)
def test_the_answer_is_the_side_the_question_does_not_name(sentence, question, expected):
    found = parties(sentence, question)
    assert [name for name in expected if any(name in party for party in found)] == expected
    assert len(found) == len(expected)


def test_a_sentence_without_a_meeting_has_no_parties():
    assert parties("The port reopened on Tuesday after repairs.", "Who did the mayor meet?") == []
