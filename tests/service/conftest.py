"""A real index of the demo corpus (examples/news), built once per session, and a QAService.

The index is read-only for the tests that use it: a test that adds documents builds its own
index in its own temporary folder.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from index.embedding import Embedder, get_embedder
from index.models import IngestStatus
from index.pipeline import Indexer
from index.store import IndexStore, Snapshot
from service.qa import QAService
from service.settings import Settings

DEMO_DOCUMENTS = 13


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(index_dir=tmp_path_factory.mktemp("service") / "index")


@pytest.fixture(scope="session")
def demo_store(demo_settings: Settings, demo_dir: Path) -> Iterator[IndexStore]:
    store = IndexStore(demo_settings)
    results = Indexer(store, demo_settings, progress=False).add_paths([demo_dir])
    assert {result.status for result in results} == {IngestStatus.ADDED}, results
    assert len(results) == DEMO_DOCUMENTS
    yield store
    store.close()


@pytest.fixture(scope="session")
def demo_index_dir(demo_store: IndexStore) -> Path:
    """The folder of the built demo index (for subprocesses)."""
    return demo_store.root


@pytest.fixture(scope="session")
def snapshot(demo_store: IndexStore) -> Snapshot:
    return demo_store.snapshot()


@pytest.fixture(scope="session")
def embedder(demo_settings: Settings) -> Embedder:
    return get_embedder(demo_settings.embedding_model, demo_settings.embed_batch_size)


@pytest.fixture(scope="session")
def qa(demo_settings: Settings, demo_store: IndexStore) -> QAService:
    return QAService(demo_settings, demo_store)
