"""Tests of index/vectors.py: FAISS inner-product search keyed by stable chunk ids."""

from pathlib import Path

import numpy as np
import pytest

from index.vectors import VectorIndex

DIMENSION = 8
IDS = [101, 205, 999, 4_000_000_000]


def _unit_vectors(count: int, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(count, DIMENSION)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture
def vectors() -> np.ndarray:
    return _unit_vectors(len(IDS))


@pytest.fixture
def index(vectors: np.ndarray) -> VectorIndex:
    index = VectorIndex.empty(DIMENSION)
    index.add(vectors, IDS)
    return index


def test_each_vector_finds_its_own_id_first(index: VectorIndex, vectors: np.ndarray) -> None:
    assert (index.size, index.dimension) == (len(IDS), DIMENSION)
    for chunk_id, vector in zip(IDS, vectors, strict=True):
        ids, scores = index.search(vector, 1)
        assert ids == [chunk_id]
        assert scores[0] == pytest.approx(1.0, abs=1e-5)


def test_results_are_ordered_by_cosine_score(index: VectorIndex, vectors: np.ndarray) -> None:
    query = vectors[0] + 0.5 * vectors[2]
    ids, scores = index.search(query / np.linalg.norm(query), len(IDS))
    expected = [IDS[i] for i in np.argsort(-(vectors @ query))]
    assert ids == expected
    assert scores == sorted(scores, reverse=True)


def test_removal_keeps_the_other_ids(index: VectorIndex, vectors: np.ndarray) -> None:
    assert index.remove([205]) == 1
    assert index.size == 3
    for position in (0, 2, 3):
        assert index.search(vectors[position], 1)[0] == [IDS[position]]
    assert 205 not in index.search(vectors[1], 10)[0]


def test_removing_unknown_or_no_ids_removes_nothing(index: VectorIndex) -> None:
    assert index.remove([123456]) == 0
    assert index.remove([]) == 0
    assert index.size == len(IDS)


def test_ids_added_later_are_found(index: VectorIndex) -> None:
    extra = _unit_vectors(2, seed=1)
    index.add(extra, [7, 8])
    assert index.search(extra[1], 1)[0] == [8]
    assert index.size == len(IDS) + 2


def test_save_and_load_round_trip(index: VectorIndex, vectors: np.ndarray, tmp_path: Path) -> None:
    index.remove([999])
    path = tmp_path / "faiss.index"
    index.save(path)
    loaded = VectorIndex.load(path)
    assert (loaded.size, loaded.dimension) == (3, DIMENSION)
    for position in (0, 1, 3):
        assert loaded.search(vectors[position], 3) == index.search(vectors[position], 3)
        assert loaded.search(vectors[position], 1)[0] == [IDS[position]]


def test_search_on_an_empty_index_finds_nothing() -> None:
    assert VectorIndex.empty(DIMENSION).search(_unit_vectors(1)[0], 5) == ([], [])


def test_k_larger_than_the_index_returns_every_id(index: VectorIndex) -> None:
    ids, scores = index.search(_unit_vectors(1, seed=3)[0], 100)
    assert sorted(ids) == sorted(IDS)
    assert len(scores) == len(IDS)


def test_k_zero_finds_nothing(index: VectorIndex) -> None:
    assert index.search(_unit_vectors(1)[0], 0) == ([], [])


def test_mismatched_ids_and_vectors_raise(vectors: np.ndarray) -> None:
    index = VectorIndex.empty(DIMENSION)
    with pytest.raises(ValueError, match="4 vectors for 3 ids"):
        index.add(vectors, IDS[:3])
    assert index.size == 0


def test_adding_nothing_is_allowed() -> None:
    index = VectorIndex.empty(DIMENSION)
    index.add(np.empty((0, DIMENSION), dtype=np.float32), [])
    assert index.size == 0


def test_float64_vectors_are_accepted(vectors: np.ndarray) -> None:
    index = VectorIndex.empty(DIMENSION)
    index.add(vectors.astype(np.float64), IDS)
    assert index.search(vectors[2].astype(np.float64), 1)[0] == [IDS[2]]
