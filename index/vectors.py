"""The dense index: FAISS inner-product search over normalised vectors, keyed by chunk id.

The index type follows the number of chunks (`IndexLayout`):
- below `ivf_threshold`, exact search: IndexIDMap2(IndexFlatIP);
- from there on, IndexIVFFlat (inverted lists over k-means cells, `nprobe` cells searched
  per query: 64 reach recall@10 0.958 at 1M, README "Performance"), retrained with more
  cells when the index has grown past its layout.
Both keep stable int64 ids through removals: the IVF index stores the ids in its lists and
keeps a hash table from id to entry, so removing and reconstructing by id work as with
IndexIDMap2. HNSW would search as fast but cannot remove vectors, so it is not used.
"""

import math
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

TRAINING_POINTS_PER_CELL = 64  # FAISS wants at least 39 per centroid
SEED = 1234


@dataclass(frozen=True)
class IndexLayout:
    """When to leave exact search and how the IVF index is sized."""

    ivf_threshold: int = 200_000
    nprobe: int = 64

    def cells(self, size: int) -> int:
        """Inverted lists for `size` vectors: about 2·√size, a power of two (2048 at 1M).

        Fewer, longer lists than FAISS's usual 4·√size: training and adding cost half as
        much, and 64 probed lists still hold the true neighbours (eval/bench_retrieval.py)."""
        return 2 ** round(math.log2(max(2 * math.sqrt(size), 1)))

    def wants_ivf(self, size: int) -> bool:
        return size >= self.ivf_threshold


class VectorIndex:
    """FAISS with stable int64 ids, so removals never shift other ids."""

    def __init__(self, index: faiss.Index) -> None:
        self._index = index

    @classmethod
    def empty(cls, dimension: int) -> "VectorIndex":
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dimension)))

    @classmethod
    def built(
        cls, vectors: np.ndarray, ids: np.ndarray, layout: IndexLayout | None = None
    ) -> "VectorIndex":
        """An index holding these vectors under these ids, of the type their number calls for."""
        index = cls.empty(vectors.shape[1])
        index.add(vectors, ids)
        return index.laid_out(layout or IndexLayout())

    @classmethod
    def load(cls, path: Path, mmap: bool = False) -> "VectorIndex":
        """The saved index; `mmap` maps its vectors instead of reading them (read-only use)."""
        flags = faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY if mmap else 0
        return cls(faiss.read_index(str(path), flags))

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def kind(self) -> str:
        """The FAISS index type, with the IVF parameters, as a reader of the benchmark sees it."""
        if isinstance(self._index, faiss.IndexIVF):
            return f"IndexIVFFlat(nlist={self._index.nlist}, nprobe={self._index.nprobe})"
        return type(faiss.downcast_index(self._index.index)).__name__

    def memory_bytes(self) -> int:
        """The index's size in bytes, as FAISS serialises it (what a load maps or reads)."""
        return int(faiss.serialize_index(self._index).nbytes)

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

    def vectors_of(self, ids: list[int]) -> np.ndarray:
        """The stored vectors of these ids, in their order."""
        matrix = np.empty((len(ids), self.dimension), dtype=np.float32)
        for row, chunk_id in enumerate(ids):
            matrix[row] = self._index.reconstruct(int(chunk_id))
        return matrix

    def search(self, query: np.ndarray, k: int) -> tuple[list[int], list[float]]:
        """The ids and cosine scores of the k nearest chunks, best first."""
        if self.size == 0 or k <= 0:
            return [], []
        matrix = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        scores, ids = self._index.search(matrix, min(k, self.size))
        pairs = [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
        return [i for i, _ in pairs], [s for _, s in pairs]

    def laid_out(self, layout: IndexLayout) -> "VectorIndex":
        """This index, or the same vectors in the type and size its number now calls for."""
        is_ivf = isinstance(self._index, faiss.IndexIVF)
        if not layout.wants_ivf(self.size):
            return self if not is_ivf else self._rebuilt_flat()
        if is_ivf and layout.cells(self.size) < 2 * self._index.nlist:
            self._index.nprobe = layout.nprobe
            return self
        return self._rebuilt_ivf(layout)

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    def _contents(self) -> tuple[np.ndarray, np.ndarray]:
        """Every id and its vector."""
        if isinstance(self._index, faiss.IndexIVF):
            lists = self._index.invlists
            parts = [_inverted_list(lists, cell, self.dimension) for cell in range(lists.nlist)]
            ids = np.concatenate([part[0] for part in parts])
            return ids, np.concatenate([part[1] for part in parts])
        ids = faiss.vector_to_array(self._index.id_map).astype(np.int64)
        return ids, self._index.index.reconstruct_n(0, self.size)

    def _rebuilt_flat(self) -> "VectorIndex":
        ids, vectors = self._contents()
        index = VectorIndex.empty(self.dimension)
        index.add(vectors, ids)
        return index

    def _rebuilt_ivf(self, layout: IndexLayout) -> "VectorIndex":
        ids, vectors = self._contents()
        cells = layout.cells(len(ids))
        quantizer = faiss.IndexFlatIP(self.dimension)
        ivf = faiss.IndexIVFFlat(quantizer, self.dimension, cells, faiss.METRIC_INNER_PRODUCT)
        ivf.own_fields = True
        quantizer.this.disown()  # the IVF index frees its quantizer
        rng = np.random.default_rng(SEED)
        sample = rng.choice(len(ids), min(len(ids), cells * TRAINING_POINTS_PER_CELL), False)
        ivf.train(vectors[np.sort(sample)])
        # A hash table from id to entry: removals and reconstruct by id, as IndexIDMap2 has.
        ivf.set_direct_map_type(faiss.DirectMap.Hashtable)
        ivf.add_with_ids(vectors, ids)
        ivf.nprobe = layout.nprobe
        return VectorIndex(ivf)


def _inverted_list(
    lists: faiss.InvertedLists, cell: int, dimension: int
) -> tuple[np.ndarray, np.ndarray]:
    count = lists.list_size(cell)
    if count == 0:
        return np.empty(0, np.int64), np.empty((0, dimension), np.float32)
    ids = faiss.rev_swig_ptr(lists.get_ids(cell), count).copy()
    codes = faiss.rev_swig_ptr(lists.get_codes(cell), count * dimension * 4).copy()
    return ids.astype(np.int64), codes.view(np.float32).reshape(count, dimension)
