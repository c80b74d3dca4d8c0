"""Filters, reciprocal rank fusion and hybrid retrieval over a real index of the demo corpus."""

import datetime as dt

import pytest

from index.chunking import Chunker
from index.embedding import Embedder
from index.models import Document, DocumentSummary
from index.store import Snapshot
from service.models import Filters, Passage, PassageScores
from service.question import Period, analyze
from service.retrieval import (
    DENSE_ONLY,
    HYBRID,
    LEXICAL_ONLY,
    Recency,
    Retriever,
    admits,
    from_period,
    reciprocal_rank_fusion,
    with_antecedent,
)
from service.settings import Settings

BUDGET_QUESTION = "How many votes did the Veloria parliament pass the 2026 budget by?"
METRO_QUESTION = "When will Line 3 of the Tessary metro reopen after the tunnel flooding?"
UNDATED = "brask-court-dredging"
FISHERIES = "halvik-fisheries-quota"


def summary(
    date: dt.date | None = dt.date(2025, 6, 3), source: str | None = "The Amsel Courier"
) -> DocumentSummary:
    return DocumentSummary(id="doc-1", title="A title", date=date, source=source)


# --- admits ------------------------------------------------------------------------------


def test_no_filter_admits_every_document():
    assert admits(summary(), Filters(), None)
    assert admits(summary(date=None, source=None), Filters(), None)


@pytest.mark.parametrize(
    ("date_from", "date_to", "admitted"),
    [
        (dt.date(2025, 6, 3), None, True),  # the lower bound is inclusive
        (dt.date(2025, 6, 4), None, False),
        (None, dt.date(2025, 6, 3), True),  # the upper bound is inclusive
        (None, dt.date(2025, 6, 2), False),
        (dt.date(2025, 6, 3), dt.date(2025, 6, 3), True),
        (dt.date(2025, 1, 1), dt.date(2025, 12, 31), True),
        (dt.date(2024, 1, 1), dt.date(2024, 12, 31), False),
    ],
)
def test_date_range_bounds_are_inclusive(date_from, date_to, admitted):
    filters = Filters(date_from=date_from, date_to=date_to)
    assert admits(summary(), filters, None) is admitted


@pytest.mark.parametrize(
    "filters",
    [
        Filters(date_from=dt.date(2000, 1, 1)),
        Filters(date_to=dt.date(2100, 1, 1)),
        Filters(date_from=dt.date(2000, 1, 1), date_to=dt.date(2100, 1, 1)),
    ],
)
def test_a_date_range_excludes_undated_documents(filters):
    assert not admits(summary(date=None), filters, None)


def test_question_date_keeps_undated_documents_and_drops_later_ones():
    question_date = dt.date(2025, 6, 3)
    assert admits(summary(date=None), Filters(), question_date)
    assert admits(summary(date=dt.date(2025, 6, 3)), Filters(), question_date)  # same day
    assert admits(summary(date=dt.date(2020, 1, 1)), Filters(), question_date)
    assert not admits(summary(date=dt.date(2025, 6, 4)), Filters(), question_date)


def test_question_date_and_date_range_both_apply():
    filters = Filters(date_from=dt.date(2025, 1, 1))
    assert admits(summary(date=dt.date(2025, 6, 3)), filters, dt.date(2025, 7, 1))
    assert not admits(summary(date=dt.date(2025, 6, 3)), filters, dt.date(2025, 6, 2))
    assert not admits(summary(date=dt.date(2024, 6, 3)), filters, dt.date(2025, 7, 1))


def test_sources_match_case_insensitively():
    assert admits(summary(), Filters(sources=["the amsel COURIER"]), None)
    assert admits(summary(), Filters(sources=["Other Paper", "THE AMSEL COURIER"]), None)
    assert not admits(summary(), Filters(sources=["The Amsel"]), None)
    assert not admits(summary(source=None), Filters(sources=["The Amsel Courier"]), None)
    assert not admits(summary(), Filters(sources=[]), None)


def test_doc_ids_filter_by_exact_id():
    assert admits(summary(), Filters(doc_ids=["other", "doc-1"]), None)
    assert not admits(summary(), Filters(doc_ids=["doc-2"]), None)
    assert not admits(summary(), Filters(doc_ids=["DOC-1"]), None)
    assert not admits(summary(), Filters(doc_ids=[]), None)


def test_filters_reject_a_reversed_date_range():
    with pytest.raises(ValueError, match="date_from is after date_to"):
        Filters(date_from=dt.date(2025, 2, 1), date_to=dt.date(2025, 1, 31))


# --- reciprocal rank fusion ---------------------------------------------------------------


def test_reciprocal_rank_fusion_by_hand():
    fused = reciprocal_rank_fusion([([1, 2, 3], 1.0), ([3, 1], 0.5)], k=10)
    assert fused.keys() == {1, 2, 3}
    assert fused[1] == pytest.approx(1 / 11 + 0.5 / 12)
    assert fused[2] == pytest.approx(1 / 12)
    assert fused[3] == pytest.approx(1 / 13 + 0.5 / 11)


def test_reciprocal_rank_fusion_k_and_weights():
    assert reciprocal_rank_fusion([([7], 1.0)], k=1) == {7: pytest.approx(1 / 2)}
    assert reciprocal_rank_fusion([([7], 3.0)], k=60) == {7: pytest.approx(3 / 61)}
    assert reciprocal_rank_fusion([([7, 8], 0.0)], k=60) == {7: 0.0, 8: 0.0}
    assert reciprocal_rank_fusion([([], 1.0), ([], 1.0)], k=60) == {}
    # a lower k widens the gap between rank 1 and rank 2
    low = reciprocal_rank_fusion([([1, 2], 1.0)], k=1)
    high = reciprocal_rank_fusion([([1, 2], 1.0)], k=100)
    assert low[1] / low[2] > high[1] / high[2]


# --- Retriever on the demo index -----------------------------------------------------------


@pytest.fixture(scope="module")
def retriever(demo_settings: Settings, embedder: Embedder) -> Retriever:
    return Retriever(demo_settings, embedder.embed_query)


def check_passages_match_stored_text(snapshot: Snapshot, passages: list[Passage]) -> None:
    for passage in passages:
        document = snapshot.document(passage.doc_id)
        assert document is not None
        assert passage.text == document.text[passage.start : passage.end]
        assert (passage.title, passage.date, passage.source, passage.url) == (
            document.title,
            document.date,
            document.source,
            document.url,
        )


@pytest.mark.parametrize(
    ("question", "doc_id"),
    [(BUDGET_QUESTION, "veloria-budget-vote"), (METRO_QUESTION, "tessary-metro-reopening")],
)
def test_the_right_document_ranks_first(retriever, snapshot, question, doc_id):
    passages = retriever.retrieve(snapshot, question)
    assert passages[0].doc_id == doc_id
    assert len(passages) == retriever.settings.top_k
    check_passages_match_stored_text(snapshot, passages)


def test_hybrid_scores_are_reciprocal_rank_fusion_of_both_rankings(retriever, snapshot, embedder):
    passages = retriever.retrieve(snapshot, METRO_QUESTION, top_k=10)
    fused = [p.scores.fused for p in passages]
    assert fused == sorted(fused, reverse=True)
    assert passages[0].scores.dense is not None and passages[0].scores.lexical is not None
    # Recompute the fusion from the raw rankings (no filter: every candidate is admitted).
    wanted = retriever.settings.candidates
    dense_ids, dense_scores = snapshot.search_dense(embedder.embed_query(METRO_QUESTION), wanted)
    lexical_ids, lexical_scores = snapshot.search_lexical(METRO_QUESTION, wanted)
    k = retriever.settings.rrf_k
    for passage in passages:
        expected = 0.0
        if passage.chunk_id in dense_ids:
            rank = dense_ids.index(passage.chunk_id)
            expected += retriever.settings.dense_weight / (k + rank + 1)
            assert passage.scores.dense == pytest.approx(dense_scores[rank])
        else:
            assert passage.scores.dense is None
        if passage.chunk_id in lexical_ids:
            rank = lexical_ids.index(passage.chunk_id)
            expected += retriever.settings.lexical_weight / (k + rank + 1)
            assert passage.scores.lexical == pytest.approx(lexical_scores[rank])
        else:
            assert passage.scores.lexical is None
        assert passage.scores.fused == pytest.approx(expected)


def test_dense_only_passages_have_no_lexical_score(retriever, snapshot):
    passages = retriever.retrieve(snapshot, BUDGET_QUESTION, top_k=8, mode=DENSE_ONLY)
    assert len(passages) == 8
    assert all(p.scores.lexical is None and p.scores.dense is not None for p in passages)
    dense = [p.scores.dense for p in passages]
    assert dense == sorted(dense, reverse=True)
    k = retriever.settings.rrf_k
    weight = retriever.settings.dense_weight
    assert [p.scores.fused for p in passages] == pytest.approx(
        [weight / (k + rank) for rank in range(1, 9)]
    )
    assert passages[0].doc_id == "veloria-budget-vote"


def test_lexical_only_passages_have_no_dense_score(retriever, snapshot):
    passages = retriever.retrieve(snapshot, BUDGET_QUESTION, top_k=8, mode=LEXICAL_ONLY)
    assert len(passages) == 8
    assert all(p.scores.dense is None and p.scores.lexical is not None for p in passages)
    lexical = [p.scores.lexical for p in passages]
    assert lexical == sorted(lexical, reverse=True)
    assert passages[0].doc_id == "veloria-budget-vote"


def test_lexical_only_finds_nothing_for_a_question_of_stopwords(retriever, snapshot):
    assert retriever.retrieve(snapshot, "Is it the one?", mode=LEXICAL_ONLY) == []


def test_top_k_is_respected(retriever, snapshot):
    assert len(retriever.retrieve(snapshot, METRO_QUESTION, top_k=1)) == 1
    assert len(retriever.retrieve(snapshot, METRO_QUESTION, top_k=3)) == 3
    # more than the index holds: every chunk, once (dense ranks them all)
    everything = retriever.retrieve(snapshot, METRO_QUESTION, top_k=50, mode=HYBRID)
    assert len(everything) == snapshot.manifest.chunks
    assert len({p.chunk_id for p in everything}) == len(everything)
    check_passages_match_stored_text(snapshot, everything)


def test_doc_ids_filter_fetches_more_candidates_until_the_document_is_found(
    demo_settings, embedder, snapshot
):
    """Asked about the Tessary metro but limited to the Halvik fisheries article: the first
    10 candidates of both rankings hold no Halvik chunk, so the retriever must widen its search."""
    settings = Settings(index_dir=demo_settings.index_dir, candidates=10)
    retriever = Retriever(settings, embedder.embed_query)
    document = snapshot.document(FISHERIES)
    chunker = Chunker(settings.chunk_size, settings.chunk_overlap)
    fisheries_chunks = len(chunker.split(document.text))
    first_dense, _ = snapshot.search_dense(embedder.embed_query(METRO_QUESTION), 10)
    first_lexical, _ = snapshot.search_lexical(METRO_QUESTION, 10)
    first_docs = {c.doc_id for c in snapshot.chunks(first_dense + first_lexical)}
    assert FISHERIES not in first_docs  # precondition: the expansion loop is needed

    passages = retriever.retrieve(
        snapshot, METRO_QUESTION, filters=Filters(doc_ids=[FISHERIES]), top_k=20
    )
    assert {p.doc_id for p in passages} == {FISHERIES}
    assert len(passages) == fisheries_chunks
    check_passages_match_stored_text(snapshot, passages)


def test_a_date_filter_that_admits_nothing_returns_no_passage(retriever, snapshot):
    filters = Filters(date_from=dt.date(2030, 1, 1), date_to=dt.date(2030, 12, 31))
    assert retriever.retrieve(snapshot, METRO_QUESTION, filters=filters) == []


def test_a_date_range_on_the_index_keeps_only_documents_inside_it(retriever, snapshot):
    filters = Filters(date_from=dt.date(2025, 3, 11), date_to=dt.date(2025, 3, 12))
    passages = retriever.retrieve(snapshot, METRO_QUESTION, filters=filters, top_k=50)
    assert {p.doc_id for p in passages} == {"jl-harbour-strike", "amsel-dockworkers-deadline"}


def test_question_date_on_the_index_drops_later_documents_only(retriever, snapshot):
    question_date = dt.date(2025, 6, 3)
    passages = retriever.retrieve(snapshot, METRO_QUESTION, question_date=question_date, top_k=50)
    doc_ids = {p.doc_id for p in passages}
    assert "tessary-metro-reopening" not in doc_ids
    assert {"veloria-port-talks", "jl-harbour-strike", UNDATED} <= doc_ids  # same day, undated
    assert all(p.date is None or p.date <= question_date for p in passages)


def test_sources_filter_on_the_index(retriever, snapshot):
    filters = Filters(sources=["THE AMSEL COURIER"])
    passages = retriever.retrieve(snapshot, BUDGET_QUESTION, filters=filters, top_k=50)
    assert {p.doc_id for p in passages} == {"jl-harbour-strike", "veloria-port-talks"}
    assert all(p.source == "The Amsel Courier" for p in passages)


# --- Recency -------------------------------------------------------------------------------


def recency(question: str, question_date: dt.date, **settings: float) -> Recency:
    return Recency(
        Settings().model_copy(update=settings),
        question_date,
        analyze(question, question_date),
    )


def test_recency_raises_recent_documents_and_halves_with_age():
    day = dt.date(2025, 6, 10)
    prefers = recency("Who won the vote?", day, recency_boost=1.0, recency_half_life_days=7)
    assert prefers.factor(day) == pytest.approx(2.0)
    assert prefers.factor(day - dt.timedelta(days=7)) == pytest.approx(1.5)
    assert prefers.factor(dt.date(2020, 1, 1)) == pytest.approx(1.0)
    assert prefers.factor(None) == 1.0


def test_the_days_a_recency_phrase_names_count_more():
    day = dt.date(2025, 6, 10)
    phrase = recency("Who won the vote this week?", day, recency_range_boost=0.5, recency_boost=0)
    assert phrase.factor(day - dt.timedelta(days=3)) == pytest.approx(1.5)
    assert phrase.factor(day - dt.timedelta(days=30)) == 1.0
    no_phrase = recency("Who won the vote?", day, recency_range_boost=0.5, recency_boost=0)
    assert no_phrase.factor(day - dt.timedelta(days=3)) == 1.0


def test_recency_off_leaves_the_fusion_alone():
    day = dt.date(2025, 6, 10)
    off = recency("Who won this week?", day, recency_range_boost=0, recency_boost=0)
    assert off.factor(day) == off.factor(dt.date(2001, 1, 1)) == 1.0


def test_with_a_question_date_fused_scores_carry_the_recency_factor(
    demo_settings, embedder, snapshot
):
    # After every demo document, so that the question's date filters none out; a long
    # half-life keeps the factors of months-old documents apart.
    question_date = dt.date(2026, 12, 31)
    settings = demo_settings.model_copy(update={"recency_half_life_days": 3650})
    retriever = Retriever(settings, embedder.embed_query)
    plain = retriever.retrieve(snapshot, BUDGET_QUESTION, top_k=50)
    dated = retriever.retrieve(snapshot, BUDGET_QUESTION, question_date=question_date, top_k=50)
    recent = Recency(settings, question_date, analyze(BUDGET_QUESTION, question_date))
    before = {p.chunk_id: p.scores.fused for p in plain}
    assert len({recent.factor(p.date) for p in dated}) > 2
    for passage in dated:
        expected = before[passage.chunk_id] * recent.factor(passage.date)
        assert passage.scores.fused == pytest.approx(expected)
    assert [p.scores.fused for p in dated] == sorted((p.scores.fused for p in dated), reverse=True)


def passage_of(date: dt.date | None) -> Passage:
    return Passage(
        doc_id=f"doc-{date}",
        title="t",
        date=date,
        chunk_id=0,
        start=0,
        end=1,
        text="x",
        scores=PassageScores(fused=1.0),
    )


def test_only_news_of_the_period_asked_about_and_just_before_it_is_evidence():
    week = Period(dt.date(2023, 3, 1), dt.date(2023, 3, 8))
    dates = [
        dt.date(2023, 3, 5),  # in the week
        dt.date(2023, 2, 22),  # 7 days before it: within the slack
        dt.date(2023, 2, 21),  # 8 days before it
        dt.date(2022, 3, 5),  # a year before
        None,  # undated: cannot tell
    ]
    passages = [passage_of(date) for date in dates]
    kept = from_period(passages, week, slack_days=7)
    assert [p.date for p in kept] == [dt.date(2023, 3, 5), dt.date(2023, 2, 22), None]
    assert from_period(passages, None, slack_days=7) == passages


def test_a_period_without_an_end_keeps_everything_published_from_its_start_on():
    june = Period(dt.date(2023, 6, 1))
    dates = [dt.date(2024, 1, 5), dt.date(2023, 5, 25), dt.date(2023, 5, 24), None]
    kept = from_period([passage_of(date) for date in dates], june, slack_days=7)
    assert [p.date for p in kept] == [dt.date(2024, 1, 5), dt.date(2023, 5, 25), None]


MADRID = Document(
    id="madrid",
    title="Madrid",
    text=(
        "Leaders gathered in Madrid.\n\n"
        "Biden said Tuesday when he was meeting with King Felipe VI at the Royal Palace.\n\n"
        "It was during that meeting Biden received word Turkey was dropping its objections."
    ),
)


def chunk_of(document: Document, opening: str) -> Passage:
    """The paragraph of the document that starts with `opening`, as a retrieved passage."""
    start = document.text.index(opening)
    end = document.text.find("\n\n", start)
    end = len(document.text) if end < 0 else end
    return passage_of(None).model_copy(
        update={"doc_id": document.id, "start": start, "end": end, "text": document.text[start:end]}
    )


def test_a_passage_that_points_back_is_widened_by_the_sentence_before_it():
    lookup = {MADRID.id: MADRID}.get
    widened = with_antecedent(chunk_of(MADRID, "It was during"), lookup)
    assert widened.text.startswith("Biden said Tuesday when he was meeting with King Felipe VI")
    assert widened.text == MADRID.text[widened.start : widened.end]
    assert widened.text.endswith("dropping its objections.")
    # A passage that opens on its own, or opens the document, is left as it is.
    own = chunk_of(MADRID, "Biden said Tuesday")
    assert with_antecedent(own, lookup) == own
    first = chunk_of(MADRID, "Leaders gathered")
    assert with_antecedent(first, lookup) == first
