"""Sentence spans: trimmed, ended by line breaks, not split at abbreviations, offset-exact."""

from hypothesis import given, settings
from hypothesis import strategies as st

from service.sentences import sentence_spans


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text)]


def test_two_sentences_with_their_offsets():
    text = "The port reopened. Talks resume Monday."
    assert sentence_spans(text) == [(0, 18), (19, 39)]
    assert sentences(text) == ["The port reopened.", "Talks resume Monday."]


def test_spans_are_trimmed_of_surrounding_white_space():
    text = "   First one.    Second one.  \t "
    assert sentence_spans(text) == [(3, 13), (17, 28)]
    assert sentences(text) == ["First one.", "Second one."]


def test_line_breaks_end_sentences_even_without_a_full_stop():
    text = "Veloria budget passes\nThe vote was 112 to 87.\n\n  Spending rises"
    assert sentences(text) == [
        "Veloria budget passes",
        "The vote was 112 to 87.",
        "Spending rises",
    ]
    assert all("\n" not in sentence for sentence in sentences(text))


def test_abbreviations_do_not_split_a_sentence():
    text = "Gen. Mara Holt met Mr. Vedde in the U.S. capital on Monday. They talked for hours."
    assert sentences(text) == [
        "Gen. Mara Holt met Mr. Vedde in the U.S. capital on Monday.",
        "They talked for hours.",
    ]


def test_question_and_exclamation_marks_end_sentences():
    assert sentences("Who won? Nobody knows! Wait.") == ["Who won?", "Nobody knows!", "Wait."]


def test_empty_and_blank_texts_have_no_sentences():
    assert sentence_spans("") == []
    assert sentence_spans(" \n\n\t ") == []


def test_a_repeated_sentence_gets_its_own_offsets():
    text = "Yes. Yes. Yes."
    assert sentence_spans(text) == [(0, 4), (5, 9), (10, 14)]


PIECES = st.one_of(
    st.characters(exclude_categories=("Cs",)),  # lone surrogates are not text
    st.sampled_from(["Mr.", "U.S.", "Gen.", ". ", "? ", "!", "\n", "\n\n", "  ", "\t", "word"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=60).map("".join))
def test_offsets_slice_the_text_exactly(text: str):
    spans = sentence_spans(text)
    covered: set[int] = set()
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)  # ordered, non-empty, in range
        sentence = text[start:end]
        assert sentence == sentence.strip()
        assert "\n" not in sentence
        covered.update(range(start, end))
        previous_end = end
    # nothing but white space is left out
    assert all(ch.isspace() for i, ch in enumerate(text) if i not in covered)
