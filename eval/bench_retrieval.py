"""Dense retrieval at scale: citeqa's VectorIndex over synthetic vectors, against exact search.

The vectors are a mixture of Gaussian clusters on the unit sphere (normalised, as the
embedder's are), so that neighbours are meaningful; the queries are drawn the same way and
are not in the index. Recall@10 is measured against exact inner-product search over the
same vectors (faiss.knn), latency one query at a time, as the service searches.
"""

import time

import faiss
import numpy as np

from eval.bench_report import RetrievalFigures
from index.vectors import VectorIndex

DIMENSION = 384  # all-MiniLM-L6-v2
POINTS_PER_CLUSTER = 100
# A point's cosine to its cluster's centre is about 1/sqrt(1 + NOISE²): 0.45 here. With 1.0
# every IVF setting finds all true neighbours; with 3.0 the clusters dissolve into uniform
# noise, where nearest neighbours mean nothing (and no approximate index finds them).
NOISE = 2.0
QUERIES = 200
K = 10
GENERATION_BLOCK = 100_000


def clustered_vectors(count: int, centres: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    vectors = np.empty((count, centres.shape[1]), dtype=np.float32)
    for begin in range(0, count, GENERATION_BLOCK):
        size = min(GENERATION_BLOCK, count - begin)
        block = centres[rng.integers(len(centres), size=size)]
        block += rng.standard_normal(block.shape, dtype=np.float32) * (
            NOISE / np.sqrt(centres.shape[1])
        )
        vectors[begin : begin + size] = block
    faiss.normalize_L2(vectors)
    return vectors


def synthetic_data(count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """`count` indexed vectors and QUERIES query vectors from the same clusters."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((max(count // POINTS_PER_CLUSTER, 1), DIMENSION), np.float32)
    faiss.normalize_L2(centres)
    return clustered_vectors(count, centres, rng), clustered_vectors(QUERIES, centres, rng)


def measure_retrieval(count: int) -> RetrievalFigures:
    vectors, queries = synthetic_data(count)
    started = time.perf_counter()
    index = VectorIndex.built(vectors, np.arange(count, dtype=np.int64))
    build_s = time.perf_counter() - started
    _, exact = faiss.knn(queries, vectors, K, faiss.METRIC_INNER_PRODUCT)
    del vectors
    latencies, found = [], []
    for query in queries:
        started = time.perf_counter()
        ids, _ = index.search(query, K)
        latencies.append(time.perf_counter() - started)
        found.append(ids)
    recall = np.mean([len(set(f) & set(e.tolist())) / K for f, e in zip(found, exact, strict=True)])
    p50, p95 = np.percentile(np.array(latencies) * 1000, [50, 95])
    return RetrievalFigures(
        chunks=count,
        index_type=index.kind,
        build_s=round(build_s, 2),
        p50_ms=round(float(p50), 3),
        p95_ms=round(float(p95), 3),
        recall_at_10=round(float(recall), 4),
        memory_mb_per_million=round(index.memory_bytes() / 1e6 * 1e6 / count, 1),
    )
