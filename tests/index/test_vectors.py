"""Tests of index/vectors.py: FAISS inner-product search keyed by stable chunk ids."""

from pathlib import Path

import faiss
import numpy as np
import pytest

from eval.bench_retrieval import synthetic_data
from index.vectors import IndexLayout, VectorIndex

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


# The index type by size: small layouts so that the IVF path runs on a few thousand vectors.
SMALL_IVF = IndexLayout(ivf_threshold=2_000, nprobe=8)


@pytest.fixture(scope="module")
def clustered() -> tuple[np.ndarray, np.ndarray]:
    """4,000 vectors and 50 queries from the benchmark's clustered synthetic data."""
    return synthetic_data(4_000)


def _recall_at_10(
    index: VectorIndex, vectors: np.ndarray, queries: np.ndarray, first_id: int = 0
) -> float:
    """Share of the exact 10 nearest ids (vector i has id first_id + i) that the index finds."""
    _, exact = faiss.knn(queries, vectors, 10, faiss.METRIC_INNER_PRODUCT)
    exact += first_id
    found = [set(index.search(query, 10)[0]) for query in queries]
    return float(np.mean([len(f & set(e)) / 10 for f, e in zip(found, exact, strict=True)]))


def test_the_layout_keeps_exact_search_below_the_threshold(clustered) -> None:
    vectors, _ = clustered
    index = VectorIndex.built(vectors[:1_999], np.arange(1_999), SMALL_IVF)
    assert index.kind == "IndexFlatIP"


def test_an_ivf_index_built_past_the_threshold_still_finds_the_true_neighbours(clustered) -> None:
    vectors, queries = clustered
    index = VectorIndex.built(vectors, np.arange(len(vectors)), SMALL_IVF)
    assert index.kind.startswith("IndexIVFFlat")
    assert _recall_at_10(index, vectors, queries) >= 0.9
    # The exact index of the same vectors is the reference the recall is measured against.
    assert _recall_at_10(VectorIndex.built(vectors, np.arange(len(vectors))), vectors, queries) == 1


def test_an_ivf_index_removes_and_reconstructs_by_id_like_the_flat_one(clustered) -> None:
    vectors, _ = clustered
    ids = np.arange(len(vectors)) * 7 + 3
    index = VectorIndex.built(vectors, ids, SMALL_IVF)
    np.testing.assert_allclose(index.vectors_of([3, 10]), vectors[:2])
    assert index.remove([3, 10, 99_999_999]) == 2
    assert index.size == len(vectors) - 2
    assert 3 not in index.search(vectors[0], 5)[0]
    assert index.search(vectors[2], 1)[0] == [17]


def test_an_ivf_index_goes_back_to_exact_search_when_it_shrinks(clustered, tmp_path: Path) -> None:
    vectors, queries = clustered
    index = VectorIndex.built(vectors, np.arange(len(vectors)), SMALL_IVF)
    index.remove(list(range(2_500)))
    flat = index.laid_out(SMALL_IVF)
    assert flat.kind == "IndexFlatIP"
    assert flat.size == 1_500
    assert _recall_at_10(flat, vectors[2_500:], queries, first_id=2_500) == 1


def test_an_ivf_index_is_retrained_with_more_cells_when_it_outgrows_them(clustered) -> None:
    vectors, _ = clustered
    index = VectorIndex.built(vectors[:2_000], np.arange(2_000), SMALL_IVF)
    assert index.laid_out(SMALL_IVF) is index  # its size still fits its cells
    index.add(vectors[2_000:], np.arange(2_000, 4_000))
    grown = index.laid_out(SMALL_IVF)
    assert "nlist=64" in index.kind
    assert "nlist=128" in grown.kind
    assert grown.size == 4_000
    np.testing.assert_allclose(grown.vectors_of([3_999]), vectors[3_999:])


@pytest.mark.parametrize("layout", [IndexLayout(), SMALL_IVF])
def test_a_memory_mapped_load_searches_as_the_saved_index(clustered, layout, tmp_path) -> None:
    vectors, queries = clustered
    index = VectorIndex.built(vectors, np.arange(len(vectors)), layout)
    index.save(tmp_path / "v.index")
    mapped = VectorIndex.load(tmp_path / "v.index", mmap=True)
    assert mapped.kind == index.kind
    assert [mapped.search(q, 10) for q in queries[:5]] == [index.search(q, 10) for q in queries[:5]]
