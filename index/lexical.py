"""The lexical index: BM25 (bm25s) over chunk texts, with stemming and English stopwords."""

import json
from functools import cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

_CHUNK_IDS_FILE = "chunk_ids.npy"
_PARAMS_FILE = "citeqa.json"


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]) -> list[list[str]]:
    return bm25s.tokenize(
        texts, stopwords="en", stemmer=_stemmer(), return_ids=False, show_progress=False
    )


class LexicalIndex:
    """BM25 scores of chunks for a query; row i of the BM25 matrix is chunk_ids[i]."""

    def __init__(self, retriever: bm25s.BM25 | None, chunk_ids: np.ndarray) -> None:
        self._retriever = retriever
        self._chunk_ids = chunk_ids

    @classmethod
    def build(cls, chunk_ids: list[int], texts: list[str]) -> "LexicalIndex":
        ids = np.asarray(chunk_ids, dtype=np.int64)
        if not texts:
            return cls(None, ids)
        retriever = bm25s.BM25()
        retriever.index(tokenize(texts), show_progress=False)
        return cls(retriever, ids)

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        ids = np.load(folder / _CHUNK_IDS_FILE, allow_pickle=False)
        params = json.loads((folder / _PARAMS_FILE).read_text())
        if not params["has_retriever"]:
            return cls(None, ids)
        retriever = bm25s.BM25.load(str(folder), mmap=True, allow_pickle=False)
        return cls(retriever, ids)

    @property
    def size(self) -> int:
        return len(self._chunk_ids)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / _CHUNK_IDS_FILE, self._chunk_ids, allow_pickle=False)
        if self._retriever is not None:
            self._retriever.save(str(folder), allow_pickle=False)
        params = {"has_retriever": self._retriever is not None}
        (folder / _PARAMS_FILE).write_text(json.dumps(params))

    def search(self, query: str, k: int) -> tuple[list[int], list[float]]:
        """The ids and BM25 scores of up to k chunks sharing a term with the query."""
        tokens = tokenize([query])
        if self._retriever is None or k <= 0 or not tokens[0]:
            return [], []
        rows, scores = self._retriever.retrieve(
            tokens, k=min(k, self.size), show_progress=False, n_threads=1
        )
        pairs = [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if s > 0]
        return [int(self._chunk_ids[r]) for r, _ in pairs], [s for _, s in pairs]
