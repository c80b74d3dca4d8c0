"""The dense index: FAISS inner-product search over normalised vectors, keyed by chunk id."""

from pathlib import Path

import faiss
import numpy as np


class VectorIndex:
    """FAISS with stable int64 ids (IndexIDMap2), so removals never shift other ids."""

    def __init__(self, index: faiss.Index) -> None:
        self._index = index

    @classmethod
    def empty(cls, dimension: int) -> "VectorIndex":
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dimension)))

    @classmethod
    def built(cls, vectors: np.ndarray, ids: np.ndarray) -> "VectorIndex":
        """An index holding these vectors under these ids."""
        index = cls.empty(vectors.shape[1])
        index.add(vectors, ids)
        return index

    @classmethod
    def load(cls, path: Path) -> "VectorIndex":
        return cls(faiss.read_index(str(path)))

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    @property
    def kind(self) -> str:
        """The FAISS index type, as a reader of the benchmark sees it."""
        inner = faiss.downcast_index(self._index.index) if hasattr(self._index, "index") else None
        return type(inner or self._index).__name__

    def memory_bytes(self) -> int:
        """The index's size in bytes, as FAISS serialises it (what a load maps or reads)."""
        return int(faiss.serialize_index(self._index).nbytes)

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    def add(self, vectors: np.ndarray, ids: list[int] | np.ndarray) -> None:
        if len(ids) != len(vectors):
            raise ValueError(f"{len(vectors)} vectors for {len(ids)} ids")
        if len(ids):
            matrix = np.ascontiguousarray(vectors, dtype=np.float32)
            self._index.add_with_ids(matrix, np.asarray(ids, dtype=np.int64))

    def remove(self, ids: list[int]) -> int:
        if not ids:
            return 0
        return int(self._index.remove_ids(np.asarray(ids, dtype=np.int64)))

    def search(self, query: np.ndarray, k: int) -> tuple[list[int], list[float]]:
        """The ids and cosine scores of the k nearest chunks, best first."""
        if self.size == 0 or k <= 0:
            return [], []
        matrix = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        scores, ids = self._index.search(matrix, min(k, self.size))
        pairs = [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
        return [i for i, _ in pairs], [s for _, s in pairs]

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))
