"""Fixtures for the store tests: settings on a temporary folder, documents, unit vectors."""

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from index.chunking import Chunker
from index.models import Document, IngestStatus
from index.settings import IndexSettings
from index.store import IndexStore, Writer

DIMENSION = 384


class StoreKit:
    """Makes documents and stores them with random unit vectors (the store never embeds)."""

    dimension = DIMENSION

    def __init__(self, settings: IndexSettings) -> None:
        self.chunker = Chunker(settings.chunk_size, settings.chunk_overlap)

    @staticmethod
    def document(doc_id: str, text: str | None = None, **fields: object) -> Document:
        body = text or (
            f"Report {doc_id}. The minister met the delegation on Tuesday in the capital. "
            "Talks will resume next month, officials said. " * 4
        )
        return Document(id=doc_id, title=f"Title {doc_id}", text=body.strip(), **fields)

    @staticmethod
    def vectors(count: int, seed: int = 0) -> np.ndarray:
        rng = np.random.default_rng(seed)
        vectors = rng.normal(size=(count, DIMENSION)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def put(self, writer: Writer, document: Document, seed: int = 0) -> IngestStatus:
        spans = self.chunker.split(document.text)
        return writer.put(document, f"test:{document.id}", spans, self.vectors(len(spans), seed))


@pytest.fixture
def settings(tmp_path: Path) -> IndexSettings:
    return IndexSettings(index_dir=tmp_path / "index", chunk_size=200, chunk_overlap=20)


@pytest.fixture
def store(settings: IndexSettings) -> Iterator[IndexStore]:
    opened = IndexStore(settings)
    yield opened
    opened.close()


@pytest.fixture
def kit(settings: IndexSettings) -> StoreKit:
    return StoreKit(settings)
