"""What the app holds while it runs: settings, the store, and the QA service once it is loaded.

Loading the models takes seconds, so it happens in a background thread started by the app's
lifespan: /healthz answers at once, /readyz and the routes that need the models wait for it.
"""

import logging
import threading
from dataclasses import dataclass, field

from index.pipeline import Indexer
from index.store import IndexStore
from service.models import Question
from service.qa import QAService
from service.settings import Settings

logger = logging.getLogger("citeqa.api")


@dataclass
class Runtime:
    settings: Settings
    store: IndexStore
    qa: QAService | None = None
    load_error: str | None = None
    loaded: threading.Event = field(default_factory=threading.Event)

    @classmethod
    def open(cls, settings: Settings) -> "Runtime":
        return cls(settings=settings, store=IndexStore(settings))

    @property
    def ready(self) -> bool:
        return self.qa is not None

    def load(self) -> None:
        """Load the models and the published generation once; record why if that fails."""
        try:
            qa = QAService(self.settings, self.store)
            # One whole question loads everything lazily loaded (FAISS, BM25, the query
            # encoder, the parsers), so the first reader does not pay for it.
            qa.ask(Question(question="What is in the news?"))
            self.qa = qa
            logger.info("ready: index generation %d", qa.snapshot().generation)
        except Exception as error:  # the server stays up to say why on /readyz
            self.load_error = f"{type(error).__name__}: {error}"
            logger.exception("cannot load the index and models")
        finally:
            self.loaded.set()

    def indexer(self) -> Indexer:
        return Indexer(self.store, self.settings, progress=False)

    def close(self) -> None:
        self.store.close()
