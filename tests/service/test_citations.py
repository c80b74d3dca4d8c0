"""Citation verification against a document's stored text, and numbering of citations."""

import datetime as dt

import pytest

from index.models import Document
from service.citations import CitationError, cite, cite_all, verify
from service.models import Finding, Passage, PassageScores

TEXT = (
    "Harbour talks resume\n\n"
    "The Amsel Dock Union met the port authority on Monday. "
    "Workers set a strike deadline of March 14 after the meeting. "
    "Both sides said the talks were constructive."
)
QUOTE = "Workers set a strike deadline of March 14 after the meeting."
ANSWER = "March 14"
QUOTE_START = TEXT.index(QUOTE)
QUOTE_END = QUOTE_START + len(QUOTE)
ANSWER_START = TEXT.index(ANSWER)
ANSWER_END = ANSWER_START + len(ANSWER)

DOCUMENT = Document(
    id="amsel-talks",
    title="Harbour talks resume",
    date=dt.date(2025, 3, 11),
    source="The Amsel Courier",
    url="https://example.com/amsel-talks",
    text=TEXT,
)


def passage(doc_id: str = DOCUMENT.id, chunk_id: int = 7) -> Passage:
    start = TEXT.index("The Amsel")
    return Passage(
        chunk_id=chunk_id,
        doc_id=doc_id,
        title=DOCUMENT.title,
        date=DOCUMENT.date,
        source=DOCUMENT.source,
        url=DOCUMENT.url,
        start=start,
        end=len(TEXT),
        text=TEXT[start:],
        scores=PassageScores(dense=0.8, lexical=3.1, fused=0.03),
    )


def finding(**changes: object) -> Finding:
    fields: dict[str, object] = {
        "answer": ANSWER,
        "quote": QUOTE,
        "passage": passage(),
        "quote_start": QUOTE_START,
        "quote_end": QUOTE_END,
        "answer_start": ANSWER_START,
        "answer_end": ANSWER_END,
        "score": 0.9,
    }
    fields.update(changes)
    return Finding(**fields)


def lookup(doc_id: str) -> Document | None:
    return DOCUMENT if doc_id == DOCUMENT.id else None


def test_the_fixture_offsets_hold_their_text():
    assert TEXT[ANSWER_START:ANSWER_END] == ANSWER
    assert TEXT[QUOTE_START:QUOTE_END] == QUOTE


def parts_finding(answer: str, names: list[str]) -> Finding:
    parts = [(TEXT.index(name), TEXT.index(name) + len(name)) for name in names]
    return finding(
        answer=answer,
        quote=TEXT[QUOTE_START - 56 : QUOTE_END],
        quote_start=QUOTE_START - 56,
        answer_start=parts[0][0],
        answer_end=parts[-1][1],
        answer_parts=parts,
    )


def test_an_answer_joined_from_names_that_stand_apart_verifies():
    joined = parts_finding("The Amsel Dock Union and Workers", ["The Amsel Dock Union", "Workers"])
    verify(joined, DOCUMENT)
    assert cite(joined, 1, DOCUMENT).answer_parts == joined.answer_parts


def test_joined_names_that_differ_from_their_parts_are_rejected():
    wrong = parts_finding("The Amsel Dock Union and Strikers", ["The Amsel Dock Union", "Workers"])
    with pytest.raises(CitationError):
        verify(wrong, DOCUMENT)


def test_a_correct_finding_verifies():
    verify(finding(), DOCUMENT)


def test_an_answer_that_is_its_whole_quote_verifies():
    verify(finding(answer=QUOTE, answer_start=QUOTE_START, answer_end=QUOTE_END), DOCUMENT)


def test_an_answer_at_the_very_edges_of_its_quote_verifies():
    """Answer at the first and at the last characters of the quote: inside, not outside."""
    first = QUOTE.split()[0]
    verify(
        finding(answer=first, answer_start=QUOTE_START, answer_end=QUOTE_START + len(first)),
        DOCUMENT,
    )
    verify(finding(answer="meeting.", answer_start=QUOTE_END - 8, answer_end=QUOTE_END), DOCUMENT)


def test_a_quote_spanning_the_whole_document_verifies():
    verify(
        finding(
            quote=TEXT,
            quote_start=0,
            quote_end=len(TEXT),
            answer="Harbour",
            answer_start=0,
            answer_end=7,
        ),
        DOCUMENT,
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (ANSWER_START + 1, ANSWER_END),  # start one character late
        (ANSWER_START - 1, ANSWER_END),  # start one character early
        (ANSWER_START, ANSWER_END + 1),  # end one character late
        (ANSWER_START, ANSWER_END - 1),  # end one character early
        (ANSWER_START + 1, ANSWER_END + 1),  # shifted by one
    ],
)
def test_answer_text_off_by_one_is_rejected(start, end):
    with pytest.raises(CitationError, match="answer text differs"):
        verify(finding(answer_start=start, answer_end=end), DOCUMENT)


def test_an_answer_just_outside_its_quote_is_rejected():
    before = TEXT[QUOTE_START - 1 : QUOTE_START + 7]  # " Workers"
    with pytest.raises(CitationError, match="not inside its quote"):
        verify(
            finding(answer=before, answer_start=QUOTE_START - 1, answer_end=QUOTE_START + 7),
            DOCUMENT,
        )
    after = TEXT[QUOTE_END - 8 : QUOTE_END + 1]  # "meeting. "
    with pytest.raises(CitationError, match="not inside its quote"):
        verify(
            finding(answer=after, answer_start=QUOTE_END - 8, answer_end=QUOTE_END + 1),
            DOCUMENT,
        )


def test_an_answer_in_another_sentence_is_rejected():
    other = "Monday"
    start = TEXT.index(other)
    with pytest.raises(CitationError, match="not inside its quote"):
        verify(finding(answer=other, answer_start=start, answer_end=start + len(other)), DOCUMENT)


def test_an_empty_answer_span_is_rejected():
    with pytest.raises(CitationError):
        verify(finding(answer="", answer_end=ANSWER_START), DOCUMENT)


def test_a_quote_that_differs_from_the_text_is_rejected():
    with pytest.raises(CitationError, match="quote differs"):
        verify(finding(quote=QUOTE.replace("14", "21")), DOCUMENT)
    with pytest.raises(CitationError, match="quote differs"):
        verify(finding(quote=QUOTE[:-1] + "!"), DOCUMENT)


def test_a_quote_range_off_by_one_is_rejected():
    with pytest.raises(CitationError, match="quote differs"):
        verify(finding(quote_start=QUOTE_START - 1), DOCUMENT)
    with pytest.raises(CitationError, match="quote differs"):
        verify(finding(quote_end=QUOTE_END + 1), DOCUMENT)


def test_a_missing_document_is_rejected():
    with pytest.raises(CitationError, match="not in the index"):
        verify(finding(), None)


def test_offsets_beyond_the_text_are_rejected():
    end = len(TEXT)
    with pytest.raises(CitationError):
        verify(finding(quote_end=end + 1), DOCUMENT)
    with pytest.raises(CitationError):
        verify(
            finding(
                quote=TEXT[-5:],
                quote_start=end - 5,
                quote_end=end + 10,
                answer=TEXT[-5:],
                answer_start=end - 5,
                answer_end=end + 10,
            ),
            DOCUMENT,
        )


def test_cite_copies_metadata_and_offsets():
    citation = cite(finding(), 3, DOCUMENT)
    assert citation.n == 3
    assert (citation.doc_id, citation.title, citation.date, citation.source, citation.url) == (
        DOCUMENT.id,
        DOCUMENT.title,
        DOCUMENT.date,
        DOCUMENT.source,
        DOCUMENT.url,
    )
    assert citation.chunk_id == 7
    assert (citation.quote_start, citation.quote_end) == (QUOTE_START, QUOTE_END)
    assert (citation.answer_start, citation.answer_end) == (ANSWER_START, ANSWER_END)


def test_cite_verifies_first():
    with pytest.raises(CitationError):
        cite(finding(answer_start=ANSWER_START + 1), 1, DOCUMENT)


def test_cite_all_numbers_from_one_and_drops_findings_that_fail():
    good = finding()
    shifted = finding(answer_start=ANSWER_START + 1, answer_end=ANSWER_END + 1)
    missing = finding(passage=passage(doc_id="not-indexed"))
    whole = finding(answer=QUOTE, answer_start=QUOTE_START, answer_end=QUOTE_END)
    cited = cite_all([shifted, good, missing, whole], lookup)
    assert [pair[0] for pair in cited] == [good, whole]
    assert [citation.n for _, citation in cited] == [1, 2]
    assert cited[1][1].answer_start == QUOTE_START


def test_cite_all_looks_each_document_up_once():
    calls: list[str] = []

    def counting_lookup(doc_id: str) -> Document | None:
        calls.append(doc_id)
        return lookup(doc_id)

    cited = cite_all([finding(), finding(), finding(passage=passage("gone"))], counting_lookup)
    assert [citation.n for _, citation in cited] == [1, 2]
    assert calls == [DOCUMENT.id, "gone"]


def test_cite_all_of_nothing_is_empty():
    assert cite_all([], lookup) == []
    assert cite_all([finding(passage=passage("gone"))], lookup) == []
