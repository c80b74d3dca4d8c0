"""Tests of index/lexical.py: BM25 over chunk texts, answering with chunk ids."""

from pathlib import Path

import pytest

from index.lexical import LexicalIndex, tokenize

CHUNK_IDS = [101, 205, 999]
TEXTS = [
    "The dock union held meetings with port managers about pay.",
    "Flooding forced thousands of residents from their homes in Ostholm.",
    "The central bank raised interest rates on Tuesday, the governor said.",
]


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    return LexicalIndex.build(CHUNK_IDS, TEXTS)


def test_the_chunk_with_the_query_terms_ranks_first(index: LexicalIndex) -> None:
    assert index.search("interest rates", 3)[0] == [999]
    assert index.search("flooding in Ostholm", 3)[0] == [205]


def test_results_are_chunk_ids_with_positive_scores_best_first() -> None:
    index = LexicalIndex.build(
        [7, 70, 700],
        ["ferry ferry ferry timetable", "ferry timetable", "bridge closed for repairs"],
    )
    ids, scores = index.search("ferry timetable", 10)
    assert ids == [7, 70]
    assert scores == sorted(scores, reverse=True)
    assert all(score > 0 for score in scores)


def test_stemming_matches_word_forms(index: LexicalIndex) -> None:
    assert index.search("meeting", 3)[0] == [101]
    assert index.search("floods", 3)[0] == [205]
    assert tokenize(["meetings"]) == tokenize(["meeting"])


@pytest.mark.parametrize("query", ["the and of", "zzyzx qwerty", "", "   "])
def test_queries_without_known_terms_find_nothing(index: LexicalIndex, query: str) -> None:
    assert index.search(query, 5) == ([], [])


def test_k_limits_the_results(index: LexicalIndex) -> None:
    assert len(index.search("the union bank flooding", 2)[0]) == 2
    assert index.search("interest", 0) == ([], [])


def test_k_larger_than_the_index_is_fine(index: LexicalIndex) -> None:
    assert index.search("pay", 50)[0] == [101]


def test_save_and_load_round_trip(index: LexicalIndex, tmp_path: Path) -> None:
    folder = tmp_path / "bm25"
    index.save(folder)
    loaded = LexicalIndex.load(folder)
    assert loaded.size == 3
    for query in ("interest rates", "meetings about pay", "residents homes"):
        assert loaded.search(query, 3) == index.search(query, 3)


def test_empty_index_builds_saves_and_loads(tmp_path: Path) -> None:
    empty = LexicalIndex.build([], [])
    assert empty.size == 0
    assert empty.search("anything", 5) == ([], [])
    empty.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    assert loaded.size == 0
    assert loaded.search("anything", 5) == ([], [])


def test_single_chunk_index() -> None:
    index = LexicalIndex.build([42], ["Only one chunk, about ferries."])
    assert index.search("ferry", 5)[0] == [42]
