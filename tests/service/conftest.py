"""A real index of the demo corpus (examples/news), built once per session, and a QAService.

The index is read-only for the tests that use it: a test that adds documents builds its own
index in its own temporary folder.
"""

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
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


class LiveServer:
    """citeqa's app served by uvicorn in a thread on 127.0.0.1 (a free port), until closed.

    In-process, so the server shares the already loaded model with the tests."""

    def __init__(self, settings: Settings) -> None:
        import uvicorn

        from service.api import create_app

        self.app = create_app(settings)
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        config = uvicorn.Config(self.app, log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def start(self) -> "LiveServer":
        self._thread.start()
        wait_until_ready(self.url)
        return self

    def close(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=60)
        self._socket.close()


def wait_until_ready(url: str, alive: Callable[[], bool] = lambda: True) -> None:
    """Poll /readyz (every 0.1 s, a bounded number of times) until it answers 200."""
    for _ in range(1200):
        if not alive():
            raise RuntimeError(f"the server for {url} stopped")
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not become ready")


@pytest.fixture(scope="session")
def ready_waiter() -> Callable[..., None]:
    """wait_until_ready, for tests that start a server themselves."""
    return wait_until_ready


@pytest.fixture
def demo_copy(demo_store: IndexStore, tmp_path: Path) -> Path:
    """A writable copy of the demo index (a test that adds or removes documents uses one)."""
    target = tmp_path / "index"
    shutil.copytree(demo_store.root, target, ignore=shutil.ignore_patterns("write.lock"))
    return target


@pytest.fixture
def live_server() -> Iterator[Callable[..., LiveServer]]:
    """Start servers with given settings; each is stopped when the test ends."""
    servers: list[LiveServer] = []

    def start(index_dir: Path, **values: object) -> LiveServer:
        server = LiveServer(Settings(index_dir=index_dir, **values)).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture(scope="session")
def demo_server(demo_settings: Settings, demo_store: IndexStore) -> Iterator[str]:
    """The URL of a server over the session's demo index, for tests that only read."""
    server = LiveServer(demo_settings).start()
    yield server.url
    server.close()
