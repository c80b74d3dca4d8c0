"""Settings of the index, read once from the environment (prefix CITEQA_) and passed down."""

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_index_dir() -> Path:
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "citeqa" / "index"


class IndexSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CITEQA_", extra="ignore")

    index_dir: Path = Field(default_factory=default_index_dir)
    embedding_model: str = Field(
        default="sentence-transformers/all-MiniLM-L6-v2",
        description="A packaged model name or the path of a local sentence-transformers folder.",
    )
    # int8: 2.5x the ingestion rate of the plain recipe at doc-hit@5 within 0.01 of fp32
    # (README, "Performance").
    embedding_backend: Literal["onnx-int8", "torch"] = Field(
        default="onnx-int8",
        description="onnx-int8: the int8 ONNX export (no torch); torch: the fp32 weights. "
        "A model without an int8 export always runs with torch.",
    )
    embed_threads: int | None = Field(
        default=None, ge=1, le=256, description="Threads per embedding call (default: one a core)."
    )
    # Small batches of length-sorted texts waste least on padding: 8 was fastest on 2 cores
    # for chunks and for the answerer's sentences alike (16: same, 32: -10% and -35%).
    embed_batch_size: int = Field(default=8, ge=1, le=4096)
    # Chosen by measuring doc-hit@5 on ../shared/eval/dev (see README, "Chunking").
    chunk_size: int = Field(default=500, ge=100, le=20_000)
    chunk_overlap: int = Field(default=75, ge=0)
    # Exact search below this many chunks, IVF from there on (eval/bench: 1M chunks).
    ivf_threshold: int = Field(default=200_000, ge=1_000)
    ivf_nprobe: int = Field(default=64, ge=1, le=65_536)
    max_document_bytes: int = Field(default=10_000_000, ge=1)
    # Generations kept on disk: readers that opened an older one can finish their work.
    keep_generations: int = Field(default=3, ge=2, le=100)
    lock_timeout_s: float = Field(default=120.0, ge=0)

    @model_validator(mode="after")
    def _overlap_below_size(self) -> "IndexSettings":
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError("chunk_overlap must be smaller than chunk_size")
        return self
